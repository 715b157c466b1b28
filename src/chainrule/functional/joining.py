"""Joining, splitting and rearranging tensors at the public edge: PyTorch's argument
parsing and errors, then one primitive, or the composite PyTorch builds.

Views (``narrow``, ``select``, ``movedim``, ``swapaxes``, ``diagonal``, ``unflatten``,
``broadcast_to`` and the outputs of ``split``/``chunk``/``unbind``) share their
input's storage, as in PyTorch.
"""
from __future__ import annotations

import numpy as np

from .._dispatch import call, call_inplace, wrap
from .._tensor import Size, Tensor, _wrap_dim
from ..primitives import indexing as I
from ..primitives import joining as J
from ..primitives import shape as S
from . import shape as F
from .gather import index_select
from .math import clone


def _list(args: tuple) -> tuple:
    """Sizes given as varargs or as one sequence."""
    if len(args) == 1 and isinstance(args[0], (tuple, list, Size)):
        return tuple(args[0])
    return tuple(args)


def _dims(dims) -> tuple:
    """An int or a sequence of ints as a tuple."""
    return tuple(dims) if isinstance(dims, (tuple, list, Size)) else (dims,)


def _wrap_strict(dim: int, ndim: int) -> int:
    """``dim`` wrapped without treating a 0-d tensor as 1-d (PyTorch's wrap_scalar=False)."""
    if ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    return _wrap_dim(dim, ndim)


def _tensor_list(tensors, fname: str) -> list:
    """``tensors`` as a list of Tensors, with PyTorch's argument errors."""
    if not isinstance(tensors, (tuple, list)):
        raise TypeError(f"{fname}(): argument 'tensors' (position 1) must be tuple of Tensors, "
                        f"not {type(tensors).__name__}")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got "
                            f"{type(t).__name__}")
    return list(tensors)


# -- joining ------------------------------------------------------------------------------------


def _skipped(t: Tensor) -> bool:
    """PyTorch's legacy rule: a 1-D empty tensor joins any cat (and is left out)."""
    return t._data.shape == (0,)


def _check_cat(tensors: list, dim: int) -> tuple:
    """(wrapped dim, per-input sizes along it, None for a skipped input), or PyTorch's error."""
    for i, t in enumerate(tensors):
        if t._data.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    kept = [i for i, t in enumerate(tensors) if not _skipped(t)]
    if not kept:
        return dim, (None,) * len(tensors)
    first = tensors[kept[0]]._data.shape
    dim = _wrap_dim(dim, len(first))
    for i in kept:
        shape = tensors[i]._data.shape
        if len(shape) != len(first):
            raise RuntimeError(f"Tensors must have same number of dimensions: got {len(first)} "
                               f"and {len(shape)}")
        for d, (a, b) in enumerate(zip(first, shape)):
            if d != dim and a != b:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {dim}. Expected size {a} "
                    f"but got size {b} for tensor number {i} in the list.")
    return dim, tuple(None if _skipped(t) else t._data.shape[dim] for t in tensors)


def cat(tensors, dim: int = 0, *, out=None) -> Tensor:
    """Concatenates ``tensors`` along ``dim`` (dtypes promote as PyTorch's)."""
    tensors = _tensor_list(tensors, "cat")
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    if not isinstance(dim, (int, np.integer)):
        raise TypeError(f"cat(): argument 'dim' (position 2) must be int, not "
                        f"{type(dim).__name__}")
    axis, sizes = _check_cat(tensors, int(dim))
    if all(n is None for n in sizes):  # only legacy empties: an empty 1-D result
        axis, sizes = 0, (0,) * len(tensors)
    return call(J.cat, tuple(tensors), {"axis": axis, "sizes": sizes})


def concat(tensors, dim: int = 0, *, out=None) -> Tensor:
    """Alias of :func:`cat`."""
    return cat(tensors, dim)


def concatenate(tensors, axis: int = 0, out=None) -> Tensor:
    """Alias of :func:`cat` (NumPy's name and ``axis``)."""
    return cat(tensors, axis)


def stack(tensors, dim: int = 0, *, out=None) -> Tensor:
    """Joins equally shaped ``tensors`` along a new dim ``dim``."""
    tensors = _tensor_list(tensors, "stack")
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    shape = tensors[0]._data.shape
    axis = _wrap_dim(dim, len(shape) + 1)
    for i, t in enumerate(tensors[1:], 1):
        if t._data.shape != shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got "
                               f"{list(shape)} at entry 0 and {list(t._data.shape)} at entry {i}")
    return call(J.stack, tuple(tensors), {"axis": axis})


