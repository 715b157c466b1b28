"""elementwise primitives (forward and rules, one block per op)."""
from __future__ import annotations

from ._primitive import primitive  # noqa: F401
