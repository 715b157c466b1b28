"""Normalization, embedding and attention primitives (forward and rules, one block per op).

The three normalizations share one piece of math: x is standardized over some dims,
xhat = (x - mean) * invstd, then scaled and shifted per feature. Reductions are spelled
``xp.sum_to`` (a sum down to a shape with 1s kept), so the rules run unchanged on
Tensors under ``create_graph``; plain-array constants (running statistics, masks) enter
through ``xp.reshape``/``xp.multiply``, which accept them in both namespaces.
"""
from __future__ import annotations

import math

from . import reduction as _reduction
from ._primitive import primitive

# -- the standardization every norm shares ------------------------------------------------------


def _moments(xp, x, shape: tuple):
    """Mean and biased variance of x over the dims where ``shape`` has 1s (kept as size 1)."""
    count = math.prod(x.shape) // max(math.prod(shape), 1)
    mean = xp.sum_to(x, shape) * (1 / max(count, 1))
    d = x - mean
    return mean, xp.sum_to(d * d, shape) * (1 / max(count, 1))


def _standardize(xp, x, shape: tuple, eps: float):
    """(xhat, invstd): x standardized over the dims where ``shape`` has 1s."""
    mean, var = _moments(xp, x, shape)
    invstd = 1 / xp.sqrt(var + eps)
    return (x - mean) * invstd, invstd


