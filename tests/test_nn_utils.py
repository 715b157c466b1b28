"""``nn.utils``: gradient clipping and parameter/vector conversion, checked against NumPy."""
from __future__ import annotations

import math

import numpy as np
import pytest

import chainrule
from chainrule import nn
from chainrule.nn import utils

GRADS = [np.array([[3.0, -4.0], [1.0, 2.0]]), np.array([0.5, -12.0])]


def _params():
    params = [nn.Parameter(chainrule.zeros(2, 2, dtype=chainrule.float64)),
              nn.Parameter(chainrule.zeros(2, dtype=chainrule.float64)),
              nn.Parameter(chainrule.zeros(3, dtype=chainrule.float64))]  # no gradient: skipped
    for p, g in zip(params, GRADS):
        p.grad = chainrule.tensor(g)
    return params


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 0.5, math.inf])
def test_clip_grad_norm_scales_every_gradient_by_one_factor(norm_type):
    flat = np.concatenate([g.ravel() for g in GRADS])
    total = np.max(np.abs(flat)) if norm_type == math.inf else np.sum(np.abs(flat) ** norm_type) ** (1 / norm_type)
    params = _params()
    result = utils.clip_grad_norm_(params, max_norm=2.0, norm_type=norm_type)
    np.testing.assert_allclose(result.item(), total)
    scale = min(1.0, 2.0 / (total + 1e-6))
    for p, g in zip(params, GRADS):
        np.testing.assert_allclose(p.grad.numpy(), g * scale)
    assert params[2].grad is None


def test_clip_grad_norm_leaves_small_gradients_alone_and_handles_edge_cases():
    params = _params()
    utils.clip_grad_norm_(params, max_norm=100.0)
    np.testing.assert_allclose(params[0].grad.numpy(), GRADS[0])
    assert utils.clip_grad_norm_([], 1.0).item() == 0.0
    single = _params()[1]
    utils.clip_grad_norm_(single, 1.0)
    np.testing.assert_allclose(np.linalg.norm(single.grad.numpy()), 1.0, rtol=1e-5)
    params = _params()
    params[1].grad[0] = math.nan
    with pytest.raises(RuntimeError, match=r"^The total norm of order 2.0 for gradients from `parameters` is "
                                           r"non-finite, so it cannot be clipped"):
        utils.clip_grad_norm_(params, 1.0, error_if_nonfinite=True)
    np.testing.assert_allclose(params[0].grad.numpy(), GRADS[0])  # nothing clipped after the error


def test_clip_grad_value_clamps_in_place():
    params = _params()
    grad = params[0].grad
    assert utils.clip_grad_value_(params, 1.5) is None
    assert params[0].grad is grad
    for p, g in zip(params, GRADS):
        np.testing.assert_array_equal(p.grad.numpy(), np.clip(g, -1.5, 1.5))


def test_parameters_to_vector_and_back():
    model = nn.Sequential(nn.Linear(3, 2), nn.Linear(2, 1)).double()
    vec = utils.parameters_to_vector(model.parameters())
    assert tuple(vec.shape) == (11,) and vec.grad_fn is not None
    expected = np.concatenate([p.detach().numpy().ravel() for p in model.parameters()])
    np.testing.assert_array_equal(vec.detach().numpy(), expected)
    utils.vector_to_parameters(chainrule.arange(11.0, dtype=chainrule.float64), model.parameters())
    np.testing.assert_array_equal(model[0].weight.detach().numpy(), np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(model[1].bias.detach().numpy(), [10.0])
    assert all(isinstance(p, nn.Parameter) and p.requires_grad for p in model.parameters())
    with pytest.raises(TypeError, match="^expected torch.Tensor, but got: list$"):
        utils.vector_to_parameters([1.0], model.parameters())
