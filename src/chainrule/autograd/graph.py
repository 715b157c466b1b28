"""``chainrule.autograd.graph``: hooks on what the graph saves for backward."""
from __future__ import annotations

from typing import Any, Callable

from .node import Node, saved_hooks


class saved_tensors_hooks:
    """Context-manager that sets a pair of pack / unpack hooks for saved tensors.

    While active, every tensor an operation saves for backward is passed to
    ``pack_hook`` and the result stored instead; ``unpack_hook`` turns it back into
    a tensor when backward needs it (e.g. to compress saved values or move them).
    """

    def __init__(self, pack_hook: Callable[[Any], Any], unpack_hook: Callable[[Any], Any]) -> None:
        self.pack_hook, self.unpack_hook = pack_hook, unpack_hook

    def __enter__(self) -> "saved_tensors_hooks":
        saved_hooks.append((self.pack_hook, self.unpack_hook))
        return self

    def __exit__(self, *exc: Any) -> None:
        saved_hooks.pop()


__all__ = ["Node", "saved_tensors_hooks"]
