"""``chainrule.utils.checkpoint``: trade compute for memory by recomputing in backward.

``checkpoint(fn, *args)`` runs ``fn`` without recording a graph, so nothing inside it
is saved; in backward it runs ``fn`` again with grad enabled (restoring the random
state, so dropout draws the same mask) and backpropagates through that.
"""
from __future__ import annotations

import copy
from typing import Any, Callable

from .._tensor import Tensor
from ..autograd.api import backward as _backward
from ..autograd.function import Function
from ..autograd.grad_mode import enable_grad
from ..functional import creation as _creation


class CheckpointFunction(Function):
    """Runs ``fn`` under no_grad; recomputes it with grad in backward."""

    @staticmethod
    def forward(ctx, fn: Callable, preserve_rng_state: bool, *args: Any):
        ctx.fn, ctx.args = fn, args
        ctx.rng_state = (copy.deepcopy(_creation.default_generator._rng.bit_generator.state)
                         if preserve_rng_state else None)
        ctx.save_for_backward(*[a for a in args if isinstance(a, Tensor)])
        return fn(*args)

    @staticmethod
    def backward(ctx, *grads):
        ctx.saved_tensors  # raises PyTorch's error if the graph was already freed
        inputs = [a.detach().requires_grad_(a.requires_grad) if isinstance(a, Tensor) else a
                  for a in ctx.args]
        if ctx.rng_state is not None:
            _creation.default_generator._rng.bit_generator.state = ctx.rng_state
        with enable_grad():
            outputs = ctx.fn(*inputs)
        outputs = (outputs,) if isinstance(outputs, Tensor) else tuple(outputs)
        pairs = [(o, g) for o, g in zip(outputs, grads) if o.requires_grad]
        if pairs:
            _backward([o for o, _ in pairs], [g for _, g in pairs])
        return (None, None, *[x.grad if isinstance(x, Tensor) and x.requires_grad else None
                              for x in inputs])


def checkpoint(function: Callable, *args: Any, use_reentrant: bool | None = None,
               preserve_rng_state: bool = True, **kwargs: Any) -> Any:
    """Checkpoint a model or part of the model: recompute ``function`` during backward.

    Activations inside ``function`` are not kept; peak memory drops at the cost of
    running ``function`` twice. ``use_reentrant`` is accepted for compatibility
    (both settings recompute the same way here).
    """
    if kwargs:
        raise ValueError(f"Unexpected keyword arguments: {','.join(kwargs)}")
    return CheckpointFunction.apply(function, preserve_rng_state, *args)


__all__ = ["checkpoint"]
