"""Math at the public edge: pointwise functions, reductions, products and conversions."""
from __future__ import annotations

import math

import numpy as np

from .. import _dtype
from .._device import check_device
from .._dispatch import call
from .._errors import broadcast_mismatch
from .._tensor import Tensor, _wrap_dim, check_sub
from ..autograd.grad_mode import no_grad
from ..primitives import linalg as L
from ..primitives import pointwise as P
from ..primitives import reduction as R
from ..primitives import shape as S
from .shape import expand, mT, reshape, squeeze, t, unsqueeze

# -- pointwise ------------------------------------------------------------------------------


def add(input, other, *, alpha=1) -> Tensor:
    """Adds ``other``, scaled by ``alpha``, to ``input``."""
    return call(P.add, (input, other), {"alpha": alpha})


def sub(input, other, *, alpha=1) -> Tensor:
    """Subtracts ``other``, scaled by ``alpha``, from ``input``."""
    check_sub(input, other)
    return call(P.sub, (input, other), {"alpha": alpha})


def rsub(input: Tensor, other, *, alpha=1) -> Tensor:
    """``other - alpha * input``."""
    check_sub(input, other)
    if isinstance(other, Tensor):
        return call(P.rsub_tensor, (input, other), {"alpha": alpha})
    return call(P.rsub, (input,), {"other": other, "alpha": alpha})


def mul(input, other) -> Tensor:
    """Multiplies ``input`` by ``other``, elementwise with broadcasting."""
    return call(P.mul, (input, other))


def div(input, other, *, rounding_mode=None) -> Tensor:
    """Divides ``input`` by ``other`` (true division)."""
    if rounding_mode is not None:
        raise NotImplementedError("div(rounding_mode=...) is not implemented yet")
    return call(P.div, (input, other))


def pow(input, exponent) -> Tensor:
    """Raises ``input`` to the power ``exponent`` (either may be a number)."""
    if not isinstance(input, Tensor):
        return exponent.__rpow__(input)
    return input.__pow__(exponent)


def neg(input: Tensor) -> Tensor:
    """Returns the negative of ``input``."""
    if input._dtype is _dtype.bool_:
        raise RuntimeError(
            "Negation, the `-` operator, on a bool tensor is not supported. If you are trying "
            "to invert a mask, use the `~` or `logical_not()` operator instead.")
    return call(P.neg, (input,))


def _unary(prim, doc: str):
    def fn(input: Tensor) -> Tensor:
        return call(prim, (input,))
    fn.__name__ = prim.name
    fn.__doc__ = doc
    return fn


abs = _unary(P.abs, "Computes the absolute value of each element of ``input``.")
exp = _unary(P.exp, "Returns the exponential of the elements of ``input``.")
log = _unary(P.log, "Returns the natural logarithm of the elements of ``input``.")
sin = _unary(P.sin, "Returns the sine of the elements of ``input``.")
cos = _unary(P.cos, "Returns the cosine of the elements of ``input``.")
tanh = _unary(P.tanh, "Returns the hyperbolic tangent of the elements of ``input``.")
sigmoid = _unary(P.sigmoid, "Returns the logistic sigmoid of the elements of ``input``.")
relu = _unary(P.relu, "Applies the rectified linear unit function element-wise.")
sqrt = _unary(P.sqrt, "Returns the square root of the elements of ``input``.")
reciprocal = _unary(P.reciprocal, "Returns the reciprocal of the elements of ``input``.")
sign = _unary(P.sign, "Returns the signs (-1, 0, 1) of the elements of ``input``.")


# -- reductions -----------------------------------------------------------------------------


def _dims(dim, ndim: int) -> tuple:
    """``dim`` (int, tuple or list) as sorted non-negative axes (a 0-d tensor has none)."""
    dims = tuple(dim) if isinstance(dim, (tuple, list)) else (dim,)
    axes = tuple(sorted({_wrap_dim(d, ndim) for d in dims}))
    if ndim == 0:
        return ()
    if len(axes) != len(dims):
        raise RuntimeError(f"dim {dims[0]} appears multiple times in the list of dims")
    return axes


