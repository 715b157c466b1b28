"""op_db rows for the activations: ``nn.functional.<name>``, ``torch.<name>``, Tensor methods.

Samples stay clear of the kinks (0 for relu, +-1 for hardtanh, +-3 for hardsigmoid ...)
so that finite differences see one smooth piece. Dropout is random: its rows are the
deterministic cases (eval mode, p = 0, p = 1) and identities that hold for any mask.
"""
from __future__ import annotations

import math
from typing import Iterator

import numpy as np

from op_db import DType, Maker, OpSpec, Sample, TArg, _unary_samples

# -- samples ---------------------------------------------------------------------------------------


def _scaled(arg: TArg, k: float) -> TArg:
    """``arg`` with its values multiplied by ``k`` (to reach the flat parts of an activation)."""
    return TArg(arg.value * k, arg.layout, arg.requires_grad)


def _values(*values: float) -> TArg:
    return TArg(np.asarray(values, dtype=np.float64))


def _pointwise(mk: Maker) -> Iterator[Sample]:
    yield from _unary_samples(mk)
    yield mk.s("wide", _scaled(mk.t(3, 4), 4.0))  # beyond +-3 and 6: the flat parts


def _large(mk: Maker) -> Iterator[Sample]:
    """Pointwise samples plus inputs far into the tails (no overflow allowed)."""
    yield from _pointwise(mk)
    yield mk.s("tails", _values(-1000.0, -40.0, 40.0))
    # PyTorch's own double backward of mish overflows to nan at 1000; ours is 0
    yield mk.s("large", _values(1000.0, -0.5), gradgradcheck=False)


def _with_kwargs(**kwargs):
    """Pointwise samples, then each keyword setting on a 2x3 input."""
    def samples(mk: Maker) -> Iterator[Sample]:
        yield from _pointwise(mk)
        for name, kw in kwargs.items():
            yield mk.s(name, _scaled(mk.t(2, 3), 2.0), **kw)
    return samples


def _gelu_samples(mk: Maker) -> Iterator[Sample]:
    # PyTorch's float erf is a 1.5e-7 approximation: where gelu cancels to ~1e-3 (x near -3)
    # its float32 results differ from the exact ones in the 4th digit that reprs print
    yield from _pointwise(mk)
    yield mk.s("tanh", mk.t(2, 3), approximate="tanh")
    yield mk.s("tanh_wide", _scaled(mk.t(2, 3), 3.0), approximate="tanh")
    yield mk.s("none", mk.t(2, 3), approximate="none")


def _softmax_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("dim1", mk.t(2, 3), 1)
    yield mk.s("dim0", mk.t(2, 3), 0)
    yield mk.s("dim_neg1", mk.t(2, 3, 4), -1)
    yield mk.s("dim1_3d", mk.t(2, 3, 4), 1)
    yield mk.s("0d", mk.t(), 0)
    yield mk.s("0d_neg", mk.t(), -1)
    yield mk.s("1d", mk.t(5), 0)
    yield mk.s("T", mk.t(3, 4, layout="T"), 0)
    yield mk.s("step", mk.t(2, 4, layout="step"), 1)
    yield mk.s("size0_rows", mk.t(0, 3), 1)
    yield mk.s("size0_dim", mk.t(2, 0), 1)
    yield mk.s("large", _values(-1000.0, 0.5, 1000.0, 999.0), 0)
    yield mk.s("dtype_f64", mk.t(2, 3), 1, dtype=DType("float64"))


def _implicit_dim_samples(mk: Maker) -> Iterator[Sample]:
    # no dim: PyTorch warns and picks 0 for 0-, 1- and 3-d inputs, 1 otherwise
    yield mk.s("2d", mk.t(2, 3))
    yield mk.s("1d", mk.t(4))
    yield mk.s("3d", mk.t(2, 3, 2))


def _dropout_identity(mk: Maker) -> Iterator[Sample]:
    """The calls that return the input itself."""
    yield mk.s("eval", mk.t(2, 3), 0.5, False)
    yield mk.s("p0", mk.t(2, 3), 0.0)
    yield mk.s("size0", mk.t(0, 3), 0.5)
    yield mk.s("eval_inplace", mk.t(2, 3), 0.3, False, True)


def _torch_dropout_identity(mk: Maker) -> Iterator[Sample]:
    """torch.dropout(input, p, train): both arguments required."""
    yield mk.s("eval", mk.t(2, 3), 0.5, False)
    yield mk.s("p0", mk.t(2, 3), 0.0, True)
    yield mk.s("size0", mk.t(0, 3), 0.5, True)


def _dropout_p1(mk: Maker) -> Iterator[Sample]:
    yield mk.s("2x3", mk.t(2, 3))
    yield mk.s("0d", mk.t())
    yield mk.s("T", mk.t(3, 2, layout="T"))


def _dropout_p(mk: Maker) -> Iterator[Sample]:
    yield mk.s("p0.5", mk.t(4, 5), 0.5)
    yield mk.s("p0.2", mk.t(3, 4, layout="T"), 0.2)
    yield mk.s("p0.9_0d", mk.t(), 0.9)


