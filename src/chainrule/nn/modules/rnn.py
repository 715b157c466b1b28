"""Recurrent layers: ``RNN``, ``LSTM``, ``GRU`` and their one-step cells.

Every layer is composed from chainrule ops. The input half of each gate,
``x W_ih^T + b_ih``, is one matmul over the whole sequence; the recurrent half runs
step by step in a Python loop. Parameter names, shapes, gate order (LSTM: i, f, g, o;
GRU: r, z, n) and initialisation are PyTorch's, so state dicts move across unchanged.
"""
from __future__ import annotations

import math
import numbers
import warnings
from typing import Callable

from ... import functional as _F
from ..._tensor import Tensor
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module, new_parameter

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}

# A cell maps (input gates x W_ih^T + b_ih, state, w_hh, b_hh[, w_hr]) to the next state;
# a state is a tuple: (h,) for RNN and GRU, (h, c) for LSTM.


def _tanh_cell(gi: Tensor, state: tuple, w_hh: Tensor, b_hh: Tensor | None, w_hr=None) -> tuple:
    return (_F.tanh(gi + F.linear(state[0], w_hh, b_hh)),)


def _relu_cell(gi: Tensor, state: tuple, w_hh: Tensor, b_hh: Tensor | None, w_hr=None) -> tuple:
    return (F.relu(gi + F.linear(state[0], w_hh, b_hh)),)


def _lstm_cell(gi: Tensor, state: tuple, w_hh: Tensor, b_hh: Tensor | None, w_hr=None) -> tuple:
    h, c = state
    i, f, g, o = (gi + F.linear(h, w_hh, b_hh)).chunk(4, -1)
    c = _F.sigmoid(f) * c + _F.sigmoid(i) * _F.tanh(g)
    h = _F.sigmoid(o) * _F.tanh(c)
    if w_hr is not None:  # projected LSTM: the hidden state is W_hr h
        h = F.linear(h, w_hr)
    return h, c


def _gru_cell(gi: Tensor, state: tuple, w_hh: Tensor, b_hh: Tensor | None, w_hr=None) -> tuple:
    h = state[0]
    i_r, i_z, i_n = gi.chunk(3, -1)
    h_r, h_z, h_n = F.linear(h, w_hh, b_hh).chunk(3, -1)
    r = _F.sigmoid(i_r + h_r)
    z = _F.sigmoid(i_z + h_z)
    n = _F.tanh(i_n + r * h_n)
    return (n + z * (h - n),)  # (1 - z) * n + z * h


_CELLS: dict[str, Callable] = {"RNN_TANH": _tanh_cell, "RNN_RELU": _relu_cell, "LSTM": _lstm_cell,
                               "GRU": _gru_cell}


def _run_direction(cell: Callable, x: Tensor, state: tuple, weights: dict, reverse: bool) -> tuple:
    """One layer in one direction over a (seq, batch, feature) input: (outputs, final state)."""
    gi = F.linear(x, weights["weight_ih"], weights.get("bias_ih"))
    outputs: list = [None] * x.shape[0]
    steps = range(x.shape[0] - 1, -1, -1) if reverse else range(x.shape[0])
    for t in steps:
        state = cell(gi[t], state, weights["weight_hh"], weights.get("bias_hh"), weights.get("weight_hr"))
        outputs[t] = state[0]
    return _F.stack(outputs), state


def _check_type(name: str, value, kind: type) -> None:
    if not isinstance(value, kind):
        raise TypeError(f"{name} should be of type {kind.__name__}, got: {type(value).__name__}")


