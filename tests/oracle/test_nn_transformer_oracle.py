"""MultiheadAttention, TransformerEncoderLayer and TransformerEncoder against torch: same
weights, same float64 inputs and masks; outputs, attention weights and the gradients of the
inputs and of every parameter must agree. Also reprs, warnings and errors."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from test_nn_rnn_oracle import _failure, check_same, twins

import chainrule

L, S, N, E, HEADS = 4, 5, 2, 6, 2


def _data(*shape, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape)


def _seq(batch_first: bool, length: int, dim: int = E, seed: int = 0) -> np.ndarray:
    return _data(N, length, dim, seed=seed) if batch_first else _data(length, N, dim, seed=seed)


KEY_PADDING = np.array([[False, False, False, True, True], [False, True, False, False, False]])
CAUSAL_BOOL = np.triu(np.ones((L, L), dtype=bool), 1)
ATTN_BOOL = np.array([[False, True, False, False, True]] * L)


def _float_mask(mask: np.ndarray) -> np.ndarray:
    return np.where(mask, -np.inf, 0.0)


MHA_CONFIGS = {
    "default": {},
    "batch_first": {"batch_first": True},
    "kdim_vdim": {"kdim": 3, "vdim": 4},
    "no_bias": {"bias": False},
    "bias_kv_zero_attn": {"add_bias_kv": True, "add_zero_attn": True},
    "three_heads_batch_first": {"num_heads": 3, "batch_first": True},
}


def _mha(lib, cfg: dict):
    cfg = dict(cfg)
    return lib.nn.MultiheadAttention(E, cfg.pop("num_heads", HEADS), **cfg)


MASKS = {
    "none": {},
    "kpm_bool": {"key_padding_mask": KEY_PADDING},
    "kpm_float": {"key_padding_mask": np.where(KEY_PADDING, -np.inf, _data(N, S, seed=6))},
    "attn_bool": {"attn_mask": ATTN_BOOL},
    "attn_float": {"attn_mask": _data(L, S, seed=7)},
    "attn_3d": {"attn_mask": _data(N * HEADS, L, S, seed=8)},
    "both_bool": {"attn_mask": ATTN_BOOL, "key_padding_mask": KEY_PADDING},
}


def _call_mha(names: list[str], **kwargs):
    """The module called on (query, key, value, *masks), masks passed by keyword."""
    def call(module, lib, q, k, v, *masks):
        return module(q, k, v, **dict(zip(names, masks)), **kwargs)
    return call


def _mha_inputs(cfg: dict, masks: dict) -> list:
    bf = cfg.get("batch_first", False)
    q = _seq(bf, L, seed=1)
    k = _seq(bf, S, cfg.get("kdim", E), seed=2)
    v = _seq(bf, S, cfg.get("vdim", E), seed=3)
    return [q, k, v, *masks.values()]


@pytest.mark.parametrize("weights", [(True, True), (True, False), (False, True)],
                         ids=["avg_weights", "head_weights", "no_weights"])
@pytest.mark.parametrize("mask", MASKS, ids=MASKS.keys())
@pytest.mark.parametrize("cfg", MHA_CONFIGS.values(), ids=MHA_CONFIGS.keys())
def test_mha_matches_torch(cfg, mask, weights):
    masks = MASKS[mask]
    if mask == "attn_3d" and cfg.get("num_heads", HEADS) != HEADS:
        masks = {"attn_mask": _data(N * cfg["num_heads"], L, S, seed=8)}
    theirs, ours = twins(lambda lib: _mha(lib, cfg))
    need, average = weights
    call = _call_mha(list(masks), need_weights=need, average_attn_weights=average)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # bias_kv's pad of a bool mask, mixed mask types
        check_same(theirs, ours, call, _mha_inputs(cfg, masks))


@pytest.mark.parametrize("need_weights", [True, False])
@pytest.mark.parametrize("batch_first", [False, True])
def test_self_attention_with_causal_hint_matches_torch(batch_first, need_weights):
    theirs, ours = twins(lambda lib: lib.nn.MultiheadAttention(E, HEADS, batch_first=batch_first))
    call = _call_mha(["attn_mask"], need_weights=need_weights, is_causal=True)

    def self_attention(module, lib, x, mask):
        return call(module, lib, x, x, x, mask)

    check_same(theirs, ours, self_attention, [_seq(batch_first, L), CAUSAL_BOOL])
    # the hint plus a padding mask: the explicit mask is used (float mask, bool padding: a warning)
    both = _call_mha(["attn_mask", "key_padding_mask"], need_weights=need_weights, is_causal=True)
    theirs, ours = twins(lambda lib: lib.nn.MultiheadAttention(E, HEADS, batch_first=batch_first))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_same(theirs, ours, lambda m, lib, x, a, p: both(m, lib, x, x, x, a, p),
                   [_seq(batch_first, L), _float_mask(CAUSAL_BOOL), KEY_PADDING[:, :L]])


@pytest.mark.parametrize("need_weights", [True, False])
@pytest.mark.parametrize("cfg", [{}, {"kdim": 3, "vdim": 4}, {"add_bias_kv": True}], ids=["same", "kv", "bias_kv"])
def test_unbatched_mha_matches_torch(cfg, need_weights):
    theirs, ours = twins(lambda lib: lib.nn.MultiheadAttention(E, HEADS, batch_first=True, **cfg))
    call = _call_mha(["key_padding_mask", "attn_mask"], need_weights=need_weights, average_attn_weights=False)
    inputs = [_data(L, E, seed=1), _data(S, cfg.get("kdim", E), seed=2), _data(S, cfg.get("vdim", E), seed=3),
              _float_mask(KEY_PADDING[0]), _data(HEADS, L, S, seed=4)]
    check_same(theirs, ours, call, inputs)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # NumPy's, on the all -inf rows
@pytest.mark.parametrize("need_weights", [True, False])
def test_fully_masked_rows_match_torch(need_weights):
    """A sequence whose keys are all padding: NaN with explicit weights, zeros through
    scaled_dot_product_attention, as in torch."""
    theirs, ours = twins(lambda lib: lib.nn.MultiheadAttention(E, HEADS))
    padding = KEY_PADDING.copy()
    padding[0] = True
    call = _call_mha(["key_padding_mask"], need_weights=need_weights)
    check_same(theirs, ours, call, [_seq(False, L), _seq(False, S, seed=2), _seq(False, S, seed=3), padding],
               grads=False)


def test_eval_no_grad_matches_torch_fast_path():
    theirs, ours = twins(lambda lib: lib.nn.MultiheadAttention(E, HEADS, batch_first=True))
    theirs.eval(), ours.eval()
    x = _seq(True, L)
    with torch.no_grad(), chainrule.no_grad():
        check_same(theirs, ours, lambda m, lib, x, p: m(x, x, x, key_padding_mask=p),
                   [x, KEY_PADDING[:, :L]], grads=False)


LAYER_CONFIGS = {
    "post_norm_relu": {},
    "pre_norm_relu": {"norm_first": True},
    "post_norm_gelu_batch_first": {"activation": "gelu", "batch_first": True},
    "pre_norm_gelu_batch_first": {"activation": "gelu", "norm_first": True, "batch_first": True},
    "no_bias_eps": {"bias": False, "layer_norm_eps": 1e-3},
}


def _layer(lib, cfg: dict, dropout: float):
    return lib.nn.TransformerEncoderLayer(E, HEADS, dim_feedforward=8, dropout=dropout, **cfg)


LAYER_MASKS = {
    "none": {},
    "src_mask_bool": {"src_mask": CAUSAL_BOOL},
    "kpm_bool": {"src_key_padding_mask": KEY_PADDING[:, :L]},
    "both_float": {"src_mask": _data(L, L, seed=5), "src_key_padding_mask": _float_mask(KEY_PADDING[:, :L])},
    "causal_hint": {"src_mask": _float_mask(CAUSAL_BOOL), "is_causal": True},
}


def _call_with(masks: dict):
    """The module called on (src, *mask arrays); non-array keywords are passed as they are."""
    arrays = [k for k, v in masks.items() if isinstance(v, np.ndarray)]
    flags = {k: v for k, v in masks.items() if not isinstance(v, np.ndarray)}

    def call(module, lib, x, *values):
        return module(x, **dict(zip(arrays, values)), **flags)
    return call, [masks[k] for k in arrays]


@pytest.mark.parametrize("mode", ["eval", "train_p0"])
@pytest.mark.parametrize("mask", LAYER_MASKS, ids=LAYER_MASKS.keys())
@pytest.mark.parametrize("cfg", LAYER_CONFIGS.values(), ids=LAYER_CONFIGS.keys())
def test_encoder_layer_matches_torch(cfg, mask, mode):
    theirs, ours = twins(lambda lib: _layer(lib, cfg, 0.1 if mode == "eval" else 0.0))
    if mode == "eval":
        theirs.eval(), ours.eval()
    call, values = _call_with(LAYER_MASKS[mask])
    check_same(theirs, ours, call, [_seq(cfg.get("batch_first", False), L), *values])


@pytest.mark.parametrize("activation", ["gelu_tanh_module", "relu_module", "lambda"])
def test_encoder_layer_callable_activation_matches_torch(activation):
    def make(lib):
        act = {"gelu_tanh_module": lambda: lib.nn.GELU(approximate="tanh"), "relu_module": lambda: lib.nn.ReLU(),
               "lambda": lambda: (lambda x: lib.nn.functional.silu(x) * 2)}[activation]()
        return lib.nn.TransformerEncoderLayer(E, HEADS, 8, dropout=0.0, activation=act)

    theirs, ours = twins(make)
    assert repr(ours) == repr(theirs)
    assert ours.activation_relu_or_gelu == theirs.activation_relu_or_gelu
    check_same(theirs, ours, lambda m, lib, x: m(x), [_seq(False, L)])


def test_unbatched_encoder_layer_matches_torch():
    theirs, ours = twins(lambda lib: _layer(lib, {"batch_first": True}, 0.0))
    call, values = _call_with({"src_key_padding_mask": KEY_PADDING[1, :L], "src_mask": CAUSAL_BOOL})
    check_same(theirs, ours, call, [_data(L, E), *values])


ENCODER_CASES = {
    "plain": ({}, {}),
    "norm_kpm": ({"norm": True}, {"src_key_padding_mask": KEY_PADDING[:, :L]}),
    "detected_causal": ({}, {"mask": _float_mask(CAUSAL_BOOL)}),
    "causal_bool_and_kpm": ({"norm": True}, {"mask": CAUSAL_BOOL, "src_key_padding_mask": KEY_PADDING[:, :L]}),
    "not_causal": ({}, {"mask": _data(L, L, seed=9), "is_causal": False}),
    "batch_first_norm_first": ({"batch_first": True, "norm_first": True}, {"mask": CAUSAL_BOOL}),
}


def _encoder(lib, cfg: dict):
    cfg = dict(cfg)
    norm = lib.nn.LayerNorm(E) if cfg.pop("norm", False) else None
    layer = lib.nn.TransformerEncoderLayer(E, HEADS, 8, dropout=0.0, **cfg)
    return lib.nn.TransformerEncoder(layer, 2, norm=norm)


@pytest.mark.parametrize("case", ENCODER_CASES, ids=ENCODER_CASES.keys())
def test_encoder_matches_torch(case):
    cfg, masks = ENCODER_CASES[case]
    theirs, ours = twins(lambda lib: _encoder(lib, cfg))
    # torch's layers are deep copies, equal at first; make them differ so each one counts
    with torch.no_grad():
        for p in theirs.layers[1].parameters():
            p.mul_(0.9).add_(0.05)
    ours.load_state_dict({k: chainrule.tensor(v.numpy()) for k, v in theirs.state_dict().items()})
    call, values = _call_with(masks)
    check_same(theirs, ours, call, [_seq(cfg.get("batch_first", False), L), *values])


LEFT_ALIGNED = np.array([[False, False, False, True], [False, False, True, True]])


@pytest.mark.filterwarnings("ignore:The PyTorch API of nested tensors")
@pytest.mark.parametrize("padding", [LEFT_ALIGNED, KEY_PADDING[:, :L]], ids=["left_aligned", "not_left_aligned"])
@pytest.mark.parametrize("grad_mode", ["no_grad", "grad"])
def test_encoder_nested_tensor_path_zeroes_padding_like_torch(grad_mode, padding):
    """In eval mode without autograd, with a left-aligned padding mask, torch runs on nested
    tensors and returns zeros at the padded positions (before the final norm)."""
    def make(lib):
        layer = lib.nn.TransformerEncoderLayer(E, HEADS, 8, batch_first=True)
        return lib.nn.TransformerEncoder(layer, 2, norm=lib.nn.LayerNorm(E))

    theirs, ours = twins(make)
    with torch.no_grad():
        theirs.norm.bias.fill_(0.3)
    ours.load_state_dict({k: chainrule.tensor(v.numpy()) for k, v in theirs.state_dict().items()})
    theirs.eval(), ours.eval()
    call, values = _call_with({"src_key_padding_mask": padding})
    if grad_mode == "no_grad":
        with torch.no_grad(), chainrule.no_grad():
            check_same(theirs, ours, call, [_seq(True, L), *values], grads=False)
            out = ours(chainrule.tensor(_seq(True, L)), src_key_padding_mask=chainrule.tensor(padding))
        if padding is LEFT_ALIGNED:  # the norm of a zero row is its bias
            np.testing.assert_allclose(out.numpy()[padding], 0.3)
    else:
        check_same(theirs, ours, call, [_seq(True, L), *values])


REPRS = [
    lambda nn: nn.MultiheadAttention(4, 2),
    lambda nn: nn.MultiheadAttention(4, 2, kdim=3, vdim=5, dropout=0.1, bias=False, batch_first=True),
    lambda nn: nn.TransformerEncoderLayer(8, 2, 16),
    lambda nn: nn.TransformerEncoderLayer(8, 2, 16, activation="gelu", norm_first=True, bias=False,
                                          batch_first=True),
    lambda nn: nn.TransformerEncoderLayer(8, 2, 16, activation=nn.GELU()),
    lambda nn: nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16), 2, norm=nn.LayerNorm(8)),
]


@pytest.mark.parametrize("make", REPRS)
def test_repr_and_parameters_match_torch(make):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs, ours = make(torch.nn), make(chainrule.nn)
    assert repr(ours) == repr(theirs)
    assert [(n, tuple(p.shape)) for n, p in ours.named_parameters()] == \
           [(n, tuple(p.shape)) for n, p in theirs.named_parameters()]
    assert list(ours.state_dict()) == list(theirs.state_dict())


def _warnings_of(call, lib) -> list:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call(lib)
    return [(w.category.__name__, str(w.message)) for w in caught if "nested tensors" not in str(w.message)]


WARNING_CALLS = {
    "not_batch_first": lambda lib: lib.nn.TransformerEncoder(lib.nn.TransformerEncoderLayer(4, 2, 8), 1),
    "norm_first": lambda lib: lib.nn.TransformerEncoder(
        lib.nn.TransformerEncoderLayer(4, 2, 8, batch_first=True, norm_first=True), 1),
    "odd_heads": lambda lib: lib.nn.TransformerEncoder(lib.nn.TransformerEncoderLayer(3, 3, 8, batch_first=True), 1),
    "no_bias": lambda lib: lib.nn.TransformerEncoder(
        lib.nn.TransformerEncoderLayer(4, 2, 8, batch_first=True, bias=False), 1),
    "callable_activation": lambda lib: lib.nn.TransformerEncoder(
        lib.nn.TransformerEncoderLayer(4, 2, 8, batch_first=True, activation=lambda x: x), 1),
    "disabled": lambda lib: lib.nn.TransformerEncoder(lib.nn.TransformerEncoderLayer(4, 2, 8), 1,
                                                      enable_nested_tensor=False),
    "fast_path_ok": lambda lib: lib.nn.TransformerEncoder(lib.nn.TransformerEncoderLayer(4, 2, 8, batch_first=True), 1),
    "mixed_masks": lambda lib: lib.nn.MultiheadAttention(4, 2)(
        lib.ones(3, 1, 4), lib.ones(3, 1, 4), lib.ones(3, 1, 4), attn_mask=lib.zeros(3, 3, dtype=lib.bool),
        key_padding_mask=lib.zeros(1, 3)),
    "mixed_layer_masks": lambda lib: lib.nn.TransformerEncoderLayer(4, 2, 8)(
        lib.ones(3, 1, 4), src_mask=lib.zeros(3, 3), src_key_padding_mask=lib.zeros(1, 3, dtype=lib.bool)),
}


@pytest.mark.parametrize("call", WARNING_CALLS.values(), ids=WARNING_CALLS.keys())
def test_warnings_match_torch(call):
    assert _warnings_of(call, chainrule) == _warnings_of(call, torch)


def _x(lib, *shape):
    return lib.ones(*shape)


BAD_CALLS = {
    "heads_divide": lambda lib: lib.nn.MultiheadAttention(4, 3),
    "embed_zero": lambda lib: lib.nn.MultiheadAttention(0, 3),
    "heads_zero": lambda lib: lib.nn.MultiheadAttention(4, 0),
    "value_2d": lambda lib: lib.nn.MultiheadAttention(4, 2)(_x(lib, 3, 2, 4), _x(lib, 3, 2, 4), _x(lib, 2, 4)),
    "value_shape": lambda lib: lib.nn.MultiheadAttention(4, 2)(_x(lib, 3, 2, 4), _x(lib, 3, 2, 4), _x(lib, 3, 2, 2)),
    "embed_dim": lambda lib: lib.nn.MultiheadAttention(4, 2)(_x(lib, 3, 2, 2), _x(lib, 3, 2, 2), _x(lib, 3, 2, 2)),
    "kpm_int": lambda lib: lib.nn.MultiheadAttention(4, 2)(
        _x(lib, 3, 2, 4), _x(lib, 3, 2, 4), _x(lib, 3, 2, 4), key_padding_mask=lib.zeros(2, 3, dtype=lib.long)),
    "attn_int": lambda lib: lib.nn.MultiheadAttention(4, 2)(
        _x(lib, 3, 2, 4), _x(lib, 3, 2, 4), _x(lib, 3, 2, 4), attn_mask=lib.zeros(3, 3, dtype=lib.long)),
    "kpm_len": lambda lib: lib.nn.MultiheadAttention(4, 2)(
        _x(lib, 3, 2, 4), _x(lib, 3, 2, 4), _x(lib, 3, 2, 4), key_padding_mask=lib.zeros(2, 4, dtype=lib.bool)),
    "kpm_batch": lambda lib: lib.nn.MultiheadAttention(4, 2)(
        _x(lib, 3, 2, 4), _x(lib, 3, 2, 4), _x(lib, 3, 2, 4), key_padding_mask=lib.zeros(3, 3, dtype=lib.bool)),
    "kpm_1d": lambda lib: lib.nn.MultiheadAttention(4, 2)(
        _x(lib, 3, 2, 4), _x(lib, 3, 2, 4), _x(lib, 3, 2, 4), key_padding_mask=lib.zeros(3, dtype=lib.bool)),
    "attn_2d_shape": lambda lib: lib.nn.MultiheadAttention(4, 2)(
        _x(lib, 3, 2, 4), _x(lib, 3, 2, 4), _x(lib, 3, 2, 4), attn_mask=lib.zeros(3, 4, dtype=lib.bool)),
    "attn_3d_shape": lambda lib: lib.nn.MultiheadAttention(4, 2)(
        _x(lib, 3, 2, 4), _x(lib, 3, 2, 4), _x(lib, 3, 2, 4), attn_mask=lib.zeros(3, 3, 3, dtype=lib.bool)),
    "attn_1d": lambda lib: lib.nn.MultiheadAttention(4, 2)(
        _x(lib, 3, 2, 4), _x(lib, 3, 2, 4), _x(lib, 3, 2, 4), attn_mask=lib.zeros(3, dtype=lib.bool)),
    "causal_without_mask": lambda lib: lib.nn.MultiheadAttention(4, 2)(
        _x(lib, 3, 2, 4), _x(lib, 3, 2, 4), _x(lib, 3, 2, 4), is_causal=True),
    "unbatched_attn_3d": lambda lib: lib.nn.MultiheadAttention(4, 2)(
        _x(lib, 3, 4), _x(lib, 3, 4), _x(lib, 3, 4), attn_mask=lib.zeros(3, 2, 2)),
    "unbatched_kpm_2d": lambda lib: lib.nn.MultiheadAttention(4, 2)(
        _x(lib, 3, 4), _x(lib, 3, 4), _x(lib, 3, 4), key_padding_mask=lib.zeros(2, 2)),
    "unbatched_key_3d": lambda lib: lib.nn.MultiheadAttention(4, 2)(_x(lib, 3, 4), _x(lib, 3, 1, 4), _x(lib, 3, 4)),
    "query_1d": lambda lib: lib.nn.MultiheadAttention(4, 2)(_x(lib, 4), _x(lib, 4), _x(lib, 4)),
    "kv_lengths": lambda lib: lib.nn.MultiheadAttention(4, 2, kdim=3, vdim=5)(
        _x(lib, 3, 2, 4), _x(lib, 3, 2, 3), _x(lib, 2, 2, 5)),
    "kdim": lambda lib: lib.nn.MultiheadAttention(4, 2, kdim=3, vdim=5)(
        _x(lib, 3, 2, 4), _x(lib, 3, 2, 4), _x(lib, 3, 2, 5)),
    "mask_dtype": lambda lib: lib.nn.MultiheadAttention(4, 2).double()(
        _x(lib, 3, 2, 4).double(), _x(lib, 3, 2, 4).double(), _x(lib, 3, 2, 4).double(), attn_mask=lib.zeros(3, 3)),
    "activation": lambda lib: lib.nn.TransformerEncoderLayer(4, 2, activation="tanh"),
    "layer_causal_without_mask": lambda lib: lib.nn.TransformerEncoderLayer(4, 2, 8)(_x(lib, 3, 2, 4),
                                                                                     is_causal=True),
}


@pytest.mark.parametrize("call", BAD_CALLS.values(), ids=BAD_CALLS.keys())
def test_errors_match_torch(call):
    expected = _failure(call, torch)
    assert expected is not None
    assert _failure(call, chainrule) == expected
