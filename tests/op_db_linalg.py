"""op_db rows of the linear-algebra family: vdot, outer, addmm, baddbmm, einsum, kron,
tensordot, trace, cross, and torch.linalg's norms, inverse, determinants, solve and
decompositions (with their Tensor methods).

Matrices are well-conditioned; SPD/symmetric ones have well-separated eigenvalues, so
every gradient is defined. Decompositions are checked through gauge-invariant functions
of their factors (squares of eigen/singular vectors), the same in both libraries; eigh and
cholesky read one triangle, so their samples are symmetrised inside the op.
"""
from __future__ import annotations

import math
from typing import Iterator

import numpy as np

from op_db import Const, DType, Maker, OpSpec, Sample, TArg

INF = math.inf

# -- argument makers ----------------------------------------------------------------------------


def _t(mk: Maker, *shape: int, layout: str = "contig", requires_grad: bool = True) -> TArg:
    return mk.t(*shape, layout=layout, requires_grad=requires_grad)


def _square(mk: Maker, *shape: int, layout: str = "contig", requires_grad: bool = True,
            flip: bool = False) -> TArg:
    """Well-conditioned square matrices: small random entries on a dominant diagonal;
    ``flip``: the first row negated (a negative determinant)."""
    n = shape[-1]
    v = mk.rng.uniform(-0.5, 0.5, shape) + 2 * np.eye(n)
    if flip:
        v[..., 0, :] *= -1
    return TArg(v, layout, requires_grad)


def _sym(mk: Maker, *shape: int, spd: bool = True, layout: str = "contig") -> TArg:
    """Symmetric matrices with eigenvalues at least 0.5 apart (positive if ``spd``)."""
    n = shape[-1]
    q, _ = np.linalg.qr(mk.rng.standard_normal(shape))
    lam = np.arange(1.0, n + 1) + mk.rng.uniform(0, 0.4, shape[:-1])
    if not spd:
        lam = lam - (n + 1) / 2 - 0.25
    v = (q * lam[..., None, :]) @ np.swapaxes(q, -1, -2)
    return TArg((v + np.swapaxes(v, -1, -2)) / 2, layout)


def _wide(mk: Maker, *shape: int, layout: str = "contig") -> TArg:
    """General matrices with singular values at least 0.2 apart (redrawn until they are)."""
    while True:
        v = mk.rng.standard_normal(shape)
        s = np.linalg.svd(v, compute_uv=False) if 0 not in shape else np.zeros((1,))
        if s.shape[-1] < 2 or (np.min(-np.diff(s, axis=-1)) > 0.2 and np.min(s) > 0.2):
            return TArg(v, layout)

def _printable(make, f):
    """Redraw ``make()`` until no value of ``f`` lies within 3e-6 of a 4-decimal rounding
    boundary: float32 LAPACK results differ between libraries by ~1e-6, and reprs print 4
    decimals."""
    while True:
        arg = make()
        frac = np.abs(f(arg.value)) * 1e4 % 1
        if frac.size == 0 or np.min(np.abs(frac - 0.5)) > 0.03:
            return arg

# -- products -----------------------------------------------------------------------------------


def _vdot_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("3", _t(mk, 3), _t(mk, 3))
    yield mk.s("step", _t(mk, 4, layout="step"), _t(mk, 4))
    yield mk.s("size0", _t(mk, 0), _t(mk, 0))
    yield mk.s("nograd_other", _t(mk, 3), _t(mk, 3, requires_grad=False))
    yield mk.s("int", Const(np.array([1, 2, 3])), Const(np.array([3, 1, 2])), gradcheck=False)


def _outer_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("3x4", _t(mk, 3), _t(mk, 4))
    yield mk.s("step", _t(mk, 3, layout="step"), _t(mk, 2, layout="step"))
    yield mk.s("size0", _t(mk, 0), _t(mk, 2))
    yield mk.s("nograd_vec2", _t(mk, 2), _t(mk, 3, requires_grad=False))


