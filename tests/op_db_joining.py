"""op_db rows for joining, splitting and rearranging ops (issue #3): cat/stack and their
inverses, repeat/tile, flip/roll/rot90, moving dims, narrow/select, triangles, diagonals.

Ops that return several tensors (split, chunk, unbind) are sampled twice: one output
(``pick``), and every output joined back (each output then carries a gradient).
"""
from __future__ import annotations

from typing import Iterator

import numpy as np

from op_db import Const, Maker, OpSpec, Sample

# Left out until the engine handles a multi-output node with a single output (it takes the
# one output's gradient for a list and iterates its rows): split/chunk into one piece and
# unbind of a size-1 dim. Repro: torch.split(x, 5, 2)[0].sum().backward() for x of (2, 3, 4).


def _float_dtype(*arrays) -> np.dtype:
    """The float dtype of the sample (integer inputs promote to it, as PyTorch's cat)."""
    return np.result_type(*[a.dtype for a in arrays if a.dtype.kind == "f"])


# -- cat / stack / hstack / vstack --------------------------------------------------------------


def _cat_ref(*xs, dim=0):
    kept = [x for x in xs if x.shape != (0,)]
    return np.concatenate(kept, axis=dim).astype(_float_dtype(*xs))


def _cat_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("dim0", mk.t(2, 3), mk.t(1, 3))
    yield mk.s("dim1_three", mk.t(2, 3), mk.t(2, 1), mk.t(2, 2), dim=1)
    yield mk.s("neg_dim", mk.t(2, 3, 2), mk.t(2, 3, 1), dim=-1)
    yield mk.s("one", mk.t(2, 3))
    yield mk.s("1d", mk.t(3), mk.t(2))
    yield mk.s("T_step", mk.t(3, 2, layout="T"), mk.t(3, 2, layout="step"), dim=1)
    yield mk.s("size0", mk.t(0, 3), mk.t(2, 3))
    yield mk.s("all_size0", mk.t(2, 0), mk.t(2, 0), dim=1)
    yield mk.s("legacy_empty", mk.t(0), mk.t(2, 3), dim=1)
    yield mk.s("int_float", Const(np.arange(6).reshape(2, 3)), mk.t(1, 3))
    yield mk.s("nograd", mk.t(2, 3, requires_grad=False), mk.t(2, 3))


def _stack_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("dim0", mk.t(2, 3), mk.t(2, 3))
    yield mk.s("dim1", mk.t(2, 3), mk.t(2, 3), mk.t(2, 3), dim=1)
    yield mk.s("new_last", mk.t(2, 3), mk.t(2, 3), dim=2)
    yield mk.s("neg_dim", mk.t(2, 3), mk.t(2, 3), dim=-1)
    yield mk.s("0d", mk.t(), mk.t())
    yield mk.s("T_step", mk.t(3, 2, layout="T"), mk.t(3, 2, layout="step"), dim=1)
    yield mk.s("size0", mk.t(0, 2), mk.t(0, 2), dim=1)
    yield mk.s("int_float", Const(np.arange(3)), mk.t(3))


def _stack_ref(*xs, dim=0):
    return np.stack(xs, axis=dim).astype(_float_dtype(*xs))


def _hstack_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("1d", mk.t(3), mk.t(2))
    yield mk.s("2d", mk.t(2, 3), mk.t(2, 1))
    yield mk.s("0d", mk.t(), mk.t(), mk.t(2))
    yield mk.s("3d", mk.t(2, 1, 2), mk.t(2, 3, 2, layout="T"))


def _vstack_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("1d", mk.t(3), mk.t(3))
    yield mk.s("2d_1d", mk.t(2, 3), mk.t(3))
    yield mk.s("0d", mk.t(), mk.t())
    yield mk.s("3d", mk.t(1, 2, 2), mk.t(2, 2, 2, layout="step"))


# -- split / chunk / unbind ---------------------------------------------------------------------


