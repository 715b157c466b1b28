"""Reductions at the public edge: dim parsing, PyTorch's dtype rules, errors and return types.

``sum`` and ``mean`` live in ``math.py``; everything else that reduces, scans, sorts or
selects along dims is here.
"""
from __future__ import annotations

import math
import warnings

from .. import _dtype
from .._dispatch import call
from .._tensor import Tensor, _wrap_dim
from ..primitives import reduction as R
from ..primitives import sorting as S
from . import elementwise as _elementwise
from . import linalg as _linalg

_FLOAT = _dtype._FLOAT

# -- return types -------------------------------------------------------------------------------


class _ReturnType(tuple):
    """A ``(values, indices)`` pair, shown as PyTorch shows ``torch.return_types.<name>``."""

    __slots__ = ()
    _name = ""

    def __new__(cls, values: Tensor, indices: Tensor) -> "_ReturnType":
        return tuple.__new__(cls, (values, indices))

    @property
    def values(self) -> Tensor:
        """The selected values (differentiable)."""
        return self[0]

    @property
    def indices(self) -> Tensor:
        """Their int64 indices along the dim."""
        return self[1]

    def __repr__(self) -> str:
        return f"torch.return_types.{self._name}(\nvalues={self[0]!r},\nindices={self[1]!r})"


def _return_type(name: str) -> type:
    """The ``(values, indices)`` class that ``name`` returns."""
    return type(name, (_ReturnType,), {"__slots__": (), "_name": name,
                                        "__doc__": f"What ``{name}`` returns: values, indices."})


_MAX, _MIN, _MEDIAN = _return_type("max"), _return_type("min"), _return_type("median")
_MODE, _KTHVALUE = _return_type("mode"), _return_type("kthvalue")
_SORT, _TOPK = _return_type("sort"), _return_type("topk")

# -- dims and checks ----------------------------------------------------------------------------


def _axes(dim, ndim: int) -> tuple:
    """``dim`` (an int or a sequence) as sorted non-negative axes; ``()`` for a 0-d input."""
    dims = tuple(dim) if isinstance(dim, (tuple, list)) else (dim,)
    axes = [_wrap_dim(d, ndim) for d in dims]
    for i, a in enumerate(axes):
        if a in axes[:i]:
            raise RuntimeError(f"dim {a} appears multiple times in the list of dims")
    return tuple(sorted(axes)) if ndim else ()


def _every(dim) -> bool:
    """Whether ``dim`` asks for every dim (None, or an empty sequence)."""
    return dim is None or (isinstance(dim, (tuple, list)) and len(dim) == 0)


def _nonempty(name: str, input: Tensor, axes) -> None:
    """PyTorch's IndexError for reducing a size-0 dim of an op with no identity."""
    for a in axes:
        if input._data.shape[a] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {a} to have non-zero size.")


def _needs_dim(name: str, input: Tensor, exc: type = RuntimeError, hint: bool = True) -> None:
    """PyTorch's error for reducing every element of an empty tensor with no identity."""
    if input._data.size == 0:
        tail = " Specify the reduction dim with the 'dim' argument." if hint else ""
        raise exc(f"{name}(): Expected reduction dim to be specified for input.numel() == 0.{tail}")


def _integral_dtype(input: Tensor, dtype):
    """The NumPy dtype to accumulate in: ``dtype``, or int64 for integer and bool inputs."""
    if dtype is None and input._dtype.category != _FLOAT:
        dtype = _dtype.int64
    return None if dtype is None else dtype.np


def _one_dim(name: str, dim) -> None:
    """PyTorch's TypeError where a single int dim is expected."""
    if not isinstance(dim, int) or isinstance(dim, bool):
        raise TypeError(f"{name}(): argument 'dim' must be int, not {type(dim).__name__}")


class _Required:
    """The default of an argument PyTorch requires (its parser words the error differently)."""

    def __repr__(self) -> str:
        return "<required>"


_REQUIRED = _Required()


def _given(name: str, **args) -> None:
    """PyTorch's TypeError for required arguments left out."""
    missing = [k for k, v in args.items() if v is _REQUIRED]
    if missing:
        raise TypeError(f"{name}() missing {len(missing)} required positional arguments: "
                        + ", ".join(f'"{k}"' for k in missing))


def _invalid(name: str, got: str) -> TypeError:
    """PyTorch's argument-parser error (first line)."""
    return TypeError(f"{name}() received an invalid combination of arguments - got ({got}), "
                     "but expected one of:")