def _reduce(full, by_dim, input: Tensor, dim, keepdim: bool, dtype) -> Tensor:
    attrs = {"dtype": None if dtype is None else dtype.np}  # accumulate and return in dtype
    if dim is None and not keepdim:
        return call(full, (input,), attrs)
    if dim is None or (isinstance(dim, (tuple, list)) and len(dim) == 0):
        dim = tuple(range(input._data.ndim))  # an empty dim list reduces every dim, as PyTorch's
    axes = _dims(dim, input._data.ndim)
    return call(by_dim, (input,), {"axis": axes, "keepdims": keepdim, **attrs})


def sum(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """Returns the sum of all elements, or over ``dim`` (keeping it if ``keepdim``)."""
    if dtype is None and input._dtype.category != 2:
        dtype = _dtype.int64  # integer sums accumulate in int64, as PyTorch's
    return _reduce(R.sum, R.sum_dim, input, dim, keepdim, dtype)


def mean(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """Returns the mean of all elements, or over ``dim`` (keeping it if ``keepdim``)."""
    if dtype is None and input._dtype.category != 2:
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point "
            f"or complex dtype. Got: {input._dtype.c_name}")
    if dtype is not None and dtype.category != 2:
        raise RuntimeError(
            "mean(): could not infer output dtype. Optional dtype must be either a floating point "
            f"or complex dtype. Got: {dtype.c_name}")
    return _reduce(R.mean, R.mean_dim, input, dim, keepdim, dtype)

# -- products ---------------------------------------------------------------------------------


def _same_dtype(a: Tensor, b: Tensor, what: str) -> None:
    if a._dtype is not b._dtype:
        raise RuntimeError(f"{what}: expected both vectors to have same dtype, but found "
                           f"{a._dtype.c_name} and {b._dtype.c_name}")


def check_vectors(input: Tensor, other: Tensor) -> None:
    """PyTorch's checks of dot/vdot: two 1-D tensors, one dtype, the same length."""
    if input._data.ndim != 1 or other._data.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input._data.ndim}D and "
                           f"{other._data.ndim}D tensors")
    _same_dtype(input, other, "dot ")
    n, m = input._data.shape[0], other._data.shape[0]
    if n != m:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{n}] and src [{m}] to "
                           f"have the same number of elements, but got {n} and {m} elements "
                           "respectively")


def dot(input: Tensor, other: Tensor) -> Tensor:
    """Computes the dot product of two 1-D tensors."""
    check_vectors(input, other)
    return call(L.dot, (input, other))


def mv(input: Tensor, vec: Tensor) -> Tensor:
    """Matrix-vector product."""
    a, v = input._data.shape, vec._data.shape
    if len(a) != 2 or len(v) != 1 or a[1] != v[0]:
        raise RuntimeError(f"size mismatch, got input ({a[0]}), mat ({a[0]}x{a[1]}), vec "
                           f"({v[0]})")
    _same_dtype(input, vec, "mv")
    return call(L.mv, (input, vec))


def mm(input: Tensor, mat2: Tensor) -> Tensor:
    """Matrix product of two 2-D tensors."""
    a, b = input._data.shape, mat2._data.shape
    if len(a) != 2 or len(b) != 2:
        raise RuntimeError("self must be a matrix" if len(a) != 2 else "mat2 must be a matrix")
    if a[1] != b[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({a[0]}x{a[1]} and "
                           f"{b[0]}x{b[1]})")
    if input._dtype is not mat2._dtype:
        raise RuntimeError("expected m1 and m2 to have the same dtype, but got: "
                           f"{_C[input._dtype]} != {_C[mat2._dtype]}")
    return call(L.mm, (input, mat2))


def check_batches(batch1: Tensor, batch2: Tensor) -> None:
    """PyTorch's checks of bmm/baddbmm: two 3-D tensors whose batches and inner dims agree."""
    a, b = batch1._data.shape, batch2._data.shape
    if len(a) != 3 or len(b) != 3:
        raise RuntimeError("batch1 must be a 3D tensor" if len(a) != 3 else
                           "batch2 must be a 3D tensor")
    if b[0] != a[0] or b[1] != a[2]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{a[0]}, {a[2]}] but got: [{b[0]}, {b[1]}].")


