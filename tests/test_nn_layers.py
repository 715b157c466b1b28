"""Layers: gradients by finite differences (float64), running statistics, padding rows, dropout, losses."""
from __future__ import annotations

import numpy as np
import pytest

import chainrule
from chainrule import nn
from chainrule.autograd import gradcheck


def _randn(*shape, grad=True):
    return chainrule.tensor(np.random.default_rng(sum(shape)).standard_normal(shape), requires_grad=grad)


LAYERS = [
    (lambda: nn.Linear(3, 2), [(4, 3)]),
    (lambda: nn.Bilinear(2, 3, 2), [(4, 2), (4, 3)]),
    (lambda: nn.Conv1d(2, 2, 3, padding=1, padding_mode="circular"), [(1, 2, 5)]),
    (lambda: nn.Conv2d(2, 4, 2, stride=2, groups=2), [(1, 2, 4, 4)]),
    (lambda: nn.Conv2d(1, 2, 3, padding=1, padding_mode="reflect"), [(1, 1, 4, 3)]),
    (lambda: nn.ConvTranspose2d(2, 1, 2, stride=2, output_padding=1), [(1, 2, 2, 2)]),
    (lambda: nn.BatchNorm1d(3), [(4, 3)]),
    (lambda: nn.BatchNorm2d(2).eval(), [(2, 2, 2, 2)]),
    (lambda: nn.LayerNorm(4), [(3, 4)]),
    (lambda: nn.GroupNorm(2, 4), [(2, 4, 3)]),
    (lambda: nn.MaxPool2d(2), [(1, 1, 4, 4)]),
    (lambda: nn.AvgPool1d(2), [(1, 2, 4)]),
    (lambda: nn.AdaptiveAvgPool2d(2), [(1, 1, 3, 5)]),
    (lambda: nn.Softmax(dim=1), [(2, 3)]),
    (lambda: nn.GELU("tanh"), [(2, 3)]),
]


@pytest.mark.parametrize("make, shapes", LAYERS, ids=lambda v: type(v()).__name__ if callable(v) else "")
def test_layer_gradients_match_finite_differences(make, shapes):
    module = make().double()
    inputs = tuple(_randn(*s) for s in shapes)
    params = tuple(module.parameters())
    assert gradcheck(lambda *args: module(*args[:len(inputs)]), inputs + params)


def test_batchnorm_running_statistics_follow_momentum():
    bn = nn.BatchNorm1d(2, momentum=0.25).double()
    batches = [np.random.default_rng(i).standard_normal((5, 2)) * (i + 1) for i in range(3)]
    mean, var = np.zeros(2), np.ones(2)
    for batch in batches:
        bn(chainrule.tensor(batch))
        mean = 0.75 * mean + 0.25 * batch.mean(0)
        var = 0.75 * var + 0.25 * batch.var(0, ddof=1)  # the running variance is unbiased
    np.testing.assert_allclose(bn.running_mean.numpy(), mean)
    np.testing.assert_allclose(bn.running_var.numpy(), var)
    assert bn.num_batches_tracked.item() == 3
    bn.eval()
    x = np.random.default_rng(9).standard_normal((4, 2))
    expected = (x - mean) / np.sqrt(var + bn.eps)
    np.testing.assert_allclose(bn(chainrule.tensor(x)).detach().numpy(), expected, rtol=1e-10)
    assert bn.num_batches_tracked.item() == 3


def test_batchnorm_without_momentum_keeps_a_cumulative_average():
    bn = nn.BatchNorm1d(2, momentum=None).double()
    batches = [np.random.default_rng(i).standard_normal((6, 2)) + i for i in range(4)]
    for batch in batches:
        bn(chainrule.tensor(batch))
    np.testing.assert_allclose(bn.running_mean.numpy(), np.mean([b.mean(0) for b in batches], axis=0))
    np.testing.assert_allclose(bn.running_var.numpy(), np.mean([b.var(0, ddof=1) for b in batches], axis=0))


def test_batchnorm_without_running_stats_uses_batch_statistics_in_eval():
    bn = nn.BatchNorm1d(2, track_running_stats=False, affine=False).double().eval()
    x = np.random.default_rng(1).standard_normal((5, 2))
    expected = (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-5)
    np.testing.assert_allclose(bn(chainrule.tensor(x)).numpy(), expected, rtol=1e-10)
    assert bn.running_mean is None and list(bn.state_dict()) == []