def _atleast(t: Tensor, ndim: int) -> Tensor:
    """``t`` with at least ``ndim`` (1 or 2) dims, as atleast_1d/atleast_2d make it."""
    if t._data.ndim == 0:
        return F.reshape(t, (1,) * ndim)
    if t._data.ndim == 1 and ndim == 2:
        return F.unsqueeze(t, 0)
    return t


def hstack(tensors, *, out=None) -> Tensor:
    """Stacks ``tensors`` column-wise: cat along dim 1 (dim 0 for 1-D ones)."""
    tensors = _tensor_list(tensors, "hstack")
    if not tensors:
        raise RuntimeError("hstack expects a non-empty TensorList")
    parts = [_atleast(t, 1) for t in tensors]
    return cat(parts, 0 if parts[0]._data.ndim == 1 else 1)


def vstack(tensors, *, out=None) -> Tensor:
    """Stacks ``tensors`` row-wise: cat along dim 0 of their 2-D (at least) forms."""
    tensors = _tensor_list(tensors, "vstack")
    if not tensors:
        raise RuntimeError("vstack expects a non-empty TensorList")
    return cat([_atleast(t, 2) for t in tensors], 0)


# -- splitting (outputs are views) --------------------------------------------------------------


def _split_size(input: Tensor, split_size: int, dim: int) -> tuple:
    """Split into pieces of ``split_size`` (the last one smaller), checked as PyTorch checks."""
    if input._data.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    if split_size < 0:
        raise RuntimeError(f"split expects split_size be non-negative, but got "
                           f"split_size={split_size}")
    axis = _wrap_dim(dim, input._data.ndim)
    n = input._data.shape[axis]
    if split_size == 0 and n != 0:
        raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension "
                           f"size of {n}")
    count = max(-(-n // split_size), 1) if split_size else 1
    sizes = (split_size,) * (count - 1) + (n - split_size * (count - 1),)
    return call(J.split, (input,), {"axis": axis, "sizes": sizes})


def split_with_sizes(input: Tensor, split_sizes, dim: int = 0) -> tuple:
    """Split ``input`` along ``dim`` into pieces of the given sizes."""
    if input._data.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    sizes = tuple(int(s) for s in split_sizes)
    axis = _wrap_dim(dim, input._data.ndim)
    if any(s < 0 for s in sizes):
        raise RuntimeError(f"split_with_sizes expects split_sizes have only non-negative entries, "
                           f"but got split_sizes={list(sizes)}")
    n = input._data.shape[axis]
    if sum(sizes) != n:
        raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} (input "
                           f"tensor's size at dimension {dim}), but got split_sizes={list(sizes)}")
    return call(J.split_with_sizes, (input,), {"axis": axis, "sizes": sizes})


def split(tensor: Tensor, split_size_or_sections, dim: int = 0) -> tuple:
    """Splits ``tensor`` into chunks of one size (an int) or of the given sizes (a list)."""
    size = split_size_or_sections
    if isinstance(size, Tensor):
        size = int(size) if size._data.ndim == 0 else size.tolist()
    if isinstance(size, (int, np.integer)):
        return _split_size(tensor, int(size), dim)
    if not isinstance(size, (tuple, list, Size)):
        raise TypeError(f"split_with_sizes(): argument 'split_sizes' (position 2) must be tuple "
                        f"of ints, not {type(size).__name__}")
    return split_with_sizes(tensor, size, dim)


def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple:
    """Splits ``input`` into at most ``chunks`` pieces of equal size (the last may be smaller)."""
    if input._data.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    n = input._data.shape[_wrap_dim(dim, input._data.ndim)]
    size = -(-n // chunks)
    if size == 0 and n == 0:  # keep the number of (empty) chunks
        return split_with_sizes(input, (0,) * chunks, dim)
    return _split_size(input, size, dim)


def unbind(input: Tensor, dim: int = 0) -> tuple:
    """Removes dim ``dim``, returning each slice along it (views)."""
    axis = _wrap_strict(dim, input._data.ndim)
    if input._data.shape[axis] == 0:
        return ()
    return call(J.unbind, (input,), {"axis": axis})


def _index_arg(value, what: str) -> int:
    """An int argument that may be given as a 0-d integer tensor."""
    if isinstance(value, Tensor):
        if value._data.ndim != 0 or value._dtype.category != 1:
            raise RuntimeError(f"{what} must be an 0-dim integral Tensor.")
        return int(value._data)
    return int(value)


def narrow(input: Tensor, dim: int, start, length: int) -> Tensor:
    """The view of ``input`` from ``start`` to ``start + length`` along ``dim``."""
    if input._data.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    start = _index_arg(start, "start")
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    axis = _wrap_dim(dim, input._data.ndim)
    n = input._data.shape[axis]
    if not -n <= start <= n:
        raise IndexError(f"start out of range (expected to be in range of [{-n}, {n}], but got "
                         f"{start})")
    start = start + n if start < 0 else start
    if start + length > n:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({n}).")
    return call(I.slice, (input,), {"key": (slice(None),) * axis + (slice(start, start + length),)})


def select(input: Tensor, dim: int, index) -> Tensor:
    """The view of ``input`` at ``index`` along ``dim`` (that dim removed)."""
    shape = input._data.shape
    if not shape:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    axis = _wrap_dim(dim, len(shape))
    index = _index_arg(index, "index")
    if not -shape[axis] <= index < shape[axis]:
        raise IndexError(f"select(): index {index} out of range for tensor of size {list(shape)} "
                         f"at dimension {axis}")
    return call(I.select, (input,), {"key": (slice(None),) * axis + (index % shape[axis],)})


# -- moving dims (views) -----------------------------------------------------------------------


def movedim(input: Tensor, source, destination) -> Tensor:
    """Moves the dims ``source`` to the positions ``destination`` (a permute view)."""
    src, dst = _dims(source), _dims(destination)
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({list(src)} "
                           f"dims) should contain the same number of dims as destination "
                           f"({list(dst)} dims)")
    n = input._data.ndim
    nsrc, ndst = [_wrap_dim(d, n) for d in src], [_wrap_dim(d, n) for d in dst]
    if len(set(nsrc)) != len(nsrc):
        raise RuntimeError(f"movedim: repeated dim in `source` ({list(src)})")
    if len(set(ndst)) != len(ndst):
        raise RuntimeError(f"movedim: repeated dim in `destination` ({list(dst)})")
    if n == 0:
        return call(S.alias, (input,))
    order = [-1] * n
    for s, d in zip(nsrc, ndst):
        order[d] = s
    rest = iter(d for d in range(n) if d not in nsrc)
    order = [o if o != -1 else next(rest) for o in order]
    return F.permute(input, tuple(order))


def moveaxis(input: Tensor, source, destination) -> Tensor:
    """Alias of :func:`movedim`."""
    return movedim(input, source, destination)


def swapaxes(input: Tensor, axis0: int, axis1: int) -> Tensor:
    """Alias of ``transpose``: swaps dims ``axis0`` and ``axis1`` (a view)."""
    return F.transpose(input, axis0, axis1)


def swapdims(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """Alias of ``transpose``: swaps dims ``dim0`` and ``dim1`` (a view)."""
    return F.transpose(input, dim0, dim1)


def unflatten(input: Tensor, dim: int, sizes) -> Tensor:
    """Expands dim ``dim`` of ``input`` into ``sizes`` (one may be -1): a view."""
    sizes = tuple(sizes)
    shape = input._data.shape
    d = _wrap_dim(dim, len(shape))
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    if not shape:
        raise RuntimeError(f"unflatten got an unexpected error:\nDimension specified as {dim} "
                           "but tensor has no dimensions")
    try:
        new = F._infer_shape(sizes, shape[d])
    except RuntimeError as err:
        if str(err).startswith("shape '["):
            raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to "
                               f"the size of dim {dim} ({shape[d]}) in the input tensor") from None
        raise RuntimeError(f"unflatten got an unexpected error:\n{err}") from None
    return F.view(input, shape[:d] + new + shape[d + 1:])


def broadcast_to(input: Tensor, size) -> Tensor:
    """``input`` broadcast to ``size`` (an expand view)."""
    return F.expand(input, _dims(size))


# -- copies that repeat or rearrange elements ---------------------------------------------------


def repeat(input: Tensor, *sizes) -> Tensor:
    """``input`` repeated ``sizes[i]`` times along each dim (leading dims added)."""
    reps = _list(sizes)
    shape = input._data.shape
    if len(reps) < len(shape):
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number "
                           "of dimensions of tensor")
    padded = (1,) * (len(reps) - len(shape)) + shape
    target = [s * r for s, r in zip(padded, reps)]
    for s in target:
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {target}")
    return call(J.repeat, (input,), {"reps": tuple(int(r) for r in reps)})


def tile(input: Tensor, dims) -> Tensor:
    """``input`` repeated along each dim; ``dims`` is padded with leading 1s (NumPy's tile)."""
    if not isinstance(dims, (tuple, list, Size)):
        raise TypeError(f"tile(): argument 'dims' (position 2) must be tuple of ints, not "
                        f"{type(dims).__name__}")
    return repeat(input, (1,) * (input._data.ndim - len(dims)) + tuple(dims))


def _tile_method(input: Tensor, *dims) -> Tensor:
    """``Tensor.tile``: the dims as varargs or one sequence."""
    return tile(input, _list(dims))


def _interleave_index(input: Tensor, repeats: Tensor, dim: int) -> np.ndarray:
    """The index_select index that repeats element i of dim ``dim`` repeats[i] times."""
    if repeats._dtype.category != 1:
        raise NotImplementedError(f"\"repeat_interleave_cpu\" not implemented for "
                                  f"'{repeats._dtype.c_name.replace('Tensor', '')}'")
    r = repeats._data
    n = input._data.shape[dim]
    if r.ndim > 1:
        raise RuntimeError("repeats must be 0-dim or 1-dim tensor")
    if r.ndim == 0 or r.shape == (1,):
        r = np.broadcast_to(r.reshape(1), (n,))
    elif r.shape[0] != n:
        raise RuntimeError(f"repeats must have the same size as input along dim, but got "
                           f"repeats.size(0) = {r.shape[0]} and input.size({dim}) = {n}")
    if (r < 0).any():
        raise RuntimeError("repeats can not be negative")
    return np.repeat(np.arange(n), r)


def repeat_interleave(input: Tensor, repeats, dim=None, *, output_size=None) -> Tensor:
    """Repeats each element of ``input`` (along ``dim``; flattened when None) ``repeats`` times."""
    if dim is None:
        input, dim = F.flatten(input), 0
    axis = _wrap_dim(dim, input._data.ndim)
    if isinstance(repeats, Tensor):
        index = _interleave_index(input, repeats, axis)
        return index_select(input, axis, wrap(index))
    if repeats < 0:
        raise RuntimeError("Repeats must be non-negative")
    t = F.unsqueeze(input, axis + 1)
    shape = list(t._data.shape)
    shape[axis + 1] = repeats
    return F.flatten(clone(F.expand(t, shape)), axis, axis + 1)


def flip(input: Tensor, dims) -> Tensor:
    """``input`` with the order of elements reversed along ``dims`` (a copy)."""
    n = input._data.ndim
    axes = tuple(_wrap_dim(d, n) for d in _dims(dims))
    for d in axes:
        if axes.count(d) > 1:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    return call(J.flip, (input,), {"axis": axes if n else ()})


def _flip_method(input: Tensor, *dims) -> Tensor:
    """``Tensor.flip``: the dims as varargs or one sequence."""
    return flip(input, _list(dims))


def roll(input: Tensor, shifts, dims=None) -> Tensor:
    """``input`` rolled by ``shifts`` along ``dims`` (flattened when None), wrapping around."""
    shifts = _dims(shifts)
    dims = () if dims is None else _dims(dims)
    if not shifts:
        raise RuntimeError("`shifts` required")
    if len(shifts) != len(dims) and not (not dims and len(shifts) == 1):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, "
                           f"dims:{len(dims)}")
    n = input._data.ndim
    axis = tuple(_wrap_strict(d, n) for d in dims) if dims else None
    return call(J.roll, (input,), {"shift": tuple(int(s) for s in shifts), "axis": axis})


