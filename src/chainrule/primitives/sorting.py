"""Sorting and selection: index-finding forwards (no gradient) and value-selecting primitives.

PyTorch's ``max(dim)``, ``median(dim)``, ``kthvalue``, ``mode``, ``sort`` and ``topk``
return values and int64 indices; only the values have a gradient, which flows back
to the selected indices (``value_selecting_reduction_backward``). So each is two
blocks here: a non-differentiable primitive finds the indices, and a selecting
primitive (named as PyTorch names its node) takes the values at them and keeps the
indices, as PyTorch saves them, to route the gradient.

``axis`` is one non-negative int; NaN sorts above every number, as in PyTorch.
"""
from __future__ import annotations

import numpy as np

from ._primitive import primitive

# -- finding indices ----------------------------------------------------------------------------


def _argsort(xp, x, axis: int, descending: bool):
    """Stable argsort along ``axis``: equal values keep their order, descending too."""
    if not descending:
        return xp.argsort(x, axis=axis, kind="stable")
    # a stable ascending sort of the reversed slice, reversed, puts ties back in order
    n = x.shape[axis]
    return n - 1 - xp.flip(xp.argsort(xp.flip(x, axis), axis=axis, kind="stable"), axis)


def _pick(xp, order, pos, axis: int, keepdims: bool):
    """The entries of ``order`` at positions ``pos`` (keepdim-shaped) along ``axis``."""
    out = xp.take_along_axis(order, pos, axis)
    return out if keepdims else xp.squeeze(out, axis)


@primitive(differentiable=False, dtype=None)
def argsort(xp, x, *, axis, descending):
    """Indices that sort ``x`` along ``axis`` (stably)."""
    return _argsort(xp, x, axis, descending) if x.ndim else xp.zeros((), xp.int64)


@primitive(differentiable=False, dtype=None)
def argmax(xp, x, *, axis, keepdims):
    """Index of the first maximum (or first NaN) along ``axis``; None: of the flattened input."""
    return xp.asarray(xp.argmax(x, axis=axis, keepdims=keepdims), dtype=xp.int64)


@primitive(differentiable=False, dtype=None)
def argmin(xp, x, *, axis, keepdims):
    """Index of the first minimum (or first NaN) along ``axis``; None: of the flattened input."""
    return xp.asarray(xp.argmin(x, axis=axis, keepdims=keepdims), dtype=xp.int64)


@primitive(differentiable=False, dtype=None)
def kth_index(xp, x, *, k, axis, keepdims):
    """Index of the ``k``-th smallest (1-based) element along ``axis``."""
    if not x.ndim:
        return xp.zeros((), xp.int64)
    shape = list(x.shape)
    shape[axis] = 1
    return _pick(xp, _argsort(xp, x, axis, False), xp.full(shape, k - 1), axis, keepdims)


@primitive(differentiable=False, dtype=None)
def median_index(xp, x, *, axis, keepdims):
    """Index of the lower median along ``axis``, or of the first NaN in a slice holding one."""
    if not x.ndim:
        return xp.zeros((), xp.int64)
    shape = list(x.shape)
    shape[axis] = 1
    n = x.shape[axis]
    pos = xp.full(shape, (n - 1) // 2)
    if x.dtype.kind == "f":  # NaNs sort last: the first of them sits right after the numbers
        numbers = xp.sum(~xp.isnan(x), axis=axis, keepdims=True)
        pos = xp.where(numbers < n, numbers, pos)
    return _pick(xp, _argsort(xp, x, axis, False), pos, axis, keepdims)


@primitive(differentiable=False, dtype=None)
def mode_index(xp, x, *, axis, keepdims):
    """Index of the last occurrence of the most frequent value along ``axis`` (the smallest
    such value on a tie; NaNs never equal each other)."""
    if not x.ndim:
        return xp.zeros((), xp.int64)
    order = xp.moveaxis(_argsort(xp, x, axis, False), axis, -1)
    v = xp.take_along_axis(xp.moveaxis(x, axis, -1), order, -1)
    n = v.shape[-1]
    pos = xp.broadcast_to(xp.arange(n), v.shape)
    starts = xp.ones(v.shape, bool)
    starts[..., 1:] = v[..., 1:] != v[..., :-1]
    run_start = xp.maximum.accumulate(xp.where(starts, pos, 0), axis=-1)
    ends = xp.ones(v.shape, bool)
    ends[..., :-1] = starts[..., 1:]
    length = xp.where(ends, pos - run_start + 1, 0)  # scored at each run's last element
    best = xp.argmax(length, axis=-1)[..., None]  # the first longest run: the smallest value
    out = xp.moveaxis(xp.take_along_axis(order, best, -1), -1, axis)
    return out if keepdims else xp.squeeze(out, axis)


@primitive(differentiable=False, dtype=None)
def topk_index(xp, x, *, k, axis, largest):
    """Indices of the ``k`` largest (or smallest) elements along ``axis``, in sorted order."""
    if not x.ndim:
        return xp.zeros((), xp.int64)
    order = _argsort(xp, x, axis, largest)
    return xp.take(order, xp.arange(k), axis=axis)


# -- selecting values at indices ----------------------------------------------------------------


def _along(indices, axis: int) -> tuple:
    """An advanced-index key that reads ``indices`` as positions along ``axis``."""
    key = list(np.indices(indices.shape, sparse=True))
    key[axis] = indices
    return tuple(key)


def _route(g, x_shape, indices, axis, keepdims, xp):
    """PyTorch's value_selecting_reduction_backward: zeros, with ``g`` at the selected indices."""
    if not x_shape:
        return g
    if not keepdims:
        g, indices = xp.expand_dims(g, axis), np.expand_dims(indices, axis)
    return xp.embed(g, x_shape, _along(indices, axis))


def _selecting(grad_fn: str, name: str):
    """A primitive taking ``x``'s values at ``indices`` (given keepdim-shaped when ``keepdims``)."""
    def forward(xp, x, *, indices, axis, keepdims):
        if not x.ndim:
            return xp.array(x)
        pos = indices if keepdims else xp.expand_dims(indices, axis)
        return _pick(xp, x, pos, axis, keepdims)
    forward.__name__ = name
    forward.__doc__ = f"The values of ``{name}``: ``x`` at ``indices`` along ``axis``."
    return primitive(grad_fn, dtype=None, saved_attrs=("indices",))(forward).defvjp(x=_route).defjvp("linear")


max_dim = _selecting("MaxBackward0", "max_dim")
max_dim.defformula(x="g at indices along axis, 0 elsewhere")
min_dim = _selecting("MinBackward0", "min_dim")
min_dim.defformula(x="g at indices along axis, 0 elsewhere")
median_dim = _selecting("MedianBackward1", "median_dim")
median_dim.defformula(x="g at indices along axis, 0 elsewhere")
kthvalue = _selecting("KthvalueBackward0", "kthvalue")
kthvalue.defformula(x="g at indices along axis, 0 elsewhere")
mode = _selecting("ModeBackward0", "mode")
mode.defformula(x="g at indices along axis, 0 elsewhere")
sort = _selecting("SortBackward0", "sort")
sort.defformula(x="g put back at indices along axis")
sort_stable = _selecting("SortBackward1", "sort_stable")
sort_stable.defformula(x="g put back at indices along axis")
topk = _selecting("TopkBackward0", "topk")
topk.defformula(x="g put back at indices along axis")
