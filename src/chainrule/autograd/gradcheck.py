"""``gradcheck`` / ``gradgradcheck``: analytical gradients against central differences."""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from .._dispatch import materialize, wrap
from .._tensor import Tensor
from .api import grad as _grad
from .grad_mode import enable_grad, no_grad


class GradcheckError(RuntimeError):
    """Raised by ``gradcheck`` when the analytical and numerical Jacobians disagree."""


def _as_tuple(x) -> tuple:
    return (x,) if isinstance(x, Tensor) else tuple(x)


def _outputs(func: Callable, inputs: tuple) -> tuple:
    return _as_tuple(func(*inputs))


def _numerical(func: Callable, inputs: tuple, i: int, out_idx: int, eps: float) -> np.ndarray:
    """d output[out_idx] / d inputs[i] by central differences, shape (in.numel, out.numel)."""
    x = inputs[i]
    materialize(x)
    data = x._data  # perturbed in place (views of it see the change), then restored
    columns = []
    with no_grad():
        for idx in np.ndindex(data.shape):
            orig = data[idx].copy()
            data[idx] = orig + eps
            plus = np.array(_outputs(func, inputs)[out_idx]._data, dtype=np.float64)
            data[idx] = orig - eps
            minus = np.array(_outputs(func, inputs)[out_idx]._data, dtype=np.float64)
            data[idx] = orig
            columns.append(((plus - minus) / (2 * eps)).reshape(-1))
    n_out = _outputs(func, inputs)[out_idx]._data.size
    return np.array(columns).reshape(data.size, n_out)


def _analytical(func: Callable, inputs: tuple, i: int, out_idx: int) -> np.ndarray:
    """d output / d inputs[i] row by row via vector-Jacobian products with unit vectors."""
    out = _outputs(func, inputs)[out_idx]
    n_out = out._data.size
    rows = np.zeros((inputs[i]._data.size, n_out))
    for k in range(n_out):
        unit = np.zeros(n_out, dtype=out._dtype.np)
        unit[k] = 1
        (g,) = _grad(out, inputs[i], _unit(unit, out),
                     retain_graph=True, allow_unused=True)
        if g is not None:
            rows[:, k] = np.asarray(g._data, dtype=np.float64).reshape(-1)
    return rows


def _unit(unit: np.ndarray, out: Tensor) -> Tensor:
    return wrap(unit.reshape(out._data.shape))


def gradcheck(func: Callable, inputs, *, eps: float = 1e-6, atol: float = 1e-5,
              rtol: float = 1e-3, raise_exception: bool = True, fast_mode: bool = False,
              nondet_tol: float = 0.0, check_undefined_grad: bool = True,
              check_grad_dtypes: bool = False, check_batched_grad: bool = False,
              check_backward_ad: bool = True, check_forward_ad: bool = False,
              masked: bool | None = None) -> bool:
    """Check gradients computed via small finite differences against analytical ones.

    The check runs over every floating-point input that requires grad and every
    output; inputs should be float64 for the default tolerances to be meaningful.
    ``fast_mode`` compares one random projection ``v^T J u`` per input/output pair
    instead of whole Jacobians. Returns True when all match; otherwise raises
    ``GradcheckError`` naming the worst element (or returns False if
    ``raise_exception`` is False). The remaining keyword arguments are accepted for
    PyTorch compatibility.
    """
    if check_forward_ad:
        raise NotImplementedError("gradcheck(check_forward_ad=True): forward-mode AD is not "
                                  "implemented yet")
    inputs = _as_tuple(inputs)
    outputs = _outputs(func, inputs)
    for i, x in enumerate(inputs):
        if not (isinstance(x, Tensor) and x.requires_grad):
            continue
        for j, out in enumerate(outputs):
            if not out.requires_grad:
                continue
            if fast_mode and _fast_close(func, inputs, i, j, eps, rtol, atol):
                continue
            numerical = _numerical(func, inputs, i, j, eps)
            analytical = _analytical(func, inputs, i, j)
            if not np.allclose(analytical, numerical, rtol=rtol, atol=atol):
                if not raise_exception:
                    return False
                raise GradcheckError(_mismatch(i, j, numerical, analytical, out, x))
    return True


def _fast_close(func: Callable, inputs: tuple, i: int, j: int, eps: float, rtol: float,
                atol: float) -> bool:
    """Whether v^T J u agrees numerically (two evaluations) and analytically (one vjp)."""
    rng = np.random.default_rng(0)
    x = inputs[i]
    out = _outputs(func, inputs)[j]
    u = rng.standard_normal(x._data.shape)
    v = rng.standard_normal(out._data.shape)
    materialize(x)
    data, orig = x._data, x._data.copy()
    with no_grad():
        data += eps * u
        plus = np.array(_outputs(func, inputs)[j]._data, dtype=np.float64)
        data[...] = orig - eps * u
        minus = np.array(_outputs(func, inputs)[j]._data, dtype=np.float64)
        data[...] = orig
    numerical = float(np.sum((plus - minus) / (2 * eps) * v))
    (g,) = _grad(out, x, wrap(v.astype(out._dtype.np)), retain_graph=True, allow_unused=True)
    analytical = 0.0 if g is None else float(np.sum(np.asarray(g._data, np.float64) * u))
    return bool(np.isclose(analytical, numerical, rtol=rtol, atol=atol))


def _mismatch(i: int, j: int, numerical: np.ndarray, analytical: np.ndarray, out: Tensor,
              x: Tensor) -> str:
    """PyTorch's message (Jacobians as (input, output) matrices), then the worst element."""
    diff = np.abs(numerical - analytical)
    k, m = np.unravel_index(int(np.argmax(diff)), diff.shape)
    return (f"Jacobian mismatch for output {j} with respect to input {i},\n"
            f"numerical:{wrap(numerical.astype(x._dtype.np))!r}\n"
            f"analytical:{wrap(analytical.astype(x._dtype.np))!r}\n\n"
            f"The max per-element difference is: {float(diff[k, m])!r}, at input element {k} and "
            f"output element {m}.\n")


def gradgradcheck(func: Callable, inputs, grad_outputs: Sequence | None = None, *,
                  eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
                  raise_exception: bool = True, **kwargs) -> bool:
    """Check second-order gradients: ``gradcheck`` of the first gradient (``create_graph``)."""
    inputs = _as_tuple(inputs)
    outputs = _outputs(func, inputs)
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = tuple(_unit(rng.standard_normal(o._data.size).astype(o._dtype.np), o)
                             for o in outputs)
    diff = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]

    def first_grads(*xs):
        with enable_grad():  # gradcheck evaluates this under no_grad
            return _first_grads(xs)

    def _first_grads(xs):
        outs = _outputs(func, xs)
        grads = _grad(outs, [xs[i] for i in diff], grad_outputs, create_graph=True,
                      allow_unused=True, materialize_grads=True)
        return tuple(g for g in grads if g is not None and g.requires_grad)

    return gradcheck(first_grads, inputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)
