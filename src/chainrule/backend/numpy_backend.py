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


# -- sliding windows (convolution, pooling, unfold/fold) -------------------------------------
# (NumPy's star import shadows max/any here: the builtins are spelled out)

from builtins import any as _any  # noqa: E402
from builtins import max as _max  # noqa: E402


def windows(x, kernel: tuple, dilation: tuple, stride: tuple):
    """A read-only strided view (*lead, *out, *kernel) of ``x``'s sliding windows over its
    last ``len(kernel)`` dims (no padding, no copy)."""
    n = len(kernel)
    lead, spatial = x.shape[:-n], x.shape[-n:]
    out = tuple(_max((size - d * (k - 1) - 1) // s + 1, 0)
                for size, k, d, s in zip(spatial, kernel, dilation, stride))
    st = x.strides
    strides = st[:-n] + tuple(t * s for t, s in zip(st[-n:], stride)) + tuple(
        t * d for t, d in zip(st[-n:], dilation))
    return _np.lib.stride_tricks.as_strided(x, lead + out + tuple(kernel), strides, writeable=False)


def constant_pad(x, pad_width: tuple, value=0):
    """``x`` padded by ``value``: ``pad_width`` holds a (before, after) pair per dim, where a
    negative amount crops instead. Always a new array."""
    grow = [(_max(lo, 0), _max(hi, 0)) for lo, hi in pad_width]
    if _any(lo or hi for lo, hi in grow):
        # a filled array and one copy in: 150 -> 43 us on (64, 16, 4, 4), 84 -> 30 on (64, 1, 28, 28)
        out = _np.full([n + lo + hi for n, (lo, hi) in zip(x.shape, grow)], value, dtype=x.dtype)
        out[tuple(slice(lo, lo + n) for n, (lo, _) in zip(x.shape, grow))] = x
        if not _any(lo < 0 or hi < 0 for lo, hi in pad_width):
            return out
    else:
        out = x
    key = tuple(slice(_max(-lo, 0), n - _max(-hi, 0)) for (lo, hi), n in zip(pad_width, out.shape))
    return _np.array(out[key], order="C")


def im2col(x, kernel: tuple, dilation: tuple, padding: tuple, stride: tuple,
           batch_last: bool = False):
    """Columns (N, C * prod(kernel), L) of ``x`` (N, C, *spatial): one column per window.

    ``padding`` holds a (before, after) pair of zeros per spatial dim (a negative amount
    crops). ``batch_last``: one (C * prod(kernel), N * L) matrix instead, so that a
    convolution is one matrix product (NumPy's stacked matmul is several times slower)."""
    n = len(kernel)
    if _any(lo or hi for lo, hi in padding):
        x = constant_pad(x, ((0, 0),) * (x.ndim - n) + tuple(padding))
    win = windows(x, kernel, dilation, stride)  # (N, C, *out, *kernel)
    lead = x.ndim - n
    taps = tuple(range(lead + n, lead + 2 * n))
    spots = tuple(range(lead, lead + n))
    size = 1
    for k in kernel:
        size *= k
    if batch_last:  # (C, *kernel, N, *out)
        return win.transpose((1,) + taps + (0,) + spots).reshape(x.shape[1] * size, -1)
    cols = win.transpose(tuple(range(lead)) + taps + spots)  # (N, C, *kernel, *out)
    return cols.reshape(x.shape[:lead - 1] + (x.shape[lead - 1] * size, -1))


def col2im(cols, size: tuple, kernel: tuple, dilation: tuple, padding: tuple, stride: tuple,
           batch_last: bool = False):
    """The adjoint of ``im2col``: columns (N, C * prod(kernel), L), or (C * prod(kernel),
    N * L) with ``batch_last``, summed back into an (N, C, *size) image, overlapping windows
    adding up. A negative ``after`` padding leaves zeros past the windows' reach (a
    transposed convolution's output_padding)."""
    n = len(kernel)
    padded = tuple(s + lo + hi for s, (lo, hi) in zip(size, padding))
    out_sizes = tuple(_max((p - d * (k - 1) - 1) // s + 1, 0)
                      for p, k, d, s in zip(padded, kernel, dilation, stride))
    if batch_last:  # work in (C, N, ...) and put the batch first at the end
        lead = (cols.shape[0] // _np.prod(kernel, dtype=int),)
        blocks = cols.reshape(lead + tuple(kernel) + (-1,) + out_sizes)
        blocks = _np.moveaxis(blocks, n + 1, 1)  # (C, N, *kernel, *out)
    else:
        blocks = cols.reshape(cols.shape[:-2] + (-1,) + tuple(kernel) + out_sizes)  # (N, C, *kernel, *out)
    lead = blocks.shape[:blocks.ndim - 2 * n]  # (N, C), or (C,) unbatched
    room = tuple(_max(p, lo + s) for p, s, (lo, _) in zip(padded, size, padding))
    # one strided add per kernel offset (prod(kernel) adds, each over every window); on short
    # rows the lead dims (N, C) go innermost, so that each add runs over long contiguous stretches:
    # 0.93 -> 0.25 ms on (64, 16, 4, 4) images, 3.5 -> 1.9 on (16, 128, 8, 8) (3x3 kernel, padding 1)
    planes_last = out_sizes[-1] < 16
    planes, innermost = tuple(range(len(lead))), tuple(range(-len(lead), 0))
    if planes_last:
        blocks = _np.ascontiguousarray(_np.moveaxis(blocks, planes, innermost))
        out = _np.zeros(room + lead, dtype=cols.dtype)
    else:
        out = _np.zeros(lead + room, dtype=cols.dtype)
    for offset in _np.ndindex(*kernel):
        key = tuple(slice(k * d, k * d + s * (o - 1) + 1, s)
                    for k, d, s, o in zip(offset, dilation, stride, out_sizes))
        if planes_last:
            out[key] += blocks[offset]
        else:
            out[(Ellipsis,) + key] += blocks[(Ellipsis,) + offset + (slice(None),) * n]
    if planes_last:
        out = _np.moveaxis(out, innermost, planes)
    if _any(lo or hi for lo, hi in padding):
        out = out[(Ellipsis,) + tuple(slice(lo, lo + s) for s, (lo, _) in zip(size, padding))]
    return _np.ascontiguousarray(_np.swapaxes(out, 0, 1) if batch_last else out)


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
