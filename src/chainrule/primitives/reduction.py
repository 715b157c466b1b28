"""Reduction primitives: sums, products, extrema, moments, norms, scans and truth tests.

Attributes follow NumPy: ``axis`` is a tuple of sorted non-negative dims (``()`` for
a 0-d input) unless a block says otherwise, ``keepdims`` keeps them as size 1. Rules
get ``g`` shaped as the output; ``_keep`` puts the reduced dims back first.
"""
from __future__ import annotations

import math

import numpy as np

from ._primitive import primitive


def _keep(g, axis, keepdims: bool, xp):
    """``g`` with the reduced ``axis`` re-inserted as size-1 dims (a no-op under keepdims)."""
    return g if keepdims or axis is None else xp.expand_dims(g, axis)


def _count(shape: tuple, axis) -> int:
    """How many elements each output element reduces (every one when ``axis`` is None)."""
    return math.prod(shape) if axis is None else math.prod(shape[a] for a in axis)


# -- sum and mean -------------------------------------------------------------------------------


@primitive("SumBackward0", dtype=None)
def sum(xp, x, *, dtype=None):
    return xp.sum(x, dtype=dtype)


sum.defvjp(x=lambda g, x_shape, xp: xp.broadcast_to(g, x_shape))
sum.defjvp("linear")
sum.defformula(x="1")


@primitive("SumBackward1", dtype=None)
def sum_dim(xp, x, *, axis, keepdims, dtype=None):
    return xp.sum(x, axis=axis, keepdims=keepdims, dtype=dtype)


sum_dim.defvjp(x=lambda g, x_shape, axis, keepdims, xp:
               xp.broadcast_to(g if keepdims else xp.expand_dims(g, axis), x_shape))
sum_dim.defjvp("linear")
sum_dim.defformula(x="1")


def _mean(xp, x, axis, keepdims, dtype):
    """NumPy's mean, less its "Mean of empty slice" warning (PyTorch's nan is silent)."""
    count = x.size if axis is None else math.prod(x.shape[a] for a in axis)
    if count == 0:  # 0 / 0: NumPy's floating-point warnings from chainrule are silenced
        return xp.sum(x, axis=axis, keepdims=keepdims, dtype=dtype) / 0
    return xp.mean(x, axis=axis, keepdims=keepdims, dtype=dtype)


@primitive("MeanBackward0", dtype=None)
def mean(xp, x, *, dtype=None):
    return _mean(xp, x, None, False, dtype)


# (no element to spread over when the count is 0: dividing by 1 keeps d/dg finite, as PyTorch's)
mean.defvjp(x=lambda g, x_shape, xp: xp.broadcast_to(g / max(math.prod(x_shape), 1), x_shape))
mean.defjvp("linear")
mean.defformula(x="1 / numel(x)")


@primitive("MeanBackward1", dtype=None)
def mean_dim(xp, x, *, axis, keepdims, dtype=None):
    return _mean(xp, x, axis, keepdims, dtype)


# the mean's gradient is spread evenly over the reduced elements
mean_dim.defvjp(x=lambda g, x_shape, axis, keepdims, xp: xp.broadcast_to(
    (g if keepdims else xp.expand_dims(g, axis)) / max(math.prod(x_shape[a] for a in axis), 1),
    x_shape))
mean_dim.defjvp("linear")
mean_dim.defformula(x="1 / size(x, axis)")


# -- products -----------------------------------------------------------------------------------


