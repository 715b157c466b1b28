"""Pictures of the graph: DOT source (built here, as a string), SVG/PNG through graphviz,
and a plain-text tree that needs nothing installed."""
from __future__ import annotations

import os

from ..autograd.node import FREED, AccumulateGrad
from ._explain import expression
from ._graph import GraphView, fmt

_INSTALL = ("rendering needs the graphviz Python package and the `dot` program: "
            "pip install graphviz, and install the system package graphviz "
            "(apt-get install graphviz / brew install graphviz / conda install graphviz)")


class Text(str):
    """A string that shows as itself (not quoted) in a REPL or a notebook."""

    def __repr__(self) -> str:
        return str(self)


def _attrs(node) -> str:
    """A node's small keyword values (``exponent=2``), skipping arrays, keys and defaults."""
    parts = []
    for key, value in (getattr(node, "_attrs", None) or {}).items():
        if key == "alpha" and value == 1 or key == "dtype" and value is None:
            continue
        if isinstance(value, (bool, int, float, str)) or (
                isinstance(value, tuple) and len(value) <= 4
                and all(isinstance(v, (int, float)) for v in value)):
            parts.append(f"{key}={fmt(value) if isinstance(value, float) else value}")
    return ", ".join(parts)


def _saved(view: GraphView, node) -> str:
    """What ``node`` keeps for backward: the inputs and/or its output, or 'freed'."""
    saved, out = getattr(node, "_saved", None), getattr(node, "_out", None)
    if saved is FREED or out is FREED:
        return "saved: freed"
    names = [view.operand(node, j) for j, slot in enumerate(saved or ()) if slot is not None]
    if out is not None:
        names.append(f"{view.name(node)} (output)")
    return "saved: " + (", ".join(names) if names else "nothing")


def tensor_lines(view: GraphView, node, show_values: bool, show_grads: bool) -> list:
    """The lines describing the tensor ``node`` produces (a leaf's tensor for AccumulateGrad)."""
    shape = view.shape(node)
    lines = [view.name(node), "scalar" if shape == () else
             f"shape {tuple(shape)}" if shape is not None else "shape ?"]
    if show_values:
        lines.append(f"value {fmt(view.value(node))}")
    if show_grads:
        grad = view.grad(node)
        if grad is not None:
            lines.append(f"grad {fmt(grad)}")
    if isinstance(node, AccumulateGrad):
        t = node.variable
        lines.append("leaf, requires_grad" if t is not None else "leaf (freed)")
    else:
        t = view.tensor(node)
        lines.append("non-leaf" + (", retains grad" if t is not None and t.retains_grad else ""))
    return lines


def _quote(lines: list) -> str:
    text = "\\n".join(line.replace("\\", "\\\\").replace('"', '\\"') for line in lines)
    return f'"{text}"'


def dot_source(view: GraphView, show_values: bool, show_grads: bool, show_saved: bool) -> str:
    """The graph as DOT: tensors as boxes, operations as ellipses, edges in forward order."""
    out = ["digraph chainrule {", '  rankdir=TB;',
           '  node [fontname="Helvetica", fontsize=11];', '  edge [fontname="Helvetica", fontsize=9];']
    if not view.ops:  # a leaf or a tensor that records nothing: one box
        t = view.output
        lines = ["f", f"shape {tuple(t.shape)}", f"value {fmt(t._data)}" if show_values else "",
                 "leaf" + (", requires_grad" if t.requires_grad else "")]
        out.append(f"  t0 [shape=box, style=filled, fillcolor=lightblue, "
                   f"label={_quote([s for s in lines if s])}];")
        return "\n".join(out + ["}"]) + "\n"
    ids = {id(node): k for k, node in enumerate(view.ops)}
    for node in view.ops:
        k = ids[id(node)]
        if isinstance(node, AccumulateGrad):
            out.append(f"  t{k} [shape=box, style=filled, fillcolor=lightblue, "
                       f"label={_quote(tensor_lines(view, node, show_values, show_grads))}];")
            continue
        op_lines = [node.name().rpartition("::")[2], expression(view, node)]
        if show_saved:
            op_lines.append(_saved(view, node))
        out.append(f"  op{k} [shape=ellipse, style=filled, fillcolor=lightgrey, label={_quote(op_lines)}];")
        color = "palegreen" if node is view.root else "white"
        out.append(f"  t{k} [shape=box, style=filled, fillcolor={color}, "
                   f"label={_quote(tensor_lines(view, node, show_values, show_grads))}];")
        out.append(f"  op{k} -> t{k};")
        for _, child, _ in view.inputs(node):
            out.append(f"  t{ids[id(child)]} -> op{k};")
    return "\n".join(out + ["}"]) + "\n"


