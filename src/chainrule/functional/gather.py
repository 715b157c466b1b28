"""Gather and scatter at the public edge: PyTorch's checks and messages, then the NumPy
``key`` each primitive moves values (and gradients) through.

A 0-d input counts as one element along dim 0, as PyTorch's ``ensure_nonempty``
does. Index tensors never require grad; their arrays become keys, which PyTorch
saves as tensors (freed after backward).
"""
from __future__ import annotations

import numpy as np

from .. import _errors
from .._dispatch import call, call_inplace, wrap
from .._tensor import _C_TYPE, Tensor, _wrap_dim
from ..primitives import gather as G
from . import shape as F

_REDUCES = ("sum", "prod", "mean", "amax", "amin")

# -- keys ----------------------------------------------------------------------------------------


def _coords(index: np.ndarray, axis: int) -> tuple:
    """Index arrays reaching, for each position p of ``index``, the element at ``index[p]``
    along ``axis`` and at p along every other dim (gather's and scatter's addressing)."""
    n = max(index.ndim, 1)
    return tuple(index if d == axis else
                 np.arange(index.shape[d]).reshape([-1 if i == d else 1 for i in range(n)])
                 for d in range(n))


def _whole(shape: tuple, n: int) -> tuple:
    """The key of the first ``n`` (0 or 1) elements of a 0-d array, or of all of an n-d one."""
    return (np.bool_(n > 0),) if not shape else ()


def _first(n: int, shape: tuple) -> tuple:
    """The key of the first ``n`` elements, in C order, of an array of ``shape``."""
    if not shape:
        return (np.bool_(n > 0),)
    return np.unravel_index(np.arange(n), shape)


def _mask_key(mask: np.ndarray) -> tuple:
    """The key of a boolean mask's True elements (a 0-d mask selects 0 or 1 element)."""
    return (mask,) if mask.ndim == 0 else np.nonzero(mask)


def _broadcast(a: tuple, b: tuple) -> tuple:
    """The broadcast shape of ``a`` and ``b``, or PyTorch's error."""
    _errors.check_broadcast(a, b)
    return np.broadcast_shapes(a, b)


# -- checks --------------------------------------------------------------------------------------


def _size(shape: tuple, d: int) -> int:
    """PyTorch's ensure_nonempty_size: a 0-d tensor has size 1 along dim 0."""
    return shape[d] if shape else 1


def _check_index_dtype(index: Tensor, fname: str) -> np.ndarray:
    """gather/scatter's index check: int32 or int64 (unless empty); the index as int64."""
    if index._data.size and index._dtype.name not in ("int32", "int64"):
        raise RuntimeError(f"{fname}(): Expected dtype int32/int64 for index")
    return index._data.astype(np.int64, copy=False)


def _check_bounds(index: np.ndarray, size: int, dim: int, exc=RuntimeError,
                  fmt: str = "index {} is out of bounds for dimension {} with size {}") -> None:
    """PyTorch's error for the first index outside [0, size)."""
    bad = (index < 0) | (index >= size)
    if bad.any():
        raise exc(fmt.format(int(index[bad].flat[0]), dim, size))


