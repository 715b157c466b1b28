"""Time each workload for each library, side by side, and print a Markdown report.

    python benchmarks/run.py --lib torch --lib chainrule [--only NAME ...] [--repeats N] [--quick]

Libraries are interleaved repeat by repeat (torch, chainrule, torch, chainrule, ...) so that
drift on a shared machine hits them alike. Each library first gets one untimed warm-up call
(imports, caches, first-touch allocations). The report gives, per library, the median time
per unit with [min-max] over the repeats, and the ratio of each library's median to torch's
with [min-max] of the per-repeat ratios (one repeat's libraries ran back to back).
Progress goes to stderr, the report to stdout.
"""
from __future__ import annotations

import argparse
import gc
import statistics
import sys
from pathlib import Path
from types import ModuleType

if __package__ in (None, ""):  # run as a script: import `benchmarks` from the repository root
    sys.path[0] = str(Path(__file__).resolve().parents[1])

from benchmarks._harness import Workload, import_library, machine_details, markdown_table, select

BASELINE = "torch"
DEFAULT_REPEATS, QUICK_REPEATS = 7, 3


def measure(workload: Workload, libs: list[ModuleType], size: int, repeats: int) -> dict[str, list[float]]:
    """Seconds per unit for each library, one sample per repeat, libraries interleaved."""
    warmup = min(size, workload.size(quick=True))
    for lib in libs:
        workload.run(lib, warmup)
    samples: dict[str, list[float]] = {lib.__name__: [] for lib in libs}
    for repeat in range(repeats):
        for lib in libs:
            gc.collect()  # start each sample without the previous one's garbage
            samples[lib.__name__].append(workload.run(lib, size))
        progress = ", ".join(f"{name} {times[-1] * 1e6:.2f}" for name, times in samples.items())
        print(f"  {workload.name} repeat {repeat + 1}/{repeats}: {progress} µs/{workload.unit}",
              file=sys.stderr, flush=True)
    return samples


def _us(seconds: float) -> str:
    us = seconds * 1e6
    return f"{us:.1f}" if us >= 10 else f"{us:.2f}" if us >= 1 else f"{us:.3f}"


def _cell(times: list[float]) -> str:
    return f"{_us(statistics.median(times))} [{_us(min(times))}–{_us(max(times))}]"


def _ratio_cell(times: list[float], base: list[float]) -> str:
    paired = [t / b for t, b in zip(times, base)]
    return f"**{statistics.median(times) / statistics.median(base):.2f}×** [{min(paired):.2f}–{max(paired):.2f}]"


def report(results: dict[str, dict[str, list[float]]], workloads: list[Workload], names: list[str],
           sizes: dict[str, int], repeats: int) -> str:
    """The results table: medians in µs per unit, and each library's ratio to the baseline."""
    others = [n for n in names if n != BASELINE] if BASELINE in names else []
    headers = ["workload", "unit", "size"] + [f"{n} µs/unit" for n in names] + [f"{n}/{BASELINE}" for n in others]
    rows = []
    for w in workloads:
        samples = results[w.name]
        rows.append([w.name, w.unit, f"{sizes[w.name]:,}"] + [_cell(samples[n]) for n in names]
                    + [_ratio_cell(samples[n], samples[BASELINE]) for n in others])
    legend = "\n".join(f"- `{w.name}`: {w.summary}" for w in workloads)
    note = f"Median of {repeats} repeat{'s' * (repeats > 1)}, [min–max] over repeats" + (
        "; ratios are of medians, [min–max] of the per-repeat ratios." if others else ".")
    return markdown_table(headers, rows, "llr" + "r" * (len(headers) - 3)) + f"\n\n{note}\n\n{legend}"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lib", action="append", dest="libs", metavar="MODULE",
                        help="library to time, repeatable (default: --lib torch --lib chainrule)")
    parser.add_argument("--only", action="append", metavar="NAME", help="run only this workload (repeatable)")
    parser.add_argument("--repeats", type=int, help=f"timed repeats per library (default {DEFAULT_REPEATS}, "
                                                    f"{QUICK_REPEATS} with --quick)")
    parser.add_argument("--quick", action="store_true", help="smaller sizes and fewer repeats: a smoke run")
    parser.add_argument("--size", type=int, help="units per timed call, overriding every workload's default")
    args = parser.parse_args(argv)
    args.libs = list(dict.fromkeys(args.libs or [BASELINE, "chainrule"]))
    args.repeats = args.repeats or (QUICK_REPEATS if args.quick else DEFAULT_REPEATS)
    if args.repeats < 1 or (args.size is not None and args.size < 1):
        parser.error("--repeats and --size must be positive")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    libs = [import_library(name) for name in args.libs]
    workloads = select(args.only)
    results, sizes = {}, {}
    for w in workloads:
        sizes[w.name] = args.size or w.size(args.quick)
        results[w.name] = measure(w, libs, sizes[w.name], args.repeats)
    details = "\n".join(f"- {label}: {value}" for label, value in machine_details(libs))
    print(f"## Benchmarks\n\n{details}\n\n{report(results, workloads, args.libs, sizes, args.repeats)}")


if __name__ == "__main__":
    main()
