"""op_db rows for gather/scatter ops (issue #3): gather, scatter (src or value), scatter_add,
scatter_reduce, index_select/add/copy/fill, masked_fill/select/scatter, take,
take_along_dim, nonzero, and the in-place forms (on a clone: a leaf may not be written).

Scatters with repeated indices are sampled only where the result is defined (adding,
reducing); elsewhere PyTorch leaves the winner unspecified.
"""
from __future__ import annotations

from typing import Iterator

import numpy as np

from op_db import Const, Maker, OpSpec, Sample, TArg

_AXIS = (slice(None),)


def _ix(index: np.ndarray, dim: int) -> tuple:
    """NumPy's key for gather/scatter: position p of ``index`` addresses
    ``[p with index[p] along dim]`` (the index may be smaller than the other tensor)."""
    key = list(np.indices(index.shape, sparse=True)) if index.ndim else [index]
    key[dim % max(index.ndim, 1)] = index
    return tuple(key)


def _src(src, index):
    """The part of ``src`` the index addresses (its leading corner)."""
    return src[tuple(slice(0, n) for n in index.shape)] if src.ndim else np.full(index.shape, src)


# -- gather / take / take_along_dim --------------------------------------------------------------


def _gather_ref(x, dim, index):
    return x.reshape(x.shape or (1,))[_ix(index, dim)]


def _gather_samples(mk: Maker) -> Iterator[Sample]:
    ix = mk.idx
    yield mk.s("dim1", mk.t(2, 3), 1, ix([[0, 2, 2], [1, 0, 1]]))
    yield mk.s("dim0_repeat", mk.t(3, 2), 0, ix([[2, 2], [0, 2], [2, 1], [1, 1]]))
    yield mk.s("smaller", mk.t(3, 4), -1, ix([[3], [0]]))
    yield mk.s("3d", mk.t(2, 3, 2), 1, ix([[[0, 1]], [[2, 2]]]))
    yield mk.s("0d", mk.t(), 0, ix(0))
    yield mk.s("0d_repeat", mk.t(), 0, ix([0, 0]))
    yield mk.s("1d_0d_index", mk.t(3), 0, ix(2))
    yield mk.s("T", mk.t(3, 4, layout="T"), 0, ix([[2, 0, 1, 1]]))
    yield mk.s("step", mk.t(2, 4, layout="step"), 1, ix([[3, 3], [1, 0]]))
    yield mk.s("size0", mk.t(2, 3), 1, ix(np.zeros((2, 0))))
    yield mk.s("int32", mk.t(4), 0, Const(np.array([3, 1], dtype=np.int32)))


def _take_samples(mk: Maker) -> Iterator[Sample]:
    ix = mk.idx
    yield mk.s("2d", mk.t(2, 3), ix([0, 5, 5, 2]))
    yield mk.s("neg", mk.t(2, 3), ix([[-1, 0], [-6, 3]]))
    yield mk.s("0d_index", mk.t(4), ix(1))
    yield mk.s("0d", mk.t(), ix([0, 0]))
    yield mk.s("T", mk.t(3, 2, layout="T"), ix([1, 4]))
    yield mk.s("size0", mk.t(2, 3), ix(np.zeros(0)))


def _take_along_dim_ref(x, indices, dim=None):
    if dim is None:
        return x.reshape(-1)[indices.reshape(-1)]
    dim %= x.ndim
    shape = np.broadcast_shapes(x.shape[:dim] + (1,) + x.shape[dim + 1:], indices.shape)
    axis_x, axis_i = x.shape[dim], indices.shape[dim]
    x = np.broadcast_to(x, shape[:dim] + (axis_x,) + shape[dim + 1:])
    return np.take_along_axis(x, np.broadcast_to(indices, shape[:dim] + (axis_i,) + shape[dim + 1:]),
                              axis=dim)


def _take_along_dim_samples(mk: Maker) -> Iterator[Sample]:
    ix = mk.idx
    yield mk.s("flat", mk.t(2, 3), ix([5, 0, 0]))
    yield mk.s("dim1", mk.t(2, 3), ix([[2, 0], [1, 1]]), 1)
    yield mk.s("bcast_index", mk.t(2, 3), ix([[2, 0]]), 1)
    yield mk.s("bcast_input", mk.t(1, 3), ix([[0], [2]]), 1)
    yield mk.s("neg_dim", mk.t(2, 2, 3), ix([[[1]], [[0]]]), -1)
    yield mk.s("T", mk.t(3, 2, layout="T"), ix([[1], [0], [1]]), 1)


