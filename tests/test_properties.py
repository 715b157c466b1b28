"""Properties that must hold for any input, searched for by hypothesis.

* Broadcasting arithmetic: for random broadcastable shape pairs, ``a + b``, ``a - b``,
  ``a * b`` and ``a / b`` give the forward value NumPy gives, and gradients equal to
  the textbook derivative times the incoming gradient, summed over the broadcast dims.
* Linearity of backward: a vector-Jacobian product is linear in the vector, so
  ``vjp(c * g) == c * vjp(g)`` and ``vjp(g1 + g2) == vjp(g1) + vjp(g2)`` for every op.
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import chainrule as torch

SETTINGS = settings(max_examples=60, deadline=None)


def sum_to(g: np.ndarray, shape: tuple) -> np.ndarray:
    """Reduce a broadcast gradient back to ``shape``: sum the leading and the stretched dims."""
    g = g.sum(axis=tuple(range(g.ndim - len(shape))))
    stretched = tuple(i for i, s in enumerate(shape) if s == 1 and g.shape[i] != 1)
    return g.sum(axis=stretched, keepdims=True).reshape(shape)


# derivative of each binary op w.r.t. a and b, as NumPy functions of (g, a, b)
BINARY = {
    "add": (lambda a, b: a + b, lambda g, a, b: g, lambda g, a, b: g),
    "sub": (lambda a, b: a - b, lambda g, a, b: g, lambda g, a, b: -g),
    "mul": (lambda a, b: a * b, lambda g, a, b: g * b, lambda g, a, b: g * a),
    "div": (lambda a, b: a / b, lambda g, a, b: g / b, lambda g, a, b: -g * a / (b * b)),
}

_values = st.floats(-10, 10, allow_nan=False, allow_infinity=False, width=64)
_nonzero = _values.filter(lambda v: abs(v) > 0.25)


@st.composite
def broadcast_case(draw, op: str):
    """Shapes that broadcast (0-d and size-0 dims included), values, and an output gradient."""
    shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4,
                                                    min_side=0, max_side=4))
    sa, sb = shapes.input_shapes
    a = draw(hnp.arrays(np.float64, sa, elements=_values))
    b = draw(hnp.arrays(np.float64, sb, elements=_nonzero if op == "div" else _values))
    g = draw(hnp.arrays(np.float64, shapes.result_shape, elements=_values))
    return a, b, g


def _check_binary(op: str, case, spelling: str) -> None:
    a_np, b_np, g_np = case
    fwd, da, db = BINARY[op]
    a = torch.tensor(a_np, requires_grad=True)
    b = torch.tensor(b_np, requires_grad=True)
    out = {"operator": fwd, "function": getattr(torch, op), "method": getattr(torch.Tensor, op)}[spelling](a, b)
    assert out.shape == g_np.shape and out.dtype == torch.float64
    np.testing.assert_allclose(out.detach().numpy(), fwd(a_np, b_np), rtol=1e-13, atol=0)
    out.backward(torch.tensor(g_np))
    assert a.grad.shape == a_np.shape and b.grad.shape == b_np.shape
    np.testing.assert_allclose(a.grad.numpy(), sum_to(da(g_np, a_np, b_np), a_np.shape), rtol=1e-12,
                               atol=1e-12)
    np.testing.assert_allclose(b.grad.numpy(), sum_to(db(g_np, a_np, b_np), b_np.shape), rtol=1e-12,
                               atol=1e-12)


@pytest.mark.parametrize("spelling", ["operator", "function", "method"])
@pytest.mark.parametrize("op", list(BINARY))
def test_broadcast_binary_grads(op, spelling):
    @SETTINGS
    @given(broadcast_case(op))
    def run(case):
        _check_binary(op, case, spelling)
    run()


@SETTINGS
@given(shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3),
       data=st.data())
def test_broadcast_one_side_needs_no_grad(shapes, data):
    """Only the input that requires grad gets one, still reduced to its own shape."""
    sa, sb = shapes.input_shapes
    a_np = data.draw(hnp.arrays(np.float64, sa, elements=_values))
    b_np = data.draw(hnp.arrays(np.float64, sb, elements=_nonzero))
    a, b = torch.tensor(a_np, requires_grad=True), torch.tensor(b_np)
    (a * b - b * a.detach()).sum().backward()
    assert b.grad is None
    np.testing.assert_allclose(a.grad.numpy(), sum_to(np.broadcast_to(b_np, shapes.result_shape), sa),
                               rtol=1e-12)


@SETTINGS
@given(shape=hnp.array_shapes(min_dims=0, max_dims=3, max_side=4), data=st.data())
def test_scalar_operands(shape, data):
    """A Python number broadcasts like a 0-d constant: d(c*x + x/c - c)/dx = c + 1/c."""
    x_np = data.draw(hnp.arrays(np.float64, shape, elements=_values))
    c = data.draw(_nonzero)
    x = torch.tensor(x_np, requires_grad=True)
    (c * x + x / c - c).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.full(shape, c + 1 / c), rtol=1e-12)


# -- linearity of backward ----------------------------------------------------------------------

def _matmul_const(x):
    w = torch.tensor(np.arange(12.0).reshape(x.shape[-1], -1) if x.ndim else 1.0, dtype=torch.float64)
    return x @ w if x.ndim else x * w


UNARY = {
    "exp": lambda x: x.exp(),
    "sin": lambda x: x.sin(),
    "tanh": lambda x: x.tanh(),
    "sigmoid": lambda x: x.sigmoid(),
    "cube": lambda x: x ** 3,
    "square_by_mul": lambda x: x * x,
    "div_self_plus": lambda x: x / (x * x + 1),
    "sum_dim": lambda x: x.sum(-1) if x.ndim else x.sum(),
    "mean": lambda x: x.mean(),
    "transpose_reshape": lambda x: x.t().reshape(-1) if x.ndim <= 2 else x.reshape(-1),
    "index": lambda x: x[..., ::2] if x.ndim else x[None],
    "matmul": _matmul_const,
    "broadcast_add": lambda x: x + x.sum(),
}


def _vjp(fn, x_np, g_np):
    x = torch.tensor(x_np, requires_grad=True)
    (gx,) = torch.autograd.grad(fn(x), x, torch.tensor(np.asarray(g_np)))  # 0-d: an ndarray, not np.float64
    return gx.numpy()


@pytest.mark.parametrize("name", list(UNARY))
def test_backward_is_linear(name):
    fn = UNARY[name]

    @settings(max_examples=25, deadline=None)
    @given(x_shape=hnp.array_shapes(min_dims=1, max_dims=2, min_side=2, max_side=3)
           if name == "matmul" else hnp.array_shapes(min_dims=0, max_dims=3, max_side=3),
           c=_nonzero, data=st.data())
    def run(x_shape, c, data):
        if name == "matmul":
            x_shape = x_shape[:-1] + (3 if len(x_shape) > 1 else x_shape[-1],)
            x_shape = x_shape if len(x_shape) > 1 else (x_shape[0],)
        x_np = data.draw(hnp.arrays(np.float64, x_shape, elements=st.floats(-3, 3, width=64)))
        with torch.no_grad():
            out_shape = tuple(fn(torch.tensor(x_np)).shape)
        g1 = data.draw(hnp.arrays(np.float64, out_shape, elements=_values))
        g2 = data.draw(hnp.arrays(np.float64, out_shape, elements=_values))
        v1, v2 = _vjp(fn, x_np, g1), _vjp(fn, x_np, g2)
        np.testing.assert_allclose(_vjp(fn, x_np, c * g1), c * v1, rtol=1e-10, atol=1e-10)
        np.testing.assert_allclose(_vjp(fn, x_np, g1 + g2), v1 + v2, rtol=1e-10, atol=1e-10)
        np.testing.assert_allclose(_vjp(fn, x_np, 2 * g1), 2 * v1, rtol=1e-12, atol=1e-12)
    run()


@settings(max_examples=30, deadline=None)
@given(x=st.floats(-2, 2, width=64), c=_nonzero)
def test_second_order_is_linear(x, c):
    """The gradient of c * f'(x) is c * f''(x), through create_graph."""
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    (g,) = torch.autograd.grad((t.sin() * t.exp()).sum(), t, create_graph=True)
    (h1,) = torch.autograd.grad(g, t, retain_graph=True)
    (hc,) = torch.autograd.grad(c * g, t)
    np.testing.assert_allclose(hc.numpy(), c * h1.numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(h1.numpy(), 2 * np.cos(x) * np.exp(x), rtol=1e-10, atol=1e-12)


def test_tensor_keeps_numpy_scalar_dtype():
    # found by test_backward_is_linear: c * g on a 0-d ndarray is an np.float64 scalar
    assert torch.tensor(np.float64(1.5)).dtype == torch.float64
    assert torch.tensor([np.float64(1.5), 2.0]).dtype == torch.float64
    assert torch.tensor(np.int32(3)).dtype == torch.int32
    assert torch.tensor(np.float64(0.1)).item() == 0.1