def _check_gather_shape(x: tuple, idx: tuple, axis: int) -> None:
    """gather's shape rule: as many dims as the input, no larger except along ``axis``."""
    if max(len(x), 1) != max(len(idx), 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
    for d in range(max(len(x), 1)):
        if d != axis and _size(idx, d) > _size(x, d):
            raise RuntimeError(f"Size does not match at dimension {d} expected index {list(idx)} "
                               f"to be no larger than self {list(x)} apart from dimension {axis}")


def _check_scatter_shape(x: tuple, idx: tuple, axis: int, src: tuple | None) -> None:
    """scatter's shape rule: the index no larger than the input (except along ``axis``) and
    than ``src`` (everywhere)."""
    n = max(len(x), 1)
    if n != max(len(idx), 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as self tensor")
    wrong = any(d != axis and _size(idx, d) > _size(x, d) for d in range(n))
    if src is not None:
        wrong = wrong or any(_size(idx, d) > _size(src, _wrap_dim(d, len(src))) for d in range(n))
        if wrong:
            raise RuntimeError(f"Expected index {list(idx)} to be no larger than self {list(x)} "
                               f"apart from dimension {axis} and to be no larger size than src "
                               f"{list(src)}")
    elif wrong:
        raise RuntimeError(f"Expected index {list(idx)} to be no larger than self {list(x)} "
                           f"apart from dimension {axis}")


def _scatter_keys(input: Tensor, dim: int, index: Tensor, src: Tensor | None) -> tuple:
    """(key into the result, key into src) for scatter-like ops, after PyTorch's checks."""
    shape = input._data.shape
    axis = _wrap_dim(dim, len(shape))
    idx = _check_index_dtype(index, "scatter")
    if src is not None and src._dtype is not input._dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    if idx.size == 0:
        idx = idx.reshape(idx.shape or (1,))[:0]
    else:
        _check_scatter_shape(shape, idx.shape, axis, None if src is None else src._data.shape)
        _check_bounds(idx, _size(shape, axis), axis)
    idx = idx.reshape(idx.shape or (1,))
    if not shape and idx.size > 1:  # a NumPy key cannot address one 0-d element twice
        raise NotImplementedError("chainrule: scattering more than one value into a 0-d tensor "
                                  "is not supported; scatter into input.reshape(1) instead")
    key = _coords(idx, axis) if shape else (np.bool_(idx.size > 0),)
    if src is None:
        return key, None
    src_shape = src._data.shape
    src_key = tuple(slice(0, n) for n in idx.shape) if src_shape else (np.bool_(idx.size > 0),)
    return key, src_key


# -- gather --------------------------------------------------------------------------------------


def gather(input: Tensor, dim: int, index: Tensor, *, sparse_grad: bool = False,
           out=None) -> Tensor:
    """``out[p] = input[p with index[p] along dim]``: values gathered along ``dim``."""
    shape = input._data.shape
    axis = _wrap_dim(dim, len(shape))
    idx = _check_index_dtype(index, "gather")
    _check_gather_shape(shape, idx.shape, axis)
    _check_bounds(idx, _size(shape, axis), axis)
    return call(G.gather, (input,), {"shape": shape or (1,), "key": _coords(idx, axis)})


def take_along_dim(input: Tensor, indices: Tensor, dim=None, *, out=None) -> Tensor:
    """Values of ``input`` at ``indices`` along ``dim`` (broadcast), or of the flattened input."""
    if dim is None:
        return gather(F.view(input, -1), 0, wrap(indices._data.reshape(-1)))
    x, idx = input._data.shape, indices._data.shape
    if len(x) != len(idx):
        raise RuntimeError(f"torch.take_along_dim(): input and indices should have the same number "
                           f"of dimensions, but got {len(x)} dimensions for input, and {len(idx)} "
                           "dimensions for indices")
    if indices._dtype.name != "int64":
        raise RuntimeError(f"torch.take_along_dim(): dtype of indices should be Long but got "
                           f"{indices._dtype.c_name}")
    axis = _wrap_dim(dim, len(x))
    if not x:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    wide = _broadcast(x[:axis] + idx[axis:axis + 1] + x[axis + 1:], idx)
    index = wrap(np.broadcast_to(indices._data, wide))
    wide = _broadcast(idx[:axis] + x[axis:axis + 1] + idx[axis + 1:], x)
    return gather(F.expand(input, wide), axis, index)


# -- scatter -------------------------------------------------------------------------------------


def _scatter(input: Tensor, dim: int, index: Tensor, src, value, reduce, inplace: bool) -> Tensor:
    """scatter / scatter_ with a tensor ``src`` or a number ``value``."""
    if reduce is not None:
        raise NotImplementedError("chainrule: scatter(reduce=...) is not supported; use "
                                  "scatter_reduce")
    run = call_inplace if inplace else call
    if isinstance(src, Tensor):
        key, src_key = _scatter_keys(input, dim, index, src)
        return run(G.scatter, (input, src), {"shape": input._data.shape, "key": key,
                                             "src_key": src_key})
    value = src if value is None else value
    if isinstance(value, Tensor):
        value = value.item()
    key, _ = _scatter_keys(input, dim, index, None)
    return run(G.scatter_value, (input,), {"shape": input._data.shape, "key": key,
                                           "value": value})


def scatter(input: Tensor, dim: int, index: Tensor, src=None, *, value=None,
            reduce=None) -> Tensor:
    """``input`` with ``src[p]`` (or ``value``) written at ``p`` with ``index[p]`` along ``dim``."""
    return _scatter(input, dim, index, src, value, reduce, inplace=False)


def scatter_(input: Tensor, dim: int, index: Tensor, src=None, *, value=None,
             reduce=None) -> Tensor:
    """In-place version of :func:`scatter`."""
    return _scatter(input, dim, index, src, value, reduce, inplace=True)


def _scatter_add(input: Tensor, dim: int, index: Tensor, src, inplace: bool) -> Tensor:
    if not isinstance(src, Tensor):
        raise TypeError(f"scatter_add(): argument 'src' (position 3) must be Tensor, not "
                        f"{type(src).__name__}")
    key, src_key = _scatter_keys(input, dim, index, src)
    run = call_inplace if inplace else call
    return run(G.scatter_add, (input, src), {"key": key, "src_key": src_key, "alpha": 1})


def scatter_add(input: Tensor, dim: int, index: Tensor, src: Tensor) -> Tensor:
    """``input`` with ``src[p]`` added at ``p`` with ``index[p]`` along ``dim`` (repeats sum)."""
    return _scatter_add(input, dim, index, src, inplace=False)


def scatter_add_(input: Tensor, dim: int, index: Tensor, src: Tensor) -> Tensor:
    """In-place version of :func:`scatter_add`."""
    return _scatter_add(input, dim, index, src, inplace=True)


def _scatter_reduce(input: Tensor, dim: int, index: Tensor, src: Tensor, reduce: str,
                    include_self: bool, inplace: bool) -> Tensor:
    if reduce not in _REDUCES:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got "
                           f"{reduce}")
    key, src_key = _scatter_keys(input, dim, index, src)
    shape = input._data.shape
    hits = np.zeros(shape, np.int64)
    np.add.at(hits, key, 1)
    count = np.maximum(hits + bool(include_self), 1)
    attrs = {"key": key, "src_key": src_key, "reduce": reduce,
             "include_self": bool(include_self), "hit": hits > 0, "count": count}
    return (call_inplace if inplace else call)(G.scatter_reduce, (input, src), attrs)


def scatter_reduce(input: Tensor, dim: int, index: Tensor, src: Tensor, reduce: str, *,
                   include_self: bool = True) -> Tensor:
    """``input`` with each ``src[p]`` reduced (sum, prod, mean, amax, amin) into the element at
    ``p`` with ``index[p]`` along ``dim``; ``include_self``: the input's value takes part."""
    return _scatter_reduce(input, dim, index, src, reduce, include_self, inplace=False)


def scatter_reduce_(input: Tensor, dim: int, index: Tensor, src: Tensor, reduce: str, *,
                    include_self: bool = True) -> Tensor:
    """In-place version of :func:`scatter_reduce`."""
    return _scatter_reduce(input, dim, index, src, reduce, include_self, inplace=True)


# -- index_* ops (an index vector along one dim) ------------------------------------------------


def _index_key(shape: tuple, axis: int, index: np.ndarray) -> tuple:
    """The key of the slices at ``index`` along ``axis`` (the one element of a 0-d input)."""
    if not shape:
        return (np.bool_(index.size > 0),)
    return (slice(None),) * axis + (index.reshape(-1),)


def index_select(input: Tensor, dim: int, index: Tensor, *, out=None) -> Tensor:
    """The slices of ``input`` at ``index`` along ``dim``."""
    shape = input._data.shape
    axis = _wrap_dim(dim, len(shape))
    if index._data.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    if index._dtype.name not in ("int32", "int64"):
        raise RuntimeError("index_select(): Expected dtype int32 or int64 for index")
    idx = index._data.astype(np.int64, copy=False)
    if not shape:
        if idx.size != 1:
            raise RuntimeError(f"index_select(): Index to scalar can have only 1 value, got "
                               f"{idx.size} value(s)")
        _check_bounds(idx, 1, 0, IndexError, "index out of range in self")
        return call(G.index_select, (input,), {"shape": (1,), "key": (idx.reshape(()),)})
    _check_bounds(idx, shape[axis], axis, RuntimeError,
                  "INDICES element is out of DATA bounds, id={0} axis_dim={2}")
    return call(G.index_select, (input,), {"shape": shape, "key": _index_key(shape, axis, idx)})


def _check_index_add(input: Tensor, axis: int, index: Tensor, source: Tensor) -> np.ndarray:
    """index_add's checks, in PyTorch's order; the index as int64."""
    name = index._dtype.c_name
    if index._data.ndim > 1:
        raise IndexError(f"index_add_(): Index is supposed to be a vector, but got dim: "
                         f"{index._data.ndim} with type: {name} and size: {list(index.shape)}")
    if name not in ("Int", "Long"):
        raise RuntimeError(f"index_add_(): Expected dtype int32/int64 for index but got: {name}")
    if input._dtype is not source._dtype:
        raise RuntimeError(f"index_add_(): self ({input._dtype.c_name}) and source "
                           f"({source._dtype.c_name}) must have the same scalar type")
    x, s = input._data.shape, source._data.shape
    n = index._data.size
    if n != _size(s, axis):
        raise RuntimeError(f"index_add_(): Number of indices ({n}) should be equal to "
                           f"source.size(dim): ({_size(s, axis)}), for dim: {axis}")
    if (x[:axis] + x[axis + 1:] if x and s else x) != (s[:axis] + s[axis + 1:] if x and s else s):
        raise RuntimeError(f"source tensor shape must match self tensor shape, excluding the "
                           f"specified dimension. Got self.shape = {list(x)} source.shape = "
                           f"{list(s)}")
    idx = index._data.astype(np.int64, copy=False)
    _check_bounds(idx, _size(x, axis), axis, IndexError, "index out of range in self")
    return idx


def _index_add(input: Tensor, dim: int, index: Tensor, source: Tensor, alpha, inplace: bool):
    shape = input._data.shape
    axis = _wrap_dim(dim, len(shape))
    idx = _check_index_add(input, axis, index, source)
    attrs = {"key": _index_key(shape, axis, idx),
             "src_key": _whole(source._data.shape, idx.size), "alpha": alpha}
    return (call_inplace if inplace else call)(G.index_add, (input, source), attrs)


def index_add(input: Tensor, dim: int, index: Tensor, source: Tensor, *, alpha=1,
              out=None) -> Tensor:
    """``input`` with ``alpha * source`` added at the slices ``index`` along ``dim`` (repeats sum)."""
    return _index_add(input, dim, index, source, alpha, inplace=False)


def index_add_(input: Tensor, dim: int, index: Tensor, source: Tensor, *, alpha=1) -> Tensor:
    """In-place version of :func:`index_add`."""
    return _index_add(input, dim, index, source, alpha, inplace=True)


def _check_index_copy(input: Tensor, axis: int, index: Tensor, source: Tensor) -> np.ndarray:
    """index_copy's checks, in PyTorch's order; the index as int64."""
    x, s = input._data.shape, source._data.shape
    n = index._data.size
    if index._data.ndim > 1:
        raise IndexError(f"index_copy_(): Index should have dimension 1 or 0 (got "
                         f"{index._data.ndim})")
    if not s and n != 1:
        raise IndexError(f"index_copy_(): When source is scalar, index should have one element "
                         f"(got {n})")
    if s and x and len(s) != len(x):
        raise IndexError(f"index_copy_(): When source and destination are not scalars, their "
                         f"dimensionality must match. Source dimensionality ({len(s)}), "
                         f"destination dimensionality ({len(x)})")
    if index._dtype.name != "int64":
        raise RuntimeError(f"index_copy_(): Expected a long tensor for index, but got "
                           f"{index._dtype.c_name}")
    if input._dtype is not source._dtype:
        raise RuntimeError(f"index_copy_(): self and source expected to have the same dtype, but "
                           f"got (self) {input._dtype.c_name} and (source) {source._dtype.c_name}")
    xs, ss = x[:axis] + x[axis + 1:], s[:axis] + s[axis + 1:]
    if xs != ss:
        raise RuntimeError(f"index_copy_(): Source/destination tensor must have same slice "
                           f"shapes. Destination slice shape: {' '.join(map(str, xs))} at "
                           f"dimension {axis} and source slice shape: {' '.join(map(str, ss))} "
                           "at dimension 0.")
    if s and n != s[axis]:
        raise IndexError(f"index_copy_(): Number of indices ({n}) should be equal to "
                         f"source.size(dim) ({s[axis]})")
    return index._data


def _index_copy(input: Tensor, dim: int, index: Tensor, source: Tensor, inplace: bool):
    shape = input._data.shape
    axis = _wrap_dim(dim, len(shape))
    idx = _check_index_copy(input, axis, index, source)
    _check_bounds(idx, _size(shape, axis), axis, IndexError,
                  "index_copy_(): index {} is out of bounds for dimension {} with size {}")
    attrs = {"shape": shape, "key": _index_key(shape, axis, idx),
             "src_key": _whole(source._data.shape, idx.size)}
    return (call_inplace if inplace else call)(G.index_copy, (input, source), attrs)


def index_copy(input: Tensor, dim: int, index: Tensor, source: Tensor, *, out=None) -> Tensor:
    """``input`` with the slices at ``index`` along ``dim`` replaced by those of ``source``."""
    return _index_copy(input, dim, index, source, inplace=False)


def index_copy_(input: Tensor, dim: int, index: Tensor, source: Tensor) -> Tensor:
    """In-place version of :func:`index_copy`."""
    return _index_copy(input, dim, index, source, inplace=True)


def _index_fill(input: Tensor, dim: int, index: Tensor, value, inplace: bool) -> Tensor:
    if index._dtype.name != "int64":
        raise IndexError("index_fill_(): Expected dtype int64 for index.")
    shape = input._data.shape
    axis = _wrap_dim(dim, len(shape))
    if index._data.ndim > 1:
        raise RuntimeError("Index has to be a vector/scalar")
    idx = index._data
    size = _size(shape, axis)
    bad = (idx < -size) | (idx >= size)
    if bad.any():
        raise IndexError(f"index {int(idx[bad].flat[0])} is out of bounds for dimension {axis} "
                         f"with size {size}")
    attrs = {"shape": shape, "key": _index_key(shape, axis, idx % max(size, 1))}
    run = call_inplace if inplace else call
    if isinstance(value, Tensor):
        if value._data.ndim:
            raise RuntimeError(f"index_fill_ only supports a 0-dimensional value tensor, but got "
                               f"tensor with {value._data.ndim} dimension(s).")
        return run(G.index_fill_tensor, (input, value), attrs)
    return run(G.index_fill, (input,), {**attrs, "value": value})


def index_fill(input: Tensor, dim: int, index: Tensor, value) -> Tensor:
    """``input`` with the slices at ``index`` along ``dim`` filled with ``value``."""
    return _index_fill(input, dim, index, value, inplace=False)


def index_fill_(input: Tensor, dim: int, index: Tensor, value) -> Tensor:
    """In-place version of :func:`index_fill`."""
    return _index_fill(input, dim, index, value, inplace=True)


# -- masks ---------------------------------------------------------------------------------------


def _masked_fill(input: Tensor, mask: Tensor, value, inplace: bool) -> Tensor:
    if mask._dtype.name != "bool":
        raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype "
                           f"{_C_TYPE[mask._dtype]}")
    shape = _broadcast(mask._data.shape, input._data.shape)
    key = _mask_key(np.broadcast_to(mask._data, shape))
    run = call_inplace if inplace else call
    if isinstance(value, Tensor):
        if value._data.ndim:
            raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, but got "
                               f"tensor with {value._data.ndim} dimension(s).")
        return run(G.masked_fill_tensor, (input, value), {"shape": shape, "key": key})
    return run(G.masked_fill, (input,), {"shape": shape, "key": key, "value": value})


