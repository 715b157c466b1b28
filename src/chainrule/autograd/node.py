"""Backward-graph nodes: ``Node`` (a recorded op, the user's ``grad_fn``) and ``AccumulateGrad``.

A Node knows its primitive (for the rules), its edges (``next_functions``), the
metadata of its inputs and the values its rules name. It never references the
Tensor class: the few Tensor-level actions (wrapping for ``create_graph``,
accumulating into a leaf) go through callables installed by ``_tensor.py``.
"""
from __future__ import annotations

import weakref

from .. import _errors
from .._dtype import from_numpy_dtype
from ..backend import namespace_of

# Installed by _tensor.py / functional at import time (imports flow one way):
wrap_output = None   # (array, node) -> Tensor whose grad_fn is node (a saved output, unpacked)
wrap_grad = None     # array -> Tensor (gradients shown to hooks)
unwrap_grad = None   # Tensor -> array
diff_namespace = None  # the differentiable "xp" that rules run on under create_graph


class Node:
    """One recorded operation of the backward graph (what ``tensor.grad_fn`` returns)."""

    __slots__ = ("prim", "next_functions", "_needs", "_shapes", "_dtypes", "_saved",
                 "_saved_ver", "_out", "_out_vc", "_out_ver", "_attrs", "_released",
                 "_pre_hooks", "_retain", "metadata", "__weakref__")

    def __init__(self, prim, next_functions: tuple, needs: tuple, shapes: tuple, dtypes: tuple,
                 attrs: dict) -> None:
        self.prim = prim
        self.next_functions = next_functions  # ((node | None, output_nr), ...) per input
        self._needs = needs                   # indices of inputs that require grad
        self._shapes = shapes
        self._dtypes = dtypes                 # NumPy dtypes the input grads are cast to
        self._attrs = attrs
        self._saved = self._saved_ver = self._out = self._out_vc = None
        self._out_ver = 0
        self._released = False
        self._pre_hooks = self._retain = self.metadata = None

    def name(self) -> str:
        """The node's PyTorch name, e.g. ``MulBackward0``."""
        return self.prim.grad_fn_name

    def __repr__(self) -> str:
        return f"<{display_name(self)} object at {hex(id(self))}>"

    # -- saved values ---------------------------------------------------------------
    def saved_input(self, j: int, create_graph: bool):
        """Input ``j`` as saved at record time, checked against in-place changes."""
        if self._released:
            raise RuntimeError(_errors.FREED_GRAPH)
        value, version = self._saved[j], self._saved_ver[j]
        if version is None:  # a constant (Python number or plain array)
            return value
        if value._vc[0] != version:
            fn = value._grad_fn
            raise _errors.modified_by_inplace(value._dtype, value._data.shape,
                                              fn.name() if fn else None, 0,
                                              value._vc[0], version)
        return value if create_graph else value._data

    def saved_output(self, create_graph: bool):
        """The forward result, checked against in-place changes."""
        if self._released:
            raise RuntimeError(_errors.FREED_GRAPH)
        if self._out_vc[0] != self._out_ver:
            raise _errors.modified_by_inplace(from_numpy_dtype(self._out.dtype), self._out.shape,
                                              self.name(), 0, self._out_vc[0], self._out_ver)
        return wrap_output(self._out, self) if create_graph else self._out

    def release(self) -> None:
        """Free saved tensors; later use raises PyTorch's 'backward a second time' error."""
        if self._saved is not None or self._out is not None:
            self._saved = self._out = None
            self._released = True

    # -- backward -----------------------------------------------------------------
    def apply(self, g, create_graph: bool) -> list:
        """Gradients for every input (None where not needed), from the output gradient."""
        xp = diff_namespace if create_graph else namespace_of(g)
        rules = self.prim.rules
        grads = [None] * len(self.next_functions)
        for i in self._needs:
            rule, getters = rules[i]
            gi = rule(*[get(self, g, xp, create_graph) for get in getters])
            shape = self._shapes[i]
            if gi.shape != shape:  # undo broadcasting here, never in rules
                gi = xp.sum_to(gi, shape)
            if create_graph:
                if gi._dtype.np != self._dtypes[i]:
                    gi = xp.cast(gi, self._dtypes[i])
            elif gi.dtype != self._dtypes[i]:
                gi = gi.astype(self._dtypes[i])
            grads[i] = gi
        return grads

    def register_tensor_pre_hook(self, hook) -> None:
        """Run ``hook(grad)`` on this node's incoming gradient before ``apply``."""
        if self._pre_hooks is None:
            self._pre_hooks = []
        self._pre_hooks.append(hook)


class AccumulateGrad:
    """The node that adds an incoming gradient into a leaf tensor's ``.grad``."""

    __slots__ = ("_variable", "_pre_hooks", "_retain", "metadata", "__weakref__")
    next_functions = ()
    _needs = ()

    def __init__(self, variable) -> None:
        # the leaf holds its AccumulateGrad; the node refers back weakly (no cycle)
        self._variable = weakref.ref(variable)
        self._pre_hooks = self._retain = self.metadata = None

    @property
    def variable(self):
        """The leaf tensor this node accumulates into (None once it was freed)."""
        return self._variable()

    def name(self) -> str:
        """PyTorch's name for it: ``torch::autograd::AccumulateGrad``."""
        return "torch::autograd::AccumulateGrad"

    def __repr__(self) -> str:
        return f"<AccumulateGrad object at {hex(id(self))}>"

    def accumulate(self, g, owned: bool, create_graph: bool) -> None:
        """Add ``g`` into the leaf's ``.grad`` (``owned``: g may be kept without a copy)."""
        variable = self._variable()
        if variable is not None:  # a freed leaf has no .grad to fill
            variable._accumulate_grad(g, owned, create_graph)

    def release(self) -> None:
        """Nothing is saved here."""

    register_tensor_pre_hook = Node.register_tensor_pre_hook


def display_name(node) -> str:
    """A node's name as reprs show it (without a ``torch::autograd::`` namespace)."""
    return node.name().rpartition("::")[2]


# -- accessors the primitive registry composes into each rule's argument list ----------
def get_g(node: Node, g, xp, create_graph: bool):
    """The incoming gradient."""
    return g


def get_out(node: Node, g, xp, create_graph: bool):
    """The saved forward output."""
    return node.saved_output(create_graph)


def get_xp(node: Node, g, xp, create_graph: bool):
    """The array namespace the rule runs on."""
    return xp


def getter_input(j: int):
    """Accessor for saved input ``j`` (tagged with ``input_index`` so plans know to save it)."""
    def get(node: Node, g, xp, create_graph: bool):
        return node.saved_input(j, create_graph)
    get.input_index = j
    return get


def getter_shape(j: int):
    """Accessor for the shape of input ``j``."""
    return lambda node, g, xp, cg: node._shapes[j]


def getter_attr(name: str):
    """Accessor for the forward keyword ``name``."""
    return lambda node, g, xp, cg: node._attrs[name]
