"""op_db x samples against PyTorch: the same inputs in both libraries must agree on

forward values, dtype, shape, repr, warnings, the ``grad_fn`` graph (names and
``next_functions``, down to the leaves), every input's ``.grad`` after ``backward(g)``,
and second-order gradients through ``create_graph=True``. Plus PyTorch's type promotion
for ``+ - * / **`` over int/bool/float16/float32/float64 tensors, 0-d tensors and
Python scalars.
"""
from __future__ import annotations

import operator
import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import chainrule
from op_db import CASE_IDS, CASES, build

TOL = {"float64": {"rtol": 1e-10, "atol": 1e-12}, "float32": {"rtol": 1e-5, "atol": 1e-6},
       "float16": {"rtol": 2e-3, "atol": 1e-3}}


@pytest.fixture(autouse=True, scope="module")
def _torch_warns_always():
    """PyTorch warns some things once per process (TORCH_WARN_ONCE); chainrule, as Python."""
    before = torch.is_warn_always_enabled()
    torch.set_warn_always(True)
    yield
    torch.set_warn_always(before)


# -- running one sample in one library -------------------------------------------------------------


def _warning_text(w) -> str | None:
    """``Category: message`` as a user sees it; None for what chainrule's filter hides."""
    if issubclass(w.category, RuntimeWarning) and "/chainrule/" in w.filename.replace("\\", "/"):
        return None  # NumPy's floating-point warnings from chainrule's own calls are silenced
    return f"{w.category.__name__}: {str(w.message).split(' (Triggered internally at')[0]}"


def _forward(m, spec, sample, dtype: str):
    """(args, leaves, out, warnings) of one sample in module ``m``."""
    args, kwargs, leaves = build(m, sample, dtype)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = spec.op(m, *args, **kwargs)
    texts = [t for t in map(_warning_text, caught) if t is not None]
    return args, leaves, out, texts


def _numpy(t) -> np.ndarray:
    return t.detach().numpy(force=True)  # force: torch's efficient zeros (ZeroTensor)


def _graph(fn, depth: int = 8):
    """The backward graph below ``fn`` as nested (name, ((child, output_nr), ...))."""
    if fn is None:
        return None
    if depth == 0:
        return (fn.name(), "...")
    return (fn.name(), tuple((_graph(child, depth - 1), nr) for child, nr in fn.next_functions))


def _tol(dtype) -> dict:
    return TOL.get(str(dtype).removeprefix("torch."), {"rtol": 0, "atol": 0})


def _assert_close(got, want, what: str) -> None:
    """chainrule tensor ``got`` equals torch tensor ``want`` in dtype, shape and values."""
    assert str(got.dtype) == str(want.dtype), what
    assert tuple(got.shape) == tuple(want.shape), what
    np.testing.assert_allclose(_numpy(got), _numpy(want), equal_nan=True, err_msg=what,
                               **_tol(want.dtype))


def _random_like(out, seed: int) -> np.ndarray:
    dtype = str(out.dtype).removeprefix("torch.")
    return np.random.default_rng(seed).standard_normal(tuple(out.shape)).astype(dtype)


# -- the op sweep -----------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("spec,sample", CASES, ids=CASE_IDS)
def test_forward_and_graph(spec, sample, dtype):
    t_args, _, want, t_warn = _forward(torch, spec, sample, dtype)
    c_args, _, got, c_warn = _forward(chainrule, spec, sample, dtype)
    _assert_close(got, want, "forward")
    assert repr(got) == repr(want)
    assert c_warn == t_warn
    assert got.requires_grad == want.requires_grad
    assert got.is_leaf == want.is_leaf
    assert [got is a for a in c_args] == [want is a for a in t_args]  # returned an input itself
    assert _graph(got.grad_fn) == _graph(want.grad_fn)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("spec,sample", CASES, ids=CASE_IDS)
def test_backward(spec, sample, dtype):
    results = []
    for m in (torch, chainrule):
        _, leaves, out, _ = _forward(m, spec, sample, dtype)
        if out.requires_grad:
            out.backward(m.tensor(_random_like(out, 1)))
        results.append([leaf.grad for leaf in leaves])
    for i, (want, got) in enumerate(zip(*results)):
        assert (got is None) == (want is None), f"input {i}: .grad is None in one library only"
        if want is not None:
            _assert_close(got, want, f".grad of input {i}")


