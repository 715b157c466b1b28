"""RNN, LSTM, GRU and their cells against torch: same weights (torch's state_dict loaded into
chainrule's module), same float64 inputs; outputs, final states, and the gradients of the
inputs and of every parameter must agree. Also reprs, state_dict keys and errors.

``twins`` and ``check_same`` are shared with test_nn_transformer_oracle.py.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import chainrule

RTOL, ATOL = 1e-7, 1e-9


def twins(make, seed: int = 0):
    """``make(lib)`` builds a module from ``lib.nn``; returns (torch's, chainrule's) in float64,
    chainrule's loaded from torch's state_dict."""
    torch.manual_seed(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the constructors' warnings are checked on their own
        theirs, ours = make(torch).double(), make(chainrule).double()
    state = {k: chainrule.tensor(v.detach().numpy()) for k, v in theirs.state_dict().items()}
    assert list(ours.state_dict()) == list(state)
    ours.load_state_dict(state)
    return theirs, ours


def _flatten(out) -> list:
    if isinstance(out, (tuple, list)):
        return [t for o in out for t in _flatten(o)]
    return [out]


def _close(ours, theirs, what: str) -> None:
    assert tuple(ours.shape) == tuple(theirs.shape), what
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=RTOL, atol=ATOL,
                               equal_nan=True, err_msg=what)


def _leaf(lib, a, grads: bool):
    if a is None:
        return None
    return lib.tensor(a, requires_grad=grads and a.dtype.kind == "f")


def check_same(theirs, ours, call, inputs, grads: bool = True) -> None:
    """Run ``call(module, lib, *tensors)`` in both libraries on the numpy ``inputs``; compare
    every output and, through a fixed random linear loss, the gradients of the float inputs
    and of every parameter."""
    t_in = [_leaf(torch, a, grads) for a in inputs]
    c_in = [_leaf(chainrule, a, grads) for a in inputs]
    t_out, c_out = _flatten(call(theirs, torch, *t_in)), _flatten(call(ours, chainrule, *c_in))
    assert [o is None for o in c_out] == [o is None for o in t_out]
    t_out, c_out = [o for o in t_out if o is not None], [o for o in c_out if o is not None]
    for i, (c, t) in enumerate(zip(c_out, t_out)):
        _close(c, t, f"output {i}")
    if not grads:
        return
    rng = np.random.default_rng(1)
    projections = [rng.standard_normal(tuple(t.shape)) for t in t_out]
    sum((o * torch.tensor(p)).sum() for o, p in zip(t_out, projections)).backward()
    sum((o * chainrule.tensor(p)).sum() for o, p in zip(c_out, projections)).backward()
    t_params, c_params = dict(theirs.named_parameters()), dict(ours.named_parameters())
    assert list(c_params) == list(t_params)
    named = [(f"input {i}", c, t) for i, (c, t) in enumerate(zip(c_in, t_in)) if t is not None and t.requires_grad]
    for what, c, t in named + [(name, c_params[name], t) for name, t in t_params.items()]:
        if t.grad is None:
            assert c.grad is None, f"grad of {what}"
        else:
            _close(c.grad, t.grad, f"grad of {what}")


def _data(*shape, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape)


SEQ, BATCH, IN, HID = 4, 3, 3, 5

LAYERS = {
    "rnn_tanh": lambda lib, **kw: lib.nn.RNN(IN, HID, **kw),
    "rnn_relu": lambda lib, **kw: lib.nn.RNN(IN, HID, nonlinearity="relu", **kw),
    "lstm": lambda lib, **kw: lib.nn.LSTM(IN, HID, **kw),
    "lstm_proj": lambda lib, **kw: lib.nn.LSTM(IN, HID, proj_size=2, **kw),
    "gru": lambda lib, **kw: lib.nn.GRU(IN, HID, **kw),
}

CONFIGS = {
    "default": {},
    "two_layers": {"num_layers": 2},
    "bidirectional": {"bidirectional": True},
    "two_layers_bidir_batch_first": {"num_layers": 2, "bidirectional": True, "batch_first": True},
    "no_bias_batch_first": {"bias": False, "batch_first": True},
    "eval_dropout": {"num_layers": 2, "dropout": 0.4},  # dropout is off in eval mode
}


def _initial_state(kind: str, cfg: dict, batch: tuple) -> list:
    """h0 (and c0) of the right shape for ``cfg``; ``batch`` is () for unbatched input."""
    layers = cfg.get("num_layers", 1) * (2 if cfg.get("bidirectional") else 1)
    h_size = 2 if kind == "lstm_proj" else HID
    states = [_data(layers, *batch, h_size, seed=2)]
    if kind.startswith("lstm"):
        states.append(_data(layers, *batch, HID, seed=3))
    return states


def _call_layer(kind: str):
    def call(module, lib, x, *state):
        if not state:
            return module(x)
        return module(x, tuple(state) if kind.startswith("lstm") else state[0])
    return call


@pytest.mark.parametrize("with_state", [False, True], ids=["no_h0", "h0"])
@pytest.mark.parametrize("cfg", CONFIGS.values(), ids=CONFIGS.keys())
@pytest.mark.parametrize("kind", LAYERS)
def test_layer_matches_torch(kind, cfg, with_state):
    theirs, ours = twins(lambda lib: LAYERS[kind](lib, **cfg))
    theirs.eval(), ours.eval()
    x = _data(BATCH, SEQ, IN) if cfg.get("batch_first") else _data(SEQ, BATCH, IN)
    state = _initial_state(kind, cfg, (BATCH,)) if with_state else []
    check_same(theirs, ours, _call_layer(kind), [x, *state])


@pytest.mark.parametrize("with_state", [False, True], ids=["no_h0", "h0"])
@pytest.mark.parametrize("kind", LAYERS)
def test_unbatched_layer_matches_torch(kind, with_state):
    cfg = {"num_layers": 2, "bidirectional": True, "batch_first": True}  # batch_first is ignored unbatched
    theirs, ours = twins(lambda lib: LAYERS[kind](lib, **cfg))
    state = _initial_state(kind, cfg, ()) if with_state else []
    check_same(theirs, ours, _call_layer(kind), [_data(SEQ, IN), *state])


def test_train_mode_without_dropout_matches_torch():
    theirs, ours = twins(lambda lib: lib.nn.LSTM(IN, HID, num_layers=2, bidirectional=True))
    check_same(theirs, ours, _call_layer("lstm"), [_data(SEQ, BATCH, IN)])


def test_zero_batch_matches_torch():
    theirs, ours = twins(lambda lib: lib.nn.GRU(IN, HID))
    check_same(theirs, ours, _call_layer("gru"), [_data(SEQ, 0, IN)], grads=False)


CELLS = {
    "rnn_tanh": lambda lib, **kw: lib.nn.RNNCell(IN, HID, **kw),
    "rnn_relu": lambda lib, **kw: lib.nn.RNNCell(IN, HID, nonlinearity="relu", **kw),
    "lstm": lambda lib, **kw: lib.nn.LSTMCell(IN, HID, **kw),
    "gru": lambda lib, **kw: lib.nn.GRUCell(IN, HID, **kw),
}


@pytest.mark.parametrize("batched", [True, False], ids=["batched", "unbatched"])
@pytest.mark.parametrize("with_state", [False, True], ids=["no_hx", "hx"])
@pytest.mark.parametrize("bias", [True, False], ids=["bias", "no_bias"])
@pytest.mark.parametrize("kind", CELLS)
def test_cell_matches_torch(kind, bias, with_state, batched):
    theirs, ours = twins(lambda lib: CELLS[kind](lib, bias=bias))
    batch = (BATCH,) if batched else ()
    state = [_data(*batch, HID, seed=2 + i) for i in range(2 if kind == "lstm" else 1)] if with_state else []
    check_same(theirs, ours, _call_layer(kind), [_data(*batch, IN), *state])


def test_cell_unrolled_equals_layer_in_both_libraries():
    """An LSTMCell stepped by hand gives the LSTM's output, with the LSTM's weights."""
    theirs, ours = twins(lambda lib: lib.nn.LSTM(IN, HID))

    def unrolled(layer, lib, x):
        cell = lib.nn.LSTMCell(IN, HID).double()
        cell.load_state_dict({k[:-3]: v for k, v in layer.state_dict().items()})
        state, outs = None, []
        for t in range(x.shape[0]):
            state = cell(x[t], state)
            outs.append(state[0])
        return lib.stack(outs), layer(x)[0]

    x = _data(SEQ, BATCH, IN)
    check_same(theirs, ours, unrolled, [x])
    out, expected = unrolled(ours, chainrule, chainrule.tensor(x))
    np.testing.assert_allclose(out.detach().numpy(), expected.detach().numpy(), rtol=1e-12, atol=1e-12)


REPRS = [
    lambda nn: nn.RNN(3, 4),
    lambda nn: nn.RNN(3, 4, 2, nonlinearity="relu", bias=False, batch_first=True, dropout=0.5, bidirectional=True),
    lambda nn: nn.LSTM(3, 4, 2, bidirectional=True),
    lambda nn: nn.LSTM(3, 4, proj_size=2),
    lambda nn: nn.GRU(3, 4, dropout=0.1),
    lambda nn: nn.RNNCell(3, 4),
    lambda nn: nn.RNNCell(3, 4, bias=False, nonlinearity="relu"),
    lambda nn: nn.LSTMCell(3, 4, bias=False),
    lambda nn: nn.GRUCell(3, 4),
    lambda nn: nn.Sequential(nn.LSTM(3, 4), nn.GRU(4, 2, batch_first=True)),
]


@pytest.mark.parametrize("make", REPRS)
def test_repr_and_parameters_match_torch(make):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs, ours = make(torch.nn), make(chainrule.nn)
    assert repr(ours) == repr(theirs)
    assert [(n, tuple(p.shape)) for n, p in ours.named_parameters()] == \
           [(n, tuple(p.shape)) for n, p in theirs.named_parameters()]


def test_all_weights_match_torch():
    theirs, ours = twins(lambda lib: lib.nn.GRU(IN, HID, num_layers=2, bidirectional=True))
    assert [[tuple(w.shape) for w in ws] for ws in ours.all_weights] == \
           [[tuple(w.shape) for w in ws] for ws in theirs.all_weights]
    assert ours._flat_weights_names == theirs._flat_weights_names


def test_dropout_warning_matches_torch():
    with warnings.catch_warnings(record=True) as theirs:
        warnings.simplefilter("always")
        torch.nn.GRU(3, 4, dropout=0.2)
    with warnings.catch_warnings(record=True) as ours:
        warnings.simplefilter("always")
        chainrule.nn.GRU(3, 4, dropout=0.2)
    assert [(w.category, str(w.message)) for w in ours] == [(w.category, str(w.message)) for w in theirs]


BAD_CALLS = {
    "gru_4d": lambda lib: lib.nn.GRU(3, 4)(lib.randn(5, 2, 3, 1)),
    "lstm_4d": lambda lib: lib.nn.LSTM(3, 4)(lib.randn(5, 2, 3, 1)),
    "rnn_4d": lambda lib: lib.nn.RNN(3, 4)(lib.randn(5, 2, 3, 1)),
    "input_size": lambda lib: lib.nn.RNN(3, 4)(lib.randn(5, 2, 5)),
    "hidden_size": lambda lib: lib.nn.RNN(3, 4)(lib.randn(5, 2, 3), lib.randn(1, 3, 4)),
    "hx_2d": lambda lib: lib.nn.GRU(3, 4)(lib.randn(5, 2, 3), lib.randn(3, 4)),
    "hx_3d_unbatched": lambda lib: lib.nn.RNN(3, 4)(lib.randn(5, 3), lib.randn(1, 1, 4)),
    "lstm_h0_size": lambda lib: lib.nn.LSTM(3, 4)(lib.randn(5, 2, 3), (lib.randn(1, 3, 4), lib.randn(1, 2, 4))),
    "lstm_c0_size": lambda lib: lib.nn.LSTM(3, 4)(lib.randn(5, 2, 3), (lib.randn(1, 2, 4), lib.randn(1, 3, 4))),
    "lstm_hx_2d": lambda lib: lib.nn.LSTM(3, 4)(lib.randn(5, 2, 3), (lib.randn(2, 4), lib.randn(1, 3, 4))),
    "lstm_hx_unbatched": lambda lib: lib.nn.LSTM(3, 4)(lib.randn(5, 3), (lib.randn(1, 2, 4), lib.randn(1, 3, 4))),
    "dtype": lambda lib: lib.nn.RNN(3, 4)(lib.randn(5, 2, 3, dtype=lib.float64)),
    "empty_sequence": lambda lib: lib.nn.RNN(3, 4)(lib.randn(0, 2, 3)),
    "nonlinearity": lambda lib: lib.nn.RNN(3, 4, nonlinearity="sigmoid"),
    "rnn_proj": lambda lib: lib.nn.RNN(3, 4, proj_size=2),
    "gru_proj": lambda lib: lib.nn.GRU(3, 4, proj_size=2),
    "proj_too_big": lambda lib: lib.nn.LSTM(3, 4, proj_size=4),
    "proj_negative": lambda lib: lib.nn.LSTM(3, 4, proj_size=-1),
    "dropout_range": lambda lib: lib.nn.LSTM(3, 4, dropout=1.5),
    "dropout_bool": lambda lib: lib.nn.LSTM(3, 4, dropout=True),
    "hidden_zero": lambda lib: lib.nn.LSTM(3, 0),
    "input_zero": lambda lib: lib.nn.LSTM(0, 3),
    "input_float": lambda lib: lib.nn.LSTM(3.0, 3),
    "hidden_float": lambda lib: lib.nn.LSTM(3, 3.0),
    "layers_zero": lambda lib: lib.nn.LSTM(3, 3, 0),
    "bias_int": lambda lib: lib.nn.LSTM(3, 3, bias=1),
    "batch_first_int": lambda lib: lib.nn.LSTM(3, 3, batch_first=1),
    "cell_input_size": lambda lib: lib.nn.RNNCell(3, 4)(lib.randn(2, 5)),
    "cell_batch": lambda lib: lib.nn.RNNCell(3, 4)(lib.randn(2, 3), lib.randn(3, 4)),
    "cell_hidden": lambda lib: lib.nn.RNNCell(3, 4)(lib.randn(2, 3), lib.randn(2, 5)),
    "cell_3d": lambda lib: lib.nn.RNNCell(3, 4)(lib.randn(2, 3, 1)),
    "cell_hx_3d": lambda lib: lib.nn.RNNCell(3, 4)(lib.randn(2, 3), lib.randn(2, 3, 1)),
    "cell_unbatched_hx_2d": lambda lib: lib.nn.RNNCell(3, 4)(lib.randn(3), lib.randn(2, 4)),
    "gru_cell_3d": lambda lib: lib.nn.GRUCell(3, 4)(lib.randn(2, 3, 1)),
    "gru_cell_hidden": lambda lib: lib.nn.GRUCell(3, 4)(lib.randn(2, 3), lib.randn(2, 5)),
    "lstm_cell_c_batch": lambda lib: lib.nn.LSTMCell(3, 4)(lib.randn(2, 3), (lib.randn(2, 4), lib.randn(3, 4))),
    "lstm_cell_c_size": lambda lib: lib.nn.LSTMCell(3, 4)(lib.randn(2, 3), (lib.randn(2, 4), lib.randn(2, 5))),
    "lstm_cell_hx_3d": lambda lib: lib.nn.LSTMCell(3, 4)(lib.randn(2, 3), (lib.randn(2, 4, 1), lib.randn(2, 4))),
    "lstm_cell_3d": lambda lib: lib.nn.LSTMCell(3, 4)(lib.randn(2, 3, 1)),
    "cell_dtype": lambda lib: lib.nn.RNNCell(3, 4)(lib.randn(2, 3, dtype=lib.float64)),
    "cell_dtype_no_bias": lambda lib: lib.nn.GRUCell(3, 4, bias=False)(lib.randn(2, 3, dtype=lib.float64)),
    "unknown_keyword": lambda lib: lib.nn.GRU(3, 4, nonlinearity="relu"),
}


def _failure(call, lib):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            call(lib)
    except Exception as e:  # noqa: BLE001 - the exception is the result under test
        return type(e).__name__, str(e).splitlines()[0]
    return None


@pytest.mark.parametrize("call", BAD_CALLS.values(), ids=BAD_CALLS.keys())
def test_errors_match_torch(call):
    expected = _failure(call, torch)
    assert expected is not None
    assert _failure(call, chainrule) == expected
