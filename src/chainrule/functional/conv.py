"""Linear maps, convolutions, pooling, unfold/fold, padding and interpolation at the public edge.

Arguments are parsed and checked here with PyTorch's messages; what is settled (padding
as (before, after) pairs, index keys of gathers, divisors, interpolation matrices) goes
to the primitives in ``primitives/conv.py``. Where PyTorch composes (unbatched inputs,
1-d pools, ``linear`` on n-d inputs) we compose the same way, so graphs match.
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from .._dispatch import call
from .._tensor import Tensor
from ..backend import namespace_of
from ..primitives import conv as C
from ..primitives import linalg as L
from .math import matmul
from .shape import reshape, squeeze, t, unsqueeze

# -- argument parsing -----------------------------------------------------------------------------

_C_TYPE = {"Half": "c10::Half", "Long": "long int", "Short": "short int", "Char": "signed char",
           "Byte": "unsigned char"}


def _c_type(t: Tensor) -> str:
    """A dtype as PyTorch's C++ messages name it: float, double, c10::Half, long int..."""
    return _C_TYPE.get(t._dtype.c_name, t._dtype.c_name.lower())


def _ints(value, n: int) -> tuple:
    """An int as ``n`` copies, a sequence of ints as a tuple (PyTorch's int-list arguments)."""
    if isinstance(value, (int, np.integer)):
        return (int(value),) * n
    return tuple(int(v) for v in value)


def _conv_param(value: tuple, n: int, name: str) -> tuple:
    """A convolution argument expanded to one value per spatial dim, or PyTorch's error."""
    if len(value) == 1:
        return value * n
    if len(value) != n:
        raise RuntimeError(f"expected {name} to be a single integer value or a list of {n} values "
                           f"to match the convolution dimensions, but got {name}={list(value)}")
    return value


def _pairs(padding: tuple) -> tuple:
    """Symmetric padding amounts as (before, after) pairs."""
    return tuple((p, p) for p in padding)


def _sizes(shape) -> str:
    return str(list(shape))


# -- linear maps ----------------------------------------------------------------------------------


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """Applies ``input @ weight.T + bias``, decomposed as PyTorch decomposes it."""
    nd = input.dim()
    if nd == 0 or weight.dim() == 0:
        raise RuntimeError("both arguments to linear need to be at least 1D, but they are "
                           f"{nd}D and {weight.dim()}D")
    if bias is not None and (nd == 2 or input.is_contiguous() and (nd == 3 or bias.dim() == 1)):
        if nd == 2:
            return _addmm(bias, input, t(weight))
        # n-d input: one addmm over the rows, viewed back (PyTorch's _flatten_nd_linear)
        rows = reshape(input, (math.prod(input.shape[:-1]), input.shape[-1]))
        out = _addmm(bias, rows, t(weight))
        return out.view(tuple(input.shape[:-1]) + (out.shape[1],))
    out = matmul(input, t(weight))
    if bias is None:
        return out
    if bias._dtype is not out._dtype:  # in place, as PyTorch: the result keeps its dtype
        return out.add_(bias)
    return out + bias  # records the same AddBackward0 as PyTorch's in-place add