def _others(x, out, axis: int, xp):
    """The product of every element of its slice but itself, exact when the slice holds zeros.

    Without zeros it is ``out / x`` (PyTorch's formula). Otherwise the first zero ``z`` of
    each slice is set to 1 (``x1``, one zero fewer, so the recursion ends):
    ``others_z(x) = others_z(x1)`` and ``others_k(x) = x_z * others_k(x1)`` -- zero in value,
    but with the right derivative ``others_k(x1)`` with respect to ``x_z``.
    """
    is_zero = x == 0
    if not xp.any(is_zero):
        return out / x
    first = xp.logical_and(is_zero, xp.cumsum(is_zero, axis) == 1)
    x1 = xp.where(first, 1, x)
    inner = _others(x1, xp.prod(x1, axis=axis, keepdims=True), axis, xp)
    x_z = xp.sum(xp.where(first, x, 0), axis=axis, keepdims=True)  # 0, or the slice's zero
    has_zero = xp.sum(first, axis=axis, keepdims=True)
    return xp.where(first, inner, inner * (x_z + 1 - has_zero))


@primitive("ProdBackward0", dtype=None)
def prod(xp, x, *, dtype=None):
    return xp.prod(x, dtype=dtype)


# flattened, the whole tensor is one slice; a 0-d input is its own product
prod.defvjp(x=lambda g, x, out, x_shape, xp: g if not x_shape else g * xp.reshape(
    _others(xp.reshape(x, (-1,)), xp.reshape(out, (1,)), 0, xp), x_shape))
prod.defjvp("transpose")
prod.defformula(x="out / x")


@primitive("ProdBackward1", dtype=None)
def prod_dim(xp, x, *, axis, keepdims, dtype=None):
    return xp.prod(x, axis=axis, keepdims=keepdims, dtype=dtype)


# a 0-d input (axis ()) is its own product: the gradient passes through
prod_dim.defvjp(x=lambda g, x, out, axis, keepdims, xp: g if not axis else _keep(
    g, axis, keepdims, xp) * _others(x, _keep(out, axis, keepdims, xp), axis[0], xp))
prod_dim.defjvp("transpose")
prod_dim.defformula(x="out / x")


# -- extrema ------------------------------------------------------------------------------------


def _evenly(g, x, out, xp):
    """PyTorch's evenly_distribute_backward: ``g`` shared by the elements equal to the result
    (or by the NaNs, when the result is NaN)."""
    mask = xp.isnan(x) if xp.isnan(out) else x == out
    return mask * (g / xp.sum(mask))


def _by_count(g, x, out, axis, keepdims, xp):
    """PyTorch's scale_grad_by_count: ``g`` shared by the elements equal to their slice's result."""
    mask = x == _keep(out, axis, keepdims, xp)
    return (_keep(g, axis, keepdims, xp) / xp.sum(mask, axis=axis, keepdims=True)) * mask


@primitive("MaxBackward1", dtype=None)
def max_all(xp, x):
    return xp.max(x)


max_all.defvjp(x=_evenly)
max_all.defjvp("transpose")
max_all.defformula(x="1 / count where x == out else 0")


@primitive("MinBackward1", dtype=None)
def min_all(xp, x):
    return xp.min(x)


min_all.defvjp(x=_evenly)
min_all.defjvp("transpose")
min_all.defformula(x="1 / count where x == out else 0")


@primitive("AmaxBackward0", dtype=None)
def amax(xp, x, *, axis, keepdims):
    return xp.amax(x, axis=axis, keepdims=keepdims)


amax.defvjp(x=_by_count)
amax.defjvp("transpose")
amax.defformula(x="1 / count where x == out else 0")


@primitive("AminBackward0", dtype=None)
def amin(xp, x, *, axis, keepdims):
    return xp.amin(x, axis=axis, keepdims=keepdims)


amin.defvjp(x=_by_count)
amin.defjvp("transpose")
amin.defformula(x="1 / count where x == out else 0")