def _second_order(m, spec, sample):
    """(first-order grads, d/d(inputs, g) of sum_i v_i * grad_i) in float64, or None.

    Which first-order grads require grad may differ (PyTorch returns a constant zeros_like
    where chainrule's rule is g * 0); their values, and the second-order values, may not.
    """
    _, leaves, out, _ = _forward(m, spec, sample, "float64")
    if not out.requires_grad:
        return None
    g = m.tensor(_random_like(out, 1), requires_grad=True)
    grads = m.autograd.grad(out, leaves, g, create_graph=True, allow_unused=True,
                            materialize_grads=True)
    total = None
    for k, gi in enumerate(grads):
        if gi.requires_grad:
            term = (gi * m.tensor(_random_like(gi, 2 + k))).sum()
            total = term if total is None else total + term
    if total is None:
        return grads, [m.zeros_like(x) for x in [*leaves, g]]
    return grads, m.autograd.grad(total, [*leaves, g], allow_unused=True, materialize_grads=True)


SECOND = [(c, i) for c, i in zip(CASES, CASE_IDS) if c[0].wants_gradgradcheck(c[1])]


@pytest.mark.parametrize("spec,sample", [c for c, _ in SECOND], ids=[i for _, i in SECOND])
def test_second_order(spec, sample):
    """grad(out, inputs, g, create_graph=True), then its gradient w.r.t. the inputs and g."""
    want, got = _second_order(torch, spec, sample), _second_order(chainrule, spec, sample)
    assert (got is None) == (want is None)
    if want is None:
        return
    for i, (a, b) in enumerate(zip(got[0], want[0])):
        _assert_close(a, b, f"first-order grad {i}")
    for i, (a, b) in enumerate(zip(got[1], want[1])):
        _assert_close(a, b, f"second-order grad {i} (the last: w.r.t. g)")


# -- type promotion -----------------------------------------------------------------------------------

#: operand name -> (values, dtype name); names ending in "[]" are 0-d tensors
TENSOR_OPERANDS = {
    "bool[3]": ([True, False, True], "bool"), "uint8[3]": ([1, 2, 3], "uint8"),
    "int32[3]": ([1, 2, 3], "int32"), "int64[3]": ([3, 1, 2], "int64"),
    "float16[3]": ([0.5, 1.5, 2.0], "float16"), "float32[3]": ([0.5, 1.5, 2.0], "float32"),
    "float64[3]": ([0.5, 1.5, 2.0], "float64"),
    "bool[]": (True, "bool"), "int64[]": (2, "int64"), "int32[]": (3, "int32"),
    "float16[]": (1.5, "float16"), "float32[]": (2.5, "float32"), "float64[]": (0.5, "float64"),
}
SCALARS = {"int": 2, "neg_int": -2, "float": 2.5, "bool": True}
OPS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
       "**": operator.pow}


def _operand(m, name: str):
    if name in SCALARS:
        return SCALARS[name]
    values, dtype = TENSOR_OPERANDS[name]
    return m.tensor(values, dtype=getattr(m, dtype))


def _outcome(m, op, a: str, b: str):
    """(dtype, values) of ``a op b`` in module ``m``, or (exception type, first line)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = op(_operand(m, a), _operand(m, b))
    except Exception as err:  # noqa: BLE001 - the exception itself is what is compared
        return type(err).__name__, str(err).splitlines()[0] if str(err) else ""
    return str(out.dtype), _numpy(out).astype(np.float64)


PAIRS = ([(a, b) for a in TENSOR_OPERANDS for b in [*TENSOR_OPERANDS, *SCALARS]]
         + [(s, b) for s in SCALARS for b in TENSOR_OPERANDS])
CASES_PROMOTION = [(a, sym, b) for a, b in PAIRS for sym in OPS]

def _dtype_of(name: str) -> str:
    return TENSOR_OPERANDS[name][1] if name in TENSOR_OPERANDS else name


def _promotion_params():
    for a, sym, b in CASES_PROMOTION:
        yield pytest.param(a, sym, b, id=f"{a} {sym} {b}")


@pytest.mark.parametrize("a,sym,b", list(_promotion_params()))
def test_type_promotion(a, sym, b):
    """``a op b``: the same result dtype and values as PyTorch, or the same error."""
    want, got = _outcome(torch, OPS[sym], a, b), _outcome(chainrule, OPS[sym], a, b)
    if isinstance(want[1], str):
        assert got == want
        return
    assert isinstance(got[1], np.ndarray), f"chainrule raised {got}, torch gave {want[0]}"
    assert got[0] == want[0]
    assert got[1].shape == want[1].shape
    tol = _tol(want[0]) if "float" in want[0] else {"rtol": 0, "atol": 0}
    np.testing.assert_allclose(got[1], want[1], equal_nan=True, **tol)
