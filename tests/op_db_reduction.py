"""op_db rows of the reduction family: products, extrema, moments, log-sum-exp, norms, scans,
truth tests, order statistics and sorting, as ``torch.<fn>`` and as Tensor methods.

A sample with ``method=True`` calls the Tensor method instead of the function. Ops that
return ``(values, indices)`` have two rows: ``<op>`` checks the values (and gradients),
``<op>.indices`` the indices. Samples with ties, NaN or a degenerate count are not
differentiable there: they skip gradcheck, and the oracle still compares their gradients
with PyTorch's. PyTorch's errors are checked by the ``reduction.errors`` row: each sample
returns the bytes of ``"<Exception>: <first line>"`` of one failing call.
"""
from __future__ import annotations

import math
from typing import Callable, Iterator

import numpy as np

from chainrule.functional import elementwise as _elementwise
from op_db import Const, DType, Maker, OpSpec, Sample, TArg, error_row

NAN, INF = math.nan, math.inf

# -- calling an op as a function or as a method -------------------------------------------------


def _call(m, name: str, x, args: tuple, kwargs: dict, method: bool):
    return getattr(x, name)(*args, **kwargs) if method else getattr(m, name)(x, *args, **kwargs)


def _op(name: str, part: str | None = None) -> Callable:
    """``m.<name>(x, ...)`` (or ``x.<name>(...)``), taking ``part`` of a (values, indices) result."""
    def op(m, x, *args, method: bool = False, **kwargs):
        out = _call(m, name, x, args, kwargs, method)
        return getattr(out, part) if part and isinstance(out, tuple) else out
    return op


def _pair_op(name: str) -> Callable:
    """var_mean/std_mean: both outputs in one tensor, ``first + 2 * second``."""
    def op(m, x, *args, **kwargs):
        first, second = getattr(m, name)(x, *args, **kwargs)
        return first + 2 * second
    return op


def _ref(fn: Callable) -> Callable:
    """A NumPy reference that ignores the ``method`` switch."""
    def ref(*args, method: bool = False, **kwargs):
        return fn(*args, **kwargs)
    return ref

# -- arguments ----------------------------------------------------------------------------------


def _vals(*rows, requires_grad: bool = True) -> TArg:
    """A float argument with exactly these values (ties, zeros, nan)."""
    return TArg(np.array(rows, dtype=np.float64), requires_grad=requires_grad)


def _scalar(value: float) -> TArg:
    """A 0-d float argument with exactly this value."""
    return TArg(np.array(value, dtype=np.float64))


def _ints(*rows, dtype=np.int64) -> Const:
    return Const(np.array(rows, dtype=dtype))

# -- NumPy references ---------------------------------------------------------------------------


def _axis(x: np.ndarray, dim):
    """NumPy's axis for a PyTorch ``dim`` (None, int or sequence; a 0-d input has none)."""
    if x.ndim == 0:
        return None
    if isinstance(dim, (tuple, list)):
        return tuple(dim) if dim else None
    return dim


def _reduce_ref(fn: Callable, every: bool = True) -> Callable:
    """``fn(x, axis, keepdims)`` over ``dim`` (all dims when None or empty)."""
    def ref(x, dim=None, keepdim=False, **kwargs):
        axis = _axis(x, dim)
        if axis is None:
            out = fn(x, None, False, **kwargs)
            return np.reshape(out, (1,) * x.ndim) if keepdim else out
        return fn(x, axis, keepdim, **kwargs)
    return ref


def _prod_ref(x, dim=None, keepdim=False, dtype=None):
    dtype = np.int64 if dtype is None and x.dtype.kind in "biu" else dtype
    return _reduce_ref(lambda x, a, k: np.prod(x, axis=a, keepdims=k, dtype=dtype))(x, dim, keepdim)


def _var_ref(x, dim=None, unbiased=None, keepdim=False, correction=None, root=False):
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    ddof = (0 if unbiased is False else 1) if correction is None else correction
    out = _reduce_ref(lambda x, a, k: np.var(x, axis=a, ddof=ddof, keepdims=k))(x, dim, keepdim)
    return np.sqrt(out) if root else out


def _moments_ref(root: bool) -> Callable:
    def ref(x, dim=None, unbiased=None, keepdim=False, correction=None):
        if isinstance(dim, bool):
            dim, unbiased = None, dim
        mean = _reduce_ref(lambda x, a, k: np.mean(x, axis=a, keepdims=k))(x, dim, keepdim)
        return _var_ref(x, dim, unbiased, keepdim, correction, root) + 2 * mean
    return ref


def _lse(x, axis, keepdims):
    if x.size == 0:
        return np.log(np.sum(np.exp(x), axis=axis, keepdims=keepdims))
    m = np.amax(x, axis=axis, keepdims=True)
    m = np.where(np.isinf(m), 0, m)
    out = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    return out if keepdims else np.squeeze(out, axis)


def _lse_ref(x, dim, keepdim=False):
    x = x.astype(np.float32) if x.dtype.kind in "biu" else x
    return _reduce_ref(_lse)(x, dim, keepdim)


def _vnorm(x, axis, keepdims, p):
    a = np.abs(x)
    if p == 0:
        return np.sum(a != 0, axis=axis, keepdims=keepdims).astype(x.dtype)
    if math.isinf(p):
        return (np.amax if p > 0 else np.amin)(a, axis=axis, keepdims=keepdims)
    return np.sum(a ** p, axis=axis, keepdims=keepdims) ** (1 / p)


