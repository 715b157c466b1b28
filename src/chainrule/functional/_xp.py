"""The differentiable namespace: the ``xp`` rules run on under ``create_graph=True``.

Same names and meaning as the backend's NumPy-spelled functions, built from the
primitives, so every rule that runs on arrays also runs on Tensors and records a
graph: higher-order gradients need no extra code.
"""
from __future__ import annotations

import numpy as np

from .._dispatch import call, wrap
from .._tensor import Tensor
from ..primitives import indexing as I
from ..primitives import pointwise as P
from ..primitives import reduction as R
from ..primitives import shape as S
from . import math as M
from . import shape as F


def _t(x):
    """Arrays as constant Tensors; Tensors and Python numbers as they are."""
    return wrap(x) if isinstance(x, (np.ndarray, np.generic)) else x


def sum_to(x: Tensor, shape: tuple) -> Tensor:
    """Sum ``x`` down to ``shape``, undoing broadcasting."""
    lead = x._data.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        i + lead for i, n in enumerate(shape) if n == 1 and x._data.shape[i + lead] != 1)
    if axes:
        x = call(R.sum_dim, (x,), {"axis": axes, "keepdims": False})
    return call(S.view, (x,), {"shape": shape}) if x._data.shape != shape else x


def cast(x: Tensor, dtype) -> Tensor:
    """``x`` converted to NumPy dtype ``dtype`` (differentiable)."""
    return call(P.to_copy, (x,), {"dtype": dtype})


def broadcast_to(x, shape: tuple) -> Tensor:
    """``x`` broadcast to ``shape`` (ExpandBackward0)."""
    return call(S.expand, (_t(x),), {"shape": tuple(shape)})


def expand_dims(x: Tensor, axis) -> Tensor:
    """``x`` with size-1 dims inserted at the (sorted, non-negative) ``axis``."""
    shape = list(x._data.shape)
    for a in sorted(axis if isinstance(axis, tuple) else (axis,)):
        shape.insert(a, 1)
    return call(S.unsqueeze, (x,), {"shape": tuple(shape)})


def reshape(x: Tensor, shape: tuple) -> Tensor:
    """``x`` reshaped."""
    return F.reshape(_t(x), tuple(shape))


def swapaxes(x, a: int, b: int) -> Tensor:
    """``x`` with axes ``a`` and ``b`` swapped."""
    return F.transpose(_t(x), a, b)


def transpose(x, axes=None) -> Tensor:
    """``x`` with axes permuted (reversed when ``axes`` is None)."""
    x = _t(x)
    if axes is None:
        axes = tuple(range(x._data.ndim - 1, -1, -1))
    return F.permute(x, tuple(axes))


def matmul(a, b) -> Tensor:
    """Matrix product."""
    return M.matmul(_t(a), _t(b))


def outer(a, b) -> Tensor:
    """Outer product of two vectors."""
    return F.unsqueeze(_t(a), 1) * F.unsqueeze(_t(b), 0)


def embed(g: Tensor, shape: tuple, key) -> Tensor:
    """Zeros of ``shape`` with ``g`` at ``key``."""
    return call(I.embed, (g,), {"shape": shape, "key": key})


def accumulate_into(g: Tensor, shape: tuple, key) -> Tensor:
    """Zeros of ``shape`` with ``g`` added at ``key``."""
    return call(I.accumulate_into, (g,), {"shape": shape, "key": key})


def embed_zero(g: Tensor, key) -> Tensor:
    """``g`` with zeros at ``key``."""
    return call(I.copy_slices, (g, 0), {"key": key})


def where(condition, x, y) -> Tensor:
    """Elementwise ``x if condition else y``."""
    cond = condition._data if isinstance(condition, Tensor) else condition
    return call(P.where, (cond, _t(x), _t(y)))


def zeros(shape: tuple, dtype) -> Tensor:
    """A constant Tensor of zeros (a missing output gradient)."""
    return wrap(np.zeros(shape, dtype))


