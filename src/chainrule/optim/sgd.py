"""Stochastic gradient descent, optionally with (Nesterov) momentum."""
from __future__ import annotations

from typing import Iterable

from .._tensor import Tensor
from .optimizer import _decayed_grad, _PerParameterOptimizer, _refuse_unsupported, _shown, _value

__all__ = ["SGD"]


class SGD(_PerParameterOptimizer):
    r"""Implements stochastic gradient descent (optionally with momentum).

    Args:
        params (iterable): iterable of parameters or named_parameters to optimize or
            iterable of dicts defining parameter groups.
        lr (float, Tensor, optional): learning rate (default: 1e-3)
        momentum (float, optional): momentum factor (default: 0)
        dampening (float, optional): dampening for momentum (default: 0)
        weight_decay (float, optional): weight decay (L2 penalty) (default: 0)
        nesterov (bool, optional): enables Nesterov momentum. Only applicable when momentum
            is non-zero. (default: False)
        maximize (bool, optional): maximize the objective with respect to the params,
            instead of minimizing (default: False)
        foreach (bool, optional): accepted for compatibility; chainrule always runs the
            single-tensor implementation (default: None)
        differentiable (bool, optional): must be False (default: False)
        fused (bool, optional): must be None or False (default: None)
    """

    _group_option_defaults = {"nesterov": False, "maximize": False, "foreach": None, "differentiable": False,
                              "fused": False}

    def __init__(self, params: Iterable, lr: float | Tensor = 1e-3, momentum: float = 0, dampening: float = 0,
                 weight_decay: float | Tensor = 0, nesterov: bool = False, *, maximize: bool = False,
                 foreach: bool | None = None, differentiable: bool = False, fused: bool | None = None) -> None:
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {_shown(lr)}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {_shown(momentum)}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {_shown(weight_decay)}")
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening, "weight_decay": weight_decay,
                    "nesterov": nesterov, "maximize": maximize, "foreach": foreach,
                    "differentiable": differentiable, "fused": fused}
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        _refuse_unsupported(fused=fused, differentiable=differentiable)
        super().__init__(params, defaults)

    def _step_group(self, group: dict) -> None:
        # SGD keeps state only when it has momentum: no entry at all is made otherwise
        lr, momentum = _value(group["lr"]), group["momentum"]
        for p in group["params"]:
            if p.grad is None:
                continue
            grad = _decayed_grad(p, -p.grad if group["maximize"] else p.grad, group)
            if momentum != 0:
                state = self.state[p]
                buf = state.get("momentum_buffer")
                if buf is None:
                    buf = state["momentum_buffer"] = grad.detach().clone()
                else:
                    buf.mul_(momentum).add_(grad, alpha=1 - group["dampening"])
                grad = grad.add(buf, alpha=momentum) if group["nesterov"] else buf
            p.add_(grad, alpha=-lr)
