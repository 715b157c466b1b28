"""Linear algebra at the public edge: ``torch.vdot ... einsum`` and ``torch.linalg.*``.

Argument parsing and PyTorch's errors, then primitives (``primitives/linalg.py``) or
composites built exactly where PyTorch composes (``einsum``, ``tensordot``, ``kron``,
``outer``, the matrix norms), so users see PyTorch's graphs.
"""
from __future__ import annotations

import collections
import math
import warnings

import numpy as np

from .. import _dtype
from .._dispatch import call
from .._errors import check_broadcast, dim_out_of_range
from .._tensor import Tensor, _wrap_dim
from ..autograd.grad_mode import no_grad
from ..primitives import linalg as L
from ..primitives import reduction as R
from ..primitives import shape as S
from .einsum import einsum
from .math import _C, _dims, check_batches, check_vectors, mm, mul, sum
from .shape import expand, permute, reshape, unsqueeze


class LinAlgError(RuntimeError):
    """A linear-algebra routine failed on its input (a singular matrix, a matrix that is
    not positive-definite): PyTorch's ``torch.linalg.LinAlgError``."""


# named as PyTorch's, so tracebacks and ``type(err).__name__`` read the same
LinAlgError.__module__, LinAlgError.__name__, LinAlgError.__qualname__ = (
    "torch._C", "_LinAlgError", "_LinAlgError")


def _return_type(name: str, fields: str) -> type:
    """A named tuple printed as PyTorch's ``torch.return_types.<name>``."""
    base = collections.namedtuple(name, fields)

    def __repr__(self) -> str:
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(self._fields, self))
        return f"torch.return_types.{name}(\n{body})"
    cls = type(name, (base,), {"__slots__": (), "__repr__": __repr__, "__str__": __repr__,
                               "__module__": "torch.return_types"})
    return cls


linalg_slogdet = _return_type("linalg_slogdet", "sign logabsdet")
linalg_qr = _return_type("linalg_qr", "Q R")
linalg_eigh = _return_type("linalg_eigh", "eigenvalues eigenvectors")
linalg_svd = _return_type("linalg_svd", "U S Vh")

# -- checks ------------------------------------------------------------------------------------


def _batches(a: np.ndarray):
    """(batch element index or None when unbatched, matrix) over a batch of matrices."""
    flat = a.reshape((-1,) + a.shape[-2:])
    for i, m in enumerate(flat):
        yield (i if a.ndim > 2 else None), m


def _zero_pivot(m: np.ndarray) -> int:
    """LAPACK getrf's info: the 1-based index of the first zero pivot of LU with partial
    pivoting, or 0 (only run to word an error)."""
    m = np.array(m)
    n = m.shape[-1]
    for k in range(n):
        p = k + int(np.argmax(np.abs(m[k:, k])))
        if m[p, k] == 0:
            return k + 1
        m[[k, p]] = m[[p, k]]
        m[k + 1:, k] /= m[k, k]
        m[k + 1:, k + 1:] -= np.outer(m[k + 1:, k], m[k, k + 1:])
    return 0


def _not_positive_definite(m: np.ndarray) -> int:
    """LAPACK potrf's info: the order of the first leading minor that is not positive-
    definite (lower triangle read), or 0."""
    n = m.shape[-1]
    low = np.zeros((n, n), dtype=m.dtype)
    for j in range(n):
        d = m[j, j] - low[j, :j] @ low[j, :j]
        if not d > 0:
            return j + 1
        low[j, j] = np.sqrt(d)
        low[j + 1:, j] = (m[j + 1:, j] - low[j + 1:, :j] @ low[j, :j]) / low[j, j]
    return 0


def _first_failure(a: np.ndarray, info) -> tuple:
    """(batch prefix, info) of the first matrix of ``a`` that ``info`` finds failing."""
    for i, m in _batches(a):
        k = info(m)
        if k:
            return ("" if i is None else f"(Batch element {i}): "), k
    return "", 0


def _lapack(prim, inputs: tuple, attrs: dict, message):
    """``call``, turning a LAPACK failure into PyTorch's LinAlgError(``message()``)."""
    try:
        return call(prim, inputs, attrs)
    except RuntimeError as err:
        if isinstance(err.__context__, np.linalg.LinAlgError):
            raise LinAlgError(message()) from None
        raise

# -- products ------------------------------------------------------------------------------------