def _addmm(bias: Tensor, x: Tensor, w: Tensor) -> Tensor:
    """``bias + x @ w`` for matrices, with PyTorch's checks."""
    if w.dim() != 2:
        raise RuntimeError(f"mat2 must be a matrix, got {w.dim()}-D tensor")
    (n, k), (k2, m) = x.shape, w.shape
    if bias._dtype is not w._dtype:
        raise RuntimeError("self and mat2 must have the same dtype, but got "
                           f"{bias._dtype.c_name} and {w._dtype.c_name}")
    if x._dtype is not w._dtype:
        raise RuntimeError("mat1 and mat2 must have the same dtype, but got "
                           f"{x._dtype.c_name} and {w._dtype.c_name}")
    if k != k2:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({n}x{k} and {k2}x{m})")
    try:
        np.broadcast_shapes(tuple(bias.shape), (n, m))
    except ValueError:
        size = bias.shape[-1] if bias.dim() else 1
        raise RuntimeError(
            f"The expanded size of the tensor ({m}) must match the existing size ({size}) at "
            f"non-singleton dimension 1.  Target sizes: [{n}, {m}].  Tensor sizes: "
            f"{_sizes(bias.shape)}") from None
    return call(L.linear_addmm, (bias, x, w), {"beta": 1, "alpha": 1})  # one AddmmBackward0


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """Applies ``out[..., o] = input1 . weight[o] . input2 + bias[o]``."""
    named = [("input1", input1), ("input2", input2), ("weight", weight)] + (
        [("bias", bias)] if bias is not None else [])
    if any(x._dtype is not input1._dtype for _, x in named):
        raise RuntimeError("All tensors must have the same dtype, got " +
                           ", ".join(f"{name}: {_c_type(x)}" for name, x in named))
    if input1.dim() != input2.dim():
        raise RuntimeError("bilinear(): input dimensions do not match: got "
                           f"{input1.dim()} and {input2.dim()}")
    for i in range(input1.dim() - 1):
        if input1.shape[i] != input2.shape[i]:
            raise RuntimeError(f"bilinear(): input batch dimensions do not match at dim {i}: "
                               f"got {input1.shape[i]} and {input2.shape[i]}")
    for k, x in ((1, input1), (2, input2)):
        if x.shape[-1] != weight.shape[k]:
            raise RuntimeError(f"bilinear(): input{k} size does not match weight size: got "
                               f"{x.shape[-1]} but expected {weight.shape[k]}")
    if bias is not None and bias.shape[0] != weight.shape[0]:
        raise RuntimeError("bilinear(): bias size does not match weight size: got "
                           f"{bias.shape[0]} but expected {weight.shape[0]}")
    x1 = reshape(input1, (-1, input1.shape[-1]))
    x2 = reshape(input2, (-1, input2.shape[-1]))
    out = reshape(call(C.trilinear, (x1, weight, x2)), tuple(input1.shape[:-1]) + (weight.shape[0],))
    return out if bias is None else out + bias


# -- convolution ------------------------------------------------------------------------------------


def _check_conv_dtypes(input: Tensor, weight: Tensor, bias: Tensor | None) -> None:
    if weight._dtype is not input._dtype:
        raise RuntimeError(f"expected scalar type {input._dtype.c_name} but found "
                           f"{weight._dtype.c_name}")
    if bias is not None and bias._dtype is not input._dtype:
        raise RuntimeError(f"Input type ({_c_type(input)}) and bias type ({_c_type(bias)}) "
                           "should be the same")


def _check_conv_params(weight: Tensor, padding: tuple, stride: tuple, dilation: tuple,
                       groups: int, output_padding: tuple) -> None:
    if any(p < 0 for p in padding):
        raise RuntimeError("negative padding is not supported")
    if any(p < 0 for p in output_padding):
        raise RuntimeError("negative output_padding is not supported")
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(d < 0 for d in dilation):
        raise RuntimeError("dilation should be greater than zero")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    w = weight.shape
    if w[0] < groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be at least {groups} at "
                           f"dimension 0, but got weight of size {_sizes(w)} instead")
    if w[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at "
                           f"dimension 0, but got weight of size [{_sizes(w)}] instead")


def _check_conv_shapes(input: Tensor, weight: Tensor, bias: Tensor | None, padding: tuple,
                       dilation: tuple, groups: int, transposed: bool) -> None:
    x, w = input.shape, weight.shape
    if input.dim() != weight.dim():
        raise RuntimeError(f"Expected {weight.dim()}-dimensional input for {weight.dim()}-dimensional "
                           f"weight {_sizes(w)}, but got {input.dim()}-dimensional input of size "
                           f"{_sizes(x)} instead")
    channels = w[0] if transposed else w[1] * groups
    what = f"transposed={int(transposed)}" if transposed else f"groups={groups}"
    if x[1] != channels:
        raise RuntimeError(f"Given {what}, weight of size {_sizes(w)}, expected input{_sizes(x)} "
                           f"to have {channels} channels, but got {x[1]} channels instead")
    outs = w[1] * groups if transposed else w[0]
    if bias is not None and (bias.dim() != 1 or bias.shape[0] != outs):
        lead = "Given transposed=1, weight" if transposed else "Given weight"
        raise RuntimeError(f"{lead} of size {_sizes(w)}, expected bias to be 1-dimensional with "
                           f"{outs} elements, but got bias of size {_sizes(bias.shape)} instead")
    if not transposed:
        padded = [n + 2 * p for n, p in zip(x[2:], padding)]
        kernel = [d * (k - 1) + 1 for d, k in zip(dilation, w[2:])]
        if any(n < k for n, k in zip(padded, kernel)):
            raise RuntimeError(
                f"Calculated padded input size per channel: ({' x '.join(map(str, padded))}). "
                f"Kernel size: ({' x '.join(map(str, kernel))}). Kernel size can't be greater than "
                "actual input size")