# -- scatter family ----------------------------------------------------------------------------


def _scatter_ref(x, dim, index, src=None, value=None):
    out = x.reshape(x.shape or (1,)).copy()
    out[_ix(index, dim)] = _src(src, index) if src is not None else value
    return out.reshape(x.shape)


def _scatter_add_ref(x, dim, index, src):
    out = x.reshape(x.shape or (1,)).copy()
    np.add.at(out, _ix(index, dim), _src(src, index))
    return out.reshape(x.shape)


def _scatter_samples(mk: Maker) -> Iterator[Sample]:
    ix = mk.idx
    yield mk.s("dim0", mk.t(3, 2), 0, ix([[2, 0], [0, 1]]), mk.t(2, 2))
    yield mk.s("neg_dim", mk.t(2, 4), -1, ix([[3, 1], [0, 2]]), mk.t(2, 2))
    yield mk.s("src_bigger", mk.t(2, 3), 1, ix([[2], [0]]), mk.t(2, 2, requires_grad=False))
    yield mk.s("3d", mk.t(2, 3, 2), 1, ix([[[2, 0]], [[1, 1]]]), mk.t(2, 1, 2))
    yield mk.s("0d", mk.t(), 0, ix(0), mk.t())
    yield mk.s("T_step", mk.t(3, 2, layout="T"), 1, ix([[1, 0]]), mk.t(1, 2, layout="step"))
    yield mk.s("size0_index", mk.t(2, 3), 1, ix(np.zeros((2, 0))), mk.t(2, 3, requires_grad=False))
    yield mk.s("nograd_input", mk.t(4, requires_grad=False), 0, ix([3, 1]), mk.t(2))


def _scatter_value_samples(mk: Maker) -> Iterator[Sample]:
    ix = mk.idx
    yield mk.s("float", mk.t(3, 2), 0, ix([[2, 0], [0, 0]]), value=1.5)
    yield mk.s("int", mk.t(2, 4), -1, ix([[3, 3]]), value=2)
    yield mk.s("0d", mk.t(), 0, ix(0), value=-1.0)
    yield mk.s("T", mk.t(3, 2, layout="T"), 1, ix([[1, 0]]), value=0.5)


def _scatter_add_samples(mk: Maker) -> Iterator[Sample]:
    ix = mk.idx
    yield mk.s("repeats", mk.t(3, 2), 0, ix([[2, 0], [2, 0], [1, 0]]), mk.t(3, 2))
    yield mk.s("neg_dim", mk.t(2, 4), -1, ix([[3, 3, 3], [0, 1, 0]]), mk.t(2, 3))
    yield mk.s("src_bigger", mk.t(2, 3), 1, ix([[2], [2]]), mk.t(2, 2, requires_grad=False))
    yield mk.s("0d", mk.t(), 0, ix([0]), mk.t(1))
    yield mk.s("T_step", mk.t(3, 2, layout="T"), 1, ix([[0, 0]]), mk.t(1, 2, layout="step"))
    yield mk.s("size0_index", mk.t(2, 3), 0, ix(np.zeros((0, 3))), mk.t(0, 3))


def _scatter_reduce_ref(x, dim, index, src, reduce, include_self=True):
    out = x.copy().reshape(x.shape or (1,))
    groups: dict = {}
    keys = [k.reshape(-1) for k in np.broadcast_arrays(*_ix(index, dim))]
    for p, v in zip(zip(*keys), _src(src, index).reshape(-1)):
        groups.setdefault(tuple(int(i) for i in p), []).append(v)
    fold = {"sum": np.sum, "prod": np.prod, "mean": np.mean, "amax": np.max, "amin": np.min}
    for p, values in groups.items():
        out[p] = fold[reduce](values + [out[p]] * include_self)
    return out.reshape(x.shape)


