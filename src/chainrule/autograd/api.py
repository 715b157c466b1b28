"""The user-facing autograd calls: ``backward`` and ``grad`` (above the Tensor class)."""
from __future__ import annotations

import warnings

import numpy as np

from .. import _hints
from .._dispatch import _edge, wrap
from .._tensor import Tensor
from . import engine
from . import grad_mode as _grad_mode

_CREATE_GRAPH_WARNING = (
    "Using backward() with create_graph=True will create a reference cycle between the "
    "parameter and its gradient which can cause a memory leak. We recommend using "
    "autograd.grad when creating the graph to avoid this. If you have to use this function, "
    "make sure to reset the .grad fields of your parameters to None after use to break the "
    "cycle and avoid the leak.")


_WARNED: list = []


def _as_tuple(x) -> tuple:
    if x is None:
        return ()
    return (x,) if isinstance(x, Tensor) else tuple(x)


def _root_grads(outputs: tuple, grad_outputs, create_graph: bool) -> tuple[list, bool]:
    """One gradient per output (ones for scalars) and whether the walk owns them."""
    given = _as_tuple(grad_outputs) if grad_outputs is not None else (None,) * len(outputs)
    if len(given) != len(outputs):
        raise RuntimeError(f"got {len(outputs)} tensors and {len(given)} gradients")
    grads, owned = [], True
    for i, (out, g) in enumerate(zip(outputs, given)):
        if g is None:
            if out._requires_grad and out._data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            # a 0-d output's seed is a NumPy scalar (np.ones(()) costs 5x more)
            g = out._dtype.np.type(1) if not out._data.ndim else np.ones(out._data.shape,
                                                                         out._dtype.np)
        else:
            if not isinstance(g, Tensor):
                g = wrap(np.asarray(g, dtype=out._dtype.np))
            if g._data.shape != out._data.shape:
                raise RuntimeError(
                    f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape!r} and "
                    f"output[{i}] has a shape of {out.shape!r}.")
            owned = False
            g = g if create_graph else g._data.astype(out._dtype.np, copy=False)
        grads.append(wrap(g) if create_graph and not isinstance(g, Tensor) else g)
    return grads, owned


def _roots(outputs: tuple) -> list:
    roots = []
    for i, out in enumerate(outputs):
        if not out._requires_grad:
            raise _hints.no_grad_root(RuntimeError(
                f"element {i} of tensors does not require grad and does not have a grad_fn"), out)
        roots.append(_edge(out))
    return roots


def _run(outputs: tuple, grad_outputs, retain_graph, create_graph: bool, targets=None,
         run_targets: bool = False):
    grads, owned = _root_grads(outputs, grad_outputs, create_graph)
    roots = _roots(outputs)
    if retain_graph is None:
        retain_graph = create_graph
    # the walk runs in grad mode `create_graph`, as PyTorch's does (hooks and custom backward
    # see it); set directly: the context manager cost 7.9k instructions per backward call.
    # NumPy's floating-point warnings (log(0) ...) stay silent, as PyTorch is: one errstate per
    # backward (the package's warning filter alone is overridden by `python -W` and pytest)
    state = _grad_mode.state
    enabled = state.grad_enabled
    state.grad_enabled = create_graph
    try:
        with np.errstate(all="ignore"):
            return engine.run_backward(roots, grads, retain_graph, create_graph, targets, owned,
                                       run_targets)
    except RuntimeError as err:  # add the fix to freed-graph / modified-saved errors
        _hints.backward_error(err)
        raise
    finally:
        state.grad_enabled = enabled


def backward(tensors, grad_tensors=None, retain_graph: bool | None = None,
             create_graph: bool = False, inputs=None) -> None:
    """Computes the sum of gradients of ``tensors`` w.r.t. graph leaves into their ``.grad``.

    Args:
        tensors: tensors of which the derivative will be computed.
        grad_tensors: the "vector" in the vector-Jacobian product, one per tensor
            (None for scalar tensors).
        retain_graph: keep the graph (saved tensors) for another backward;
            defaults to ``create_graph``.
        create_graph: record the backward pass so higher-order derivatives can be taken.
        inputs: accumulate gradients only into these tensors.
    """
    outputs = _as_tuple(tensors)
    if create_graph and not _WARNED:
        _WARNED.append(True)  # once per process, as PyTorch's TORCH_WARN_ONCE
        warnings.warn(_CREATE_GRAPH_WARNING, UserWarning, stacklevel=3)
    if inputs is None:
        _run(outputs, grad_tensors, retain_graph, create_graph)
        return
    inputs = _as_tuple(inputs)
    if not inputs:
        raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
    for x in inputs:  # non-leaf inputs get their .grad as retain_grad would give it
        if x._grad_fn is not None:
            x.retain_grad()
    captured = _run(outputs, grad_tensors, retain_graph, create_graph,
                    [_edge(x) for x in inputs], run_targets=True)
    for x, g in zip(inputs, captured):
        if g is not None and x._grad_fn is None:
            x._accumulate_grad(g, False, create_graph)


def grad(outputs, inputs, grad_outputs=None, retain_graph: bool | None = None,
         create_graph: bool = False, only_inputs: bool = True, allow_unused: bool | None = None,
         is_grads_batched: bool = False, materialize_grads: bool = False) -> tuple:
    """Computes and returns the sum of gradients of ``outputs`` with respect to ``inputs``.

    Unlike ``backward``, nothing is accumulated into ``.grad``.
    """
    if is_grads_batched:
        raise NotImplementedError("grad(is_grads_batched=True) is not implemented yet")
    outputs, inputs = _as_tuple(outputs), _as_tuple(inputs)
    if not inputs:
        raise RuntimeError("`inputs` argument to `grad()` cannot be empty.")
    if materialize_grads and allow_unused is False:
        raise ValueError("Expected allow_unused to be True or not passed when "
                         "materialize_grads=True, but got: allow_unused=False.")
    _roots(outputs)  # the outputs' errors come first, as in PyTorch
    for x in inputs:
        if not x._requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    if allow_unused is None:
        allow_unused = materialize_grads
    captured = _run(outputs, grad_outputs, retain_graph, create_graph,
                    [_edge(x) for x in inputs])
    result = []
    for i, (x, g) in enumerate(zip(inputs, captured)):
        if g is None:
            if not allow_unused:
                raise RuntimeError(
                    f"The differentiated Tensor at index {i} appears to not have been used in "
                    "the graph. Set allow_unused=True if this is the desired behavior.")
            g = np.zeros(x._data.shape, x._dtype.np) if materialize_grads else None
        if g is not None and not isinstance(g, Tensor):
            g = wrap(np.array(g))
        result.append(g)
    return tuple(result)


def tensor_backward(self: Tensor, gradient=None, retain_graph: bool | None = None,
                    create_graph: bool = False, inputs=None) -> None:
    """Computes the gradient of this tensor w.r.t. graph leaves (see ``autograd.backward``)."""
    backward((self,), None if gradient is None else (gradient,), retain_graph, create_graph,
             inputs)


Tensor.backward = tensor_backward

__all__ = ["backward", "grad"]