def vdot(input: Tensor, other: Tensor) -> Tensor:
    """Dot product of two 1-D tensors (the first conjugated: a no-op for real tensors)."""
    check_vectors(input, other)
    return call(L.vdot, (input, other))


def outer(input: Tensor, vec2: Tensor) -> Tensor:
    """Outer product of two vectors, composed as PyTorch's: ``input.reshape(n, 1) * vec2``."""
    for name, t in (("self", input), ("vec2", vec2)):
        if t._data.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {t._data.ndim}-D")
    return mul(reshape(input, (input._data.shape[0], 1)), vec2)


def _check_bias(input: Tensor, shape: tuple) -> None:
    """``input`` must broadcast to ``shape``; where not, PyTorch raises expand's error."""
    own = input._data.shape
    if len(own) > len(shape) or any(s not in (1, t) for s, t in zip(own[::-1], shape[::-1])):
        with no_grad():
            expand(input, shape)


def addmm(input: Tensor, mat1: Tensor, mat2: Tensor, *, beta=1, alpha=1) -> Tensor:
    """``beta * input + alpha * (mat1 @ mat2)``; ``input`` is ignored when ``beta`` is 0."""
    for name, t in (("mat1", mat1), ("mat2", mat2)):
        if t._data.ndim != 2:
            raise RuntimeError(f"{name} must be a matrix, got {t._data.ndim}-D tensor")
    (n, k), (k2, m) = mat1._data.shape, mat2._data.shape
    if k != k2:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({n}x{k} and {k2}x{m})")
    if input._dtype is not mat2._dtype:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got "
                           f"{input._dtype.c_name} and {mat2._dtype.c_name}")
    if mat1._dtype is not mat2._dtype:
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got "
                           f"{mat1._dtype.c_name} and {mat2._dtype.c_name}")
    _check_bias(input, (n, m))
    return call(L.addmm, (input, mat1, mat2), {"beta": beta, "alpha": alpha})


def _size(t: Tensor, d: int) -> int:
    if d >= t._data.ndim:
        raise dim_out_of_range(d, t._data.ndim)
    return t._data.shape[d]


def baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta=1, alpha=1) -> Tensor:
    """``beta * input + alpha * (batch1 @ batch2)`` for batches of matrices."""
    _check_bias(input, (_size(batch1, 0), _size(batch1, 1), _size(batch2, 2)))
    check_batches(batch1, batch2)
    if batch1._dtype is not batch2._dtype:
        raise RuntimeError(f"expected scalar type {batch2._dtype.c_name} but found "
                           f"{batch1._dtype.c_name}")
    if input._dtype is not batch1._dtype:
        raise RuntimeError(f"Input dtypes must be the same, got: input {_C[input._dtype]}, "
                           f"batch1: {_C[batch1._dtype]}, batch2: {_C[batch2._dtype]}")
    return call(L.baddbmm, (input, batch1, batch2), {"beta": beta, "alpha": alpha})


def kron(input: Tensor, other: Tensor) -> Tensor:
    """Kronecker product, composed as PyTorch's: interleaved size-1 dims, a broadcast
    product, and the pairs of dims merged."""
    nd = max(input._data.ndim, other._data.ndim)
    a = (1,) * (nd - input._data.ndim) + input._data.shape
    b = (1,) * (nd - other._data.ndim) + other._data.shape
    a2 = tuple(s for n in a for s in (n, 1))
    b2 = tuple(s for n in b for s in (1, n))
    prod = mul(call(S.unsafe_view, (input,), {"shape": a2}),
               call(S.unsafe_view, (other,), {"shape": b2}))
    return call(S.unsafe_view, (prod,), {"shape": tuple(x * y for x, y in zip(a, b))})


def _tensordot_dims(a: Tensor, b: Tensor, dims) -> tuple[list, list]:
    """``dims`` (an int, a pair of lists, or a tensor of either) as two lists of dims."""
    if isinstance(dims, Tensor):
        dims = dims.tolist()
    if isinstance(dims, bool) or not isinstance(dims, (int, tuple, list)):
        raise RuntimeError("tensordot expects dims to be int or tuple[list[int], list[int]] or "
                           f"list[list[int]] containing two lists, but got dims={dims}")
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > min(a._data.ndim, b._data.ndim):
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        return list(range(-dims, 0)), list(range(dims))
    dims_a, dims_b = dims
    for d in (dims_a, dims_b):
        if not isinstance(d, (list, tuple)):
            raise TypeError(f"tensordot(): argument 'dims_self' (position 3) must be tuple of "
                            f"ints, not {type(d).__name__}")
    if len(dims_a) != len(dims_b):
        raise RuntimeError("both dimension lists should have same length")
    return list(dims_a), list(dims_b)