def _as_2d(values: tuple, fill: int) -> tuple:
    """A 1-d convolution's per-dim values as PyTorch words them: as a 2-d one's."""
    return (fill,) + values if len(values) == 1 else values


def _worded(what: str, values: tuple, sep: str = " ") -> str:
    names = ("depth", "height", "width")[3 - len(values):]
    return sep.join(f"{what}_{name}: {v}" for name, v in zip(names, values))


def _check_kernel_params(dilation: tuple, output_padding: tuple, stride: tuple,
                         transposed: bool) -> None:
    """The checks PyTorch's convolution kernels make (zero dilation, output_padding)."""
    if 0 in dilation:
        got = (_worded("dilation", _as_2d(dilation, 1), ", ") if transposed
               else str(list(_as_2d(dilation, 1))))
        raise RuntimeError(f"dilation should be greater than zero, but got {got}")
    if transposed and not all(op < s or op < d for op, s, d in
                              zip(output_padding, stride, dilation)):
        parts = [_worded("output_padding", _as_2d(output_padding, 0)),
                 _worded("stride", _as_2d(stride, 1)), _worded("dilation", _as_2d(dilation, 1))]
        raise RuntimeError("output padding must be smaller than either stride or dilation, but "
                           "got " + " ".join(parts))


def _convolution(input: Tensor, weight: Tensor, bias, stride, padding, dilation, transposed: bool,
                 output_padding, groups: int) -> Tensor:
    """PyTorch's ``convolution``: checks, then the one primitive (ConvolutionBackward0)."""
    k = weight.dim() - 2
    stride, padding = _conv_param(stride, k, "stride"), _conv_param(padding, k, "padding")
    dilation = _conv_param(dilation, k, "dilation")
    output_padding = _conv_param(output_padding, k, "output_padding")
    _check_conv_params(weight, padding, stride, dilation, groups, output_padding)
    _check_conv_shapes(input, weight, bias, padding, dilation, groups, transposed)
    _check_conv_dtypes(input, weight, bias)
    _check_kernel_params(dilation, output_padding, stride, transposed)
    if transposed:
        size = [(n - 1) * s - 2 * p + d * (kk - 1) + op + 1 for n, s, p, d, kk, op in
                zip(input.shape[2:], stride, padding, dilation, weight.shape[2:], output_padding)]
        if any(n <= 0 for n in size):
            raise RuntimeError(
                f"Given input size per channel: ({' x '.join(map(str, input.shape[2:]))}). "
                f"Calculated output size per channel: ({' x '.join(map(str, size))}). Output size "
                "is too small")
    pads = tuple((p, p - op) for p, op in zip(padding, output_padding))  # see C.convolution
    attrs = {"stride": stride, "padding": pads, "dilation": dilation, "transposed": transposed,
             "groups": groups}
    return call(C.convolution, (input, weight, bias), attrs)


