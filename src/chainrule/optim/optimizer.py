"""``Optimizer``: parameter groups, per-parameter state, hooks and state dicts, as in PyTorch.

The built-in optimizers derive from ``_PerParameterOptimizer``, whose ``step`` updates each
parameter that has a gradient, in place and under ``no_grad``; each subclass supplies only
its fresh state and its update rule, written with the operations of PyTorch's single-tensor
implementation, in the same order, so that trajectories agree to the last bits (PyTorch's CPU
kernels fuse some multiply-adds, which NumPy cannot).
"""
from __future__ import annotations

import functools
import warnings
from collections import defaultdict
from copy import deepcopy
from itertools import chain
from typing import Any, Callable, Iterable

from .. import _dtype
from .._errors import type_name
from .._tensor import Tensor
from ..autograd.grad_mode import enable_grad, no_grad
from ..autograd.node import RemovableHandle
from ..functional import tensor as _new_tensor

__all__ = ["Optimizer", "register_optimizer_step_pre_hook", "register_optimizer_step_post_hook", "required"]

StateDict = dict

_global_step_pre_hooks: list = []
_global_step_post_hooks: list = []


class _RequiredParameter:
    """Marks a hyper-parameter that every parameter group must give."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()


def register_optimizer_step_pre_hook(hook: Callable) -> RemovableHandle:
    """Register a pre hook common to all optimizers: ``hook(optimizer, args, kwargs)``,
    which may return new ``(args, kwargs)``."""
    return _add_hook(_global_step_pre_hooks, hook)


def register_optimizer_step_post_hook(hook: Callable) -> RemovableHandle:
    """Register a post hook common to all optimizers: ``hook(optimizer, args, kwargs)``."""
    return _add_hook(_global_step_post_hooks, hook)


def _typename(obj) -> str:
    """``torch.typename``: ``torch.FloatTensor`` for a tensor, else the qualified type name."""
    if isinstance(obj, Tensor):
        return type_name(obj.dtype)
    cls = type(obj)
    return cls.__qualname__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"


def _with_step_hooks(step: Callable) -> Callable:
    """Wrap a ``step`` so that the global and per-optimizer step hooks run around it."""
    @functools.wraps(step)
    def hooked_step(*args, **kwargs):
        self = args[0]
        for hook in (*_global_step_pre_hooks, *self._step_pre_hooks):
            result = hook(self, args, kwargs)
            if result is None:
                continue
            if not (isinstance(result, tuple) and len(result) == 2):
                raise RuntimeError(f"{step} must return None or a tuple of (new_args, new_kwargs), "
                                   f"but got {result}.")
            args, kwargs = result
        out = step(*args, **kwargs)
        for hook in (*self._step_post_hooks, *_global_step_post_hooks):
            hook(self, args, kwargs)
        return out
    hooked_step.hooked = True
    return hooked_step


def _add_hook(hooks: list, hook: Callable, prepend: bool = False) -> RemovableHandle:
    if prepend:
        hooks.insert(0, hook)
    else:
        hooks.append(hook)
    return RemovableHandle(hooks, hook)


class Optimizer:
    r"""Base class for all optimizers.

    Args:
        params (iterable): an iterable of :class:`Tensor` s or :class:`dict` s (parameter
            groups). Specifies what Tensors should be optimized.
        defaults (dict): a dict containing default values of optimization options (used
            when a parameter group doesn't specify them).
    """

    def __init__(self, params: Iterable, defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        self._init_hooks()
        self._patch_step_function()
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, "
                            "but got " + _typename(params))
        self.state: defaultdict = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for param_group in param_groups:
            self.add_param_group(param_group)

    def _init_hooks(self) -> None:
        self._step_pre_hooks: list = []
        self._step_post_hooks: list = []
        self._state_dict_pre_hooks: list = []
        self._state_dict_post_hooks: list = []
        self._load_state_dict_pre_hooks: list = []
        self._load_state_dict_post_hooks: list = []

    def _patch_step_function(self) -> None:
        # as in PyTorch, the step of the instance's own class is wrapped once, on first use
        cls = type(self)
        if not getattr(cls.step, "hooked", False):
            cls.step = _with_step_hooks(cls.step)

    def __getstate__(self) -> dict[str, Any]:
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        if "_step_pre_hooks" not in self.__dict__:
            self._init_hooks()
        self._patch_step_function()
        self.defaults.setdefault("differentiable", False)

    def __repr__(self) -> str:
        text = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            text += f"\nParameter Group {i}\n"
            for key in sorted(group):
                if key != "params":
                    text += f"    {key}: {group[key]}\n"
        return text + ")"

    # -- hooks ------------------------------------------------------------------------------

    def register_step_pre_hook(self, hook: Callable) -> RemovableHandle:
        """Register a hook ``hook(optimizer, args, kwargs) -> None or (args, kwargs)`` run
        before each :meth:`step`."""
        return _add_hook(self._step_pre_hooks, hook)

    def register_step_post_hook(self, hook: Callable) -> RemovableHandle:
        """Register a hook ``hook(optimizer, args, kwargs) -> None`` run after each :meth:`step`."""
        return _add_hook(self._step_post_hooks, hook)

    def register_state_dict_pre_hook(self, hook: Callable, prepend: bool = False) -> RemovableHandle:
        """Register a hook ``hook(optimizer) -> None`` run before :meth:`state_dict`."""
        return _add_hook(self._state_dict_pre_hooks, hook, prepend)

    def register_state_dict_post_hook(self, hook: Callable, prepend: bool = False) -> RemovableHandle:
        """Register a hook ``hook(optimizer, state_dict) -> state_dict or None`` run after
        :meth:`state_dict`."""
        return _add_hook(self._state_dict_post_hooks, hook, prepend)

    def register_load_state_dict_pre_hook(self, hook: Callable, prepend: bool = False) -> RemovableHandle:
        """Register a hook ``hook(optimizer, state_dict) -> state_dict or None`` run before
        :meth:`load_state_dict`."""
        return _add_hook(self._load_state_dict_pre_hooks, hook, prepend)

    def register_load_state_dict_post_hook(self, hook: Callable, prepend: bool = False) -> RemovableHandle:
        """Register a hook ``hook(optimizer) -> None`` run after :meth:`load_state_dict`."""
        return _add_hook(self._load_state_dict_post_hooks, hook, prepend)

    # -- state dicts ------------------------------------------------------------------------

    def state_dict(self) -> StateDict:
        r"""Return the state of the optimizer as a :class:`dict`.

        It contains two entries: ``state``, the per-parameter state keyed by the parameter's
        index (counting through the groups in order), and ``param_groups``, the groups'
        options with ``params`` given as lists of those indices.
        """
        for hook in self._state_dict_pre_hooks:
            hook(self)
        # a parameter's index is its first position, counting through the groups in order
        index: dict[int, int] = {}
        groups, start = [], 0
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            for i, p in enumerate(group["params"], start):
                index.setdefault(id(p), i)
            packed["params"] = [index[id(p)] for p in group["params"]]
            start += len(packed["params"])
            groups.append(packed)
        state = {(index[id(k)] if isinstance(k, Tensor) else k): v for k, v in self.state.items()}
        state_dict = {"state": state, "param_groups": groups}
        for hook in self._state_dict_post_hooks:
            result = hook(self, state_dict)
            if result is not None:
                state_dict = result
        return state_dict

    def load_state_dict(self, state_dict: StateDict) -> None:
        r"""Load the optimizer state.

        Args:
            state_dict (dict): optimizer state. Should be an object returned from a call to
                :meth:`state_dict`.
        """
        state_dict = state_dict.copy()
        for hook in self._load_state_dict_pre_hooks:
            result = hook(self, state_dict)
            if result is not None:
                state_dict = result
        groups = self.param_groups
        saved_groups = deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match the size of "
                             "optimizer's group")
        id_map = dict(zip(chain.from_iterable(g["params"] for g in saved_groups),
                          chain.from_iterable(g["params"] for g in groups)))
        state: defaultdict = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                state[id_map[k]] = _cast_state(id_map[k], v)
            else:
                state[k] = v
        for group, saved in zip(groups, saved_groups):
            saved["params"] = group["params"]
            if "param_names" in group and "param_names" not in saved:
                saved["param_names"] = group["param_names"]
        self.__setstate__({"state": state, "param_groups": saved_groups})
        self._upgrade_loaded_state()
        for hook in self._load_state_dict_post_hooks:
            hook(self)

    def _upgrade_loaded_state(self) -> None:
        """Fill in what an older state dict may lack (the built-in optimizers override this)."""

    # -- gradients, steps and groups ----------------------------------------------------------

    def zero_grad(self, set_to_none: bool = True) -> None:
        r"""Reset the gradients of all optimized :class:`Tensor` s.

        Args:
            set_to_none (bool, optional): instead of setting to zero, set the grads to None.
                Default: ``True``
        """
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                    continue
                if p.grad.grad_fn is not None:
                    p.grad.detach_()
                else:
                    p.grad.requires_grad_(False)
                p.grad.zero_()

    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        r"""Perform a single optimization step to update parameter.

        Args:
            closure (Callable): A closure that reevaluates the model and returns the loss.
                Optional for most optimizers.
        """
        raise NotImplementedError

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        r"""Add a param group to the :class:`Optimizer` s ``param_groups``.

        Args:
            param_group (dict): Specifies what Tensors should be optimized along with group
                specific optimization options.
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params, names = _split_names(param_group["params"])
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is " + _typename(p))
            if not self.defaults.get("differentiable", None) and not (p.is_leaf or p.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(f"parameter group didn't specify a value of required optimization parameter {name}")
        if len(params) != len(set(params)):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; in future, this will "
                          "cause an error; see github.com/pytorch/pytorch/issues/40967 for more information",
                          stacklevel=3)
        taken: set = set()
        for group in self.param_groups:
            taken.update(group["params"])
            if (names is not None) != ("param_names" in group):
                which = "with names" if names is not None else "without names"
                raise ValueError("all optimizer param groups should be with/without names. "
                                 f"cannot add param group {which} to the optimizer")
        if not taken.isdisjoint(params):
            raise ValueError("some parameters appear in more than one parameter group")
        # every check has passed: only now is the caller's dict filled in and kept
        param_group["params"] = params
        if names is not None:
            param_group["param_names"] = names
        for name, default in self.defaults.items():
            param_group.setdefault(name, default)
        self.param_groups.append(param_group)


def _split_names(params) -> tuple[list, list | None]:
    """A group's ``params`` as a list of tensors, and their names when given as pairs."""
    if isinstance(params, Tensor):
        params = [params]
    elif isinstance(params, set):
        raise TypeError("optimizer parameters need to be organized in ordered collections, but the ordering of "
                        "tensors in sets will change between runs. Please use a list instead.")
    else:
        params = list(params)
    names = [p[0] for p in params if isinstance(p, tuple)]
    tensors = [p[1] if isinstance(p, tuple) else p for p in params]
    if names and len(names) != len(tensors):
        raise ValueError("all optimizer params should be with/without names. Some param names are missing")
    return tensors, (names or None)


def _cast_state(param: Tensor, value, key=None):
    """A loaded state value, its tensors cast to ``param``'s dtype (``step`` keeps its own)."""
    if isinstance(value, Tensor):
        if key == "step":
            return value
        return value.to(dtype=param.dtype) if param.is_floating_point() else value
    if isinstance(value, dict):
        return {k: _cast_state(param, v, k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_cast_state(param, v) for v in value)
    return value


# -- the machinery the built-in optimizers share ------------------------------------------------


def _scalar_dtype():
    """The dtype of scalar state such as ``step``: float64 under a float64 default, else float32."""
    return _dtype.float64 if _dtype.default.value is _dtype.float64 else _dtype.float32


def _scalar_state(value: float) -> Tensor:
    return _new_tensor(value, dtype=_scalar_dtype())


def _value(x) -> float:
    """A hyper-parameter as a Python number (a one-element tensor gives its item)."""
    return x.item() if isinstance(x, Tensor) else x


def _to_scalar(x):
    """A one-element tensor as a 0-d tensor; anything else unchanged."""
    return x.reshape(()) if isinstance(x, Tensor) and x.dim() != 0 else x


def _scaled_product(a: Tensor, b: Tensor, value: float) -> Tensor:
    """``value * a * b`` in PyTorch's order of rounding (the ``addcmul`` term)."""
    return a * value * b


def _scaled_quotient(a: Tensor, b: Tensor, value: float) -> Tensor:
    """``value * a / b`` in PyTorch's order of rounding (the ``addcdiv`` term)."""
    return a * value / b


def _shown(x):
    """A hyper-parameter as PyTorch's f-strings show it (a 0-d tensor formats as its item)."""
    return x.item() if isinstance(x, Tensor) and x.dim() == 0 else x


def _check_lr(lr) -> None:
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    if not 0.0 <= lr:
        raise ValueError(f"Invalid learning rate: {_shown(lr)}")


def _check_nonnegative(**values) -> None:
    """PyTorch's ``Invalid <name> value: <v>`` for each negative hyper-parameter, in order."""
    for name, value in values.items():
        if not 0.0 <= value:
            raise ValueError(f"Invalid {'epsilon' if name == 'eps' else name} value: {_shown(value)}")


def _check_betas(betas) -> None:
    for i in (0, 1):
        if not 0.0 <= betas[i] < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {_shown(betas[i])}")


def _refuse_unsupported(fused=None, capturable: bool = False, differentiable: bool = False) -> None:
    """chainrule runs the single-tensor algorithms only; ``foreach`` is accepted and ignored."""
    for name, value in (("fused", fused), ("capturable", capturable), ("differentiable", differentiable)):
        if value:
            raise NotImplementedError(f"chainrule.optim does not implement {name}=True; leave it at its default")


def _decayed_grad(p: Tensor, grad: Tensor, group: dict, decoupled: bool = False) -> Tensor:
    """Weight decay: L2 (added to the gradient) or decoupled (applied to ``p`` in place)."""
    weight_decay = _value(group["weight_decay"])
    if weight_decay == 0:
        return grad
    if decoupled:
        p.mul_(1 - _value(group["lr"]) * weight_decay)
        return grad
    return grad.add(p, alpha=weight_decay)


def _advance(state: dict) -> float:
    """Count one more step in ``state['step']`` (a tensor, as in PyTorch) and return it."""
    state["step"] += 1
    return state["step"].item()


class _PerParameterOptimizer(Optimizer):
    """The step of the built-in optimizers: each parameter with a gradient is updated in
    place, on its own, under ``no_grad``. Subclasses define ``_init_state`` and ``_update``."""

    # group options an older state dict may lack, filled in by load_state_dict
    _group_option_defaults: dict[str, Any] = {}

    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        """Perform a single optimization step.

        Args:
            closure (Callable, optional): A closure that reevaluates the model and returns
                the loss.
        """
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        with no_grad():
            for group in self.param_groups:
                self._step_group(group)
        return loss

    def _step_group(self, group: dict) -> None:
        for p in group["params"]:
            if p.grad is None:
                continue
            state = self.state[p]
            if len(state) == 0:
                self._init_state(p, state, group)
            grad = -p.grad if group["maximize"] else p.grad
            self._update(p, grad, state, group)

    def _init_state(self, p: Tensor, state: dict, group: dict) -> None:
        raise NotImplementedError

    def _update(self, p: Tensor, grad: Tensor, state: dict, group: dict) -> None:
        raise NotImplementedError

    def _upgrade_loaded_state(self) -> None:
        for group in self.param_groups:
            for key, default in self._group_option_defaults.items():
                group.setdefault(key, default)
            for p in group["params"]:
                p_state = self.state.get(p, {})
                for key in ("step", "mu_product"):
                    if key in p_state and not isinstance(p_state[key], Tensor):
                        p_state[key] = _scalar_state(float(p_state[key]))