class RNNBase(Module):
    r"""Base class for RNN modules (RNN, LSTM, GRU).

    Holds the parameters of every layer and direction (``weight_ih_l{k}``,
    ``weight_hh_l{k}``, ``bias_ih_l{k}``, ``bias_hh_l{k}``, ``weight_hr_l{k}`` for projected
    LSTMs, with a ``_reverse`` suffix for the backward direction) and runs the stacked,
    optionally bidirectional recurrence. Subclasses choose the mode and the hidden state's
    form.
    """

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 proj_size: int = 0, device=None, dtype=None) -> None:
        _check_args(mode, input_size, hidden_size, num_layers, bias, batch_first, dropout, proj_size)
        super().__init__()
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        self._flat_weights_names: list[str] = []
        self._all_weights: list[list[str]] = []
        for layer in range(num_layers):
            for suffix in ("", "_reverse")[:self._num_directions]:
                names = self._make_layer(layer, suffix, device, dtype)
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    @property
    def _num_directions(self) -> int:
        return 2 if self.bidirectional else 1

    @property
    def _real_hidden_size(self) -> int:
        return self.proj_size if self.proj_size > 0 else self.hidden_size

    def _make_layer(self, layer: int, suffix: str, device, dtype) -> list[str]:
        """Registers one layer-direction's parameters; returns their names in PyTorch's order."""
        gate_size = _GATES[self.mode] * self.hidden_size
        layer_input = self.input_size if layer == 0 else self._real_hidden_size * self._num_directions
        shapes = {"weight_ih": (gate_size, layer_input), "weight_hh": (gate_size, self._real_hidden_size)}
        if self.bias:
            shapes.update(bias_ih=(gate_size,), bias_hh=(gate_size,))
        if self.proj_size > 0:
            shapes["weight_hr"] = (self.proj_size, self.hidden_size)
        names = []
        for kind, shape in shapes.items():
            name = f"{kind}_l{layer}{suffix}"
            setattr(self, name, new_parameter(*shape, device=device, dtype=dtype))
            names.append(name)
        return names

    @property
    def all_weights(self) -> list[list[Parameter]]:
        """The parameters of each layer-direction, in registration order."""
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def flatten_parameters(self) -> None:
        """Resets parameter data pointers for faster code paths (cuDNN only: a no-op here)."""

    def reset_parameters(self) -> None:
        """Draws every parameter from :math:`\\mathcal{U}(-k, k)` with :math:`k = 1/\\sqrt{hidden\\_size}`."""
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s

    def check_input(self, input: Tensor, batch_sizes=None) -> None:
        """Checks the input's dtype, number of dimensions and feature size."""
        weight = getattr(self, self._flat_weights_names[0])
        if input.dtype != weight.dtype:
            raise ValueError(f"RNN input dtype ({input.dtype}) does not match weight dtype ({weight.dtype}). "
                             f"Convert input: input.to({weight.dtype}), or convert model: model.to({input.dtype})")
        expected = 2 if batch_sizes is not None else 3
        if input.dim() != expected:
            raise RuntimeError(f"input must have {expected} dimensions, got {input.dim()}")
        if self.input_size != input.size(-1):
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected {self.input_size}, "
                               f"got {input.size(-1)}")

    def get_expected_hidden_size(self, input: Tensor, batch_sizes=None) -> tuple[int, int, int]:
        """``(num_layers * num_directions, batch, hidden or proj size)``."""
        mini_batch = input.size(0) if self.batch_first else input.size(1)
        return (self.num_layers * self._num_directions, mini_batch, self._real_hidden_size)

    def check_hidden_size(self, hx: Tensor, expected_hidden_size: tuple,
                          msg: str = "Expected hidden size {}, got {}") -> None:
        """Raises PyTorch's RuntimeError when ``hx`` does not have the expected size."""
        if tuple(hx.size()) != tuple(expected_hidden_size):
            raise RuntimeError(msg.format(expected_hidden_size, list(hx.size())))

    def check_forward_args(self, input: Tensor, hidden: Tensor, batch_sizes=None) -> None:
        """Checks the input and the initial hidden state together."""
        self.check_input(input, batch_sizes)
        self.check_hidden_size(hidden, self.get_expected_hidden_size(input, batch_sizes))

    def _unbatched_input(self, input: Tensor) -> bool:
        if input.dim() not in (2, 3):
            kind = "tensor instead" if self.mode.startswith("RNN") else "instead"
            raise ValueError(f"{type(self).__name__}: Expected input to be 2D or 3D, got {input.dim()}D {kind}")
        return input.dim() == 2

    def _zeros(self, input: Tensor, size: int) -> Tensor:
        batch = input.size(0) if self.batch_first else input.size(1)
        return _F.zeros(self.num_layers * self._num_directions, batch, size, dtype=input.dtype,
                        device=input.device)

    def _run(self, input: Tensor, states: list[tuple]) -> tuple[Tensor, list[tuple]]:
        """The stacked recurrence on a batched input; ``states`` holds one tuple per
        layer-direction (index ``layer * num_directions + direction``)."""
        if input.size(1 if self.batch_first else 0) == 0:
            raise RuntimeError("Expected sequence length to be larger than 0 in RNN")
        x = input.transpose(0, 1) if self.batch_first else input
        cell = _CELLS[self.mode]
        finals = []
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(self._num_directions):
                index = layer * self._num_directions + direction
                weights = {name.split("_l")[0]: getattr(self, name) for name in self._all_weights[index]}
                out, final = _run_direction(cell, x, states[index], weights, reverse=direction == 1)
                outputs.append(out)
                finals.append(final)
            x = outputs[0] if len(outputs) == 1 else _F.cat(outputs, 2)
            if self.dropout > 0 and self.training and layer < self.num_layers - 1:
                x = F.dropout(x, self.dropout, True)
        return (x.transpose(0, 1) if self.batch_first else x), finals


