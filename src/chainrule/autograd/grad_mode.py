"""Grad modes: ``no_grad``, ``enable_grad``, ``set_grad_enabled``, ``inference_mode``.

The mode is thread-local, as in PyTorch: each thread starts with grad enabled.
"""
from __future__ import annotations

import functools
import inspect
import threading
import weakref
from typing import Any, Callable


class _State(threading.local):
    grad_enabled = True
    inference = False


state = _State()


class _ForwardState:
    """The open forward-mode dual level (process-wide and one at a time, as in PyTorch)."""

    level: int | None = None
    active = False   # a level is open and tangent rules are not running
    duals: list = []  # weak references to the tensors given a tangent at this level

    def attach(self, t, tangent) -> None:
        """Give tensor ``t`` the tangent ``tangent`` (dropped when the level exits)."""
        t._fw = tangent
        self.duals.append(weakref.ref(t))

    def paused(self) -> "_Paused":
        """A context in which no tangent propagates (tangent rules, a custom Function's forward)."""
        return _Paused(self)


class _Paused:
    """Turns forward-mode propagation off for a block, then restores it."""

    __slots__ = ("state", "was_active")

    def __init__(self, state: _ForwardState) -> None:
        self.state = state

    def __enter__(self) -> None:
        self.was_active, self.state.active = self.state.active, False

    def __exit__(self, *exc) -> None:
        self.state.active = self.was_active


forward_state = _ForwardState()


def is_grad_enabled() -> bool:
    """Returns True if grad mode is currently enabled."""
    return state.grad_enabled


def is_inference_mode_enabled() -> bool:
    """Returns True if inference mode is currently enabled."""
    return state.inference


class _GradModeContext:
    """Base of the grad-mode context managers; instances also work as decorators."""

    def _set(self) -> None:
        raise NotImplementedError  # pragma: no cover - every subclass sets its mode

    def __enter__(self) -> None:
        self._prev = (state.grad_enabled, state.inference)
        self._set()

    def __exit__(self, exc_type, exc, tb) -> None:
        state.grad_enabled, state.inference = self._prev

    def clone(self) -> "_GradModeContext":
        """A fresh copy of this context manager (decorators enter one per call)."""
        return self.__class__()

    def __call__(self, func: Callable) -> Callable:
        if inspect.isgeneratorfunction(func):
            return self._wrap_generator(func)

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self.clone():
                return func(*args, **kwargs)
        return wrapper

    def _wrap_generator(self, func: Callable) -> Callable:
        # the mode must hold while the generator body runs (send, throw and close alike),
        # not while the caller runs between items
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any):
            gen = func(*args, **kwargs)
            try:
                with self.clone():
                    item = gen.send(None)
                while True:
                    try:
                        value = yield item
                    except GeneratorExit:
                        with self.clone():
                            gen.close()
                        raise
                    except BaseException as err:  # noqa: BLE001 - forwarded into the generator
                        with self.clone():
                            item = gen.throw(err)
                    else:
                        with self.clone():
                            item = gen.send(value)
            except StopIteration as stop:
                return stop.value
        return wrapper


class _NoArgContext(_GradModeContext):
    """A mode taking no arguments: also usable as a bare decorator (``@no_grad``)."""

    def __new__(cls, orig_func: Callable | None = None):
        if orig_func is None:
            return super().__new__(cls)
        return cls()(orig_func)


class no_grad(_NoArgContext):
    """Context-manager that disables gradient calculation.

    Tensors computed inside have ``requires_grad=False`` even when their inputs
    require grad. Also works as a decorator, generator functions included.
    """

    def _set(self) -> None:
        state.grad_enabled = False


class enable_grad(_NoArgContext):
    """Context-manager that enables gradient calculation (e.g. inside ``no_grad``)."""

    def _set(self) -> None:
        state.grad_enabled = True


class set_grad_enabled(_GradModeContext):
    """Context-manager that sets gradient calculation on or off.

    Called as a function, it sets the mode at once: ``set_grad_enabled(False)``.
    """

    def __init__(self, mode: bool) -> None:
        self._prev = (state.grad_enabled, state.inference)
        self.mode = bool(mode)
        state.grad_enabled = self.mode

    def _set(self) -> None:
        state.grad_enabled = self.mode

    def __enter__(self) -> None:
        pass  # the mode was already set when the object was made

    def clone(self) -> "set_grad_enabled":
        """A fresh copy of this context manager (decorators enter one per call)."""
        return self.__class__(self.mode)

    def __repr__(self) -> str:
        return f"torch.autograd.grad_mode.set_grad_enabled(mode={self.mode})"

    def __call__(self, func: Callable) -> Callable:
        state.grad_enabled, state.inference = self._prev  # as a decorator, change nothing now
        return super().__call__(func)


class inference_mode(_GradModeContext):
    """Context-manager that enables or disables inference mode.

    Inference mode disables gradient recording, like ``no_grad``.
    """

    def __new__(cls, mode: "bool | Callable" = True):
        if callable(mode):  # used bare: @inference_mode
            return cls()(mode)
        return super().__new__(cls)

    def __init__(self, mode: bool = True) -> None:
        self.mode = bool(mode)

    def _set(self) -> None:
        # inference_mode(False) turns grad back on, even inside inference_mode()
        state.grad_enabled, state.inference = not self.mode, self.mode

    def clone(self) -> "inference_mode":
        """A fresh copy of this context manager (decorators enter one per call)."""
        return self.__class__(self.mode)