def tensordot(a: Tensor, b: Tensor, dims=2, out=None) -> Tensor:
    """Contracts ``dims`` of ``a`` with those of ``b``: composed as PyTorch's (sum the
    broadcast dims, permute, one ``mm``, reshape)."""
    dims_a, dims_b = _tensordot_dims(a, b, dims)
    if a._dtype is not b._dtype:
        raise RuntimeError("both inputs should have same dtype")
    sa, sb = a._data.shape, b._data.shape
    csize, t1, t2 = 1, a, b
    for da, db in zip(dims_a, dims_b):
        s1, s2 = sa[_wrap_dim(da, len(sa))], sb[_wrap_dim(db, len(sb))]
        if s2 == 1:  # a broadcast dim is summed at once
            t1 = sum(t1, da, True)
        elif s1 == 1:
            t2 = sum(t2, db, True)
        elif s1 != s2:
            raise RuntimeError(f"contracted dimensions need to match, but first has size {s1} in "
                               f"dim {da} and second has size {s2} in dim {db}")
        else:
            csize *= s1
    ca, cb = _dim_set(dims_a, len(sa)), _dim_set(dims_b, len(sb))
    keep_a = [i for i in range(len(sa)) if i not in ca]
    keep_b = [i for i in range(len(sb)) if i not in cb]
    size1 = math.prod(t1._data.shape[i] for i in keep_a)
    size2 = math.prod(t2._data.shape[i] for i in keep_b)
    shape = tuple(sa[i] for i in keep_a) + tuple(sb[i] for i in keep_b)
    t1 = reshape(permute(t1, keep_a + dims_a), (size1, csize))
    t2 = reshape(permute(t2, dims_b + keep_b), (csize, size2))
    return reshape(mm(t1, t2), shape)


def _dim_set(dims: list, ndim: int) -> set:
    """Wrapped ``dims``, each at most once (PyTorch's dim_list_to_bitset)."""
    seen: set = set()
    for d in dims:
        w = _wrap_dim(d, ndim)
        if w in seen:
            raise RuntimeError(f"dim {w} appears multiple times in the list of dims")
        seen.add(w)
    return seen


def trace(input: Tensor) -> Tensor:
    """Sum of the main diagonal of a 2-D tensor."""
    if input._data.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim "
                           f"{input._data.ndim}")
    if input._dtype is _dtype.bool_:
        raise NotImplementedError("\"trace\" not implemented for 'Bool'")
    return call(L.trace, (input,))


_CROSS_WARNING = (
    "Using torch.cross without specifying the dim arg is deprecated.\nPlease either pass the "
    "dim explicitly or simply use torch.linalg.cross.\nThe default value of dim will change to "
    "agree with that of linalg.cross in a future release.")


def _tensor_cross(input: Tensor, other: Tensor, dim: int | None = None) -> Tensor:
    """``Tensor.cross``: along ``dim`` (without it: the first dim of size 3, deprecated)."""
    if dim is None:
        warnings.warn(_CROSS_WARNING, UserWarning, stacklevel=2)
        shape = np.broadcast_shapes(input._data.shape, other._data.shape)
        dim = next((i for i, n in enumerate(shape) if n == 3), None)
        if dim is None:
            raise RuntimeError("no dimension of size 3 in input")
    return cross(input, other, dim)


def cross(input: Tensor, other: Tensor, dim: int = -1) -> Tensor:
    """The cross product of 3-vectors along ``dim``, broadcasting (``torch.linalg.cross``).

    It is also ``torch.cross``, whose dim defaults to the first dim of size 3 (with a
    deprecation warning): both names are looked up in this module, and the linalg default
    is the one PyTorch is moving to (``Tensor.cross`` keeps the old one).
    """
    nd = input._data.ndim
    if other._data.ndim != nd:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    axis = _wrap_dim(dim, nd)
    a, b = input._data.shape[axis], other._data.shape[axis]
    if a != 3 or b != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got {a} "
                           f"and {b}")
    if input._dtype is not other._dtype:
        raise RuntimeError(f"expected scalar type {input._dtype.c_name} but found "
                           f"{other._dtype.c_name}")
    return call(L.linalg_cross, (input, other), {"axis": axis})


