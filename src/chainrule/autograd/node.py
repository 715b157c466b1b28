"""Backward-graph nodes: ``Node`` (a recorded op, the user's ``grad_fn``) and ``AccumulateGrad``.

A Node knows its primitive (for the rules), its edges (``next_functions``), the
metadata of its inputs and the values its rules name. It never references the
Tensor class: the few Tensor-level actions (wrapping for ``create_graph``,
accumulating into a leaf) go through callables installed by ``_tensor.py``.
"""
from __future__ import annotations

import weakref

from numpy import ndarray

from .. import _errors
from .._dtype import from_numpy_dtype

# Installed by _tensor.py / functional at import time (imports flow one way):
wrap_output = None   # (array, node) -> Tensor whose grad_fn is node (a saved output, unpacked)
wrap_grad = None     # array -> Tensor (gradients shown to hooks)
unwrap_grad = None   # Tensor -> array
diff_namespace = None  # the differentiable "xp" that rules run on under create_graph


FREED = "freed"  # what saved slots hold after release()


class Packed:
    """A saved tensor as a ``saved_tensors_hooks`` pack hook returned it."""

    __slots__ = ("obj", "unpack")

    def __init__(self, obj, unpack) -> None:
        self.obj, self.unpack = obj, unpack

    def get(self, create_graph: bool):
        """The unpacked tensor (its array unless the backward records a graph)."""
        t = self.unpack(self.obj)
        return t if create_graph else t._data


#: The active (pack, unpack) hooks, innermost last (autograd.graph.saved_tensors_hooks).
saved_hooks: list = []


class Hooks:
    """A node's rarely used parts, made on first use so plain nodes stay small.

    They run in PyTorch's order: tensor hooks, retain_grad, node pre-hooks, the
    node itself, node post-hooks (post-accumulate hooks for leaves).
    """

    __slots__ = ("tensor_pre", "retain", "pre", "post", "post_accumulate", "metadata")

    def __init__(self) -> None:
        self.tensor_pre: list = []   # (output_nr, hook) registered on the tensors it produced
        self.retain: list = []       # (output_nr, retain_grad's hook), run after tensor_pre
        self.pre: list = []          # Node.register_prehook
        self.post: list = []         # Node.register_hook
        self.post_accumulate: list = []  # Tensor.register_post_accumulate_grad_hook
        self.metadata: dict = {}


class RemovableHandle:
    """A handle that removes the hook it was returned for (``handle.remove()``)."""

    def __init__(self, hooks: list, hook) -> None:
        self._hooks, self._hook = hooks, hook

    def remove(self) -> None:
        """Remove the hook; removing twice is harmless."""
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)

    def __enter__(self) -> "RemovableHandle":
        return self

    def __exit__(self, *exc) -> None:
        self.remove()


def to_user(g):
    """A gradient as hooks see it: a Tensor (arrays are wrapped), or None."""
    return g if g is None or hasattr(g, "_requires_grad") else wrap_grad(g)


def from_user(result, like):
    """A hook's result in the walk's representation (an array unless ``like`` is a Tensor)."""
    if result is None or hasattr(like, "_requires_grad"):
        return result
    return unwrap_grad(result)


def _register_prehook(node, hook) -> RemovableHandle:
    def run(grad_outputs: tuple):
        result = hook(tuple(to_user(g) for g in grad_outputs))
        return None if result is None else [from_user(r, g) for r, g in zip(result, grad_outputs)]
    hooks = hooks_of(node).pre
    hooks.append(run)
    return RemovableHandle(hooks, run)


def _register_hook(node, hook) -> RemovableHandle:
    def run(grad_inputs: list, grad_outputs: tuple):
        result = hook(tuple(to_user(g) for g in grad_inputs),
                      tuple(to_user(g) for g in grad_outputs))
        return None if result is None else [from_user(r, g) for r, g in zip(result, grad_inputs)]
    hooks = hooks_of(node).post
    hooks.append(run)
    return RemovableHandle(hooks, run)