def rot90(input: Tensor, k: int = 1, dims=(0, 1)) -> Tensor:
    """``input`` rotated by 90 degrees ``k`` times in the plane of ``dims`` (dims[0] toward dims[1])."""
    dims = tuple(dims)
    n = input._data.ndim
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if n < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {n}")
    if dims[0] == dims[1] or abs(dims[0] - dims[1]) == n:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {dims[0]} "
                           f"and dim1 = {dims[1]}")
    axes = (_wrap_dim(dims[0], n), _wrap_dim(dims[1], n))
    return call(J.rot90, (input,), {"k": k % 4, "axes": axes})


# -- triangles and diagonals ---------------------------------------------------------------------


def _triangle(prim, name: str):
    def fn(input: Tensor, diagonal: int = 0, *, out=None) -> Tensor:
        if input._data.ndim < 2:
            raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
        return call(prim, (input,), {"k": diagonal})

    def inplace(input: Tensor, diagonal: int = 0) -> Tensor:
        if input._data.ndim < 2:
            raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
        return call_inplace(prim, (input,), {"k": diagonal})
    side = "lower" if name == "tril" else "upper"
    fn.__name__, inplace.__name__ = name, name + "_"
    fn.__doc__ = f"The {side} triangle of the last two dims of ``input`` (others zeroed)."
    inplace.__doc__ = f"In-place version of :func:`{name}`."
    return fn, inplace