# -- norms ---------------------------------------------------------------------------------------


def _fmt(x) -> str:
    """A number as PyTorch's C++ prints a double (``2``, ``2.5``, ``inf``, ``1e+20``)."""
    return f"{float(x):g}"


def _check_norm_dtype(x: Tensor, dtype, fname: str) -> None:
    if dtype is not None and (dtype.category != _dtype._FLOAT or dtype.bits < x._dtype.bits):
        raise RuntimeError(f"{fname}: the dtype of the input ({x._dtype.c_name}) should be "
                           f"convertible without narrowing to the specified dtype "
                           f"({dtype.c_name})")


def _check_empty_norm(x: Tensor, ord, axes) -> None:
    """inf and negative norms have no identity: an empty reduction has no value."""
    if x._data.size or not (ord < 0 or ord == math.inf):
        return
    if axes is None:
        raise RuntimeError(f"linalg.vector_norm cannot compute the {_fmt(ord)} norm on an empty "
                           "tensor because the operation does not have an identity")
    for d in axes:
        if x._data.shape[d] == 0:
            raise RuntimeError(f"linalg.vector_norm cannot compute the {_fmt(ord)} norm on the "
                               f"dimension {d}because this dimension is empty and the operation "
                               "does not have an identity")


def vector_norm(x: Tensor, ord=2, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """The ``ord``-norm of ``x`` as a vector, over ``dim`` (all dims when None)."""
    if not isinstance(ord, (int, float)):
        raise TypeError(f"linalg_vector_norm(): argument 'ord' must be Number, not "
                        f"{type(ord).__name__}")
    if x._dtype.category != _dtype._FLOAT:
        raise RuntimeError("linalg.vector_norm: Expected a floating point or complex tensor as "
                           f"input. Got {x._dtype.c_name}")
    _check_norm_dtype(x, dtype, "linalg.vector_norm")
    empty = dim is None or (isinstance(dim, (tuple, list)) and len(dim) == 0)
    axes = None if empty else _dims(dim, x._data.ndim)
    _check_empty_norm(x, ord, axes)
    return call(R.vector_norm, (x,), {"ord": ord, "axis": axes, "keepdims": keepdim,
                                      "dtype": None if dtype is None else dtype.np})


def _max_min(x: Tensor, axis: int, keepdim: bool, largest: bool) -> Tensor:
    return call(R.amax if largest else R.amin, (x,), {"axis": (axis,), "keepdims": keepdim})


def _matrix_norm_dims(A: Tensor, ord, dim, dtype) -> tuple[int, int]:
    """PyTorch's checks of a matrix norm's input; the two wrapped dims."""
    nd = A._data.ndim
    if nd < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 "
                           "dimensions.")
    if A._dtype.category != _dtype._FLOAT:
        raise RuntimeError("linalg.matrix_norm: Expected a floating point or complex tensor as "
                           f"input. Got {A._dtype.c_name}")
    if A._dtype is _dtype.float16 and ord in ("nuc", 2, -2):
        raise RuntimeError("linalg.matrix_norm: Low precision dtypes not supported. Got Half")
    dim = [dim] if isinstance(dim, int) else list(dim)
    if len(dim) != 2:
        raise RuntimeError("linalg.matrix_norm: dim must be a 2-tuple. Got "
                           + " ".join(str(d) for d in dim))
    d0, d1 = _wrap_dim(dim[0], nd), _wrap_dim(dim[1], nd)
    if d0 == d1:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({d0}, {d1})")
    _check_norm_dtype(A, dtype, "linalg.matrix_norm")
    return d0, d1


def _svd_norm(A: Tensor, ord, d0: int, d1: int, keepdim: bool, dtype) -> Tensor:
    """The nuclear (sum) or spectral (max/min) norm from the singular values, the two
    matrix dims moved to the end first (and back, if kept)."""
    nd = A._data.ndim
    if dtype is not None:
        A = A.to(dtype)
    perm = [d for d in range(nd) if d not in (d0, d1)] + [d0, d1]
    s = _svdvals(permute(A, perm))
    if ord == "nuc":
        out = sum(s, -1, keepdim)
    else:
        out = _max_min(s, s._data.ndim - 1, keepdim, ord > 0)
    if keepdim:
        out = permute(unsqueeze(out, -1), sorted(range(nd), key=perm.__getitem__))
    return out