def _addmm_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("2x3@3x4", _t(mk, 2, 4), _t(mk, 2, 3), _t(mk, 3, 4))
    yield mk.s("bias_row", _t(mk, 4), _t(mk, 2, 3), _t(mk, 3, 4))
    yield mk.s("bias_col", _t(mk, 2, 1), _t(mk, 2, 3), _t(mk, 3, 4))
    yield mk.s("bias_0d", _t(mk), _t(mk, 2, 3), _t(mk, 3, 4))
    yield mk.s("beta_alpha", _t(mk, 2, 4), _t(mk, 2, 3), _t(mk, 3, 4), beta=0.5, alpha=-2.0)
    yield mk.s("beta0", _t(mk, 2, 4), _t(mk, 2, 3), _t(mk, 3, 4), beta=0)
    yield mk.s("T", _t(mk, 2, 4, layout="T"), _t(mk, 2, 3, layout="T"), _t(mk, 3, 4, layout="T"))
    yield mk.s("size0_inner", _t(mk, 2, 4), _t(mk, 2, 0), _t(mk, 0, 4))
    yield mk.s("nograd_bias", _t(mk, 4, requires_grad=False), _t(mk, 2, 3), _t(mk, 3, 4))


def _baddbmm_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("2x2x3@2x3x4", _t(mk, 2, 2, 4), _t(mk, 2, 2, 3), _t(mk, 2, 3, 4))
    yield mk.s("bias_row", _t(mk, 4), _t(mk, 2, 2, 3), _t(mk, 2, 3, 4))
    yield mk.s("bias_0d", _t(mk), _t(mk, 2, 2, 3), _t(mk, 2, 3, 4))
    yield mk.s("beta_alpha", _t(mk, 1, 2, 4), _t(mk, 2, 2, 3), _t(mk, 2, 3, 4), beta=2.0,
               alpha=0.5)
    yield mk.s("T", _t(mk, 2, 2, 4, layout="T"), _t(mk, 2, 2, 3, layout="T"),
               _t(mk, 2, 3, 4, layout="T"))
    yield mk.s("size0_batch", _t(mk, 0, 2, 4), _t(mk, 0, 2, 3), _t(mk, 0, 3, 4))


def _einsum_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("matmul", "ij,jk->ik", _t(mk, 2, 3), _t(mk, 3, 4))
    yield mk.s("transpose", "ij->ji", _t(mk, 2, 3))
    yield mk.s("diag", "ii->i", _t(mk, 3, 3))
    yield mk.s("trace", "ii", _t(mk, 3, 3))
    yield mk.s("dot", "i,i->", _t(mk, 3), _t(mk, 3))
    yield mk.s("outer", "i,j->ij", _t(mk, 3), _t(mk, 2))
    yield mk.s("hadamard", "ij,ij->ij", _t(mk, 2, 3), _t(mk, 2, 3))
    yield mk.s("bmm", "bij,bjk->bik", _t(mk, 2, 2, 3), _t(mk, 2, 3, 4))
    yield mk.s("chain3", "ij,jk,kl->il", _t(mk, 2, 3), _t(mk, 3, 4), _t(mk, 4, 2))
    yield mk.s("ellipsis", "...ij,...jk", _t(mk, 2, 2, 3), _t(mk, 3, 4))
    yield mk.s("ellipsis_out", "i...->...", _t(mk, 2, 3, 4))
    yield mk.s("implicit", "ij,j", _t(mk, 2, 3), _t(mk, 3))
    yield mk.s("bcast_size1", "ij,j->i", _t(mk, 2, 3), _t(mk, 1))
    yield mk.s("sum_all", "ijk->", _t(mk, 2, 3, 2))
    yield mk.s("repeat3", "iij->j", _t(mk, 3, 3, 2))
    yield mk.s("mixed", "bij,jk->bki", _t(mk, 2, 2, 3), _t(mk, 3, 4))
    yield mk.s("swap_lo_ro", "ij,jk->ki", _t(mk, 2, 3), _t(mk, 3, 4))
    yield mk.s("T", "ij,jk->ik", _t(mk, 2, 3, layout="T"), _t(mk, 3, 4, layout="T"))
    yield mk.s("step", "ij,j->i", _t(mk, 2, 3, layout="step"), _t(mk, 3, layout="step"))
    yield mk.s("spaces", "i j , j k -> i k", _t(mk, 2, 4), _t(mk, 4, 3))
    yield mk.s("upper", "Ab,bC->AC", _t(mk, 2, 3), _t(mk, 3, 2))
    yield mk.s("size0", "ij,jk->ik", _t(mk, 0, 3), _t(mk, 3, 2))
    yield mk.s("nograd_right", "ij,jk->ik", _t(mk, 2, 3), _t(mk, 3, 4, requires_grad=False))