def _check_args(mode, input_size, hidden_size, num_layers, bias, batch_first, dropout, proj_size) -> None:
    """RNNBase's constructor checks, in PyTorch's order."""
    if not isinstance(dropout, numbers.Number) or isinstance(dropout, bool) or not 0 <= dropout <= 1:
        raise ValueError("dropout should be a number in range [0, 1] representing the probability of an "
                         "element being zeroed")
    if dropout > 0 and num_layers == 1:
        warnings.warn("dropout option adds dropout after all but last recurrent layer, so non-zero dropout "
                      f"expects num_layers greater than 1, but got dropout={dropout} and num_layers={num_layers}",
                      stacklevel=4)
    _check_type("bias", bias, bool)
    _check_type("batch_first", batch_first, bool)
    _check_type("input_size", input_size, int)
    if input_size <= 0:
        raise ValueError("input_size must be greater than zero")
    _check_type("hidden_size", hidden_size, int)
    if hidden_size <= 0:
        raise ValueError("hidden_size must be greater than zero")
    if num_layers <= 0:
        raise ValueError("num_layers must be greater than zero")
    if proj_size < 0:
        raise ValueError("proj_size should be a positive integer or zero to disable projections")
    if proj_size >= hidden_size:
        raise ValueError("proj_size has to be smaller than hidden_size")
    if mode not in _GATES:
        raise ValueError("Unrecognized RNN mode: " + mode)


def _reject_extra(kwargs: dict) -> None:
    """RNN and GRU take no ``proj_size``; any other unknown keyword is a TypeError."""
    if "proj_size" in kwargs:
        raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
    if kwargs:
        raise TypeError(f"RNNBase.__init__() got an unexpected keyword argument '{next(iter(kwargs))}'")


class _SingleStateRNN(RNNBase):
    """RNN and GRU: the hidden state is one tensor ``h``."""

    def forward(self, input: Tensor, hx: Tensor | None = None) -> tuple[Tensor, Tensor]:
        """Runs the layers over ``input``; returns ``(output, h_n)`` (see the class docstring)."""
        unbatched = self._unbatched_input(input)
        if unbatched:
            input = input.unsqueeze(0 if self.batch_first else 1)
            if hx is not None:
                if hx.dim() != 2:
                    raise RuntimeError(f"For unbatched 2-D input, hx should also be 2-D but got {hx.dim()}-D tensor")
                hx = hx.unsqueeze(1)
        elif hx is not None and hx.dim() != 3:
            raise RuntimeError(f"For batched 3-D input, hx should also be 3-D but got {hx.dim()}-D tensor")
        if hx is None:
            hx = self._zeros(input, self.hidden_size)
        self.check_forward_args(input, hx)
        output, finals = self._run(input, [(h,) for h in hx.unbind(0)])
        h_n = _F.stack([state[0] for state in finals])
        if unbatched:
            return output.squeeze(0 if self.batch_first else 1), h_n.squeeze(1)
        return output, h_n