def matrix_norm(A: Tensor, ord="fro", dim=(-2, -1), keepdim: bool = False, *,
                dtype=None) -> Tensor:
    """A matrix norm over the two dims ``dim``: ``'fro'``, ``'nuc'``, 1, -1, 2, -2, inf, -inf."""
    if isinstance(ord, str):
        if ord not in ("fro", "nuc"):
            raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    elif abs(ord) not in (1, 2, math.inf):
        raise RuntimeError(f"linalg.matrix_norm: Order {_fmt(ord)} not supported.")
    d0, d1 = _matrix_norm_dims(A, ord, dim, dtype)
    if ord == "fro":
        return vector_norm(A, 2, (d0, d1), keepdim, dtype=dtype)
    if ord in ("nuc", 2, -2):
        return _svd_norm(A, ord, d0, d1, keepdim, dtype)
    if abs(ord) == math.inf:  # the inf-norm is the 1-norm of the transpose
        d0, d1 = d1, d0
    if not keepdim and d0 < d1:
        d1 -= 1
    return _max_min(vector_norm(A, 1, d0, keepdim, dtype=dtype), d1, keepdim, ord > 0)


def norm(A: Tensor, ord=None, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """A vector norm, or a matrix norm when ``ord`` is given for two dims (or a 2-D input)."""
    nd = A._data.ndim
    if dim is not None:
        dim = [dim] if isinstance(dim, int) else list(dim)
        if len(dim) not in (1, 2):
            raise RuntimeError(f"linalg.norm: If dim is specified, it must be of length 1 or 2. "
                               f"Got {dim}")
    elif ord is not None and nd not in (1, 2):
        raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be "
                           f"1D or 2D. Got {nd}D.")
    if isinstance(ord, str) or (ord is not None and (len(dim) == 2 if dim is not None
                                                     else nd == 2)):
        return matrix_norm(A, ord, [0, 1] if dim is None else dim, keepdim, dtype=dtype)
    return vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype)

# -- inverses, determinants, solves, decompositions ------------------------------------------------

_KERNEL = {"linalg.det": "lu_cpu", "linalg.solve": "lu_cpu", "linalg.cholesky": "cholesky_cpu",
           "linalg.qr": "geqrf_cpu", "linalg.eigh": "linalg_eigh_cpu",
           "linalg.svd": "linalg_svd_cpu", "linalg.svdvals": "linalg_svd_cpu"}


def _check_matrix(a: Tensor, fname: str, square: bool = True) -> None:
    """PyTorch's checks of a (batch of) matrices: at least 2-D, square, floating."""
    shape = a._data.shape
    if len(shape) < 2:
        raise RuntimeError(f"{fname}: The input tensor A must have at least 2 dimensions.")
    if square and shape[-1] != shape[-2]:
        raise RuntimeError(f"{fname}: A must be batches of square matrices, but they are "
                           f"{shape[-2]} by {shape[-1]} matrices")
    if a._dtype.category != _dtype._FLOAT:
        raise RuntimeError(f"{fname}: Expected a floating point or complex tensor as input. "
                           f"Got {a._dtype.c_name}")
    if a._dtype is _dtype.float16:
        if fname in _KERNEL:
            raise NotImplementedError(f"\"{_KERNEL[fname]}\" not implemented for 'Half'")
        raise RuntimeError(f"{fname}: Low precision dtypes not supported. Got Half")


def inv(A: Tensor) -> Tensor:
    """The inverse of a (batch of) square matrices; LinAlgError if one is singular."""
    _check_matrix(A, "linalg.inv")

    def message() -> str:
        prefix, k = _first_failure(A._data, _zero_pivot)
        return (f"linalg.inv: {prefix}The diagonal element {k} is zero, the inversion could not "
                "be completed because the input matrix is singular.")
    return _lapack(L.inv, (A,), {}, message)


def det(A: Tensor) -> Tensor:
    """The determinant of a (batch of) square matrices."""
    _check_matrix(A, "linalg.det")
    return call(L.det, (A,))