def _einsum_forms(mk: Maker) -> Iterator[Sample]:
    """The sublist form and operands passed as one list."""
    yield mk.s("sublist", _t(mk, 2, 3), [0, 1], _t(mk, 3, 4), [1, 2], [0, 2])
    yield mk.s("sublist_ellipsis", _t(mk, 2, 2, 3), [Ellipsis, 0, 1], _t(mk, 3), [1])
    # (the operands inside a sequence are not leaves of the sample)
    yield mk.s("sequence", "ij,jk", (_t(mk, 2, 3), _t(mk, 3, 4)), gradcheck=False)


def _kron_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("2d_2d", _t(mk, 2, 3), _t(mk, 2, 2))
    yield mk.s("2d_1d", _t(mk, 2, 3), _t(mk, 2))
    yield mk.s("1d_3d", _t(mk, 2), _t(mk, 2, 1, 3))
    yield mk.s("step", _t(mk, 2, 3, layout="step"), _t(mk, 2))
    yield mk.s("size0", _t(mk, 0, 2), _t(mk, 2, 2))
    yield mk.s("nograd_other", _t(mk, 2, 2), _t(mk, 3, requires_grad=False))


def _tensordot_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("dims2", _t(mk, 2, 3, 4), _t(mk, 3, 4, 2))
    yield mk.s("dims1", _t(mk, 2, 3), _t(mk, 3, 4), dims=1)
    yield mk.s("dims0", _t(mk, 2), _t(mk, 3), dims=0)
    yield mk.s("lists", _t(mk, 2, 3, 4), _t(mk, 4, 3), dims=([1, 2], [1, 0]))
    yield mk.s("neg_dims", _t(mk, 2, 3), _t(mk, 2, 4), dims=([-2], [0]))
    yield mk.s("tensor_dims", _t(mk, 2, 3), _t(mk, 3, 4), dims=Const(np.array([[1], [0]])))
    yield mk.s("bcast_right", _t(mk, 2, 3), _t(mk, 1, 4), dims=([1], [0]))
    yield mk.s("bcast_left", _t(mk, 2, 1), _t(mk, 3, 4), dims=([1], [0]))
    yield mk.s("T", _t(mk, 3, 2, layout="T"), _t(mk, 2, 4, layout="T"), dims=1)
    yield mk.s("size0", _t(mk, 0, 3), _t(mk, 3, 2), dims=1)


def _trace_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("3x3", _t(mk, 3, 3))
    yield mk.s("2x4", _t(mk, 2, 4))
    yield mk.s("T", _t(mk, 4, 3, layout="T"))
    yield mk.s("size0", _t(mk, 0, 0))
    yield mk.s("int", Const(np.arange(9).reshape(3, 3)), gradcheck=False)


def _cross_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("dim0", _t(mk, 3, 2), _t(mk, 3, 2), dim=0)
    yield mk.s("neg_dim", _t(mk, 4, 3), _t(mk, 4, 3), dim=-1)
    yield mk.s("bcast", _t(mk, 2, 1, 3), _t(mk, 1, 3, 3), dim=2)
    yield mk.s("T", _t(mk, 2, 3, layout="T"), _t(mk, 2, 3), dim=1)
    yield mk.s("nograd_other", _t(mk, 2, 3), _t(mk, 2, 3, requires_grad=False), dim=1)


def _cross_nodim_samples(mk: Maker) -> Iterator[Sample]:
    yield from _cross_samples(mk)
    yield mk.s("no_dim", _t(mk, 2, 3, 3), _t(mk, 2, 3, 3))


def _np_linalg_cross(a, b, dim=-1):
    return np.cross(a, b, axis=dim)

# -- norms --------------------------------------------------------------------------------------


