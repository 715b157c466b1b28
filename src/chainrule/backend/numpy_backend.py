"""The NumPy backend: NumPy's own functions plus the few the contract adds."""
from __future__ import annotations

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
