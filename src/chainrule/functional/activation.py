"""Activation functions at the public edge: argument checks, PyTorch's errors, composites.

``chainrule.nn.functional.<name>`` for every name in ``NN_ALL``; the ones PyTorch also
has as ``torch.<name>`` are in ``__all__``. ``inplace=True`` overwrites the input, as
PyTorch's ``relu_``/``elu_`` ... do (and refuses a leaf that requires grad).
"""
from __future__ import annotations

import warnings

import numpy as np

from .. import _dtype
from .._dispatch import call, call_inplace, wrap
from .._tensor import Tensor, _wrap_dim
from ..primitives import activation as A
from ..primitives import pointwise as P
from .creation import default_generator
from .math import abs, tanh, to

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _floating(input: Tensor, kernel: str) -> None:
    """PyTorch's refusal of a floating-point-only kernel on an integer or bool tensor."""
    if input._dtype.category != _dtype._FLOAT:
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{input._dtype.c_name}'")


def _apply(prim, input: Tensor, attrs: dict, inplace: bool, inplace_prim=None) -> Tensor:
    """``prim`` on ``input``, or written into ``input`` (as ``inplace_prim`` if it has one)."""
    if inplace:
        return call_inplace(inplace_prim or prim, (input,), attrs)
    return call(prim, (input,), attrs)

# -- rectifiers -----------------------------------------------------------------------------


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """Applies the rectified linear unit ``max(0, x)`` element-wise."""
    if input._dtype is _dtype.bool_:
        raise RuntimeError("Boolean inputs not supported for relu")
    return _apply(P.relu, input, {}, inplace)


def relu_(input: Tensor) -> Tensor:
    """In-place version of :func:`relu`."""
    return relu(input, inplace=True)


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0,
             inplace: bool = False) -> Tensor:
    """Clamps each element to ``[min_val, max_val]``."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    if input._dtype is _dtype.bool_:
        raise RuntimeError("Bool inputs not supported for hardtanh")
    if input._dtype.category != _dtype._FLOAT:  # integer bounds keep an integer result
        min_val, max_val = input._dtype.np.type(min_val), input._dtype.np.type(max_val)
    return _apply(A.hardtanh, input, {"min_val": min_val, "max_val": max_val}, inplace)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """``min(max(0, x), 6)`` element-wise (``hardtanh(x, 0, 6)``)."""
    return hardtanh(input, 0.0, 6.0, inplace)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """``x`` where positive, ``negative_slope * x`` elsewhere."""
    _floating(input, "leaky_relu_cpu")
    return _apply(A.leaky_relu, input, {"negative_slope": negative_slope}, inplace,
                  A.leaky_relu_)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """Exponential linear unit: ``x`` where positive, ``alpha * (exp(x) - 1)`` elsewhere."""
    _floating(input, "elu_cpu")
    return _apply(A.elu, input, {"alpha": alpha, "scale": 1.0, "input_scale": 1.0}, inplace,
                  A.elu_)


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """Scaled exponential linear unit (an ELU with fixed ``alpha`` and ``scale``)."""
    _floating(input, "elu_cpu")
    attrs = {"alpha": _SELU_ALPHA, "scale": _SELU_SCALE, "input_scale": 1.0}
    return _apply(A.elu, input, attrs, inplace, A.elu_)


def selu_(input: Tensor) -> Tensor:
    """In-place version of :func:`selu`."""
    return selu(input, inplace=True)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """Continuously differentiable ELU: ``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``."""
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
    _floating(input, "elu_cpu")
    attrs = {"alpha": alpha, "scale": 1.0, "input_scale": 1.0 / alpha}
    return _apply(A.celu, input, attrs, inplace, A.celu_)


def celu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    """In-place version of :func:`celu`."""
    return celu(input, alpha, inplace=True)

# -- smooth -------------------------------------------------------------------------------------


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """Gaussian error linear unit ``x * Phi(x)`` (``approximate='tanh'``: its tanh formula)."""
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    _floating(input, "GeluKernelImpl")
    return call(A.gelu, (input,), {"approximate": approximate})


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """Sigmoid linear unit (swish): ``x * sigmoid(x)``."""
    _floating(input, "silu_cpu")
    return _apply(A.silu, input, {}, inplace)


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """``x * tanh(softplus(x))``."""
    _floating(input, "mish_cpu")
    return _apply(A.mish, input, {}, inplace)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """``log(1 + exp(beta * x)) / beta``; the identity where ``beta * x > threshold``."""
    _floating(input, "softplus_cpu")
    return call(A.softplus, (input,), {"beta": beta, "threshold": threshold})


def softsign(input: Tensor) -> Tensor:
    """``x / (1 + |x|)``."""
    return input / (abs(input) + 1)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """Piecewise linear sigmoid: ``0`` below -3, ``1`` above 3, ``x / 6 + 1 / 2`` between."""
    _floating(input, "hardsigmoid_cpu")
    return _apply(A.hardsigmoid, input, {}, inplace)


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """``x * hardsigmoid(x)``."""
    _floating(input, "hardswish_cpu")
    return _apply(A.hardswish, input, {}, inplace)


def logsigmoid(input: Tensor) -> Tensor:
    """``log(sigmoid(x))``, computed without overflow."""
    _floating(input, "log_sigmoid_cpu")
    return call(A.log_sigmoid, (input,))


def tanhshrink(input: Tensor) -> Tensor:
    """``x - tanh(x)``."""
    return input - tanh(input)

# -- softmax --------------------------------------------------------------------------------


def _implicit_dim(name: str, ndim: int, stacklevel: int) -> int:
    """PyTorch's deprecated choice of dim when none is given."""
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call "
                  "to include dim=X as an argument.", stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def _softmax(prim, kernel: str, input: Tensor, dim: int, dtype) -> Tensor:
    """``prim`` (softmax or log_softmax) over ``dim``, after casting ``input`` to ``dtype``."""
    if dtype is not None:
        input = to(input, dtype)
    ndim = input._data.ndim
    axis = _wrap_dim(dim, ndim)
    if input._dtype.category != _dtype._FLOAT:
        last = "lastdim_" if ndim == 0 or axis == ndim - 1 else ""
        raise NotImplementedError(f"\"{kernel}_{last}kernel_impl\" not implemented for "
                                  f"'{input._dtype.c_name}'")
    return call(prim, (input,), {"axis": axis if ndim else ()})


def softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """``exp(x) / sum(exp(x))`` over ``dim`` (computed from ``x - max(x)``: no overflow)."""
    if dim is None:
        dim = _implicit_dim("softmax", input._data.ndim, _stacklevel)
    return _softmax(A.softmax, "softmax", input, dim, dtype)


def log_softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3,
                dtype=None) -> Tensor:
    """``log(softmax(x))`` over ``dim``, computed as ``x - logsumexp(x)``."""
    if dim is None:
        dim = _implicit_dim("log_softmax", input._data.ndim, _stacklevel)
    return _softmax(A.log_softmax, "log_softmax", input, dim, dtype)


def softmin(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """``softmax(-x)`` over ``dim``."""
    if dim is None:
        dim = _implicit_dim("softmin", input._data.ndim, _stacklevel)
    return _softmax(A.softmax, "softmax", -input, dim, dtype)


def _softmax_method(input: Tensor, dim: int, dtype=None) -> Tensor:
    """``Tensor.softmax(dim, dtype=None)``."""
    return _softmax(A.softmax, "softmax", input, dim, dtype)


def _log_softmax_method(input: Tensor, dim: int, dtype=None) -> Tensor:
    """``Tensor.log_softmax(dim, dtype=None)``."""
    return _softmax(A.log_softmax, "log_softmax", input, dim, dtype)

# -- dropout ------------------------------------------------------------------------------------


def dropout(input: Tensor, p: float = 0.5, training: bool = True,
            inplace: bool = False) -> Tensor:
    """Zeroes each element with probability ``p`` and scales the rest by ``1 / (1 - p)``.

    The identity (``input`` itself) when not ``training``, when ``p == 0`` or when
    ``input`` is empty. Draws from ``chainrule``'s default generator.
    """
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if p == 0 or not training or input._data.size == 0:
        return input
    dt = input._dtype
    if dt.category != _dtype._FLOAT:
        raise RuntimeError(f"result type Float can't be cast to the desired output type "
                           f"{dt.c_name}")
    if p == 1:  # PyTorch multiplies by a 0-d zero
        noise = np.zeros((), dt.np)
    else:
        keep = default_generator._rng.random(input._data.shape) >= p
        noise = keep.astype(dt.np) / dt.np.type(1 - p)
    if inplace:
        return call_inplace(P.mul, (input, wrap(noise)))
    return call(P.mul, (input, wrap(noise)))


def dropout_(input: Tensor, p: float = 0.5, training: bool = True) -> Tensor:
    """In-place version of :func:`dropout`."""
    return dropout(input, p, training, inplace=True)


__all__ = ["celu", "celu_", "dropout", "dropout_", "log_softmax", "relu_", "selu", "selu_",
           "softmax"]

NN_ALL = ["celu", "dropout", "elu", "gelu", "hardsigmoid", "hardswish", "hardtanh", "leaky_relu",
          "log_softmax", "logsigmoid", "mish", "relu", "relu6", "selu", "silu", "softmax",
          "softmin", "softplus", "softsign", "tanhshrink"]

METHODS = {"softmax": _softmax_method, "log_softmax": _log_softmax_method, "relu_": relu_}