def _pieces(x, size, dim=0):
    """NumPy's pieces of ``x`` for PyTorch's split (an int size or a list of sizes)."""
    n = x.shape[dim]
    sizes = list(size) if isinstance(size, (list, tuple)) else [size] * max(-(-n // size), 1)
    return np.split(x, np.cumsum(sizes)[:-1], axis=dim)


def _split_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("int", mk.t(4, 3), 2)
    yield mk.s("int_uneven_last", mk.t(5, 2), 2, pick=-1)
    yield mk.s("sizes_dim1", mk.t(2, 6), [1, 2, 3], 1, pick=1)
    yield mk.s("neg_dim", mk.t(2, 3, 4), 3, -1, pick=1)
    yield mk.s("T", mk.t(4, 3, layout="T"), 2, 1)
    yield mk.s("step", mk.t(3, 4, layout="step"), [1, 3], -1, pick=1)
    yield mk.s("size0_piece", mk.t(3, 2), [0, 3], pick=0)
    yield mk.s("size0_dim", mk.t(2, 0), [0, 0], 1)


def _split_all_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("int", mk.t(5, 2), 2, 0)
    yield mk.s("sizes", mk.t(2, 6), [1, 2, 3], 1)
    yield mk.s("neg_dim", mk.t(2, 3, 4, layout="T"), 3, -1)
    yield mk.s("size0_piece", mk.t(3, 2), [0, 2, 1], 0)


def _chunk_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("even", mk.t(4, 3), 2)
    yield mk.s("uneven", mk.t(5, 3), 3, pick=-1)
    yield mk.s("fewer", mk.t(6), 4, pick=1)
    yield mk.s("dim_neg", mk.t(2, 5, layout="step"), 2, -1, pick=1)
    yield mk.s("size0", mk.t(2, 0), 3, 1, pick=2)


def _chunk_ref(x, chunks, dim=0, pick=0):
    n = x.shape[dim]
    size = -(-n // chunks)
    pieces = _pieces(x, size, dim) if n else _pieces(x, [0] * chunks, dim)
    return pieces[pick]


def _unbind_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("dim0", mk.t(3, 2))
    yield mk.s("dim1", mk.t(2, 3, 2), 1, pick=-1)
    yield mk.s("neg", mk.t(2, 3), -1, pick=2)
    yield mk.s("1d", mk.t(3), pick=1)
    yield mk.s("T", mk.t(2, 3, layout="T"), 1, pick=1)


def _unbind_all_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("dim0", mk.t(3, 2), 0)
    yield mk.s("neg", mk.t(2, 3, layout="step"), -1)
    yield mk.s("1d", mk.t(3), 0)


# -- views: narrow, select, movedim, swapaxes, unflatten, broadcast_to, diagonal ----------------


def _narrow_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("dim0", mk.t(4, 3), 0, 1, 2)
    yield mk.s("neg_dim", mk.t(2, 5), -1, 2, 3)
    yield mk.s("neg_start", mk.t(4, 3), 0, -3, 2)
    yield mk.s("full", mk.t(3), 0, 0, 3)
    yield mk.s("empty", mk.t(3, 2), 0, 3, 0)
    yield mk.s("T", mk.t(3, 4, layout="T"), 1, 1, 2)


def _narrow_ref(x, dim, start, length):
    start = start % x.shape[dim] if start < 0 else start
    return x[(slice(None),) * (dim % x.ndim) + (slice(start, start + length),)]


def _select_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("dim0", mk.t(3, 4), 0, 1)
    yield mk.s("neg_dim", mk.t(2, 3, 4), -1, 2)
    yield mk.s("neg_index", mk.t(3, 4), 1, -1)
    yield mk.s("1d", mk.t(3), 0, 2)
    yield mk.s("step", mk.t(3, 4, layout="step"), 1, 0)


def _movedim_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("int", mk.t(2, 3, 4), 0, 2)
    yield mk.s("neg", mk.t(2, 3, 4), -1, 0)
    yield mk.s("lists", mk.t(2, 3, 4, 1), (0, 1), (2, 0))
    yield mk.s("same", mk.t(2, 3), 1, 1)
    yield mk.s("0d", mk.t(), 0, -1)
    yield mk.s("T", mk.t(3, 4, layout="T"), 0, 1)


def _movedim_ref(x, source, destination):
    return np.moveaxis(x, source, destination) if x.ndim else x


def _swap_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("0_2", mk.t(2, 3, 4), 0, 2)
    yield mk.s("neg", mk.t(2, 3), -1, 0)
    yield mk.s("0d", mk.t(), 0, -1)
    yield mk.s("step", mk.t(2, 3, layout="step"), 0, 1)


def _swap_ref(x, a, b):
    return np.swapaxes(x, a, b) if x.ndim else x


def _unflatten_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("dim1", mk.t(2, 6), 1, (2, 3))
    yield mk.s("infer", mk.t(2, 6), -1, (-1, 2))
    yield mk.s("dim0_ones", mk.t(4), 0, (1, 4, 1))
    yield mk.s("T", mk.t(4, 3, layout="T"), 0, (2, 2))
    yield mk.s("size0", mk.t(0, 4), 1, (2, 2))


def _unflatten_ref(x, dim, sizes):
    d = dim % x.ndim
    sizes = tuple(x.shape[d] // -np.prod(sizes) if s == -1 else s for s in sizes)
    return x.reshape(x.shape[:d] + sizes + x.shape[d + 1:])


def _broadcast_to_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("col", mk.t(3, 1), (3, 4))
    yield mk.s("lead", mk.t(3), (2, 3))
    yield mk.s("minus1", mk.t(3, 1), (2, -1, 4))
    yield mk.s("same", mk.t(2, 3), (2, 3))
    yield mk.s("0d", mk.t(), (2,))
    yield mk.s("T", mk.t(1, 3, layout="T"), (2, 1, 3))


def _broadcast_to_ref(x, size):
    lead = len(size) - x.ndim
    return np.broadcast_to(x, tuple(x.shape[i - lead] if s == -1 else s for i, s in enumerate(size)))


def _diagonal_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("square", mk.t(3, 3))
    yield mk.s("offset", mk.t(3, 4), 1)
    yield mk.s("neg_offset", mk.t(4, 3), -2)
    yield mk.s("dims", mk.t(2, 3, 4), 0, 2, 0)
    yield mk.s("neg_dims", mk.t(2, 3, 4), 1, -1, -3)
    yield mk.s("empty", mk.t(2, 3), 3)
    yield mk.s("T", mk.t(3, 4, layout="T"), -1)


def _diag_embed_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("1d", mk.t(3))
    yield mk.s("batch", mk.t(2, 3))
    yield mk.s("offset", mk.t(2, 2), 1)
    yield mk.s("neg_offset_dims", mk.t(2, 3), -1, 0, 2)
    yield mk.s("neg_dims", mk.t(2, 3), 0, -1, -3)
    yield mk.s("step", mk.t(2, 3, layout="step"))
    yield mk.s("size0", mk.t(0, 2))


def _diag_embed_ref(x, offset=0, dim1=-2, dim2=-1):
    n = x.shape[-1] + abs(offset)
    out = np.zeros(x.shape[:-1] + (n, n), x.dtype)
    i = np.arange(x.shape[-1])
    out[..., i + max(-offset, 0), i + max(offset, 0)] = x
    return np.moveaxis(out, (-2, -1), (dim1 % (x.ndim + 1), dim2 % (x.ndim + 1)))


def _diag_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("1d", mk.t(3))
    yield mk.s("1d_offset", mk.t(2), 1)
    yield mk.s("1d_neg", mk.t(2, layout="step"), -2)
    yield mk.s("2d", mk.t(3, 3))
    yield mk.s("2d_offset", mk.t(3, 4), 1)
    yield mk.s("2d_T_neg", mk.t(3, 4, layout="T"), -1)
    yield mk.s("2d_empty", mk.t(2, 3), 5)


def _diag_ref(x, diagonal=0):
    return np.diag(x, diagonal).copy()


def _tri_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("square", mk.t(3, 3))
    yield mk.s("k1", mk.t(3, 4), 1)
    yield mk.s("k_neg", mk.t(4, 3), -1)
    yield mk.s("batch", mk.t(2, 3, 3))
    yield mk.s("T", mk.t(3, 4, layout="T"), 2)
    yield mk.s("size0", mk.t(0, 3))


# -- copies: repeat / tile / repeat_interleave / flip / roll / rot90 -----------------------------


def _repeat_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("same_rank", mk.t(2, 3), 2, 1)
    yield mk.s("more", mk.t(2, 3), 2, 1, 3)
    yield mk.s("0d", mk.t(), 3)
    yield mk.s("list", mk.t(3, layout="step"), [2, 2])
    yield mk.s("zero", mk.t(2, 3), 0, 1)
    yield mk.s("T", mk.t(2, 3, layout="T"), 1, 2)


def _tile_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("same_rank", mk.t(2, 3), (2, 1))
    yield mk.s("fewer", mk.t(2, 3), (2,))
    yield mk.s("more", mk.t(3), (2, 2))
    yield mk.s("empty", mk.t(2, 3), ())
    yield mk.s("0d", mk.t(), (2,))
    yield mk.s("T", mk.t(2, 3, layout="T"), (2, 1))


def _repeat_interleave_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("flat", mk.t(2, 3), 2)
    yield mk.s("dim", mk.t(2, 3), 3, 1)
    yield mk.s("neg_dim", mk.t(2, 3), 2, -1)
    yield mk.s("0d", mk.t(), 3)
    yield mk.s("T_flat", mk.t(2, 3, layout="T"), 2)
    yield mk.s("tensor", mk.t(2, 3), Const(np.array([1, 0, 2])), 1)
    yield mk.s("tensor_flat", mk.t(2, 2), Const(np.array([2, 1, 0, 1])))
    yield mk.s("tensor_one", mk.t(3, 2, layout="step"), Const(np.array([2])), 0)


def _repeat_interleave_ref(x, repeats, dim=None):
    return np.repeat(x.reshape(-1) if dim is None else x, repeats, axis=0 if dim is None else dim)


def _flip_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("dim0", mk.t(3, 2), (0,))
    yield mk.s("both", mk.t(2, 3), (0, 1))
    yield mk.s("neg", mk.t(2, 3, 2), [-1, 0])
    yield mk.s("none", mk.t(2, 3), ())
    yield mk.s("0d", mk.t(), (0,))
    yield mk.s("T", mk.t(3, 4, layout="T"), (1,))
    yield mk.s("size0", mk.t(0, 3), (0, 1))


def _flip_varargs_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("varargs", mk.t(2, 3), 0, 1)
    yield mk.s("one", mk.t(2, 3, layout="step"), -1)


def _roll_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("flat", mk.t(2, 3), 2)
    yield mk.s("dim", mk.t(4, 3), 1, 0)
    yield mk.s("neg_shift", mk.t(4, 3), -5, -1)
    yield mk.s("multi", mk.t(3, 4), (1, -2), (0, 1))
    yield mk.s("same_dim_twice", mk.t(5), (1, 2), (0, 0))
    yield mk.s("0d", mk.t(), 1)
    yield mk.s("T", mk.t(3, 4, layout="T"), 1, 1)
    yield mk.s("size0", mk.t(0, 3), 1, 0)


def _roll_ref(x, shifts, dims=None):
    return np.roll(x, shifts, axis=dims) if x.ndim else x


def _rot90_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("default", mk.t(2, 3))
    yield mk.s("k2", mk.t(2, 3), 2)
    yield mk.s("k3", mk.t(2, 3), 3)
    yield mk.s("k0", mk.t(2, 3), 0)
    yield mk.s("k_neg", mk.t(2, 3), -1)
    yield mk.s("dims", mk.t(2, 3, 4), 1, (2, 0))
    yield mk.s("neg_dims", mk.t(2, 3, 4), 1, (-1, -2))
    yield mk.s("T", mk.t(3, 4, layout="T"), 1)


def _rot90_ref(x, k=1, dims=(0, 1)):
    return np.rot90(x, k, axes=dims)


def _pick(fn):
    """A row op calling ``fn(m)(x, *args)`` and returning output number ``pick``."""
    return lambda m, *a, pick=0, **kw: fn(m)(*a, **kw)[pick]


def _picked_ref(fn):
    return lambda *a, pick=0, **kw: fn(*a, **kw)[pick]


def _spec(name: str, op, samples, ref, covers=None, **flags) -> OpSpec:
    return OpSpec(name, op, samples, ref, covers=(name,) if covers is None else covers, **flags)


ROWS = [
    _spec("cat", lambda m, *xs, **kw: m.cat(xs, **kw), _cat_samples, _cat_ref),
    _spec("concat", lambda m, *xs, **kw: m.concat(list(xs), **kw), _cat_samples, _cat_ref),
    _spec("concatenate", lambda m, *xs, dim=0: m.concatenate(xs, axis=dim), _cat_samples, _cat_ref),
    _spec("stack", lambda m, *xs, **kw: m.stack(xs, **kw), _stack_samples, _stack_ref),
    _spec("hstack", lambda m, *xs: m.hstack(xs), _hstack_samples,
          lambda *xs: np.hstack(xs)),
    _spec("vstack", lambda m, *xs: m.vstack(xs), _vstack_samples,
          lambda *xs: np.vstack(xs)),
    _spec("split", _pick(lambda m: m.split), _split_samples, _picked_ref(_pieces)),
    _spec("Tensor.split", lambda m, x, *a, pick=0: x.split(*a)[pick], _split_samples,
          _picked_ref(_pieces), ()),
    _spec("split.all", lambda m, x, size, dim: m.cat(m.split(x, size, dim), dim),
          _split_all_samples, lambda x, size, dim: x, ()),
    _spec("split_with_sizes", _pick(lambda m: m.split_with_sizes),
          lambda mk: (s for s in _split_samples(mk) if isinstance(s.args[1], list)),
          _picked_ref(_pieces)),
    _spec("chunk", _pick(lambda m: m.chunk), _chunk_samples, _chunk_ref),
    _spec("chunk.all", lambda m, x, chunks, dim=0, pick=0: m.cat(x.chunk(chunks, dim), dim),
          _chunk_samples, lambda x, *a, **kw: x, ()),
    _spec("unbind", _pick(lambda m: m.unbind),
          _unbind_samples, lambda x, dim=0, pick=0: np.moveaxis(x, dim, 0)[pick]),
    _spec("unbind.all", lambda m, x, dim: m.stack(x.unbind(dim), dim), _unbind_all_samples,
          lambda x, dim: x, ()),
    _spec("narrow", lambda m, x, *a: m.narrow(x, *a), _narrow_samples, _narrow_ref),
    _spec("select", lambda m, x, *a: m.select(x, *a), _select_samples,
          lambda x, dim, i: np.take(x, i, axis=dim)),
    _spec("movedim", lambda m, x, *a: m.movedim(x, *a), _movedim_samples, _movedim_ref),
    _spec("moveaxis", lambda m, x, *a: x.moveaxis(*a), _movedim_samples, _movedim_ref),
    _spec("swapaxes", lambda m, x, *a: m.swapaxes(x, *a), _swap_samples, _swap_ref),
    _spec("swapdims", lambda m, x, *a: x.swapdims(*a), _swap_samples, _swap_ref),
    _spec("unflatten", lambda m, x, *a: m.unflatten(x, *a), _unflatten_samples, _unflatten_ref),
    _spec("broadcast_to", lambda m, x, size: m.broadcast_to(x, size), _broadcast_to_samples,
          _broadcast_to_ref),
    _spec("diagonal", lambda m, x, *a: m.diagonal(x, *a), _diagonal_samples,
          lambda x, *a: np.diagonal(x, *a)),
    _spec("diag_embed", lambda m, x, *a: m.diag_embed(x, *a), _diag_embed_samples,
          _diag_embed_ref),
    _spec("diag", lambda m, x, *a: m.diag(x, *a), _diag_samples, _diag_ref),
    _spec("tril", lambda m, x, *a: m.tril(x, *a), _tri_samples, np.tril),
    _spec("triu", lambda m, x, *a: m.triu(x, *a), _tri_samples, np.triu),
    _spec("Tensor.tril_", lambda m, x, *a: x.clone().tril_(*a), _tri_samples, np.tril, ()),
    _spec("Tensor.triu_", lambda m, x, *a: (x * 1).triu_(*a), _tri_samples, np.triu, ()),
    _spec("Tensor.repeat", lambda m, x, *a: x.repeat(*a), _repeat_samples,
          lambda x, *a: np.tile(x, tuple(a[0]) if isinstance(a[0], list) else a), ()),
    _spec("tile", lambda m, x, dims: m.tile(x, dims), _tile_samples,
          lambda x, dims: np.tile(x, dims) if dims else x.copy()),
    _spec("repeat_interleave", lambda m, x, *a: m.repeat_interleave(x, *a),
          _repeat_interleave_samples, _repeat_interleave_ref),
    _spec("flip", lambda m, x, dims: m.flip(x, dims), _flip_samples,
          lambda x, dims: np.flip(x, tuple(dims)) if x.ndim else x),
    _spec("Tensor.flip", lambda m, x, *dims: x.flip(*dims), _flip_varargs_samples,
          lambda x, *dims: np.flip(x, dims), ()),
    _spec("roll", lambda m, x, *a: m.roll(x, *a), _roll_samples, _roll_ref),
    _spec("rot90", lambda m, x, *a: m.rot90(x, *a), _rot90_samples, _rot90_ref),
]
