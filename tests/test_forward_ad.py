"""Forward-mode AD: the API (dual levels, make_dual, unpack_dual, reprs, errors) and, over the
whole op_db, every primitive's JVP rule against its reverse rules: <u, J v> == <J^T u, v>."""
from __future__ import annotations

import numpy as np
import pytest

import chainrule
from forward_cases import call_with, float_outputs, jvp_case, tangents_for
from op_db import CASE_IDS, CASES, build

fwAD = chainrule.autograd.forward_ad

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

FW_CASES = [(c, i) for c, i in zip(CASES, CASE_IDS) if c[0].wants_gradcheck(c[1])]


@pytest.mark.parametrize("spec,sample", [c for c, _ in FW_CASES], ids=[i for _, i in FW_CASES])
def test_jvp_matches_vjp(spec, sample):
    """<u, J v> computed by forward mode equals <J^T u, v> computed by reverse mode."""
    _, _, leaves = build(chainrule, sample, "float64")
    vs = tangents_for(leaves, seed=1)
    jv = jvp_case(spec, sample, chainrule, vs)
    out, leaves = call_with(spec, sample, chainrule, lambda k, leaf: leaf)
    outs = float_outputs(out)
    rng = np.random.default_rng(2)
    # (no direction through an output that is not finite: mean of an empty tensor is nan)
    us = [rng.standard_normal(tuple(o.shape)) * np.isfinite(o.detach().numpy()) for o in outs]
    grads = chainrule.autograd.grad(outs, leaves, [chainrule.tensor(u) for u in us],
                                    allow_unused=True, materialize_grads=True)
    forward = sum(float(np.sum(np.where(u != 0, u * j, 0))) for u, j in zip(us, jv))
    reverse = sum(float(np.sum(g.numpy() * v)) for g, v in zip(grads, vs))
    assert forward == pytest.approx(reverse, rel=1e-7, abs=1e-9)


# -- the dual-tensor API ---------------------------------------------------------------------


def test_make_dual_unpack_dual_and_level_exit():
    x = chainrule.tensor([1.0, 2.0])
    v = chainrule.tensor([0.5, 0.1])
    with fwAD.dual_level() as level:
        assert level == 0
        d = fwAD.make_dual(x, v)
        primal, tangent = fwAD.unpack_dual(d)
        assert tangent is v  # the tangent is used as is, not copied
        assert primal._base is x and d._base is x  # both are views of the primal
        y = d * d + d.sin()
        assert fwAD.unpack_dual(y).tangent.tolist() == pytest.approx(
            (2 * x * v + x.cos() * v).tolist())
        assert fwAD.unpack_dual(x).tangent is None
        kept = y
    assert fwAD.unpack_dual(kept).tangent is None  # exiting the level drops every tangent
    assert repr(kept) == "tensor([1.8415, 4.9093])"


def test_forward_mode_ignores_integer_results_and_non_differentiable_ops():
    with fwAD.dual_level():
        d = fwAD.make_dual(chainrule.tensor([3.0, 1.0]), chainrule.ones(2))
        assert fwAD.unpack_dual(d.argmax()).tangent is None
        assert fwAD.unpack_dual(d > 2).tangent is None
        assert fwAD.unpack_dual(d.long()).tangent is None


def test_in_place_ops_and_setitem_carry_tangents():
    with fwAD.dual_level():
        x = fwAD.make_dual(chainrule.tensor([1.0, 2.0]), chainrule.ones(2))
        x.mul_(chainrule.tensor([3.0, 4.0]))
        assert fwAD.unpack_dual(x).tangent.tolist() == [3.0, 4.0]
        b = chainrule.zeros(3)
        b[0] = fwAD.make_dual(chainrule.tensor(2.0), chainrule.tensor(5.0))
        assert fwAD.unpack_dual(b).tangent.tolist() == [5.0, 0.0, 0.0]


def test_reverse_over_forward():
    """A tangent records its own graph: d/dx of (J v) is a second derivative."""
    x = chainrule.tensor([0.3, -1.2], dtype=chainrule.float64, requires_grad=True)
    with fwAD.dual_level():
        d = fwAD.make_dual(x, chainrule.ones(2, dtype=chainrule.float64))
        tangent = fwAD.unpack_dual(d.tanh()).tangent  # (1 - tanh^2) * 1
        tangent.sum().backward()
    expected = -2 * x.detach().tanh() * (1 - x.detach().tanh() ** 2)
    assert x.grad.tolist() == pytest.approx(expected.tolist())


