"""``chainrule.func``: composable function transforms (``grad``, ``vjp``, ``jacrev`` ...).

They are built on the reverse-mode graph: each transform makes its arguments fresh
leaves, evaluates the function and differentiates it. Inside another transform (or
with arguments that require grad) the result keeps its graph, so transforms nest:
``grad(grad(f))``. ``jvp``/``jacfwd`` use forward-mode AD (``autograd.forward_ad``);
inside an open dual level (forward mode does not nest) they fall back to the
double-backward trick, which gives the same values.
"""
from __future__ import annotations

import functools
from typing import Any, Callable

import numpy as np

from ._dispatch import set_tangent, wrap
from ._tensor import Tensor
from .autograd import forward_ad as _fw
from .autograd.api import grad as _grad
from .autograd.grad_mode import enable_grad
from .autograd.grad_mode import forward_state as _fw_state
from .functional import joining as _joining

_depth = [0]  # how many transforms are running (inner ones must keep their graph)


def _argnums(argnums, n: int) -> tuple[tuple, bool]:
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    for a in nums:
        if not -n <= a < n:
            raise RuntimeError(f"Got argnums={argnums} but only {n} positional inputs")
    return tuple(a % n for a in nums), isinstance(argnums, int)


def _prepare(args: tuple, nums: tuple) -> tuple[list, set]:
    """Args with the differentiated ones made fresh leaves (unless they already require
    grad: then results stay connected to them), and the set of those fresh leaves."""
    out = list(args)
    fresh: set = set()
    for i in nums:
        x = args[i]
        if not isinstance(x, Tensor):
            raise RuntimeError(f"Expected argument {i} to be a Tensor, got {type(x).__name__}")
        if not x.requires_grad:  # one that requires grad stays connected to its graph
            out[i] = x.detach().requires_grad_(True)
            set_tangent(out[i], getattr(x, "_fw", None))  # a dual argument stays dual
            fresh.add(id(out[i]))
    return out, fresh


def _reaches_outside(t: Tensor, fresh: set) -> bool:
    """Whether ``t``'s graph reaches a leaf other than this transform's own leaves."""
    stack, seen = [t.grad_fn], set()
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        variable = getattr(node, "variable", None)
        if variable is not None and id(variable) not in fresh:
            return True
        stack.extend(n for n, _ in node.next_functions)
    return False


def _finish(value, fresh: set):
    """Results keep their graph only inside another transform or when it reaches leaves
    the caller owns (as PyTorch's transforms do); tuples are finished item by item."""
    if isinstance(value, tuple):
        return tuple(_finish(v, fresh) for v in value)
    if not isinstance(value, Tensor) or _depth[0] > 0 or not value.requires_grad:
        return value
    return value if _reaches_outside(value, fresh) else _detached(value)


def _detached(value):
    """``value`` cut from its graph; inside an outer jacfwd it stays dual."""
    if not isinstance(value, Tensor) or not value.requires_grad:
        return value
    detached = value.detach()
    set_tangent(detached, getattr(value, "_fw", None))
    return detached


def _finish_forward(value, args: tuple):
    """A forward-mode result keeps its graph only when an argument requires grad or inside
    another transform (the graph of the tangent computation is internal otherwise)."""
    if _depth[0] > 0 or any(isinstance(a, Tensor) and a.requires_grad for a in args):
        return value
    return tuple(map(_detached, value)) if isinstance(value, tuple) else _detached(value)


def _split_aux(result, has_aux: bool):
    if not has_aux:
        return result, None
    if not (isinstance(result, tuple) and len(result) == 2):
        raise RuntimeError("grad_and_value(f)(*args): output of function f should be a tuple: "
                           "(output, aux) if has_aux is True")
    return result


def _vjp_of(out: Tensor, xs: list, cotangent) -> tuple:
    got = _grad(out, xs, cotangent, retain_graph=True, create_graph=True, allow_unused=True)
    return tuple(wrap(np.zeros(x._data.shape, x._dtype.np)) if g is None else g
                 for x, g in zip(xs, got))


def grad_and_value(func: Callable, argnums=0, has_aux: bool = False) -> Callable:
    """Returns a function computing (gradient of scalar ``func`` w.r.t. ``argnums``, value)."""
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any):
        nums, single = _argnums(argnums, len(args))
        args, fresh = _prepare(args, nums)
        _depth[0] += 1
        try:
            with enable_grad():
                out, aux = _split_aux(func(*args, **kwargs), has_aux)
                if not isinstance(out, Tensor) or out._data.size != 1:
                    raise RuntimeError("grad_and_value(f)(*args): Expected f(*args) to return "
                                       "a scalar Tensor")
                grads = _vjp_of(out, [args[i] for i in nums],
                                wrap(np.ones(out._data.shape, out._dtype.np)))
        finally:
            _depth[0] -= 1
        g = _finish(grads[0] if single else grads, fresh)
        value = _finish(out, fresh)
        return (g, (value, _finish(aux, fresh))) if has_aux else (g, value)
    return wrapper


def grad(func: Callable, argnums=0, has_aux: bool = False) -> Callable:
    """Returns a function computing the gradient of scalar ``func`` w.r.t. ``argnums``."""
    inner = grad_and_value(func, argnums, has_aux)

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any):
        g, value = inner(*args, **kwargs)
        return (g, value[1]) if has_aux else g
    return wrapper