class Node:
    """One recorded operation of the backward graph (what ``tensor.grad_fn`` returns)."""

    n_outputs = 1  # MultiNode overrides it per instance
    _multi = False  # gradients arrive as one list per node (one slot per output)
    _fast = True  # the engine may run its per-input rules inline (engine._drain)

    __slots__ = ("prim", "next_functions", "_needs", "_shapes", "_dtypes", "_attrs", "_saved",
                 "_out", "_hooks", "__weakref__")

    def __init__(self, prim, next_functions: tuple, needs: tuple, shapes: list, dtypes: list,
                 attrs: dict) -> None:
        self.prim = prim
        self.next_functions = next_functions  # ((node | None, output_nr), ...) per input
        self._needs = needs                   # indices of inputs that require grad
        self._shapes = shapes
        self._dtypes = dtypes                 # NumPy dtypes the input grads are cast to
        self._attrs = attrs
        self._saved = None  # [(tensor, version) | (constant, None) | None] per input, or FREED
        self._out = None    # (array, version counter, version) or FREED
        self._hooks = None

    def name(self) -> str:
        """The node's PyTorch name, e.g. ``MulBackward0``."""
        return self.prim.grad_fn_name

    def __repr__(self) -> str:
        return f"<{display_name(self)} object at {hex(id(self))}>"

    @property
    def metadata(self) -> dict:
        """A dict for users to attach their own data to the node."""
        return hooks_of(self).metadata

    def register_prehook(self, hook) -> RemovableHandle:
        """Register ``hook(grad_outputs) -> new grad_outputs or None``, run before the node."""
        return _register_prehook(self, hook)

    def register_hook(self, hook) -> RemovableHandle:
        """Register ``hook(grad_inputs, grad_outputs) -> new grad_inputs or None``, run after."""
        return _register_hook(self, hook)

    # -- saved values ---------------------------------------------------------------
    def saved_input(self, j: int, create_graph: bool):
        """Input ``j`` as saved at record time, checked against in-place changes."""
        if self._saved is FREED:
            raise RuntimeError(_errors.FREED_GRAPH)
        value, version = self._saved[j]
        if version is None:  # a constant (Python number or plain array), or a packed tensor
            if type(value) is Packed:
                return value.get(create_graph)
            if create_graph and type(value) is ndarray and not value.ndim:
                return value.item()  # a Python float operand, kept as a 0-d array (_dispatch._constant)
            return value
        if value._vc[0] != version:
            fn = value._grad_fn
            raise _errors.modified_by_inplace(value._dtype, value._data.shape,
                                              fn.name() if fn else None, 0,
                                              value._vc[0], version)
        return value if create_graph else value._data

    def saved_output(self, create_graph: bool):
        """The forward result, checked against in-place changes."""
        if self._out is FREED:
            raise RuntimeError(_errors.FREED_GRAPH)
        saved = self._out  # (array, version counter, version[, tangent]): no slice on this hot path
        out, vc, version = saved[0], saved[1], saved[2]
        if type(out) is Packed:
            return out.get(create_graph)
        if vc[0] != version:
            raise _errors.modified_by_inplace(from_numpy_dtype(out.dtype), out.shape,
                                              self.name(), 0, vc[0], version)
        if not create_graph:
            return out
        t = wrap_output(out, self)
        if len(saved) == 4:  # recorded inside a dual level: the output's tangent
            t._fw = saved[3]
        return t

    def release(self) -> None:
        """Free saved tensors; later use raises PyTorch's 'backward a second time' error."""
        if self._saved is not None or self.prim.saved_attrs:
            self._saved = FREED
        if self._out is not None:
            self._out = FREED

    # -- backward -----------------------------------------------------------------
    def apply(self, g, xp, create_graph: bool) -> list:
        """Gradients for every input (None where not needed), from the output gradient."""
        prim = self.prim
        joint = prim.joint
        if joint is not None:  # one rule gives every input's gradient
            raw = joint[0](g, *[get(self, g, xp, create_graph) for get in joint[1]])
        grads = [None] * len(self.next_functions)
        for i in self._needs:
            if joint is not None:
                gi = raw[i]
            else:
                rule, getters = prim.rules[i]  # getters fill the parameters after g
                if not getters:
                    gi = rule(g)
                elif len(getters) == 1:  # most rules: skip building an argument list
                    gi = rule(g, getters[0](self, g, xp, create_graph))
                else:
                    gi = rule(g, *[get(self, g, xp, create_graph) for get in getters])
            if gi is None:  # the rule says this input gets no gradient
                continue
            # (checked inline: calling _fit for every gradient costs ~0.3 us)
            if create_graph or gi.shape != self._shapes[i] or gi.dtype != self._dtypes[i]:
                gi = self._fit(gi, i, xp, create_graph)
            grads[i] = gi
        return grads

    def _fit(self, gi, i: int, xp, create_graph: bool):
        """Input ``i``'s gradient summed back to its shape and cast to its dtype."""
        shape = self._shapes[i]
        if gi.shape != shape:  # undo broadcasting here, never in rules
            gi = xp.sum_to(gi, shape)
        if create_graph:
            if gi._dtype.np != self._dtypes[i]:
                gi = xp.cast(gi, self._dtypes[i])
        elif gi.dtype != self._dtypes[i]:
            gi = gi.astype(self._dtypes[i])
        return gi