def _norm_ref(x, p="fro", dim=None, keepdim=False, dtype=None):
    x = x if dtype is None else x.astype(dtype)
    p = 2.0 if p in ("fro", None) else float(p)
    return _reduce_ref(lambda x, a, k: _vnorm(x, a, k, p))(x, dim, keepdim)


def _scan_ref(fn: Callable) -> Callable:
    def ref(x, dim, dtype=None):
        if dtype is None and x.dtype.kind in "biu":
            dtype = np.int64
        return fn(x, axis=dim, dtype=dtype) if x.ndim else x.astype(dtype or x.dtype)
    return ref


def _truth_ref(fn: Callable) -> Callable:
    def ref(x, dim=None, keepdim=False):
        if isinstance(dim, (tuple, list)) and not dim:
            out = x != 0  # an empty dim list tests each element on its own
        else:
            out = _reduce_ref(lambda x, a, k: fn(x, axis=a, keepdims=k))(x, dim, keepdim)
        return np.asarray(out).astype(np.uint8 if x.dtype == np.uint8 else np.bool_)
    return ref


def _count_ref(x, dim=None):
    axis = _axis(x, dim)
    return np.asarray(np.count_nonzero(x, axis=axis), dtype=np.int64)


def _slices(fn: Callable) -> Callable:
    """``fn(slice) -> (value, index)`` applied along ``dim``; ``part`` 0 (values) or 1."""
    def ref(part: int):
        def along(x, dim=-1, keepdim=False):
            if x.ndim == 0:
                return x if part == 0 else np.array(0)
            moved = np.moveaxis(x, dim, -1)
            flat = moved.reshape(math.prod(moved.shape[:-1]), moved.shape[-1])
            pairs = [fn(row) for row in flat]
            out = np.array([p[part] for p in pairs], dtype=x.dtype if part == 0 else np.int64)
            out = out.reshape(moved.shape[:-1])
            return np.expand_dims(out, dim) if keepdim else out
        return along
    return ref


def _sorted_row(row: np.ndarray, descending: bool = False) -> np.ndarray:
    """Stable order of ``row``, NaN above every number."""
    key = np.where(np.isnan(row), np.inf, row) if row.dtype.kind == "f" else row
    nan_rank = np.isnan(row) if row.dtype.kind == "f" else np.zeros(row.shape, bool)
    if descending:
        return np.lexsort((np.arange(row.size), -nan_rank.astype(int), -key.astype(np.float64)))
    return np.lexsort((np.arange(row.size), nan_rank, key))


