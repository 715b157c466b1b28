"""Adam, with L2 or decoupled (AdamW) weight decay and the AMSGrad variant."""
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
    _scaled_product,
    _scaled_quotient,
    _to_scalar,
    _value,
)

__all__ = ["Adam"]

_TENSOR_WITH_FOREACH = "{} as a Tensor is not supported for capturable=False and foreach=True"


def _check_adam_args(lr, betas, eps, weight_decay, foreach, capturable) -> None:
    """Adam's checks, in PyTorch's order."""
    if isinstance(lr, Tensor) and foreach and not capturable:
        raise ValueError(_TENSOR_WITH_FOREACH.format("lr"))
    _check_lr(lr)
    _check_nonnegative(eps=eps)
    _check_betas(betas)
    _check_nonnegative(weight_decay=weight_decay)
    floats = isinstance(betas[0], float) and isinstance(betas[1], float)
    if not (floats or (isinstance(betas[0], Tensor) and isinstance(betas[1], Tensor))):
        raise ValueError("betas must be either both floats or both Tensors")
    for i, beta in enumerate(betas):
        if isinstance(beta, Tensor):
            if foreach and not capturable:
                raise ValueError(_TENSOR_WITH_FOREACH.format(f"betas[{i}]"))
            if beta.numel() != 1:
                raise ValueError(f"Tensor betas[{i}] must be 1-element")


class Adam(_PerParameterOptimizer):
    r"""Implements Adam algorithm.

    Args:
        params (iterable): iterable of parameters or named_parameters to optimize or
            iterable of dicts defining parameter groups.
        lr (float, Tensor, optional): learning rate (default: 1e-3)
        betas (tuple[float | Tensor, float | Tensor], optional): coefficients used for
            computing running averages of gradient and its square (default: (0.9, 0.999))
        eps (float, optional): term added to the denominator to improve numerical stability
            (default: 1e-8)
        weight_decay (float, optional): weight decay coefficient (default: 0)
        amsgrad (bool, optional): whether to use the AMSGrad variant of this algorithm
            (default: False)
        foreach (bool, optional): accepted for compatibility; chainrule always runs the
            single-tensor implementation (default: None)
        maximize (bool, optional): maximize the objective with respect to the params,
            instead of minimizing (default: False)
        capturable (bool, optional): must be False (default: False)
        differentiable (bool, optional): must be False (default: False)
        fused (bool, optional): must be None or False (default: None)
        decoupled_weight_decay (bool, optional): if True, this optimizer is equivalent to
            AdamW and the algorithm will not accumulate weight decay in the momentum nor
            variance. (default: False)
    """

    _group_option_defaults = {"amsgrad": False, "maximize": False, "foreach": None, "capturable": False,
                              "differentiable": False, "decoupled_weight_decay": False, "fused": None}

    def __init__(self, params: Iterable, lr: float | Tensor = 1e-3,
                 betas: tuple[float | Tensor, float | Tensor] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, amsgrad: bool = False, *, foreach: bool | None = None,
                 maximize: bool = False, capturable: bool = False, differentiable: bool = False,
                 fused: bool | None = None, decoupled_weight_decay: bool = False) -> None:
        _check_adam_args(lr, betas, eps, weight_decay, foreach, capturable)
        betas = tuple(map(_to_scalar, betas))
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "amsgrad": amsgrad,
                    "maximize": maximize, "foreach": foreach, "capturable": capturable,
                    "differentiable": differentiable, "fused": fused,
                    "decoupled_weight_decay": decoupled_weight_decay}
        _refuse_unsupported(fused=fused, capturable=capturable, differentiable=differentiable)
        super().__init__(params, defaults)

    def _init_state(self, p: Tensor, state: dict, group: dict) -> None:
        state["step"] = _scalar_state(0.0)
        state["exp_avg"] = zeros_like(p)
        state["exp_avg_sq"] = zeros_like(p)
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = zeros_like(p)

    def _update(self, p: Tensor, grad: Tensor, state: dict, group: dict) -> None:
        lr, eps = _value(group["lr"]), group["eps"]
        beta1, beta2 = (_value(b) for b in group["betas"])
        exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
        step = _advance(state)
        grad = _decayed_grad(p, grad, group, group["decoupled_weight_decay"])
        exp_avg.lerp_(grad, 1 - beta1)
        exp_avg_sq.mul_(beta2).add_(_scaled_product(grad, grad, 1 - beta2))
        step_size = lr / (1 - beta1 ** step)
        bias_correction2_sqrt = (1 - beta2 ** step) ** 0.5
        if group["amsgrad"]:
            second = state["max_exp_avg_sq"]
            second.copy_(maximum(second, exp_avg_sq))
        else:
            second = exp_avg_sq
        denom = (second.sqrt() / bias_correction2_sqrt).add_(eps)
        p.add_(_scaled_quotient(exp_avg, denom, -step_size))
