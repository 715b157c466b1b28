"""``chainrule.autograd.functional``: Jacobians, Hessians and vector products of functions.

Each function treats ``inputs`` as fresh leaves (detached copies that require grad),
evaluates ``func`` once under grad mode and takes reverse-mode gradients; ``jvp`` and
``hvp`` use the double-backward trick (the gradient of a vjp with respect to its
cotangent). Results are detached unless ``create_graph=True``.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from .._dispatch import wrap
from .._tensor import Tensor
from ..functional import joining as _joining
from .api import grad as _grad
from .grad_mode import enable_grad


def _as_tuple(x) -> tuple[tuple, bool]:
    """(tuple of tensors, whether ``x`` was a single tensor)."""
    if isinstance(x, Tensor):
        return (x,), True
    return tuple(x), False


def _leaves(inputs: tuple, create_graph: bool) -> tuple:
    """Inputs as leaves of a fresh graph (kept connected when create_graph needs it)."""
    return tuple(x if create_graph and x.requires_grad else x.detach().requires_grad_(True)
                 for x in inputs)


def _grads(outputs: tuple, inputs: tuple, grad_outputs, create_graph: bool, strict: bool):
    """autograd.grad with unused inputs as zeros (or PyTorch's error when ``strict``)."""
    if not any(o.requires_grad for o in outputs):
        if strict:
            raise RuntimeError("The output of the user-provided function is independent of "
                               "input 0. This is not allowed in strict mode.")
        return tuple(x.detach() * 0 for x in inputs)
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o.requires_grad]
    got = _grad([o for o, _ in pairs], inputs, [g for _, g in pairs], retain_graph=True,
                create_graph=create_graph, allow_unused=True)
    result = []
    for i, (x, g) in enumerate(zip(inputs, got)):
        if g is None:
            if strict:
                raise RuntimeError(f"The output of the user-provided function is independent of "
                                   f"input {i}. This is not allowed in strict mode.")
            g = wrap(np.zeros(x._data.shape, x._dtype.np))
        result.append(g if create_graph else g.detach())
    return tuple(result)


def _unpack(values: tuple, single: bool):
    return values[0] if single else values


def vjp(func: Callable, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """Vector-Jacobian product of ``func`` at ``inputs`` with ``v``: (func_output, vjp)."""
    inputs, single_in = _as_tuple(inputs)
    with enable_grad():
        xs = _leaves(inputs, create_graph)
        outputs, single_out = _as_tuple(func(*xs))
        if v is None:
            if any(o._data.size != 1 for o in outputs):
                raise RuntimeError("The vector v can only be None if the user-provided function "
                                   "returns a single Tensor with a single element.")
            v = tuple(wrap(np.ones(o._data.shape, o._dtype.np)) for o in outputs)
        vs, _ = _as_tuple(v)
        result = _grads(outputs, xs, vs, create_graph, strict)
    outs = tuple(o if create_graph else o.detach() for o in outputs)
    return _unpack(outs, single_out), _unpack(result, single_in)


def jvp(func: Callable, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """Jacobian-vector product of ``func`` at ``inputs`` with ``v``: (func_output, jvp)."""
    inputs, single_in = _as_tuple(inputs)
    vs = _as_tuple(v)[0] if v is not None else tuple(wrap(np.ones(x._data.shape, x._dtype.np))
                                                    for x in inputs)
    with enable_grad():
        xs = _leaves(inputs, create_graph)
        outputs, single_out = _as_tuple(func(*xs))
        # u -> J^T u is linear in u, so d<J^T u, v>/du = J v
        us = tuple(wrap(np.zeros(o._data.shape, o._dtype.np)).requires_grad_(True)
                   for o in outputs)
        vjps = _grads(outputs, xs, us, True, strict)
        result = _grads(vjps, us, vs, create_graph, strict)
    outs = tuple(o if create_graph else o.detach() for o in outputs)
    return _unpack(outs, single_out), _unpack(result, single_out)


def jacobian(func: Callable, inputs, create_graph: bool = False, strict: bool = False,
             vectorize: bool = False, strategy: str = "reverse-mode"):
    """The Jacobian of ``func`` at ``inputs``: shape ``output.shape + input.shape`` per pair.

    ``vectorize`` and ``strategy`` are accepted for compatibility; rows are computed
    one output element at a time by reverse mode.
    """
    inputs, single_in = _as_tuple(inputs)
    with enable_grad():
        xs = _leaves(inputs, create_graph)
        outputs, single_out = _as_tuple(func(*xs))
        per_output = tuple(_jacobian_rows(o, xs, create_graph, strict) for o in outputs)
    if single_out:
        return _unpack(per_output[0], single_in)
    return tuple(_unpack(rows, single_in) for rows in per_output)


def _jacobian_rows(out: Tensor, xs: tuple, create_graph: bool, strict: bool) -> tuple:
    """d out / d x for each x, by one vjp per element of ``out``."""
    rows: list = [[] for _ in xs]
    n = out._data.size
    for k in range(n):
        unit = np.zeros(n, out._dtype.np)
        unit[k] = 1
        grads = _grads((out,), xs, (wrap(unit.reshape(out._data.shape)),), create_graph, strict)
        for i, g in enumerate(grads):
            rows[i].append(g)
    return tuple(_stack_rows(r, out, x, create_graph) for r, x in zip(rows, xs))


def _stack_rows(rows: list, out: Tensor, x: Tensor, create_graph: bool) -> Tensor:
    """Rows d out[k] / dx stacked into shape ``out.shape + x.shape``."""
    shape = out._data.shape + x._data.shape
    if not create_graph:
        return wrap(np.stack([r._data for r in rows]).reshape(shape)) if rows else wrap(
            np.zeros(shape, x._dtype.np))
    return _joining.stack(rows).reshape(shape)


def hessian(func: Callable, inputs, create_graph: bool = False, strict: bool = False,
            vectorize: bool = False, outer_jacobian_strategy: str = "reverse-mode"):
    """The Hessian of scalar ``func`` at ``inputs`` (the Jacobian of its gradient)."""
    inputs, single_in = _as_tuple(inputs)

    def gradient(*xs):
        out = func(*xs)
        if not isinstance(out, Tensor) or out._data.size != 1:
            raise RuntimeError("The function given to hessian should return a single Tensor "
                               "with a single element.")
        return _grads((out,), xs, (wrap(np.ones(out._data.shape, out._dtype.np)),), True,
                      strict)
    jac = jacobian(gradient, inputs, create_graph, strict)
    return jac[0][0] if single_in else jac


def vhp(func: Callable, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """Vector-Hessian product of scalar ``func``: (func_output, v^T H)."""
    return _hessian_product(func, inputs, v, create_graph, strict)


def hvp(func: Callable, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """Hessian-vector product of scalar ``func``: (func_output, H v) (H is symmetric)."""
    return _hessian_product(func, inputs, v, create_graph, strict)


def _hessian_product(func: Callable, inputs, v, create_graph: bool, strict: bool):
    inputs, single_in = _as_tuple(inputs)
    vs = _as_tuple(v)[0] if v is not None else tuple(wrap(np.ones(x._data.shape, x._dtype.np))
                                                    for x in inputs)
    with enable_grad():
        xs = _leaves(inputs, create_graph)
        out = func(*xs)
        grads = _grads((out,), xs, (wrap(np.ones(out._data.shape, out._dtype.np)),), True,
                       strict)
        result = _grads(grads, xs, vs, create_graph, strict)
    return (out if create_graph else out.detach()), _unpack(result, single_in)


__all__ = ["hessian", "hvp", "jacobian", "jvp", "vhp", "vjp"]