# -- products -----------------------------------------------------------------------------------


def prod(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """Returns the product of all elements, or along one ``dim``; integers multiply in int64."""
    attrs = {"dtype": _integral_dtype(input, dtype)}
    if dim is None:
        return call(R.prod, (input,), attrs)
    if not isinstance(dim, int) or isinstance(dim, bool):
        raise _invalid("prod", f"Tensor, {type(dim).__name__}")
    ndim = input._data.ndim
    axis = _wrap_dim(dim, ndim)
    return call(R.prod_dim, (input,), {"axis": (axis,) if ndim else (), "keepdims": keepdim,
                                       **attrs})

# -- extrema ------------------------------------------------------------------------------------


def _extremum(name: str, input: Tensor, dim, keepdim, other) -> Tensor | _ReturnType:
    """``max``/``min``: of everything, along ``dim`` (values and indices), or of two tensors."""
    if isinstance(dim, Tensor):
        dim, other = None, dim
    if other is not None:  # elementwise: maximum/minimum, from the elementwise family
        pairwise = getattr(_elementwise, "maximum" if name == "max" else "minimum", None)
        if pairwise is None:
            raise NotImplementedError(f"{name}(input, other) needs the elementwise maximum and "
                                      "minimum, not implemented yet")
        return pairwise(input, other)
    if dim is None:
        if keepdim:
            raise _invalid(name, "Tensor, keepdim=bool")
        _needs_dim(name, input)
        return call(R.max_all if name == "max" else R.min_all, (input,))
    if not isinstance(dim, int) or isinstance(dim, bool):
        raise _invalid(name, f"Tensor, dim={type(dim).__name__}")
    axis = _wrap_dim(dim, input._data.ndim)
    if input._data.ndim:
        _nonempty(name, input, (axis,))
    find, pick = (S.argmax, S.max_dim) if name == "max" else (S.argmin, S.min_dim)
    indices = call(find, (input,), {"axis": axis if input._data.ndim else None,
                                    "keepdims": keepdim})
    return _selected(_MAX if name == "max" else _MIN, pick, input, indices, axis, keepdim)


def _selected(kind: type, pick, input: Tensor, indices: Tensor, axis: int,
              keepdim: bool) -> _ReturnType:
    """``kind(values, indices)``: ``input``'s values at ``indices`` (the ``pick`` node)."""
    values = call(pick, (input,), {"indices": indices._data, "axis": axis, "keepdims": keepdim})
    return kind(values, indices)


def max(input: Tensor, dim=None, keepdim: bool = False, *, other=None):
    """The maximum of all elements; ``(values, indices)`` along ``dim``; or, given another
    tensor, the elementwise maximum."""
    return _extremum("max", input, dim, keepdim, other)


def min(input: Tensor, dim=None, keepdim: bool = False, *, other=None):
    """The minimum of all elements; ``(values, indices)`` along ``dim``; or, given another
    tensor, the elementwise minimum."""
    return _extremum("min", input, dim, keepdim, other)


def _a_extremum(name: str, prim, input: Tensor, dim, keepdim: bool) -> Tensor:
    """``amax``/``amin`` over ``dim`` (every dim when None or empty)."""
    ndim = input._data.ndim
    if _every(dim):
        _needs_dim(name, input)
        axes = tuple(range(ndim))
    else:
        axes = _axes(dim, ndim)
        _nonempty(name, input, axes)
    return call(prim, (input,), {"axis": axes, "keepdims": keepdim})


def amax(input: Tensor, dim=(), keepdim: bool = False) -> Tensor:
    """The maximum over ``dim``; ties share the gradient evenly."""
    return _a_extremum("amax", R.amax, input, dim, keepdim)


def amin(input: Tensor, dim=(), keepdim: bool = False) -> Tensor:
    """The minimum over ``dim``; ties share the gradient evenly."""
    return _a_extremum("amin", R.amin, input, dim, keepdim)


def _arg_extremum(name: str, prim, input: Tensor, dim, keepdim: bool) -> Tensor:
    """``argmax``/``argmin``: of the flattened input, or along ``dim``."""
    if input._dtype is _dtype.bool_:
        raise RuntimeError(f"{name}(): does not support bool input")
    if dim is None:
        _needs_dim(name, input, IndexError, hint=False)
        return call(prim, (input,), {"axis": None, "keepdims": keepdim})
    axis = _wrap_dim(dim, input._data.ndim)
    if not input._data.ndim:
        return call(prim, (input,), {"axis": None, "keepdims": False})
    _nonempty(name, input, (axis,))
    return call(prim, (input,), {"axis": axis, "keepdims": keepdim})


def argmax(input: Tensor, dim=None, keepdim: bool = False) -> Tensor:
    """Index of the maximum (of the flattened input when ``dim`` is None)."""
    return _arg_extremum("argmax", S.argmax, input, dim, keepdim)


def argmin(input: Tensor, dim=None, keepdim: bool = False) -> Tensor:
    """Index of the minimum (of the flattened input when ``dim`` is None)."""
    return _arg_extremum("argmin", S.argmin, input, dim, keepdim)

# -- moments ------------------------------------------------------------------------------------

_DOF_WARNING = ("{}(): degrees of freedom is <= 0. Correction should be strictly less than the "
                "reduction factor (input numel divided by output numel).")


def _moment(name: str, prim, input: Tensor, dim, unbiased, keepdim: bool, correction):
    """var/std/var_mean/std_mean: PyTorch's overloads, dtype check and dof warning."""
    if isinstance(dim, bool):  # var(input, unbiased)
        dim, unbiased = None, dim
    if unbiased is not None and correction is not None:
        raise _invalid(name, "Tensor, unbiased=bool, correction=int")
    if input._dtype.category != _FLOAT:
        what = "std and var" if name in ("var", "std") else name
        raise RuntimeError(f"{what} only support floating point and complex dtypes")
    if correction is None:
        correction = 0 if unbiased is False else 1
    ndim = input._data.ndim
    axis = None if dim is None else _axes(dim, ndim)  # () reduces all, as None (see primitive)
    shape = input._data.shape
    out_numel = math.prod(n for i, n in enumerate(shape) if axis and i not in axis)
    n = input._data.size // out_numel if out_numel else 0
    if n - correction <= 0:
        warnings.warn(_DOF_WARNING.format(name), UserWarning, stacklevel=3)
    return call(prim, (input,), {"axis": axis, "correction": correction, "keepdims": keepdim})


def var(input: Tensor, dim=None, unbiased=None, keepdim: bool = False, *,
        correction=None) -> Tensor:
    """The variance over ``dim`` (all when None), with Bessel's ``correction`` (default 1)."""
    return _moment("var", R.var, input, dim, unbiased, keepdim, correction)


def std(input: Tensor, dim=None, unbiased=None, keepdim: bool = False, *,
        correction=None) -> Tensor:
    """The standard deviation over ``dim`` (all when None), with ``correction`` (default 1)."""
    return _moment("std", R.std, input, dim, unbiased, keepdim, correction)


def var_mean(input: Tensor, dim=None, unbiased=None, keepdim: bool = False, *,
             correction=None) -> tuple:
    """``(var, mean)`` over ``dim``, from one node."""
    return _moment("var_mean", R.var_mean, input, dim, unbiased, keepdim, correction)


def std_mean(input: Tensor, dim=None, unbiased=None, keepdim: bool = False, *,
             correction=None) -> tuple:
    """``(std, mean)`` over ``dim``, from one node."""
    return _moment("std_mean", R.std_mean, input, dim, unbiased, keepdim, correction)

# -- log-sum-exp and norms ----------------------------------------------------------------------


def logsumexp(input: Tensor, dim=_REQUIRED, keepdim: bool = False) -> Tensor:
    """log(sum(exp(input))) over ``dim``, computed stably; integers give floats."""
    _given("logsumexp", dim=dim)
    ndim = input._data.ndim
    if isinstance(dim, (tuple, list)) and not dim and ndim and not keepdim:
        raise RuntimeError("output with shape [] doesn't match the broadcast shape "
                           f"[{', '.join(['1'] * ndim)}]")
    axes = tuple(range(ndim)) if _every(dim) else _axes(dim, ndim)
    return call(R.logsumexp, (input,), {"axis": axes, "keepdims": keepdim})


def _vector_norm(input: Tensor, ord, dim, keepdim: bool, dtype) -> Tensor:
    """linalg.vector_norm: (sum |x|^ord)^(1/ord) over ``dim`` (all when None or empty)."""
    if input._dtype.category != _FLOAT:
        raise RuntimeError("linalg.vector_norm: Expected a floating point or complex tensor as "
                           f"input. Got {input._dtype.c_name}")
    if dtype is not None and dtype.category != _FLOAT:
        raise RuntimeError("linalg.vector_norm: dtype should be floating point or complex, but "
                           f"got {dtype.c_name}")
    if dtype is not None and _dtype.promote_types(input._dtype, dtype) is not dtype:
        raise RuntimeError(f"linalg.vector_norm: the dtype of the input ({input._dtype.c_name}) "
                           "should be convertible without narrowing to the specified dtype "
                           f"({dtype.c_name})")
    ord = float(ord)
    axes = None if _every(dim) else _axes(dim, input._data.ndim)
    if math.isinf(ord) and input._data.size == 0:
        where = "an empty tensor because" if axes is None else None
        for a in axes or ():
            if input._data.shape[a] == 0 and where is None:
                where = f"the dimension {a}because this dimension is empty and"
        if where is not None:
            raise RuntimeError(f"linalg.vector_norm cannot compute the {ord:g} norm on {where} "
                               "the operation does not have an identity")
    return call(R.vector_norm, (input,), {"ord": ord, "axis": axes, "keepdims": keepdim,
                                          "dtype": None if dtype is None else dtype.np})


def norm(input: Tensor, p="fro", dim=None, keepdim: bool = False, out=None, dtype=None) -> Tensor:
    """The vector norm of order ``p`` over ``dim`` ('fro' is the 2-norm), as PyTorch's
    ``torch.norm`` routes it to ``linalg.vector_norm``; 'nuc' is a matrix norm."""
    if out is not None:
        raise NotImplementedError("norm(out=...) is not implemented")
    if not isinstance(p, str):
        return _vector_norm(input, 2.0 if p is None else p, dim, keepdim, dtype)
    if p == "fro" and (dim is None or isinstance(dim, int) or len(dim) <= 2):
        return _vector_norm(input, 2.0, dim, keepdim, dtype)
    dims = list(range(input._data.ndim)) if dim is None else dim
    if p not in ("fro", "nuc"):
        raise RuntimeError(f"linalg.matrix_norm: Order {p} not supported.")
    if len(dims) != 2:
        raise RuntimeError("linalg.matrix_norm: dim must be a 2-tuple. Got "
                           + " ".join(str(d) for d in dims))
    matrix_norm = getattr(_linalg, "matrix_norm", None)  # the linalg family's, once it has one
    if matrix_norm is None:
        raise NotImplementedError(f"norm(p={p!r}) needs linalg.matrix_norm, not implemented yet")
    return matrix_norm(input, p, dims, keepdim, dtype=dtype)

# -- scans --------------------------------------------------------------------------------------


def _scan(name: str, prim, input: Tensor, dim, dtype) -> Tensor:
    """cumsum/cumprod along one ``dim``; integers and bools in int64 unless ``dtype``."""
    _given(name, dim=dim)
    _one_dim(name, dim)
    axis = _wrap_dim(dim, input._data.ndim)
    return call(prim, (input,), {"axis": axis, "dtype": _integral_dtype(input, dtype)})


def cumsum(input: Tensor, dim: int = _REQUIRED, *, dtype=None) -> Tensor:
    """Cumulative sums along ``dim``; integers and bools sum in int64."""
    return _scan("cumsum", R.cumsum, input, dim, dtype)


def cumprod(input: Tensor, dim: int = _REQUIRED, *, dtype=None) -> Tensor:
    """Cumulative products along ``dim``; integers and bools multiply in int64."""
    return _scan("cumprod", R.cumprod, input, dim, dtype)

# -- truth tests and counts ---------------------------------------------------------------------


def _truth(prim, input: Tensor, dim, keepdim: bool) -> Tensor:
    """all/any over ``dim``: None tests every element together, an empty dim list each
    element on its own (as PyTorch's)."""
    axis = None if dim is None else _axes(dim, input._data.ndim)
    return call(prim, (input,), {"axis": axis, "keepdims": keepdim})


def all(input: Tensor, dim=None, keepdim: bool = False) -> Tensor:
    """Whether every element (over ``dim``) is nonzero: bool (uint8 for uint8 input)."""
    return _truth(R.reduce_all, input, dim, keepdim)


def any(input: Tensor, dim=None, keepdim: bool = False) -> Tensor:
    """Whether any element (over ``dim``) is nonzero: bool (uint8 for uint8 input)."""
    return _truth(R.reduce_any, input, dim, keepdim)


def count_nonzero(input: Tensor, dim=None) -> Tensor:
    """The number of nonzero elements (over ``dim``), as int64."""
    axis = None if _every(dim) else _axes(dim, input._data.ndim)
    return call(R.count_nonzero, (input,), {"axis": axis or None})

# -- order statistics ---------------------------------------------------------------------------


def _not_bool(what: str, input: Tensor) -> None:
    """PyTorch's error for the CPU kernels that have no bool version."""
    if input._dtype is _dtype.bool_:
        raise NotImplementedError(f'"{what}" not implemented for \'Bool\'')


def _along(name: str, input: Tensor, dim) -> int:
    """The one dim an order statistic works along, checked for range and size."""
    _one_dim(name, dim)
    axis = _wrap_dim(dim, input._data.ndim)
    if input._data.ndim:
        _nonempty(name, input, (axis,))
    return axis


def median(input: Tensor, dim=None, keepdim: bool = False):
    """The lower median of all elements, or ``(values, indices)`` along ``dim``."""
    if dim is None:
        _not_bool("median_cpu", input)
        return call(R.median_all, (input,))
    _not_bool("median_out", input)
    axis = _along("median", input, dim)
    indices = call(S.median_index, (input,), {"axis": axis, "keepdims": keepdim})
    return _selected(_MEDIAN, S.median_dim, input, indices, axis, keepdim)


def kthvalue(input: Tensor, k: int = _REQUIRED, dim: int = -1,
             keepdim: bool = False) -> _ReturnType:
    """``(values, indices)`` of the ``k``-th smallest element along ``dim``."""
    _given("kthvalue", k=k)
    _not_bool("kthvalue_cpu", input)
    axis = _along("kthvalue", input, dim)
    size = input._data.shape[axis] if input._data.ndim else 1
    if not 1 <= k <= size:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {axis}")
    indices = call(S.kth_index, (input,), {"k": k, "axis": axis, "keepdims": keepdim})
    return _selected(_KTHVALUE, S.kthvalue, input, indices, axis, keepdim)


def mode(input: Tensor, dim: int = -1, keepdim: bool = False) -> _ReturnType:
    """``(values, indices)`` of the most frequent value along ``dim`` (the smallest on a tie,
    at its last index)."""
    axis = _along("mode", input, dim)
    indices = call(S.mode_index, (input,), {"axis": axis, "keepdims": keepdim})
    return _selected(_MODE, S.mode, input, indices, axis, keepdim)


def sort(input: Tensor, dim: int = -1, descending: bool = False, *, stable=None) -> _ReturnType:
    """``(values, indices)`` sorted along ``dim`` (stably: equal values keep their order)."""
    _one_dim("sort", dim)
    axis = _wrap_dim(dim, input._data.ndim)
    indices = call(S.argsort, (input,), {"axis": axis, "descending": descending})
    return _selected(_SORT, S.sort if stable is None else S.sort_stable, input, indices, axis,
                     True)


def argsort(input: Tensor, dim: int = -1, descending: bool = False, *,
            stable: bool = False) -> Tensor:
    """The indices that sort ``input`` along ``dim``."""
    _one_dim("argsort", dim)
    axis = _wrap_dim(dim, input._data.ndim)
    return call(S.argsort, (input,), {"axis": axis, "descending": descending})


def topk(input: Tensor, k: int = _REQUIRED, dim: int = -1, largest: bool = True,
         sorted: bool = True) -> _ReturnType:
    """``(values, indices)`` of the ``k`` largest (or smallest) elements along ``dim``."""
    _given("topk", k=k)
    if input._dtype is _dtype.bool_:
        raise RuntimeError("topk does not support bool dtypes on CPU")
    _one_dim("topk", dim)
    axis = _wrap_dim(dim, input._data.ndim)
    size = input._data.shape[axis] if input._data.ndim else 1
    if not 0 <= k <= size:
        raise RuntimeError("selected index k out of range")
    indices = call(S.topk_index, (input,), {"k": k, "axis": axis, "largest": largest})
    return _selected(_TOPK, S.topk, input, indices, axis, True)


__all__ = ["all", "amax", "amin", "any", "argmax", "argmin", "argsort", "count_nonzero", "cumprod",
           "cumsum", "kthvalue", "logsumexp", "max", "median", "min", "mode", "norm", "prod", "sort",
           "std", "std_mean", "topk", "var", "var_mean"]
#: names exported as chainrule.nn.functional.<name>
NN_ALL: list = []
#: Tensor methods this module provides (name -> function taking the tensor first)
METHODS: dict = {name: globals()[name] for name in __all__ if name not in ("var_mean", "std_mean")}