def _vector_norm_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("default", _t(mk, 2, 3))
    for name, ord in (("1", 1), ("3", 3), ("1.5", 1.5), ("0.5", 0.5), ("inf", INF),
                      ("-inf", -INF), ("-1", -1)):
        yield mk.s(f"ord{name}", _t(mk, 2, 3), ord)
    # PyTorch's ord-0 norm has no gradient (None); chainrule's rules return zeros
    yield mk.s("ord0_nograd", _t(mk, 2, 3, requires_grad=False), 0, gradcheck=False)
    yield mk.s("dim", _t(mk, 2, 3), 2, 1)
    yield mk.s("dims_keepdim", _t(mk, 2, 3, 2), 2, (0, -1), True)
    yield mk.s("inf_dim", _t(mk, 3, 4), INF, 0)
    yield mk.s("all_keepdim", _t(mk, 2, 3), 3, None, True)
    yield mk.s("0d", _t(mk))
    yield mk.s("T", _t(mk, 3, 4, layout="T"), 2, 0)
    yield mk.s("dtype_f64", _t(mk, 2, 3), dtype=DType("float64"))
    yield mk.s("size0", _t(mk, 0, 3))


def _matrix_norm_samples(mk: Maker) -> Iterator[Sample]:
    for name, ord in (("fro", "fro"), ("nuc", "nuc"), ("2", 2), ("-2", -2), ("1", 1),
                      ("-1", -1), ("inf", INF), ("-inf", -INF)):
        yield mk.s(name, _wide(mk, 3, 4), ord)
        yield mk.s(f"{name}_batch_keepdim", _wide(mk, 2, 4, 3), ord, keepdim=True)
    yield mk.s("2_dims_swapped", _wide(mk, 3, 4), 2, (1, 0))
    yield mk.s("1_dims_3d", _t(mk, 3, 2, 4), 1, (-1, 0))
    yield mk.s("inf_dims_keepdim", _t(mk, 3, 2, 4), INF, (0, 2), True)
    yield mk.s("nuc_dims_keepdim", _wide(mk, 3, 2, 4), "nuc", (0, 2), True)
    yield mk.s("T", _wide(mk, 3, 4, layout="T"), -2)
    yield mk.s("dtype_f64", _t(mk, 2, 3), dtype=DType("float64"))


def _norm_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("1d", _t(mk, 4))
    yield mk.s("2d", _t(mk, 2, 3))
    yield mk.s("3d", _t(mk, 2, 3, 2))
    yield mk.s("ord3_1d", _t(mk, 4), 3)
    yield mk.s("ord2_2d", _wide(mk, 3, 4), 2)
    yield mk.s("fro", _t(mk, 3, 4), "fro")
    yield mk.s("nuc", _wide(mk, 3, 4), "nuc")
    yield mk.s("ordinf_2d", _t(mk, 3, 4), INF)
    yield mk.s("ord2_dim", _t(mk, 3, 4), 2, 1)
    yield mk.s("ord1_dims", _t(mk, 2, 3, 4), 1, (0, 2))
    yield mk.s("dim_keepdim", _t(mk, 2, 3, 4), None, (1, 2), True)
    yield mk.s("dtype_f64", _t(mk, 2, 3), dtype=DType("float64"))

# -- inverses, determinants, solves, decompositions ---------------------------------------------


def _square_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("3x3", _square(mk, 3, 3))
    yield mk.s("negdet", _square(mk, 3, 3, flip=True))
    yield mk.s("batch", _square(mk, 2, 3, 3))
    yield mk.s("1x1", _square(mk, 1, 1))
    yield mk.s("T", _square(mk, 2, 4, 4, layout="T"))
    yield mk.s("size0", _square(mk, 0, 0))