def _same_padding(input: Tensor, weight: Tensor, stride, dilation) -> tuple[Tensor, tuple]:
    """padding="same": symmetric where it can be, else an explicit pad of the input first."""
    k = weight.dim() - 2
    if any(s != 1 for s in stride):
        raise RuntimeError("padding='same' is not supported for strided convolutions")
    dilation = _conv_param(dilation, k, "dilation")
    total = [d * (kk - 1) for d, kk in zip(dilation, weight.shape[2:])]
    left = [n // 2 for n in total]
    if all(n - lo == lo for n, lo in zip(total, left)):
        return input, tuple(left)
    warnings.warn("Using padding='same' with even kernel lengths and odd dilation may require a "
                  "zero-padded copy of the input be created", UserWarning, stacklevel=4)
    pad = []
    for n, lo in zip(reversed(total), reversed(left)):  # the extra one goes after
        pad += [0, n - 2 * lo]
    return constant_pad_nd(input, pad), tuple(left)


def _conv_nd(n: int, input: Tensor, weight: Tensor, bias, stride, padding, dilation,
             groups: int) -> Tensor:
    """``conv{n}d``: unbatched inputs are unsqueezed, and padding strings resolved."""
    if input.dim() not in (n + 1, n + 2):
        raise RuntimeError(f"Expected {n + 1}D (unbatched) or {n + 2}D (batched) input to "
                           f"conv{n}d, but got input of size: {_sizes(input.shape)}")
    batched = input.dim() == n + 2
    x = input if batched else unsqueeze(input, 0)
    stride, dilation = _ints(stride, n), _ints(dilation, n)
    if isinstance(padding, str):
        if padding == "valid":
            padding = 0
        elif padding == "same":
            x, padding = _same_padding(x, weight, stride, dilation)
        else:
            raise RuntimeError(f"Invalid padding string: '{padding}'")
    out = _convolution(x, weight, bias, stride, _ints(padding, n), dilation, False, (0,), groups)
    return out if batched else squeeze(out, 0)


def conv1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0,
           dilation=1, groups: int = 1) -> Tensor:
    """Applies a 1-d convolution over an input signal of shape (N, C, L) or (C, L)."""
    return _conv_nd(1, input, weight, bias, stride, padding, dilation, groups)


def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0,
           dilation=1, groups: int = 1) -> Tensor:
    """Applies a 2-d convolution over an input image of shape (N, C, H, W) or (C, H, W)."""
    return _conv_nd(2, input, weight, bias, stride, padding, dilation, groups)


def conv3d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0,
           dilation=1, groups: int = 1) -> Tensor:
    """Applies a 3-d convolution over an input of shape (N, C, D, H, W) or (C, D, H, W)."""
    return _conv_nd(3, input, weight, bias, stride, padding, dilation, groups)


def _conv_transpose_nd(n: int, input: Tensor, weight: Tensor, bias, stride, padding,
                       output_padding, groups: int, dilation) -> Tensor:
    if input.dim() not in (n + 1, n + 2):
        raise RuntimeError(f"Expected {n + 1}D (unbatched) or {n + 2}D (batched) input to "
                           f"conv_transpose{n}d, but got input of size: {_sizes(input.shape)}")
    if isinstance(padding, str):
        raise TypeError(f"conv_transpose{n}d(): argument 'padding' must be tuple of ints, not str")
    batched = input.dim() == n + 2
    x = input if batched else unsqueeze(input, 0)
    out = _convolution(x, weight, bias, _ints(stride, n), _ints(padding, n), _ints(dilation, n),
                       True, _ints(output_padding, n), groups)
    return out if batched else squeeze(out, 0)


def conv_transpose1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1,
                     padding=0, output_padding=0, groups: int = 1, dilation=1) -> Tensor:
    """Applies a 1-d transposed convolution (the gradient of conv1d with respect to its input)."""
    return _conv_transpose_nd(1, input, weight, bias, stride, padding, output_padding, groups,
                              dilation)


def conv_transpose2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1,
                     padding=0, output_padding=0, groups: int = 1, dilation=1) -> Tensor:
    """Applies a 2-d transposed convolution (the gradient of conv2d with respect to its input)."""
    return _conv_transpose_nd(2, input, weight, bias, stride, padding, output_padding, groups,
                              dilation)


def conv_transpose3d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1,
                     padding=0, output_padding=0, groups: int = 1, dilation=1) -> Tensor:
    """Applies a 3-d transposed convolution (the gradient of conv3d with respect to its input)."""
    return _conv_transpose_nd(3, input, weight, bias, stride, padding, output_padding, groups,
                              dilation)