def _scatter_reduce_samples(mk: Maker) -> Iterator[Sample]:
    ix = mk.idx
    for reduce in ("sum", "prod", "mean", "amax", "amin"):
        for self_ in (True, False):
            tag = f"{reduce}_{'self' if self_ else 'noself'}"
            yield mk.s(f"{tag}", mk.t(3, 2), 0, ix([[2, 0], [2, 0], [1, 0]]), mk.t(3, 2), reduce,
                       include_self=self_)
            yield mk.s(f"{tag}_1d", mk.t(4, layout="step"), 0, ix([3, 0, 3]), mk.t(3), reduce,
                       include_self=self_)
    yield mk.s("0d", mk.t(), 0, ix(0), mk.t(), "prod")
    yield mk.s("T_src_bigger", mk.t(3, 2, layout="T"), 1, ix([[1], [1], [0]]),
               mk.t(3, 2, requires_grad=False), "amin")


def _scatter_reduce_zeros_samples(mk: Maker) -> Iterator[Sample]:
    """prod with zero factors: one zero in a group (its gradient is the product of the rest),
    two zeros (all gradients 0)."""
    zeros = TArg(np.array([0.0, 1.5, -2.0, 0.5]))
    yield mk.s("one_zero_src", mk.t(3), 0, mk.idx([0, 0, 1, 2]), zeros, "prod")
    yield mk.s("zero_self", TArg(np.array([0.0, 2.0])), 0, mk.idx([0, 0, 1, 1]), mk.t(4), "prod")
    yield mk.s("two_zeros", TArg(np.array([0.0, 2.0])), 0, mk.idx([0, 0, 1, 1]), zeros, "prod",
               gradgradcheck=False)
    yield mk.s("zero_noself", TArg(np.array([0.0, 2.0, 3.0])), 0, mk.idx([0, 0, 1, 1]), zeros,
               "prod", include_self=False)


# -- index_* -----------------------------------------------------------------------------------


def _index_samples(mk: Maker, repeats: bool) -> Iterator[Sample]:
    """(input, dim, index, source) for index_add / index_copy."""
    ix = mk.idx
    dup = [2, 0, 2] if repeats else [2, 0, 1]
    yield mk.s("dim0", mk.t(3, 2), 0, ix(dup), mk.t(3, 2))
    yield mk.s("dim1", mk.t(2, 4), 1, ix(dup[:2]), mk.t(2, 2))
    yield mk.s("neg_dim", mk.t(2, 3, 2), -1, ix([1]), mk.t(2, 3, 1))
    yield mk.s("0d_index", mk.t(4), 0, ix(3), mk.t(1))
    yield mk.s("0d", mk.t(), 0, ix([0]), mk.t())
    yield mk.s("T_step", mk.t(3, 2, layout="T"), 0, ix([2, 0]), mk.t(2, 2, layout="step"))
    yield mk.s("size0_index", mk.t(3, 2), 0, ix(np.zeros(0)), mk.t(0, 2))


def _index_add_ref(x, dim, index, source, alpha=1):
    out = x.copy()
    np.add.at(out.reshape(x.shape or (1,)), _AXIS * (dim % max(x.ndim, 1)) + (index.reshape(-1),),
              alpha * source.reshape(source.shape or (1,)))
    return out


def _index_add_samples(mk: Maker) -> Iterator[Sample]:
    yield from _index_samples(mk, repeats=True)
    yield mk.s("alpha", mk.t(3, 2), 0, mk.idx([1, 1]), mk.t(2, 2), alpha=-2.5)


def _index_copy_ref(x, dim, index, source):
    out = x.copy()
    out.reshape(x.shape or (1,))[_AXIS * (dim % max(x.ndim, 1)) + (index.reshape(-1),)] = \
        source.reshape(source.shape or (1,))
    return out


def _index_fill_ref(x, dim, index, value):
    out = x.copy()
    out.reshape(x.shape or (1,))[_AXIS * (dim % max(x.ndim, 1)) + (index.reshape(-1),)] = value
    return out


def _index_fill_samples(mk: Maker) -> Iterator[Sample]:
    ix = mk.idx
    yield mk.s("dim0", mk.t(3, 2), 0, ix([2, 0]), 1.5)
    yield mk.s("repeats_neg", mk.t(2, 4), 1, ix([-1, 3, 0]), -2)
    yield mk.s("0d_index", mk.t(2, 3), -1, ix(1), 0.5)
    yield mk.s("0d", mk.t(), 0, ix([0]), 3.0)
    yield mk.s("T", mk.t(3, 2, layout="T"), 1, ix([1]), 0.0)
    yield mk.s("tensor_value", mk.t(3, 2), 0, ix([2, 0]), mk.t())
    yield mk.s("tensor_value_nograd", mk.t(2, 3), 1, ix([1]), mk.t(requires_grad=False))
    yield mk.s("size0_index", mk.t(3, 2), 0, ix(np.zeros(0)), mk.t())