def bmm(input: Tensor, mat2: Tensor) -> Tensor:
    """Batched matrix product of two 3-D tensors."""
    check_batches(input, mat2)
    return call(L.bmm, (input, mat2))


def matmul(input: Tensor, other: Tensor) -> Tensor:
    """Matrix product with NumPy's rank rules, decomposed as PyTorch's ``_matmul_impl``."""
    if not isinstance(other, Tensor) or not isinstance(input, Tensor):
        raise TypeError("matmul(): argument 'other' (position 2) must be Tensor, not "
                        f"{type(other).__name__}")
    da, db = input._data.ndim, other._data.ndim
    if da == 0 or db == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are "
                           f"{da}D and {db}D")
    if da == 1 and db == 1:
        return dot(input, other)
    if da == 2 and db == 1:
        return mv(input, other)
    if da == 1 and db == 2:
        out = mm(unsqueeze(input, 0), other)
        return call(S.squeeze_inplace_dim, (out,), {"shape": out._data.shape[1:]})
    if da == 2 and db == 2:
        return mm(input, other)
    if _should_fold(input, other):
        return _folded(input, other)
    return _batched(input, other)


def _should_fold(a: Tensor, b: Tensor) -> bool:
    """PyTorch's choice of one mm/mv over the larger operand folded into rows (no bmm):
    when the smaller one requires grad, or when folding needs no copy."""
    big, small = (a._data, b) if a._data.ndim >= b._data.ndim else (np.swapaxes(b._data, -1, -2), a)
    if not (big.ndim >= 3 and small._data.ndim <= 2):
        return False
    if small._requires_grad:
        return True  # spares the backward a batch-sized gradient for the small operand
    if a._data.ndim == 2:
        return False
    if big.size == 0:
        return True
    st, sh = big.strides, big.shape
    return all(st[i] == st[i + 1] * sh[i + 1] for i in range(big.ndim - 2))


def _folded(a: Tensor, b: Tensor) -> Tensor:
    """(..., n, k) @ (k,) or (k, m), the larger operand folded into rows (transposed if b)."""
    transpose = b._data.ndim > a._data.ndim
    t1 = mT(b) if transpose else a
    t2 = (t(a) if a._data.ndim == 2 else a) if transpose else b
    lead = t1._data.shape[:-1]
    flat = reshape(t1, (math.prod(lead), t1._data.shape[-1]))
    if t2._data.ndim == 1:
        return call(S.unsafe_view, (mv(flat, t2),), {"shape": lead})
    out = call(S.unsafe_view, (mm(flat, t2),), {"shape": lead + (t2._data.shape[1],)})
    return contiguous(mT(out)) if transpose else out


def _batched(a: Tensor, b: Tensor) -> Tensor:
    """Broadcast the batch dims, then one bmm over the flattened batch."""
    da, db = a._data.ndim, b._data.ndim
    n, k = (a._data.shape[-2] if da > 1 else 1), a._data.shape[-1]
    k2, m = (b._data.shape[-2], b._data.shape[-1]) if db > 1 else (b._data.shape[0], 1)
    batch_a, batch_b = a._data.shape[:max(da - 2, 0)], b._data.shape[:max(db - 2, 0)]
    if da == 3 and db == 3 and batch_a[0] != batch_b[0]:
        if batch_a[0] == 1 and a._requires_grad:
            return matmul(squeeze(a, 0), b)
        if batch_b[0] == 1 and b._requires_grad:
            return matmul(a, squeeze(b, 0))
    try:
        batch = tuple(np.broadcast_shapes(batch_a, batch_b))
    except ValueError:
        raise broadcast_mismatch(batch_a, batch_b) from None
    size = math.prod(batch)
    a3 = reshape(expand(a, batch + (n, k)), (size, n, k))
    if db == 1:
        b3 = unsqueeze(reshape(expand(b, batch + (k2,)), (size, k2)), 2)
    else:
        b3 = reshape(expand(b, batch + (k2, m)), (size, k2, m))
    out = bmm(a3, b3)
    if db == 1:
        out = squeeze(out, -1)
    shape = batch + ((n,) if da > 1 else ()) + ((m,) if db > 1 else ())
    return call(S.unsafe_view, (out,), {"shape": shape})


