"""Padding and resizing at the public edge: ``pad`` (constant, reflect, replicate),
``constant_pad_nd`` and ``interpolate`` (nearest, linear, bilinear, area)."""
from __future__ import annotations

import math

import numpy as np

from .._dispatch import call
from .._tensor import Tensor
from ..backend import namespace_of
from ..primitives import conv as C
from .conv import _ints, adaptive_avg_pool2d, constant_pad_nd

# -- padding ------------------------------------------------------------------------------------------



_PADS = {("reflect", 1): C.reflection_pad1d, ("reflect", 2): C.reflection_pad2d,
         ("reflect", 3): C.reflection_pad3d, ("replicate", 1): C.replication_pad1d,
         ("replicate", 2): C.replication_pad2d, ("replicate", 3): C.replication_pad3d}


def _edge_index(xp, size: int, lo: int, hi: int, mode: str):
    """The input position each output position reads along one dim (reflected or clamped)."""
    pos = xp.arange(-lo, size + hi)
    if mode == "replicate":
        return xp.clip(pos, 0, size - 1)
    pos = xp.abs(pos)  # reflect about the first element, then about the last
    return xp.where(pos >= size, 2 * (size - 1) - pos, pos)


def _check_edge_pad(input: Tensor, pad: tuple, mode: str) -> None:
    """PyTorch's reflection/replication pad checks (sizes, amounts, output size)."""
    n, shape = len(pad) // 2, list(input.shape)
    if 0 in shape[-n - 1:]:
        raise RuntimeError(f"Expected {n + 1}D or {n + 2}D (batch mode) tensor with possibly 0 "
                           f"batch size and other non-zero dimensions for input, but got: {shape}")
    for i in range(n):  # last dim first, as pad lists it
        dim, (lo, hi) = input.dim() - 1 - i, pad[2 * i:2 * i + 2]
        if mode == "reflect" and (lo >= shape[dim] or hi >= shape[dim]):
            raise RuntimeError(f"Argument #{4 + 2 * i}: Padding size should be less than the "
                               "corresponding input dimension, but got: padding "
                               f"({lo}, {hi}) at dimension {dim} of input {shape}")
    out = [s + pad[2 * (input.dim() - 1 - d)] + pad[2 * (input.dim() - 1 - d) + 1]
           if d >= input.dim() - n else s for d, s in enumerate(shape)]
    if min(out) < 1:
        if n == 1:
            raise RuntimeError(f"input (W: {shape[-1]}) is too small. Calculated output W: "
                               f"{out[-1]}")
        if mode == "reflect" and n == 2:
            raise RuntimeError("numel: integer multiplication overflow")
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(out)}: {out}")


def pad(input: Tensor, pad, mode: str = "constant", value=None) -> Tensor:
    """Pads ``input``: ``pad`` lists (before, after) amounts from the last dim backwards."""
    pad = _ints(pad, 1)
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) > 2 * input.dim():
        raise RuntimeError("Padding length should be less than or equal to two times the input "
                           f"dimension but got padding length {len(pad)} and input of dimension "
                           f"{input.dim()}")
    if mode == "constant":
        return constant_pad_nd(input, pad, 0 if value is None else value)
    if mode not in ("reflect", "replicate"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}" if mode != "circular" else
                                  "chainrule: circular padding is not implemented")
    if value is not None and value != 0:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    n = len(pad) // 2
    if n not in (1, 2, 3) or input.dim() not in (n + 1, n + 2):
        raise NotImplementedError(f"Padding size {len(pad)} is not supported for {input.dim()}D "
                                  "input tensor.")
    _check_edge_pad(input, pad, mode)
    xp = namespace_of(input._data)
    rows = [_edge_index(xp, input.shape[input.dim() - 1 - i], pad[2 * i], pad[2 * i + 1], mode)
            for i in reversed(range(n))]
    key = (slice(None),) * (input.dim() - n) + tuple(xp.ix_(*rows))
    return call(_PADS[mode, n], (input,), {"key": key})


# -- interpolation --------------------------------------------------------------------------------------


def _out_size(input: Tensor, size, scale_factor, recompute: bool | None) -> tuple[list, list | None]:
    """(output sizes, scale factors the kernels use or None), as F.interpolate settles them."""
    dim, spatial = input.dim() - 2, list(input.shape[2:])
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        if isinstance(size, (list, tuple)):
            if len(size) != dim:
                raise ValueError(
                    "Input and output must have the same number of spatial dimensions, but got "
                    f"input with spatial dimensions of {spatial} and output size of {size}. Please "
                    "provide input tensor in (N, C, d1, d2, ...,dK) format and output size in "
                    "(o1, o2, ...,oK) format.")
            if not all(isinstance(s, (int, np.integer)) for s in size):
                raise TypeError("expected size to be one of int or Tuple[int] or Tuple[int, int] or "
                                "Tuple[int, int, int], but got size with types "
                                f"{[type(s) for s in size]}")
        if recompute:
            raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
        return list(_ints(size, dim)), None
    if scale_factor is None:
        raise ValueError("either size or scale_factor should be defined")
    if isinstance(scale_factor, (list, tuple)):
        if len(scale_factor) != dim:
            raise ValueError(
                "Input and scale_factor must have the same number of spatial dimensions, but got "
                f"input with spatial dimensions of {spatial} and scale_factor of shape "
                f"{scale_factor}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and "
                "scale_factor in (s1, s2, ...,sK) format.")
        scales = [float(s) for s in scale_factor]
    else:
        scales = [float(scale_factor)] * dim
    sizes = [int(math.floor(n * s)) for n, s in zip(spatial, scales)]
    return sizes, None if recompute else scales


