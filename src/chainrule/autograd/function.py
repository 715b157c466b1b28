"""``chainrule.autograd.Function``: user-defined differentiable operations.

A Function's node is also its ``ctx`` (as in PyTorch: ``y.grad_fn.saved_tensors``
works), named ``<ClassName>Backward``. ``forward`` runs with grad disabled; if
``backward`` is written in chainrule ops, double backward works.
"""
from __future__ import annotations

import functools
from typing import Any, Callable

import numpy as np

from .. import _dispatch, _errors
from .._dispatch import _edge, wrap
from .._tensor import Tensor
from .anomaly_mode import record_stack
from .anomaly_mode import state as _anomaly
from .grad_mode import forward_state as _forward
from .grad_mode import no_grad, set_grad_enabled
from .node import FREED, Node, saved_hooks, to_user


class BackwardCFunction(Node):
    """The node (and ``ctx``) of one ``Function.apply`` call; takes any attribute."""

    _function: type = None  # set on each Function's own subclass
    _fast = False  # its own apply() runs the user's backward

    def name(self) -> str:
        """``<ClassName>Backward``."""
        return type(self).__name__

    def save_for_backward(self, *tensors) -> None:
        """Saves tensors (or None) for ``backward``; they are checked for in-place changes."""
        self._saved = [(t, None) if not isinstance(t, Tensor) else
                       (_dispatch.pack(t), None) if saved_hooks else (t, t._vc[0])
                       for t in tensors]

    @property
    def saved_tensors(self) -> tuple:
        """The tensors given to ``save_for_backward``, as they were then."""
        saved = self._saved
        if saved is FREED:
            raise RuntimeError(_errors.FREED_GRAPH)
        return tuple(self._saved_output(*entry) if len(entry) == 3 else self.saved_input(j, True)
                     for j, entry in enumerate(saved or ()))

    def _saved_output(self, alias: Tensor, version: int, nr: int) -> Tensor:
        """Output ``nr`` as saved (kept as an alias without grad_fn), linked back to this node."""
        if alias._vc[0] != version:
            raise _errors.modified_by_inplace(alias._dtype, alias._data.shape, self.name(), nr,
                                              alias._vc[0], version)
        t = wrap(alias._data, self)
        t._out_nr, t._vc = nr, alias._vc
        return t

    def release(self) -> None:
        """Free the saved tensors after backward."""
        if self._saved is not None:
            self._saved = FREED

    def mark_dirty(self, *tensors) -> None:
        """Marks tensors that ``forward`` modified in place."""
        self._dirty = tensors

    def mark_non_differentiable(self, *tensors) -> None:
        """Marks outputs that are not differentiable (they get no grad_fn)."""
        self._non_diff = tensors

    def set_materialize_grads(self, value: bool) -> None:
        """Whether missing output gradients reach ``backward`` as zeros (default) or None."""
        self._materialize = value

    def apply(self, g, xp, create_graph: bool) -> list:
        """Run the user's ``backward`` on Tensors; check and return one gradient per input."""
        grads = list(g) if self._multi else [g]
        if getattr(self, "_materialize", True):
            grads = [xp.zeros(shape, dtype) if gk is None else gk
                     for gk, (shape, dtype) in zip(grads, self._out_meta)]
        with set_grad_enabled(create_graph):
            result = self._function.backward(self, *[to_user(gk) for gk in grads])
        result = result if isinstance(result, tuple) else (result,)
        n = len(self.next_functions)
        if len(result) < n or any(r is not None for r in result[n:]):
            raise RuntimeError(f"function {self.name()} returned an incorrect number of "
                               f"gradients (expected {n}, got {len(result)})")
        return [None if nxt is None or r is None else self._checked(i, r, xp, create_graph)
                for i, ((nxt, _), r) in enumerate(zip(self.next_functions, result))]

    def _checked(self, i: int, r: Tensor, xp, create_graph: bool):
        """Input ``i``'s gradient, summed to its shape when it broadcasts, else an error."""
        shape, got = self._shapes[i], tuple(r.shape)
        if got != shape:
            try:
                fits = np.broadcast_shapes(got, shape) == got
            except ValueError:
                fits = False
            if not fits:
                raise RuntimeError(
                    f"Function {self.name()} returned an invalid gradient at index {i} - got "
                    f"{list(got)} but expected shape compatible with {list(shape)}")
        return self._fit(r if create_graph else r._data, i, xp, create_graph)


class FunctionMeta(type):
    """Gives each Function subclass its own node class, ``<ClassName>Backward``."""

    def __init__(cls, name: str, bases: tuple, namespace: dict) -> None:
        super().__init__(name, bases, namespace)
        cls._backward_cls = type(f"{name}Backward", (BackwardCFunction,),
                                 {"_function": cls, "__module__": "chainrule.autograd.function"})


