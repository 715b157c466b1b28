"""``torch.*`` functions: signatures, validation, promotion and composites.

Each family module lists its public functions in ``__all__`` and the Tensor methods
it provides in ``METHODS`` (and ``PROPERTIES``); this package binds those onto
Tensor at import, since ``_tensor.py`` may not import upward.
"""
from __future__ import annotations

from .._tensor import Tensor
from ..autograd import node as _node
from . import _xp, creation, indexing, math, shape
from .creation import *  # noqa: F403
from .math import *  # noqa: F403
from .shape import *  # noqa: F403

_node.diff_namespace = _xp

FAMILIES = (creation, math, shape, indexing)


def _sub_method(self: Tensor, other):
    """``self - other``: PyTorch's refusals of bool operands, then ``__sub__``."""
    math.check_sub(self, other)
    return _plain_sub(self, other)


def _rsub_method(self: Tensor, other):
    """``other - self``: PyTorch's refusals of bool operands, then ``__rsub__``."""
    math.check_sub(other, self)
    return _plain_rsub(self, other)


_plain_sub, _plain_rsub = Tensor.__sub__, Tensor.__rsub__
for _family in FAMILIES:
    for _name, _fn in getattr(_family, "METHODS", {}).items():
        setattr(Tensor, _name, _fn)
    for _name, _fn in getattr(_family, "PROPERTIES", {}).items():
        setattr(Tensor, _name, property(_fn, doc=_fn.__doc__))
Tensor.__sub__, Tensor.__rsub__ = _sub_method, _rsub_method

__all__ = [name for family in FAMILIES for name in family.__all__]