def _index_select_samples(mk: Maker) -> Iterator[Sample]:
    ix = mk.idx
    yield mk.s("dim0_repeat", mk.t(3, 2), 0, ix([2, 0, 2]))
    yield mk.s("neg_dim", mk.t(2, 3, 2), -2, ix([1]))
    yield mk.s("0d_index", mk.t(2, 3), 1, ix(2))
    yield mk.s("0d", mk.t(), 0, ix([0]))
    yield mk.s("0d_0d", mk.t(), 0, ix(0))
    yield mk.s("T", mk.t(3, 4, layout="T"), 1, ix([3, 0]))
    yield mk.s("size0_index", mk.t(3, 2), 1, ix(np.zeros(0)))
    yield mk.s("int32", mk.t(3), 0, Const(np.array([1, 1], dtype=np.int32)))


def _index_select_ref(x, dim, index):
    return x if x.ndim == 0 else np.take(x, index.reshape(-1), axis=dim)


# -- masks ---------------------------------------------------------------------------------------


def _masked_fill_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("same", mk.t(2, 3), mk.mask(2, 3), 1.5)
    yield mk.s("bcast_mask", mk.t(2, 3), mk.mask(3), -2)
    yield mk.s("bcast_input", mk.t(3), mk.mask(2, 3), 0.5)
    yield mk.s("0d", mk.t(), Const(np.array(True)), 2.0)
    yield mk.s("T", mk.t(3, 2, layout="T"), mk.mask(3, 2), 0.0)
    yield mk.s("size0", mk.t(0, 3), mk.mask(3), 1.0)
    yield mk.s("tensor_value", mk.t(2, 3), mk.mask(2, 3), mk.t())
    yield mk.s("tensor_value_bcast_input", mk.t(3), mk.mask(2, 3), mk.t())
    yield mk.s("tensor_value_nograd", mk.t(2, 3), mk.mask(2, 3), mk.t(requires_grad=False))


def _masked_fill_ref(x, mask, value):
    return np.where(mask, value, x).astype(x.dtype)


def _masked_select_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("same", mk.t(2, 3), mk.mask(2, 3))
    yield mk.s("bcast_mask", mk.t(2, 3), mk.mask(3))
    yield mk.s("bcast_input", mk.t(3), mk.mask(2, 3))
    yield mk.s("0d", mk.t(), Const(np.array(True)))
    yield mk.s("step", mk.t(2, 3, layout="step"), mk.mask(2, 3))
    yield mk.s("none", mk.t(2, 3), Const(np.zeros((2, 3), bool)))


def _masked_select_ref(x, mask):
    shape = np.broadcast_shapes(x.shape, mask.shape)
    return np.broadcast_to(x, shape)[np.broadcast_to(mask, shape)]


def _masked_scatter_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("same", mk.t(2, 3), mk.mask(2, 3), mk.t(2, 3))
    yield mk.s("src_bigger", mk.t(2, 3), mk.mask(2, 3), mk.t(4, 2))
    yield mk.s("bcast_mask", mk.t(2, 3), mk.mask(3), mk.t(6))
    yield mk.s("bcast_input", mk.t(3), mk.mask(2, 3), mk.t(6))
    yield mk.s("0d", mk.t(), Const(np.array(True)), mk.t())
    yield mk.s("T_step", mk.t(3, 2, layout="T"), mk.mask(3, 2), mk.t(6, layout="step"))
    yield mk.s("none", mk.t(2, 3), Const(np.zeros((2, 3), bool)), mk.t(2))


def _masked_scatter_ref(x, mask, source):
    shape = np.broadcast_shapes(x.shape, mask.shape)
    out = np.broadcast_to(x, shape).copy()
    wide = np.broadcast_to(mask, shape)
    out[wide] = source.reshape(-1)[:wide.sum()]
    return out


def _nonzero_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("2d", Const(np.array([[0.0, 1.5], [2.0, 0.0]])))
    yield mk.s("bool", Const(np.array([True, False, True])))
    yield mk.s("0d", Const(np.array(3.0)))
    yield mk.s("0d_zero", Const(np.array(0)))
    yield mk.s("none", Const(np.zeros((2, 2))))
    yield mk.s("tuple", Const(np.array([[0, 4], [5, 0]])), as_tuple=True, pick=1)
    yield mk.s("tuple_0d", Const(np.array(2.0)), as_tuple=True)


