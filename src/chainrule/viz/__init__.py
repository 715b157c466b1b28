"""Seeing the graph: pictures of it and the chain rule written out along it.

``draw(f)`` draws the graph of ``f`` as the seed tutorial's figure does (leaves,
operations, intermediate results, with names, shapes, values, gradients); ``tree(f)``
gives the same as indented text; ``explain(f, [x, y])`` prints each gradient as the
sum over paths of products of local derivatives, checked against autograd.

Names come from ``params`` (name -> tensor) or, when it is not given, from the
variables of the calling code (matched by identity). Rendering SVG/PNG needs the
optional ``graphviz`` package and the ``dot`` program; the DOT text and the tree need
nothing.
"""
from __future__ import annotations

import sys
from typing import IO

from .._tensor import Tensor
from ._draw import Drawing, Text, dot_source, text_tree
from ._explain import MAX_PATHS, explain_lines
from ._graph import GraphView, caller_tensors

__all__ = ["Drawing", "draw", "tree", "explain", "MAX_PATHS"]


def _view(output: Tensor, params: dict | None, depth: int) -> GraphView:
    """The named graph; names from ``params`` or from the frame ``depth`` levels up."""
    if params is not None and not isinstance(params, dict):
        raise TypeError(f"params must be a dict of name -> Tensor, but got {type(params).__name__}")
    return GraphView(output, params if params is not None else caller_tensors(depth + 1))


def draw(output: Tensor, params: dict | None = None, show_values: bool = True, show_grads: bool = True,
         show_saved: bool = False) -> Drawing:
    r"""Draws the autograd graph that produced ``output``.

    Leaves, operations (``grad_fn`` nodes) and intermediate results are shown with their
    names, shapes, small values, gradients (after ``backward``), leaf / non-leaf and
    ``requires_grad`` state and, with ``show_saved=True``, what each node saved for
    backward (or ``freed`` once a backward released it).

    Args:
        output (Tensor): the tensor whose graph is drawn.
        params (dict, optional): name -> tensor; by default the caller's variables name
            the tensors they hold.
        show_values (bool): show forward values (when known).
        show_grads (bool): show ``.grad`` where it is filled.
        show_saved (bool): show each node's saved tensors.

    Returns:
        Drawing: ``.source`` (DOT), ``.save(path)`` (``.svg``, ``.png``, ``.dot``), and
        ``_repr_svg_`` for notebooks (needs ``pip install graphviz`` and the ``dot`` program).
    """
    view = _view(output, params, 1)
    return Drawing(dot_source(view, show_values, show_grads, show_saved),
                   text_tree(view, show_values, show_grads, show_saved))


def tree(output: Tensor, params: dict | None = None, show_values: bool = True, show_grads: bool = True,
         show_saved: bool = False) -> Text:
    """Returns the graph of ``output`` as an indented text tree (needs nothing installed).

    Arguments as for :func:`draw`. The result is a ``str`` that shows as itself in a REPL.
    """
    return text_tree(_view(output, params, 1), show_values, show_grads, show_saved)


def explain(output: Tensor, wrt, file: IO[str] | None = None, params: dict | None = None) -> None:
    r"""Prints how the chain rule gives the gradient of ``output`` with respect to ``wrt``.

    For a graph of 0-d tensors with at most ``MAX_PATHS`` paths, every path from
    ``output`` to an input is written as a product of local derivatives, symbolically
    (each primitive's declared formula) and with numbers (from the primitive's own
    reverse rules), and the gradient as their sum; otherwise the gradient is
    accumulated node by node in reverse (incoming gradient, local derivative,
    contribution, sums over broadcast dimensions). Each result is checked against the
    gradient autograd computes. The graph must still hold its saved tensors (explain
    before ``backward()``, or use ``retain_graph=True``); ``.grad`` is left untouched.

    Args:
        output (Tensor): the result to differentiate.
        wrt (Tensor or sequence of Tensor): the inputs (leaves or intermediate results).
        file (file-like, optional): where to print (default: ``sys.stdout``).
        params (dict, optional): name -> tensor, as for :func:`draw`.
    """
    wrt = [wrt] if isinstance(wrt, Tensor) else list(wrt)
    if not all(isinstance(w, Tensor) for w in wrt):
        raise TypeError("explain(): wrt must be a Tensor or a sequence of Tensors")
    if output.grad_fn is None:
        raise RuntimeError("explain(): output does not require grad and does not have a grad_fn")
    view = _view(output, params, 1)
    print("\n".join(explain_lines(view, wrt)), file=file if file is not None else sys.stdout)
