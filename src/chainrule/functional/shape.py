"""Shape functions at the public edge: argument parsing and PyTorch's errors, then primitives."""
from __future__ import annotations

import math
import warnings

from .._dispatch import call
from .._tensor import Size, Tensor, _wrap_dim
from ..primitives import shape as S


def _sizes(args: tuple) -> tuple:
    """Sizes given as varargs or as one sequence."""
    if len(args) == 1 and isinstance(args[0], (tuple, list, Size)):
        return tuple(args[0])
    return tuple(args)


def _infer_shape(shape: tuple, numel: int) -> tuple:
    """``shape`` with a single -1 inferred, or PyTorch's error."""
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = math.prod(s for s in shape if s != -1)
    if -1 in shape:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape = tuple(numel // known if s == -1 else s for s in shape)
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return shape


def _viewable(input: Tensor, shape: tuple) -> bool:
    """True if ``shape`` can alias ``input``'s storage (no copy needed)."""
    probe = input._data.view() if hasattr(input._data, "view") else input._data
    try:
        probe.shape = shape
    except (AttributeError, ValueError):
        return False
    return True


def view(input: Tensor, *shape) -> Tensor:
    """Returns a new tensor with the same data and a different shape (no copy)."""
    shape = _infer_shape(_sizes(shape), input._data.size)
    if input._data.ndim and not _viewable(input, shape):
        raise RuntimeError(
            "view size is not compatible with input tensor's size and stride (at least one "
            "dimension spans across two contiguous subspaces). Use .reshape(...) instead.")
    return call(S.view, (input,), {"shape": shape})


def reshape(input: Tensor, *shape) -> Tensor:
    """Returns a tensor with the data of ``input`` and the given shape (a view if possible)."""
    shape = _infer_shape(_sizes(shape), input._data.size)
    if input._data.ndim == 0 or input.is_contiguous():
        return call(S.view, (input,), {"shape": shape})
    if _viewable(input, shape):
        return call(S.reshape_alias, (input,), {"shape": shape})
    return call(S.unsafe_view, (input.clone(),), {"shape": shape})


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Flattens ``input`` by reshaping dims ``start_dim``..``end_dim`` into one."""
    shape = input._data.shape
    if not shape:
        return reshape(input, (1,))
    start, end = _wrap_dim(start_dim, len(shape)), _wrap_dim(end_dim, len(shape))
    if start > end:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if start == end:
        return input
    return reshape(input, shape[:start] + (math.prod(shape[start:end + 1]),) + shape[end + 1:])


def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """Returns ``input`` with dims ``dim0`` and ``dim1`` swapped."""
    n = input._data.ndim
    d0, d1 = _wrap_dim(dim0, n), _wrap_dim(dim1, n)
    return call(S.transpose, (input,), {"dim0": d0, "dim1": d1})


def t(input: Tensor) -> Tensor:
    """Transposes a tensor of at most 2 dims (0-d and 1-d are returned as is)."""
    if input._data.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is "
                           f"{input._data.ndim}D")
    return call(S.t, (input,))


def permute(input: Tensor, *dims) -> Tensor:
    """Returns a view of ``input`` with its dims permuted."""
    dims = _sizes(dims)
    n = input._data.ndim
    if len(dims) != n:
        raise RuntimeError(
            "permute(sparse_coo): number of dimensions in the tensor input does not match the "
            f"length of the desired ordering of dimensions i.e. input.dim() = {n} is not equal "
            f"to len(dims) = {len(dims)}")
    dims = tuple(_wrap_dim(d, n) for d in dims)
    if len(set(dims)) != n:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return call(S.permute, (input,), {"dims": dims})


def T(input: Tensor) -> Tensor:
    """``input`` with all dims reversed (``tensor.T``)."""
    n = input._data.ndim
    if n != 2:
        warnings.warn(
            "The use of `x.T` on tensors of dimension other than 2 to reverse their shape is "
            "deprecated and it will throw an error in a future release. Consider `x.mT` to "
            "transpose batches of matrices or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` "
            "to reverse the dimensions of a tensor.", UserWarning, stacklevel=2)
    return call(S.permute, (input,), {"dims": tuple(range(n - 1, -1, -1))})


def mT(input: Tensor) -> Tensor:
    """``input`` with its last two dims swapped (``tensor.mT``)."""
    if input._data.ndim < 2:
        raise RuntimeError("tensor.mT is only supported on matrices or batches of matrices. "
                           f"Got {input._data.ndim}-D tensor.")
    return transpose(input, -2, -1)


def squeeze(input: Tensor, dim=None) -> Tensor:
    """Removes dims of size 1 (all of them, or those among ``dim``)."""
    shape = input._data.shape
    if dim is None:
        return call(S.squeeze, (input,), {"shape": tuple(s for s in shape if s != 1)})
    prim = S.squeeze_dims if isinstance(dim, (tuple, list)) else S.squeeze_dim
    dims = {_wrap_dim(d, len(shape)) for d in (dim if isinstance(dim, (tuple, list)) else (dim,))}
    new = tuple(s for i, s in enumerate(shape) if not (i in dims and s == 1))
    return call(prim, (input,), {"shape": new})


def unsqueeze(input: Tensor, dim: int) -> Tensor:
    """Returns a view of ``input`` with a dim of size one inserted at ``dim``."""
    shape = input._data.shape
    n = len(shape) + 1
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], "
                         f"but got {dim})")
    d = dim % n
    return call(S.unsqueeze, (input,), {"shape": shape[:d] + (1,) + shape[d:]})


def expand(input: Tensor, *sizes) -> Tensor:
    """Returns a broadcast view of ``input`` with singleton dims expanded to ``sizes``."""
    sizes = _sizes(sizes)
    shape = input._data.shape
    if len(sizes) < len(shape):
        raise RuntimeError(
            f"expand(torch.{input._dtype.c_name}Tensor{{{list(shape)}}}, size={list(sizes)}): "
            f"the number of sizes provided ({len(sizes)}) must be greater or equal to the "
            f"number of dimensions in the tensor ({len(shape)})")
    lead = len(sizes) - len(shape)
    target = []
    for i, s in enumerate(sizes):
        have = shape[i - lead] if i >= lead else None
        if s == -1:
            if have is None:
                raise RuntimeError(f"The expanded size of the tensor (-1) isn't allowed in a "
                                   f"leading, non-existing dimension {i}")
            s = have
        elif have is not None and have != 1 and have != s:
            raise RuntimeError(
                f"The expanded size of the tensor ({s}) must match the existing size ({have}) "
                f"at non-singleton dimension {i}.  Target sizes: {list(sizes)}.  Tensor sizes: "
                f"{list(shape)}")
        target.append(s)
    return call(S.expand, (input,), {"shape": tuple(target)})


def expand_as(input: Tensor, other: Tensor) -> Tensor:
    """Expands ``input`` to the size of ``other``."""
    return expand(input, other._data.shape)



__all__ = ["expand", "expand_as", "flatten", "permute", "reshape", "squeeze", "t", "transpose",
           "unsqueeze", "view"]

#: Tensor methods and properties this module provides.
METHODS = {
    "reshape": reshape, "view": view, "flatten": flatten, "transpose": transpose, "t": t,
    "permute": permute, "squeeze": squeeze, "unsqueeze": unsqueeze, "expand": expand,
    "expand_as": expand_as,
}
PROPERTIES = {"T": T, "mT": mT}
