"""``torch.*`` functions: signatures, validation, promotion and composites.

Each family module lists its public functions in ``__all__`` (``chainrule.*``) and
``NN_ALL`` (``chainrule.nn.functional.*``), and the Tensor methods it provides in
``METHODS`` (and ``PROPERTIES``); this package binds those onto Tensor at import,
since ``_tensor.py`` may not import upward.
"""
from __future__ import annotations

from .._tensor import Tensor
from ..autograd import node as _node
from . import (_xp, activation, conv, creation, elementwise, gather, indexing, joining, linalg,
               loss, math, norm, reduction, resize, shape)

_node.diff_namespace = _xp

FAMILIES = (creation, math, shape, indexing, elementwise, reduction, joining, gather, linalg,
            activation, loss, conv, resize, norm)

for _family in FAMILIES:
    for _name, _fn in getattr(_family, "METHODS", {}).items():
        setattr(Tensor, _name, _fn)
    for _name, _fn in getattr(_family, "PROPERTIES", {}).items():
        setattr(Tensor, _name, property(_fn, doc=_fn.__doc__))
    globals().update({_name: getattr(_family, _name) for _name in _family.__all__})

__all__ = [name for family in FAMILIES for name in family.__all__]
NN_ALL = [name for family in FAMILIES for name in getattr(family, "NN_ALL", [])]
