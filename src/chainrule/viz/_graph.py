"""What the pictures and derivations read: the backward graph of a tensor, named.

The graph comes from ``grad_fn`` / ``next_functions`` / ``AccumulateGrad.variable``.
Nodes do not keep their outputs, so an intermediate's value (and its ``.grad``) is
known only for tensors the user hands over in ``params`` or has in the calling
frame's variables (matched by ``t.grad_fn is node``), or where the node saved its
output for backward.
"""
from __future__ import annotations

import string
import sys

import numpy as np

from .._tensor import Tensor
from ..autograd.node import FREED, AccumulateGrad

#: Printed by pictures and derivations for values that nothing kept.
UNKNOWN = "?"


def caller_tensors(depth: int) -> dict:
    """name -> Tensor from the variables of the frame ``depth`` levels above the caller."""
    frame = sys._getframe(depth + 1)
    found = {}
    for name, value in list(frame.f_locals.items()):
        if isinstance(value, Tensor) and not name.startswith("_"):  # skip IPython's _, _1 ...
            found[name] = value
    return found


def _preferred(names: list) -> str:
    """The name to show when one tensor has several: the shortest, then alphabetical."""
    return min(names, key=lambda n: (len(n), n))


class GraphView:
    """The graph below ``output``: ops in forward order, leaves, and a name for everything.

    ``ops`` lists the recorded nodes (``AccumulateGrad`` nodes included) so that each
    comes after every node it reads from. ``name(node)`` is the name of the tensor a node
    produces: the user's name, or an automatic letter (``a``, ``b``, ...) as the seed
    tutorial names its intermediate results; the output is ``f`` unless named.
    """

    def __init__(self, output: Tensor, params: dict | None) -> None:
        if not isinstance(output, Tensor):
            raise TypeError(f"expected a Tensor, but got {type(output).__name__}")
        self.output = output
        self.root = output.grad_fn  # None for a leaf: then there is nothing recorded to walk
        self.ops = self._forward_order()
        self._read_shapes = {(id(child), nr): tuple(node._shapes[i])
                             for node in self.ops for i, child, nr in self.inputs(node)}
        self._tensors: dict = {}  # (id(node), output_nr) -> Tensor
        self._names: dict = {}    # id(node) -> name
        self._by_tensor: dict = {}  # id(tensor) -> names (constants included)
        self._user_names(params or {})
        self._auto_names()

    # -- structure --------------------------------------------------------------------
    def _forward_order(self) -> list:
        """Every node reachable from the root, inputs before the nodes that read them."""
        if self.root is None:
            return []
        order, opened, stack = [], set(), [(self.root, False)]
        while stack:  # iterative post-order: a 100,000-deep chain must work
            node, expanded = stack.pop()
            if expanded:
                order.append(node)
                continue
            if id(node) in opened:  # reached again by another path: placed once, when finished
                continue
            opened.add(id(node))
            stack.append((node, True))
            for child, _ in reversed(node.next_functions):
                if child is not None and id(child) not in opened:
                    stack.append((child, False))
        return order

    @staticmethod
    def inputs(node) -> list:
        """``[(input index, child node, output_nr)]`` for the inputs that carry a gradient."""
        return [(i, child, nr) for i, (child, nr) in enumerate(node.next_functions)
                if child is not None]

    def consumers(self) -> dict:
        """id(node) -> [(consumer, input index)] for every node in the graph."""
        readers: dict = {id(n): [] for n in self.ops}
        for node in self.ops:
            for i, child, _ in self.inputs(node):
                readers[id(child)].append((node, i))
        return readers

    # -- names ----------------------------------------------------------------------------
    def _user_names(self, params: dict) -> None:
        by_node: dict = {}
        for name, t in params.items():
            if not isinstance(t, Tensor):
                continue
            self._by_tensor.setdefault(id(t), []).append(name)
            node = t.grad_fn if t.grad_fn is not None else getattr(t, "_accum", None)
            if node is None:
                continue
            key = (id(node), 0 if t.grad_fn is None else t._out_nr)
            by_node.setdefault(key, []).append(name)
            self._tensors.setdefault(key, t)
        reachable = {id(n) for n in self.ops}
        for (node_id, nr), names in by_node.items():
            if node_id in reachable and nr == 0:
                self._names[node_id] = _preferred(names)

    def _auto_names(self) -> None:
        taken = set(self._names.values())
        root_id = id(self.root) if self.root is not None else None
        if root_id is not None and root_id not in self._names:
            self._names[root_id] = "f" if "f" not in taken else "out"
            taken.add(self._names[root_id])
        letters = (c for c in string.ascii_lowercase if c not in taken)
        numbered = (f"t{k}" for k in range(1, 10**9))
        for node in self.ops:
            if id(node) not in self._names:
                if isinstance(node, AccumulateGrad):
                    self._names[id(node)] = next(c for c in numbered if c not in taken)
                else:
                    self._names[id(node)] = next(letters, None) or next(
                        c for c in numbered if c not in taken)

    def name(self, node) -> str:
        """The name of the tensor ``node`` produces."""
        return self._names[id(node)]

    # -- what is known about each node's tensor -------------------------------------------
    def tensor(self, node, output_nr: int = 0) -> Tensor | None:
        """The Tensor ``node`` produced, when the user has it (leaves: always)."""
        if isinstance(node, AccumulateGrad):
            return node.variable
        if node is self.root and output_nr == self.output._out_nr:
            return self.output
        return self._tensors.get((id(node), output_nr))

    def value(self, node) -> np.ndarray | None:
        """The forward value of ``node``'s (first) output, or None where nothing kept it."""
        t = self.tensor(node)
        if t is not None:
            return t._data
        out = getattr(node, "_out", None)
        if out is not None and out is not FREED and isinstance(out[0], (np.ndarray, np.generic)):
            return out[0]
        return None

    def shape(self, node) -> tuple | None:
        """The shape of ``node``'s output: from its tensor or from any node that reads it."""
        value = self.value(node)
        if value is not None:
            return tuple(value.shape)
        return self._read_shapes.get((id(node), 0))

    def grad(self, node) -> np.ndarray | None:
        """``.grad`` of ``node``'s tensor (leaves, and non-leaves that retain it)."""
        t = self.tensor(node)
        if t is None or (not t.is_leaf and not t.retains_grad):
            return None
        return None if t._grad is None else t._grad._data

    def operand(self, node, i: int) -> str:
        """What input ``i`` of ``node`` is called: a name, or the constant's value."""
        child = node.next_functions[i][0]
        if child is not None:
            return self.name(child)
        saved = node._saved
        if saved is not None and saved is not FREED and i < len(saved) and saved[i] is not None:
            value = saved[i][0]
            if id(value) in self._by_tensor:
                return _preferred(self._by_tensor[id(value)])
            value = getattr(value, "_data", value)
            if np.ndim(value) == 0 and not hasattr(value, "unpack"):
                return fmt(value)
        return "const"


def fmt(value, limit: int = 6) -> str:
    """A short form of a number or a small array (its shape when larger than ``limit``)."""
    if value is None:
        return UNKNOWN
    arr = np.asarray(value)
    if arr.ndim == 0:
        v = arr.item()
        if isinstance(v, float):
            return str(int(v)) if v.is_integer() and abs(v) < 1e16 else f"{v:.6g}"
        return str(v)
    if arr.size > limit:
        return f"<{'x'.join(map(str, arr.shape))}>"
    return np.array2string(arr, precision=4, separator=", ", suppress_small=True).replace("\n", "")
