"""``chainrule.nn.functional``: PyTorch's functional neural-network ops.

The functions live in the ``chainrule.functional`` family modules; each lists the
names it exports here in ``NN_ALL``.
"""
from __future__ import annotations

from .. import functional as _functional

for _family in _functional.FAMILIES:
    globals().update({_name: getattr(_family, _name) for _name in getattr(_family, "NN_ALL", [])})

__all__ = list(_functional.NN_ALL)
