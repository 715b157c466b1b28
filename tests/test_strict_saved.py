"""strict_saved(): an in-place write to a tensor saved for backward raises at that line."""
from __future__ import annotations

import sys

import numpy as np
import pytest

import chainrule as torch
from chainrule.autograd import is_strict_saved_enabled, set_strict_saved, strict_saved

MODIFIED = "one of the variables needed for gradient computation has been modified by an inplace"


@pytest.fixture(autouse=True)
def _off_after() -> None:
    yield
    set_strict_saved(False)


def test_raises_at_the_inplace_line() -> None:
    x = torch.ones(3, requires_grad=True)
    with strict_saved():
        y = x * 2
        z = (y * y).sum()  # MulBackward0 saves y
        with pytest.raises(RuntimeError) as info:
            y.add_(1)
    assert str(info.value).startswith(MODIFIED)
    assert "[torch.FloatTensor [3]], which is output 0 of Mul, is at version 1; expected " \
           "version 0 instead." in str(info.value)
    if sys.version_info >= (3, 11):
        assert "y.add_(1)" in "\n".join(info.value.__notes__)
    np.testing.assert_array_equal(y.detach().numpy(), [2.0, 2.0, 2.0])  # nothing was written
    z.backward()  # the graph is intact
    np.testing.assert_array_equal(x.grad.numpy(), [8.0, 8.0, 8.0])


def test_saved_leaf_under_no_grad() -> None:
    w = torch.ones(2, requires_grad=True)
    x = torch.ones(2, requires_grad=True)
    with strict_saved():
        out = (x * w).sum()  # saves w (for x's gradient) and x
    with torch.no_grad(), pytest.raises(RuntimeError, match="is at version 1; expected version 0"):
        w -= 0.1
    out.backward()


def test_saved_output() -> None:
    x = torch.ones(3, requires_grad=True)
    with strict_saved():
        y = x.exp()  # ExpBackward0 saves its output
    with pytest.raises(RuntimeError, match="which is output 0 of Exp, is at version 1"):
        y.mul_(2)


def test_zero_dim_saved_input() -> None:
    w = torch.tensor(1.0, requires_grad=True)
    x = torch.tensor(3.0, requires_grad=True)
    with strict_saved():
        f = w * x
    with torch.no_grad(), pytest.raises(RuntimeError, match=MODIFIED):
        w -= 1
    f.backward()
    assert x.grad.item() == 1.0


def test_view_taken_after_saving() -> None:
    x = torch.ones(4, requires_grad=True)
    with strict_saved():
        y = x * 1
        z = (y * y).sum()
    with pytest.raises(RuntimeError, match=MODIFIED):
        y[1:].add_(1)
    z.backward()


def test_arrays_writeable_again_after_backward() -> None:
    x = torch.ones(3, requires_grad=True)
    with strict_saved():
        y = x * 2
        z = (y * y).sum()
    assert not y._data.flags.writeable
    z.backward()
    assert y._data.flags.writeable
    with torch.no_grad():
        y.add_(1)
    assert y.tolist() == [3.0, 3.0, 3.0]


def test_arrays_writeable_again_when_graph_dies() -> None:
    x = torch.ones(3, requires_grad=True)
    with strict_saved():
        y = x * 2
        z = (y * y).sum()
    del z
    assert y._data.flags.writeable


def test_shared_by_two_nodes_until_both_release() -> None:
    y = torch.ones(3, requires_grad=True)
    with strict_saved():
        a = (y * y).sum()
        b = (y * 3 * y).sum()
    a.backward()
    assert not y._data.flags.writeable  # b's nodes still hold y
    b.backward()
    assert y._data.flags.writeable


def test_retain_graph_keeps_protection() -> None:
    x = torch.ones(3, requires_grad=True)
    with strict_saved():
        y = x * 2
        z = (y * y).sum()
    z.backward(retain_graph=True)
    with pytest.raises(RuntimeError, match=MODIFIED):
        y.add_(1)


def test_off_by_default_error_only_at_backward() -> None:
    assert not is_strict_saved_enabled()
    x = torch.ones(3, requires_grad=True)
    y = x * 2
    z = (y * y).sum()
    y.add_(1)  # allowed: caught by backward
    with pytest.raises(RuntimeError, match=MODIFIED):
        z.backward()


def test_context_manager_restores_previous_mode() -> None:
    set_strict_saved(True)
    with strict_saved(False):
        assert not is_strict_saved_enabled()
    assert is_strict_saved_enabled()


def test_node_class_name_unchanged() -> None:
    x = torch.ones(3, requires_grad=True)
    with strict_saved():
        y = x * x
    assert type(y.grad_fn).__name__ == "MulBackward0"
    assert repr(y).endswith("grad_fn=<MulBackward0>)")


def test_training_loop_under_strict_mode() -> None:
    w = torch.ones(3, requires_grad=True)
    x = torch.tensor([1.0, 2.0, 3.0])
    opt = torch.optim.SGD([w], lr=0.1)
    with strict_saved():
        for _ in range(3):
            opt.zero_grad()
            loss = ((w * x) ** 2).sum()
            loss.backward()
            opt.step()
    assert w._data.flags.writeable