def test_embedding_padding_row_is_zero_and_gets_no_gradient():
    emb = nn.Embedding(5, 3, padding_idx=2)
    np.testing.assert_array_equal(emb.weight.detach().numpy()[2], 0)
    out = emb(chainrule.tensor([[2, 0, 2], [4, 2, 0]]))
    np.testing.assert_array_equal(out.detach().numpy()[0, 0], 0)
    out.sum().backward()
    grad = emb.weight.grad.numpy()
    np.testing.assert_array_equal(grad[2], 0)
    np.testing.assert_array_equal(grad[0], 2)
    np.testing.assert_array_equal(grad[[1, 3]], 0)


def test_dropout_is_identity_in_eval_and_random_in_training():
    drop = nn.Dropout(0.5)
    x = chainrule.ones(1000)
    y = drop(x).numpy()
    assert set(np.unique(y)) <= {0.0, 2.0} and 0.4 < (y == 0).mean() < 0.6
    drop.eval()
    assert drop(x) is x
    x2 = chainrule.ones(10)
    assert nn.Dropout(0.5, inplace=True)(x2) is x2


def test_losses_call_their_functional_form():
    x, y = _randn(4, 3), chainrule.tensor([0, 2, 1, 2])
    F = nn.functional
    cases = [(nn.CrossEntropyLoss(label_smoothing=0.1), F.cross_entropy(x, y, label_smoothing=0.1)),
             (nn.NLLLoss(reduction="sum"), F.nll_loss(x, y, reduction="sum"))]
    for module, expected in cases:
        np.testing.assert_allclose(module(x, y).detach().numpy(), expected.detach().numpy())
    t = _randn(4, 3, grad=False)
    np.testing.assert_allclose(nn.MSELoss(reduction="none")(x, t).detach().numpy(),
                               ((x.detach().numpy() - t.numpy()) ** 2))
    loss = nn.BCEWithLogitsLoss(pos_weight=chainrule.ones(3, dtype=chainrule.float64))
    assert list(loss.state_dict()) == ["pos_weight"]


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel lengths")
def test_conv_padding_same_keeps_the_size_and_modes_pad_as_documented():
    x = _randn(1, 2, 5, 6, grad=False)
    for mode in ["zeros", "reflect", "replicate", "circular"]:
        conv = nn.Conv2d(2, 3, (3, 4), padding="same", padding_mode=mode).double()
        assert tuple(conv(x).shape) == (1, 3, 5, 6)
    circular = nn.Conv1d(1, 1, 3, padding=1, padding_mode="circular", bias=False).double()
    with chainrule.no_grad():
        circular.weight.copy_(chainrule.tensor([[[1.0, 0.0, 0.0]]]))
    out = circular(chainrule.tensor([[[1.0, 2.0, 3.0]]], dtype=chainrule.float64))
    np.testing.assert_array_equal(out.detach().numpy(), [[[3, 1, 2]]])


def test_flatten_and_unflatten_are_inverse():
    x = _randn(2, 3, 4, grad=False)
    flat = nn.Flatten()(x)
    assert tuple(flat.shape) == (2, 12)
    np.testing.assert_array_equal(nn.Unflatten(1, (3, 4))(flat).numpy(), x.numpy())


@pytest.mark.parametrize("name", ["ReLU", "ReLU6", "LeakyReLU", "ELU", "CELU", "SELU", "SiLU", "Mish", "Hardtanh",
                                  "Hardsigmoid", "Hardswish"])
def test_inplace_activations_write_into_their_input(name):
    x = _randn(3, 4, grad=False)
    expected = getattr(nn, name)()(x).numpy()
    out = getattr(nn, name)(inplace=True)(x)
    assert out is x
    np.testing.assert_allclose(x.numpy(), expected)


@pytest.mark.parametrize("make, shape", [(lambda: nn.Linear(5, 3), (4, 5)), (lambda: nn.Linear(5, 3), (2, 4, 5)),
                                         (lambda: nn.Conv2d(2, 3, 3, padding=1, groups=1), (2, 2, 5, 5))])
def test_parameter_gradients_are_contiguous_like_their_parameters(make, shape):
    """As in PyTorch, a weight's .grad has the weight's (contiguous) layout, so in-place
    optimizer updates run on matching memory orders."""
    layer = make()
    layer(_randn(*shape, grad=False).float()).sum().backward()
    for p in layer.parameters():
        assert p.grad.is_contiguous() and p.grad.shape == p.shape
