"""Anomaly detection: name the failing backward node and show where its forward ran.

While enabled, every recorded node keeps the stack of the forward call that made
it (``node.metadata["traceback_"]``); a backward error or (with ``check_nan``) a NaN
gradient then warns with that stack and names the node.
"""
from __future__ import annotations

import os
import traceback
import warnings
from typing import Any

import numpy as np

from .grad_mode import _GradModeContext


class _State:
    """Process-wide, as PyTorch's anomaly mode (unlike grad mode, it is not per thread)."""

    enabled = False
    check_nan = True


state = _State()


def is_anomaly_enabled() -> bool:
    """Returns True if anomaly detection is enabled."""
    return state.enabled


def is_anomaly_check_nan_enabled() -> bool:
    """Returns True if anomaly detection also checks gradients for NaN."""
    return state.check_nan


def _warn_enabled() -> None:
    warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime and "
                  "should only be enabled for debugging.", UserWarning, stacklevel=3)


class detect_anomaly(_GradModeContext):
    """Context-manager (and decorator) that enables anomaly detection for autograd."""

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = check_nan
        _warn_enabled()

    def __enter__(self) -> None:
        self._prev_anomaly = (state.enabled, state.check_nan)
        state.enabled, state.check_nan = True, self.check_nan

    def __exit__(self, *exc: Any) -> None:
        state.enabled, state.check_nan = self._prev_anomaly

    def clone(self) -> "detect_anomaly":
        """A fresh copy (decorators enter one per call)."""
        obj = object.__new__(type(self))
        obj.check_nan = self.check_nan
        return obj


class set_detect_anomaly:
    """Sets anomaly detection on or off, as a function or a context manager."""

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self._prev = (state.enabled, state.check_nan)
        state.enabled, state.check_nan = bool(mode), bool(check_nan)

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: Any) -> None:
        state.enabled, state.check_nan = self._prev


_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def record_stack(node) -> None:
    """Keep the forward call's stack, without chainrule's own frames, on ``node``."""
    frames = [f for f in traceback.extract_stack() if not f.filename.startswith(_PACKAGE_DIR)]
    node.metadata["traceback_"] = traceback.format_list(frames)


def run_checked(node, apply, g, xp, create_graph: bool) -> list:
    """``node.apply`` with anomaly reporting: the forward stack on error, NaN checks."""
    try:
        grads = apply(g, xp, create_graph)
        if state.check_nan:
            for i, gi in enumerate(grads):
                data = getattr(gi, "_data", gi)
                if gi is not None and np.isnan(np.asarray(data, dtype=np.float64)).any():
                    raise RuntimeError(f"Function '{node.name()}' returned nan values in its "
                                       f"{i}th output.")
    except Exception:
        stack = "".join(node.metadata.get("traceback_", []))
        warnings.warn(f"Error detected in {node.name()}. Traceback of forward call that caused "
                      f"the error:\n{stack}", UserWarning, stacklevel=2)
        raise
    return grads
