"""The command line: ``python -m chainrule demo`` and ``python -m chainrule explain EXPR x=2 ...``."""
from __future__ import annotations

import argparse
import sys
import warnings

import chainrule as torch
from chainrule.viz._expression import FUNCTIONS, MAX_NUMBER, ExpressionError, evaluate

_PROG = "python -m chainrule"


def _show(title: str) -> None:
    print(f"\n== {title} " + "=" * max(0, 70 - len(title)))


def _pitfall(code: str, fix: str, namespace: dict) -> None:
    """Run ``code``, print the warning/error PyTorch would give, then the right way."""
    print(">>> " + code.replace("\n", "\n... "))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            exec(code, namespace)  # noqa: S102 - fixed demo snippets, no user input
        except Exception as err:  # the point of the demo is to show the error
            print(f"{type(err).__name__}: {str(err).splitlines()[0]}")
    for w in caught:
        print(f"{w.category.__name__}: {str(w.message)[:90]}...")
    print("Right way:\n>>> " + fix.replace("\n", "\n... "))
    exec(fix, namespace)  # noqa: S102


def demo() -> None:
    """Walk through the seed tutorial's example and its three pitfalls."""
    _show("f(x, y) = x**2 + x*y + (x+y)**2 at x = y = 2")
    x = torch.tensor(2.0, requires_grad=True)
    y = torch.tensor(2.0, requires_grad=True)
    f = x**2 + x * y + (x + y) ** 2
    print("f =", repr(f))
    f.backward(retain_graph=True)
    print("df/dx = 2x + y + 2(x+y) =", x.grad, "  df/dy = x + 2(x+y) =", y.grad)
    f.backward(retain_graph=True)
    print("after a second backward(retain_graph=True), .grad accumulates:", x.grad, y.grad)
    x.grad = None
    y.grad.zero_()
    f.backward()
    print("after resetting (x.grad = None, y.grad.zero_()) and one more backward:",
          x.grad, y.grad)

    _show("Pitfall 1: updating a parameter in place outside no_grad")
    ns: dict = {"torch": torch}
    _pitfall("w = torch.tensor(1.0, requires_grad=True)\n(w + 1).backward()\nw -= w.grad",
             "with torch.no_grad():\n    w -= w.grad\nprint(w)", ns)

    _show("Pitfall 2: `w = w - w.grad` makes w a non-leaf")
    _pitfall("w = torch.tensor(1.0, requires_grad=True)\n(w + 1).backward()\nw = w - w.grad\n"
             "(w + 1).backward()\nw = w - w.grad",
             "w = torch.tensor(1.0, requires_grad=True)\n(w + 1).backward()\n"
             "with torch.no_grad():\n    w -= w.grad\nprint(w, w.is_leaf)", ns)

    _show("Pitfall 3: reassigning inside no_grad drops requires_grad")
    _pitfall("w = torch.tensor(1.0, requires_grad=True)\n(w + 1).backward()\n"
             "with torch.no_grad():\n    w = w - w.grad\n(w + 1).backward()",
             "w = torch.tensor(1.0, requires_grad=True)\n(w + 1).backward()\n"
             "with torch.no_grad():\n    w -= w.grad\nw.grad.zero_()\n(w + 1).backward()\n"
             "print(w, w.grad)", ns)


def _bindings(pairs: list) -> dict:
    """``["x=2", "y=-1.5"]`` -> {name: 0-d float64 leaf requiring grad}; ValueError if malformed."""
    values: dict = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        name = name.strip()
        if not sep or not name.isidentifier() or name.startswith("__") or name in FUNCTIONS:
            raise ValueError(f"bad variable {pair!r}: expected NAME=NUMBER with a plain name")
        try:
            number = float(text)
        except ValueError:
            raise ValueError(f"bad value in {pair!r}: {text!r} is not a number") from None
        if not abs(number) <= MAX_NUMBER:
            raise ValueError(f"bad value in {pair!r}: numbers are limited to {MAX_NUMBER:g}")
        values[name] = torch.tensor(number, dtype=torch.float64, requires_grad=True)
    return values


def _named(values: dict, made: list) -> dict:
    """Names for the picture and the derivation: the variables, then a, b, c ... in the order
    the expression computed them (as the seed tutorial names them), the result ``f``."""
    names = dict(values)
    final = "f" if "f" not in values else "out"
    letters = (c for c in "abcdeghijklmnopqrstuvwxyz" if c not in values and c != final)
    for t in made[:-1]:
        names[next(letters, None) or f"t{len(names)}"] = t
    names[final] = made[-1]
    return names


def explain(expression: str, pairs: list, svg: str | None) -> int:
    """Print the value, the gradients and their derivation; write the picture to ``svg``."""
    values = _bindings(pairs)
    try:
        result, made = evaluate(expression, values)
    except ExpressionError as err:
        print(f"{_PROG} explain: error: {err}", file=sys.stderr)
        return 2
    names = _named(values, made)
    final = next(n for n, t in names.items() if t is result)
    print(f"{final}({', '.join(values)}) = {expression}")
    print("at " + ", ".join(f"{n} = {torch.viz._graph.fmt(t._data)}" for n, t in values.items()))
    grads = torch.autograd.grad(result, list(values.values()), retain_graph=True, allow_unused=True)
    print(f"{final} = {torch.viz._graph.fmt(result._data)}; " + ", ".join(
        f"∂{final}/∂{n} = {torch.viz._graph.fmt(0.0 if g is None else g._data)}" for n, g in zip(values, grads)))
    print()
    torch.viz.explain(result, list(values.values()), params=names)
    if svg:
        try:
            torch.viz.draw(result, params=names).save(svg)
            print(f"\npicture written to {svg}")
        except (ImportError, RuntimeError) as err:
            print(f"\npicture skipped: {err}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m chainrule``."""
    parser = argparse.ArgumentParser(prog=_PROG)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("demo", help="the seed example: value, gradients, accumulation, pitfalls")
    ex = sub.add_parser("explain", help="value, gradients and the chain rule for an expression")
    ex.add_argument("expression", help='e.g. "x**2 + x*y + (x+y)**2"; + - * / **, numbers, '
                    f"and {', '.join(FUNCTIONS)}")
    ex.add_argument("values", nargs="+", metavar="NAME=NUMBER", help="the variables, e.g. x=2 y=2")
    ex.add_argument("--svg", metavar="PATH", help="also draw the graph to PATH (.svg, .png or .dot)")
    args = parser.parse_args(argv)
    if args.command == "demo":
        demo()
    elif args.command == "explain":
        try:
            return explain(args.expression, args.values, args.svg)
        except ValueError as err:
            print(f"{_PROG} explain: error: {err}", file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
