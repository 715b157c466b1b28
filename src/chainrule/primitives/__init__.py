"""THE single place where each differentiable op declares its forward and its rules."""
from . import (
    activation,
    conv,
    elementwise,
    gather,
    indexing,
    joining,
    linalg,
    loss,
    norm,
    pointwise,
    reduction,
    shape,
    sorting,
)
from ._primitive import REGISTRY, Primitive, check_registry, primitive

check_registry()

__all__ = ["REGISTRY", "Primitive", "primitive", "activation", "conv", "elementwise", "gather",
           "indexing", "joining", "linalg", "loss", "norm", "pointwise", "reduction", "shape"]
