"""``chainrule.utils``: helpers around the core (``checkpoint``; ``data`` later)."""
from . import checkpoint

__all__ = ["checkpoint"]
