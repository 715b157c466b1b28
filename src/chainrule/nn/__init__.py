"""``chainrule.nn``: neural-network building blocks (so far: ``nn.functional``)."""
from . import functional

__all__ = ["functional"]