def _solve_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("matrix", _square(mk, 3, 3), _t(mk, 3, 2))
    yield mk.s("vector", _square(mk, 3, 3), _t(mk, 3))
    yield mk.s("batch_vector", _square(mk, 2, 3, 3), _t(mk, 2, 3))
    yield mk.s("bcast_A", _square(mk, 3, 3), _t(mk, 2, 3, 2))
    yield mk.s("bcast_B", _square(mk, 2, 3, 3), _t(mk, 3, 2))
    yield mk.s("right", _square(mk, 3, 3), _t(mk, 2, 3), left=False)
    yield mk.s("right_batch", _square(mk, 2, 3, 3), _t(mk, 2, 4, 3), left=False)
    yield mk.s("T", _square(mk, 3, 3, layout="T"), _t(mk, 3, 2, layout="T"))
    yield mk.s("nograd_A", _square(mk, 3, 3, requires_grad=False), _t(mk, 3, 2))
    yield mk.s("nograd_B", _square(mk, 3, 3), _t(mk, 3, 2, requires_grad=False))


def _spd_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("3x3", _sym(mk, 3, 3))
    yield mk.s("batch", _sym(mk, 2, 3, 3))
    yield mk.s("upper", _sym(mk, 3, 3), upper=True)
    yield mk.s("T", _sym(mk, 4, 4, layout="T"))
    yield mk.s("1x1", _sym(mk, 1, 1))


def _eigh_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("3x3", _sym(mk, 3, 3, spd=False))
    yield mk.s("batch", _sym(mk, 2, 3, 3))
    yield mk.s("upper", _sym(mk, 3, 3, spd=False), UPLO="U")
    yield mk.s("T", _sym(mk, 4, 4, spd=False, layout="T"))
    yield mk.s("1x1", _sym(mk, 1, 1))


def _qr_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("tall", _t(mk, 4, 3))
    yield mk.s("wide", _t(mk, 3, 5))
    yield mk.s("square", _t(mk, 3, 3))
    yield mk.s("batch", _t(mk, 2, 4, 3))
    yield mk.s("complete_wide", _t(mk, 2, 3), mode="complete")
    yield mk.s("complete_square", _t(mk, 3, 3), mode="complete")
    yield mk.s("T", _t(mk, 3, 4, layout="T"))


def _qr_r_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("mode_r", _t(mk, 4, 3, requires_grad=False), mode="r")
    yield mk.s("complete_tall", _t(mk, 4, 3, requires_grad=False), mode="complete")


def _svd_samples(mk: Maker) -> Iterator[Sample]:
    def m(*shape, layout="contig"):
        return _printable(lambda: _wide(mk, *shape, layout=layout), _np_svd)
    for full in (True, False):
        tag = "full" if full else "reduced"
        yield mk.s(f"tall_{tag}", m(4, 3), full)
        yield mk.s(f"wide_{tag}", m(3, 4), full)
        yield mk.s(f"square_{tag}", m(3, 3), full)
    yield mk.s("batch", m(2, 3, 4), False)
    yield mk.s("T", m(3, 4, layout="T"), False)


def _svdvals_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("tall", _wide(mk, 4, 3))
    yield mk.s("wide_batch", _wide(mk, 2, 3, 4))

# -- ops as both libraries run them ----------------------------------------------------------------


def _slogdet(m, x):
    r = m.linalg.slogdet(x)
    return r.sign * r.logabsdet


def _cholesky(m, x, **kwargs):
    return m.linalg.cholesky((x + x.mT) / 2, **kwargs)  # one triangle read: symmetrise


def _qr(m, x, **kwargs):
    q, r = m.linalg.qr(x, **kwargs)
    return q @ (r * r)


def _eigh(m, x, **kwargs):
    r = m.linalg.eigh((x + x.mT) / 2, **kwargs)
    # the sign of a vector is free; (+1: no tiny values, whose printed digits are fragile)
    return (r.eigenvectors ** 2 + 1) * r.eigenvalues.unsqueeze(-2)


def _svd(m, x, full_matrices=True):
    u, s, vh = m.linalg.svd(x, full_matrices=full_matrices)
    k = s.shape[-1]
    if full_matrices and x.shape[-2] != x.shape[-1]:
        u, vh = u[..., :k], vh[..., :k, :]
    return (u ** 2 * s.unsqueeze(-2)) @ vh ** 2  # signs of paired vectors are free


# -- NumPy references -------------------------------------------------------------------------------


