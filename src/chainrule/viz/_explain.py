"""The chain rule written out as the seed tutorial writes it.

For a graph of 0-d tensors with few paths: every path from the output to an input is a
product of local derivatives (symbolic, from each primitive's ``defformula``, and as
numbers, from the primitive's own reverse rules applied to a gradient of 1), and the
gradient is their sum, checked against autograd. Otherwise: reverse accumulation node
by node (incoming gradient, local derivative, contribution, broadcasting reductions).
"""
from __future__ import annotations

import ast
import math
import re

import numpy as np

from .. import autograd as _autograd
from .. import ones_like
from ..autograd.node import FREED, AccumulateGrad
from ..backend import namespace_of
from ._graph import GraphView, fmt

#: More paths than this and the derivation is written node by node.
MAX_PATHS = 64

_INFIX = {"add": "{x} + {y}", "sub": "{x} - {y}", "mul": "{x}*{y}", "div": "{x}/{y}",
          "pow_scalar": "{x}**{exponent}", "pow": "{x}**{y}", "neg": "-{x}", "rpow": "{base}**{x}",
          "rsub": "{other} - {x}", "rsub_tensor": "{y} - {x}", "scalar_add": "{x} + {other}",
          "scalar_sub": "{x} - {other}", "scalar_mul": "{x}*{other}", "scalar_div": "{x}/{other}",
          "mm": "{x} @ {y}", "bmm": "{x} @ {y}", "mv": "{x} @ {y}"}


def _words(view: GraphView, node) -> dict:
    """Each name a formula may use (inputs, attributes, ``out``) -> what it is in this graph."""
    prim = node.prim
    words = {name: view.operand(node, i) for i, name in enumerate(prim.inputs)
             if i < len(node.next_functions)}
    for key, value in {**prim.defaults, **(node._attrs or {})}.items():
        words[key] = fmt(value) if isinstance(value, (int, float, np.number)) else str(value)
    words["out"] = view.name(node)
    return words


def _substitute(text: str, words: dict) -> str:
    return re.sub(r"\b[A-Za-z_]\w*\b", lambda m: words.get(m.group(0), m.group(0)), text)


class _Fold(ast.NodeTransformer):
    """Arithmetic on literal numbers, and the identities x**1 = x, 1*x = x*1 = x."""

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        left, right = node.left, node.right
        nums = [isinstance(s, ast.Constant) and isinstance(s.value, (int, float)) for s in (left, right)]
        if all(nums) and not isinstance(node.op, ast.Pow) or all(nums) and abs(right.value) <= 8:
            try:
                value = eval(compile(ast.Expression(node), "<formula>", "eval"), {"__builtins__": {}})
            except (ArithmeticError, ValueError):
                return node
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            return ast.Constant(value) if value >= 0 else ast.UnaryOp(ast.USub(), ast.Constant(-value))
        if isinstance(node.op, ast.Pow) and nums[1] and right.value == 1:
            return left
        if isinstance(node.op, ast.Mult) and nums[0] and left.value == 1:
            return right
        if isinstance(node.op, (ast.Mult, ast.Div)) and nums[1] and right.value == 1:
            return left
        return node


def _tidy(text: str) -> str:
    """``text`` with literal arithmetic folded, when it is a Python expression."""
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError:
        return text
    return ast.unparse(_Fold().visit(tree)).replace(" ** ", "**").replace(" * ", "*")


def expression(view: GraphView, node) -> str:
    """How ``node``'s output is computed, in the names of the graph (``x*y``, ``sin(a)``)."""
    prim = getattr(node, "prim", None)
    if prim is None:
        return f"{node.name()}({', '.join(view.name(c) for _, c, _ in view.inputs(node))})"
    words = _words(view, node)
    template = _INFIX.get(prim.name)
    if template is not None:
        if words.get("alpha", "1") != "1" and "{y}" in template:
            template = template.replace("{y}", "{alpha}*{y}")
        return template.format(**words)
    args = [words[n] for n in prim.inputs if n in words]
    attrs = [f"{k}={words[k]}" for k in prim.attrs if k in words and k not in ("dtype",)
             and len(words[k]) <= 12]
    return f"{prim.name}({', '.join(args + attrs)})"


def formula(view: GraphView, node, i: int) -> str:
    """The local derivative of ``node``'s output with respect to its input ``i``, symbolic."""
    prim = getattr(node, "prim", None)
    if prim is None or not prim.formulas:
        return f"{node.name()}.backward"
    name = prim.inputs[min(i, len(prim.inputs) - 1)]
    text = prim.formulas.get(name)
    return "?" if text is None else _tidy(_substitute(text, _words(view, node)))