def slogdet(A: Tensor) -> tuple:
    """(sign, log|det A|) of a (batch of) square matrices."""
    _check_matrix(A, "linalg.slogdet")
    return linalg_slogdet(*call(L.slogdet, (A,)))


def solve(A: Tensor, B: Tensor, *, left: bool = True) -> Tensor:
    """X with AX = B (``left``) or XA = B; B may be a (batch of) vector(s)."""
    _check_matrix(A, "linalg.solve")
    if A._dtype is not B._dtype:
        raise RuntimeError(f"linalg.solve: Expected A and B to have the same dtype, but found A "
                           f"of type {A._dtype.c_name} and B of type {B._dtype.c_name} instead")
    sa, sb = A._data.shape, B._data.shape
    vector = len(sb) == 1 or (len(sb) == len(sa) - 1 and sb == sa[:-1])
    rows, cols = (sb[-1], 1) if vector else sb[-2:]
    if (rows if left else cols) != sa[-1]:
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation "
                           f"{'AX = B' if left else 'XA = B'} ({sa[-2]}x{sa[-1]} and {rows}x{cols})")
    check_broadcast(sb[:-1] if vector else sb[:-2], sa[:-2])

    def message() -> str:
        prefix, _ = _first_failure(A._data, _zero_pivot)
        return f"torch.linalg.solve: {prefix}The solver failed because the input matrix is singular."
    return _lapack(L.solve, (A, B), {"left": left, "vector": vector}, message)


def cholesky(A: Tensor, *, upper: bool = False) -> Tensor:
    """The Cholesky factor L (A = L L^T), or U = L^T if ``upper``, of SPD matrices."""
    _check_matrix(A, "linalg.cholesky")

    def message() -> str:
        data = np.swapaxes(A._data, -1, -2) if upper else A._data
        prefix, k = _first_failure(data, _not_positive_definite)
        return (f"linalg.cholesky: {prefix}The factorization could not be completed because the "
                f"input is not positive-definite (the leading minor of order {k} is not "
                "positive-definite).")
    return _lapack(L.cholesky, (A,), {"upper": upper}, message)


def qr(A: Tensor, mode: str = "reduced") -> tuple:
    """(Q, R) with A = QR: ``mode`` 'reduced', 'complete', or 'r' (R only, Q empty)."""
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of "
                           "'reduced' (default), 'r', or 'complete'")
    _check_matrix(A, "linalg.qr", square=False)
    return linalg_qr(*call(L.qr, (A,), {"mode": mode}))


def eigh(A: Tensor, UPLO: str = "L") -> tuple:
    """Eigenvalues (ascending) and eigenvectors of symmetric matrices (one triangle read)."""
    if UPLO.upper() not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    _check_matrix(A, "linalg.eigh")
    return linalg_eigh(*call(L.eigh, (A,), {"uplo": UPLO.upper()}))


def svd(A: Tensor, full_matrices: bool = True, *, driver=None) -> tuple:
    """(U, S, Vh) with A = U diag(S) Vh, singular values descending."""
    _check_matrix(A, "linalg.svd", square=False)
    return linalg_svd(*call(L.svd, (A,), {"full_matrices": full_matrices}))


def _svdvals(A: Tensor) -> Tensor:
    """The singular values as PyTorch computes them: output 1 of LinalgSvdBackward0."""
    return call(L.svd, (A,), {"full_matrices": False})[1]


def svdvals(A: Tensor, *, driver=None) -> Tensor:
    """The singular values of a (batch of) matrices, descending."""
    _check_matrix(A, "linalg.svdvals", square=False)
    return _svdvals(A)


__all__ = ["addmm", "baddbmm", "cross", "einsum", "kron", "outer", "tensordot", "trace", "vdot"]

#: names exported as ``chainrule.linalg.<name>``
LINALG_ALL = ["LinAlgError", "cholesky", "cross", "det", "eigh", "inv", "matrix_norm", "norm",
              "qr", "slogdet", "solve", "svd", "svdvals", "vector_norm"]

#: names exported as chainrule.nn.functional.<name>
NN_ALL: list = []

#: Tensor methods this module provides (name -> function taking the tensor first)
METHODS = {"vdot": vdot, "outer": outer, "addmm": addmm, "baddbmm": baddbmm, "kron": kron,
           "trace": trace, "cross": _tensor_cross}