def _dropout_rate_samples(mk: Maker) -> Iterator[Sample]:
    for p in (0.1, 0.5, 0.8):
        yield mk.s(f"p{p}", TArg(np.ones(200_000), requires_grad=False), p, gradcheck=False)

# -- references ------------------------------------------------------------------------------------


_ERF = np.frompyfunc(math.erf, 1, 1)


def _erf(x):
    return np.asarray(_ERF(x), dtype=x.dtype)


def _gelu(x, approximate="none"):
    if approximate == "tanh":
        return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))
    return x * 0.5 * (1 + _erf(x / math.sqrt(2)))


def _elu(x, alpha=1.0, scale=1.0, input_scale=1.0):
    return np.where(x > 0, x * scale, np.expm1(x * input_scale) * (alpha * scale))


def _softplus(x, beta=1.0, threshold=20.0):
    with np.errstate(over="ignore"):
        return np.where(x * beta > threshold, x, np.log1p(np.exp(x * beta)) / beta)


def _softmax(x, dim, dtype=None):
    x = x if dtype is None else x.astype(dtype)
    if x.ndim == 0:
        return np.ones_like(x)
    e = np.exp(x - np.max(x, axis=dim, keepdims=True, initial=-np.inf))
    return e / e.sum(axis=dim, keepdims=True)


def _log_softmax(x, dim, dtype=None):
    x = x if dtype is None else x.astype(dtype)
    if x.ndim == 0:
        return np.zeros_like(x)
    s = x - np.max(x, axis=dim, keepdims=True, initial=-np.inf)
    return s - np.log(np.exp(s).sum(axis=dim, keepdims=True))


def _implicit(ref):
    return lambda x: ref(x, 0 if x.ndim in (0, 1, 3) else 1)


def _logsigmoid(x):
    return np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))


def _hardsigmoid(x):
    return np.minimum(np.maximum(x + 3, 0), 6) / 6

# -- rows -----------------------------------------------------------------------------------------


def _nn(name: str, sample_fn, ref, **flags) -> OpSpec:
    """A row calling ``nn.functional.<name>(input, *args, **kwargs)``."""
    return OpSpec(f"nn.functional.{name}",
                  lambda m, x, *a, **kw: getattr(m.nn.functional, name)(x, *a, **kw),
                  sample_fn, ref, covers=(f"nn.functional.{name}",), **flags)


def _inplace(name: str, ref, flags: dict | None = None, **kw) -> OpSpec:
    """``nn.functional.<name>(x * 1, inplace=True)``: written into a non-leaf."""
    return OpSpec(f"nn.functional.{name}_inplace",
                  lambda m, x: getattr(m.nn.functional, name)(x * 1, inplace=True, **kw),
                  _pointwise, lambda x: ref(x, **kw), **(flags or {}))


def _dropout_kept_ratio(m, x, p):
    """The fraction of zeros dropout leaves, rounded to 2 places: p, for any mask."""
    zeros = (m.nn.functional.dropout(x, p) == 0).sum().item()
    return m.tensor(round(zeros / x.numel(), 2))


def _dropout_scale(m, x, p):
    """Kept elements are x / (1 - p) and dropped ones 0: so this is x / (1 - p) for any mask."""
    d = m.nn.functional.dropout(x, p)
    return d * (d != 0) + x / (1 - p) * (d == 0)