def _np_tensordot(a, b, dims=2):
    if isinstance(dims, np.ndarray):
        dims = dims.tolist()
    if isinstance(dims, int):
        return np.tensordot(a, b, axes=dims)
    for da, db in zip(*dims):  # a size-1 contracted dim broadcasts: sum the other side
        if b.shape[db] == 1:
            a = a.sum(axis=da, keepdims=True)
        elif a.shape[da] == 1:
            b = b.sum(axis=db, keepdims=True)
    return np.tensordot(a, b, axes=dims)


def _np_cross(a, b, dim=None):
    if dim is None:
        dim = next(i for i, n in enumerate(np.broadcast_shapes(a.shape, b.shape)) if n == 3)
    return np.cross(a, b, axis=dim)


def _np_vector_norm(x, ord=2, dim=None, keepdim=False, dtype=None):
    a = np.abs(x.astype(dtype) if dtype is not None else x)
    axis = dim if not isinstance(dim, list) else tuple(dim)
    if ord == INF or ord == -INF:
        return (np.max if ord > 0 else np.min)(a, axis=axis, keepdims=keepdim)
    if ord == 0:
        return np.sum(a != 0, axis=axis, keepdims=keepdim).astype(a.dtype)
    return np.sum(a ** ord, axis=axis, keepdims=keepdim) ** (1 / ord)


def _np_matrix_norm(x, ord="fro", dim=(-2, -1), keepdim=False, dtype=None):
    x = x.astype(dtype) if dtype is not None else x
    return np.linalg.norm(x, ord, axis=tuple(dim), keepdims=keepdim)


def _np_norm(x, ord=None, dim=None, keepdim=False, dtype=None):
    x = x.astype(dtype) if dtype is not None else x
    if isinstance(dim, int) or ord is None and dim is None or (dim is not None and len(dim) == 1):
        return _np_vector_norm(x, 2 if ord is None else ord, dim, keepdim)
    if dim is None and ord is not None and x.ndim == 1:
        return _np_vector_norm(x, ord)
    return np.linalg.norm(x, ord, axis=dim if dim is None else tuple(dim), keepdims=keepdim)


def _np_solve(a, b, left=True):
    vector = b.ndim == 1 or (b.ndim == a.ndim - 1 and b.shape == a.shape[:-1])
    if vector:
        return np.linalg.solve(a, b[..., None])[..., 0]
    if left:
        return np.linalg.solve(a, b)
    return np.swapaxes(np.linalg.solve(np.swapaxes(a, -1, -2), np.swapaxes(b, -1, -2)), -1, -2)


def _np_cholesky(x, upper=False):
    low = np.linalg.cholesky((x + np.swapaxes(x, -1, -2)) / 2)
    return np.swapaxes(low, -1, -2) if upper else low


def _np_qr(x, mode="reduced"):
    q, r = np.linalg.qr(x, mode=mode)
    return q @ (r * r)


def _np_eigh(x, UPLO="L"):
    lam, v = np.linalg.eigh((x + np.swapaxes(x, -1, -2)) / 2, UPLO=UPLO)
    return (v ** 2 + 1) * lam[..., None, :]


def _np_svd(x, full_matrices=True):
    u, s, vh = np.linalg.svd(x, full_matrices=full_matrices)
    k = s.shape[-1]
    return (u[..., :k] ** 2 * s[..., None, :]) @ vh[..., :k, :] ** 2


def _np_einsum_forms(*args):
    if isinstance(args[0], str) and isinstance(args[1], tuple):
        return np.einsum(args[0], *args[1])
    return np.einsum(*args)


def _np_addmm(c, a, b, beta=1, alpha=1):
    prod = alpha * (a @ b)
    return prod + 0 * c if beta == 0 else beta * c + prod


def _np_slogdet(x):
    sign, logabsdet = np.linalg.slogdet(x)
    return sign * logabsdet


