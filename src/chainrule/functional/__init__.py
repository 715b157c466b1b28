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


for _family in FAMILIES:
    for _name, _fn in getattr(_family, "METHODS", {}).items():
        setattr(Tensor, _name, _fn)
    for _name, _fn in getattr(_family, "PROPERTIES", {}).items():
        setattr(Tensor, _name, property(_fn, doc=_fn.__doc__))

__all__ = [name for family in FAMILIES for name in family.__all__]