def _check_resize(input: Tensor, sizes: list) -> None:
    if min(sizes) > 0 and min(input.shape[2:]) > 0:
        return
    names = "DHW"[3 - len(sizes):]
    given = ", ".join(f"{a}: {n}" for a, n in zip(names, input.shape[2:]))
    want = ", ".join(f"{a}: {n}" for a, n in zip(names, sizes))
    glue = " and" if len(sizes) == 1 else ""
    raise RuntimeError(f"Input and output sizes should be greater than 0, but got input ({given})"
                       f"{glue} output ({want})")


def _nearest_index(xp, n: int, out: int, scale: float | None):
    """PyTorch's nearest source index: floor(dst * scale) in float32, clamped."""
    dst = xp.arange(out)
    if out == n:
        return dst
    if out == 2 * n:
        return dst >> 1
    s = np.float32(1.0 / scale if scale is not None and scale > 0 else np.float32(n) / out)
    return xp.minimum(xp.floor(dst.astype(np.float32) * s).astype(np.int64), n - 1)


def _linear_matrix(xp, n: int, out: int, align_corners: bool, scale: float | None, dtype):
    """(out, n) weights of linear interpolation along one dim (PyTorch's source index rule)."""
    dst = xp.arange(out).astype(dtype)
    if align_corners:
        step = dtype.type((n - 1) / (out - 1)) if out > 1 else dtype.type(0)
        src = dst * step
    else:
        step = dtype.type(1.0 / scale) if scale is not None and scale > 0 else dtype.type(n) / out
        src = xp.maximum(step * (dst + dtype.type(0.5)) - dtype.type(0.5), 0)
    i0 = src.astype(np.int64)
    i1 = i0 + (i0 < n - 1)
    w1 = xp.clip(src - i0, 0, 1).astype(dtype)
    mat = xp.zeros((out, n), dtype=dtype)
    rows = xp.arange(out)
    xp.add.at(mat, (rows, i0), 1 - w1)
    xp.add.at(mat, (rows, i1), w1)
    return mat


_NEAREST = {3: C.upsample_nearest1d, 4: C.upsample_nearest2d, 5: C.upsample_nearest3d}
_LINEAR = {"linear": (3, C.upsample_linear1d), "bilinear": (4, C.upsample_bilinear2d)}


def interpolate(input: Tensor, size=None, scale_factor=None, mode: str = "nearest",
                align_corners: bool | None = None, recompute_scale_factor: bool | None = None,
                antialias: bool = False) -> Tensor:
    """Resamples ``input`` (N, C, *spatial) to ``size`` or by ``scale_factor``."""
    if mode in ("nearest", "area", "nearest-exact") and align_corners is not None:
        raise ValueError("align_corners option can only be set with the interpolating modes: "
                         "linear | bilinear | bicubic | trilinear")
    sizes, scales = _out_size(input, size, scale_factor, recompute_scale_factor)
    if antialias and not (mode in ("bilinear", "bicubic", "lanczos") and input.dim() == 4):
        raise ValueError("Anti-alias option is restricted to bilinear, bicubic, and lanczos modes "
                         "and requires a 4-D tensor as input")
    xp = namespace_of(input._data)
    scales = scales or [None] * len(sizes)
    if mode == "nearest" and input.dim() in _NEAREST:
        _check_resize(input, sizes)
        rows = [_nearest_index(xp, n, o, s) for n, o, s in zip(input.shape[2:], sizes, scales)]
        key = (slice(None), slice(None)) + tuple(xp.ix_(*rows))
        return call(_NEAREST[input.dim()], (input,), {"key": key})
    if mode == "area" and input.dim() == 4:
        return adaptive_avg_pool2d(input, sizes)
    if mode in _LINEAR and input.dim() == _LINEAR[mode][0] and not antialias:
        _check_resize(input, sizes)
        mats = tuple(_linear_matrix(xp, n, o, bool(align_corners), s, input._dtype.np)
                     for n, o, s in zip(input.shape[2:], sizes, scales))
        return call(_LINEAR[mode][1], (input,), {"mats": mats})
    if mode in _LINEAR and input.dim() in (3, 4, 5):
        raise NotImplementedError(f"Got {input.dim()}D input, but {mode} mode needs "
                                  f"{_LINEAR[mode][0]}D input")
    if input.dim() not in (3, 4, 5) or mode not in ("bicubic", "trilinear", "nearest-exact", "area"):
        raise NotImplementedError(
            f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.dim()}D) for the "
            "modes: nearest | linear | bilinear | bicubic | trilinear | lanczos | area | "
            f"nearest-exact (got {mode})")
    raise NotImplementedError(f"chainrule: interpolate(mode={mode!r}) is not implemented")


__all__: list = []
NN_ALL = ["pad", "interpolate"]
METHODS: dict = {}