class MultiNode(Node):
    """A node with several outputs (split, unbind, custom Functions): g is a list."""

    __slots__ = ("n_outputs", "_out_meta")
    _multi = True
    _fast = False

    def apply(self, g: list, xp, create_graph: bool) -> list:
        """As Node.apply; missing output gradients are zeros of the output's shape."""
        g = [xp.zeros(shape, dtype) if gk is None else gk
             for gk, (shape, dtype) in zip(g, self._out_meta)]
        return Node.apply(self, g, xp, create_graph)


def hooks_of(node) -> Hooks:
    """``node``'s hook record, made on first use."""
    if node._hooks is None:
        node._hooks = Hooks()
    return node._hooks


class AccumulateGrad:
    """The node that adds an incoming gradient into a leaf tensor's ``.grad``."""

    __slots__ = ("_variable", "_hooks", "__weakref__")
    next_functions = ()
    _needs = ()
    n_outputs = 1
    _multi = False

    def __init__(self, variable) -> None:
        # the leaf holds its AccumulateGrad; the node refers back weakly (no cycle)
        self._variable = weakref.ref(variable)
        self._hooks = None

    @property
    def variable(self):
        """The leaf tensor this node accumulates into (None once it was freed)."""
        return self._variable()

    metadata = Node.metadata
    register_prehook = Node.register_prehook
    register_hook = Node.register_hook

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
            if self._hooks is not None:
                for hook in list(self._hooks.post_accumulate):
                    hook(variable)

    def release(self) -> None:
        """Nothing is saved here."""


def display_name(node) -> str:
    """A node's name as reprs show it (without a ``torch::autograd::`` namespace)."""
    return node.name().rpartition("::")[2]


# -- accessors the primitive registry composes into each rule's argument list ----------
def get_out(node: Node, g, xp, create_graph: bool):
    """The saved forward output."""
    return node.saved_output(create_graph)


def get_xp(node: Node, g, xp, create_graph: bool):
    """The array namespace the rule runs on."""
    return xp


def getter_input(j: int):
    """Accessor for saved input ``j`` (tagged with ``input_index`` so plans know to save it)."""
    def get(node: Node, g, xp, create_graph: bool):
        # Node.saved_input, inlined: one call less per saved value on every backward
        saved = node._saved
        if saved is FREED:
            raise RuntimeError(_errors.FREED_GRAPH)
        value, version = saved[j]
        if version is not None and value._vc[0] == version and not create_graph:
            return value._data
        return node.saved_input(j, create_graph)
    get.input_index = j
    return get


def getter_shape(j: int):
    """Accessor for the shape of input ``j``."""
    return lambda node, g, xp, cg: node._shapes[j]


def getter_saved_attr(name: str):
    """Accessor for a forward keyword that PyTorch saves as a tensor (freed after backward)."""
    def get(node: Node, g, xp, create_graph: bool):
        if node._saved is FREED:
            raise RuntimeError(_errors.FREED_GRAPH)
        return node._attrs[name]
    return get


REQUIRED = object()  # an attribute without a default


def getter_attr(name: str, default=REQUIRED):
    """Accessor for the forward keyword ``name`` (``default`` when the call left it out)."""
    if default is REQUIRED:
        return lambda node, g, xp, cg: node._attrs[name]
    return lambda node, g, xp, cg: node._attrs.get(name, default)
