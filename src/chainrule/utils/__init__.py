"""``chainrule.utils``: helpers around the core (``checkpoint``, ``data``)."""
from . import checkpoint, data

__all__ = ["checkpoint", "data"]
