"""Adagrad: per-coordinate step sizes from the running sum of squared gradients."""
from __future__ import annotations

from typing import Iterable

from .._tensor import Tensor
from ..functional import full_like
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

__all__ = ["Adagrad"]


class Adagrad(_PerParameterOptimizer):
    r"""Implements Adagrad algorithm.

    Unlike the other optimizers, Adagrad makes each parameter's state (``step`` and ``sum``)
    when it is constructed.

    Args:
        params (iterable): iterable of parameters or named_parameters to optimize or
            iterable of dicts defining parameter groups.
        lr (float, Tensor, optional): learning rate (default: 1e-2)
        lr_decay (float, optional): learning rate decay (default: 0)
        weight_decay (float, optional): weight decay (L2 penalty) (default: 0)
        initial_accumulator_value (float, optional): initial value of the sum of squares of
            gradients (default: 0)
        eps (float, optional): term added to the denominator to improve numerical stability
            (default: 1e-10)
        foreach (bool, optional): accepted for compatibility (default: None)
        maximize (bool, optional): maximize the objective with respect to the params,
            instead of minimizing (default: False)
        differentiable (bool, optional): must be False (default: False)
        fused (bool, optional): must be None or False (default: None)
    """

    _group_option_defaults = {"foreach": None, "maximize": False, "differentiable": False, "fused": None}

    def __init__(self, params: Iterable, lr: float | Tensor = 1e-2, lr_decay: float = 0, weight_decay: float = 0,
                 initial_accumulator_value: float = 0, eps: float = 1e-10, foreach: bool | None = None, *,
                 maximize: bool = False, differentiable: bool = False, fused: bool | None = None) -> None:
        _check_lr(lr)
        _check_nonnegative(lr_decay=lr_decay, weight_decay=weight_decay,
                           initial_accumulator_value=initial_accumulator_value, eps=eps)
        defaults = {"lr": lr, "lr_decay": lr_decay, "eps": eps, "weight_decay": weight_decay,
                    "initial_accumulator_value": initial_accumulator_value, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable, "fused": fused}
        _refuse_unsupported(fused=fused, differentiable=differentiable)
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(p, self.state[p], group)

    def _init_state(self, p: Tensor, state: dict, group: dict) -> None:
        # as in PyTorch, the optimizer's default accumulator value, not the group's
        state["step"] = _scalar_state(0.0)
        state["sum"] = full_like(p, self.defaults["initial_accumulator_value"])

    def _update(self, p: Tensor, grad: Tensor, state: dict, group: dict) -> None:
        step = _advance(state)
        grad = _decayed_grad(p, grad, group)
        clr = _value(group["lr"]) / (1 + (step - 1) * group["lr_decay"])
        state_sum = state["sum"]
        state_sum.add_(_scaled_product(grad, grad, 1))
        std = state_sum.sqrt().add_(group["eps"])
        p.add_(_scaled_quotient(grad, std, -clr))
