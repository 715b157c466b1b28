"""NAdam: Adam with Nesterov momentum and a momentum-decay schedule."""
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
    _scaled_quotient,
    _value,
)

__all__ = ["NAdam"]


class NAdam(_PerParameterOptimizer):
    r"""Implements NAdam algorithm.

    Args:
        params (iterable): iterable of parameters or named_parameters to optimize or
            iterable of dicts defining parameter groups.
        lr (float, Tensor, optional): learning rate (default: 2e-3)
        betas (tuple[float, float], optional): coefficients used for computing running
            averages of gradient and its square (default: (0.9, 0.999))
        eps (float, optional): term added to the denominator to improve numerical stability
            (default: 1e-8)
        weight_decay (float, optional): weight decay (L2 penalty) (default: 0)
        momentum_decay (float, optional): momentum momentum_decay (default: 4e-3)
        decoupled_weight_decay (bool, optional): whether to decouple the weight decay as in
            AdamW to obtain NAdamW (default: False)
        foreach (bool, optional): accepted for compatibility (default: None)
        maximize (bool, optional): maximize the objective with respect to the params,
            instead of minimizing (default: False)
        capturable (bool, optional): must be False (default: False)
        differentiable (bool, optional): must be False (default: False)
    """

    _group_option_defaults = {"maximize": False, "foreach": None, "capturable": False, "differentiable": False,
                              "decoupled_weight_decay": False}

    def __init__(self, params: Iterable, lr: float | Tensor = 2e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, momentum_decay: float = 4e-3,
                 decoupled_weight_decay: bool = False, *, foreach: bool | None = None, maximize: bool = False,
                 capturable: bool = False, differentiable: bool = False) -> None:
        _check_lr(lr)
        _check_nonnegative(eps=eps)
        _check_betas(betas)
        _check_nonnegative(weight_decay=weight_decay, momentum_decay=momentum_decay)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "momentum_decay": momentum_decay, "decoupled_weight_decay": decoupled_weight_decay,
                    "maximize": maximize, "foreach": foreach, "capturable": capturable,
                    "differentiable": differentiable}
        _refuse_unsupported(capturable=capturable, differentiable=differentiable)
        super().__init__(params, defaults)

    def _init_state(self, p: Tensor, state: dict, group: dict) -> None:
        state["step"] = _scalar_state(0.0)
        state["mu_product"] = _scalar_state(1.0)
        state["exp_avg"] = zeros_like(p)
        state["exp_avg_sq"] = zeros_like(p)

    def _update(self, p: Tensor, grad: Tensor, state: dict, group: dict) -> None:
        lr, (beta1, beta2), decay = _value(group["lr"]), group["betas"], group["momentum_decay"]
        exp_avg, exp_avg_sq, mu_product = state["exp_avg"], state["exp_avg_sq"], state["mu_product"]
        step = _advance(state)
        bias_correction2 = 1 - beta2 ** step
        grad = _decayed_grad(p, grad, group, group["decoupled_weight_decay"])
        mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * decay)))
        mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * decay)))
        mu_product *= mu  # kept as a tensor of the scalar dtype, rounded as PyTorch rounds it
        exp_avg.lerp_(grad, 1 - beta1)
        exp_avg_sq.mul_(beta2).add_(_scaled_product(grad, grad, 1 - beta2))
        denom = exp_avg_sq.div(bias_correction2).sqrt().add_(group["eps"])
        product = mu_product.item()
        p.add_(_scaled_quotient(grad, denom, -lr * (1.0 - mu) / (1.0 - product)))
        p.add_(_scaled_quotient(exp_avg, denom, (-lr * mu_next) / (1.0 - product * mu_next)))
