"""Autograd: the engine layer (grad modes, nodes, the walk) and the user-facing API.

This ``__init__`` imports only the engine layer, which sits below the Tensor. The
user-facing half (``backward``, ``grad``, ``gradcheck``) lives in ``api`` and
``gradcheck``, which ``chainrule/__init__.py`` imports after Tensor exists and
publishes here.
"""
from . import engine, grad_mode, node
from .grad_mode import (
                        enable_grad,
                        inference_mode,
                        is_grad_enabled,
                        is_inference_mode_enabled,
                        no_grad,
                        set_grad_enabled,
)

__all__ = ["engine", "grad_mode", "node", "enable_grad", "inference_mode", "is_grad_enabled",
           "is_inference_mode_enabled", "no_grad", "set_grad_enabled"]
