"""The NumPy backend: NumPy's own functions plus the few the contract adds."""
from __future__ import annotations

import math as _math

import numpy as _np
from numpy import *  # noqa: F401,F403  (the backend *is* NumPy's namespace, re-exported)

name = "numpy"
device = "cpu"


def sum_to(x, shape: tuple):
    """Sum ``x`` down to ``shape``, undoing broadcasting (leading dims, then size-1 dims)."""
    lead = x.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        i + lead for i, n in enumerate(shape) if n == 1 and x.shape[i + lead] != 1)
    if axes:
        x = x.sum(axis=axes, keepdims=True)
        if lead:
            x = x.reshape(shape)
    return x


def ensure_array(x):
    """Return ``x`` as a mutable ndarray (NumPy scalars become 0-d arrays)."""
    return x if type(x) is _np.ndarray else _np.array(x)


def cast(x, dtype):
    """``x`` converted to NumPy dtype ``dtype``."""
    return x.astype(dtype)


def embed(g, shape: tuple, key):
    """Zeros of ``shape`` with ``g`` written at ``key`` (the adjoint of basic indexing)."""
    out = _np.zeros(shape, dtype=g.dtype)
    out[key] = g
    return out


def accumulate_into(g, shape: tuple, key):
    """Zeros of ``shape`` with ``g`` added at ``key``, repeated indices summed."""
    out = _np.zeros(shape, dtype=g.dtype)
    _np.add.at(out, key, g)
    return out


def embed_zero(g, key):
    """A copy of ``g`` with zeros written at ``key``."""
    out = _np.array(g, copy=True)
    out[key] = 0
    return out


def put_key(x, key, value):
    """A copy of ``x`` with ``value`` written at ``key``."""
    out = _np.array(x, copy=True)
    out[key] = value
    return out


# -- the error function family (NumPy has none): computed in float64, returned in x's dtype --

_ERF = _np.frompyfunc(_math.erf, 1, 1)
_ERFC = _np.frompyfunc(_math.erfc, 1, 1)
_SQRT_PI_2 = _math.sqrt(_math.pi) / 2


def _f64(ufunc, x):
    """An object-dtype ufunc of ``math`` on ``x`` as a float64 array (0-d included)."""
    return _np.asarray(ufunc(x), dtype=_np.float64)


def _in_float64(fn, x):
    """``fn`` (a float64 -> float64 elementwise map) on ``x``, the result in x's float dtype."""
    x = _np.asarray(x)
    out = fn(x.astype(_np.float64))
    return out.astype(x.dtype, copy=False) if x.dtype.kind == "f" else out


def erf(x):
    """The error function, elementwise (C's ``erf``, correctly rounded to a few ulp)."""
    return _in_float64(lambda v: _f64(_ERF, v), x)


def erfc(x):
    """The complementary error function ``1 - erf(x)``, accurate where erf(x) is near 1."""
    return _in_float64(lambda v: _f64(_ERFC, v), x)


def _erfinv64(y):
    """erfinv on float64: Winitzki's closed form (~2e-3), then three Newton steps, each
    quadratic: on ``erf(x) = y`` in the centre, on ``log erfc(|x|) = log(1 - |y|)`` in the
    tails, where ``1 - |y|`` is exact and erf's slope would lose the digits."""
    with _np.errstate(all="ignore"):
        a = 0.147
        ln = _np.log1p(-y * y)
        t = 2 / (_math.pi * a) + ln / 2
        x = _np.copysign(_np.sqrt(_np.sqrt(t * t - ln / a) - t), y)
        tail = _np.abs(y) > 0.5
        for _ in range(3):
            c = _f64(_ERFC, _np.abs(x))
            tail_step = -_np.sign(y) * (_np.log(c) - _np.log1p(-_np.abs(y))) * c
            mid_step = _f64(_ERF, x) - y
            step = _np.where(tail, tail_step, mid_step) * _SQRT_PI_2 * _np.exp(x * x)
            x = _np.where(_np.isfinite(step), x - step, x)
        return _np.where(_np.abs(y) == 1, _np.copysign(_np.inf, y), x)


def erfinv(x):
    """The inverse error function, elementwise: nan outside [-1, 1], +-inf at +-1."""
    return _in_float64(_erfinv64, x)
