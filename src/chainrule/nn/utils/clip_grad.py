"""Gradient clipping: ``clip_grad_norm_``, ``clip_grad_value_``, ``get_total_norm``, ``clip_grads_with_norm_``."""
from __future__ import annotations

import types
import warnings
from typing import Iterable

from ... import functional as _ops
from ... import linalg
from ..._tensor import Tensor
from ...autograd.grad_mode import no_grad

__all__ = ["clip_grad_norm_", "clip_grad_value_", "clip_grads_with_norm_", "get_total_norm"]


def _as_list(tensors: Tensor | Iterable[Tensor]) -> list:
    return [tensors] if isinstance(tensors, Tensor) else list(tensors)


def _grads(parameters: Iterable[Tensor]) -> list:
    return [p.grad for p in parameters if p.grad is not None]


@no_grad()
def get_total_norm(tensors: Tensor | Iterable[Tensor], norm_type: float = 2.0, error_if_nonfinite: bool = False,
                   foreach: bool | None = None) -> Tensor:
    r"""Compute the norm of an iterable of tensors, as if they were concatenated into a single vector.

    Args:
        tensors (Iterable[Tensor] or Tensor): the tensors whose norm is computed.
        norm_type (float): type of the used p-norm. Can be ``'inf'`` for infinity norm.
        error_if_nonfinite (bool): if True, an error is thrown if the total norm is
            ``nan``, ``inf``, or ``-inf``. Default: ``False``
        foreach (bool): accepted for compatibility; there is one implementation.

    Returns:
        Total norm of the tensors (viewed as a single vector).
    """
    tensors = _as_list(tensors)
    norm_type = float(norm_type)
    if not tensors:
        return _ops.tensor(0.0)
    norms = [linalg.vector_norm(t, norm_type) for t in tensors]
    total = linalg.vector_norm(_ops.stack(norms), norm_type)
    if error_if_nonfinite and bool(total.isnan() | total.isinf()):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, so it cannot be "
            "clipped. To disable this error and scale the gradients by the non-finite norm anyway, set "
            "`error_if_nonfinite=False`")
    return total


@no_grad()
def clip_grads_with_norm_(parameters: Tensor | Iterable[Tensor], max_norm: float, total_norm: Tensor,
                          foreach: bool | None = None) -> None:
    r"""Scale the gradients of ``parameters`` by ``max_norm / (total_norm + 1e-6)`` when that is below 1.

    Args:
        parameters (Iterable[Tensor] or Tensor): tensors whose gradients are scaled in place.
        max_norm (float): max norm of the gradients.
        total_norm (Tensor): total norm of the gradients to use for clipping.
        foreach (bool): accepted for compatibility; there is one implementation.
    """
    grads = _grads(_as_list(parameters))
    if not grads:
        return
    coef = _ops.clamp(float(max_norm) / (total_norm + 1e-6), max=1.0)
    for g in grads:
        g.mul_(coef)


def clip_grad_norm_(parameters: Tensor | Iterable[Tensor], max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False, foreach: bool | None = None) -> Tensor:
    r"""Clip the gradient norm of an iterable of parameters, in place.

    The norm is computed over the norms of the individual gradients, as if they were
    concatenated into a single vector.

    Args:
        parameters (Iterable[Tensor] or Tensor): tensors that will have gradients normalized.
        max_norm (float): max norm of the gradients.
        norm_type (float): type of the used p-norm. Can be ``'inf'`` for infinity norm.
        error_if_nonfinite (bool): if True, an error is thrown if the total norm of the
            gradients is ``nan``, ``inf``, or ``-inf``. Default: ``False``
        foreach (bool): accepted for compatibility; there is one implementation.

    Returns:
        Total norm of the parameter gradients (viewed as a single vector).
    """
    is_generator = isinstance(parameters, types.GeneratorType)
    parameters = _as_list(parameters)
    if is_generator and not parameters:
        warnings.warn("`parameters` is an empty generator, no gradient clipping will occur.", stacklevel=2)
    total = get_total_norm(_grads(parameters), norm_type, error_if_nonfinite, foreach)
    clip_grads_with_norm_(parameters, max_norm, total, foreach)
    return total


@no_grad()
def clip_grad_value_(parameters: Tensor | Iterable[Tensor], clip_value: float, foreach: bool | None = None) -> None:
    r"""Clip the gradients of an iterable of parameters to ``[-clip_value, clip_value]``, in place.

    Args:
        parameters (Iterable[Tensor] or Tensor): tensors that will have gradients clipped.
        clip_value (float): maximum allowed value of the gradients.
        foreach (bool): accepted for compatibility; there is one implementation.
    """
    clip_value = float(clip_value)
    for g in _grads(_as_list(parameters)):
        g.clamp_(min=-clip_value, max=clip_value)