# -- pooling ---------------------------------------------------------------------------------------


def _pool_out(size: int, k: int, pad: int, stride: int, dilation: int, ceil_mode: bool) -> int:
    """PyTorch's pooling_output_shape: windows may start in the left padding, not the right."""
    span = size + 2 * pad - dilation * (k - 1) - 1 + (stride - 1 if ceil_mode else 0)
    out = span // stride + 1
    if ceil_mode and (out - 1) * stride >= size + pad:
        out -= 1
    return out


_POOL_ARG = {"kernel_size": "must either be a single int", "padding": "must either be a single int",
             "stride": "must either be omitted, a single int",
             "dilation": "must be either a single int"}


def _pool_arg(value, name: str, op: str) -> tuple:
    """A 2-d pooling argument as a pair, or PyTorch's message."""
    out = _ints(value, 2)
    if len(out) not in (1, 2):
        raise RuntimeError(f"{op}: {name} {_POOL_ARG[name]}, or a tuple of two ints")
    return out * 2 if len(out) == 1 else out


def _pool2d_args(input: Tensor, kernel_size, stride, padding, dilation, ceil_mode: bool,
                 op: str) -> tuple:
    """(kernel, stride, padding, dilation, out sizes) of a 2-d pool, checked as PyTorch checks."""
    kernel = _pool_arg(kernel_size, "kernel_size", op)
    stride = kernel if stride is None or len(_ints(stride, 2)) == 0 else _pool_arg(stride, "stride",
                                                                                  op)
    padding, dilation = _pool_arg(padding, "padding", op), _pool_arg(dilation, "dilation", op)
    for k, p, s, d in zip(kernel, padding, stride, dilation):
        if s == 0:
            raise RuntimeError("stride should not be zero")
        if p < 0:
            raise RuntimeError(f"pad must be non-negative, but got pad: {p}")
        if p > ((k - 1) * d + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got "
                               f"pad={p}, kernel_size={k} and dilation={d}")
    out = tuple(_pool_out(n, k, p, s, d, ceil_mode) for n, k, p, s, d in
                zip(input.shape[-2:], kernel, padding, stride, dilation))
    if min(kernel) <= 0:
        raise RuntimeError(f"kernel size should be greater than zero, but got kH: {kernel[0]} "
                           f"kW: {kernel[1]}")
    if min(stride) <= 0:
        raise RuntimeError(f"stride should be greater than zero, but got dH: {stride[0]} "
                           f"dW: {stride[1]}")
    if min(dilation) <= 0:
        raise RuntimeError(f"dilation should be greater than zero, but got dilationH: "
                           f"{dilation[0]} dilationW: {dilation[1]}")
    if min(out) < 1:
        planes, (h, w) = input.shape[-3], input.shape[-2:]
        raise RuntimeError(f"Given input size: ({planes}x{h}x{w}). Calculated output size: "
                           f"({planes}x{out[0]}x{out[1]}). Output size is too small")
    return kernel, stride, padding, dilation, out


def _window_table(xp, k: int, stride: int, pad: int, dilation: int, out: int):
    """(out, k) input positions of each window along one dim (outside the input: padding)."""
    return xp.reshape(xp.arange(out) * stride - pad, (-1, 1)) + xp.arange(k) * dilation


def _max_by_tables(input: Tensor, tables: tuple, prim) -> tuple[Tensor, Tensor]:
    """(values, indices): the maximum of each window, found once, gathered by ``prim``."""
    indices = call(C.window_argmax, (input,), {"tables": tables})
    xp = namespace_of(input._data)
    index = indices._data
    n = len(tables)
    planes, windows = math.prod(index.shape[:index.ndim - n]), math.prod(index.shape[index.ndim - n:])
    plane = math.prod(input.shape[input.dim() - n:])
    # the flat position in the input: the plane's offset plus the in-plane index
    key = xp.reshape(xp.reshape(index, (planes, windows)) + xp.reshape(xp.arange(planes) * plane, (-1, 1)),
                     (-1,))
    return call(prim, (input,), {"key": key, "shape": index.shape}), indices