ROWS: list[OpSpec] = [
    _nn("relu", _pointwise, lambda x: np.maximum(x, 0)),
    _nn("relu6", _pointwise, lambda x: np.clip(x, 0, 6)),
    _nn("leaky_relu", _with_kwargs(slope=dict(negative_slope=0.2)),
        lambda x, negative_slope=0.01: np.where(x > 0, x, x * negative_slope)),
    _nn("elu", _with_kwargs(alpha=dict(alpha=0.5)), _elu),
    _nn("selu", _pointwise, lambda x: _elu(x, 1.6732632423543772848170429916717,
                                           1.0507009873554804934193349852946)),
    _nn("celu", _with_kwargs(alpha=dict(alpha=2.0), alpha_pos=dict(alpha=0.5)),
        lambda x, alpha=1.0: _elu(x, alpha, 1.0, 1.0 / alpha)),
    _nn("gelu", _gelu_samples, _gelu),
    _nn("silu", _large, lambda x: x / (1 + np.exp(-x))),
    _nn("mish", _large, lambda x: x * np.tanh(np.log1p(np.exp(x)))),
    _nn("softplus", _with_kwargs(beta=dict(beta=2.0), threshold=dict(beta=3.0, threshold=2.0)),
        _softplus),
    _nn("softsign", _pointwise, lambda x: x / (1 + np.abs(x))),
    _nn("hardtanh", _with_kwargs(bounds=dict(min_val=-2.0, max_val=0.5)),
        lambda x, min_val=-1.0, max_val=1.0: np.clip(x, min_val, max_val)),
    # PyTorch has no double backward for hardsigmoid ("derivative for
    # aten::hardsigmoid_backward is not implemented"): nothing to compare a second order with
    _nn("hardsigmoid", _pointwise, _hardsigmoid, gradgradcheck=False),
    _nn("hardswish", _pointwise, lambda x: x * _hardsigmoid(x)),
    _nn("logsigmoid", _large, _logsigmoid),
    _nn("tanhshrink", _pointwise, lambda x: x - np.tanh(x)),
    _nn("softmax", _softmax_samples, _softmax),
    _nn("log_softmax", _softmax_samples, _log_softmax),
    _nn("softmin", _softmax_samples, lambda x, dim, dtype=None: _softmax(-x, dim, dtype)),
    OpSpec("nn.functional.softmax_implicit_dim", lambda m, x: m.nn.functional.softmax(x),
           _implicit_dim_samples, _implicit(_softmax)),
    OpSpec("nn.functional.log_softmax_implicit_dim", lambda m, x: m.nn.functional.log_softmax(x),
           _implicit_dim_samples, _implicit(_log_softmax)),
    OpSpec("nn.functional.softmin_implicit_dim", lambda m, x: m.nn.functional.softmin(x),
           _implicit_dim_samples, _implicit(lambda x, d: _softmax(-x, d))),
    OpSpec("softmax", lambda m, x, *a, **kw: m.softmax(x, *a, **kw), _softmax_samples, _softmax,
           covers=("softmax",)),
    OpSpec("log_softmax", lambda m, x, *a, **kw: m.log_softmax(x, *a, **kw), _softmax_samples,
           _log_softmax, covers=("log_softmax",)),
    OpSpec("Tensor.softmax", lambda m, x, *a, **kw: x.softmax(*a, **kw), _softmax_samples,
           _softmax),
    OpSpec("Tensor.log_softmax", lambda m, x, *a, **kw: x.log_softmax(*a, **kw), _softmax_samples,
           _log_softmax),
    OpSpec("selu", lambda m, x: m.selu(x), _pointwise,
           lambda x: _elu(x, 1.6732632423543772848170429916717, 1.0507009873554804934193349852946),
           covers=("selu",)),
    OpSpec("celu", lambda m, x, **kw: m.celu(x, **kw), _with_kwargs(alpha=dict(alpha=3.0)),
           lambda x, alpha=1.0: _elu(x, alpha, 1.0, 1.0 / alpha), covers=("celu",)),
    # in place, into a non-leaf (PyTorch names some of these nodes *Backward1)
    _inplace("relu", lambda x: np.maximum(x, 0)),
    _inplace("relu6", lambda x: np.clip(x, 0, 6)),
    _inplace("hardtanh", lambda x: np.clip(x, -1, 1)),
    _inplace("leaky_relu", lambda x, negative_slope: np.where(x > 0, x, x * negative_slope),
             negative_slope=0.1),
    _inplace("elu", lambda x, alpha: _elu(x, alpha), alpha=0.7),
    _inplace("selu", lambda x: _elu(x, 1.6732632423543772848170429916717,
                                    1.0507009873554804934193349852946)),
    _inplace("celu", lambda x, alpha: _elu(x, alpha, 1.0, 1.0 / alpha), alpha=1.5),
    _inplace("silu", lambda x: x / (1 + np.exp(-x))),
    _inplace("mish", lambda x: x * np.tanh(np.log1p(np.exp(x)))),
    _inplace("hardsigmoid", _hardsigmoid, {"gradgradcheck": False}),
    _inplace("hardswish", lambda x: x * _hardsigmoid(x)),
    OpSpec("relu_", lambda m, x: m.relu_(x * 1), _pointwise, lambda x: np.maximum(x, 0),
           covers=("relu_",)),
    OpSpec("Tensor.relu_", lambda m, x: (x * 1).relu_(), _pointwise, lambda x: np.maximum(x, 0)),
    OpSpec("selu_", lambda m, x: m.selu_(x * 1), _pointwise,
           lambda x: _elu(x, 1.6732632423543772848170429916717, 1.0507009873554804934193349852946),
           covers=("selu_",)),
    OpSpec("celu_", lambda m, x: m.celu_(x * 1, 0.5), _pointwise, lambda x: _elu(x, 0.5, 1.0, 2.0),
           covers=("celu_",)),
    # dropout: identities (the input itself), p = 1, and facts true of every random mask
    _nn("dropout", _dropout_identity, lambda x, *a: x),
    OpSpec("dropout", lambda m, x, *a: m.dropout(x, *a), _torch_dropout_identity, lambda x, *a: x,
           covers=("dropout",)),
    OpSpec("nn.functional.dropout_p1", lambda m, x: m.nn.functional.dropout(x, 1.0),
           _dropout_p1, lambda x: x * np.zeros((), x.dtype)),
    OpSpec("dropout_", lambda m, x: m.dropout_(x * 1, 1.0, True), _dropout_p1,
           lambda x: x * np.zeros((), x.dtype), covers=("dropout_",)),
    OpSpec("nn.functional.dropout_scale", _dropout_scale, _dropout_p,
           lambda x, p: x / (1 - p) + x * 0),
    OpSpec("nn.functional.dropout_rate", _dropout_kept_ratio, _dropout_rate_samples,
           lambda x, p: np.asarray(round(p, 2), np.float32)),
]
