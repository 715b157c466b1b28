"""autograd.functional and func transform scenarios; each returns printable results."""
from __future__ import annotations

import importlib
from types import ModuleType


def _data(torch: ModuleType):
    x = torch.tensor([1.0, 2.0], dtype=torch.float64)
    y = torch.tensor([0.5, 1.5], dtype=torch.float64)
    return x, y, torch.ones(2, dtype=torch.float64)


def autograd_functional(torch: ModuleType) -> list:
    """vjp, jvp, jacobian (one and several inputs/outputs), hessian, hvp, vhp."""
    F = torch.autograd.functional
    x, y, v = _data(torch)

    def cube_sum(a):
        return (a ** 3).sum()

    def two(a, b):
        return a * b.sin(), (a * a).sum()
    return [repr(r) for r in (
        F.vjp(lambda a: a ** 2, x, v), F.jvp(lambda a: a ** 2, x, v),
        F.jacobian(lambda a: a ** 2, x), F.jacobian(two, (x, y)), F.hessian(cube_sum, x),
        F.hvp(cube_sum, x, v), F.vhp(cube_sum, x, v), F.vjp(cube_sum, x),
        F.jacobian(lambda a: a.sum() * 0 + 1.0, x))]


def func_transforms(torch: ModuleType) -> list:
    """func.grad (nested, argnums, has_aux), grad_and_value, vjp, jvp, closures over leaves."""
    fn = importlib.import_module(torch.__name__ + ".func")
    x, y, v = _data(torch)

    def cube_sum(a):
        return (a ** 3).sum()
    w = torch.tensor(3.0, requires_grad=True)
    g = fn.grad(lambda a: (a * w).sum())(x)
    g.sum().backward()
    out, vjp_fn = fn.vjp(lambda a: a ** 2, x)
    return [repr(r) for r in (
        fn.grad(cube_sum)(x), fn.grad(lambda a: fn.grad(cube_sum)(a).sum())(x),
        fn.grad(lambda a, b: (a * b.sin()).sum(), argnums=(0, 1))(x, y),
        fn.grad_and_value(cube_sum)(x),
        fn.grad(lambda a: ((a ** 2).sum(), a * 2), has_aux=True)(x),
        out, vjp_fn(v), fn.jvp(lambda a: a ** 2, (x,), (v,)), g, w.grad)]


SCENARIOS = [autograd_functional, func_transforms]