def max_pool2d(input: Tensor, kernel_size, stride=None, padding=0, dilation=1,
               ceil_mode: bool = False, return_indices: bool = False):
    """Applies 2-d max pooling over (N, C, H, W) or (C, H, W) inputs."""
    if input.dim() not in (3, 4):
        raise RuntimeError("non-empty 3D or 4D (batch mode) tensor expected for input")
    kernel, stride, padding, dilation, out = _pool2d_args(input, kernel_size, stride, padding,
                                                          dilation, ceil_mode, "max_pool2d")
    xp = namespace_of(input._data)
    tables = tuple(_window_table(xp, *args) for args in zip(kernel, stride, padding, dilation, out))
    values, indices = _max_by_tables(input, tables, C.max_pool2d)
    return (values, indices) if return_indices else values


def _check_pool1d(input: Tensor, op: str, kernel_size, stride, padding) -> tuple:
    """A 1-d pool's arguments as ints; checked as PyTorch's check1d."""
    values = []
    for name, v in (("kernel_size", kernel_size), ("stride", stride), ("padding", padding)):
        v = _ints(v, 1) if v is not None else ()
        if name != "stride" and len(v) != 1 or len(v) > 1:
            raise RuntimeError(f"{op}() argument '{name}' should contain one int (got {len(v)})")
        values.append(v[0] if v else None)
    return tuple(values)


def max_pool1d(input: Tensor, kernel_size, stride=None, padding=0, dilation=1,
               ceil_mode: bool = False, return_indices: bool = False):
    """Applies 1-d max pooling over (N, C, L) or (C, L) inputs (as a 2-d pool of height 1)."""
    shape = list(input.shape)
    if not (input.dim() == 2 and 0 not in shape or input.dim() == 3 and 0 not in shape[1:]):
        raise RuntimeError("max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim "
                           f"batch size for input, but got:{shape}")
    k, s, p = _check_pool1d(input, "max_pool1d", kernel_size, stride, padding)
    (d,) = _ints(dilation, 1)
    s = k if s is None else s
    for name, v, bad in (("kernel_size", k, k <= 0), ("stride", s, s <= 0)):
        if bad:
            raise RuntimeError(f"max_pool1d() {name} must be greater than zero, but got {v}")
    if p < 0:
        raise RuntimeError(f"max_pool1d() padding must be non-negative, but got {p}")
    if p > k // 2:
        raise RuntimeError("max_pool1d() padding should be at most half of kernel size, but got "
                           f"padding={p} and kernel_size={k}")
    if d <= 0:
        raise RuntimeError(f"max_pool1d() dilation must be greater than zero, but got {d}")
    out = _pool_out(shape[-1], k, p, s, d, ceil_mode)
    if out <= 0:
        raise RuntimeError(f"max_pool1d() Invalid computed output size: {out}")
    values, indices = max_pool2d(unsqueeze(input, -2), (1, k), (1, s), (0, p), (1, d), ceil_mode,
                                 True)
    values = squeeze(values, -2)
    return (values, squeeze(indices, -2)) if return_indices else values


def _avg_scale(xp, sizes, kernel, stride, padding, out, count_include_pad: bool, divisor, dtype):
    """1 / divisor for each output position (PyTorch's window clipping, in every dim)."""
    scale = xp.ones((), dtype=np.float64)
    for n, k, s, p, o in zip(sizes, kernel, stride, padding, out):
        start = xp.arange(o) * s - p
        end = xp.minimum(start + k, n + p)
        size = end - start if count_include_pad else (xp.minimum(end, n) - xp.maximum(start, 0))
        scale = scale[..., None] * size
    if divisor is not None:
        scale = xp.full(scale.shape, divisor, dtype=np.float64)
    return (1 / scale).astype(dtype)