def _nonzero_ref(x, as_tuple=False, pick=0):
    if as_tuple:
        return np.nonzero(x.reshape(x.shape or (1,)))[pick]
    return np.argwhere(x)


def _nonzero_op(m, x, as_tuple=False, pick=0):
    return m.nonzero(x, as_tuple=True)[pick] if as_tuple else m.nonzero(x)


def _clone_then(method: str):
    """An in-place method applied to a clone of the input (a leaf may not be written)."""
    return lambda m, x, *a, **kw: getattr(x.clone(), method)(*a, **kw)


def _spec(name: str, op, samples, ref, covers=None, **flags) -> OpSpec:
    return OpSpec(name, op, samples, ref, covers=(name,) if covers is None else covers, **flags)


def _call(name: str):
    return lambda m, *a, **kw: getattr(m, name)(*a, **kw)


ROWS = [
    _spec("gather", _call("gather"), _gather_samples, _gather_ref),
    _spec("Tensor.gather", lambda m, x, *a: x.gather(*a), _gather_samples, _gather_ref, ()),
    _spec("take", _call("take"), _take_samples, lambda x, i: x.reshape(-1)[i]),
    _spec("take_along_dim", _call("take_along_dim"), _take_along_dim_samples,
          _take_along_dim_ref),
    _spec("scatter", _call("scatter"), _scatter_samples, _scatter_ref),
    _spec("scatter.value", _call("scatter"), _scatter_value_samples, _scatter_ref, ()),
    _spec("Tensor.scatter_", _clone_then("scatter_"), _scatter_samples, _scatter_ref, ()),
    _spec("Tensor.scatter_.value", _clone_then("scatter_"), _scatter_value_samples,
          _scatter_ref, ()),
    _spec("scatter_add", _call("scatter_add"), _scatter_add_samples, _scatter_add_ref),
    _spec("Tensor.scatter_add_", _clone_then("scatter_add_"), _scatter_add_samples,
          _scatter_add_ref, ()),
    _spec("scatter_reduce", _call("scatter_reduce"), _scatter_reduce_samples,
          _scatter_reduce_ref),
    _spec("scatter_reduce.zeros", _call("scatter_reduce"), _scatter_reduce_zeros_samples,
          _scatter_reduce_ref, ()),
    _spec("Tensor.scatter_reduce_", _clone_then("scatter_reduce_"), _scatter_reduce_samples,
          _scatter_reduce_ref, ()),
    _spec("index_select", _call("index_select"), _index_select_samples, _index_select_ref),
    _spec("index_add", _call("index_add"), _index_add_samples, _index_add_ref),
    _spec("Tensor.index_add_", _clone_then("index_add_"), _index_add_samples, _index_add_ref, ()),
    _spec("index_copy", _call("index_copy"), lambda mk: _index_samples(mk, repeats=False),
          _index_copy_ref),
    _spec("Tensor.index_copy_", _clone_then("index_copy_"),
          lambda mk: _index_samples(mk, repeats=False), _index_copy_ref, ()),
    _spec("index_fill", _call("index_fill"), _index_fill_samples, _index_fill_ref),
    _spec("Tensor.index_fill_", _clone_then("index_fill_"), _index_fill_samples,
          _index_fill_ref, ()),
    _spec("masked_fill", _call("masked_fill"), _masked_fill_samples, _masked_fill_ref),
    _spec("Tensor.masked_fill_", _clone_then("masked_fill_"),
          lambda mk: (s for s in _masked_fill_samples(mk) if "bcast_input" not in s.name),
          _masked_fill_ref, ()),
    _spec("masked_select", _call("masked_select"), _masked_select_samples, _masked_select_ref),
    _spec("masked_scatter", _call("masked_scatter"), _masked_scatter_samples,
          _masked_scatter_ref),
    _spec("Tensor.masked_scatter_", _clone_then("masked_scatter_"),
          lambda mk: (s for s in _masked_scatter_samples(mk) if "bcast_input" not in s.name),
          _masked_scatter_ref, ()),
    _spec("nonzero", _nonzero_op, _nonzero_samples, _nonzero_ref, gradcheck=False),
]
