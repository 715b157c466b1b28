"""``explain_missing_grad``: why a tensor's ``.grad`` is None (or zero) after backward."""
from __future__ import annotations

import numpy as np

from .. import _hints
from .node import FREED, AccumulateGrad

_FLOAT = 2  # _dtype category of floating point dtypes


def _walk(root) -> list:
    """Every node reachable from ``root`` (iteratively: graphs may be deep)."""
    seen, order, stack = {id(root)}, [root], [root]
    while stack:
        for fn, _nr in stack.pop().next_functions:
            if fn is not None and id(fn) not in seen:
                seen.add(id(fn))
                order.append(fn)
                stack.append(fn)
    return order


def _on_path(nodes: list, tensor) -> bool:
    """Whether a gradient from the graph ``nodes`` can reach ``tensor``."""
    if tensor._grad_fn is not None:
        return any(node is tensor._grad_fn for node in nodes)
    return any(type(node) is AccumulateGrad and node.variable is tensor for node in nodes)


def _freed(nodes: list) -> bool:
    """Whether backward already ran through (and freed) this graph."""
    return any(getattr(node, "_saved", None) is FREED or getattr(node, "_out", None) is FREED
               for node in nodes)


def _no_requires_grad(tensor) -> str:
    if tensor._dtype.category != _FLOAT:
        return (f"it has an integer dtype ({tensor._dtype}): only floating point tensors can "
                "require gradients. Make it floating point (tensor.float()) if it should get one.")
    site = _hints.made_under_no_grad.get(tensor)
    if site is not None:
        return ("it was created under no_grad from tensors that required grad, at "
                f"{_hints.describe(site)}, so it has requires_grad=False. Update a parameter "
                f"in place instead of reassigning it: `{_hints.INPLACE_FIX}`.")
    site = _hints.detached.get(tensor)
    if site is not None:
        return (f"it was made by .detach() at {_hints.describe(site)}: it shares the data but "
                "not the graph (requires_grad=False), so no gradient flows back to it.")
    return ("it has requires_grad=False: create it with requires_grad=True or call "
            ".requires_grad_() before using it.")


def explain_missing_grad(output, tensor) -> str:
    """Says why ``tensor.grad`` is None or zero after ``output.backward()``.

    The graph is inspected from ``output.grad_fn`` (``next_functions`` and each
    ``AccumulateGrad``'s ``variable``) together with ``tensor``'s own state.

    Args:
        output: the tensor backward was (or will be) called on.
        tensor: the tensor whose ``.grad`` is missing.

    Returns:
        One paragraph naming the reason and the fix.
    """
    if not tensor._requires_grad:
        return "tensor.grad is None because " + _no_requires_grad(tensor)
    root = output._grad_fn
    if root is None:
        why = _hints.origin_of(output) if not output._requires_grad else None
        return ("tensor.grad is None because the output has no graph: "
                + (why or "output does not require grad, so backward() cannot reach any tensor")
                + ".")
    nodes = _walk(root)
    if tensor._grad_fn is not None and not tensor.retains_grad:
        text = ("tensor.grad is None because tensor is not a leaf (it was computed by "
                f"{tensor._grad_fn.name()}): backward fills .grad of leaves only. Call "
                "tensor.retain_grad() before backward to keep it, or read the leaf's .grad.")
        origin = _hints.non_leaf_origin(tensor)
        if origin is not None:
            text += (f" It replaced a leaf at {origin}: computing a parameter from itself with "
                     f"grad enabled records an op; update it in place: `{_hints.INPLACE_FIX}`.")
        return text
    if not _on_path(nodes, tensor):
        return ("tensor.grad is None because tensor is not on any path from the output to the "
                "leaves: the output was not computed from it, or the path was cut by .detach(), "
                ".data, or an op run under no_grad.")
    return _reached(tensor, nodes)


def _reached(tensor, nodes: list) -> str:
    """The explanation for a tensor a gradient can reach."""
    grad = tensor._grad
    if grad is None:
        if _freed(nodes):
            return ("tensor.grad is None although backward reached it: it was reset after "
                    "backward, by zero_grad(set_to_none=True) or `tensor.grad = None`.")
        return ("tensor.grad is None because no backward has run through this graph since "
                ".grad was last cleared: call output.backward() first.")
    if not np.any(grad._data):
        return ("tensor.grad is all zeros: it was reset by zero_grad(set_to_none=False) "
                "after backward, or every path to it carries a zero derivative (e.g. relu "
                "inputs below 0, or a constant function of it).")
    return "tensor.grad is set (not None and not all zeros)."