def _standardize_grad(xp, gxhat, xhat, invstd, shape: tuple):
    """d/dx of <gxhat, xhat(x)>: the Jacobian of standardization, I - (1 + xhat xhat^T)/n, times
    invstd, applied without building it."""
    count = max(math.prod(gxhat.shape) // max(math.prod(shape), 1), 1)
    m1 = xp.sum_to(gxhat, shape) * (1 / count)
    m2 = xp.sum_to(gxhat * xhat, shape) * (1 / count)
    return (gxhat - m1 - xhat * m2) * invstd


def _affine(xp, xhat, w, b, shape: tuple):
    """xhat * w + b, with w and b (one value per feature) reshaped to broadcast as ``shape``."""
    out = xhat if w is None else xhat * xp.reshape(w, shape)
    return out if b is None else out + xp.reshape(b, shape)


def _affine_grads(xp, g, xhat, w, b, shape: tuple) -> tuple:
    """(d xhat, d w, d b) of xhat * w + b, the parameter grads summed down to ``shape``."""
    gxhat = g if w is None else g * xp.reshape(w, shape)
    gw = None if w is None else xp.reshape(xp.sum_to(g * xhat, shape), w.shape)
    gb = None if b is None else xp.reshape(xp.sum_to(g, shape), b.shape)
    return gxhat, gw, gb


def _channels(x) -> tuple:
    """The broadcast shape of a per-channel value for x (N, C, *S): (1, C, 1, ...)."""
    return (1, x.shape[1]) + (1,) * (len(x.shape) - 2)


# -- batch norm -------------------------------------------------------------------------------------


def _batch_stats(xp, x, running_mean, running_var, training: bool, eps: float):
    """(xhat, invstd): batch statistics in training, the running ones in evaluation."""
    shape = _channels(x)
    if training:
        return _standardize(xp, x, shape, eps)
    invstd = 1 / xp.sqrt(xp.reshape(running_var, shape) + eps)
    return (x - xp.reshape(running_mean, shape)) * invstd, invstd


@primitive("NativeBatchNormBackward0", dtype=None)
def native_batch_norm(xp, x, w, b, *, running_mean, running_var, training, eps):
    xhat, _ = _batch_stats(xp, x, running_mean, running_var, training, eps)
    return _affine(xp, xhat, w, b, _channels(x))


def _batch_norm_grads(xp, g, x, w, b, running_mean, running_var, training, eps) -> tuple:
    xhat, invstd = _batch_stats(xp, x, running_mean, running_var, training, eps)
    gxhat, gw, gb = _affine_grads(xp, g, xhat, w, b, _channels(x))
    if training:  # the batch statistics depend on x too
        return _standardize_grad(xp, gxhat, xhat, invstd, _channels(x)), gw, gb
    return gxhat * invstd, gw, gb


native_batch_norm.defvjp(joint=lambda g, x, w, b, running_mean, running_var, training, eps, xp:
                         _batch_norm_grads(xp, g, x, w, b, running_mean, running_var, training,
                                           eps))
native_batch_norm.defjvp("transpose")
native_batch_norm.defformula(x="w * invstd * (g - mean(g) - xhat * mean(g * xhat)) (training)",
                             w="sum(g * xhat)",
                             b="sum(g)")


@primitive(differentiable=False, dtype=None)
def batch_stats(xp, x):
    # per-channel mean and unbiased variance, stacked (2, C): for the running statistics
    axis = (0,) + tuple(range(2, x.ndim))
    count = x.size // max(x.shape[1], 1)
    x = x.astype(xp.float64)  # PyTorch accumulates the running statistics in double
    mean = xp.mean(x, axis=axis)
    var = xp.sum((x - xp.reshape(mean, _channels(x))) ** 2, axis=axis) / max(count - 1, 1)
    return xp.stack([mean, var])


# -- layer norm, group norm ---------------------------------------------------------------------------


def _rows(x, n_dims: int) -> tuple:
    """The statistics shape of layer norm: one value per row of the last ``n_dims`` dims."""
    return tuple(x.shape[:len(x.shape) - n_dims]) + (1,) * n_dims


@primitive("NativeLayerNormBackward0", dtype=None)
def native_layer_norm(xp, x, w, b, *, n_dims, eps):
    xhat, _ = _standardize(xp, x, _rows(x, n_dims), eps)
    shape = tuple(x.shape[x.ndim - n_dims:])
    return _affine(xp, xhat, w, b, shape)


def _layer_norm_grads(xp, g, x, w, b, n_dims: int, eps: float) -> tuple:
    rows = _rows(x, n_dims)
    xhat, invstd = _standardize(xp, x, rows, eps)
    gxhat, gw, gb = _affine_grads(xp, g, xhat, w, b, tuple(x.shape[len(x.shape) - n_dims:]))
    return _standardize_grad(xp, gxhat, xhat, invstd, rows), gw, gb


native_layer_norm.defvjp(joint=lambda g, x, w, b, n_dims, eps, xp:
                         _layer_norm_grads(xp, g, x, w, b, n_dims, eps))
native_layer_norm.defjvp("transpose")
native_layer_norm.defformula(x="invstd * (g*w - mean(g*w) - xhat * mean(g*w * xhat))",
                             w="sum(g * xhat)",
                             b="sum(g)")


def _group_stats(xp, x, groups: int, eps: float):
    """(xhat, invstd) with x standardized within each (sample, group of channels)."""
    xg = xp.reshape(x, (x.shape[0], groups, -1))
    xhat, invstd = _standardize(xp, xg, (x.shape[0], groups, 1), eps)
    return xp.reshape(xhat, x.shape), invstd


@primitive("NativeGroupNormBackward0", dtype=None)
def native_group_norm(xp, x, w, b, *, groups, eps):
    xhat, _ = _group_stats(xp, x, groups, eps)
    return _affine(xp, xhat, w, b, _channels(x))


def _group_norm_grads(xp, g, x, w, b, groups: int, eps: float) -> tuple:
    xhat, invstd = _group_stats(xp, x, groups, eps)
    gxhat, gw, gb = _affine_grads(xp, g, xhat, w, b, _channels(x))
    grouped = (x.shape[0], groups, -1)
    gx = _standardize_grad(xp, xp.reshape(gxhat, grouped), xp.reshape(xhat, grouped), invstd,
                           (x.shape[0], groups, 1))
    return xp.reshape(gx, x.shape), gw, gb


native_group_norm.defvjp(joint=lambda g, x, w, b, groups, eps, xp:
                         _group_norm_grads(xp, g, x, w, b, groups, eps))
native_group_norm.defjvp("transpose")
native_group_norm.defformula(x="invstd * (g*w - mean(g*w) - xhat * mean(g*w * xhat)) per group",
                             w="sum(g * xhat)",
                             b="sum(g)")


# -- embedding ---------------------------------------------------------------------------------------


@primitive("EmbeddingBackward0", dtype=None, saved_attrs=("indices",))
def embedding(xp, w, *, indices, scale):
    return w[indices]


# rows looked up several times collect every lookup's gradient, each weighted by ``scale``
# (0 for padding_idx, 1 / count with scale_grad_by_freq) when given
embedding.defvjp(w=lambda g, w_shape, indices, scale, xp: xp.accumulate_into(
    g if scale is None else xp.multiply(g, scale), w_shape, (indices,)))
embedding.defjvp("linear")
embedding.defformula(w="scale * g added into the rows at indices")


# -- norms --------------------------------------------------------------------------------------------

# at::norm(x, p, dim, keepdim), as C++ composites call it (pairwise_distance): the p-norm of
# linalg.vector_norm (any p, keepdim) under its own node name, with the same derivative.
# (primitives.loss.norm_dim is the keepdim=False, finite-p case of it)
@primitive("NormBackward1", dtype=None)
def pnorm(xp, x, *, ord, axis, keepdims, dtype=None):
    return _reduction.vector_norm.fn(xp, x, ord=ord, axis=axis, keepdims=keepdims, dtype=dtype)


pnorm.defvjp(x=lambda g, x, out, ord, axis, keepdims, xp:
             _reduction._norm_grad(g, x, out, ord, axis, keepdims, xp))
pnorm.defjvp("transpose")
pnorm.defformula(x="sign(x) * abs(x)**(ord - 1) / out**(ord - 1)")


# -- attention ----------------------------------------------------------------------------------------


@primitive("SafeSoftmaxBackward0", dtype=None)
def safe_softmax(xp, x, *, axis):
    # softmax, except that a row of -inf only is 0 instead of nan (masked-out queries)
    shifted = x - xp.max(x, axis=axis, keepdims=True)
    e = xp.exp(shifted)
    out = e / xp.sum(e, axis=axis, keepdims=True)
    return xp.where(xp.all(x == -math.inf, axis=axis, keepdims=True), 0, out).astype(x.dtype)


def _row_shape(shape: tuple, axis: int) -> tuple:
    return tuple(1 if i == axis % len(shape) else n for i, n in enumerate(shape))


# softmax's Jacobian is diag(s) - s s^T; apply it without building it
safe_softmax.defvjp(x=lambda g, out, axis, xp:
                    out * (g - xp.sum_to(g * out, _row_shape(tuple(out.shape), axis))))
safe_softmax.defjvp(x=lambda t, out, axis, xp: out * (t - xp.sum(out * t, axis=axis, keepdims=True)))
safe_softmax.defformula(x="out * (g - sum(g * out, axis))")


@primitive(differentiable=False, dtype=None)
def one_hot(xp, x, *, num_classes):
    return (xp.expand_dims(x, -1) == xp.arange(num_classes)).astype(xp.int64)