def masked_fill(input: Tensor, mask: Tensor, value) -> Tensor:
    """``input`` (broadcast with ``mask``) with ``value`` where ``mask`` is True."""
    return _masked_fill(input, mask, value, inplace=False)


def masked_fill_(input: Tensor, mask: Tensor, value) -> Tensor:
    """In-place version of :func:`masked_fill`."""
    return _masked_fill(input, mask, value, inplace=True)


def masked_select(input: Tensor, mask: Tensor, *, out=None) -> Tensor:
    """The elements of ``input`` (broadcast with ``mask``) where ``mask`` is True, as 1-D."""
    if mask._dtype.name != "bool":
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    shape = _broadcast(mask._data.shape, input._data.shape) or (1,)
    key = np.nonzero(np.broadcast_to(mask._data, shape))
    return call(G.masked_select, (input,), {"shape": shape, "key": key})


def _masked_scatter(input: Tensor, mask: Tensor, source: Tensor, inplace: bool) -> Tensor:
    if input._dtype is not source._dtype:
        raise RuntimeError(f"masked_scatter: expected self and source to have same dtypes but got"
                           f"{input._dtype.c_name} and {source._dtype.c_name}")
    if mask._dtype.name != "bool":
        raise RuntimeError(f"masked_scatter_ only supports boolean masks, but got mask with dtype "
                           f"{mask._dtype.c_name}")
    shape = _broadcast(mask._data.shape, input._data.shape)
    wide = np.broadcast_to(mask._data, shape)
    n = int(wide.sum())
    if n > source._data.size:
        raise RuntimeError("Number of elements of source < number of ones in mask")
    attrs = {"shape": shape, "key": _mask_key(wide), "src_key": _first(n, source._data.shape)}
    return (call_inplace if inplace else call)(G.masked_scatter, (input, source), attrs)