def vjp(func: Callable, *primals: Tensor, has_aux: bool = False):
    """(func(*primals), vjp_fn[, aux]); ``vjp_fn(cotangents)`` returns one grad per primal."""
    args, fresh = _prepare(primals, tuple(range(len(primals))))
    _depth[0] += 1
    try:
        with enable_grad():
            out, aux = _split_aux(func(*args), has_aux)
    finally:
        _depth[0] -= 1

    def vjp_fn(cotangent: Tensor) -> tuple:
        with enable_grad():
            return _finish(_vjp_of(out, args, cotangent), fresh)
    value = _finish(out, fresh)
    return (value, vjp_fn, _finish(aux, fresh)) if has_aux else (value, vjp_fn)


def jacrev(func: Callable, argnums=0, has_aux: bool = False) -> Callable:
    """Returns a function computing the Jacobian of ``func`` w.r.t. ``argnums`` (reverse mode)."""
    @functools.wraps(func)
    def wrapper(*args: Any):
        nums, single = _argnums(argnums, len(args))
        args, fresh = _prepare(args, nums)
        _depth[0] += 1
        try:
            with enable_grad():
                out, aux = _split_aux(func(*args), has_aux)
                jac = _jacobian(out, [args[i] for i in nums])
        finally:
            _depth[0] -= 1
        result = _finish(jac[0] if single else jac, fresh)
        return (result, _finish(aux, fresh)) if has_aux else result
    return wrapper


def _jacobian(out: Tensor, xs: list) -> tuple:
    rows: list = [[] for _ in xs]
    n = out._data.size
    for k in range(n):
        unit = np.zeros(n, out._dtype.np)
        unit[k] = 1
        for i, g in enumerate(_vjp_of(out, xs, wrap(unit.reshape(out._data.shape)))):
            rows[i].append(g)
    return tuple(_joining.stack(r).reshape(out._data.shape + x._data.shape) if r else
                 wrap(np.zeros(out._data.shape + x._data.shape, x._dtype.np))
                 for r, x in zip(rows, xs))


def jacfwd(func: Callable, argnums=0, has_aux: bool = False) -> Callable:
    """Returns a function computing the Jacobian of ``func`` w.r.t. ``argnums`` by forward mode
    (one forward pass per input element, each pushing a unit tangent through ``func``)."""
    @functools.wraps(func)
    def wrapper(*args: Any):
        if _fw_state.level is not None:  # forward mode does not nest: reverse gives the same
            return jacrev(func, argnums, has_aux)(*args)
        nums, single = _argnums(argnums, len(args))
        columns: list = [[] for _ in nums]
        out = aux = None
        for k, i in enumerate(nums):
            x = args[i]
            for j in range(x._data.size):
                unit = np.zeros(x._data.size, x._dtype.np)
                unit[j] = 1
                tangents = [wrap(np.zeros(args[n]._data.shape, args[n]._dtype.np)) for n in nums]
                tangents[k] = wrap(unit.reshape(x._data.shape))
                out, column, aux = _forward_jvp(func, args, nums, tangents, has_aux)
                columns[k].append(column)
        jac = tuple(_joining.stack(c, -1).reshape(tuple(out.shape) + tuple(args[i].shape)) if c
                    else wrap(np.zeros(tuple(out.shape) + tuple(args[i].shape), out._dtype.np))
                    for c, i in zip(columns, nums))
        result = _finish_forward(jac[0] if single else jac, args)
        return (result, aux) if has_aux else result
    return wrapper


def _forward_jvp(func: Callable, args: tuple, nums: tuple, tangents: list, has_aux: bool):
    """(func(*args), J @ tangents, aux) by forward mode: the ``nums`` arguments made dual."""
    with _fw.dual_level():
        duals = list(args)
        for i, t in zip(nums, tangents):
            duals[i] = _fw.make_dual(args[i], t)
        out, aux = _split_aux(func(*duals), has_aux)
        value, tangent = _fw.unpack_dual(out)
    if tangent is None:
        tangent = wrap(np.zeros(out._data.shape, out._dtype.np))
    return value, tangent, aux


def hessian(func: Callable, argnums=0) -> Callable:
    """Returns a function computing the Hessian of scalar ``func`` w.r.t. ``argnums``."""
    return jacfwd(jacrev(func, argnums), argnums)


def jvp(func: Callable, primals: tuple, tangents: tuple, *, has_aux: bool = False):
    """(func(*primals), J @ tangents[, aux]): the Jacobian-vector product, by forward mode."""
    if _fw_state.level is None:
        value, tangent_out, aux = _forward_jvp(func, tuple(primals), tuple(range(len(primals))),
                                               list(tangents), has_aux)
        value, tangent_out = _finish_forward((value, tangent_out), tuple(primals) + tuple(tangents))
        return (value, tangent_out, aux) if has_aux else (value, tangent_out)
    # inside an open dual level: the double-backward trick gives the same values
    args, fresh = _prepare(tuple(primals), tuple(range(len(primals))))
    _depth[0] += 1
    try:
        with enable_grad():
            out, aux = _split_aux(func(*args), has_aux)
            u = wrap(np.zeros(out._data.shape, out._dtype.np)).requires_grad_(True)
            vjps = _vjp_of(out, args, u)
            # u -> J^T u is linear in u, so d<J^T u, t>/du = J t
            pairs = [(v, t) for v, t in zip(vjps, tangents) if v.requires_grad]
            (tangent_out,) = _vjp_of(sum((v * t).sum() for v, t in pairs), [u], None) \
                if pairs else (wrap(np.zeros(out._data.shape, out._dtype.np)),)
    finally:
        _depth[0] -= 1
    value, tangent_out = _finish(out, fresh), _finish(tangent_out, fresh)
    return (value, tangent_out, _finish(aux, fresh)) if has_aux else (value, tangent_out)


__all__ = ["grad", "grad_and_value", "hessian", "jacfwd", "jacrev", "jvp", "vjp"]
