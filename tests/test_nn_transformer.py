"""MultiheadAttention, TransformerEncoderLayer and TransformerEncoder without torch: shapes,
parameter names, reprs (PyTorch's, observed on torch 2.13), initialisation, mask semantics,
gradcheck, dropout, deep-copied layers, warnings and errors."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import chainrule
from chainrule import nn
from chainrule.autograd import gradcheck

L, S, N, E, HEADS = 4, 5, 2, 6, 2


def _x(*shape, seed=0, requires_grad=False):
    return chainrule.tensor(np.random.default_rng(seed).standard_normal(shape), requires_grad=requires_grad)


def _mha(**kwargs):
    chainrule.manual_seed(0)
    return nn.MultiheadAttention(E, HEADS, **kwargs).double()


@pytest.mark.parametrize("batch_first", [False, True])
def test_mha_shapes(batch_first):
    m = _mha(batch_first=batch_first, kdim=3, vdim=4)
    q = _x(N, L, E) if batch_first else _x(L, N, E)
    k = _x(N, S, 3) if batch_first else _x(S, N, 3)
    v = _x(N, S, 4) if batch_first else _x(S, N, 4)
    out, w = m(q, k, v)
    assert out.shape == q.shape and w.shape == (N, L, S)
    out, w = m(q, k, v, average_attn_weights=False)
    assert w.shape == (N, HEADS, L, S)
    out, w = m(q, k, v, need_weights=False)
    assert out.shape == q.shape and w is None
    out, w = m(q[0] if batch_first else q[:, 0], k[0] if batch_first else k[:, 0], v[0] if batch_first else v[:, 0])
    assert out.shape == (L, E) and w.shape == (L, S)


def test_mha_parameters_and_init():
    m = nn.MultiheadAttention(E, HEADS)
    assert [(n, tuple(p.shape)) for n, p in m.named_parameters()] == [
        ("in_proj_weight", (18, 6)), ("in_proj_bias", (18,)), ("out_proj.weight", (6, 6)), ("out_proj.bias", (6,))]
    assert m.q_proj_weight is None and m.bias_k is None and m.head_dim == 3 and m._qkv_same_embed_dim
    bound = math.sqrt(6 / (E + 3 * E))  # xavier_uniform_ on (3E, E)
    assert np.all(np.abs(m.in_proj_weight.detach().numpy()) <= bound)
    assert not m.in_proj_bias.detach().numpy().any() and not m.out_proj.bias.detach().numpy().any()
    separate = nn.MultiheadAttention(E, HEADS, kdim=3, vdim=5, add_bias_kv=True)
    assert [(n, tuple(p.shape)) for n, p in separate.named_parameters()] == [
        ("q_proj_weight", (6, 6)), ("k_proj_weight", (6, 3)), ("v_proj_weight", (6, 5)), ("in_proj_bias", (18,)),
        ("bias_k", (1, 1, 6)), ("bias_v", (1, 1, 6)), ("out_proj.weight", (6, 6)), ("out_proj.bias", (6,))]
    assert separate.in_proj_weight is None
    assert type(m.out_proj).__name__ == "NonDynamicallyQuantizableLinear" and isinstance(m.out_proj, nn.Linear)


def test_attention_weights_are_a_distribution_that_respects_masks():
    m = _mha()
    q, k = _x(L, N, E), _x(S, N, E, seed=1)
    padding = chainrule.tensor([[False, False, False, True, True], [False, True, False, False, False]])
    banned = chainrule.tensor(np.triu(np.ones((L, S), dtype=bool), 2))
    _, w = m(q, k, k, key_padding_mask=padding, attn_mask=banned, average_attn_weights=False)
    w = w.detach().numpy()  # (N, heads, L, S)
    np.testing.assert_allclose(w.sum(-1), 1.0, rtol=1e-12)
    for b in range(N):
        assert not w[b][:, :, padding.numpy()[b]].any()
    assert not w[:, :, banned.numpy()].any()


def test_bool_and_float_masks_agree():
    m = _mha()
    q, k = _x(L, N, E), _x(S, N, E, seed=1)
    padding = np.array([[False, False, True, False, True], [True, False, False, False, False]])
    as_bool = m(q, k, k, key_padding_mask=chainrule.tensor(padding))
    as_float = m(q, k, k, key_padding_mask=chainrule.tensor(np.where(padding, -np.inf, 0.0)))
    for a, b in zip(as_bool, as_float):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())


@pytest.mark.parametrize("need_weights", [True, False])
def test_causal_hint_equals_the_explicit_mask(need_weights):
    m = _mha(batch_first=True)
    x = _x(N, L, E)
    mask = chainrule.tensor(np.triu(np.ones((L, L), dtype=bool), 1))
    hinted = m(x, x, x, attn_mask=mask, is_causal=True, need_weights=need_weights)[0]
    explicit = m(x, x, x, attn_mask=mask, need_weights=need_weights)[0]
    np.testing.assert_allclose(hinted.detach().numpy(), explicit.detach().numpy(), atol=1e-12)
    # a query only sees the keys up to its own position: later inputs do not change it
    changed = x.detach().clone()
    changed[:, -1] = 10.0
    later = m(changed, changed, changed, attn_mask=mask, is_causal=True, need_weights=need_weights)[0]
    np.testing.assert_allclose(later[:, :-1].detach().numpy(), hinted[:, :-1].detach().numpy(), atol=1e-12)


@pytest.mark.parametrize("kwargs", [{}, {"kdim": 3, "vdim": 4, "add_zero_attn": True}, {"add_bias_kv": True}])
def test_mha_gradcheck(kwargs):
    m = _mha(**kwargs)
    q = _x(3, 1, E, requires_grad=True)
    k = _x(2, 1, kwargs.get("kdim", E), seed=1, requires_grad=True)
    v = _x(2, 1, kwargs.get("vdim", E), seed=2, requires_grad=True)
    mask = chainrule.tensor([[0.0, -1.0]] * 3, dtype=chainrule.float64)
    assert gradcheck(lambda q, k, v: m(q, k, v, attn_mask=mask), (q, k, v))


def test_mha_dropout_applies_in_training_only():
    m = _mha(dropout=0.5)
    x = _x(L, N, E)
    m.eval()
    out_eval, w_eval = m(x, x, x, average_attn_weights=False)
    m.train()
    chainrule.manual_seed(1)
    out, w = m(x, x, x, average_attn_weights=False)
    w, w_eval = w.detach().numpy(), w_eval.detach().numpy()
    kept = w > 0
    assert 0 < kept.mean() < 1
    np.testing.assert_allclose(w[kept], 2 * w_eval[kept], rtol=1e-12)  # kept weights are scaled by 1 / (1 - p)
    assert not np.allclose(out.detach().numpy(), out_eval.detach().numpy())
    out_sdpa = m(x, x, x, need_weights=False)[0]  # dropout without weights too
    assert not np.allclose(out_sdpa.detach().numpy(), out_eval.detach().numpy())


MHA_REPRS = [
    (lambda: nn.MultiheadAttention(4, 2),
     "MultiheadAttention(\n"
     "  (out_proj): NonDynamicallyQuantizableLinear(in_features=4, out_features=4, bias=True)\n"
     ")"),
    (lambda: nn.MultiheadAttention(4, 2, kdim=3, vdim=5, dropout=0.1, bias=False, batch_first=True),
     "MultiheadAttention(\n"
     "  (out_proj): NonDynamicallyQuantizableLinear(in_features=4, out_features=4, bias=False)\n"
     ")"),
]

LAYER_REPR = """TransformerEncoderLayer(
  (self_attn): MultiheadAttention(
    (out_proj): NonDynamicallyQuantizableLinear(in_features=8, out_features=8, bias=True)
  )
  (linear1): Linear(in_features=8, out_features=16, bias=True)
  (dropout): Dropout(p=0.1, inplace=False)
  (linear2): Linear(in_features=16, out_features=8, bias=True)
  (norm1): LayerNorm((8,), eps=1e-05, elementwise_affine=True, bias=True)
  (norm2): LayerNorm((8,), eps=1e-05, elementwise_affine=True, bias=True)
  (dropout1): Dropout(p=0.1, inplace=False)
  (dropout2): Dropout(p=0.1, inplace=False)
)"""

LAYER_GELU_REPR = LAYER_REPR[:-2] + "\n  (activation): GELU(approximate='none')\n)"

ENCODER_REPR = """TransformerEncoder(
  (layers): ModuleList(
    (0-1): 2 x TransformerEncoderLayer(
      (self_attn): MultiheadAttention(
        (out_proj): NonDynamicallyQuantizableLinear(in_features=8, out_features=8, bias=True)
      )
      (linear1): Linear(in_features=8, out_features=16, bias=True)
      (dropout): Dropout(p=0.1, inplace=False)
      (linear2): Linear(in_features=16, out_features=8, bias=True)
      (norm1): LayerNorm((8,), eps=1e-05, elementwise_affine=True, bias=True)
      (norm2): LayerNorm((8,), eps=1e-05, elementwise_affine=True, bias=True)
      (dropout1): Dropout(p=0.1, inplace=False)
      (dropout2): Dropout(p=0.1, inplace=False)
    )
  )
  (norm): LayerNorm((8,), eps=1e-05, elementwise_affine=True, bias=True)
)"""

REPRS = MHA_REPRS + [
    (lambda: nn.TransformerEncoderLayer(8, 2, 16), LAYER_REPR),
    (lambda: nn.TransformerEncoderLayer(8, 2, 16, activation=nn.GELU()), LAYER_GELU_REPR),
    (lambda: nn.TransformerEncoderLayer(8, 2, 16, activation="gelu"), LAYER_REPR),
    (lambda: nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16), 2, norm=nn.LayerNorm(8)), ENCODER_REPR),
]


@pytest.mark.parametrize("make,expected", REPRS)
def test_repr_is_torchs(make, expected):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert repr(make()) == expected


def test_encoder_layer_parameter_names():
    layer = nn.TransformerEncoderLayer(8, 2, 16, bias=False)
    assert [(n, tuple(p.shape)) for n, p in layer.named_parameters()] == [
        ("self_attn.in_proj_weight", (24, 8)), ("self_attn.out_proj.weight", (8, 8)), ("linear1.weight", (16, 8)),
        ("linear2.weight", (8, 16)), ("norm1.weight", (8,)), ("norm2.weight", (8,))]
    assert layer.activation is nn.functional.relu and layer.activation_relu_or_gelu == 1
    assert nn.TransformerEncoderLayer(8, 2, activation="gelu").activation_relu_or_gelu == 2
    assert nn.TransformerEncoderLayer(8, 2, activation=nn.ReLU()).activation_relu_or_gelu == 1
    assert nn.TransformerEncoderLayer(8, 2, activation=nn.Tanh()).activation_relu_or_gelu == 0


@pytest.mark.parametrize("norm_first", [False, True])
def test_encoder_layer_is_its_formula(norm_first):
    """Post-norm: norm2(y + ff(y)), y = norm1(x + sa(x)); pre-norm: y + ff(norm2(y)), y = x + sa(norm1(x))."""
    chainrule.manual_seed(0)
    layer = nn.TransformerEncoderLayer(E, HEADS, 8, dropout=0.0, norm_first=norm_first).double()
    x = _x(L, N, E)

    def sa(t):
        return layer.self_attn(t, t, t, need_weights=False)[0]

    def ff(t):
        return layer.linear2(nn.functional.relu(layer.linear1(t)))

    if norm_first:
        y = x + sa(layer.norm1(x))
        expected = y + ff(layer.norm2(y))
    else:
        y = layer.norm1(x + sa(x))
        expected = layer.norm2(y + ff(y))
    np.testing.assert_allclose(layer(x).detach().numpy(), expected.detach().numpy(), atol=1e-12)


def test_encoder_layer_gradcheck():
    chainrule.manual_seed(0)
    layer = nn.TransformerEncoderLayer(4, 2, 6, dropout=0.0, activation="gelu", batch_first=True).double()
    padding = chainrule.tensor([[False, False, True]])
    assert gradcheck(lambda x: layer(x, src_key_padding_mask=padding), (_x(1, 3, 4, requires_grad=True),))


def test_encoder_layer_dropout_in_training():
    chainrule.manual_seed(0)
    layer = nn.TransformerEncoderLayer(E, HEADS, 8, dropout=0.5).double()
    x = _x(L, N, E)
    trained = layer(x)
    layer.eval()
    np.testing.assert_array_equal(layer(x).detach().numpy(), layer(x).detach().numpy())
    assert not np.allclose(trained.detach().numpy(), layer(x).detach().numpy())


def _encoder(**kwargs):
    chainrule.manual_seed(0)
    layer = nn.TransformerEncoderLayer(E, HEADS, 8, dropout=0.0, batch_first=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return nn.TransformerEncoder(layer, 2, **kwargs).double()


def test_encoder_layers_are_independent_copies():
    enc = _encoder(norm=nn.LayerNorm(E))
    first, second = enc.layers
    assert first is not second and first.linear1.weight is not second.linear1.weight
    np.testing.assert_array_equal(first.linear1.weight.detach().numpy(), second.linear1.weight.detach().numpy())
    x = _x(N, L, E)
    enc(x).sum().backward()
    assert first.linear1.weight.grad is not None and second.linear1.weight.grad is not None
    assert len(list(enc.parameters())) == 2 * 12 + 2


def test_encoder_is_its_layers_in_turn():
    enc = _encoder(norm=nn.LayerNorm(E).double())
    x = _x(N, L, E)
    mask = chainrule.triu(chainrule.full((L, L), float("-inf"), dtype=chainrule.float64), 1)
    expected = enc.norm(enc.layers[1](enc.layers[0](x, mask, is_causal=True), mask, is_causal=True))
    np.testing.assert_allclose(enc(x, mask).detach().numpy(), expected.detach().numpy(), atol=1e-12)


def test_encoder_zeroes_padding_where_torch_uses_nested_tensors():
    enc = _encoder().eval()
    x = _x(N, L, E)
    padding = chainrule.tensor([[False, False, True, True], [False, False, False, True]])
    with chainrule.no_grad():
        out = enc(x, src_key_padding_mask=padding).numpy()
    assert not out[padding.numpy()].any() and out[~padding.numpy()].all()
    # with autograd recording, in training, or with a mask that is not left aligned: no zeros
    assert enc(x, src_key_padding_mask=padding).detach().numpy()[padding.numpy()].all()
    with chainrule.no_grad():
        shuffled = chainrule.tensor([[False, True, False, True], [False, False, False, True]])
        assert enc(x, src_key_padding_mask=shuffled).numpy()[shuffled.numpy()].all()
        assert enc.train()(x, src_key_padding_mask=padding).numpy()[padding.numpy()].all()
        assert _encoder(enable_nested_tensor=False).eval()(x, src_key_padding_mask=padding).numpy()[
            padding.numpy()].all()


def test_encoder_warning():
    with pytest.warns(UserWarning, match=r"^enable_nested_tensor is True, but self.use_nested_tensor is False "
                                         r"because encoder_layer.norm_first was True$"):
        enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(4, 2, 8, norm_first=True, batch_first=True), 1)
    assert enc.enable_nested_tensor and not enc.use_nested_tensor
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert nn.TransformerEncoder(nn.TransformerEncoderLayer(4, 2, 8, batch_first=True), 1).use_nested_tensor


def test_mixed_mask_types_warn():
    m = _mha()
    x = _x(L, N, E)
    with pytest.warns(UserWarning, match="^Support for mismatched key_padding_mask and attn_mask is deprecated. "
                                         "Use same type for both instead.$"):
        m(x, x, x, attn_mask=chainrule.zeros(L, L, dtype=chainrule.bool),
          key_padding_mask=chainrule.zeros(N, L, dtype=chainrule.float64))


ERRORS = [
    (lambda: nn.MultiheadAttention(4, 3), AssertionError, "embed_dim must be divisible by num_heads"),
    (lambda: nn.MultiheadAttention(4, 0), ValueError,
     "embed_dim and num_heads must be greater than 0, got embed_dim=4 and num_heads=0 instead"),
    (lambda: nn.MultiheadAttention(4, 2)(chainrule.ones(3, 2, 4), chainrule.ones(3, 2, 4), chainrule.ones(3, 2, 2)),
     AssertionError, "key shape torch.Size([3, 2, 4]) does not match value shape torch.Size([3, 2, 2])"),
    (lambda: nn.MultiheadAttention(4, 2)(chainrule.ones(3, 2, 4), chainrule.ones(3, 2, 4), chainrule.ones(3, 2, 4),
                                         attn_mask=chainrule.zeros(3, 4, dtype=chainrule.bool)),
     RuntimeError, "The shape of the 2D attn_mask is torch.Size([3, 4]), but should be (3, 3)."),
    (lambda: nn.MultiheadAttention(4, 2)(chainrule.ones(3, 2, 4), chainrule.ones(3, 2, 4), chainrule.ones(3, 2, 4),
                                         is_causal=True),
     RuntimeError, "Need attn_mask if specifying the is_causal hint. You may use the Transformer module method "
                   "`generate_square_subsequent_mask` to create this mask."),
    (lambda: nn.MultiheadAttention(4, 2)(chainrule.ones(3, 2, 4), chainrule.ones(3, 2, 4), chainrule.ones(3, 2, 4),
                                         key_padding_mask=chainrule.zeros(2, 3, dtype=chainrule.int64)),
     AssertionError, "only bool and floating types of key_padding_mask are supported"),
    (lambda: nn.TransformerEncoderLayer(4, 2, activation="tanh"), RuntimeError,
     "activation should be relu/gelu, not tanh"),
]


@pytest.mark.parametrize("call,kind,message", ERRORS)
def test_errors(call, kind, message):
    with pytest.raises(kind) as info:
        call()
    assert str(info.value).splitlines()[0] == message
