"""Measure each workload for each library, side by side, and print a Markdown report.

    python benchmarks/run.py [--lib torch --lib chainrule] [--only NAME ...] [--repeats N]
                             [--quick | --smoke] [--size N] [--threads N] [--append FILE]

Libraries are interleaved repeat by repeat (torch, chainrule, torch, chainrule, ...) so that
drift on a shared machine hits them alike. Each library first gets one unmeasured warm-up
call (imports, caches, first-touch allocations), except in smoke runs and in workloads that
run every sample in a fresh process (peak memory). The report gives, per library, the median
measurement with [min-max] over the repeats, in the workload's metric (time per unit, or
e.g. MiB), and the ratio of each library's median to torch's with [min-max] of the
per-repeat ratios (one repeat's libraries ran back to back). Lower is better for every metric.

``--quick`` uses smaller sizes and fewer repeats; ``--smoke`` runs each workload once on a
tiny problem, only to check that it runs (its numbers mean nothing). ``--threads N`` sets the
OpenMP/OpenBLAS/MKL thread counts before NumPy and torch load; the report lists them.
Progress goes to stderr, the report to stdout (and, with ``--append FILE``, to FILE).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from types import ModuleType

if __package__ in (None, ""):  # run as a script: import `benchmarks` from the repository root
    sys.path[0] = str(Path(__file__).resolve().parents[1])

from benchmarks import _fresh
from benchmarks._harness import (
    BASELINE,
    Workload,
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
    select,
)

DEFAULT_REPEATS, QUICK_REPEATS, SMOKE_REPEATS = 7, 3, 1


def measure(workload: Workload, libs: list[ModuleType], size: int, repeats: int, smoke: bool = False,
            threads: int | None = None) -> dict[str, list[float]]:
    """The workload's measurement for each library, one sample per repeat, libraries interleaved,
    after a warm-up call each (none in a smoke run, or where every sample has a fresh process)."""
    if workload.fresh_process:
        def sample(lib: ModuleType) -> float:
            return _fresh.sample(workload, lib.__name__, size, smoke, threads)
    else:
        def sample(lib: ModuleType) -> float:
            return workload.run(lib, size, smoke)

        for lib in [] if smoke else libs:
            workload.run(lib, min(size, workload.size(quick=True)))
    return interleave(sample, libs, repeats, workload.name, workload.label)


def report(results: dict[str, dict[str, list[float]]], workloads: list[Workload], names: list[str],
           sizes: dict[str, int], repeats: int, smoke: bool = False) -> str:
    """The results table: medians [min–max] in each workload's metric, and each library's ratio to
    the baseline."""
    others = ratio_columns(names)
    headers = ["workload", "size", "metric"] + names + [f"{n}/{BASELINE}" for n in others]
    rows = []
    for w in workloads:
        samples = results[w.name]
        rows.append([w.name, f"{sizes[w.name]:,} × {w.unit}", w.label] + [cell(samples[n]) for n in names]
                    + [ratio_cell(samples[n], samples[BASELINE]) for n in others])
    legend = "\n".join(f"- `{w.name}`: {w.summary}" for w in workloads)
    note = f"Median of {repeats} repeat{'s' * (repeats > 1)}, [min–max] over repeats; lower is better" + (
        "; ratios are of medians, [min–max] of the per-repeat ratios." if others else ".")
    if smoke:
        note = "Smoke run (--smoke): tiny problems, one repeat; these numbers measure nothing."
    return markdown_table(headers, rows, "lrl" + "r" * (len(headers) - 3)) + f"\n\n{note}\n\n{legend}"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_common_options(parser)
    parser.add_argument("--only", action="append", metavar="NAME", help="run only this workload (repeatable)")
    parser.add_argument("--repeats", type=int, help=f"measured repeats per library (default {DEFAULT_REPEATS}, "
                                                    f"{QUICK_REPEATS} with --quick, {SMOKE_REPEATS} with --smoke)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="smaller sizes and fewer repeats")
    mode.add_argument("--smoke", action="store_true",
                      help="one unit of each workload on a tiny problem, once: checks that it runs, measures nothing")
    parser.add_argument("--size", type=int, help="units per measured call, overriding every workload's default")
    args = parser.parse_args(argv)
    check_common_options(parser, args)
    args.repeats = args.repeats or (SMOKE_REPEATS if args.smoke else QUICK_REPEATS if args.quick else DEFAULT_REPEATS)
    if args.repeats < 1 or (args.size is not None and args.size < 1):
        parser.error("--repeats and --size must be positive")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.threads is not None:
        limit_threads(args.threads)
    workloads = select(args.only)
    libs = [import_library(name, args.threads) for name in args.libs]
    results, sizes = {}, {}
    for w in workloads:
        sizes[w.name] = args.size or (1 if args.smoke else w.size(args.quick))
        results[w.name] = measure(w, libs, sizes[w.name], args.repeats, args.smoke, args.threads)
    body = f"{details_markdown(libs)}\n\n{report(results, workloads, args.libs, sizes, args.repeats, args.smoke)}"
    print(f"## Benchmarks\n\n{body}")
    if args.append:
        append_report(args.append, command_line("run.py", argv), body)


if __name__ == "__main__":
    main()