class RNN(_SingleStateRNN):
    r"""Applies a multi-layer Elman RNN with :math:`\tanh` or :math:`\text{ReLU}` non-linearity
    to an input sequence. For each element in the input sequence, each layer computes

    .. math::
        h_t = \tanh(x_t W_{ih}^T + b_{ih} + h_{t-1} W_{hh}^T + b_{hh})

    Args:
        input_size: The number of expected features in the input `x`
        hidden_size: The number of features in the hidden state `h`
        num_layers: Number of recurrent layers. Default: 1
        nonlinearity: The non-linearity to use. Can be either ``'tanh'`` or ``'relu'``. Default: ``'tanh'``
        bias: If ``False``, then the layer does not use bias weights `b_ih` and `b_hh`. Default: ``True``
        batch_first: If ``True``, then the input and output tensors are provided as `(batch, seq, feature)`
            instead of `(seq, batch, feature)`. Default: ``False``
        dropout: If non-zero, introduces a `Dropout` layer on the outputs of each RNN layer except the last
            layer, with dropout probability equal to :attr:`dropout`. Default: 0
        bidirectional: If ``True``, becomes a bidirectional RNN. Default: ``False``

    Inputs: input, hx
        * **input**: tensor of shape :math:`(L, H_{in})` for unbatched input, :math:`(L, N, H_{in})` when
          ``batch_first=False`` or :math:`(N, L, H_{in})` when ``batch_first=True``.
        * **hx**: tensor of shape :math:`(D * \text{num\_layers}, H_{out})` for unbatched input or
          :math:`(D * \text{num\_layers}, N, H_{out})`. Defaults to zeros if not provided.

    Outputs: output, h_n
        * **output**: the features `(h_t)` from the last layer for each `t`, of shape :math:`(L, D * H_{out})`,
          :math:`(L, N, D * H_{out})` or :math:`(N, L, D * H_{out})`.
        * **h_n**: the final hidden state for each layer and direction.
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, nonlinearity: str = "tanh",
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 device=None, dtype=None, **kwargs) -> None:
        _reject_extra(kwargs)
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.")
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", input_size, hidden_size,
                         num_layers, bias, batch_first, dropout, bidirectional, device=device, dtype=dtype)
        self.nonlinearity = nonlinearity


class GRU(_SingleStateRNN):
    r"""Applies a multi-layer gated recurrent unit (GRU) RNN to an input sequence. For each
    element in the input sequence, each layer computes

    .. math::
        \begin{array}{ll}
            r_t = \sigma(W_{ir} x_t + b_{ir} + W_{hr} h_{(t-1)} + b_{hr}) \\
            z_t = \sigma(W_{iz} x_t + b_{iz} + W_{hz} h_{(t-1)} + b_{hz}) \\
            n_t = \tanh(W_{in} x_t + b_{in} + r_t \odot (W_{hn} h_{(t-1)}+ b_{hn})) \\
            h_t = (1 - z_t) \odot n_t + z_t \odot h_{(t-1)}
        \end{array}

    The gates are stacked in the order r, z, n in ``weight_ih_l{k}`` (shape ``(3*hidden_size, ...)``)
    and its siblings. Arguments, inputs and outputs are those of :class:`RNN` without
    ``nonlinearity``.
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 device=None, dtype=None, **kwargs) -> None:
        _reject_extra(kwargs)
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         device=device, dtype=dtype)


