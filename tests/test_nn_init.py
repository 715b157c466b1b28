"""``nn.init`` and the layers' default initialisation: PyTorch's distributions and bounds.

The random streams are chainrule's own, so these tests check the formulas (bounds,
means, standard deviations) on large tensors, not the values.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

import chainrule
from chainrule import nn
from chainrule.nn import init


def _values(t) -> np.ndarray:
    return t.detach().numpy().astype(np.float64)


def _check_uniform(t, bound: float) -> None:
    v = _values(t)
    assert v.min() >= -bound and v.max() <= bound
    assert v.min() < -0.9 * bound and v.max() > 0.9 * bound  # the whole interval is used
    np.testing.assert_allclose(v.std(), bound / math.sqrt(3), rtol=0.05)


def _check_normal(t, std: float, mean: float = 0.0) -> None:
    v = _values(t)
    np.testing.assert_allclose(v.mean(), mean, atol=4 * std / math.sqrt(v.size))
    np.testing.assert_allclose(v.std(), std, rtol=0.05)


def test_calculate_gain():
    assert init.calculate_gain("conv2d") == 1 and init.calculate_gain("sigmoid") == 1
    assert init.calculate_gain("tanh") == 5 / 3 and init.calculate_gain("selu") == 3 / 4
    assert init.calculate_gain("relu") == math.sqrt(2)
    assert init.calculate_gain("leaky_relu") == math.sqrt(2 / (1 + 0.01 ** 2))
    assert init.calculate_gain("leaky_relu", 0.2) == math.sqrt(2 / 1.04)
    with pytest.raises(ValueError, match="^Unsupported nonlinearity softmax$"):
        init.calculate_gain("softmax")
    with pytest.raises(ValueError, match="^negative_slope True not a valid number$"):
        init.calculate_gain("leaky_relu", True)


def test_fills_are_in_place_outside_the_graph():
    w = chainrule.empty(40, 50, requires_grad=True)
    version = w._version
    assert init.uniform_(w, -2, 3) is w
    assert w.grad_fn is None and w.requires_grad and w._version > version
    v = _values(w)
    assert v.min() >= -2 and v.max() <= 3
    np.testing.assert_allclose(v.mean(), 0.5, atol=0.1)
    _check_normal(init.normal_(w, 1.5, 0.5), 0.5, 1.5)
    np.testing.assert_array_equal(_values(init.constant_(w, 0.3)), np.float32(0.3))
    np.testing.assert_array_equal(_values(init.ones_(w)), 1)
    np.testing.assert_array_equal(_values(init.zeros_(w)), 0)
    np.testing.assert_array_equal(_values(init.eye_(w)), np.eye(40, 50))


def test_xavier_and_kaiming_bounds():
    w = chainrule.empty(200, 100, 3)  # fan_in = 300, fan_out = 600
    _check_uniform(init.xavier_uniform_(w, gain=2.0), 2.0 * math.sqrt(6 / 900))
    _check_normal(init.xavier_normal_(w), math.sqrt(2 / 900))
    _check_uniform(init.kaiming_uniform_(w, a=0.5), math.sqrt(2 / 1.25) * math.sqrt(3 / 300))
    _check_uniform(init.kaiming_uniform_(w, mode="fan_out", nonlinearity="relu"), math.sqrt(2) * math.sqrt(3 / 600))
    _check_normal(init.kaiming_normal_(w, nonlinearity="tanh"), 5 / 3 / math.sqrt(300))


def test_fan_errors():
    with pytest.raises(ValueError, match="^Fan in and fan out can not be computed for tensor with fewer than 2 "
                                         "dimensions$"):
        init.xavier_uniform_(chainrule.empty(5))
    with pytest.raises(ValueError, match=r"^Mode fan_avg not supported, please use one of \['fan_in', 'fan_out'\]$"):
        init.kaiming_normal_(chainrule.empty(3, 3), mode="fan_avg")
    with pytest.warns(UserWarning, match="^Initializing zero-element tensors is a no-op$"):
        init.kaiming_uniform_(chainrule.empty(0, 3))


def test_trunc_normal_stays_within_bounds_with_the_truncated_moments():
    w = init.trunc_normal_(chainrule.empty(200, 200, dtype=chainrule.float64), mean=0.5, std=1.0, a=-0.5, b=2.0)
    v = _values(w)
    assert v.min() >= -0.5 and v.max() <= 2.0
    alpha, beta = -1.0, 1.5  # the bounds in standard units
    pdf = [math.exp(-z * z / 2) / math.sqrt(2 * math.pi) for z in (alpha, beta)]
    mass = 0.5 * (math.erf(beta / math.sqrt(2)) - math.erf(alpha / math.sqrt(2)))
    mean = 0.5 + (pdf[0] - pdf[1]) / mass
    var = 1 + (alpha * pdf[0] - beta * pdf[1]) / mass - ((pdf[0] - pdf[1]) / mass) ** 2
    np.testing.assert_allclose(v.mean(), mean, atol=0.01)
    np.testing.assert_allclose(v.std(), math.sqrt(var), rtol=0.02)


def test_orthogonal_gives_orthonormal_rows_or_columns():
    for shape in [(6, 4), (4, 6), (3, 2, 2)]:
        w = init.orthogonal_(chainrule.empty(*shape, dtype=chainrule.float64), gain=2.0)
        flat = _values(w).reshape(shape[0], -1)
        small = min(flat.shape)
        gram = flat.T @ flat if flat.shape[0] >= flat.shape[1] else flat @ flat.T
        np.testing.assert_allclose(gram, 4 * np.eye(small), atol=1e-10)


def test_dirac_and_sparse():
    w = init.dirac_(chainrule.empty(2, 3, 3, 3))
    expected = np.zeros((2, 3, 3, 3))
    expected[0, 0, 1, 1] = expected[1, 1, 1, 1] = 1
    np.testing.assert_array_equal(_values(w), expected)
    s = _values(init.sparse_(chainrule.empty(10, 6), sparsity=0.3))
    assert ((s == 0).sum(axis=0) == 3).all()


def test_generator_makes_fills_reproducible():
    a = init.normal_(chainrule.empty(5), generator=chainrule.Generator().manual_seed(3))
    b = init.normal_(chainrule.empty(5), generator=chainrule.Generator().manual_seed(3))
    np.testing.assert_array_equal(_values(a), _values(b))
    chainrule.manual_seed(4)
    first = _values(nn.Linear(3, 3).weight)
    chainrule.manual_seed(4)
    np.testing.assert_array_equal(_values(nn.Linear(3, 3).weight), first)


def test_layer_defaults_follow_pytorchs_reset_parameters():
    # Linear / Conv: kaiming_uniform_(a=sqrt(5)) -> bound 1/sqrt(fan_in); the bias U(-1/sqrt(fan_in), ...)
    linear = nn.Linear(400, 300)
    _check_uniform(linear.weight, 1 / math.sqrt(400))
    v = _values(linear.bias)
    assert np.abs(v).max() <= 1 / math.sqrt(400) and np.abs(v).max() > 0.9 / math.sqrt(400)
    conv = nn.Conv2d(16, 64, 5, groups=2)  # fan_in = 8 * 25
    _check_uniform(conv.weight, 1 / math.sqrt(200))
    assert np.abs(_values(conv.bias)).max() <= 1 / math.sqrt(200)
    transposed = nn.ConvTranspose2d(64, 32, 3)  # weight (64, 32, 3, 3): fan_in = 32 * 9
    _check_uniform(transposed.weight, 1 / math.sqrt(288))
    bilinear = nn.Bilinear(50, 40, 30)
    _check_uniform(bilinear.weight, 1 / math.sqrt(50))
    _check_normal(nn.Embedding(300, 100).weight, 1.0)
    for norm in [nn.BatchNorm2d(4), nn.LayerNorm(4), nn.GroupNorm(2, 4)]:
        np.testing.assert_array_equal(_values(norm.weight), 1)
        np.testing.assert_array_equal(_values(norm.bias), 0)
    bn = nn.BatchNorm1d(3)
    np.testing.assert_array_equal(bn.running_mean.numpy(), 0)
    np.testing.assert_array_equal(bn.running_var.numpy(), 1)
    assert bn.num_batches_tracked.dtype is chainrule.int64 and bn.num_batches_tracked.item() == 0


def test_factory_kwargs_set_the_dtype():
    linear = nn.Linear(2, 2, dtype=chainrule.float64)
    assert linear.weight.dtype is chainrule.float64 and linear.bias.dtype is chainrule.float64
    bn = nn.BatchNorm1d(2, dtype=chainrule.float64)
    assert bn.running_mean.dtype is chainrule.float64 and bn.num_batches_tracked.dtype is chainrule.int64