def test_func_jvp_jacfwd_and_hessian_use_forward_mode():
    x = chainrule.tensor([0.5, -0.3, 1.1], dtype=chainrule.float64)

    def f(x):
        return (x.exp() * x.sin()).cumsum(0)
    value, tangent = chainrule.func.jvp(f, (x,), (chainrule.ones(3, dtype=chainrule.float64),))
    jac = chainrule.func.jacfwd(f)(x)
    assert np.allclose(jac.numpy(), chainrule.func.jacrev(f)(x).numpy())
    assert np.allclose(tangent.numpy(), jac.numpy().sum(1))
    h = chainrule.func.hessian(lambda x: (x.exp() * x.sin()).sum())(x)
    assert np.allclose(h.numpy(), np.diag((2 * np.exp(x.numpy()) * np.cos(x.numpy()))))


def test_missing_jvp_rule_raises_not_implemented():
    from chainrule.primitives._primitive import primitive

    @primitive("NoJvpBackward0")
    def no_jvp(xp, x):
        return x * 2
    no_jvp.defvjp(x=lambda g: g * 2)
    try:
        with fwAD.dual_level():
            d = fwAD.make_dual(chainrule.ones(2), chainrule.ones(2))
            with pytest.raises(NotImplementedError, match="Trying to use forward AD with no_jvp"):
                chainrule._dispatch.call(no_jvp, (d,))
    finally:
        del chainrule.primitives._primitive.REGISTRY["no_jvp"]


@pytest.mark.parametrize("call,exc,first_line", [
    (lambda: fwAD.make_dual(chainrule.ones(2), chainrule.ones(2)), RuntimeError,
     "Trying to create a dual Tensor for forward AD but no level exists, make sure to "
     "enter_dual_level() first."),
])
def test_errors_outside_a_level(call, exc, first_line):
    with pytest.raises(exc) as info:
        call()
    assert str(info.value).split("\n")[0] == first_line


def test_errors_inside_a_level():
    with fwAD.dual_level():
        x = chainrule.ones(2)
        with pytest.raises(RuntimeError, match="Nested forward mode AD is not supported"):
            fwAD.enter_dual_level()
        with pytest.raises(RuntimeError, match=r"Tensor is of size \[2\] while the given forward "
                                               r"gradient is of size \[3\]"):
            fwAD.make_dual(x, chainrule.ones(3))
        with pytest.raises(ValueError, match="Expected tangent to be floating point"):
            fwAD.make_dual(x, chainrule.ones(2, dtype=chainrule.int64))
        with pytest.raises(ValueError, match="Expected primal to be floating point"):
            fwAD.make_dual(chainrule.ones(2, dtype=chainrule.int64), x)
        d = fwAD.make_dual(x, x)
        with pytest.raises(RuntimeError, match="already has a forward gradient at the same level 0"):
            fwAD.make_dual(d, x)
        with pytest.raises(RuntimeError, match="Invalid level given to _make_dual"):
            fwAD.make_dual(x, x, level=3)


def test_custom_function_forward_mode():
    class Twice(chainrule.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):
            out = x * y  # forward mode is paused here: jvp gives the output's tangent
            assert fwAD.unpack_dual(out).tangent is None
            return out

        @staticmethod
        def backward(ctx, g):
            return g, g

    class WithJvp(Twice):
        @staticmethod
        def jvp(ctx, tx, ty):
            assert ty.tolist() == [0.0, 0.0]  # zeros for an input without a tangent
            return tx * 2

    with fwAD.dual_level():
        x = fwAD.make_dual(chainrule.ones(2), chainrule.full((2,), 3.0))
        with pytest.raises(NotImplementedError, match="You must implement the jvp function"):
            Twice.apply(x, chainrule.ones(2))
        assert fwAD.unpack_dual(WithJvp.apply(x, chainrule.ones(2))).tangent.tolist() == [6.0, 6.0]