def _median_of(row):
    if row.dtype.kind == "f" and np.isnan(row).any():
        i = int(np.argmax(np.isnan(row)))
        return row[i], i
    i = _sorted_row(row)[(row.size - 1) // 2]
    return row[i], i


def _mode_of(row):
    numbers = row[~np.isnan(row)] if row.dtype.kind == "f" else row  # a NaN is never repeated
    values, counts = np.unique(numbers, return_counts=True)
    best = values[np.argmax(counts)]  # values are sorted: the first most frequent is the smallest
    i = int(np.nonzero(row == best)[0][-1])
    return row[i], i


def _median_ref(part: int = 0) -> Callable:
    along = _slices(_median_of)(part)

    def ref(x, dim=None, keepdim=False):
        if dim is not None:
            return along(x, dim, keepdim)
        flat = np.sort(x.reshape(-1))
        if flat.size == 0 or np.isnan(flat[-1]):
            return np.array(NAN, dtype=x.dtype)
        return flat[(flat.size - 1) // 2]
    return ref


def _kth_ref(part: int) -> Callable:
    def ref(x, k, dim=-1, keepdim=False):
        return _slices(lambda row: (row[_sorted_row(row)[k - 1]], _sorted_row(row)[k - 1]))(part)(
            x, dim, keepdim)
    return ref


def _order(x: np.ndarray, dim: int, descending: bool) -> np.ndarray:
    """The stable sorting order of every slice of ``x`` along ``dim``."""
    moved = np.moveaxis(x, dim, -1)
    rows = [_sorted_row(row, descending)
            for row in moved.reshape(math.prod(moved.shape[:-1]), moved.shape[-1])]
    return np.moveaxis(np.array(rows, dtype=np.int64).reshape(moved.shape), -1, dim)


def _sort_ref(part: int) -> Callable:
    def ref(x, dim=-1, descending=False, stable=None):
        if x.ndim == 0:
            return x if part == 0 else np.array(0)
        order = _order(x, dim, descending)
        return np.take_along_axis(x, order, dim) if part == 0 else order
    return ref


def _topk_ref(part: int) -> Callable:
    def ref(x, k, dim=-1, largest=True, sorted=True):
        if x.ndim == 0:
            return x if part == 0 else np.array(0)
        order = np.take(_order(x, dim, largest), np.arange(k), axis=dim)
        return np.take_along_axis(x, order, dim) if part == 0 else order
    return ref


def _extremum_ref(fn: Callable, arg: Callable, part: int) -> Callable:
    def ref(x, dim=None, keepdim=False):
        if dim is None:
            return fn(x)
        if x.ndim == 0:
            return x if part == 0 else np.array(0)
        return (fn if part == 0 else arg)(x, axis=dim, keepdims=keepdim)
    return ref


def _arg_ref(fn: Callable) -> Callable:
    def ref(x, dim=None, keepdim=False):
        axis = None if x.ndim == 0 else dim
        return np.asarray(fn(x, axis=axis, keepdims=keepdim and x.ndim > 0), dtype=np.int64)
    return ref

# -- sample generators --------------------------------------------------------------------------


def _dims_samples(every: bool = True, size0: str = "dim1") -> Callable[[Maker], Iterator[Sample]]:
    """Reductions over a dim list (``every``: also with no dim); ``size0`` reduces which dim of
    a (0, 3) input ("dim0" with an identity, "dim1" without)."""
    def samples(mk: Maker) -> Iterator[Sample]:
        if every:
            yield mk.s("all", mk.t(2, 3, 4))
            yield mk.s("0d", mk.t())
            yield mk.s("step_all", mk.t(2, 5, layout="step"))
        yield mk.s("dim1", mk.t(2, 3, 4), dim=1)
        yield mk.s("dim_neg1_keep", mk.t(2, 3, 4), dim=-1, keepdim=True)
        yield mk.s("dims_0_2", mk.t(2, 3, 4), dim=(0, 2))
        yield mk.s("dims_neg_keep", mk.t(2, 3, 4), dim=(-1, 0), keepdim=True)
        yield mk.s("dim_list", mk.t(2, 3, 4), dim=[1, 2])
        yield mk.s("0d_dim0", mk.t(), dim=0)
        yield mk.s("T_dim0", mk.t(3, 4, layout="T"), dim=0)
        yield mk.s("size0_" + size0, mk.t(0, 3), dim=int(size0[-1]), gradcheck=False)
        yield mk.s("method_dim0", mk.t(2, 3), dim=0, method=True)
    return samples


def _one_dim_samples(mk: Maker, size0: bool = True) -> Iterator[Sample]:
    """Ops along one dim (given positionally after the input)."""
    yield mk.s("dim1", mk.t(2, 3, 4), 1)
    yield mk.s("dim_neg1_keep", mk.t(2, 3, 4), -1, True)
    yield mk.s("0d_dim0", mk.t(), 0)
    yield mk.s("0d_dim_neg1_keep", mk.t(), -1, True)
    yield mk.s("T_dim0", mk.t(3, 4, layout="T"), 0)
    yield mk.s("step_dim_neg1", mk.t(2, 5, layout="step"), -1)
    if size0:
        yield mk.s("size0_dim1", mk.t(0, 3), 1)
    yield mk.s("method_dim0_keep", mk.t(2, 3), 0, keepdim=True, method=True)


def _prod_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("all", mk.t(2, 3))
    yield mk.s("0d", mk.t())
    yield mk.s("step_all", mk.t(2, 5, layout="step"))
    yield from _one_dim_samples(mk)
    yield mk.s("size0_all", mk.t(0, 3))
    yield mk.s("size0_dim0", mk.t(0, 3), 0)
    # a zero: its gradient is the product of the others, with no division by it
    yield mk.s("one_zero", _vals([2.0, 0.0, -1.5], [0.5, 1.25, -2.0]))
    yield mk.s("zeros_dim0", _vals([2.0, 0.0], [0.0, 3.0], [0.0, 0.0], [1.5, -2.0]), 0)
    # PyTorch's full product with two zeros has a constant zero gradient (no second order)
    yield mk.s("two_zeros", _vals(2.0, 0.0, 0.0, 3.0), gradgradcheck=False)
    yield mk.s("int", _ints([1, 2], [3, 4], dtype=np.int32), gradcheck=False)
    yield mk.s("int_dim", _ints([1, 2], [3, 4]), 1, gradcheck=False)
    yield mk.s("dtype_f64", mk.t(2, 3), dtype=DType("float64"))
    yield mk.s("dim_dtype_f64", mk.t(2, 3), 1, dtype=DType("float64"))
    yield mk.s("method_all", mk.t(2, 3), method=True)


def _extremum_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("all", mk.t(2, 3, 4))
    yield mk.s("0d", mk.t())
    yield from _one_dim_samples(mk)
    yield mk.s("dim_kw", mk.t(2, 3), dim=1, keepdim=True)
    # ties: max() shares the gradient evenly, max(dim) routes it to the first index
    yield mk.s("ties", _vals(3.0, 1.0, 3.0, -2.0), gradcheck=False)
    yield mk.s("ties_dim", _vals([3.0, 1.0, 3.0], [-2.0, -2.0, 0.5]), 1, gradcheck=False)
    yield mk.s("nan", _vals(3.0, NAN, 1.0, NAN), gradcheck=False)
    yield mk.s("nan_dim", _vals([3.0, NAN, 1.0], [1.0, 2.0, -1.0]), 1, gradcheck=False)
    yield mk.s("int_dim", _ints([1, 5, 2], [7, 0, 7]), 1, gradcheck=False)
    yield mk.s("bool", Const(np.array([True, False])), gradcheck=False)
    yield mk.s("method_all", mk.t(2, 3), method=True)


def _indices_samples(mk: Maker) -> Iterator[Sample]:
    yield from _one_dim_samples(mk)
    yield mk.s("ties_dim", _vals([3.0, 1.0, 3.0], [-2.0, -2.0, 0.5]), 1)
    yield mk.s("int_dim", _ints([1, 5, 2], [7, 0, 7]), 1)


def _a_extremum_samples(mk: Maker) -> Iterator[Sample]:
    yield from _dims_samples()(mk)
    yield mk.s("dims_empty", mk.t(2, 3), dim=())
    yield mk.s("ties", _vals([3.0, 1.0, 3.0], [2.0, 2.0, 0.5]), dim=1, gradcheck=False)
    yield mk.s("ties_all", _vals([3.0, 1.0, 3.0], [2.0, 3.0, 0.5]), gradcheck=False)
    yield mk.s("int", _ints([1, 5, 2], [7, 0, 7]), dim=0, gradcheck=False)


def _arg_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("all", mk.t(2, 3, 4))
    yield mk.s("all_keep", mk.t(2, 3), None, True)
    yield mk.s("0d", mk.t())
    yield from _one_dim_samples(mk)
    yield mk.s("ties", _vals([3.0, 1.0, 3.0], [-2.0, -2.0, 0.5]), 1)
    yield mk.s("nan", _vals(3.0, NAN, 1.0, NAN))
    yield mk.s("int", _ints([1, 5, 2], [7, 0, 7]))


def _moment_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("all", mk.t(2, 3, 4))
    yield mk.s("dim1", mk.t(2, 3, 4), 1)
    yield mk.s("dim_neg1_keep", mk.t(2, 3, 4), -1, keepdim=True)
    yield mk.s("dims_0_2", mk.t(2, 3, 4), (0, 2))
    yield mk.s("dim_list_biased", mk.t(2, 3, 4), [1, 2], False)
    yield mk.s("unbiased_false", mk.t(2, 3), False)
    yield mk.s("dim_unbiased_keep", mk.t(2, 3), 1, True, True)
    yield mk.s("correction0", mk.t(2, 3, 4), dim=1, correction=0)
    yield mk.s("correction2_keep", mk.t(2, 3, 4), dim=(0, 2), correction=2, keepdim=True)
    yield mk.s("correction_float", mk.t(3, 4), dim=0, correction=0.5)
    yield mk.s("all_keep", mk.t(2, 3), keepdim=True)
    yield mk.s("T_dim0", mk.t(3, 4, layout="T"), 0)
    yield mk.s("step", mk.t(2, 5, layout="step"), -1)
    # degrees of freedom <= 0: a warning, and inf/nan values and gradients as PyTorch's
    yield mk.s("0d", mk.t(), gradcheck=False)
    yield mk.s("0d_dim0", mk.t(), 0, gradcheck=False)
    yield mk.s("dof0_dim", mk.t(2, 3), 1, correction=3, gradcheck=False)
    yield mk.s("dof_neg_all", mk.t(2, 3), correction=7, gradcheck=False)
    yield mk.s("size0_dim0", mk.t(0, 3), 0, gradcheck=False)
    yield mk.s("size0_dim1", mk.t(0, 3), 1, gradcheck=False)
    # PyTorch's var_backward counts one element per output for an empty dim list
    yield mk.s("dims_empty", mk.t(2, 3), (), gradcheck=False)


def _var_samples(mk: Maker) -> Iterator[Sample]:
    yield from _moment_samples(mk)
    yield mk.s("method_dim0", mk.t(2, 3), 0, method=True)


def _std_samples(mk: Maker) -> Iterator[Sample]:
    yield from _var_samples(mk)
    yield mk.s("constant_slice", _vals([1.0, 1.0, 1.0], [1.0, 3.0, 2.0]), 1, gradcheck=False)


def _moments_samples(mk: Maker) -> Iterator[Sample]:
    yield from _moment_samples(mk)
    yield mk.s("keep_list", mk.t(2, 3), [0], keepdim=True)


def _lse_samples(mk: Maker) -> Iterator[Sample]:
    yield from _dims_samples(every=False, size0="dim0")(mk)
    yield mk.s("every_dim", mk.t(2, 3), (0, 1))
    yield mk.s("0d_empty_dims", mk.t(), ())
    yield mk.s("empty_dims_keep", mk.t(2, 3), [], keepdim=True)
    yield mk.s("large", _vals([1000.0, -1000.0, 999.0], [-1000.0, -999.0, -1001.0]), 1)
    yield mk.s("neg_inf", _vals([-INF, -INF], [-INF, 1.0]), 1, gradcheck=False)
    yield mk.s("pos_inf", _vals([INF, 1.0], [INF, -INF]), 1, gradcheck=False)
    yield mk.s("int", _ints([1, 2], [3, 4]), 1, gradcheck=False)
    yield mk.s("bool", Const(np.array([[True, False], [True, True]])), 0, gradcheck=False)
    yield mk.s("size0_all", mk.t(0, 3), (0, 1), gradcheck=False)


def _norm_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("fro_all", mk.t(2, 3, 4))
    yield mk.s("p1_dim1", mk.t(2, 3, 4), 1, 1)
    yield mk.s("inf_dims_keep", mk.t(2, 3, 4), INF, (0, 1), True)
    yield mk.s("neg_inf_dim", mk.t(2, 3, 4), -INF, -1)
    yield mk.s("p3_all", mk.t(2, 3))
    yield mk.s("p_half_dim0", mk.t(2, 3), 0.5, 0)
    yield mk.s("p_neg1_dim1", mk.t(2, 3), -1, 1)
    yield mk.s("p_neg2_all", mk.t(3), -2)
    yield mk.s("p_1_5_keep", mk.t(2, 3), 1.5, 1, True)
    yield mk.s("fro_dims", mk.t(2, 3, 4), "fro", (0, 2))
    yield mk.s("fro_dim_keep", mk.t(2, 3), "fro", 1, True)
    yield mk.s("p_none", mk.t(2, 3), None)
    yield mk.s("dim_kw", mk.t(2, 3), dim=1)
    yield mk.s("empty_dims", mk.t(2, 3), 2, ())
    yield mk.s("dtype_f64", mk.t(2, 3), 3, dtype=DType("float64"))
    yield mk.s("0d", mk.t())
    yield mk.s("0d_dim0", mk.t(), 2, 0)
    yield mk.s("T", mk.t(3, 4, layout="T"), 2, 0)
    yield mk.s("step", mk.t(2, 5, layout="step"), 3, -1)
    yield mk.s("size0_dim0", mk.t(0, 3), 2, 0)
    yield mk.s("size0_inf_dim1", mk.t(0, 3), INF, 1)
    yield mk.s("method_p1", mk.t(2, 3), 1, method=True)
    yield mk.s("method_kw", mk.t(2, 3), p=3, dim=0, keepdim=True, method=True)
    # kinks: |x| at 0 (p = 1, 1.5, 3: finite first derivatives), ties of the inf-norm
    yield mk.s("zero_p1_5", _vals([1.0, 0.0, -3.0]), 1.5, gradgradcheck=False)
    yield mk.s("zero_p3", _vals([1.0, 0.0, -3.0]), 3)
    yield mk.s("zero_norm", _vals([0.0, 0.0], [1.0, 2.0]), 2, 1, gradcheck=False)
    yield mk.s("zero_norm_p3", _vals([0.0, 0.0], [1.0, 2.0]), 3, 1, gradcheck=False)
    yield mk.s("inf_ties", _vals([1.0, -3.0, 3.0]), INF, gradcheck=False)


def _scan_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("dim0", mk.t(3, 4), 0)
    yield mk.s("dim_neg1", mk.t(2, 3, 4), -1)
    yield mk.s("dim1_kw", mk.t(2, 3, 4), dim=1)
    yield mk.s("0d", mk.t(), 0)
    yield mk.s("0d_neg1", mk.t(), -1)
    yield mk.s("T_dim1", mk.t(3, 4, layout="T"), 1)
    yield mk.s("step", mk.t(2, 5, layout="step"), -1)
    yield mk.s("size0", mk.t(0, 3), 0)
    yield mk.s("length1", mk.t(3, 1), 1)
    yield mk.s("int", _ints([1, 2], [3, 4], dtype=np.int32), 0, gradcheck=False)
    yield mk.s("bool", Const(np.array([True, False, True])), 0, gradcheck=False)
    yield mk.s("dtype_f64", mk.t(2, 3), 1, dtype=DType("float64"))
    yield mk.s("method", mk.t(2, 3), 1, method=True)


def _cumprod_samples(mk: Maker) -> Iterator[Sample]:
    yield from _scan_samples(mk)
    # zeros: the gradient needs no division by them, and its derivative stays exact
    yield mk.s("one_zero", _vals(2.0, 0.0, 3.0, -1.5), 0)
    yield mk.s("two_zeros", _vals(2.0, 0.0, 3.0, 0.0, 1.5), 0)
    yield mk.s("zeros_rows", _vals([2.0, 0.0, 3.0], [0.0, 0.5, 2.0], [1.5, 2.0, 0.0]), 1)
    yield mk.s("zeros_cols", _vals([2.0, 0.0, 3.0], [0.0, 0.5, 2.0], [1.5, 2.0, 0.0]), 0)


def _truth_samples(mk: Maker) -> Iterator[Sample]:
    x = _vals([1.0, 0.0, 2.0], [3.0, 4.0, -1.0])
    yield mk.s("all", x)
    yield mk.s("dim1", x, 1)
    yield mk.s("dim0_keep", x, 0, True)
    yield mk.s("dims", x, (0, 1))
    yield mk.s("dims_neg_keep", x, (-1,), keepdim=True)
    yield mk.s("empty_dims", x, ())
    yield mk.s("all_keep", x, None, True)
    yield mk.s("nonzero", mk.t(2, 3))
    yield mk.s("nan", _vals(1.0, NAN))
    yield mk.s("0d", mk.t())
    yield mk.s("0d_dim0", _scalar(0.0), 0)
    yield mk.s("size0", mk.t(0, 3))
    yield mk.s("size0_dim1", mk.t(0, 3), 1)
    yield mk.s("bool", Const(np.array([[True, False], [True, True]])), 1)
    yield mk.s("uint8", _ints([1, 0], [3, 4], dtype=np.uint8), 0)
    yield mk.s("uint8_all", _ints([1, 0], [3, 4], dtype=np.uint8))
    yield mk.s("method_dim0", x, 0, method=True)


def _count_samples(mk: Maker) -> Iterator[Sample]:
    x = _vals([1.0, 0.0, 2.0], [3.0, 0.0, -1.0])
    yield mk.s("all", x)
    yield mk.s("dim1", x, 1)
    yield mk.s("dims", x, (0, 1))
    yield mk.s("dims_neg", x, (-1,))
    yield mk.s("empty_dims", x, ())
    yield mk.s("0d", mk.t())
    yield mk.s("0d_dim0", _scalar(0.0), 0)
    yield mk.s("size0_dim0", mk.t(0, 3), 0)
    yield mk.s("bool", Const(np.array([[True, False], [True, True]])), 0)
    yield mk.s("method_kw", x, dim=-1, method=True)


def _median_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("all_even", mk.t(2, 3))
    yield mk.s("all_odd", mk.t(5))
    yield mk.s("0d", mk.t())
    yield mk.s("step_all", mk.t(2, 5, layout="step"))
    yield mk.s("ties", _vals(3.0, 1.0, 3.0, 1.0), gradcheck=False)
    yield mk.s("nan", _vals(1.0, NAN, 2.0), gradcheck=False)
    yield mk.s("size0_all", mk.t(0, 3), gradcheck=False)
    yield mk.s("int", _ints([1, 2], [3, 4]), gradcheck=False)
    yield from _one_dim_samples(mk)
    yield mk.s("nan_dim", _vals([1.0, 5.0], [3.0, NAN], [2.0, 0.0]), 0, gradcheck=False)
    yield mk.s("method_all", mk.t(3, 2), method=True)


def _median_dim_samples(mk: Maker) -> Iterator[Sample]:
    yield from _one_dim_samples(mk)
    yield mk.s("nan_dim", _vals([1.0, 5.0], [3.0, NAN], [2.0, 0.0]), 0)
    yield mk.s("int_dim", _ints([1, 5, 2], [7, 0, 3]), 1)


def _mode_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("default_dim", mk.t(2, 5))
    yield from _one_dim_samples(mk)
    # repeats: the most frequent value (the smallest on a tie), at its last index
    yield mk.s("repeats", _vals([1.0, 2.0, 1.0, 2.0, 2.0, 1.0], [5.0, 2.0, 5.0, 2.0, 7.0, 7.0]),
               gradcheck=False)
    yield mk.s("repeats_dim0", _vals([1.0, 2.0], [1.0, 3.0], [2.0, 3.0]), 0, gradcheck=False)
    yield mk.s("nan", _vals(1.0, NAN, 3.0, NAN), gradcheck=False)
    yield mk.s("int", _ints([1, 0, 1], [2, 2, 0]), gradcheck=False)
    yield mk.s("bool", Const(np.array([[True, False, True], [False, True, False]])), gradcheck=False)


def _sort_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("default", mk.t(2, 3, 4))
    yield mk.s("dim0_desc", mk.t(3, 4), 0, True)
    yield mk.s("kw", mk.t(3, 4), dim=1, descending=True)
    yield mk.s("stable", mk.t(3, 4), stable=True)
    yield mk.s("stable_false_dim0", mk.t(3, 4), stable=False, dim=0)
    yield mk.s("0d", mk.t())
    yield mk.s("T_dim0", mk.t(3, 4, layout="T"), 0)
    yield mk.s("step", mk.t(2, 5, layout="step"))
    yield mk.s("size0_dim0", mk.t(0, 3), 0)
    yield mk.s("size0", mk.t(0, 3))
    # equal values keep their order (descending too); NaN sorts above every number
    yield mk.s("ties", _vals(3.0, 1.0, 3.0, 1.0, 3.0), gradcheck=False)
    yield mk.s("ties_desc", _vals(3.0, 1.0, 3.0, 1.0, 3.0), descending=True, gradcheck=False)
    yield mk.s("nan", _vals(1.0, NAN, 3.0, NAN), gradcheck=False)
    yield mk.s("nan_desc", _vals(1.0, NAN, 3.0, NAN), descending=True, gradcheck=False)
    yield mk.s("int", _ints([1, 3, 2], [2, 0, 5]), gradcheck=False)
    yield mk.s("bool", Const(np.array([[True, False], [True, True]])), gradcheck=False)
    yield mk.s("method", mk.t(2, 3), 0, True, method=True)


def _topk_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("k2", mk.t(2, 5), 2)
    yield mk.s("k2_dim0", mk.t(4, 3), 2, 0)
    yield mk.s("smallest", mk.t(2, 5), 3, largest=False)
    yield mk.s("unsorted_kw", mk.t(2, 5), k=2, dim=-1, sorted=False)
    yield mk.s("k_all", mk.t(2, 3), 3, 1)
    yield mk.s("k0", mk.t(2, 3), 0)
    yield mk.s("0d_k1", mk.t(), 1)
    yield mk.s("0d_k0", mk.t(), 0)
    yield mk.s("T", mk.t(3, 4, layout="T"), 2, 0)
    yield mk.s("step", mk.t(2, 5, layout="step"), 2)
    yield mk.s("size0_k0_dim0", mk.t(0, 3), 0, 0)
    yield mk.s("size0_dim1", mk.t(0, 3), 2, 1)
    yield mk.s("nan", _vals(1.0, NAN, 3.0, 2.0), 2, gradcheck=False)
    yield mk.s("nan_smallest", _vals(1.0, NAN, 3.0, 2.0), 2, largest=False, gradcheck=False)
    yield mk.s("int", _ints([1, 3, 2], [2, 0, 5]), 2, gradcheck=False)
    yield mk.s("method", mk.t(2, 4), 2, 0, method=True)


def _kth_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("k2", mk.t(2, 5), 2)
    yield mk.s("k1_dim0_keep", mk.t(4, 3), 1, 0, True)
    yield mk.s("k_last", mk.t(2, 3, 4), 4, -1)
    yield mk.s("kw", mk.t(3, 4), k=3, dim=0, keepdim=False)
    yield mk.s("0d", mk.t(), 1)
    yield mk.s("0d_keep", mk.t(), 1, -1, True)
    yield mk.s("T", mk.t(3, 4, layout="T"), 2, 0)
    yield mk.s("step", mk.t(2, 5, layout="step"), 3)
    yield mk.s("size0_dim1", mk.t(0, 3), 1, 1)
    yield mk.s("nan_past_numbers", _vals(1.0, NAN, 3.0, NAN), 4, gradcheck=False)
    yield mk.s("nan_before", _vals(1.0, NAN, 3.0, NAN), 2, gradcheck=False)
    yield mk.s("int", _ints([1, 3, 2], [2, 0, 5]), 2, gradcheck=False)
    yield mk.s("method", mk.t(2, 4), 2, 0, method=True)


def _argsort_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("default", mk.t(2, 3, 4))
    yield mk.s("dim0_desc", mk.t(3, 4), 0, True)
    yield mk.s("stable_desc_kw", mk.t(3, 4), stable=True, descending=True)
    yield mk.s("0d", mk.t())
    yield mk.s("size0", mk.t(0, 3), 0)
    yield mk.s("ties_desc", _vals(3.0, 1.0, 3.0, 1.0, 3.0), descending=True)
    yield mk.s("nan", _vals(1.0, NAN, 3.0, NAN))
    yield mk.s("bool", Const(np.array([[True, False], [True, True]])))
    yield mk.s("method", mk.t(2, 3), 0, method=True)

def _other_samples(mk: Maker) -> Iterator[Sample]:
    """max/min of two tensors: the elementwise maximum/minimum (ties split the gradient)."""
    yield mk.s("same", mk.t(2, 3), mk.t(2, 3))
    yield mk.s("bcast", mk.t(2, 3), mk.t(3))
    yield mk.s("0d", mk.t(), mk.t(2))
    yield mk.s("T", mk.t(2, 3, layout="T"), mk.t(2, 3))
    yield mk.s("kw", mk.t(2, 3), other=mk.t(2, 3))
    yield mk.s("ties", _vals(1.0, 2.0, -3.0), _vals(1.0, 0.5, -3.0), gradcheck=False)
    yield mk.s("method", mk.t(2, 3), mk.t(2, 3), method=True)

# -- PyTorch's errors ---------------------------------------------------------------------------

#: case -> (the failing call in module m, PyTorch's "<Exception>: <first line>")
ERRORS: dict[str, tuple[Callable, str]] = {
    "max_empty": (lambda m: m.zeros(0, 3).max(), "RuntimeError: max(): Expected reduction dim to "
                  "be specified for input.numel() == 0. Specify the reduction dim with the 'dim' "
                  "argument."),
    "min_dim_size0": (lambda m: m.zeros(0, 3).min(0),
                      "IndexError: min(): Expected reduction dim 0 to have non-zero size."),
    "amax_size0": (lambda m: m.zeros(0, 3).amax(0),
                   "IndexError: amax(): Expected reduction dim 0 to have non-zero size."),
    "amin_empty": (lambda m: m.zeros(0, 3).amin(), "RuntimeError: amin(): Expected reduction dim "
                   "to be specified for input.numel() == 0. Specify the reduction dim with the "
                   "'dim' argument."),
    "argmax_empty": (lambda m: m.zeros(0, 3).argmax(), "IndexError: argmax(): Expected reduction "
                     "dim to be specified for input.numel() == 0."),
    "argmin_size0": (lambda m: m.zeros(0, 3).argmin(0),
                     "IndexError: argmin(): Expected reduction dim 0 to have non-zero size."),
    "argmax_bool": (lambda m: m.tensor([True]).argmax(),
                    "RuntimeError: argmax(): does not support bool input"),
    "dim_range": (lambda m: m.zeros(2, 3).amax((0, 2)), "IndexError: Dimension out of range "
                  "(expected to be in range of [-2, 1], but got 2)"),
    "dim_range_0d": (lambda m: m.tensor(1.0).prod(1), "IndexError: Dimension out of range "
                     "(expected to be in range of [-1, 0], but got 1)"),
    "dim_twice": (lambda m: m.zeros(2, 3).var((1, -1)),
                  "RuntimeError: dim 1 appears multiple times in the list of dims"),
    "var_int": (lambda m: m.tensor([1, 2]).var(),
                "RuntimeError: std and var only support floating point and complex dtypes"),
    "std_mean_int": (lambda m: m.std_mean(m.tensor([1, 2])),
                     "RuntimeError: std_mean only support floating point and complex dtypes"),
    "logsumexp_empty_dims": (lambda m: m.logsumexp(m.zeros(2, 3), ()), "RuntimeError: output "
                             "with shape [] doesn't match the broadcast shape [1, 1]"),
    "norm_int": (lambda m: m.norm(m.tensor([1, 2])), "RuntimeError: linalg.vector_norm: Expected "
                 "a floating point or complex tensor as input. Got Long"),
    "norm_dtype_int": (lambda m: m.norm(m.zeros(2), 3, dtype=m.int64), "RuntimeError: "
                       "linalg.vector_norm: dtype should be floating point or complex, but got "
                       "Long"),
    "norm_narrowing": (lambda m: m.norm(m.zeros(2), 3, dtype=m.float16), "RuntimeError: "
                       "linalg.vector_norm: the dtype of the input (Float) should be convertible "
                       "without narrowing to the specified dtype (Half)"),
    "norm_inf_empty": (lambda m: m.norm(m.zeros(0, 3), INF), "RuntimeError: linalg.vector_norm "
                       "cannot compute the inf norm on an empty tensor because the operation does "
                       "not have an identity"),
    "norm_neg_inf_dim": (lambda m: m.norm(m.zeros(0, 3), -INF, 0), "RuntimeError: "
                         "linalg.vector_norm cannot compute the -inf norm on the dimension "
                         "0because this dimension is empty and the operation does not have an "
                         "identity"),
    "norm_order": (lambda m: m.norm(m.zeros(2, 2), "foo"),
                   "RuntimeError: linalg.matrix_norm: Order foo not supported."),
    "norm_fro_3_dims": (lambda m: m.norm(m.zeros(1, 1, 1), "fro", (0, 1, 2)),
                        "RuntimeError: linalg.matrix_norm: dim must be a 2-tuple. Got 0 1 2"),
    "median_bool": (lambda m: m.tensor([True]).median(),
                    "NotImplementedError: \"median_cpu\" not implemented for 'Bool'"),
    "median_size0": (lambda m: m.zeros(0, 3).median(0),
                     "IndexError: median(): Expected reduction dim 0 to have non-zero size."),
    "mode_size0": (lambda m: m.zeros(0, 3).mode(0),
                   "IndexError: mode(): Expected reduction dim 0 to have non-zero size."),
    "kthvalue_k": (lambda m: m.zeros(2, 3).kthvalue(4),
                   "RuntimeError: kthvalue(): selected number k out of range for dimension 1"),
    "kthvalue_bool": (lambda m: m.tensor([True]).kthvalue(1),
                      "NotImplementedError: \"kthvalue_cpu\" not implemented for 'Bool'"),
    "topk_k": (lambda m: m.zeros(2, 3).topk(4), "RuntimeError: selected index k out of range"),
    "topk_bool": (lambda m: m.tensor([True]).topk(1),
                  "RuntimeError: topk does not support bool dtypes on CPU"),
    "sort_dim": (lambda m: m.zeros(2, 3).sort(2), "IndexError: Dimension out of range (expected "
                 "to be in range of [-2, 1], but got 2)"),
    "cumsum_dim": (lambda m: m.zeros(2, 3).cumsum(-3), "IndexError: Dimension out of range "
                   "(expected to be in range of [-2, 1], but got -3)"),
    "logsumexp_no_dim": (lambda m: m.logsumexp(m.zeros(2)),
                         "TypeError: logsumexp() missing 1 required positional arguments: \"dim\""),
}


# -- rows ---------------------------------------------------------------------------------------


def _values_rows(name: str, samples, ref_values: Callable, ref_indices: Callable,
                 index_samples=None, **flags) -> list[OpSpec]:
    """``<name>`` (values, differentiable) and ``<name>.indices`` rows of a (values, indices) op."""
    return [OpSpec(name, _op(name, "values"), samples, _ref(ref_values), covers=(name,), **flags),
            OpSpec(f"{name}.indices", _op(name, "indices"), index_samples or samples,
                   _ref(ref_indices), gradcheck=False)]


ROWS: list[OpSpec] = [
    OpSpec("prod", _op("prod"), _prod_samples, _ref(_prod_ref), covers=("prod",)),
    *_values_rows("max", _extremum_samples, _extremum_ref(np.max, np.argmax, 0),
                  _extremum_ref(np.max, np.argmax, 1), _indices_samples),
    *_values_rows("min", _extremum_samples, _extremum_ref(np.min, np.argmin, 0),
                  _extremum_ref(np.min, np.argmin, 1), _indices_samples),
    # max/min(input, other) delegate to the elementwise family's maximum/minimum, once it has them
    *[OpSpec(f"{name}.other", _op(name), _other_samples, _ref(lambda x, y=None, other=None, fn=fn:
                                                             fn(x, other if y is None else y)))
      for name, fn in (("max", np.maximum), ("min", np.minimum)) if hasattr(_elementwise, fn.__name__)],
    OpSpec("amax", _op("amax"), _a_extremum_samples,
           _ref(_reduce_ref(lambda x, a, k: np.amax(x, axis=a, keepdims=k))), covers=("amax",)),
    OpSpec("amin", _op("amin"), _a_extremum_samples,
           _ref(_reduce_ref(lambda x, a, k: np.amin(x, axis=a, keepdims=k))), covers=("amin",)),
    OpSpec("argmax", _op("argmax"), _arg_samples, _ref(_arg_ref(np.argmax)), gradcheck=False,
           covers=("argmax",)),
    OpSpec("argmin", _op("argmin"), _arg_samples, _ref(_arg_ref(np.argmin)), gradcheck=False,
           covers=("argmin",)),
    OpSpec("var", _op("var"), _var_samples, _ref(_var_ref), covers=("var",)),
    OpSpec("std", _op("std"), _std_samples, _ref(lambda x, *a, **k: _var_ref(x, *a, **k, root=True)),
           covers=("std",)),
    OpSpec("var_mean", _pair_op("var_mean"), _moments_samples, _moments_ref(False),
           covers=("var_mean",)),
    OpSpec("std_mean", _pair_op("std_mean"), _moments_samples, _moments_ref(True),
           covers=("std_mean",)),
    OpSpec("logsumexp", _op("logsumexp"), _lse_samples, _ref(_lse_ref), covers=("logsumexp",)),
    OpSpec("norm", _op("norm"), _norm_samples, _ref(_norm_ref), covers=("norm",)),
    OpSpec("cumsum", _op("cumsum"), _scan_samples, _ref(_scan_ref(np.cumsum)), covers=("cumsum",)),
    OpSpec("cumprod", _op("cumprod"), _cumprod_samples, _ref(_scan_ref(np.cumprod)),
           covers=("cumprod",)),
    OpSpec("all", _op("all"), _truth_samples, _ref(_truth_ref(np.all)), gradcheck=False,
           covers=("all",)),
    OpSpec("any", _op("any"), _truth_samples, _ref(_truth_ref(np.any)), gradcheck=False,
           covers=("any",)),
    OpSpec("count_nonzero", _op("count_nonzero"), _count_samples, _ref(_count_ref),
           gradcheck=False, covers=("count_nonzero",)),
    *_values_rows("median", _median_samples, _median_ref(0), _median_ref(1), _median_dim_samples),
    *_values_rows("mode", _mode_samples, _slices(_mode_of)(0), _slices(_mode_of)(1)),
    *_values_rows("sort", _sort_samples, _sort_ref(0), _sort_ref(1)),
    OpSpec("argsort", _op("argsort"), _argsort_samples, _ref(_sort_ref(1)), gradcheck=False,
           covers=("argsort",)),
    *_values_rows("topk", _topk_samples, _topk_ref(0), _topk_ref(1)),
    *_values_rows("kthvalue", _kth_samples, _kth_ref(0), _kth_ref(1)),
    error_row("reduction.errors", ERRORS),
]