ROWS = [
    OpSpec("vdot", lambda m, x, y: m.vdot(x, y), _vdot_samples, np.vdot, covers=("vdot",)),
    OpSpec("Tensor.vdot", lambda m, x, y: x.vdot(y), _vdot_samples, np.vdot),
    OpSpec("outer", lambda m, x, y: m.outer(x, y), _outer_samples, np.outer, covers=("outer",)),
    OpSpec("Tensor.outer", lambda m, x, y: x.outer(y), _outer_samples, np.outer),
    OpSpec("addmm", lambda m, c, a, b, **kw: m.addmm(c, a, b, **kw), _addmm_samples, _np_addmm,
           covers=("addmm",)),
    OpSpec("Tensor.addmm", lambda m, c, a, b, **kw: c.addmm(a, b, **kw), _addmm_samples,
           _np_addmm),
    OpSpec("baddbmm", lambda m, c, a, b, **kw: m.baddbmm(c, a, b, **kw), _baddbmm_samples,
           _np_addmm, covers=("baddbmm",)),
    OpSpec("Tensor.baddbmm", lambda m, c, a, b, **kw: c.baddbmm(a, b, **kw), _baddbmm_samples,
           _np_addmm),
    OpSpec("einsum", lambda m, *args: m.einsum(*args), _einsum_samples, np.einsum,
           covers=("einsum",)),
    OpSpec("einsum_forms", lambda m, *args: m.einsum(*args), _einsum_forms, _np_einsum_forms),
    OpSpec("kron", lambda m, x, y: m.kron(x, y), _kron_samples, np.kron, covers=("kron",)),
    OpSpec("Tensor.kron", lambda m, x, y: x.kron(y), _kron_samples, np.kron),
    OpSpec("tensordot", lambda m, x, y, **kw: m.tensordot(x, y, **kw), _tensordot_samples,
           _np_tensordot, covers=("tensordot",)),
    OpSpec("trace", lambda m, x: m.trace(x), _trace_samples, np.trace, covers=("trace",)),
    OpSpec("Tensor.trace", lambda m, x: x.trace(), _trace_samples, np.trace),
    # (torch.cross without dim is not sampled: chainrule.cross is linalg.cross, see cross())
    OpSpec("cross", lambda m, x, y, **kw: m.cross(x, y, **kw), _cross_samples, _np_cross,
           covers=("cross",)),
    OpSpec("Tensor.cross", lambda m, x, y, **kw: x.cross(y, **kw), _cross_nodim_samples,
           _np_cross),
    OpSpec("linalg.cross", lambda m, x, y, **kw: m.linalg.cross(x, y, **kw),
           _cross_nodim_samples, _np_linalg_cross),
    OpSpec("linalg.vector_norm", lambda m, x, *a, **kw: m.linalg.vector_norm(x, *a, **kw),
           _vector_norm_samples, _np_vector_norm),
    OpSpec("linalg.matrix_norm", lambda m, x, *a, **kw: m.linalg.matrix_norm(x, *a, **kw),
           _matrix_norm_samples, _np_matrix_norm),
    OpSpec("linalg.norm", lambda m, x, *a, **kw: m.linalg.norm(x, *a, **kw), _norm_samples,
           _np_norm),
    OpSpec("linalg.inv", lambda m, x: m.linalg.inv(x), _square_samples, np.linalg.inv),
    OpSpec("linalg.det", lambda m, x: m.linalg.det(x), _square_samples, np.linalg.det),
    OpSpec("linalg.slogdet", _slogdet, _square_samples, _np_slogdet),
    OpSpec("linalg.solve", lambda m, a, b, **kw: m.linalg.solve(a, b, **kw), _solve_samples,
           _np_solve),
    OpSpec("linalg.cholesky", _cholesky, _spd_samples, _np_cholesky),
    OpSpec("linalg.qr", _qr, _qr_samples, _np_qr),
    OpSpec("linalg.qr_nograd", lambda m, x, **kw: m.linalg.qr(x, **kw).R, _qr_r_samples,
           gradcheck=False, ref=lambda x, mode: np.linalg.qr(x, mode=mode) if mode == "r" else
           np.linalg.qr(x, mode=mode)[1]),
    OpSpec("linalg.eigh", _eigh, _eigh_samples, _np_eigh),
    OpSpec("linalg.svd", _svd, _svd_samples, _np_svd),
    OpSpec("linalg.svdvals", lambda m, x: m.linalg.svdvals(x), _svdvals_samples,
           lambda x: np.linalg.svd(x, compute_uv=False)),
]