_C = {_dtype.float16: "c10::Half", _dtype.float32: "float", _dtype.float64: "double",
      _dtype.int8: "signed char", _dtype.int16: "short int", _dtype.int32: "int",
      _dtype.int64: "long int", _dtype.uint8: "unsigned char", _dtype.bool_: "bool"}

# -- copies and conversions ---------------------------------------------------------------------


def clone(input: Tensor, *, memory_format=None) -> Tensor:
    """Returns a copy of ``input`` (differentiable)."""
    return call(P.clone, (input,))


def contiguous(input: Tensor, memory_format=None) -> Tensor:
    """Returns ``input`` itself if contiguous, else a contiguous copy."""
    return input if input.is_contiguous() else call(P.clone_contiguous, (input,))


def to(input: Tensor, *args, dtype=None, device=None, copy: bool = False, **kwargs) -> Tensor:
    """Performs dtype and/or device conversion: ``to(dtype)``, ``to(device)``, ``to(other)``."""
    for a in args:
        if isinstance(a, _dtype.dtype):
            dtype = a
        elif isinstance(a, Tensor):
            dtype = a._dtype
        else:
            device = a
    check_device(device)
    if dtype is None or dtype is input._dtype:
        return clone(input) if copy else input
    if dtype.category != _dtype._FLOAT:  # an integer or bool result has no gradient
        with no_grad():
            return call(P.to_copy, (input,), {"dtype": dtype.np})
    return call(P.to_copy, (input,), {"dtype": dtype.np})


def _converter(dt: _dtype.dtype):
    def convert(input: Tensor, memory_format=None) -> Tensor:
        return to(input, dt)
    convert.__doc__ = f"``self.to({dt!r})``."
    return convert


float_, double, half = (_converter(_dtype.float32), _converter(_dtype.float64),
                        _converter(_dtype.float16))
long, int_, short = _converter(_dtype.int64), _converter(_dtype.int32), _converter(_dtype.int16)
bool_, byte, char = _converter(_dtype.bool_), _converter(_dtype.uint8), _converter(_dtype.int8)


def type_as(input: Tensor, other: Tensor) -> Tensor:
    """``input`` cast to ``other``'s dtype."""
    return to(input, other._dtype)


__all__ = ["abs", "add", "bmm", "clone", "cos", "div", "dot", "exp", "log", "matmul", "mean", "mm",
           "mul", "mv", "neg", "pow", "reciprocal", "relu", "rsub", "sigmoid", "sign", "sin", "sqrt",
           "sub", "sum", "tanh"]

#: Tensor methods this module provides (name -> function taking the tensor first).
METHODS = {
    "sum": sum, "mean": mean, "matmul": matmul, "__matmul__": matmul, "mm": mm, "bmm": bmm,
    "mv": mv, "dot": dot, "clone": clone, "contiguous": contiguous, "to": to, "float": float_,
    "double": double, "half": half, "long": long, "int": int_, "short": short, "bool": bool_,
    "byte": byte, "char": char, "type_as": type_as, "__neg__": neg, "neg": neg, "pow": pow,
    "add": add, "sub": sub, "mul": mul, "div": div, "abs": abs,
}