def concatenate(arrays, axis: int = 0) -> Tensor:
    """Join tensors along ``axis`` (differentiable)."""
    return M.cat([_t(a) for a in arrays], axis)


sign, cos, sin, log, exp, sqrt, tanh = M.sign, M.cos, M.sin, M.log, M.exp, M.sqrt, M.tanh


# -- convolution, pooling and normalization rules (primitives/conv.py, primitives/norm.py) --------

import math  # noqa: E402

from ..primitives import conv as _C  # noqa: E402


def multiply(a, b) -> Tensor:
    """Elementwise product; either operand may be a plain array (a constant)."""
    return M.mul(_t(a), _t(b))


def im2col(x, kernel: tuple, dilation: tuple, padding: tuple, stride: tuple,
           batch_last: bool = False) -> Tensor:
    """Sliding-window columns of ``x`` (Im2ColBackward0: differentiable unfold); with
    ``batch_last`` one (C*K, N*L) matrix, as the backend's."""
    cols = call(_C.im2col, (_t(x),), {"kernel": kernel, "dilation": dilation, "padding": padding,
                                      "stride": stride})
    if batch_last:
        cols = reshape(swapaxes(cols, 0, 1), (cols._data.shape[1], -1))
    return cols


def col2im(cols, size: tuple, kernel: tuple, dilation: tuple, padding: tuple, stride: tuple,
           batch_last: bool = False) -> Tensor:
    """Columns summed back into an image (Col2ImBackward0: differentiable fold)."""
    cols = _t(cols)
    if batch_last:  # (C*K, N*L) -> (N, C*K, L)
        windows = math.prod(_C._out_sizes(tuple(size), kernel, stride, padding, dilation))
        ck = cols._data.shape[0]
        cols = swapaxes(reshape(cols, (ck, cols._data.shape[1] // windows, windows)), 0, 1)
    return call(_C.col2im, (cols,), {"size": tuple(size), "kernel": kernel, "dilation": dilation,
                                     "padding": padding, "stride": stride})


def constant_pad(x, pad_width: tuple, value=0) -> Tensor:
    """``x`` padded (or cropped, for negative amounts) by ``value`` (ConstantPadNdBackward0)."""
    return call(_C.constant_pad_nd, (_t(x),), {"pad_width": pad_width, "value": value})


# -- joining and gather/scatter rules (primitives/joining.py, primitives/gather.py) ---------------

from ..primitives import joining as _J  # noqa: E402


def asarray(x) -> Tensor:
    """``x`` as a Tensor: a plain array (an index count, a mask) becomes a constant."""
    return _t(x)


def concatenate(arrays, axis: int = 0) -> Tensor:  # noqa: F811 - replaces the placeholder above
    """Join tensors along ``axis`` (CatBackward0)."""
    arrays = [_t(a) for a in arrays]
    return call(_J.cat, tuple(arrays), {"axis": axis, "sizes": tuple(a._data.shape[axis] for a in arrays)})


def stack(arrays, axis: int = 0) -> Tensor:
    """Join equally shaped tensors along a new dim ``axis`` (StackBackward0)."""
    return call(_J.stack, tuple(_t(a) for a in arrays), {"axis": axis})


def flip(x, axis) -> Tensor:
    """``x`` reversed along the dims ``axis`` (FlipBackward0)."""
    return call(_J.flip, (_t(x),), {"axis": tuple(axis)})


def roll(x, shift, axis=None) -> Tensor:
    """``x`` rolled by ``shift`` along ``axis`` (flattened when None) (RollBackward0)."""
    return call(_J.roll, (_t(x),), {"shift": tuple(shift), "axis": axis})


def rot90(x, k: int = 1, axes: tuple = (0, 1)) -> Tensor:
    """``x`` rotated ``k`` quarter turns in the plane ``axes`` (Rot90Backward0)."""
    return call(_J.rot90, (_t(x),), {"k": k % 4, "axes": tuple(axes)})


def triu(x, k: int = 0) -> Tensor:
    """The upper triangle of (a batch of) matrices, from diagonal ``k`` up (TriuBackward0)."""
    return call(_J.triu, (_t(x),), {"k": k})


# -- activations and losses (their rules' vocabulary) -----------------------------------------


def maximum(a, b) -> Tensor:
    """Elementwise maximum (the gradient goes to ``a`` at ties)."""
    a, b = _t(a), _t(b)
    return where(a >= b, a, b)


def log1p(x) -> Tensor:
    """``log(1 + x)``, exact for small x (Log1PBackward0)."""
    return _E.log1p(_t(x))


def erf(x) -> Tensor:
    """The error function (ErfBackward0)."""
    return _E.erf(_t(x))


# -- elementwise rules (primitives/elementwise.py) ------------------------------------------------

from . import elementwise as _E  # noqa: E402

sinh, cosh, floor, trunc, fmod, isfinite = (_E.sinh, _E.cosh, _E.floor, _E.trunc, _E.fmod,
                                            _E.isfinite)


# -- reduction rules (primitives/reduction.py, primitives/sorting.py) -----------------------------

from . import reduction as _Rd  # noqa: E402


def sum(x, axis=None, keepdims: bool = False) -> Tensor:
    """Sum over ``axis`` (an int, a tuple, or None for all)."""
    x = _t(x)
    if axis is None:
        axis = tuple(range(x._data.ndim))
    return M.sum(x, axis, keepdims)


def prod(x, axis: int, keepdims: bool = False) -> Tensor:
    """Product along one ``axis``."""
    return _Rd.prod(_t(x), axis, keepdims)


def cumsum(x, axis: int) -> Tensor:
    """Cumulative sum along ``axis`` (bools count in int64)."""
    return _Rd.cumsum(_t(x), axis)


def cumprod(x, axis: int) -> Tensor:
    """Cumulative product along ``axis``."""
    return _Rd.cumprod(_t(x), axis)


def any(x) -> Tensor:
    """Whether any element is nonzero (a 0-d bool tensor; ``if`` reads it)."""
    return _Rd.any(_t(x))


abs, isnan, logical_and, logical_or = M.abs, _E.isnan, _E.logical_and, _E.logical_or


# -- linear algebra rules (primitives/linalg.py) --------------------------------------------------

from types import SimpleNamespace  # noqa: E402

from ..primitives import linalg as _L  # noqa: E402


def eye(n: int, m: int | None = None, k: int = 0) -> Tensor:
    """A constant identity-like matrix (ones on diagonal ``k``)."""
    return wrap(np.eye(n, m, k))


def tril(x, k: int = 0) -> Tensor:
    """The lower triangle of (a batch of) matrices, from diagonal ``k`` down."""
    x = _t(x)
    n, m = x._data.shape[-2:]
    return M.mul(x, wrap(np.tri(n, m, k, dtype=x._data.dtype)))


def cross(a, b, axis: int = -1) -> Tensor:
    """Cross product of 3-vectors along ``axis`` (LinalgCrossBackward0)."""
    return call(_L.linalg_cross, (_t(a), _t(b)), {"axis": axis})


def _linalg_inv(a) -> Tensor:
    return call(_L.inv, (_t(a),))


def _linalg_det(a) -> Tensor:
    return call(_L.det, (_t(a),))


def _linalg_solve(a, b) -> Tensor:
    return call(_L.solve, (_t(a), _t(b)), {"left": True, "vector": False})


def _linalg_qr(a, mode: str = "reduced") -> tuple:
    return call(_L.qr, (_t(a),), {"mode": mode})


def _linalg_eigh(a, UPLO: str = "L") -> tuple:
    return call(_L.eigh, (_t(a),), {"uplo": UPLO})


def _linalg_svd(a, full_matrices: bool = True) -> tuple:
    return call(_L.svd, (_t(a),), {"full_matrices": full_matrices})


#: ``xp.linalg``: the decompositions and solves the rules recompute, recorded
linalg = SimpleNamespace(inv=_linalg_inv, det=_linalg_det, solve=_linalg_solve, qr=_linalg_qr,
                         eigh=_linalg_eigh, svd=_linalg_svd)
