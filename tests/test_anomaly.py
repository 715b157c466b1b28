"""Anomaly detection: the failing node is named, with the user's forward line."""
from __future__ import annotations

import warnings

import pytest

import chainrule as torch


class _NanBackward(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return g * float("nan")


def _run(make):
    x = torch.ones(2, requires_grad=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with torch.autograd.detect_anomaly():
            y = make(x)
            with pytest.raises(RuntimeError) as err:
                y.sum().backward()
    return str(err.value), [str(w.message) for w in caught if w.category is UserWarning]


def test_nan_from_a_custom_function_names_it_and_its_forward_line():
    message, warned = _run(lambda x: _NanBackward.apply(x))
    assert message == "Function '_NanBackwardBackward' returned nan values in its 0th output."
    assert warned[0].startswith("Anomaly Detection has been enabled.")
    assert warned[1].startswith("Error detected in _NanBackwardBackward. Traceback of forward call")
    assert "test_anomaly.py" in warned[1] and "make(x)" in warned[1]


def test_nan_from_a_primitive():
    message, warned = _run(lambda x: (x * 0).log() * 0)
    assert message == "Function 'LogBackward0' returned nan values in its 0th output."
    assert "chainrule/" not in warned[1].split("\n", 1)[1]  # only the user's frames


def test_modes_restore_and_query():
    assert not torch.is_anomaly_enabled()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with torch.autograd.detect_anomaly(check_nan=False):
            assert torch.is_anomaly_enabled() and not torch.is_anomaly_check_nan_enabled()
    assert not torch.is_anomaly_enabled() and torch.is_anomaly_check_nan_enabled()
    with torch.autograd.set_detect_anomaly(True):
        assert torch.is_anomaly_enabled()
    assert not torch.is_anomaly_enabled()


def test_no_check_nan_lets_nan_through():
    x = torch.ones(2, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with torch.autograd.detect_anomaly(check_nan=False):
            _NanBackward.apply(x).sum().backward()
    assert all(v != v for v in x.grad.tolist())
