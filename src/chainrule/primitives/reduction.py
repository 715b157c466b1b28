"""Reduction primitives: sum and mean over all or some dims."""
from __future__ import annotations

import math

from ._primitive import primitive


@primitive("SumBackward0", dtype=None)
def sum(xp, x):
    return xp.sum(x)


sum.defvjp(x=lambda g, x_shape, xp: xp.broadcast_to(g, x_shape))


@primitive("SumBackward1", dtype=None)
def sum_dim(xp, x, *, axis, keepdims):
    return xp.sum(x, axis=axis, keepdims=keepdims)


sum_dim.defvjp(x=lambda g, x_shape, axis, keepdims, xp:
               xp.broadcast_to(g if keepdims else xp.expand_dims(g, axis), x_shape))


@primitive("MeanBackward0", dtype=None)
def mean(xp, x):
    return xp.mean(x)


mean.defvjp(x=lambda g, x_shape, xp: xp.broadcast_to(g / math.prod(x_shape), x_shape))


@primitive("MeanBackward1", dtype=None)
def mean_dim(xp, x, *, axis, keepdims):
    return xp.mean(x, axis=axis, keepdims=keepdims)


# the mean's gradient is spread evenly over the reduced elements
mean_dim.defvjp(x=lambda g, x_shape, axis, keepdims, xp: xp.broadcast_to(
    (g if keepdims else xp.expand_dims(g, axis)) / math.prod(x_shape[a] for a in axis),
    x_shape))
