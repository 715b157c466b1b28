"""RNN, LSTM, GRU and the cells without torch: shapes, parameter names, reprs (PyTorch's,
observed on torch 2.13), initialisation, graph node names, gradcheck, dropout, state_dict
round trips and errors."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import chainrule
from chainrule import nn
from chainrule.autograd import gradcheck

SEQ, BATCH, IN, HID = 4, 3, 3, 5


def _x(*shape, seed=0, requires_grad=False):
    data = np.random.default_rng(seed).standard_normal(shape)
    return chainrule.tensor(data, requires_grad=requires_grad)


@pytest.mark.parametrize("cls", [nn.RNN, nn.GRU, nn.LSTM])
@pytest.mark.parametrize("layers,bidir,batch_first", [(1, False, False), (2, True, False), (2, False, True),
                                                      (1, True, True)])
def test_output_and_state_shapes(cls, layers, bidir, batch_first):
    m = cls(IN, HID, num_layers=layers, bidirectional=bidir, batch_first=batch_first)
    x = chainrule.randn(BATCH, SEQ, IN) if batch_first else chainrule.randn(SEQ, BATCH, IN)
    out, state = m(x)
    dirs = 2 if bidir else 1
    assert out.shape == ((BATCH, SEQ, dirs * HID) if batch_first else (SEQ, BATCH, dirs * HID))
    for s in state if cls is nn.LSTM else (state,):
        assert s.shape == (layers * dirs, BATCH, HID)
        assert s.dtype == chainrule.float32
    unbatched_out, unbatched_state = m(x[0] if batch_first else x[:, 0])
    assert unbatched_out.shape == (SEQ, dirs * HID)
    for s in unbatched_state if cls is nn.LSTM else (unbatched_state,):
        assert s.shape == (layers * dirs, HID)


def test_projected_lstm_shapes():
    m = nn.LSTM(IN, HID, num_layers=2, proj_size=2, bidirectional=True)
    assert [(n, tuple(p.shape)) for n, p in m.named_parameters()][:5] == [
        ("weight_ih_l0", (20, 3)), ("weight_hh_l0", (20, 2)), ("bias_ih_l0", (20,)), ("bias_hh_l0", (20,)),
        ("weight_hr_l0", (2, 5))]
    assert m.weight_ih_l1.shape == (20, 4)
    out, (h, c) = m(chainrule.randn(SEQ, BATCH, IN))
    assert out.shape == (SEQ, BATCH, 4) and h.shape == (4, BATCH, 2) and c.shape == (4, BATCH, HID)


def test_parameter_names_and_shapes_are_torchs():
    names = [(n, tuple(p.shape)) for n, p in nn.LSTM(3, 4, 2, bidirectional=True).named_parameters()]
    assert names == [
        ("weight_ih_l0", (16, 3)), ("weight_hh_l0", (16, 4)), ("bias_ih_l0", (16,)), ("bias_hh_l0", (16,)),
        ("weight_ih_l0_reverse", (16, 3)), ("weight_hh_l0_reverse", (16, 4)), ("bias_ih_l0_reverse", (16,)),
        ("bias_hh_l0_reverse", (16,)), ("weight_ih_l1", (16, 8)), ("weight_hh_l1", (16, 4)), ("bias_ih_l1", (16,)),
        ("bias_hh_l1", (16,)), ("weight_ih_l1_reverse", (16, 8)), ("weight_hh_l1_reverse", (16, 4)),
        ("bias_ih_l1_reverse", (16,)), ("bias_hh_l1_reverse", (16,))]
    assert [(n, tuple(p.shape)) for n, p in nn.GRU(3, 4, 1, bias=False).named_parameters()] == [
        ("weight_ih_l0", (12, 3)), ("weight_hh_l0", (12, 4))]
    assert [(n, tuple(p.shape)) for n, p in nn.LSTMCell(3, 4).named_parameters()] == [
        ("weight_ih", (16, 3)), ("weight_hh", (16, 4)), ("bias_ih", (16,)), ("bias_hh", (16,))]
    cell = nn.GRUCell(3, 4, bias=False)
    assert cell.bias_ih is None and cell.bias_hh is None and list(cell.state_dict()) == ["weight_ih", "weight_hh"]


# repr(...) as torch 2.13 prints it
REPRS = [
    (lambda: nn.RNN(3, 4), "RNN(3, 4)"),
    (lambda: nn.RNN(3, 4, 2, nonlinearity="relu", bias=False, batch_first=True, dropout=0.5, bidirectional=True),
     "RNN(3, 4, num_layers=2, bias=False, batch_first=True, dropout=0.5, bidirectional=True)"),
    (lambda: nn.LSTM(3, 4, 2, bidirectional=True), "LSTM(3, 4, num_layers=2, bidirectional=True)"),
    (lambda: nn.LSTM(3, 4, proj_size=2), "LSTM(3, 4, proj_size=2)"),
    (lambda: nn.GRU(3, 4, dropout=0.1), "GRU(3, 4, dropout=0.1)"),
    (lambda: nn.RNNCell(3, 4), "RNNCell(3, 4)"),
    (lambda: nn.RNNCell(3, 4, bias=False, nonlinearity="relu"), "RNNCell(3, 4, bias=False, nonlinearity=relu)"),
    (lambda: nn.LSTMCell(3, 4), "LSTMCell(3, 4)"),
    (lambda: nn.LSTMCell(3, 4, bias=False), "LSTMCell(3, 4, bias=False)"),
    (lambda: nn.GRUCell(3, 4), "GRUCell(3, 4)"),
]


@pytest.mark.parametrize("make,expected", REPRS)
def test_repr_is_torchs(make, expected):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert repr(make()) == expected


@pytest.mark.parametrize("make", [lambda: nn.LSTM(3, 16, 2, bidirectional=True), lambda: nn.GRUCell(3, 16),
                                  lambda: nn.RNN(3, 16, bias=False)])
def test_initialisation_is_uniform_in_one_over_sqrt_hidden(make):
    chainrule.manual_seed(0)
    bound = 1 / math.sqrt(16)
    for name, p in make().named_parameters():
        values = p.detach().numpy()
        assert np.all(np.abs(values) <= bound), name
        assert values.std() > bound / 3, name  # spread over the interval, not a constant


def test_factory_kwargs():
    m = nn.GRU(3, 4, dtype=chainrule.float64)
    assert all(p.dtype == chainrule.float64 for p in m.parameters())
    out, h = m(chainrule.randn(2, 1, 3, dtype=chainrule.float64))
    assert out.dtype == h.dtype == chainrule.float64
    assert nn.LSTMCell(3, 4, dtype=chainrule.float64).weight_hh.dtype == chainrule.float64


def test_grad_fn_names_are_torchs():
    x = chainrule.randn(5, 2, 3)
    out, h = nn.RNN(3, 4)(x)
    assert (type(out.grad_fn).__name__, type(h.grad_fn).__name__) == ("StackBackward0", "StackBackward0")
    out, (h, c) = nn.LSTM(3, 4, bidirectional=True)(x)
    assert type(out.grad_fn).__name__ == "CatBackward0"
    out, h = nn.GRU(3, 4)(x[:, 0])
    assert (type(out.grad_fn).__name__, type(h.grad_fn).__name__) == ("SqueezeBackward1", "SqueezeBackward1")
    assert type(nn.RNNCell(3, 4)(x[0]).grad_fn).__name__ == "TanhBackward0"
    assert type(nn.RNNCell(3, 4, nonlinearity="relu")(x[0]).grad_fn).__name__ == "ReluBackward0"
    assert type(nn.GRUCell(3, 4)(x[0]).grad_fn).__name__ == "AddBackward0"
    h, c = nn.LSTMCell(3, 4)(x[0])
    assert (type(h.grad_fn).__name__, type(c.grad_fn).__name__) == ("MulBackward0", "AddBackward0")


def _flat(out) -> tuple:
    return tuple(t for o in out for t in (o if isinstance(o, tuple) else (o,)))


def _as_function(m, n_states: int):
    """``f(x, *states, *parameters)`` for gradcheck: the parameters are swapped into the
    module by name, so that their gradients are checked too."""
    names = [name for name, _ in m.named_parameters()]

    def f(x, *rest):
        states, params = rest[:n_states], rest[n_states:]
        for name, value in zip(names, params):
            m._parameters[name] = value
        out = m(x, tuple(states) if n_states == 2 else states[0])
        return _flat(out) if isinstance(out, tuple) else out
    return f, [p.detach().clone().requires_grad_(True) for p in m.parameters()]


@pytest.mark.parametrize("make,fast", [
    (lambda: nn.LSTM(2, 2, num_layers=2, bidirectional=True), True),  # 264 inputs: one projection each
    (lambda: nn.LSTM(2, 3, proj_size=2), False),
    (lambda: nn.GRU(2, 3, batch_first=True), False),
    (lambda: nn.RNN(2, 3, bias=False), False),
])
def test_gradcheck_layers(make, fast):
    chainrule.manual_seed(0)
    m = make().double()
    x = _x(2, 2, 2, requires_grad=True)
    states = [_x(*m.get_expected_hidden_size(x), seed=1, requires_grad=True)]
    if isinstance(m, nn.LSTM):
        states.append(_x(*m.get_expected_cell_size(x), seed=2, requires_grad=True))
    f, params = _as_function(m, len(states))
    assert gradcheck(f, (x, *states, *params), fast_mode=fast)


@pytest.mark.parametrize("make", [lambda: nn.LSTMCell(2, 3), lambda: nn.GRUCell(2, 3), lambda: nn.RNNCell(2, 3)])
def test_gradcheck_cells(make):
    chainrule.manual_seed(0)
    m = make().double()
    n_states = 2 if isinstance(m, nn.LSTMCell) else 1
    f, params = _as_function(m, n_states)
    states = [_x(2, 3, seed=i + 1, requires_grad=True) for i in range(n_states)]
    assert gradcheck(f, (_x(2, 2, requires_grad=True), *states, *params))


def test_bidirectional_reverse_half_is_the_reversed_sequence():
    """The ``_reverse`` direction is a unidirectional layer run on the time-reversed input."""
    chainrule.manual_seed(0)
    both = nn.GRU(IN, HID, bidirectional=True).double()
    backward_only = nn.GRU(IN, HID).double()
    backward_only.load_state_dict({k.replace("_reverse", ""): v for k, v in both.state_dict().items()
                                   if k.endswith("_reverse")})
    x = _x(SEQ, BATCH, IN)
    out, h = both(x)
    rev_out, rev_h = backward_only(x.flip(0))
    np.testing.assert_allclose(out[:, :, HID:].detach().numpy(), rev_out.flip(0).detach().numpy(), atol=1e-12)
    np.testing.assert_allclose(h[1].detach().numpy(), rev_h[0].detach().numpy(), atol=1e-12)


def test_cell_steps_equal_the_layer():
    chainrule.manual_seed(0)
    layer = nn.LSTM(IN, HID).double()
    cell = nn.LSTMCell(IN, HID).double()
    cell.load_state_dict({k[:-3]: v for k, v in layer.state_dict().items()})
    x = _x(SEQ, BATCH, IN)
    state = None
    for t in range(SEQ):
        state = cell(x[t], state)
    out, (h, c) = layer(x)
    np.testing.assert_allclose(state[0].detach().numpy(), out[-1].detach().numpy(), atol=1e-12)
    np.testing.assert_allclose(state[1].detach().numpy(), c[0].detach().numpy(), atol=1e-12)


def test_dropout_between_layers_only_in_training():
    chainrule.manual_seed(0)
    m = nn.LSTM(IN, HID, num_layers=2, dropout=0.5).double()
    x = _x(SEQ, BATCH, IN)
    m.eval()
    first, second = m(x)[0], m(x)[0]
    np.testing.assert_array_equal(first.detach().numpy(), second.detach().numpy())
    m.train()
    trained = m(x)[0]
    assert not np.allclose(trained.detach().numpy(), first.detach().numpy())
    chainrule.manual_seed(3)
    a = m(x)[0]
    chainrule.manual_seed(3)
    np.testing.assert_array_equal(a.detach().numpy(), m(x)[0].detach().numpy())
    one_layer = nn.GRU(IN, HID).double().train()  # no layer to drop out after
    np.testing.assert_array_equal(one_layer(x)[0].detach().numpy(), one_layer.eval()(x)[0].detach().numpy())


def test_state_dict_round_trip_and_backward():
    chainrule.manual_seed(0)
    a, b = nn.GRU(IN, HID, num_layers=2), nn.GRU(IN, HID, num_layers=2)
    b.load_state_dict(a.state_dict())
    x = chainrule.randn(SEQ, BATCH, IN)
    np.testing.assert_array_equal(a(x)[0].detach().numpy(), b(x)[0].detach().numpy())
    h0 = chainrule.zeros(2, BATCH, HID, requires_grad=True)
    out, h = a(x, h0)
    (out.sum() + h.sum()).backward()
    assert h0.grad.shape == h0.shape
    assert all(p.grad is not None and p.grad.shape == p.shape for p in a.parameters())


def test_dropout_warning():
    with pytest.warns(UserWarning, match="^dropout option adds dropout after all but last recurrent layer, so "
                                         "non-zero dropout expects num_layers greater than 1, but got "
                                         r"dropout=0.2 and num_layers=1$"):
        nn.LSTM(3, 4, dropout=0.2)


ERRORS = [
    (lambda: nn.LSTM(3, 4)(chainrule.randn(5, 2, 3, 1)), ValueError,
     "LSTM: Expected input to be 2D or 3D, got 4D instead"),
    (lambda: nn.RNN(3, 4)(chainrule.randn(5, 2, 3, 1)), ValueError,
     "RNN: Expected input to be 2D or 3D, got 4D tensor instead"),
    (lambda: nn.GRU(3, 4)(chainrule.randn(5, 2, 5)), RuntimeError,
     "input.size(-1) must be equal to input_size. Expected 3, got 5"),
    (lambda: nn.RNN(3, 4)(chainrule.randn(5, 2, 3), chainrule.randn(1, 3, 4)), RuntimeError,
     "Expected hidden size (1, 2, 4), got [1, 3, 4]"),
    (lambda: nn.LSTM(3, 4)(chainrule.randn(5, 2, 3), (chainrule.randn(1, 2, 4), chainrule.randn(1, 3, 4))),
     RuntimeError, "Expected hidden[1] size (1, 2, 4), got [1, 3, 4]"),
    (lambda: nn.RNN(3, 4)(chainrule.randn(0, 2, 3)), RuntimeError,
     "Expected sequence length to be larger than 0 in RNN"),
    (lambda: nn.RNN(3, 4, nonlinearity="gelu"), ValueError,
     "Unknown nonlinearity 'gelu'. Select from 'tanh' or 'relu'."),
    (lambda: nn.GRU(3, 4, proj_size=1), ValueError, "proj_size argument is only supported for LSTM, not RNN or GRU"),
    (lambda: nn.LSTM(3, 4, proj_size=4), ValueError, "proj_size has to be smaller than hidden_size"),
    (lambda: nn.LSTM(3, 4, bias=1), TypeError, "bias should be of type bool, got: int"),
    (lambda: nn.GRUCell(3, 4)(chainrule.randn(2, 3), chainrule.randn(3, 4)), RuntimeError,
     "Input batch size 2 doesn't match hidden0 batch size 3"),
    (lambda: nn.LSTMCell(3, 4)(chainrule.randn(2, 3), (chainrule.randn(2, 4), chainrule.randn(2, 5))), RuntimeError,
     "hidden1 has inconsistent hidden_size: got 5, expected 4"),
    (lambda: nn.RNNCell(3, 4)(chainrule.randn(2, 5)), RuntimeError,
     "input has inconsistent input_size: got 5 expected 3"),
]


@pytest.mark.parametrize("call,kind,message", ERRORS)
def test_errors(call, kind, message):
    with pytest.raises(kind) as info:
        call()
    assert str(info.value).splitlines()[0] == message