def _check_alive(view: GraphView) -> None:
    for node in view.ops:
        if getattr(node, "_saved", None) is FREED or getattr(node, "_out", None) is FREED:
            raise RuntimeError("chainrule.viz.explain: the graph's saved tensors were freed by an "
                               "earlier backward(); explain before calling backward(), or call "
                               "backward(retain_graph=True)")


def _apply(node, g, xp) -> list:
    """The node's input gradients for the output gradient ``g``, by its own reverse rules."""
    if getattr(node, "_multi", False):
        g = [g] + [None] * (node.n_outputs - 1) if not isinstance(g, list) else g
    return node.apply(g, xp, False)


def _local_numbers(view: GraphView) -> dict:
    """id(node) -> [local derivative of input i] for a graph of 0-d tensors (d out / d in_i)."""
    numbers = {}
    xp = namespace_of(view.output._data)
    for node in view.ops:
        if not isinstance(node, AccumulateGrad):
            grads = _apply(node, xp.ones((), dtype=np.float64), xp)
            numbers[id(node)] = [0.0 if gi is None else float(np.asarray(gi)) for gi in grads]
    return numbers


def _count_paths(view: GraphView, target) -> dict:
    """id(node) -> number of paths from node down to ``target`` (children counted first)."""
    counts: dict = {}
    for node in view.ops:
        counts[id(node)] = 1 if node is target else sum(
            counts[id(child)] for _, child, _ in view.inputs(node))
    return counts


def _paths(view: GraphView, target, counts: dict) -> list:
    """Every path root -> target as [(node, input index), ...] (iteratively, no recursion)."""
    found, stack = [], [(view.root, [])]
    while stack:
        node, steps = stack.pop()
        if node is target:
            found.append(steps)
            continue
        for i, child, _ in reversed(view.inputs(node)):
            if counts[id(child)]:
                stack.append((child, steps + [(node, i)]))
    return found


def _agree(ours: float, theirs: float, dtype) -> bool:
    tol = 1e-9 if dtype == np.float64 else 1e-4
    return math.isclose(ours, theirs, rel_tol=tol, abs_tol=tol) or (math.isnan(ours) and math.isnan(theirs))


def _verdict(ours, theirs, dtype) -> str:
    if theirs is None:
        return "autograd: no gradient flows to it (None)"
    theirs_a = np.asarray(theirs, dtype=np.float64)
    ours_a = np.asarray(ours, dtype=np.float64)
    tol = 1e-9 if dtype == np.float64 else 1e-4
    if ours_a.shape == theirs_a.shape and np.allclose(ours_a, theirs_a, rtol=tol, atol=tol, equal_nan=True):
        return f"autograd: {fmt(theirs)}  -> matches autograd"
    diff = np.max(np.abs(ours_a - theirs_a)) if ours_a.shape == theirs_a.shape else "shapes differ"
    return f"autograd: {fmt(theirs)}  -> DIFFERS from autograd (max difference {diff})"


def _target(view: GraphView, w):
    """The graph node standing for tensor ``w`` (its grad_fn, or its leaf's AccumulateGrad)."""
    node = w.grad_fn if w.grad_fn is not None else getattr(w, "_accum", None)
    return node if node is not None and any(n is node for n in view.ops) else None


def _forward_lines(view: GraphView) -> list:
    lines = ["Forward pass (each result from its inputs):"]
    for node in view.ops:
        value = fmt(view.value(node))
        if isinstance(node, AccumulateGrad):
            lines.append(f"  {view.name(node)} = {value}  (leaf)")
        else:
            lines.append(f"  {view.name(node)} = {expression(view, node)} = {value}  "
                         f"[{node.name().rpartition('::')[2]}]")
    return lines


def _path_lines(view: GraphView, target, paths: list, numbers: dict) -> tuple[list, float]:
    """One line per path (symbols, formulas, numbers, product) and the sum of the products."""
    lines, total, terms = [], 0.0, []
    for steps in paths:
        route = " <- ".join([view.name(n) for n, _ in steps] + [view.name(target)])
        symbols = " · ".join(f"∂{view.name(n)}/∂{view.name(n.next_functions[i][0])}" for n, i in steps)
        formulas = " · ".join(formula(view, n, i) for n, i in steps)
        values = [numbers[id(n)][i] for n, i in steps]
        product = math.prod(values)
        total += product
        terms.append(fmt(product))
        if not steps:
            lines.append(f"  {route}: ∂{route}/∂{route} = 1")
            continue
        lines.append(f"  {route}:  {symbols} = {formulas} = {' · '.join(map(fmt, values))} = {fmt(product)}")
    lines.append(f"  sum = {' + '.join(terms) if terms else '0'} = {fmt(total)}")
    return lines, total


