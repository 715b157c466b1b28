"""Time per op against tensor size, torch and chainrule side by side: where overhead gives way
to arithmetic.

    python benchmarks/scaling.py [--lib torch --lib chainrule] [--quick | --smoke] [--repeats N]
                                 [--max-elements N] [--plot PATH | --no-plot] [--threads N] [--append FILE]

Two series, each the very same code as a ``run.py`` workload, at sizes from 10 to 10^7
elements:

- ``ops``: the elementwise chain of ``workloads/ops.py`` (``y*w``, ``y+x``, ``tanh``, ``y-0.1``)
  on shape-(E,) float32 tensors; time per op, forward + backward. The chain is shortened for
  large E (down to 4 ops) so that the tensors it saves for backward fit in memory.
- ``matmul``: ``workloads/matmul.py``'s ``tanh(h @ w)`` layers, four of them, on (n, n)
  float32 tensors with n*n about E (up to 10^6 elements by default: beyond, one size takes
  minutes); time per layer (one matmul + one tanh), forward + backward.

For small tensors the time per op is flat (fixed per-call costs: dispatch, recording the
graph); for large ones it grows with the size (memory bandwidth, then BLAS). Each size is
first run once per library untimed, which also sets how many graphs a sample runs (about
``--budget`` seconds of work); samples then interleave the libraries. Writes a Markdown table
to stdout and a log-log plot to ``benchmarks/scaling.png`` (needs matplotlib: the
``examples`` extra). ``--smoke`` runs two tiny sizes once, only to check that it runs.
"""
from __future__ import annotations

import argparse
import math
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

if __package__ in (None, ""):  # run as a script: import `benchmarks` from the repository root
    sys.path[0] = str(Path(__file__).resolve().parents[1])

from benchmarks._harness import (
    BASELINE,
    add_common_options,
    append_report,
    cell,
    check_common_options,
    command_line,
    details_markdown,
    import_library,
    interleave,
    limit_threads,
    markdown_table,
    ratio_cell,
    ratio_columns,
)

ELEMENTS = (10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000)
MATMUL_MAX_ELEMENTS = 1_000_000
MATMUL_LAYERS = 4
SAVED_FLOATS = 2**24  # ops: shorten the chain so that about this many floats are saved per graph
PLOT = Path(__file__).resolve().parent / "scaling.png"
# mode: (repeats, seconds of work per sample, largest size)
MODES = {"full": (5, 0.3, ELEMENTS[-1]), "quick": (2, 0.05, 1_000_000), "smoke": (1, 0.0, 100)}


@dataclass(frozen=True)
class Series:
    """One curve: a workload run at each size. ``shape(E)`` is the tensor shape used for about E
    elements, ``ops_per_graph(E)`` how many ops one unit of ``seconds_per_op`` runs."""

    name: str
    what: str
    max_elements: int
    shape: Callable[[int], tuple[int, ...]]
    ops_per_graph: Callable[[int], int]
    seconds_per_op: Callable[[ModuleType, int, int], float]  # (lib, E, graphs)