def avg_pool2d(input: Tensor, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
               count_include_pad: bool = True, divisor_override=None) -> Tensor:
    """Applies 2-d average pooling over (N, C, H, W) or (C, H, W) inputs."""
    if input.dim() < 3:
        input.size(-3)  # PyTorch's IndexError for a missing channel dim
    kernel, stride, padding, _, out = _pool2d_args(input, kernel_size, stride, padding, 1,
                                                   ceil_mode, "avg_pool2d")
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    xp = namespace_of(input._data)
    scale = _avg_scale(xp, input.shape[-2:], kernel, stride, padding, out, count_include_pad,
                       divisor_override, input._dtype.np)
    # ceil_mode's last window may overhang the right padding: pad (with zeros) that far
    pads = tuple((p, max((o - 1) * s + k - n - p, p)) for n, k, s, p, o in
                 zip(input.shape[-2:], kernel, stride, padding, out))
    return call(C.avg_pool2d, (input,), {"kernel": kernel, "stride": stride, "padding": pads,
                                         "scale": scale})


def avg_pool1d(input: Tensor, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
               count_include_pad: bool = True) -> Tensor:
    """Applies 1-d average pooling over (N, C, L) or (C, L) inputs (as a 2-d pool)."""
    if input.dim() not in (2, 3):
        raise RuntimeError(f"Expected 2 to 3 dimensions, but got {input.dim()}-dimensional tensor "
                           "for argument #1 'self' (while checking arguments for avg_pool1d)")
    k, s, p = _check_pool1d(input, "avg_pool1d", kernel_size, stride, padding)
    out = avg_pool2d(unsqueeze(input, -2), (1, k), (1, k if s is None else s), (0, p), ceil_mode,
                     count_include_pad)
    return squeeze(out, -2)


def _adaptive_sizes(input: Tensor, output_size, op: str, sep: str) -> tuple:
    if input.dim() not in (3, 4):
        raise RuntimeError(f"{op}(): Expected 3D or 4D tensor, but got{sep} {_sizes(input.shape)}")
    size = _ints(output_size, 2) if not isinstance(output_size, (tuple, list)) else tuple(
        input.shape[-2 + i] if o is None else int(o) for i, o in enumerate(output_size))
    if len(size) != 2:
        raise RuntimeError(f"{op}: output_size must be 2")
    for i in range(1, input.dim()):
        if input.shape[i] == 0:
            raise RuntimeError(f"{op}(): Expected input to have non-zero size for non-batch "
                               f"dimensions, but input has sizes {_sizes(input.shape)} with "
                               f"dimension {i} being empty")
    return size


def _adaptive_bounds(xp, n: int, o: int):
    """Window starts and ends: [floor(i n / o), ceil((i + 1) n / o))."""
    i = xp.arange(o)
    return (i * n) // o, -((-(i + 1) * n) // o)


def adaptive_avg_pool2d(input: Tensor, output_size) -> Tensor:
    """Applies 2-d adaptive average pooling: ``output_size`` windows that tile the input."""
    if output_size in (1, (1, 1), [1, 1]):
        return input.mean((-1, -2), keepdim=True)  # PyTorch's shortcut (MeanBackward1)
    size = _adaptive_sizes(input, output_size, "adaptive_avg_pool2d", "")
    xp = namespace_of(input._data)
    mats = []
    for n, o in zip(input.shape[-2:], size):  # row i averages input[start_i:end_i]
        start, end = _adaptive_bounds(xp, n, o)
        j = xp.arange(n)
        inside = (j >= start[:, None]) & (j < end[:, None])
        mats.append((inside / (end - start)[:, None]).astype(input._dtype.np))
    return call(C.adaptive_avg_pool2d, (input,), {"mats": tuple(mats)})


def adaptive_max_pool2d(input: Tensor, output_size, return_indices: bool = False):
    """Applies 2-d adaptive max pooling: ``output_size`` windows that tile the input."""
    size = _adaptive_sizes(input, output_size, "adaptive_max_pool2d", ":")
    xp = namespace_of(input._data)
    tables = []
    for n, o in zip(input.shape[-2:], size):
        start, end = _adaptive_bounds(xp, n, o)
        pos = start[:, None] + xp.arange(int((end - start).max()) if o else 0)
        tables.append(xp.minimum(pos, end[:, None] - 1))  # a short window rereads its last
    values, indices = _max_by_tables(input, tuple(tables), C.adaptive_max_pool2d)
    return (values, indices) if return_indices else values


