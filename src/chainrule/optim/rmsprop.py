"""RMSprop, optionally centered and with momentum."""
from __future__ import annotations

from typing import Iterable

from .._tensor import Tensor
from ..functional import zeros_like
from .optimizer import (
    _advance,
    _check_lr,
    _check_nonnegative,
    _decayed_grad,
    _PerParameterOptimizer,
    _refuse_unsupported,
    _scalar_state,
    _scaled_product,
    _scaled_quotient,
    _value,
)

__all__ = ["RMSprop"]


class RMSprop(_PerParameterOptimizer):
    r"""Implements RMSprop algorithm.

    Args:
        params (iterable): iterable of parameters or named_parameters to optimize or
            iterable of dicts defining parameter groups.
        lr (float, Tensor, optional): learning rate (default: 1e-2)
        alpha (float, optional): smoothing constant (default: 0.99)
        eps (float, optional): term added to the denominator to improve numerical stability
            (default: 1e-8)
        weight_decay (float, optional): weight decay (L2 penalty) (default: 0)
        momentum (float, optional): momentum factor (default: 0)
        centered (bool, optional): if ``True``, compute the centered RMSProp, the gradient is
            normalized by an estimation of its variance (default: False)
        capturable (bool, optional): must be False (default: False)
        foreach (bool, optional): accepted for compatibility (default: None)
        maximize (bool, optional): maximize the objective with respect to the params,
            instead of minimizing (default: False)
        differentiable (bool, optional): must be False (default: False)
    """

    _group_option_defaults = {"momentum": 0, "centered": False, "foreach": None, "maximize": False,
                              "differentiable": False, "capturable": False}

    def __init__(self, params: Iterable, lr: float | Tensor = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0, momentum: float = 0, centered: bool = False, capturable: bool = False,
                 foreach: bool | None = None, maximize: bool = False, differentiable: bool = False) -> None:
        _check_lr(lr)
        _check_nonnegative(eps=eps, momentum=momentum, weight_decay=weight_decay, alpha=alpha)
        defaults = {"lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps, "centered": centered,
                    "weight_decay": weight_decay, "capturable": capturable, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable}
        _refuse_unsupported(capturable=capturable, differentiable=differentiable)
        super().__init__(params, defaults)

    def _init_state(self, p: Tensor, state: dict, group: dict) -> None:
        state["step"] = _scalar_state(0.0)
        state["square_avg"] = zeros_like(p)
        if group["momentum"] > 0:
            state["momentum_buffer"] = zeros_like(p)
        if group["centered"]:
            state["grad_avg"] = zeros_like(p)

    def _update(self, p: Tensor, grad: Tensor, state: dict, group: dict) -> None:
        alpha, momentum = group["alpha"], group["momentum"]
        square_avg = state["square_avg"]
        _advance(state)
        grad = _decayed_grad(p, grad, group)
        square_avg.mul_(alpha).add_(_scaled_product(grad, grad, 1 - alpha))
        if group["centered"]:
            grad_avg = state["grad_avg"].lerp_(grad, 1 - alpha)
            avg = (square_avg + _scaled_product(grad_avg, grad_avg, -1)).sqrt()
        else:
            avg = square_avg.sqrt()
        avg.add_(group["eps"])
        if momentum > 0:
            buf = state["momentum_buffer"]
            buf.mul_(momentum).add_(_scaled_quotient(grad, avg, 1))
            p.add_(buf, alpha=-_value(group["lr"]))
        else:
            p.add_(_scaled_quotient(grad, avg, -_value(group["lr"])))