def _chain(elements: int) -> int:
    """Ops per graph for tensors of ``elements``: each op saves up to two of them for backward."""
    return max(4, min(1_000, 4 * (SAVED_FLOATS // (8 * elements))))


def _side(elements: int) -> int:
    return max(1, round(math.sqrt(elements)))


def _series() -> list[Series]:
    from benchmarks.workloads import matmul, ops
    return [
        Series("ops", "elementwise chain (y*w, y+x, tanh, y-0.1), time per op", ELEMENTS[-1],
               lambda e: (e,), _chain,
               lambda lib, e, graphs: ops.run(lib, size=graphs * _chain(e), elements=e, chain=_chain(e))),
        Series("matmul", f"tanh(h @ w) layers, {MATMUL_LAYERS} per graph, time per layer", MATMUL_MAX_ELEMENTS,
               lambda e: (_side(e), _side(e)), lambda e: MATMUL_LAYERS,
               lambda lib, e, graphs: matmul.run(lib, size=graphs, n=_side(e), layers=MATMUL_LAYERS) / MATMUL_LAYERS),
    ]


def measure(series: Series, elements: int, libs: list[ModuleType], repeats: int, budget: float) -> dict[str, list]:
    """µs per op for each library at one size: a warm-up graph each, then interleaved samples of
    as many graphs as fit in ``budget`` seconds for the slower library."""
    warm = [series.seconds_per_op(lib, elements, 1) for lib in libs]
    graphs = max(1, round(budget / max(1e-9, max(warm) * series.ops_per_graph(elements))))
    return interleave(lambda lib: series.seconds_per_op(lib, elements, graphs) * 1e6, libs, repeats,
                      f"{series.name} {math.prod(series.shape(elements)):,}", "µs/op")


def table(results: list[tuple[Series, int, dict[str, list]]], names: list[str]) -> str:
    """One row per series and size: medians [min–max] in µs per op, and the ratio to the baseline."""
    others = ratio_columns(names)
    headers = ["series", "elements", "shape"] + [f"{n} µs/op" for n in names] + [f"{n}/{BASELINE}" for n in others]
    rows = []
    for series, elements, samples in results:
        shape = series.shape(elements)
        rows.append([series.name, f"{math.prod(shape):,}", str(shape)] + [cell(samples[n]) for n in names]
                    + [ratio_cell(samples[n], samples[BASELINE]) for n in others])
    return markdown_table(headers, rows, "lrl" + "r" * (len(headers) - 3))


def _pyplot() -> Any:
    try:
        import matplotlib
    except ImportError as exc:
        raise SystemExit("scaling.py draws its plot with matplotlib, which is not installed: "
                         "pip install matplotlib (or chainrule's extra: pip install -e '.[examples]'), "
                         "or pass --no-plot") from exc
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def plot(results: list[tuple[Series, int, dict[str, list]]], names: list[str], path: Path) -> None:
    """Log-log time per op against elements, one panel per series, one line per library, with
    [min–max] as error bars."""
    plt = _pyplot()
    series = list(dict.fromkeys(s for s, _, _ in results))
    fig, axes = plt.subplots(1, len(series), figsize=(6 * len(series), 4.5), squeeze=False)
    for ax, s in zip(axes[0], series):
        rows = [(math.prod(s.shape(e)), samples) for t, e, samples in results if t is s]
        x = [e for e, _ in rows]
        for name in names:
            med = [statistics.median(samples[name]) for _, samples in rows]
            low = [m - min(samples[name]) for m, (_, samples) in zip(med, rows)]
            high = [max(samples[name]) - m for m, (_, samples) in zip(med, rows)]
            ax.errorbar(x, med, yerr=[low, high], marker="o", capsize=3, label=name)
        ax.set(xscale="log", yscale="log", xlabel="elements per tensor", ylabel="µs per op", title=s.what)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    print(f"wrote {path}", file=sys.stderr)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_common_options(parser)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="sizes up to 10^6 elements, 2 repeats, short samples")
    mode.add_argument("--smoke", action="store_true", help="sizes 10 and 100, one graph, once: checks that it runs")
    parser.add_argument("--repeats", type=int, help="samples per library and size (default: 5, 2 with --quick)")
    parser.add_argument("--budget", type=float, help="seconds of work per sample (default: 0.3, 0.05 with --quick)")
    parser.add_argument("--max-elements", type=int, metavar="N", help="skip sizes above N elements")
    parser.add_argument("--plot", type=Path, default=PLOT, metavar="PATH", help=f"where to write the plot "
                        f"(default: {PLOT.relative_to(PLOT.parents[1])})")
    parser.add_argument("--no-plot", action="store_true", help="write no plot (no matplotlib needed)")
    args = parser.parse_args(argv)
    check_common_options(parser, args)
    repeats, budget, largest = MODES["smoke" if args.smoke else "quick" if args.quick else "full"]
    args.repeats = args.repeats or repeats
    args.budget = budget if args.budget is None else args.budget
    args.max_elements = args.max_elements or largest
    if args.repeats < 1 or args.budget < 0 or args.max_elements < 1:
        parser.error("--repeats and --max-elements must be positive, --budget not negative")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.threads is not None:
        limit_threads(args.threads)
    if not args.no_plot:
        _pyplot()  # fail now, not after minutes of measuring
    libs = [import_library(name, args.threads) for name in args.libs]
    results = []
    for series in _series():
        for elements in ELEMENTS:
            if elements <= min(series.max_elements, args.max_elements):
                results.append((series, elements, measure(series, elements, libs, args.repeats, args.budget)))
    legend = "\n".join(f"- `{s.name}`: {s.what}." for s in dict.fromkeys(s for s, _, _ in results))
    note = (f"Median of {args.repeats} sample{'s' * (args.repeats > 1)} per size, [min–max] over samples; "
            "lower is better." + (" Smoke run (--smoke): these numbers measure nothing." if args.smoke else ""))
    body = f"{details_markdown(libs)}\n\n{table(results, args.libs)}\n\n{note}\n\n{legend}"
    print(f"## Scaling: time per op against size\n\n{body}")
    if not args.no_plot:
        plot(results, args.libs, args.plot)
    if args.append:
        append_report(args.append, command_line("scaling.py", argv), body)


if __name__ == "__main__":
    main()
