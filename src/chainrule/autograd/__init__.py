"""Autograd: the engine layer (grad modes, nodes, the walk) and the user-facing API.

This ``__init__`` imports only the engine layer, which sits below the Tensor. The
user-facing half (``backward``, ``grad``, ``gradcheck``, ``Function``) lives in
``api``, ``gradcheck`` and ``function``, which ``chainrule/__init__.py`` imports
after Tensor exists and publishes here.
"""
from . import anomaly_mode, engine, explain, grad_mode, graph, node, strict
from .anomaly_mode import (
    detect_anomaly,
    is_anomaly_check_nan_enabled,
    is_anomaly_enabled,
    set_detect_anomaly,
)
from .explain import explain_missing_grad
from .grad_mode import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)
from .strict import is_strict_saved_enabled, set_strict_saved, strict_saved

__all__ = ["anomaly_mode", "detect_anomaly", "is_anomaly_check_nan_enabled",
           "is_anomaly_enabled", "set_detect_anomaly", "engine", "grad_mode", "graph", "node",
           "enable_grad", "inference_mode", "is_grad_enabled", "is_inference_mode_enabled",
           "no_grad", "set_grad_enabled", "explain", "explain_missing_grad", "strict",
           "is_strict_saved_enabled", "set_strict_saved", "strict_saved"]
