"""explain_missing_grad: each reason a tensor's .grad is None or zero after backward."""
from __future__ import annotations

import chainrule as torch
from chainrule.autograd import explain_missing_grad


def test_non_leaf_without_retain_grad() -> None:
    x = torch.ones(2, requires_grad=True)
    y = x * 2
    out = y.sum()
    out.backward()
    text = explain_missing_grad(out, y)
    assert "not a leaf" in text and "MulBackward0" in text and "retain_grad()" in text


def test_non_leaf_that_replaced_a_leaf_names_the_line() -> None:
    w = torch.tensor(1.0, requires_grad=True)
    (w + 1).backward()
    w = w - w.grad  # the line that made w a non-leaf
    out = w + 1
    out.backward()
    text = explain_missing_grad(out, w)
    assert "test_explain_missing_grad.py" in text and "w = w - w.grad" in text


def test_detached() -> None:
    x = torch.ones(2, requires_grad=True)
    d = x.detach()
    out = (x * d).sum()
    out.backward()
    text = explain_missing_grad(out, d)
    assert ".detach()" in text and "d = x.detach()" in text


def test_created_under_no_grad() -> None:
    w = torch.ones(2, requires_grad=True)
    with torch.no_grad():
        v = w * 2
    out = (w * v).sum()
    out.backward()
    text = explain_missing_grad(out, v)
    assert "under no_grad" in text and "v = w * 2" in text


def test_not_on_any_path() -> None:
    a = torch.ones(2, requires_grad=True)
    b = torch.ones(2, requires_grad=True)
    out = (a * 3).sum()
    out.backward()
    assert "not on any path" in explain_missing_grad(out, b)


def test_path_cut_by_detach_is_not_on_path() -> None:
    a = torch.ones(2, requires_grad=True)
    out = (a.detach() * 3 + torch.ones(2, requires_grad=True)).sum()
    out.backward()
    assert "not on any path" in explain_missing_grad(out, a)


def test_integer_dtype() -> None:
    n = torch.arange(3)
    x = torch.ones(3, requires_grad=True)
    out = (x * n).sum()
    out.backward()
    assert "integer dtype (torch.int64)" in explain_missing_grad(out, n)


def test_requires_grad_false() -> None:
    c = torch.ones(2)
    x = torch.ones(2, requires_grad=True)
    out = (x * c).sum()
    out.backward()
    assert "requires_grad=False" in explain_missing_grad(out, c)


def test_reset_to_none_after_backward() -> None:
    x = torch.ones(2, requires_grad=True)
    w = torch.ones(2, requires_grad=True)
    out = (x * w).sum()
    out.backward()
    torch.optim.SGD([x], lr=0.1).zero_grad(set_to_none=True)
    assert "reset after backward" in explain_missing_grad(out, x)


def test_reset_to_zero_after_backward() -> None:
    x = torch.ones(2, requires_grad=True)
    out = (x * x).sum()
    out.backward()
    torch.optim.SGD([x], lr=0.1).zero_grad(set_to_none=False)
    assert "all zeros" in explain_missing_grad(out, x)


def test_zero_derivative() -> None:
    x = torch.tensor([-1.0, -2.0], requires_grad=True)
    out = torch.relu(x).sum()
    out.backward()
    assert "all zeros" in explain_missing_grad(out, x)


def test_backward_not_run_yet() -> None:
    x = torch.ones(2, requires_grad=True)
    out = (x * x).sum()
    assert "no backward has run" in explain_missing_grad(out, x)


def test_output_without_graph() -> None:
    x = torch.ones(2, requires_grad=True)
    with torch.no_grad():
        out = x * 2
    text = explain_missing_grad(out, x)
    assert "output has no graph" in text and "under no_grad" in text


def test_grad_present() -> None:
    x = torch.ones(2, requires_grad=True)
    out = (x * 2).sum()
    out.backward()
    assert explain_missing_grad(out, x).startswith("tensor.grad is set")


def test_retained_non_leaf_is_explained_as_reached() -> None:
    x = torch.ones(2, requires_grad=True)
    y = x * 2
    y.retain_grad()
    out = (y * 3).sum()
    out.backward()
    assert explain_missing_grad(out, y).startswith("tensor.grad is set")


def test_deep_graph_is_walked_iteratively() -> None:
    x = torch.ones(1, requires_grad=True)
    y = x
    for _ in range(5000):
        y = y + 1
    other = torch.ones(1, requires_grad=True)
    assert "not on any path" in explain_missing_grad(y.sum(), other)