class LSTM(RNNBase):
    r"""Applies a multi-layer long short-term memory (LSTM) RNN to an input sequence. For each
    element in the input sequence, each layer computes

    .. math::
        \begin{array}{ll}
            i_t = \sigma(W_{ii} x_t + b_{ii} + W_{hi} h_{t-1} + b_{hi}) \\
            f_t = \sigma(W_{if} x_t + b_{if} + W_{hf} h_{t-1} + b_{hf}) \\
            g_t = \tanh(W_{ig} x_t + b_{ig} + W_{hg} h_{t-1} + b_{hg}) \\
            o_t = \sigma(W_{io} x_t + b_{io} + W_{ho} h_{t-1} + b_{ho}) \\
            c_t = f_t \odot c_{t-1} + i_t \odot g_t \\
            h_t = o_t \odot \tanh(c_t)
        \end{array}

    With ``proj_size > 0`` the hidden state is projected, :math:`h_t = W_{hr}(o_t \odot \tanh(c_t))`.

    Args:
        input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional: as for :class:`RNN`
        proj_size: If ``> 0``, will use LSTM with projections of corresponding size. Default: 0

    Inputs: input, (h_0, c_0)
        * **h_0**, **c_0**: initial hidden and cell states, of shape :math:`(D * \text{num\_layers}, N, H)`
          (without :math:`N` for unbatched input). Both default to zeros if not provided.

    Outputs: output, (h_n, c_n)
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 proj_size: int = 0, device=None, dtype=None) -> None:
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         proj_size, device=device, dtype=dtype)

    def get_expected_cell_size(self, input: Tensor, batch_sizes=None) -> tuple[int, int, int]:
        """``(num_layers * num_directions, batch, hidden_size)``."""
        mini_batch = input.size(0) if self.batch_first else input.size(1)
        return (self.num_layers * self._num_directions, mini_batch, self.hidden_size)

    def check_forward_args(self, input: Tensor, hidden: tuple[Tensor, Tensor], batch_sizes=None) -> None:
        """Checks the input and both initial states."""
        self.check_input(input, batch_sizes)
        self.check_hidden_size(hidden[0], self.get_expected_hidden_size(input, batch_sizes),
                               "Expected hidden[0] size {}, got {}")
        self.check_hidden_size(hidden[1], self.get_expected_cell_size(input, batch_sizes),
                               "Expected hidden[1] size {}, got {}")

    def forward(self, input: Tensor, hx: tuple[Tensor, Tensor] | None = None
                ) -> tuple[Tensor, tuple[Tensor, Tensor]]:
        """Runs the layers over ``input``; returns ``(output, (h_n, c_n))``."""
        unbatched = self._unbatched_input(input)
        if unbatched:
            input = input.unsqueeze(0 if self.batch_first else 1)
        if hx is None:
            hx = (self._zeros(input, self._real_hidden_size), self._zeros(input, self.hidden_size))
        else:
            dims, want = (hx[0].dim(), hx[1].dim()), (2 if unbatched else 3)
            if dims != (want, want):
                kind = "unbatched 2-D" if unbatched else "batched 3-D"
                raise RuntimeError(f"For {kind} input, hx and cx should also be {want}-D but got "
                                   f"({dims[0]}-D, {dims[1]}-D) tensors")
            if unbatched:
                hx = (hx[0].unsqueeze(1), hx[1].unsqueeze(1))
        self.check_forward_args(input, hx)
        output, finals = self._run(input, list(zip(hx[0].unbind(0), hx[1].unbind(0))))
        h_n = _F.stack([state[0] for state in finals])
        c_n = _F.stack([state[1] for state in finals])
        if unbatched:
            return output.squeeze(0 if self.batch_first else 1), (h_n.squeeze(1), c_n.squeeze(1))
        return output, (h_n, c_n)


class RNNCellBase(Module):
    r"""Base class for the one-step cells: holds ``weight_ih``, ``weight_hh`` and, with
    ``bias=True``, ``bias_ih`` and ``bias_hh``, for ``num_chunks`` stacked gates."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool, num_chunks: int,
                 device=None, dtype=None) -> None:
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        factory = {"device": device, "dtype": dtype}
        self.weight_ih = new_parameter(num_chunks * hidden_size, input_size, **factory)
        self.weight_hh = new_parameter(num_chunks * hidden_size, hidden_size, **factory)
        if bias:
            self.bias_ih = new_parameter(num_chunks * hidden_size, **factory)
            self.bias_hh = new_parameter(num_chunks * hidden_size, **factory)
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s

    def reset_parameters(self) -> None:
        """Draws every parameter from :math:`\\mathcal{U}(-k, k)` with :math:`k = 1/\\sqrt{hidden\\_size}`."""
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def _step(self, cell: Callable, input: Tensor, states: tuple, names: tuple[str, ...]) -> tuple:
        """One step on 1-D or 2-D input and states (each named in ``names`` for the error
        messages); returns the new states, unbatched again when the input was."""
        where = type(self).__name__
        if input.dim() not in (1, 2):
            raise ValueError(f"{where}: Expected input to be 1D or 2D, got {input.dim()}D instead")
        for name, state in zip(names, states):
            if state is not None and state.dim() not in (1, 2):
                raise ValueError(f"{where}: Expected {name} to be 1D or 2D, got {state.dim()}D instead")
        unbatched = input.dim() == 1
        if unbatched:
            input = input.unsqueeze(0)
        states = tuple(_F.zeros(input.size(0), self.hidden_size, dtype=input.dtype, device=input.device)
                       if s is None else s.unsqueeze(0) if unbatched else s for s in states)
        self._check_step(input, states)
        gi = F.linear(input, self.weight_ih, self.bias_ih)
        new = cell(gi, states, self.weight_hh, self.bias_hh)
        return tuple(s.squeeze(0) for s in new) if unbatched else new

    def _check_step(self, input: Tensor, states: tuple) -> None:
        """The cell kernels' checks on a batched input and states."""
        if input.size(1) != self.input_size:
            raise RuntimeError(f"input has inconsistent input_size: got {input.size(1)} expected {self.input_size}")
        for i, state in enumerate(states):
            if state.size(0) != input.size(0):
                raise RuntimeError(f"Input batch size {input.size(0)} doesn't match hidden{i} batch size "
                                   f"{state.size(0)}")
            if state.size(1) != self.hidden_size:
                raise RuntimeError(f"hidden{i} has inconsistent hidden_size: got {state.size(1)}, expected "
                                   f"{self.hidden_size}")