@primitive("MedianBackward0", dtype=None)
def median_all(xp, x):
    """The lower median of all elements; NaN if any is NaN or if there is none (for integers,
    PyTorch's empty median is the dtype's lowest value)."""
    flat = xp.sort(xp.reshape(x, (-1,)))  # NaNs sort last
    if flat.size == 0:
        return xp.asarray(np.nan if x.dtype.kind == "f" else np.iinfo(x.dtype).min, dtype=x.dtype)
    return flat[-1] if xp.isnan(flat[-1]) else flat[(flat.size - 1) // 2]


median_all.defvjp(x=_evenly)
median_all.defjvp("transpose")
median_all.defformula(x="1 / count where x == out else 0")


# -- moments ------------------------------------------------------------------------------------
# ``axis`` None reduces every dim; ``()`` also reduces every dim in the forward, but the
# backward then counts one element per output, as PyTorch's var_backward does.


def _var(x, axis, correction, keepdims: bool, xp):
    """sum((x - mean)^2) / max(N - correction, 0): NumPy's var, less its warnings."""
    axes = axis or None
    n = _count(x.shape, axes)
    dev = x - xp.sum(x, axis=axes, keepdims=True) / n
    return xp.sum(dev * dev, axis=axes, keepdims=keepdims) / max(n - correction, 0)


def _var_grad(g, x, x_shape, axis, correction, keepdims, xp):
    """PyTorch's var_backward: 2 / dof * g * (x - mean); a full reduction with dof <= 0 gives
    nan where x equals the mean and inf elsewhere, a reduction over dims does not guard."""
    dev = x - xp.sum(x, axis=axis or None, keepdims=True) / _count(x_shape, axis or None)
    if axis is None or not x_shape:
        dof = math.prod(x_shape) - correction
        if dof <= 0:
            return g * xp.where(dev == 0, math.nan, math.inf)
        return (2.0 / dof) * g * dev
    dof = _count(x_shape, axis) - correction
    scale = 2.0 / dof if dof != 0 else math.inf
    return scale * _keep(g, axis, keepdims, xp) * dev


def _std_grad(g, std, x, x_shape, axis, correction, keepdims, xp):
    """PyTorch's std_backward: var_backward of g / (2 std), zero where std is zero."""
    g = xp.where(std == 0, 0, g / (std * 2))
    return _var_grad(g, x, x_shape, axis, correction, keepdims, xp)


def _mean_grad(g, x_shape, axis, keepdims, xp):
    """mean_backward: ``g`` spread evenly over every reduced element."""
    return xp.broadcast_to(_keep(g, axis or None, keepdims, xp), x_shape) / math.prod(
        x_shape if not axis else [x_shape[a] for a in axis])


@primitive("VarBackward0", dtype=None)
def var(xp, x, *, axis, correction, keepdims):
    return _var(x, axis, correction, keepdims, xp)


var.defvjp(x=_var_grad)
var.defjvp("transpose")
var.defformula(x="2 * (x - mean(x)) / (n - correction)")


@primitive("StdBackward0", dtype=None)
def std(xp, x, *, axis, correction, keepdims):
    return xp.sqrt(_var(x, axis, correction, keepdims, xp))


std.defvjp(x=lambda g, out, x, x_shape, axis, correction, keepdims, xp:
           _std_grad(g, out, x, x_shape, axis, correction, keepdims, xp))
std.defjvp("transpose")
std.defformula(x="(x - mean(x)) / ((n - correction) * out)")


@primitive("VarMeanBackward0", dtype=None, multi_output=True)
def var_mean(xp, x, *, axis, correction, keepdims):
    axes = axis or None
    return (_var(x, axis, correction, keepdims, xp),
            xp.sum(x, axis=axes, keepdims=keepdims) / _count(x.shape, axes))


var_mean.defvjp(x=lambda g, x, x_shape, axis, correction, keepdims, xp:
                _var_grad(g[0], x, x_shape, axis, correction, keepdims, xp)
                + _mean_grad(g[1], x_shape, axis, keepdims, xp))
var_mean.defjvp("transpose")
var_mean.defformula(x="2 * g_var * (x - mean(x)) / (n - correction) + g_mean / n")


@primitive("StdMeanBackward0", dtype=None, multi_output=True)
def std_mean(xp, x, *, axis, correction, keepdims):
    var_, mean_ = var_mean.fn(xp, x, axis=axis, correction=correction, keepdims=keepdims)
    return xp.sqrt(var_), mean_


# (a multi-output rule cannot name ``out``: the std is recomputed from x)
std_mean.defvjp(x=lambda g, x, x_shape, axis, correction, keepdims, xp: _std_grad(
    g[0], xp.sqrt(_var(x, axis, correction, keepdims, xp)), x, x_shape, axis, correction,
    keepdims, xp) + _mean_grad(g[1], x_shape, axis, keepdims, xp))
std_mean.defjvp("transpose")
std_mean.defformula(x="g_std * (x - mean(x)) / ((n - correction) * std) + g_mean / n")


# -- log-sum-exp and norms ----------------------------------------------------------------------


@primitive("LogsumexpBackward0", dtype="float")
def logsumexp(xp, x, *, axis, keepdims):
    """log(sum(exp(x))), shifted by the slice's max (an infinite max shifts by 0)."""
    if _count(x.shape, axis) == 0:
        return xp.log(xp.sum(xp.exp(x), axis=axis, keepdims=keepdims))
    m = xp.amax(x, axis=axis, keepdims=True)
    m = xp.where(xp.isinf(m), 0, m)
    out = xp.log(xp.sum(xp.exp(x - m), axis=axis, keepdims=True)) + m
    return out if keepdims else xp.squeeze(out, axis)


# d/dx logsumexp = softmax = exp(x - out)
logsumexp.defvjp(x=lambda g, x, out, axis, keepdims, xp:
                 _keep(g, axis, keepdims, xp) * xp.exp(x - _keep(out, axis, keepdims, xp)))
logsumexp.defjvp("transpose")
logsumexp.defformula(x="exp(x - out)")


@primitive("LinalgVectorNormBackward0", dtype=None)
def vector_norm(xp, x, *, ord, axis, keepdims, dtype=None):
    """(sum |x|^ord)^(1/ord) over ``axis`` (None: all); ord 0 counts, +-inf are amax/amin."""
    a = xp.abs(x if dtype is None else x.astype(dtype))
    if ord == math.inf or ord == -math.inf:
        return (xp.amax if ord > 0 else xp.amin)(a, axis=axis, keepdims=keepdims)
    if ord == 0:
        return xp.sum(a != 0, axis=axis, keepdims=keepdims, dtype=a.dtype)
    if ord == 1:
        return xp.sum(a, axis=axis, keepdims=keepdims)
    if ord == 2:
        return xp.sqrt(xp.sum(a * a, axis=axis, keepdims=keepdims))
    return xp.sum(a ** ord, axis=axis, keepdims=keepdims) ** (1.0 / ord)


def _norm_grad(g, x, out, ord, axis, keepdims, xp):
    """PyTorch's norm_backward, case by case in ``ord``."""
    g, norm = _keep(g, axis, keepdims, xp), _keep(out, axis, keepdims, xp)
    if ord == 0:  # PyTorch gives no gradient at all; the engine needs an array: zeros
        return xp.broadcast_to(g * 0, x.shape)
    if ord == 1:
        return xp.sign(x) * g
    if ord == 2:
        return g * xp.where(norm == 0, 0, x / norm)
    a = xp.abs(x)
    if ord == math.inf or ord == -math.inf:  # amax/amin of |x|, NaNs counting as selected
        mask = xp.logical_or(a == norm, xp.isnan(a))
        return xp.sign(x) * ((g / xp.sum(mask, axis=axis, keepdims=True)) * mask)
    if ord < 1:
        return xp.sign(x) * xp.where(x == 0, 0, a ** (ord - 1)) * g * norm ** (1 - ord)
    scaled = xp.sign(x) * a ** (ord - 1) if ord < 2 else x * a ** (ord - 2)
    return scaled * xp.where(norm == 0, 0, g / norm ** (ord - 1))


vector_norm.defvjp(x=_norm_grad)
vector_norm.defjvp("transpose")
vector_norm.defformula(x="sign(x) * abs(x)**(ord - 1) / out**(ord - 1)")


# -- scans --------------------------------------------------------------------------------------
# ``axis`` is an int; a 0-d input (any axis) is its own prefix sum and product.


def _rev_cumsum(g, axis: int, xp):
    """sum_{j >= i} g_j along ``axis`` (PyTorch's reversed_cumsum: flip, cumsum, flip)."""
    return xp.flip(xp.cumsum(xp.flip(g, (axis,)), axis), (axis,))


@primitive("CumsumBackward0", dtype=None)
def cumsum(xp, x, *, axis, dtype=None):
    return xp.cumsum(x, axis=axis, dtype=dtype) if x.ndim else xp.array(x, dtype=dtype)


cumsum.defvjp(x=lambda g, x_shape, axis, xp: _rev_cumsum(g, axis, xp) if x_shape else g)
cumsum.defjvp("linear")
cumsum.defformula(x="reverse cumsum of g along axis")


def _cumprod_grad(g, x, out, axis: int, xp):
    """cumprod's vjp: reversed_cumsum(g * out) / x without zeros (PyTorch's formula).

    With zeros, the first zero ``z`` of each slice is handled exactly, without dividing by
    it: for ``k < z`` only the terms ``i < z`` survive (``part``); ``k = z`` gets the
    gradient of the slice with ``x_z`` set to 1 (``inner``, a recursion on one zero fewer);
    ``k > z`` gets ``x_z * inner``, zero in value but exact in its derivative in ``x_z``.
    """
    is_zero = x == 0
    if not xp.any(is_zero):
        return _rev_cumsum(g * out, axis, xp) / x
    seen = xp.cumsum(is_zero, axis)
    before, first = seen == 0, xp.logical_and(is_zero, seen == 1)
    x1 = xp.where(first, 1, x)
    inner = _cumprod_grad(g, x1, xp.cumprod(x1, axis), axis, xp)
    part = xp.where(before, _rev_cumsum(xp.where(before, g * out, 0), axis, xp)
                    / xp.where(before, x, 1), 0)
    x_z = xp.sum(xp.where(first, x, 0), axis=axis, keepdims=True)  # 0, or the slice's zero
    return xp.where(first, inner, (1 - x_z) * part + x_z * inner)


@primitive("CumprodBackward0", dtype=None)
def cumprod(xp, x, *, axis, dtype=None):
    return xp.cumprod(x, axis=axis, dtype=dtype) if x.ndim else xp.array(x, dtype=dtype)


cumprod.defvjp(x=lambda g, x, out, axis, xp: _cumprod_grad(g, x, out, axis, xp) if x.ndim else g)
cumprod.defjvp("transpose")
cumprod.defformula(x="reverse cumsum of g * out along axis, divided by x")


# -- truth tests and counts (no gradient) -------------------------------------------------------


@primitive(differentiable=False, dtype=None)
def reduce_all(xp, x, *, axis, keepdims):
    """True where every element over ``axis`` (None: all) is nonzero; uint8 stays uint8."""
    out = xp.all(x, axis=axis, keepdims=keepdims)
    return out.astype(x.dtype) if x.dtype == xp.uint8 else out


@primitive(differentiable=False, dtype=None)
def reduce_any(xp, x, *, axis, keepdims):
    """True where any element over ``axis`` (None: all) is nonzero; uint8 stays uint8."""
    out = xp.any(x, axis=axis, keepdims=keepdims)
    return out.astype(x.dtype) if x.dtype == xp.uint8 else out


@primitive(differentiable=False, dtype=None)
def count_nonzero(xp, x, *, axis):
    """The number of nonzero elements over ``axis`` (None: all), as int64."""
    return xp.asarray(xp.count_nonzero(x, axis=axis), dtype=xp.int64)
