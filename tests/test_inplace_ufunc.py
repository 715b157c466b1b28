"""In-place arithmetic that records nothing writes straight into the tensor (``_write_ufunc``):
the same values, version counters and PyTorch errors as the general path."""
from __future__ import annotations

import numpy as np
import pytest

import chainrule as torch


@pytest.mark.parametrize("op, expected", [
    (lambda t: t.add_(torch.full((3,), 2.0)), [3.0, 4.0, 5.0]),
    (lambda t: t.sub_(torch.full((3,), 2.0), alpha=0.5), [0.0, 1.0, 2.0]),
    (lambda t: t.add_(torch.full((3,), 2.0), alpha=-1.5), [-2.0, -1.0, 0.0]),
    (lambda t: t.mul_(2.5), [2.5, 5.0, 7.5]),
    (lambda t: t.div_(torch.full((3,), 4.0)), [0.25, 0.5, 0.75]),
    (lambda t: t.__isub__(0.5), [0.5, 1.5, 2.5]),
])
def test_values_and_version(op, expected):
    t = torch.tensor([1.0, 2.0, 3.0])
    data = t._data
    assert op(t) is t
    assert t.tolist() == expected and t.dtype == torch.float32
    assert t._version == 1 and t._data is data  # written in place, counted once


def test_sgd_update_under_no_grad_keeps_the_leaf():
    w = torch.ones(4, requires_grad=True)
    (w * w).sum().backward()
    with torch.no_grad():
        w -= 0.1 * w.grad
        w.add_(w.grad, alpha=-0.1)
    assert w.is_leaf and w.requires_grad and w.grad_fn is None
    np.testing.assert_allclose(w.detach().numpy(), np.full(4, 0.6), rtol=1e-6)


def test_write_through_a_view_reaches_the_base():
    base = torch.ones(2, 3)
    row = base[0]
    row.mul_(3.0)
    assert base.tolist() == [[3.0, 3.0, 3.0], [1.0, 1.0, 1.0]]
    assert base._version == row._version == 1


def test_wider_operand_is_cast_into_the_tensor():
    t = torch.ones(3)
    t.add_(torch.ones(3, dtype=torch.float64) * 0.5)
    assert t.dtype == torch.float32 and t.tolist() == [1.5, 1.5, 1.5]


@pytest.mark.parametrize("op, message", [
    (lambda: torch.ones(3).add_(torch.ones(2, 3)),
     "output with shape [3] doesn't match the broadcast shape [2, 3]"),
    (lambda: torch.ones(3, dtype=torch.int64).add_(0.5),
     "result type Float can't be cast to the desired output type Long"),
    (lambda: torch.ones(3, dtype=torch.int64).div_(torch.ones(3, dtype=torch.int64)),
     "result type Float can't be cast to the desired output type Long"),
])
def test_errors_leave_the_tensor_unchanged(op, message):
    with pytest.raises(RuntimeError, match=message.replace("[", r"\[").replace("]", r"\]")):
        op()


def test_a_failed_write_changes_nothing():
    t = torch.ones(3)
    with pytest.raises(RuntimeError):
        t.mul_(torch.ones(2, 3))
    assert t.tolist() == [1.0, 1.0, 1.0] and t._version == 0


def test_expanded_tensor_refuses_the_write():
    t = torch.ones(1).expand(3)
    with pytest.raises(RuntimeError, match="unsupported operation: more than one element"):
        t.add_(1.0)
