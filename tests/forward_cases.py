"""Forward-mode runs of op_db samples, shared by the consistency sweep and its torch oracle.

``jvp_case`` evaluates one sample with every leaf made dual (tangent ``v``) and returns
the tangent of every floating output; the same code runs on chainrule and on torch.
"""
from __future__ import annotations

import warnings

import numpy as np

from op_db import build


def float_outputs(out) -> list:
    """The floating-point tensors among an op's outputs (a tensor, or a tuple of them)."""
    outs = list(out) if isinstance(out, (tuple, list)) else [out]
    return [o for o in outs if hasattr(o, "dtype") and o.dtype.is_floating_point]


def tangents_for(leaves: list, seed: int) -> list[np.ndarray]:
    """Random float64 tangents, one per leaf."""
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(tuple(leaf.shape)) for leaf in leaves]


def call_with(spec, sample, m, replace):
    """Run ``sample`` in module ``m`` with each leaf replaced by ``replace(i, leaf)``."""
    args, kwargs, leaves = build(m, sample, "float64")
    slots = [i for i, a in enumerate(args) if any(a is leaf for leaf in leaves)]
    call_args = list(args)
    for k, i in enumerate(slots):
        call_args[i] = replace(k, args[i])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return spec.op(m, *call_args, **kwargs), [call_args[i] for i in slots]


def jvp_case(spec, sample, m, vs: list[np.ndarray]) -> list[np.ndarray]:
    """The tangents (J v) of ``sample``'s floating outputs in module ``m`` (zeros where none)."""
    fw = m.autograd.forward_ad
    with fw.dual_level():
        out, _ = call_with(spec, sample, m,
                           lambda k, leaf: fw.make_dual(leaf.detach(), m.tensor(vs[k])))
        result = []
        for o in float_outputs(out):
            tangent = fw.unpack_dual(o).tangent
            result.append(np.zeros(tuple(o.shape)) if tangent is None
                          else tangent.detach().numpy().astype(np.float64))
    return result