# -- unfold / fold -----------------------------------------------------------------------------------


def _fold_args(kernel_size, dilation, padding, stride) -> tuple:
    return _ints(kernel_size, 2), _ints(dilation, 2), _ints(padding, 2), _ints(stride, 2)


def unfold(input: Tensor, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """Extracts sliding local blocks: (N, C, H, W) -> (N, C * kh * kw, L) (im2col)."""
    kernel, dilation, padding, stride = _fold_args(kernel_size, dilation, padding, stride)
    if input.dim() not in (3, 4):
        raise IndexError(f"Dimension out of range (expected to be in range of [-{input.dim()}, "
                         f"{input.dim() - 1}], but got {input.dim()})")
    size = tuple(input.shape[-2:])
    blocks = tuple((n + 2 * p - d * (k - 1) - 1) // s + 1
                   for n, k, d, p, s in zip(size, kernel, dilation, padding, stride))
    if min(blocks) < 1:
        raise RuntimeError(f"Given input with spatial size {size}, kernel_size={kernel}, "
                           f"dilation={dilation}, padding={padding}, calculated shape of the array "
                           f"of sliding blocks as {blocks}, but its components must be at least one.")
    return call(C.im2col, (input,), {"kernel": kernel, "dilation": dilation,
                                     "padding": _pairs(padding), "stride": stride})


def fold(input: Tensor, output_size, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """Combines sliding local blocks into an image, summing overlaps (col2im)."""
    kernel, dilation, padding, stride = _fold_args(kernel_size, dilation, padding, stride)
    size = _ints(output_size, 2)
    if input.dim() not in (2, 3) or 0 in input.shape[-2:]:
        raise RuntimeError("Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch "
                           f"size and non-zero dimensions for input, but got: {_sizes(input.shape)}")
    if input.shape[-2] % math.prod(kernel):
        raise RuntimeError("Expected size of input's dimension 1 to be divisible by the product of "
                           f"kernel_size, but got input.size(1)={input.shape[-2]} and "
                           f"kernel_size={kernel}.")
    blocks = tuple((n + 2 * p - d * (k - 1) - 1) // s + 1
                   for n, k, d, p, s in zip(size, kernel, dilation, padding, stride))
    if math.prod(blocks) != input.shape[-1]:
        raise RuntimeError(
            f"Given output_size={size}, kernel_size={kernel}, dilation={dilation}, padding="
            f"{padding}, stride={stride}, expected size of input's dimension 2 to match the "
            f"calculated number of sliding blocks {blocks[0]} * {blocks[1]} = {math.prod(blocks)}"
            f", but got input.size(2)={input.shape[-1]}.")
    return call(C.col2im, (input,), {"size": size, "kernel": kernel, "dilation": dilation,
                                     "padding": _pairs(padding), "stride": stride})

def constant_pad_nd(input: Tensor, pad, value=0) -> Tensor:
    """Pads the last ``len(pad) // 2`` dims, last dim first; negative amounts crop."""
    pad = _ints(pad, 1)
    n = len(pad) // 2
    lead = input.dim() - n
    width = [(0, 0)] * lead + [(pad[2 * (n - 1 - i)], pad[2 * (n - 1 - i) + 1]) for i in range(n)]
    for size, (lo, hi) in zip(input.shape, width):
        if size + min(lo, 0) + min(hi, 0) < 0 or min(lo, 0) < -size:
            raise RuntimeError("narrow(): length must be non-negative.")
    return call(C.constant_pad_nd, (input,), {"pad_width": tuple(width), "value": value})


__all__ = ["avg_pool1d", "bilinear", "constant_pad_nd", "conv1d", "conv2d", "conv3d",
           "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "max_pool1d",
           "max_pool2d"]

NN_ALL = ["adaptive_avg_pool2d", "adaptive_max_pool2d", "avg_pool1d", "avg_pool2d", "bilinear",
          "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
          "conv_transpose3d", "fold", "linear", "max_pool1d", "max_pool2d", "unfold"]

#: Tensor methods this module provides (name -> function taking the tensor first)
METHODS: dict = {}
