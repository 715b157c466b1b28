"""A strict reader of arithmetic expressions for the command line (never ``eval``).

Allowed: numbers, names bound on the command line, ``+ - * / **``, unary ``-``/``+``,
and calls of one argument to a fixed set of chainrule math functions. Everything else
(attributes, subscripts, strings, lambdas, comprehensions, keywords, dunder names ...)
is refused with the column where it starts.
"""
from __future__ import annotations

import ast

import chainrule as _chainrule

from .. import _tensor, float64, tensor

MAX_LENGTH = 500       # characters of input
MAX_DEPTH = 32         # nesting of operations
MAX_NODES = 200        # operations and operands in all
MAX_NUMBER = 1e6       # magnitude of a literal number
MAX_EXPONENT = 16      # magnitude of a literal exponent

#: The functions an expression may call.
FUNCTIONS = ("sin", "cos", "tan", "exp", "log", "tanh", "sigmoid", "relu", "sqrt", "abs",
             "sinh", "cosh", "asin", "acos", "atan", "log1p", "expm1", "erf")

_BINARY = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
           ast.Div: lambda a, b: a / b, ast.Pow: lambda a, b: a ** b}
_UNARY = {ast.USub: lambda a: -a, ast.UAdd: lambda a: a}
_NAMES = {ast.Attribute: "attribute access", ast.Subscript: "subscripts", ast.Lambda: "lambdas",
          ast.ListComp: "comprehensions", ast.SetComp: "comprehensions", ast.DictComp: "comprehensions",
          ast.GeneratorExp: "comprehensions", ast.Compare: "comparisons", ast.BoolOp: "boolean operators",
          ast.IfExp: "conditional expressions", ast.NamedExpr: "assignments", ast.Starred: "starred arguments",
          ast.JoinedStr: "strings", ast.List: "lists", ast.Tuple: "tuples", ast.Dict: "dicts", ast.Set: "sets",
          ast.Await: "await", ast.Yield: "yield", ast.YieldFrom: "yield"}


class ExpressionError(ValueError):
    """A refused expression; ``col`` is the 1-based column where the problem starts."""

    def __init__(self, col: int, message: str) -> None:
        super().__init__(f"column {col}: {message}")
        self.col = col


def _fail(node: ast.AST, message: str):
    raise ExpressionError(getattr(node, "col_offset", 0) + 1, message)


def parse(text: str) -> ast.Expression:
    """``text`` as a checked syntax tree (shape and limits only; names are checked later)."""
    if len(text) > MAX_LENGTH:
        raise ExpressionError(MAX_LENGTH + 1, f"expression longer than {MAX_LENGTH} characters")
    if "\n" in text or "\r" in text:
        raise ExpressionError(text.find("\n") + 1 if "\n" in text else text.find("\r") + 1,
                              "an expression is one line")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as err:
        detail = "" if err.msg == "invalid syntax" else f" ({err.msg})"
        raise ExpressionError(err.offset or 1, f"invalid syntax{detail}") from None
    count = 0
    stack = [(tree.body, 1)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if depth > MAX_DEPTH:
            _fail(node, f"expression nested deeper than {MAX_DEPTH} levels")
        if count > MAX_NODES:
            _fail(node, f"expression has more than {MAX_NODES} parts")
        stack.extend((child, depth + 1) for child in _children(node))
    return tree


def _children(node: ast.AST) -> list:
    """The operands of an allowed node; refuses every other kind of node."""
    if isinstance(node, ast.BinOp):
        if type(node.op) not in _BINARY:
            _fail(node, f"operator {type(node.op).__name__} is not allowed (use + - * / **)")
        if isinstance(node.op, ast.Pow) and isinstance(node.right, ast.Constant) and isinstance(
                node.right.value, (int, float)) and abs(node.right.value) > MAX_EXPONENT:
            _fail(node.right, f"exponent larger than {MAX_EXPONENT}")
        return [node.left, node.right]
    if isinstance(node, ast.UnaryOp):
        if type(node.op) not in _UNARY:
            _fail(node, f"operator {type(node.op).__name__} is not allowed")
        return [node.operand]
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            _fail(node, f"{type(node.value).__name__} constants are not allowed (numbers only)")
        if abs(node.value) > MAX_NUMBER:
            _fail(node, f"number larger than {MAX_NUMBER:g}")
        return []
    if isinstance(node, ast.Name):
        if node.id.startswith("__") or node.id.endswith("__"):
            _fail(node, f"dunder names are not allowed: {node.id!r}")
        return []
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            what = node.func.id if isinstance(node.func, ast.Name) else "this"
            _fail(node, f"calling {what!r} is not allowed (allowed: {', '.join(FUNCTIONS)})")
        if node.keywords or len(node.args) != 1:
            _fail(node, f"{node.func.id}() takes exactly one positional argument")
        return list(node.args)
    _fail(node, f"{_NAMES.get(type(node), type(node).__name__)} not allowed")


def evaluate(text: str, values: dict) -> tuple:
    """Evaluate ``text`` with ``values`` (name -> Tensor) bound; returns (result, intermediates).

    ``intermediates`` lists every Tensor the expression computed, in the order computed.
    """
    tree = parse(text)
    made: list = []
    # evaluation order follows Python's (left operand first), iteratively: no recursion limit
    results: dict = {}
    stack = [(tree.body, False)]
    while stack:
        node, ready = stack.pop()
        if not ready:
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(_children(node)))
            continue
        results[id(node)] = _apply(node, results, values)
        if isinstance(results[id(node)], _tensor.Tensor) and not isinstance(node, ast.Name):
            made.append(results[id(node)])
    result = results[id(tree.body)]
    if not isinstance(result, _tensor.Tensor):
        raise ExpressionError(1, "the expression uses no variable")
    return result, made


def _apply(node: ast.AST, results: dict, values: dict):
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.Name):
        if node.id not in values:
            _fail(node, f"name {node.id!r} is not bound (give it as {node.id}=VALUE)")
        return values[node.id]
    if isinstance(node, ast.BinOp):
        left, right = results[id(node.left)], results[id(node.right)]
        if isinstance(node.op, ast.Pow) and not isinstance(right, _tensor.Tensor) and abs(right) > MAX_EXPONENT:
            _fail(node.right, f"exponent larger than {MAX_EXPONENT}")
        try:
            return _BINARY[type(node.op)](left, right)
        except (ArithmeticError, ValueError) as err:
            _fail(node, f"cannot compute: {err}")
    if isinstance(node, ast.UnaryOp):
        return _UNARY[type(node.op)](results[id(node.operand)])
    arg = results[id(node.args[0])]
    if not isinstance(arg, _tensor.Tensor):
        arg = tensor(arg, dtype=float64)
    return getattr(_chainrule, node.func.id)(arg)
