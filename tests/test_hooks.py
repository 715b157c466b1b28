"""Hooks on tensors and nodes (values asserted here; tests/oracle compares with torch)."""
from __future__ import annotations

import pytest

import chainrule as torch
from hook_scenarios import hook_replaces_nonleaf_grad, node_prehook_replaces, order_and_replacement


def test_order_and_replacement():
    assert order_and_replacement(torch) == [
        ("y", [6.0, 12.0]), ("pre", [[6.0, 12.0]]), ("post", [[18.0, 36.0], None]),
        ("x", [18.0, 36.0]), ("acc", [36.0, 72.0]), ("grad", [36.0, 72.0]),
        ("y", [6.0, 12.0]), ("pre", [[6.0, 12.0]]), ("post", [[18.0, 36.0], None]),
        ("acc", [18.0, 36.0]), ("grad", [18.0, 36.0])]


def test_hook_replaces_nonleaf_grad():
    assert hook_replaces_nonleaf_grad(torch) == [10.0, 60.0]


def test_node_prehook_replaces():
    assert node_prehook_replaces(torch) == pytest.approx([2.71828, 7.38906])


def test_hook_errors():
    with pytest.raises(RuntimeError, match="cannot register a hook on a tensor that doesn't"):
        torch.ones(2).register_hook(lambda g: g)
    x = torch.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="post accumulate grad hooks cannot be registered"):
        (x * 2).register_post_accumulate_grad_hook(lambda t: None)


def test_handle_as_context_manager_removes():
    calls = []
    x = torch.ones(2, requires_grad=True)
    with x.register_hook(lambda g: calls.append(1)):
        (x * 2).sum().backward()
    (x * 2).sum().backward()
    assert calls == [1]


def test_saved_tensor_hooks_pack_and_unpack():
    from hook_scenarios import saved_tensor_hooks
    assert saved_tensor_hooks(torch) == [("pack", (2,))] * 3 + [("unpack", (2,))] * 3 + [
        [5.437, 218.393]]