def masked_scatter(input: Tensor, mask: Tensor, source: Tensor) -> Tensor:
    """``input`` (broadcast with ``mask``) with ``source``'s elements, in order, where ``mask``."""
    return _masked_scatter(input, mask, source, inplace=False)


def masked_scatter_(input: Tensor, mask: Tensor, source: Tensor) -> Tensor:
    """In-place version of :func:`masked_scatter`."""
    return _masked_scatter(input, mask, source, inplace=True)


# -- flat positions and nonzero --------------------------------------------------------------------


def take(input: Tensor, index: Tensor) -> Tensor:
    """The elements of the flattened ``input`` at ``index`` (negative counts from the end)."""
    if index._dtype.name != "int64":
        raise RuntimeError(f"take(): Expected a long tensor for index, but got "
                           f"{index._dtype.c_name}")
    shape = input._data.shape or (1,)
    n = input._data.size
    idx = index._data
    if n == 0 and idx.size:
        raise IndexError("take(): tried to take from an empty tensor")
    bad = (idx < -n) | (idx >= n)
    if bad.any():
        raise IndexError(f"out of range: tried to access index {int(idx[bad].flat[0])} on a "
                         f"tensor of {n} elements.")
    key = np.unravel_index(idx % max(n, 1), shape)
    return call(G.take, (input,), {"shape": shape, "key": key})


def nonzero(input: Tensor, *, out=None, as_tuple: bool = False):
    """The indices of ``input``'s non-zero elements: an (n, ndim) tensor, or one 1-D tensor
    per dim (``as_tuple``; a 0-d input counts as 1-D)."""
    if not as_tuple:
        return call(G.nonzero, (input,))
    data = input._data
    return tuple(wrap(i) for i in np.nonzero(data.reshape(data.shape or (1,))))


__all__ = ["gather", "index_add", "index_copy", "index_fill", "index_select", "masked_fill",
           "masked_scatter", "masked_select", "nonzero", "scatter", "scatter_add",
           "scatter_reduce", "take", "take_along_dim"]
#: names exported as chainrule.nn.functional.<name>
NN_ALL: list = []
#: Tensor methods this module provides (name -> function taking the tensor first)
METHODS = {name: globals()[name] for name in __all__ + [
    "scatter_", "scatter_add_", "scatter_reduce_", "index_add_", "index_copy_", "index_fill_",
    "masked_fill_", "masked_scatter_"]}
