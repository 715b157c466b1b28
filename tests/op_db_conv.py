"""op_db rows of the conv family (issue #3): linear maps, convolutions, pooling, unfold/fold,
padding and interpolation, as ``nn.functional.<name>`` (and ``torch.<name>`` where PyTorch
has it). Sizes stay tiny: gradcheck costs a backward per output element and two forwards
per input element. References are plain loops over kernel offsets and output positions.
"""
from __future__ import annotations

import itertools
import math
from typing import Iterator

import numpy as np

from op_db import Maker, OpSpec, Sample

# -- references -------------------------------------------------------------------------------------


def _ntuple(v, n: int) -> tuple:
    return (v,) * n if isinstance(v, (int, float)) else tuple(v) * (n if len(tuple(v)) == 1 else 1)


def _linear_ref(x, w, b=None):
    out = x @ w.T
    return out if b is None else out + b


def _bilinear_ref(x1, x2, w, b=None):
    out = np.einsum("...i,oij,...j->...o", x1, w, x2)
    return out if b is None else out + b


def _same_pads(w, dilation, n: int) -> list:
    total = [d * (k - 1) for d, k in zip(_ntuple(dilation, n), w.shape[2:])]
    return [(t // 2, t - t // 2) for t in total]


def _conv_ref(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    """Convolution, one kernel offset at a time: out += w[..., k] . shifted x."""
    n = w.ndim - 2
    unbatched = x.ndim == n + 1
    x = x[None] if unbatched else x
    s, d = _ntuple(stride, n), _ntuple(dilation, n)
    if padding == "same":
        pads = _same_pads(w, dilation, n)
    else:
        pads = [(p, p) for p in _ntuple(0 if padding == "valid" else padding, n)]
    xp = np.pad(x, [(0, 0), (0, 0)] + pads)
    out_sz = [(xp.shape[2 + i] - d[i] * (w.shape[2 + i] - 1) - 1) // s[i] + 1 for i in range(n)]
    g, (o, cg) = groups, w.shape[:2]
    out = np.zeros((x.shape[0], g, o // g) + tuple(out_sz), dtype=x.dtype)
    for k in itertools.product(*(range(kk) for kk in w.shape[2:])):
        key = tuple(slice(k[i] * d[i], k[i] * d[i] + s[i] * (out_sz[i] - 1) + 1, s[i])
                    for i in range(n))
        xs = xp[(slice(None), slice(None)) + key].reshape((x.shape[0], g, cg) + tuple(out_sz))
        wk = w[(Ellipsis,) + k].reshape(g, o // g, cg)
        out += np.einsum("ngc...,goc->ngo...", xs, wk)
    out = out.reshape((x.shape[0], o) + tuple(out_sz))
    if b is not None:
        out = out + b.reshape((1, -1) + (1,) * n)
    return out[0] if unbatched else out


def _conv_transpose_ref(x, w, b=None, stride=1, padding=0, output_padding=0, groups=1,
                        dilation=1):
    """Transposed convolution: each input position scatters w-weighted copies into the output."""
    n = w.ndim - 2
    unbatched = x.ndim == n + 1
    x = x[None] if unbatched else x
    s, p, op, d = (_ntuple(v, n) for v in (stride, padding, output_padding, dilation))
    g, (cin, cout_g) = groups, w.shape[:2]
    size = [(x.shape[2 + i] - 1) * s[i] - 2 * p[i] + d[i] * (w.shape[2 + i] - 1) + op[i] + 1
            for i in range(n)]
    full = np.zeros((x.shape[0], g, cout_g) + tuple(sz + 2 * pp for sz, pp in zip(size, p)),
                    dtype=x.dtype)
    xg = x.reshape((x.shape[0], g, cin // g) + x.shape[2:])
    for k in itertools.product(*(range(kk) for kk in w.shape[2:])):
        key = tuple(slice(k[i] * d[i], k[i] * d[i] + s[i] * (x.shape[2 + i] - 1) + 1, s[i])
                    for i in range(n))
        wk = w[(Ellipsis,) + k].reshape(g, cin // g, cout_g)
        full[(slice(None),) * 3 + key] += np.einsum("ngc...,gco->ngo...", xg, wk)
    crop = tuple(slice(pp, pp + sz) for pp, sz in zip(p, size))
    out = full[(slice(None),) * 3 + crop].reshape((x.shape[0], g * cout_g) + tuple(size))
    if b is not None:
        out = out + b.reshape((1, -1) + (1,) * n)
    return out[0] if unbatched else out


def _pool_size(size, k, p, s, d, ceil_mode):
    out = (size + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil_mode else 0)) // s + 1
    return out - 1 if ceil_mode and (out - 1) * s >= size + p else out


def _max_pool_ref(x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                  return_indices=False, n=2):
    """Max pooling by visiting every output position; indices are flat within the plane."""
    k, p, d = (_ntuple(v, n) for v in (kernel_size, padding, dilation))
    s = k if stride is None else _ntuple(stride, n)
    sizes = x.shape[-n:]
    outs = [_pool_size(sizes[i], k[i], p[i], s[i], d[i], ceil_mode) for i in range(n)]
    vals = np.zeros(x.shape[:-n] + tuple(outs), dtype=x.dtype)
    idx = np.zeros(vals.shape, dtype=np.int64)
    for pos in itertools.product(*(range(o) for o in outs)):
        best = np.full(x.shape[:-n], -np.inf, dtype=x.dtype)
        arg = np.zeros(x.shape[:-n], dtype=np.int64)
        for off in itertools.product(*(range(kk) for kk in k)):
            at = [pos[i] * s[i] - p[i] + off[i] * d[i] for i in range(n)]
            if all(0 <= a < sz for a, sz in zip(at, sizes)):
                v = x[(Ellipsis,) + tuple(at)]
                arg = np.where(v > best, np.ravel_multi_index(at, sizes), arg)
                best = np.maximum(best, v)
        vals[(Ellipsis,) + pos], idx[(Ellipsis,) + pos] = best, arg
    return idx if return_indices else vals


def _avg_pool_ref(x, kernel_size, stride=None, padding=0, ceil_mode=False,
                  count_include_pad=True, divisor_override=None, n=2):
    k, p = _ntuple(kernel_size, n), _ntuple(padding, n)
    s = k if stride is None else _ntuple(stride, n)
    sizes = x.shape[-n:]
    outs = [_pool_size(sizes[i], k[i], p[i], s[i], 1, ceil_mode) for i in range(n)]
    out = np.zeros(x.shape[:-n] + tuple(outs), dtype=x.dtype)
    for pos in itertools.product(*(range(o) for o in outs)):
        starts = [pos[i] * s[i] - p[i] for i in range(n)]
        ends = [min(starts[i] + k[i], sizes[i] + p[i]) for i in range(n)]
        pool = math.prod(e - b for b, e in zip(starts, ends))
        key = tuple(slice(max(b, 0), min(e, sz)) for b, e, sz in zip(starts, ends, sizes))
        total = x[(Ellipsis,) + key].sum(axis=tuple(range(-n, 0)))
        count = math.prod(sl.stop - sl.start for sl in key)
        div = divisor_override or (pool if count_include_pad else count)
        out[(Ellipsis,) + pos] = total / div
    return out


def _adaptive_ref(x, output_size, reduce, return_indices=False):
    outs = _ntuple(output_size, 2)
    sizes = x.shape[-2:]
    outs = tuple(sz if o is None else o for o, sz in zip(outs, sizes))
    out = np.zeros(x.shape[:-2] + outs, dtype=np.int64 if return_indices else x.dtype)
    for i, j in itertools.product(range(outs[0]), range(outs[1])):
        (h0, h1), (w0, w1) = ((a * sz // o, -(-(a + 1) * sz // o))
                              for a, sz, o in ((i, sizes[0], outs[0]), (j, sizes[1], outs[1])))
        win = x[..., h0:h1, w0:w1]
        if return_indices:
            flat = win.reshape(win.shape[:-2] + (-1,)).argmax(-1)
            out[..., i, j] = (h0 + flat // (w1 - w0)) * sizes[1] + w0 + flat % (w1 - w0)
        else:
            out[..., i, j] = reduce(win, axis=(-2, -1))
    return out


def _unfold_ref(x, kernel_size, dilation=1, padding=0, stride=1):
    k, d, p, s = (_ntuple(v, 2) for v in (kernel_size, dilation, padding, stride))
    xp = np.pad(x, [(0, 0)] * (x.ndim - 2) + [(p[0], p[0]), (p[1], p[1])])
    outs = [(xp.shape[-2 + i] - d[i] * (k[i] - 1) - 1) // s[i] + 1 for i in range(2)]
    cols = [xp[..., a * d[0]:a * d[0] + s[0] * (outs[0] - 1) + 1:s[0],
               b * d[1]:b * d[1] + s[1] * (outs[1] - 1) + 1:s[1]]
            for a, b in itertools.product(range(k[0]), range(k[1]))]
    out = np.stack(cols, axis=-3)  # (..., C, K, oh, ow)
    return out.reshape(out.shape[:-4] + (-1, outs[0] * outs[1]))


def _fold_ref(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    size, k, d, p, s = (_ntuple(v, 2) for v in (output_size, kernel_size, dilation, padding,
                                                 stride))
    full = np.zeros(x.shape[:-2] + (x.shape[-2] // (k[0] * k[1]), size[0] + 2 * p[0],
                                    size[1] + 2 * p[1]), dtype=x.dtype)
    outs = [(full.shape[-2 + i] - d[i] * (k[i] - 1) - 1) // s[i] + 1 for i in range(2)]
    blocks = x.reshape(x.shape[:-2] + (-1, k[0], k[1], outs[0], outs[1]))
    for a, b in itertools.product(range(k[0]), range(k[1])):
        full[..., a * d[0]:a * d[0] + s[0] * (outs[0] - 1) + 1:s[0],
             b * d[1]:b * d[1] + s[1] * (outs[1] - 1) + 1:s[1]] += blocks[..., a, b, :, :]
    return full[..., p[0]:p[0] + size[0], p[1]:p[1] + size[1]]


def _pad_ref(x, pad, mode="constant", value=None):
    n = len(pad) // 2
    width = [(0, 0)] * (x.ndim - n) + [(pad[2 * i], pad[2 * i + 1]) for i in reversed(range(n))]
    grow = [(max(a, 0), max(b, 0)) for a, b in width]
    np_mode = {"constant": "constant", "reflect": "reflect", "replicate": "edge"}[mode]
    kw = {"constant_values": value or 0} if mode == "constant" else {}
    out = np.pad(x, grow, mode=np_mode, **kw)
    return out[tuple(slice(max(-a, 0), out.shape[i] - max(-b, 0))
                     for i, (a, b) in enumerate(width))]


def _resize_args(x, size, scale_factor) -> tuple[list, list]:
    n = x.ndim - 2
    if size is not None:
        return list(_ntuple(size, n)), [None] * n
    scales = list(_ntuple(scale_factor, n))
    return [int(math.floor(x.shape[2 + i] * scales[i])) for i in range(n)], scales


def _interpolate_ref(x, size=None, scale_factor=None, mode="nearest", align_corners=None,
                     recompute_scale_factor=None):
    outs, scales = _resize_args(x, size, scale_factor)
    if recompute_scale_factor:
        scales = [None] * len(outs)
    if mode == "area":
        return _adaptive_ref(x, tuple(outs), np.mean)
    out = x
    for i, (o, sc) in enumerate(zip(outs, scales)):
        n, axis = x.shape[2 + i], 2 + i
        dst = np.arange(o)
        if mode == "nearest":
            scale = np.float32(1.0 / sc if sc else np.float32(n) / o)
            src = np.minimum(np.floor(dst.astype(np.float32) * scale).astype(np.int64), n - 1)
            out = np.take(out, dst // 2 if o == 2 * n else dst if o == n else src, axis=axis)
            continue
        t = x.dtype.type
        if align_corners:
            pos = dst.astype(x.dtype) * (t((n - 1) / (o - 1)) if o > 1 else t(0))
        else:
            step = t(1.0 / sc) if sc else t(n) / o
            pos = np.maximum(step * (dst.astype(x.dtype) + t(0.5)) - t(0.5), 0)
        i0 = pos.astype(np.int64)
        i1 = np.minimum(i0 + 1, n - 1)
        lam = (pos - i0).astype(x.dtype)
        shape = [1] * x.ndim
        shape[axis] = o
        lam = lam.reshape(shape)
        out = np.take(out, i0, axis=axis) * (1 - lam) + np.take(out, i1, axis=axis) * lam
    return out


# -- samples -----------------------------------------------------------------------------------------


def _linear_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("2d_bias", mk.t(2, 3), mk.t(4, 3), mk.t(4))
    yield mk.s("2d", mk.t(2, 3), mk.t(4, 3))
    yield mk.s("3d_bias", mk.t(2, 2, 3), mk.t(4, 3), mk.t(4))
    yield mk.s("3d", mk.t(2, 2, 3), mk.t(4, 3))
    yield mk.s("1d_bias", mk.t(3), mk.t(4, 3), mk.t(4))
    yield mk.s("1d", mk.t(3), mk.t(4, 3))
    yield mk.s("T_3d_bias", mk.t(2, 2, 3, layout="T"), mk.t(4, 3), mk.t(4))
    yield mk.s("T_weight", mk.t(2, 3), mk.t(4, 3, layout="T"), mk.t(4))
    yield mk.s("4d_bias", mk.t(2, 1, 2, 3), mk.t(2, 3), mk.t(2))
    yield mk.s("bias_nograd", mk.t(2, 3), mk.t(4, 3), mk.t(4, requires_grad=False))
    yield mk.s("weight_1d", mk.t(2, 3), mk.t(3))
    yield mk.s("size0", mk.t(0, 3), mk.t(4, 3), mk.t(4))


def _bilinear_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("2d_bias", mk.t(2, 3), mk.t(2, 2), mk.t(2, 3, 2), mk.t(2))
    yield mk.s("2d", mk.t(2, 3), mk.t(2, 2), mk.t(2, 3, 2))
    yield mk.s("3d", mk.t(2, 1, 2), mk.t(2, 1, 3), mk.t(2, 2, 3), mk.t(2))
    yield mk.s("1d", mk.t(3), mk.t(2), mk.t(2, 3, 2), mk.t(2))
    yield mk.s("T_input", mk.t(2, 3, layout="T"), mk.t(2, 2), mk.t(2, 3, 2))


def _conv1d_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("bias", mk.t(2, 2, 5), mk.t(3, 2, 3), mk.t(3))
    yield mk.s("stride_pad_dil", mk.t(1, 2, 7), mk.t(2, 2, 2), stride=2, padding=1, dilation=2)
    yield mk.s("groups", mk.t(1, 4, 5), mk.t(2, 2, 2), mk.t(2), groups=2)
    yield mk.s("unbatched", mk.t(2, 5), mk.t(2, 2, 3))
    yield mk.s("same", mk.t(1, 2, 5), mk.t(2, 2, 3), padding="same")
    yield mk.s("valid", mk.t(1, 2, 5), mk.t(2, 2, 3), padding="valid")
    yield mk.s("step", mk.t(1, 2, 5, layout="step"), mk.t(2, 2, 2))


def _conv2d_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("bias", mk.t(2, 2, 4, 4), mk.t(2, 2, 2, 2), mk.t(2))
    yield mk.s("stride2_pad1", mk.t(1, 2, 4, 4), mk.t(2, 2, 3, 3), mk.t(2), stride=2, padding=1)
    yield mk.s("dilation", mk.t(1, 1, 5, 5), mk.t(2, 1, 2, 2), dilation=2)
    yield mk.s("groups", mk.t(1, 4, 3, 3), mk.t(4, 2, 2, 2), mk.t(4), groups=2)
    yield mk.s("depthwise", mk.t(1, 2, 3, 3), mk.t(2, 1, 2, 2), groups=2)
    yield mk.s("tuples", mk.t(1, 1, 5, 4), mk.t(2, 1, 3, 2), stride=(2, 1), padding=(1, 0),
               dilation=(1, 2))
    yield mk.s("same", mk.t(1, 1, 4, 4), mk.t(2, 1, 3, 3), padding="same")
    yield mk.s("same_even_kernel", mk.t(1, 1, 3, 3), mk.t(1, 1, 2, 2), padding="same")
    yield mk.s("valid", mk.t(1, 1, 4, 4), mk.t(1, 1, 2, 3), padding="valid")
    yield mk.s("unbatched", mk.t(2, 3, 3), mk.t(2, 2, 2, 2), mk.t(2))
    yield mk.s("T_input", mk.t(1, 2, 3, 4, layout="T"), mk.t(2, 2, 2, 2))
    yield mk.s("T_weight", mk.t(1, 1, 4, 4), mk.t(2, 1, 2, 3, layout="T"))
    yield mk.s("weight_nograd", mk.t(1, 2, 3, 3), mk.t(2, 2, 2, 2, requires_grad=False), mk.t(2))
    yield mk.s("input_nograd", mk.t(1, 2, 3, 3, requires_grad=False), mk.t(2, 2, 2, 2), mk.t(2))


def _conv3d_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("bias", mk.t(1, 1, 3, 2, 3), mk.t(2, 1, 2, 2, 2), mk.t(2))
    yield mk.s("stride_pad", mk.t(1, 2, 3, 3, 2), mk.t(2, 1, 2, 2, 1), stride=(2, 1, 1),
               padding=(1, 0, 1), groups=2)
    yield mk.s("unbatched", mk.t(1, 2, 3, 3), mk.t(1, 1, 2, 2, 2))


def _conv_transpose1d_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("bias", mk.t(2, 2, 3), mk.t(2, 3, 2), mk.t(3))
    yield mk.s("stride_outpad", mk.t(1, 2, 3), mk.t(2, 1, 3), stride=2, padding=1,
               output_padding=1)
    yield mk.s("groups_dil", mk.t(1, 2, 3), mk.t(2, 1, 2), mk.t(2), 1, 0, 0, 2, 2)
    yield mk.s("unbatched", mk.t(2, 3), mk.t(2, 2, 2))


def _conv_transpose2d_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("bias", mk.t(1, 2, 3, 3), mk.t(2, 2, 2, 2), mk.t(2))
    yield mk.s("stride_pad_outpad", mk.t(1, 2, 2, 3), mk.t(2, 1, 3, 3), stride=2, padding=1,
               output_padding=1)
    yield mk.s("groups", mk.t(1, 4, 2, 2), mk.t(4, 1, 2, 2), mk.t(2), groups=2)
    yield mk.s("dilation_tuples", mk.t(1, 1, 2, 3), mk.t(1, 2, 2, 2), stride=(1, 2),
               dilation=(2, 1), output_padding=(1, 0))
    yield mk.s("unbatched", mk.t(2, 2, 2), mk.t(2, 1, 2, 2))
    yield mk.s("T_input", mk.t(1, 2, 2, 3, layout="T"), mk.t(2, 1, 2, 2))


def _conv_transpose3d_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("bias", mk.t(1, 2, 2, 2, 2), mk.t(2, 1, 2, 2, 2), mk.t(1))
    yield mk.s("stride", mk.t(1, 1, 2, 2, 1), mk.t(1, 1, 2, 1, 2), stride=(2, 1, 1))


def _max_pool2d_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("k2", mk.t(1, 2, 4, 4), 2)
    yield mk.s("k3_s2_p1", mk.t(1, 1, 5, 5), 3, 2, 1)
    yield mk.s("dilation", mk.t(1, 1, 5, 5), 2, stride=1, dilation=2)
    yield mk.s("ceil_mode", mk.t(1, 1, 5, 4), 2, ceil_mode=True)
    yield mk.s("ceil_pad", mk.t(1, 1, 4, 5), (3, 2), stride=2, padding=1, ceil_mode=True)
    yield mk.s("unbatched", mk.t(2, 4, 3), (2, 1))
    yield mk.s("overlap", mk.t(1, 1, 4, 4), 3, 1)
    yield mk.s("T_input", mk.t(1, 2, 3, 4, layout="T"), 2)


def _max_pool1d_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("k2", mk.t(2, 2, 6), 2)
    yield mk.s("k3_s2_p1_ceil", mk.t(1, 2, 6), 3, 2, 1, ceil_mode=True)
    yield mk.s("dilation", mk.t(1, 1, 7), 2, 1, 1, 3)
    yield mk.s("unbatched", mk.t(2, 5), 2)


def _indices_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("k2", mk.t(1, 2, 4, 4), 2, gradcheck=False)
    yield mk.s("k3_s2_p1_ceil", mk.t(1, 1, 5, 6), 3, 2, 1, ceil_mode=True, gradcheck=False)
    yield mk.s("dilation", mk.t(2, 5, 5), 2, 1, 1, 2, gradcheck=False)


def _indices1d_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("k2", mk.t(1, 2, 6), 2, gradcheck=False)
    yield mk.s("k3_p1", mk.t(2, 5), 3, 1, 1, gradcheck=False)


def _avg_pool2d_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("k2", mk.t(1, 2, 4, 4), 2)
    yield mk.s("k3_s2_p1", mk.t(1, 1, 5, 5), 3, 2, 1)
    yield mk.s("exclude_pad", mk.t(1, 1, 5, 5), 3, 2, 1, count_include_pad=False)
    yield mk.s("ceil_mode", mk.t(1, 1, 5, 4), 2, ceil_mode=True)
    yield mk.s("ceil_pad_exclude", mk.t(1, 1, 4, 5), (3, 2), 2, 1, True, False)
    yield mk.s("ceil_pad_include", mk.t(1, 1, 4, 5), (3, 2), 2, 1, True, True)
    yield mk.s("divisor", mk.t(1, 1, 4, 4), 2, divisor_override=3)
    yield mk.s("unbatched", mk.t(2, 4, 3), (2, 1))
    yield mk.s("T_input", mk.t(1, 2, 3, 4, layout="T"), 2, 1)


def _avg_pool1d_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("k2", mk.t(2, 2, 6), 2)
    yield mk.s("k3_s2_p1", mk.t(1, 2, 6), 3, 2, 1)
    yield mk.s("ceil_exclude", mk.t(1, 1, 6), 3, 2, 1, True, False)
    yield mk.s("unbatched", mk.t(2, 5), 2)


def _adaptive_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("2x2", mk.t(1, 2, 4, 4), 2)
    yield mk.s("uneven", mk.t(1, 1, 5, 3), (3, 2))
    yield mk.s("upsample", mk.t(1, 1, 2, 3), (3, 4))
    yield mk.s("none", mk.t(1, 1, 3, 4), (None, 3))
    yield mk.s("unbatched", mk.t(2, 3, 3), 2)
    yield mk.s("T_input", mk.t(1, 1, 3, 4, layout="T"), (2, 3))


def _adaptive_avg_samples(mk: Maker) -> Iterator[Sample]:
    yield from _adaptive_samples(mk)
    yield mk.s("1x1_mean", mk.t(1, 2, 3, 3), 1)


def _adaptive_indices_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("uneven", mk.t(1, 2, 5, 3), (3, 2), gradcheck=False)
    yield mk.s("unbatched", mk.t(2, 3, 3), 2, gradcheck=False)


def _unfold_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("k2", mk.t(1, 2, 3, 3), 2)
    yield mk.s("all_args", mk.t(1, 1, 4, 5), (2, 3), 2, 1, (2, 1))
    yield mk.s("unbatched", mk.t(2, 3, 3), 2, stride=2, padding=1)
    yield mk.s("T_input", mk.t(1, 1, 3, 4, layout="T"), 2)


def _fold_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("k2", mk.t(1, 8, 4), (3, 3), 2)
    yield mk.s("all_args", mk.t(1, 6, 6), (4, 5), (2, 3), 2, 1, (2, 1))
    yield mk.s("unbatched", mk.t(4, 4), 3, 2, stride=2, padding=1)
    yield mk.s("T_input", mk.t(1, 4, 4, layout="T"), (3, 3), 2)


def _pad_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("constant_last", mk.t(2, 3), (1, 2))
    yield mk.s("constant_2d_value", mk.t(1, 2, 3), (1, 0, 2, 1), value=1.5)
    yield mk.s("constant_crop", mk.t(2, 4), (-1, 1, 1, -1))
    yield mk.s("constant_all_dims", mk.t(2, 2), (1, 1, 1, 1))
    yield mk.s("constant_1d", mk.t(3), (2, 1))
    yield mk.s("constant_T", mk.t(3, 4, layout="T"), (1, 1))
    yield mk.s("reflect_1d", mk.t(1, 2, 4), (2, 3), "reflect")
    yield mk.s("reflect_2d", mk.t(1, 1, 3, 4), (1, 2, 2, 0), mode="reflect")
    yield mk.s("reflect_unbatched", mk.t(2, 4), (1, 1), mode="reflect")
    yield mk.s("reflect_3d", mk.t(1, 2, 2, 3), (1, 1, 1, 0, 0, 1), mode="reflect")
    yield mk.s("reflect_crop", mk.t(1, 1, 4), (-1, 2), mode="reflect")
    yield mk.s("replicate_1d", mk.t(1, 2, 3), (3, 1), mode="replicate")
    yield mk.s("replicate_2d", mk.t(1, 1, 3, 3), (2, 0, 1, 3), mode="replicate")
    yield mk.s("replicate_3d", mk.t(2, 2, 2, 2), (1, 0, 0, 1, 1, 1), mode="replicate")
    yield mk.s("replicate_T", mk.t(1, 1, 3, 4, layout="T"), (1, 1, 1, 1), mode="replicate")


def _constant_pad_nd_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("2d", mk.t(2, 3), (1, 2, 0, 1))
    yield mk.s("value", mk.t(2, 3), (1, 1), 2.0)
    yield mk.s("crop", mk.t(3, 4), (-1, -1, 0, -1))


def _interpolate_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("nearest_1d", mk.t(1, 2, 3), size=5)
    yield mk.s("nearest_2d_x2", mk.t(1, 1, 2, 3), scale_factor=2)
    yield mk.s("nearest_2d_size", mk.t(1, 2, 3, 3), size=(2, 5))
    yield mk.s("nearest_2d_frac", mk.t(1, 1, 3, 4), scale_factor=1.7)
    yield mk.s("nearest_3d", mk.t(1, 1, 2, 2, 3), size=(3, 2, 2))
    yield mk.s("linear_1d", mk.t(1, 2, 3), size=5, mode="linear")
    yield mk.s("linear_1d_corners", mk.t(1, 1, 4), scale_factor=1.5, mode="linear",
               align_corners=True)
    yield mk.s("bilinear_up", mk.t(1, 1, 2, 3), size=(4, 4), mode="bilinear")
    yield mk.s("bilinear_down", mk.t(1, 2, 4, 5), size=(3, 2), mode="bilinear")
    yield mk.s("bilinear_corners", mk.t(1, 1, 3, 3), size=(4, 5), mode="bilinear",
               align_corners=True)
    yield mk.s("bilinear_scale", mk.t(1, 1, 3, 2), scale_factor=1.6, mode="bilinear")
    yield mk.s("bilinear_recompute", mk.t(1, 1, 3, 2), scale_factor=1.6, mode="bilinear",
               recompute_scale_factor=True)
    yield mk.s("area", mk.t(1, 1, 4, 5), size=(2, 3), mode="area")
    yield mk.s("T_input", mk.t(1, 1, 2, 3, layout="T"), size=(3, 3), mode="bilinear")


# -- rows ----------------------------------------------------------------------------------------------


def _nn(name: str):
    """``m.nn.functional.<name>(*args, **kwargs)``, for chainrule and torch alike."""
    return lambda m, *args, **kwargs: getattr(m.nn.functional, name)(*args, **kwargs)


def _first(name: str):
    """The values of a pool called with return_indices=True (the tuple's first element)."""
    return lambda m, *args, **kwargs: getattr(m.nn.functional, name)(
        *args, return_indices=True, **kwargs)[0]


def _second(name: str):
    """The indices of a pool called with return_indices=True."""
    return lambda m, *args, **kwargs: getattr(m.nn.functional, name)(
        *args, return_indices=True, **kwargs)[1]


def _torch_level(name: str):
    return lambda m, *args, **kwargs: getattr(m, name)(*args, **kwargs)


def _pool1d(ref):
    return lambda x, *a, **kw: ref(x, *a, n=1, **kw)


ROWS: list[OpSpec] = [
    OpSpec("nn.functional.linear", _nn("linear"), _linear_samples, _linear_ref,
           covers=("nn.functional.linear",)),
    OpSpec("nn.functional.bilinear", _nn("bilinear"), _bilinear_samples, _bilinear_ref,
           covers=("bilinear",)),
    OpSpec("nn.functional.conv1d", _nn("conv1d"), _conv1d_samples, _conv_ref, covers=("conv1d",)),
    OpSpec("nn.functional.conv2d", _nn("conv2d"), _conv2d_samples, _conv_ref, covers=("conv2d",)),
    OpSpec("nn.functional.conv3d", _nn("conv3d"), _conv3d_samples, _conv_ref, covers=("conv3d",)),
    OpSpec("conv2d", _torch_level("conv2d"), lambda mk: (mk.s("stride", mk.t(1, 2, 4, 4),
                                                               mk.t(2, 2, 2, 2), None, 2),),
           _conv_ref),
    OpSpec("nn.functional.conv_transpose1d", _nn("conv_transpose1d"), _conv_transpose1d_samples,
           _conv_transpose_ref, covers=("conv_transpose1d",)),
    OpSpec("nn.functional.conv_transpose2d", _nn("conv_transpose2d"), _conv_transpose2d_samples,
           _conv_transpose_ref, covers=("conv_transpose2d",)),
    OpSpec("nn.functional.conv_transpose3d", _nn("conv_transpose3d"), _conv_transpose3d_samples,
           _conv_transpose_ref, covers=("conv_transpose3d",)),
    OpSpec("nn.functional.max_pool2d", _nn("max_pool2d"), _max_pool2d_samples, _max_pool_ref,
           covers=("max_pool2d",)),
    OpSpec("nn.functional.max_pool2d.values", _first("max_pool2d"), _max_pool2d_samples,
           _max_pool_ref),
    OpSpec("nn.functional.max_pool2d.indices", _second("max_pool2d"), _indices_samples,
           lambda x, *a, **kw: _max_pool_ref(x, *a, return_indices=True, **kw)),
    OpSpec("nn.functional.max_pool1d", _nn("max_pool1d"), _max_pool1d_samples,
           _pool1d(_max_pool_ref), covers=("max_pool1d",)),
    OpSpec("nn.functional.max_pool1d.indices", _second("max_pool1d"), _indices1d_samples,
           lambda x, *a, **kw: _max_pool_ref(x, *a, return_indices=True, n=1, **kw)),
    OpSpec("max_pool2d", _torch_level("max_pool2d"), lambda mk: (mk.s("k2", mk.t(1, 1, 4, 4), 2),),
           _max_pool_ref),
    OpSpec("nn.functional.avg_pool2d", _nn("avg_pool2d"), _avg_pool2d_samples, _avg_pool_ref,
           covers=("nn.functional.avg_pool2d",)),
    OpSpec("nn.functional.avg_pool1d", _nn("avg_pool1d"), _avg_pool1d_samples,
           _pool1d(_avg_pool_ref), covers=("avg_pool1d",)),
    OpSpec("nn.functional.adaptive_avg_pool2d", _nn("adaptive_avg_pool2d"), _adaptive_avg_samples,
           lambda x, size: _adaptive_ref(x, size, np.mean), covers=("nn.functional.adaptive_avg_pool2d",)),
    OpSpec("nn.functional.adaptive_max_pool2d", _nn("adaptive_max_pool2d"), _adaptive_samples,
           lambda x, size: _adaptive_ref(x, size, np.max), covers=("nn.functional.adaptive_max_pool2d",)),
    OpSpec("nn.functional.adaptive_max_pool2d.indices", _second("adaptive_max_pool2d"),
           _adaptive_indices_samples, lambda x, size: _adaptive_ref(x, size, np.max, True)),
    OpSpec("nn.functional.unfold", _nn("unfold"), _unfold_samples, _unfold_ref,
           covers=("nn.functional.unfold",)),
    OpSpec("nn.functional.fold", _nn("fold"), _fold_samples, _fold_ref, covers=("nn.functional.fold",)),
    OpSpec("nn.functional.pad", _nn("pad"), _pad_samples, _pad_ref, covers=("nn.functional.pad",)),
    OpSpec("constant_pad_nd", _torch_level("constant_pad_nd"), _constant_pad_nd_samples,
           lambda x, pad, value=0: _pad_ref(x, pad, value=value), covers=("constant_pad_nd",)),
    OpSpec("nn.functional.interpolate", _nn("interpolate"), _interpolate_samples,
           _interpolate_ref, covers=("nn.functional.interpolate",)),
]
