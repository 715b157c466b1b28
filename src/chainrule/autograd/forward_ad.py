"""Forward-mode AD: dual tensors carry a tangent, and every op pushes it forward.

Inside ``with dual_level():``, ``make_dual(x, v)`` gives a tensor whose tangent is
``v``; each op on dual tensors computes its output's tangent ``J v`` with the JVP rule
its primitive declares next to its reverse rules (``primitives/``), and
``unpack_dual(y)`` reads ``(primal, tangent)`` back. As in PyTorch, one level is open
at a time, and tangents are dropped when it closes::

    with forward_ad.dual_level():
        x = forward_ad.make_dual(primal, tangent)
        jvp = forward_ad.unpack_dual(f(x)).tangent
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .. import _dispatch
from .._tensor import Tensor
from ..primitives import shape as _shape
from . import node as _node
from .api import grad as _grad
from .grad_mode import enable_grad
from .grad_mode import forward_state as _state

__all__ = ["UnpackedDualTensor", "dual_level", "enter_dual_level", "exit_dual_level",
           "make_dual", "unpack_dual"]


class UnpackedDualTensor(NamedTuple):
    """A dual tensor's primal (a view of it without tangent) and tangent (or None)."""

    primal: Tensor
    tangent: Tensor | None


def enter_dual_level() -> int:
    """Opens a new forward-mode level and returns its index (levels do not nest)."""
    if _state.level is not None:
        raise RuntimeError("Nested forward mode AD is not supported at the moment")
    _state.level = 0
    _state.active = True
    _state.duals = []
    return 0


def exit_dual_level(*, level: int | None = None) -> None:
    """Closes the open level: every tangent made in it is dropped."""
    if _state.level is None or (level is not None and level != _state.level):
        raise RuntimeError("Trying to exit a forward AD level that was not the last one that was "
                           "created. This is not supported.")
    for ref in _state.duals:
        t = ref()
        if t is not None and hasattr(t, "_fw"):
            del t._fw
    _state.level = None
    _state.active = False
    _state.duals = []


class dual_level:
    """Context manager that opens a forward-mode level; tangents live until it exits."""

    def __enter__(self) -> int:
        return enter_dual_level()

    def __exit__(self, *exc) -> None:
        exit_dual_level()


def _check_level(level: int | None, what: str) -> None:
    if _state.level is None:
        raise RuntimeError("Trying to create a dual Tensor for forward AD but no level exists, make "
                           "sure to enter_dual_level() first.")
    if level is not None and level != _state.level:
        raise RuntimeError(f"Invalid level given to {what}")


def make_dual(tensor: Tensor, tangent: Tensor, *, level: int | None = None) -> Tensor:
    """Associates ``tangent`` with ``tensor`` to make a dual tensor for forward-mode AD.

    The result is a view of ``tensor`` (differentiable in reverse mode too) whose
    tangent is ``tangent`` itself, not a copy.
    """
    _check_level(level, "_make_dual")
    for name, t in (("primal", tensor), ("tangent", tangent)):
        if not t.is_floating_point():
            raise ValueError(f"Expected {name} to be floating point or complex, but got: {t.dtype}")
    if getattr(tensor, "_fw", None) is not None:
        raise RuntimeError("Making a dual Tensor based on a Tensor that already has a forward "
                           f"gradient at the same level {_state.level} is not supported.")
    if tangent.shape != tensor.shape:
        raise RuntimeError(
            "Trying to set a forward gradient that has a different size than that of the original "
            f"Tensor, this is not supported. Tensor is of size {list(tensor.shape)} while the given "
            f"forward gradient is of size {list(tangent.shape)}.")
    with _state.paused():  # the view itself gets no tangent from the primal
        dual = _dispatch.call(_shape.view, (tensor,), {"shape": tuple(tensor.shape)})
    _state.attach(dual, tangent)  # as is: not cast or copied, as PyTorch's
    return dual


def unpack_dual(tensor: Tensor, *, level: int | None = None) -> UnpackedDualTensor:
    """Returns ``(primal, tangent)``: a view of ``tensor`` without tangent, and the tangent."""
    if level is not None and level != _state.level:
        raise RuntimeError("Invalid level given to _unpack_dual")
    tangent = getattr(tensor, "_fw", None) if _state.level is not None else None
    with _state.paused():
        primal = _dispatch.call(_shape.alias, (tensor,))
    return UnpackedDualTensor(primal, tangent)


def _transposed(prim, inputs: tuple, tangents: list, attrs: dict, out):
    """J v from the reverse rules of ``prim``: J v = d<J^T u, v>/du. The rules are linear in
    u, so any u serves; a random one, as u = 0 would sit on the branch points of guards such
    as "0 where the gradient is 0". Serves the primitives that declare ``defjvp("transpose")``."""
    outs = out if prim.multi_output else (out,)
    rng = np.random.default_rng(0)  # its own stream: the user's random state is untouched
    us = [_dispatch.wrap(rng.standard_normal(o._data.shape).astype(o._data.dtype)) for o in outs]
    for u, o in zip(us, outs):
        u._requires_grad = o.is_floating_point()
    g = list(us) if prim.multi_output else us[0]
    xp = _node.diff_namespace
    params = prim.vjp_params
    with enable_grad():
        joint = None
        if prim.joint is not None:
            joint = prim.joint[0](g, *prim._fill(params["joint"], inputs, attrs, out, xp))
        total = None
        for i, t in enumerate(tangents):
            if t is None:
                continue
            if joint is not None:
                gi = joint[i]
            else:
                gi = prim.rules[i][0](g, *prim._fill(params[i], inputs, attrs, out, xp))
            if gi is None:
                continue
            if tuple(gi.shape) != tuple(t.shape):  # the node's sum over broadcast dims
                gi = xp.sum_to(gi, tuple(t.shape))
            term = (gi * t).sum()
            total = term if total is None else total + term
        wrt = [u for u in us if u._requires_grad]
        if total is None:
            return None
        jv = list(_grad(total, wrt, create_graph=True, allow_unused=True, materialize_grads=True))
    if not prim.multi_output:
        return jv[0]
    return tuple(jv.pop(0) if u._requires_grad else None for u in us)


_dispatch.transpose_jvp = _transposed