class RNNCell(RNNCellBase):
    r"""An Elman RNN cell with tanh or ReLU non-linearity,
    :math:`h' = \tanh(W_{ih} x + b_{ih} + W_{hh} h + b_{hh})`.

    Args:
        input_size: The number of expected features in the input `x`
        hidden_size: The number of features in the hidden state `h`
        bias: If ``False``, then the layer does not use bias weights `b_ih` and `b_hh`. Default: ``True``
        nonlinearity: The non-linearity to use. Can be either ``'tanh'`` or ``'relu'``. Default: ``'tanh'``

    Inputs: input, hidden — of shape :math:`(N, H_{in})` / :math:`(N, H_{out})` or without :math:`N`;
    ``hidden`` defaults to zeros. Output: h' of the hidden state's shape.
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, nonlinearity: str = "tanh",
                 device=None, dtype=None) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=1, device=device, dtype=dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        """One step: the next hidden state."""
        if self.nonlinearity not in ("tanh", "relu"):
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        cell = _tanh_cell if self.nonlinearity == "tanh" else _relu_cell
        return self._step(cell, input, (hx,), ("hidden",))[0]


class LSTMCell(RNNCellBase):
    r"""A long short-term memory (LSTM) cell: the one-step update of :class:`LSTM`, with the
    gates stacked i, f, g, o.

    Args:
        input_size: The number of expected features in the input `x`
        hidden_size: The number of features in the hidden state `h`
        bias: If ``False``, then the layer does not use bias weights `b_ih` and `b_hh`. Default: ``True``

    Inputs: input, (h_0, c_0) — both states default to zeros. Outputs: (h_1, c_1).
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None, dtype=None) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=4, device=device, dtype=dtype)

    def forward(self, input: Tensor, hx: tuple[Tensor, Tensor] | None = None) -> tuple[Tensor, Tensor]:
        """One step: the next ``(h, c)``."""
        states = (None, None) if hx is None else tuple(hx)
        return self._step(_lstm_cell, input, states, ("hx[0]", "hx[1]"))


class GRUCell(RNNCellBase):
    r"""A gated recurrent unit (GRU) cell: the one-step update of :class:`GRU`, with the gates
    stacked r, z, n.

    Args:
        input_size: The number of expected features in the input `x`
        hidden_size: The number of features in the hidden state `h`
        bias: If ``False``, then the layer does not use bias weights `b_ih` and `b_hh`. Default: ``True``

    Inputs: input, hidden — ``hidden`` defaults to zeros. Output: h'.
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None, dtype=None) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=3, device=device, dtype=dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        """One step: the next hidden state."""
        return self._step(_gru_cell, input, (hx,), ("hidden",))[0]