def _reduced_dims(g_shape: tuple, in_shape: tuple) -> tuple:
    lead = len(g_shape) - len(in_shape)
    return tuple(range(lead)) + tuple(lead + k for k, n in enumerate(in_shape)
                                      if n == 1 and g_shape[lead + k] != 1)


def _accumulate(store: dict, node, nr: int, g) -> None:
    slots = store.setdefault(id(node), [None] * getattr(node, "n_outputs", 1))
    slots[nr] = g if slots[nr] is None else slots[nr] + g


def _reverse_lines(view: GraphView) -> tuple[list, dict]:
    """Reverse accumulation node by node; returns the lines and id(node) -> its total gradient."""
    out = view.output
    incoming: dict = {}
    xp = namespace_of(out._data)
    _accumulate(incoming, view.root, out._out_nr, xp.ones(out._data.shape, dtype=out._data.dtype))
    lines = ["Reverse accumulation, node by node (g = ∂f/∂(node's result), 1 at the output):"]
    lines[0] = lines[0].replace("∂f", f"∂{view.name(view.root)}")
    for node in reversed(view.ops):
        slots = incoming.get(id(node))
        if slots is None or isinstance(node, AccumulateGrad):
            if isinstance(node, AccumulateGrad) and slots is not None:
                lines.append(f"  {view.name(node)} (leaf): total gradient {fmt(slots[0])}")
            continue
        g = slots if getattr(node, "_multi", False) else slots[0]
        lines.append(f"  {view.name(node)} = {expression(view, node)}  "
                     f"[{node.name().rpartition('::')[2]}]  g = {fmt(g if not isinstance(g, list) else g[0])}")
        grads = _apply(node, g, xp)
        for i, child, nr in view.inputs(node):
            gi = grads[i]
            if gi is None:
                continue
            text = formula(view, node, i)
            line = (f"      -> {view.name(child)}: local ∂{view.name(node)}/∂{view.name(child)} = {text}; "
                    f"contribution {fmt(gi)}")
            g0 = g[0] if isinstance(g, list) else g
            in_shape = tuple(node._shapes[i])
            dims = _reduced_dims(tuple(g0.shape), in_shape) if len(g0.shape) >= len(in_shape) else ()
            if not re.search(r"\bg\b", text) and dims and g0.size > math.prod(in_shape):
                line += f" (g·local summed over broadcast dims {dims}: {tuple(g0.shape)} -> {in_shape})"
            lines.append(line)
            _accumulate(incoming, child, nr, gi)
    totals = {key: slots[0] for key, slots in incoming.items()}
    return lines, totals


def explain_lines(view: GraphView, wrt: list) -> list:
    """The whole derivation for each tensor in ``wrt``, as lines of text."""
    out = view.output
    root_name = view.name(view.root)
    _check_alive(view)
    lines = [f"{root_name} = {fmt(out._data)}" + ("" if out.dim() == 0 else f"  shape {tuple(out.shape)}")]
    lines += _forward_lines(view)
    ones = None if out.dim() == 0 else ones_like(out)
    theirs = _autograd.grad(out, wrt, grad_outputs=ones, retain_graph=True, allow_unused=True)
    scalar = all(view.shape(n) == () for n in view.ops)
    targets = [_target(view, w) for w in wrt]
    reverse = None
    numbers = _local_numbers(view) if scalar else None
    for w, target, auto in zip(wrt, targets, theirs):
        name = view.name(target) if target is not None else "input"
        expected = None if auto is None else auto._data
        lines.append("")
        if target is None:
            lines.append(f"∂{root_name}/∂{name}: {root_name} does not depend on it; "
                         + _verdict(0.0, expected, w._data.dtype))
            continue
        counts = _count_paths(view, target)
        if scalar and counts[id(view.root)] <= MAX_PATHS:
            n = counts[id(view.root)]
            lines.append(f"∂{root_name}/∂{name}: {n} path{'s' if n != 1 else ''} from {root_name} to {name}, "
                         "each a product of local derivatives (chain rule), summed:")
            path_lines, total = _path_lines(view, target, _paths(view, target, counts), numbers)
            lines += path_lines
            lines.append("  " + _verdict(total, expected, w._data.dtype))
            continue
        if reverse is None:
            reverse = _reverse_lines(view)
            lines += reverse[0] + [""]
        total = reverse[1].get(id(target))
        lines.append(f"∂{root_name}/∂{name} = {fmt(total)}  ({counts[id(view.root)]} path(s), "
                     "summed by the accumulation above)")
        lines.append("  " + _verdict(total, expected, w._data.dtype))
    return lines