def text_tree(view: GraphView, show_values: bool, show_grads: bool, show_saved: bool) -> Text:
    """The graph as an indented tree from the output down to the leaves (shared parts once)."""
    if not view.ops:
        t = view.output
        return Text(f"f = {fmt(t._data)}  (leaf{', requires_grad' if t.requires_grad else ''})")
    lines, seen = [], set()
    stack = [(view.root, "", "", True)]
    while stack:
        node, prefix, branch, last = stack.pop()
        desc = tensor_lines(view, node, show_values, show_grads)
        head = desc[0] + ("" if not show_values else f" = {fmt(view.value(node))}")
        shape = view.shape(node)
        if shape not in ((), None):
            head += f"  shape {tuple(shape)}"
        if isinstance(node, AccumulateGrad):
            head += f"  ({desc[-1]})"
        else:
            head += f"  <- {node.name().rpartition('::')[2]}"
            if _attrs(node):
                head += f"({_attrs(node)})"
            if show_saved:
                head += f"  [{_saved(view, node)}]"
        grad = view.grad(node) if show_grads else None
        if grad is not None:
            head += f"  grad {fmt(grad)}"
        if id(node) in seen and view.inputs(node):
            lines.append(prefix + branch + head + "  (shown above)")
            continue
        seen.add(id(node))
        lines.append(prefix + branch + head)
        children = view.inputs(node)
        child_prefix = prefix + ("" if not branch else ("    " if last else "│   "))
        for n, (_, child, _) in reversed(list(enumerate(children))):
            is_last = n == len(children) - 1
            stack.append((child, child_prefix, "└── " if is_last else "├── ", is_last))
    return Text("\n".join(lines))


def _render(source: str, fmt_name: str) -> bytes:
    """``source`` rendered by graphviz's ``dot`` as ``fmt_name`` (svg or png)."""
    try:
        import graphviz
    except ImportError as err:
        raise ImportError(f"chainrule.viz: {_INSTALL}") from err
    try:
        return graphviz.Source(source).pipe(format=fmt_name)
    except graphviz.ExecutableNotFound as err:
        raise RuntimeError(f"chainrule.viz: the `dot` program was not found; {_INSTALL}") from err


class Drawing:
    """A drawn graph: ``.source`` is its DOT text; ``.save(path)`` writes .svg, .png or .dot.

    In a notebook it shows as SVG when graphviz is installed and as the text tree otherwise.
    """

    def __init__(self, source: str, tree: str) -> None:
        self.source = source
        self.tree = tree

    def pipe(self, format: str = "svg") -> bytes:
        """The picture as bytes in ``format`` (``"svg"`` or ``"png"``), rendered by ``dot``."""
        if format not in ("svg", "png"):
            raise ValueError(f"format must be 'svg' or 'png', but got {format!r}")
        return _render(self.source, format)

    def save(self, path: str | os.PathLike) -> str:
        """Write the picture to ``path``; its suffix (.svg, .png, .dot) picks the format."""
        path = os.fspath(path)
        suffix = os.path.splitext(path)[1].lower()
        if suffix == ".dot" or suffix == ".gv":
            data = self.source.encode()
        elif suffix in (".svg", ".png"):
            data = self.pipe(suffix[1:])
        else:
            raise ValueError(f"cannot tell the format from {path!r}: use a .svg, .png or .dot suffix")
        with open(path, "wb") as fh:
            fh.write(data)
        return path

    def _repr_svg_(self) -> str | None:
        try:
            return self.pipe("svg").decode()
        except (ImportError, RuntimeError):
            return None  # the notebook then shows the text tree (__repr__)

    def __repr__(self) -> str:
        return self.tree

