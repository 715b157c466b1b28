"""``tensor[key]`` and ``tensor[key] = value``, decomposed as PyTorch decomposes them.

Basic indexing is a chain of views (``SelectBackward0``, ``SliceBackward0``,
``UnsqueezeBackward0``); any tensor, list or bool index makes one ``IndexBackward0``.
"""
from __future__ import annotations

import numpy as np

from .. import _dispatch, _errors
from .._dispatch import call, call_inplace
from .._tensor import Tensor
from ..autograd.grad_mode import no_grad
from ..primitives import indexing as I
from ..primitives import shape as S
from .shape import expand

_BAD_INDEX = ("only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables "
              "are valid indices (got {})")


def _items(key) -> tuple:
    return key if isinstance(key, tuple) else (key,)


def _is_advanced(item) -> bool:
    return isinstance(item, (Tensor, list, np.ndarray, bool, np.bool_))


def _to_numpy_key(key: tuple) -> tuple:
    """The key with tensors and lists as NumPy index arrays, everything else checked."""
    out = []
    for item in key:
        if isinstance(item, Tensor):
            if item._dtype.category == 2:
                raise IndexError("tensors used as indices must be long, int, byte or bool "
                                 "tensors")
            # PyTorch reads a 0-d integer tensor as an int (a select, not a gather)
            item = int(item._data) if item._data.ndim == 0 and item._dtype.category == 1 \
                else item._data
        elif isinstance(item, list):
            item = np.asarray(item)
        elif not (item is None or item is Ellipsis or isinstance(
                item, (int, np.integer, slice, np.ndarray, bool, np.bool_))):
            raise IndexError(_BAD_INDEX.format(type(item).__name__))
        out.append(item)
    return tuple(out)


def _consumed(key: tuple) -> int:
    """How many dims of the input the key's items index."""
    n = 0
    for item in key:
        if item is None or item is Ellipsis:
            continue
        n += item.ndim if isinstance(item, np.ndarray) and item.dtype == np.bool_ else 1
    return n


def _check_int(i: int, size: int, dim: int) -> int:
    if not -size <= i < size:
        raise IndexError(f"index {i} is out of bounds for dimension {dim} with size {size}")
    return i % size


def _basic(input: Tensor, key: tuple, always_slice: bool = False) -> Tensor:
    """Apply a key of ints, slices, None and Ellipsis as a chain of view ops.

    A slice covering its whole dim is skipped, unless ``always_slice`` (PyTorch slices
    for a key that is a lone slice).
    """
    ndim = input._data.ndim
    if ndim == 0 and any(isinstance(item, (int, np.integer)) for item in key):
        raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                         "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number")
    if _consumed(key) > ndim:
        raise IndexError(f"too many indices for tensor of dimension {ndim}")
    t, d, src = input, 0, 0  # d: dim in the current view; src: dim of the input
    for item in key:
        if item is Ellipsis:
            d += ndim - _consumed(key)
            src += ndim - _consumed(key)
        elif item is None:
            shape = t._data.shape
            t = call(S.unsqueeze, (t,), {"shape": shape[:d] + (1,) + shape[d:]})
            d += 1
        elif isinstance(item, slice):
            size = t._data.shape[d]
            if item.step is not None and item.step <= 0:
                raise ValueError("step must be greater than zero")
            if always_slice or item.indices(size) != (0, size, 1):
                t = call(I.slice, (t,), {"key": (slice(None),) * d + (item,)})
            d += 1
            src += 1
        else:
            i = _check_int(int(item), t._data.shape[d], src)
            t = call(I.select, (t,), {"key": (slice(None),) * d + (i,)})
            src += 1
    return t


def _is_bool_scalar(item) -> bool:
    return isinstance(item, (bool, np.bool_)) or (
        isinstance(item, np.ndarray) and item.dtype == np.bool_ and item.ndim == 0)


def _split(key: tuple, ndim: int) -> tuple[tuple, tuple]:
    """(basic key, index key): PyTorch applies ints, slices and None as views first,
    then one gather whose key holds only the arrays, at the dims they reach in the view.

    An array stands in the basic key as full slices (skipped); a bool scalar as None,
    gathered by [0] (True) or [] (False), as PyTorch spells it.
    """
    rest = _consumed(tuple(item for item in key if not _is_bool_scalar(item)))
    basic, index, d, covered = [], [], 0, 0
    for item in key:
        if _is_bool_scalar(item):
            basic.append(None)
            item, n = np.zeros(1 if item else 0, dtype=np.int64), 1
        elif isinstance(item, np.ndarray):
            n = item.ndim if item.dtype == np.bool_ else 1
            basic.extend([slice(None)] * n)
        else:
            basic.append(item)
            if item is Ellipsis:
                d += ndim - rest
            elif not isinstance(item, (int, np.integer)):
                d += 1
            continue
        index.extend([slice(None)] * (d - covered))
        index.append(item)
        d = covered = d + n
    return tuple(basic), tuple(index)


def getitem(input: Tensor, key) -> Tensor:
    """``input[key]``: PyTorch's indexing (basic views, then one advanced gather)."""
    items = _to_numpy_key(_items(key))
    if not any(_is_advanced(item) for item in items):
        t = _basic(input, items, always_slice=isinstance(key, slice))
        return call(S.alias, (input,)) if t is input else t  # x[...] is a new view
    basic, index = _split(items, input._data.ndim)
    t = _basic(input, basic)
    try:
        t._data[index]  # validate first: NumPy's errors, reworded as PyTorch's
    except IndexError as err:
        raise IndexError(str(err).replace("axis", "dimension")) from None
    return call(I.index, (t,), {"key": index})


def setitem(input: Tensor, key, value) -> None:
    """``input[key] = value``: an in-place write, recorded when autograd is on."""
    key = _to_numpy_key(_items(key))
    advanced = any(_is_advanced(item) for item in key)
    if not advanced:
        _basic(input, key)  # PyTorch's errors for a bad basic key
    if not isinstance(value, Tensor):
        value = _dispatch.wrap(np.asarray(value, dtype=input._dtype.np)[()])
    target_shape = np.shape(np.empty(input._data.shape, dtype=np.bool_)[key])
    if not advanced:  # PyTorch copies into a view: copy_'s expand errors
        with no_grad():
            expand(value, target_shape)
    try:
        fits = np.broadcast_shapes(value._data.shape, target_shape) == target_shape
    except ValueError:
        fits = False
    if not fits:
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(value._data.shape)} "
                           f"cannot be broadcast to indexing result of shape "
                           f"{list(target_shape)}")
    if (_dispatch._grad_state.grad_enabled and input._grad_fn is None
            and input._requires_grad):  # basic keys write through a view, index_put_ does not
        raise RuntimeError(_errors.LEAF_INPLACE if advanced else _errors.VIEW_OF_LEAF_INPLACE)
    _dispatch.materialize(input)
    prim = I.index_put if advanced else I.copy_slices
    call_inplace(prim, (input, value), {"key": key})


__all__: list = []
METHODS = {"__getitem__": getitem, "__setitem__": setitem}
