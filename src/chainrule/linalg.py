"""``chainrule.linalg``: PyTorch's ``torch.linalg`` functions (from ``functional.linalg``)."""
from __future__ import annotations

from .functional import linalg as _linalg

globals().update({_name: getattr(_linalg, _name) for _name in getattr(_linalg, "LINALG_ALL", [])})

__all__ = list(getattr(_linalg, "LINALG_ALL", []))
