"""The command line: ``python -m chainrule demo``."""
from __future__ import annotations

import argparse
import sys
import warnings

import chainrule as torch


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


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m chainrule``."""
    parser = argparse.ArgumentParser(prog="python -m chainrule")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("demo", help="the seed example: value, gradients, accumulation, pitfalls")
    args = parser.parse_args(argv)
    if args.command == "demo":
        demo()
    return 0


if __name__ == "__main__":
    sys.exit(main())
