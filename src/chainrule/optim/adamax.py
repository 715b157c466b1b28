"""Adamax: Adam with the infinity norm in place of the second moment."""
from __future__ import annotations

from typing import Iterable

from .._tensor import Tensor
from ..functional import maximum, zeros_like
from .optimizer import (
    _advance,
    _check_betas,
    _check_lr,
    _check_nonnegative,
    _decayed_grad,
    _PerParameterOptimizer,
    _refuse_unsupported,
    _scalar_state,
    _scaled_quotient,
    _value,
)

__all__ = ["Adamax"]


class Adamax(_PerParameterOptimizer):
    r"""Implements Adamax algorithm (a variant of Adam based on infinity norm).

    Args:
        params (iterable): iterable of parameters or named_parameters to optimize or
            iterable of dicts defining parameter groups.
        lr (float, Tensor, optional): learning rate (default: 2e-3)
        betas (tuple[float, float], optional): coefficients used for computing running
            averages of gradient and its square (default: (0.9, 0.999))
        eps (float, optional): term added to the denominator to improve numerical stability
            (default: 1e-8)
        weight_decay (float, optional): weight decay (L2 penalty) (default: 0)
        foreach (bool, optional): accepted for compatibility (default: None)
        maximize (bool, optional): maximize the objective with respect to the params,
            instead of minimizing (default: False)
        differentiable (bool, optional): must be False (default: False)
        capturable (bool, optional): must be False (default: False)
    """

    _group_option_defaults = {"foreach": None, "maximize": False, "differentiable": False, "capturable": False}

    def __init__(self, params: Iterable, lr: float | Tensor = 2e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, foreach: bool | None = None, *,
                 maximize: bool = False, differentiable: bool = False, capturable: bool = False) -> None:
        _check_lr(lr)
        _check_nonnegative(eps=eps)
        _check_betas(betas)
        _check_nonnegative(weight_decay=weight_decay)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable, "capturable": capturable}
        _refuse_unsupported(capturable=capturable, differentiable=differentiable)
        super().__init__(params, defaults)

    def _init_state(self, p: Tensor, state: dict, group: dict) -> None:
        state["step"] = _scalar_state(0.0)
        state["exp_avg"] = zeros_like(p)
        state["exp_inf"] = zeros_like(p)

    def _update(self, p: Tensor, grad: Tensor, state: dict, group: dict) -> None:
        beta1, beta2 = group["betas"]
        exp_avg, exp_inf = state["exp_avg"], state["exp_inf"]
        step = _advance(state)
        grad = _decayed_grad(p, grad, group)
        exp_avg.lerp_(grad, 1 - beta1)
        exp_inf.copy_(maximum(exp_inf.mul_(beta2), grad.abs().add_(group["eps"])))
        clr = _value(group["lr"]) / (1 - beta1 ** step)
        p.add_(_scaled_quotient(exp_avg, exp_inf, -clr))
