"""Reduction primitives: sum and mean over all or some dims (in ``dtype`` when given)."""
from __future__ import annotations

import math

from ._primitive import primitive


@primitive("SumBackward0", dtype=None)
def sum(xp, x, *, dtype=None):
    return xp.sum(x, dtype=dtype)


sum.defvjp(x=lambda g, x_shape, xp: xp.broadcast_to(g, x_shape))


@primitive("SumBackward1", dtype=None)
def sum_dim(xp, x, *, axis, keepdims, dtype=None):
    return xp.sum(x, axis=axis, keepdims=keepdims, dtype=dtype)


sum_dim.defvjp(x=lambda g, x_shape, axis, keepdims, xp:
               xp.broadcast_to(g if keepdims else xp.expand_dims(g, axis), x_shape))


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


@primitive("MeanBackward1", dtype=None)
def mean_dim(xp, x, *, axis, keepdims, dtype=None):
    return _mean(xp, x, axis, keepdims, dtype)


# the mean's gradient is spread evenly over the reduced elements
mean_dim.defvjp(x=lambda g, x_shape, axis, keepdims, xp: xp.broadcast_to(
    (g if keepdims else xp.expand_dims(g, axis)) / max(math.prod(x_shape[a] for a in axis), 1),
    x_shape))