tril, tril_ = _triangle(J.tril, "tril")
triu, triu_ = _triangle(J.triu, "triu")


def _diagonal_key(shape: tuple, offset: int, axis1: int, axis2: int) -> tuple:
    """Index arrays locating the ``offset`` diagonal of dims (axis1, axis2) in ``shape``,
    shaped as that diagonal: the other dims in order, then the diagonal."""
    others = [d for d in range(len(shape)) if d not in (axis1, axis2)]
    n = max(0, min(shape[axis1] - max(-offset, 0), shape[axis2] - max(offset, 0)))
    rank = len(others) + 1
    key = [None] * len(shape)
    for p, d in enumerate(others):
        key[d] = np.arange(shape[d]).reshape([-1 if i == p else 1 for i in range(rank)])
    diag = np.arange(n).reshape((1,) * (rank - 1) + (n,))
    key[axis1], key[axis2] = diag + max(-offset, 0), diag + max(offset, 0)
    return tuple(key)


def _diag_dims(dim1: int, dim2: int, ndim: int) -> tuple:
    """Wrapped, distinct diagonal dims, or PyTorch's error."""
    a, b = _wrap_dim(dim1, ndim), _wrap_dim(dim2, ndim)
    if a == b:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return a, b


def diagonal(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """The ``offset`` diagonal of dims ``dim1``, ``dim2`` as a new last dim (a view)."""
    shape = input._data.shape
    a, b = _diag_dims(dim1, dim2, len(shape))
    key = _diagonal_key(shape, offset, a, b)
    return call(J.diagonal, (input,), {"offset": offset, "axis1": a, "axis2": b, "key": key})


def diag_embed(input: Tensor, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """A tensor whose ``offset`` diagonals of dims (dim1, dim2) are the last dim of ``input``."""
    shape = input._data.shape
    a, b = _diag_dims(dim1, dim2, len(shape) + 1)
    n = (shape[-1] if shape else 1) + abs(offset)
    rest = iter(shape[:-1])
    out_shape = tuple(n if d in (a, b) else next(rest) for d in range(len(shape) + 1))
    key = _diagonal_key(out_shape, offset, a, b)
    return call(J.diag_embed, (input,), {"shape": out_shape, "key": key})


def diag(input: Tensor, diagonal: int = 0, *, out=None) -> Tensor:
    """A 1-D input as the ``diagonal`` of a square matrix, or a 2-D input's diagonal (a copy)."""
    ndim = input._data.ndim
    if ndim not in (1, 2):
        raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {ndim}D")
    if ndim == 1:
        return diag_embed(input, diagonal)
    key = _diagonal_key(input._data.shape, diagonal, 0, 1)
    return call(J.diagonal_copy, (input,), {"key": key})


__all__ = ["broadcast_to", "cat", "chunk", "concat", "concatenate", "diag", "diag_embed",
           "diagonal", "flip", "hstack", "moveaxis", "movedim", "narrow", "repeat_interleave",
           "roll", "rot90", "select", "split", "split_with_sizes", "stack", "swapaxes",
           "swapdims", "tile", "tril", "triu", "unbind", "unflatten", "vstack"]
#: names exported as chainrule.nn.functional.<name>
NN_ALL: list = []
#: Tensor methods this module provides (name -> function taking the tensor first)
METHODS = {
    "broadcast_to": broadcast_to, "chunk": chunk, "diag": diag, "diag_embed": diag_embed,
    "diagonal": diagonal, "flip": _flip_method, "moveaxis": moveaxis, "movedim": movedim,
    "narrow": narrow, "repeat": repeat, "repeat_interleave": repeat_interleave, "roll": roll,
    "rot90": rot90, "select": select, "split": split, "split_with_sizes": split_with_sizes,
    "swapaxes": swapaxes, "swapdims": swapdims, "tile": _tile_method, "tril": tril,
    "tril_": tril_, "triu": triu, "triu_": triu_, "unbind": unbind, "unflatten": unflatten,
}
