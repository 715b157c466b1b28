"""Convolution, pooling, padding and resampling primitives (forward and rules, one block per op).

Spatial ops work on (N, C, *spatial) arrays. Kernel sizes, strides and dilations come
per spatial dim and padding as a (before, after) pair per spatial dim, all settled at
the public edge. A convolution is im2col (``xp.im2col``: one column per window, (N, C*K, L))
and one stacked matrix product (per sample and group); its gradients are the adjoint
products, the input's summed back with col2im (``xp.col2im``). Under
``create_graph`` those two are the differentiable unfold/fold below, so every rule here
differentiates again.
"""
from __future__ import annotations

import itertools
import math

from ._primitive import primitive

# -- convolution -----------------------------------------------------------------------------


def _out_sizes(sizes: tuple, kernel: tuple, stride: tuple, padding: tuple,
               dilation: tuple) -> tuple:
    """How many windows fit along each spatial dim."""
    return tuple((n + lo + hi - d * (k - 1) - 1) // s + 1
                 for n, k, s, (lo, hi), d in zip(sizes, kernel, stride, padding, dilation))


def _by_group(xp, a, groups: int):
    """(N, G * k, L) -> (N, G, k, L): each group's rows apart, for one stacked matrix product."""
    return xp.reshape(a, (a.shape[0], groups, a.shape[1] // groups, a.shape[2]))


def _conv(xp, x, w, stride: tuple, padding: tuple, dilation: tuple, groups: int):
    """x (N, C, *S) convolved with w (O, C/groups, *K): out[n, o] = w[o] . window (N, O, *S').
    One stacked product w (G, O/G, C/G*K) @ cols (N, G, C/G*K, L) leaves the result in
    PyTorch's contiguous (N, O, L) layout: on (64, 1, 28, 28) -> 16 channels, 6.7 -> 0.8 ms
    with the bias against one long (N * L)-row product and its transpose."""
    kernel = tuple(w.shape[2:])
    cols = _by_group(xp, xp.im2col(x, kernel, dilation, padding, stride), groups)
    out = xp.matmul(xp.reshape(w, (groups, w.shape[0] // groups, -1)), cols)   # (N, G, O/G, L)
    return xp.reshape(out, (x.shape[0], w.shape[0]) +
                      _out_sizes(tuple(x.shape[2:]), kernel, stride, padding, dilation))


def _rows(xp, g, groups: int):
    """(N, O, *S') -> (N, G, O/G, L)."""
    return xp.reshape(g, (g.shape[0], groups, g.shape[1] // groups, -1))


def _conv_input_grad(xp, g, w, size: tuple, stride: tuple, padding: tuple, dilation: tuple,
                     groups: int):
    """The adjoint of ``_conv`` in x (a transposed convolution): g (N, O, *S') -> (N, C, *size)."""
    w_t = xp.swapaxes(xp.reshape(w, (groups, w.shape[0] // groups, -1)), 1, 2)  # (G, C/G*K, O/G)
    cols = xp.matmul(w_t, _rows(xp, g, groups))                                  # (N, G, C/G*K, L)
    cols = xp.reshape(cols, (g.shape[0], -1, cols.shape[-1]))
    return xp.col2im(cols, size, tuple(w.shape[2:]), dilation, padding, stride)


def _conv_weight_grad(xp, x, g, w_shape: tuple, stride: tuple, padding: tuple,
                      dilation: tuple, groups: int):
    """The adjoint of ``_conv`` in w: sum over batch and windows of g * window."""
    cols = _by_group(xp, xp.im2col(x, tuple(w_shape[2:]), dilation, padding, stride), groups)
    per_sample = xp.matmul(_rows(xp, g, groups), xp.swapaxes(cols, 2, 3))  # (N, G, O/G, C/G*K)
    return xp.reshape(xp.sum(per_sample, axis=0), w_shape)


def _bias_grad(xp, g, b_shape: tuple):
    """The bias was broadcast over batch and space: sum g over them."""
    return xp.reshape(xp.sum_to(g, (1,) + tuple(b_shape) + (1,) * (len(g.shape) - 2)), b_shape)


@primitive("ConvolutionBackward0", dtype=None)
def convolution(xp, x, w, b, *, stride, padding, dilation, transposed, groups):
    # a transposed convolution is the input-gradient of the convolution with the same weight;
    # its output_padding op comes as padding (p, p - op): the windows of the output stop short
    if transposed:
        size = tuple((n - 1) * s - lo - hi + d * (k - 1) + 1 for n, s, (lo, hi), d, k in
                     zip(x.shape[2:], stride, padding, dilation, w.shape[2:]))
        out = _conv_input_grad(xp, x, w, size, stride, padding, dilation, groups)
    else:
        out = _conv(xp, x, w, stride, padding, dilation, groups)
    if b is None:
        return out
    out += xp.reshape(b, (1, -1) + (1,) * (out.ndim - 2))  # out is ours: no second (N, O, *S') array
    return out


convolution.defvjp(
    x=lambda g, w, x_shape, stride, padding, dilation, transposed, groups, xp:
        _conv(xp, g, w, stride, padding, dilation, groups) if transposed else
        _conv_input_grad(xp, g, w, tuple(x_shape[2:]), stride, padding, dilation, groups),
    w=lambda g, x, w_shape, stride, padding, dilation, transposed, groups, xp:
        _conv_weight_grad(xp, g, x, w_shape, stride, padding, dilation, groups) if transposed
        else _conv_weight_grad(xp, x, g, w_shape, stride, padding, dilation, groups),
    b=lambda g, b_shape, xp: _bias_grad(xp, g, b_shape))
convolution.defjvp("transpose")
convolution.defformula(x="conv_transpose(g, w)",
                       w="conv(x, g) (correlation of x with g)",
                       b="sum(g) over all dims but channels")


# -- unfold / fold (im2col / col2im, each the other's adjoint) ------------------------------------


@primitive("Im2ColBackward0", dtype=None)
def im2col(xp, x, *, kernel, dilation, padding, stride):
    return xp.im2col(x, kernel, dilation, padding, stride)


im2col.defvjp(x=lambda g, x_shape, kernel, dilation, padding, stride, xp: xp.col2im(
    g, tuple(x_shape[len(x_shape) - len(kernel):]), kernel, dilation, padding, stride))
im2col.defjvp("linear")
im2col.defformula(x="col2im(g)")


@primitive("Col2ImBackward0", dtype=None)
def col2im(xp, x, *, size, kernel, dilation, padding, stride):
    return xp.col2im(x, size, kernel, dilation, padding, stride)


col2im.defvjp(x=lambda g, kernel, dilation, padding, stride, xp:
              xp.im2col(g, kernel, dilation, padding, stride))
col2im.defjvp("linear")
col2im.defformula(x="im2col(g)")


# -- bilinear forms (linear's b + x @ w is primitives.linalg.addmm) ------------------------------


@primitive("TrilinearBackward0", dtype=None)
def trilinear(xp, x1, w, x2):
    # out[b, o] = sum_ij x1[b, i] w[o, i, j] x2[b, j]  (bilinear's one use of _trilinear)
    u = xp.matmul(x1, w)                                # (O, B, J): sum_i x1[b, i] w[o, i, j]
    return xp.ascontiguousarray(xp.swapaxes(xp.sum(u * x2, axis=2), 0, 1))


def _trilinear_x1(xp, g, w, x2):
    # gx1[b, i] = sum_o g[b, o] sum_j w[o, i, j] x2[b, j]
    v = xp.swapaxes(xp.matmul(w, xp.swapaxes(x2, 0, 1)), 1, 2)    # (O, B, I)
    return xp.reshape(xp.sum_to(v * xp.expand_dims(xp.swapaxes(g, 0, 1), 2), (1,) + v.shape[1:]),
                      v.shape[1:])


def _trilinear_w(xp, g, x1, x2):
    # gw[o, i, j] = sum_b g[b, o] x1[b, i] x2[b, j]
    gx1 = xp.expand_dims(xp.swapaxes(g, 0, 1), 2) * x1             # (O, B, I)
    return xp.matmul(xp.swapaxes(gx1, 1, 2), x2)


trilinear.defvjp(
    x1=lambda g, w, x2, xp: _trilinear_x1(xp, g, w, x2),
    w=lambda g, x1, x2, xp: _trilinear_w(xp, g, x1, x2),
    x2=lambda g, x1, w, xp: _trilinear_x1(xp, g, xp.swapaxes(w, 1, 2), x1))
trilinear.defjvp("transpose")
trilinear.defformula(x1="g * (w . x2)", w="g * outer(x1, x2)", x2="g * (x1 . w)")


# -- pooling -------------------------------------------------------------------------------------


def _evenly_spaced(pos) -> bool:
    return len(pos) < 2 or pos[1] > pos[0] and bool((pos[1:] - pos[:-1] == pos[1] - pos[0]).all())


def _taps(xp, tables: tuple, lo: tuple) -> list:
    """Per spatial dim, per kernel tap: (how to read the padded input, the positions read).
    When every tap reads evenly spaced positions (every regular pool), the reads are slices:
    views, no copy; otherwise (adaptive windows) index arrays that broadcast together."""
    n, out = len(tables), []
    regular = all(_evenly_spaced(t[:, i]) for t in tables for i in range(t.shape[1]))
    for d, table in enumerate(tables):
        column = (-1,) + (1,) * (n - 1 - d)
        taps = []
        for i in range(table.shape[1]):
            pos = table[:, i]
            step = int(pos[1] - pos[0]) if len(pos) > 1 else 1
            read = (slice(int(pos[0]) + lo[d], int(pos[-1]) + lo[d] + 1, step) if regular
                    else xp.reshape(pos + lo[d], column))
            taps.append((read, xp.reshape(pos, column)))
        out.append(taps)
    return out


def _first_inside(xp, tables: tuple, sizes: tuple, plane: tuple):
    """Each window's first position inside the input, as a flat in-plane index."""
    index = 0
    for d, (table, size) in enumerate(zip(tables, sizes)):
        first = xp.argmax((table >= 0) & (table < size), axis=1)
        pos = table[xp.arange(table.shape[0]), first]
        index = index + xp.reshape(pos, (-1,) + (1,) * (len(tables) - 1 - d)) * plane[d]
    return index


@primitive(differentiable=False, dtype=None)
def window_argmax(xp, x, *, tables):
    # tables[d] (out_d, k_d): the input positions each window reads along spatial dim d (below 0
    # or past the end: padding). The result: each window's maximum as a flat index into its
    # (*spatial) plane, as PyTorch's scan finds it: the first maximum, or the last NaN; a window
    # of nothing but the lowest value: its first position inside the input (padding never wins).
    # A few elementwise passes per kernel tap (a strided view each), no gather of the windows:
    # 20 -> 2 ms on (64, 16, 28, 28) with a 2x2 kernel.
    n, lead = len(tables), x.ndim - len(tables)
    if any(t.size == 0 for t in tables):
        return xp.zeros(x.shape[:lead] + tuple(t.shape[0] for t in tables), xp.int64)
    sizes = x.shape[lead:]
    plane = tuple(math.prod(sizes[d + 1:]) for d in range(n))
    lowest = -math.inf if x.dtype.kind == "f" else xp.iinfo(x.dtype).min
    pads = tuple((max(0, -int(t.min())), max(0, int(t.max()) - s + 1)) for t, s in zip(tables, sizes))
    if any(lo or hi for lo, hi in pads):
        x = xp.constant_pad(x, ((0, 0),) * lead + pads, lowest)
    taps = _taps(xp, tables, tuple(lo for lo, _ in pads))
    reads, index = [], []
    for combo in itertools.product(*taps):
        reads.append(x[(Ellipsis,) + tuple(read for read, _ in combo)])
        index.append(sum(pos * plane[d] for d, (_, pos) in enumerate(combo)))
    best = xp.array(reads[0])
    for v in reads[1:]:
        xp.maximum(best, v, out=best)                       # NaN propagates, as in PyTorch
    tap = xp.full(best.shape, len(reads) - 1, xp.uint8 if len(reads) <= 256 else xp.int32)
    for i in range(len(reads) - 2, -1, -1):                 # the last write is the first maximum
        _choose(tap, reads[i] == best, i)
    if x.dtype.kind == "f" and bool(xp.isnan(best).any()):
        for i, v in enumerate(reads):                       # the last write is the last NaN
            _choose(tap, xp.isnan(v), i)
    # each window's tap -> the position it read: (taps, windows) positions, one gather
    at = xp.reshape(xp.stack([xp.broadcast_to(a, best.shape[lead:]) for a in index]), (len(reads), -1))
    windows = at.shape[1]
    found = xp.take(at, xp.reshape(tap, (-1, windows)).astype(xp.int64) * windows + xp.arange(windows))
    found = xp.reshape(found, best.shape)
    if bool((best == lowest).any()):  # the padding's lowest values tie with the input's
        found = xp.where(best == lowest, _first_inside(xp, tables, sizes, plane), found)
    return found


def _choose(tap, mask, i: int) -> None:
    """tap = i where mask, in place; branch-free arithmetic (a masked copyto is ~10x slower)."""
    tap -= mask * (tap - i)


def _plane_gathering(grad_fn: str, name: str):
    """``x`` read at flat positions ``key`` (one 1-d index into x's flattened data: NumPy adds
    back at a 1-d index ~9x faster than at an n-d one), viewed as ``shape``. The gradient adds g
    back at ``key`` (windows may overlap). PyTorch's node keeps the indices (freed)."""
    def forward(xp, x, *, key, shape):
        return xp.reshape(xp.reshape(x, (-1,))[key], shape)
    forward.__name__ = name
    prim = primitive(grad_fn, dtype=None, saved_attrs=("key",))(forward)
    return prim.defvjp(x=lambda g, x_shape, key, xp: xp.reshape(xp.accumulate_into(
        xp.reshape(g, (-1,)), (math.prod(x_shape),), key), x_shape)).defjvp("linear")


def _gathering(grad_fn: str, name: str, saves: bool):
    """``x[key]`` for an index ``key`` built at the public edge; the gradient adds g back at
    ``key`` (windows may overlap). ``saves``: PyTorch's node keeps the indices (freed)."""
    def forward(xp, x, *, key):
        return x[key]
    forward.__name__ = name
    prim = primitive(grad_fn, dtype=None, saved_attrs=("key",) if saves else ())(forward)
    return prim.defvjp(x=lambda g, x_shape, key, xp: xp.accumulate_into(g, x_shape, key)).defjvp("linear")


max_pool2d = _plane_gathering("MaxPool2DWithIndicesBackward0", "max_pool2d")
max_pool2d.defformula(x="g added back at the positions each output read")
adaptive_max_pool2d = _plane_gathering("AdaptiveMaxPool2DBackward0", "adaptive_max_pool2d")
adaptive_max_pool2d.defformula(x="g added back at the positions each output read")
reflection_pad1d = _gathering("ReflectionPad1DBackward0", "reflection_pad1d", True)
reflection_pad1d.defformula(x="g added back at the positions each output read")
reflection_pad2d = _gathering("ReflectionPad2DBackward0", "reflection_pad2d", True)
reflection_pad2d.defformula(x="g added back at the positions each output read")
reflection_pad3d = _gathering("ReflectionPad3DBackward0", "reflection_pad3d", True)
reflection_pad3d.defformula(x="g added back at the positions each output read")
replication_pad1d = _gathering("ReplicationPad1DBackward0", "replication_pad1d", True)
replication_pad1d.defformula(x="g added back at the positions each output read")
replication_pad2d = _gathering("ReplicationPad2DBackward0", "replication_pad2d", True)
replication_pad2d.defformula(x="g added back at the positions each output read")
replication_pad3d = _gathering("ReplicationPad3DBackward0", "replication_pad3d", True)
replication_pad3d.defformula(x="g added back at the positions each output read")
upsample_nearest1d = _gathering("UpsampleNearest1DBackward0", "upsample_nearest1d", False)
upsample_nearest1d.defformula(x="g added back at the positions each output read")
upsample_nearest2d = _gathering("UpsampleNearest2DBackward0", "upsample_nearest2d", False)
upsample_nearest2d.defformula(x="g added back at the positions each output read")
upsample_nearest3d = _gathering("UpsampleNearest3DBackward0", "upsample_nearest3d", False)
upsample_nearest3d.defformula(x="g added back at the positions each output read")


def _planes(x, n: int):
    """x (..., *S) as (B, 1, *S): pooling treats every channel of every sample alike."""
    return (-1, 1) + tuple(x.shape[len(x.shape) - n:])


@primitive("AvgPool2DBackward0", dtype=None)
def avg_pool2d(xp, x, *, kernel, stride, padding, scale):
    # scale: 1 / divisor for each output position (padding and ceil_mode settled at the edge)
    n = len(kernel)
    cols = xp.im2col(xp.reshape(x, _planes(x, n)), kernel, (1,) * n, padding, stride)
    return xp.reshape(xp.sum(cols, axis=1) * xp.reshape(scale, (-1,)),
                      x.shape[:x.ndim - n] + scale.shape)


def _avg_pool_grad(xp, g, x_shape, kernel, stride, padding, scale):
    """Each window's g / divisor, spread over the window and summed back (col2im)."""
    n = len(kernel)
    g = xp.multiply(xp.reshape(g, (math.prod(g.shape[:len(g.shape) - n]), 1, -1)),
                    xp.reshape(scale, (1, 1, -1)))
    cols = xp.broadcast_to(g, (g.shape[0], math.prod(kernel), g.shape[2]))
    return xp.reshape(xp.col2im(cols, tuple(x_shape[len(x_shape) - n:]), kernel, (1,) * n,
                                padding, stride), x_shape)


avg_pool2d.defvjp(x=lambda g, x_shape, kernel, stride, padding, scale, xp:
                  _avg_pool_grad(xp, g, x_shape, kernel, stride, padding, scale))
avg_pool2d.defjvp("linear")
avg_pool2d.defformula(x="g / divisor spread over each window")


def _separable(grad_fn: str, name: str):
    """A linear map applied along each of the last len(mats) dims: out = A_0 . x . A_1^T
    (adaptive average pooling, linear interpolation); its adjoint applies the transposes."""
    def forward(xp, x, *, mats):
        return xp.ascontiguousarray(_apply_mats(xp, x, mats, False))
    forward.__name__ = name
    prim = primitive(grad_fn, dtype=None)(forward)
    return prim.defvjp(x=lambda g, mats, xp: _apply_mats(xp, g, mats, True)).defjvp("linear")


def _apply_mats(xp, x, mats: tuple, adjoint: bool):
    """Multiply the last len(mats) dims of x by the matrices (transposed if ``adjoint``)."""
    n = len(mats)
    for dim, a in enumerate(mats):
        a = xp.swapaxes(a, 0, 1) if adjoint else a           # (out, in) or its transpose
        axis = len(x.shape) - n + dim
        x = xp.swapaxes(xp.matmul(a, xp.swapaxes(x, axis, -2)), axis, -2)
    return x


adaptive_avg_pool2d = _separable("AdaptiveAvgPool2DBackward0", "adaptive_avg_pool2d")
adaptive_avg_pool2d.defformula(x="the transposed maps applied to g (A_k.T along each dim)")
upsample_linear1d = _separable("UpsampleLinear1DBackward0", "upsample_linear1d")
upsample_linear1d.defformula(x="the transposed maps applied to g (A_k.T along each dim)")
upsample_bilinear2d = _separable("UpsampleBilinear2DBackward0", "upsample_bilinear2d")
upsample_bilinear2d.defformula(x="the transposed maps applied to g (A_k.T along each dim)")


# -- constant padding ------------------------------------------------------------------------------


@primitive("ConstantPadNdBackward0", dtype=None)
def constant_pad_nd(xp, x, *, pad_width, value):
    return xp.constant_pad(x, pad_width, value)


# padding by p is undone by padding by -p (a crop), and the other way round
constant_pad_nd.defvjp(x=lambda g, pad_width, xp:
                       xp.constant_pad(g, tuple((-lo, -hi) for lo, hi in pad_width), 0))
constant_pad_nd.defjvp("affine", value=0)
constant_pad_nd.defformula(x="g with the padding cut off")