class Function(metaclass=FunctionMeta):
    """Base class for custom differentiable operations.

    Subclasses define ``forward(ctx, *args)`` (or ``forward(*args)`` plus
    ``setup_context(ctx, inputs, output)``) and ``backward(ctx, *grad_outputs)``,
    which returns one gradient (or None) per input; call them with ``apply``.
    """

    @staticmethod
    def forward(*args: Any, **kwargs: Any) -> Any:
        """Computes the outputs (runs with grad disabled)."""
        raise NotImplementedError("You must implement the forward function for custom "
                                  "autograd.Function.")

    @staticmethod
    def setup_context(ctx: Any, inputs: tuple, output: Any) -> Any:
        """Saves what ``backward`` needs (only when ``forward`` takes no ctx)."""
        return _SETUP_NOT_OVERRIDDEN

    @staticmethod
    def backward(ctx: Any, *grad_outputs: Any) -> Any:
        """Gradients of the inputs from the gradients of the outputs."""
        raise NotImplementedError("You must implement either the backward or vjp method for "
                                  "your custom autograd.Function to use it with backward mode "
                                  "AD.")

    vjp = backward

    @staticmethod
    def jvp(ctx: Any, *grad_inputs: Any) -> Any:
        """Forward mode: the outputs' tangents from the inputs' (zeros where an input has none)."""
        raise NotImplementedError("You must implement the jvp function for custom "
                                  "autograd.Function to use it with forward mode AD.")

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        """Runs ``forward`` and records one node for the whole call."""
        ctx = object.__new__(cls._backward_cls)
        _init_node(ctx, args)
        custom_setup = cls.setup_context is not Function.setup_context
        dual = _forward.active and any(getattr(a, "_fw", None) is not None for a in args)
        with no_grad(), _forward.paused():  # forward mode: ``jvp`` gives the outputs' tangents
            output = cls.forward(*args, **kwargs) if custom_setup else cls.forward(ctx, *args, **kwargs)
        if custom_setup:
            cls.setup_context(ctx, args, output)
        recording = _dispatch._grad_state.grad_enabled and any(ctx.needs_input_grad)
        if recording and _anomaly.enabled:
            record_stack(ctx)
        output = _outputs(ctx, args, output, recording)
        if dual:
            _jvp(cls, ctx, args, output)
        return output


_SETUP_NOT_OVERRIDDEN = object()


def _jvp(cls, ctx, args: tuple, output: Any) -> None:
    """Give the outputs of a custom Function the tangents its ``jvp`` computes."""
    tangents = []
    for a in args:
        if isinstance(a, Tensor):
            t = getattr(a, "_fw", None)
            if t is None and a.is_floating_point():
                t = wrap(np.zeros(a._data.shape, a._dtype.np))
            tangents.append(t)
        else:
            tangents.append(None)
    with _forward.paused():
        result = cls.jvp(ctx, *tangents)
    outs = output if isinstance(output, tuple) else (output,)
    results = result if isinstance(result, tuple) else (result,)
    for o, t in zip(outs, results):
        if isinstance(o, Tensor):
            _dispatch.set_tangent(o, t)


def _init_node(ctx: BackwardCFunction, args: tuple) -> None:
    ctx.prim = None
    ctx.next_functions = tuple(_edge(a) if isinstance(a, Tensor) else (None, 0) for a in args)
    ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a._requires_grad for a in args)
    ctx._needs = tuple(i for i, need in enumerate(ctx.needs_input_grad) if need)
    ctx._shapes = [a._data.shape if isinstance(a, Tensor) else () for a in args]
    ctx._dtypes = [a._dtype.np if isinstance(a, Tensor) else None for a in args]
    ctx._attrs = {}
    ctx._saved = ctx._out = ctx._hooks = None
    ctx._dirty = ctx._non_diff = ()


def _outputs(ctx: BackwardCFunction, args: tuple, output: Any, recording: bool) -> Any:
    """The outputs, each joined to the graph as output k of ``ctx``."""
    single = not isinstance(output, tuple)
    outs = [output] if single else list(output)
    tensors = [o for o in outs if isinstance(o, Tensor)]
    ctx.n_outputs = max(len(tensors), 1)
    ctx._multi = ctx.n_outputs > 1
    ctx._out_meta = [(t._data.shape, t._dtype.np) for t in tensors]
    k = 0
    for i, o in enumerate(outs):
        if not isinstance(o, Tensor):
            continue
        if any(o is a for a in args) and not any(o is d for d in ctx._dirty):
            o = outs[i] = wrap(o._data)  # an input returned as is: a new alias of it
        if recording and not any(o is n for n in ctx._non_diff):
            o._grad_fn, o._requires_grad, o._out_nr = ctx, True, k
            _unlink_saved(ctx, o, k)
        k += 1
    ctx._dirty = ctx._non_diff = ()  # read only above; a dirty output kept here (grad_fn: ctx) is a cycle
    return outs[0] if single else tuple(outs)


def _unlink_saved(ctx: BackwardCFunction, out: Tensor, nr: int) -> None:
    """Save output ``nr`` as an alias without grad_fn: ctx -> output -> ctx would be a cycle."""
    saved = ctx._saved
    for j, entry in enumerate(saved or ()):
        if entry[0] is out:  # (tensor, version); a packed one holds a Packed
            alias = wrap(out._data)
            alias._vc = out._vc
            saved[j] = (alias, entry[1], nr)


def once_differentiable(fn: Callable) -> Callable:
    """Decorates a ``backward`` that is not itself differentiable (runs it under no_grad)."""
    @functools.wraps(fn)
    def wrapper(ctx: Any, *args: Any) -> Any:
        with no_grad():
            return fn(ctx, *args)
    return wrapper


FunctionCtx = BackwardCFunction

__all__ = ["Function", "FunctionCtx", "once_differentiable"]
