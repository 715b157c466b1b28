"""RAdam: Adam with a rectified adaptive learning rate."""
from __future__ import annotations

from typing import Iterable

from .._tensor import Tensor
from ..functional import zeros_like
from .optimizer import (
    _advance,
    _check_betas,
    _check_lr,
    _check_nonnegative,
    _decayed_grad,
    _PerParameterOptimizer,
    _refuse_unsupported,
    _scalar_state,
    _scaled_product,
    _value,
)

__all__ = ["RAdam"]


class RAdam(_PerParameterOptimizer):
    r"""Implements RAdam algorithm.

    Args:
        params (iterable): iterable of parameters or named_parameters to optimize or
            iterable of dicts defining parameter groups.
        lr (float, Tensor, optional): learning rate (default: 1e-3)
        betas (tuple[float, float], optional): coefficients used for computing running
            averages of gradient and its square (default: (0.9, 0.999))
        eps (float, optional): term added to the denominator to improve numerical stability
            (default: 1e-8)
        weight_decay (float, optional): weight decay (L2 penalty) (default: 0)
        decoupled_weight_decay (bool, optional): whether to decouple the weight decay as in
            AdamW to obtain RAdamW (default: False)
        foreach (bool, optional): accepted for compatibility (default: None)
        maximize (bool, optional): maximize the objective with respect to the params,
            instead of minimizing (default: False)
        capturable (bool, optional): must be False (default: False)
        differentiable (bool, optional): must be False (default: False)
    """

    _group_option_defaults = {"foreach": None, "maximize": False, "differentiable": False,
                              "decoupled_weight_decay": False, "capturable": False}

    def __init__(self, params: Iterable, lr: float | Tensor = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, decoupled_weight_decay: bool = False, *,
                 foreach: bool | None = None, maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False) -> None:
        _check_lr(lr)
        _check_nonnegative(eps=eps)
        _check_betas(betas)
        _check_nonnegative(weight_decay=weight_decay)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "maximize": maximize,
                    "foreach": foreach, "capturable": capturable, "decoupled_weight_decay": decoupled_weight_decay,
                    "differentiable": differentiable}
        _refuse_unsupported(capturable=capturable, differentiable=differentiable)
        super().__init__(params, defaults)

    def _init_state(self, p: Tensor, state: dict, group: dict) -> None:
        state["step"] = _scalar_state(0.0)
        state["exp_avg"] = zeros_like(p)
        state["exp_avg_sq"] = zeros_like(p)

    def _update(self, p: Tensor, grad: Tensor, state: dict, group: dict) -> None:
        lr, (beta1, beta2) = _value(group["lr"]), group["betas"]
        exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
        step = _advance(state)
        grad = _decayed_grad(p, grad, group, group["decoupled_weight_decay"])
        exp_avg.lerp_(grad, 1 - beta1)
        exp_avg_sq.mul_(beta2).add_(_scaled_product(grad, grad, 1 - beta2))
        bias_correction2 = 1 - beta2 ** step
        corrected = exp_avg / (1 - beta1 ** step) * lr
        # the length of the approximated simple moving average decides whether to rectify
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
        if rho_t > 5.0:
            adaptive = (bias_correction2 ** 0.5) / exp_avg_sq.sqrt().add_(group["eps"])
            rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
            corrected = corrected * adaptive * rect
        p.add_(corrected, alpha=-1.0)
