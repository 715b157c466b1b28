"""Profile one workload with one library (chainrule by default) and show where the time goes.

    python benchmarks/profile.py NAME [--lib chainrule] [--size N] [--top 25] [--tree]

Runs the workload once untimed to warm up, then once under cProfile, and prints the top
functions by own time (tottime) and by inclusive time (cumtime) as Markdown tables, each
with its share of the profiled total. ``--tree`` also prints pyinstrument's call tree from
a second, sampled run (needs ``pip install pyinstrument``). cProfile's per-call overhead
inflates the many-small-calls code it measures: read the shares, not the absolute times.
"""
from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path
from types import ModuleType

# Run as a script, this folder heads sys.path and this file would shadow the stdlib's
# `profile`, which cProfile imports: import from the repository root instead.
if __package__ in (None, ""):
    sys.path[0] = str(Path(__file__).resolve().parents[1])

import cProfile
import pstats

from benchmarks._harness import ROOT, Workload, discover, import_library, markdown_table, number


def _where(filename: str, line: int) -> str:
    """``file:line``, the file relative to this repository or else to its sys.path entry."""
    if filename == "~":
        return "built-in"
    path = Path(filename)
    roots = [ROOT] + [Path(entry).resolve() for entry in sys.path if entry]
    under = [root for root in roots if path.is_relative_to(root)]
    if under:
        path = path.relative_to(ROOT if ROOT in under else max(under, key=lambda r: len(r.parts)))
    return f"{path}:{line}"


def hot_spots(stats: pstats.Stats, key: str, top: int) -> str:
    """The ``top`` functions by ``key`` ("tottime" or "cumtime") as a Markdown table."""
    entries = stats.stats  # {(file, line, func): (primitive calls, calls, tottime, cumtime, callers)}
    total = sum(tt for _, _, tt, _, _ in entries.values()) or 1.0
    column = 2 if key == "tottime" else 3
    ranked = sorted(entries.items(), key=lambda item: item[1][column], reverse=True)[:top]
    rows = []
    for (filename, line, func), (_, calls, tt, ct, _) in ranked:
        rows.append([f"{tt / total:.1%}", f"{ct / total:.1%}", f"{tt:.3f}", f"{ct:.3f}", f"{calls:,}",
                     f"{tt / calls * 1e6:.2f}", f"`{func}`", _where(filename, line)])
    headers = ["tottime %", "cumtime %", "tottime s", "cumtime s", "calls", "µs/call (own)", "function", "where"]
    return markdown_table(headers, rows, "rrrrrr")


class GCTimer:
    """Counts the cyclic garbage collector's passes and time (cProfile charges them to whatever
    function happened to allocate, so they hide inside other functions' tottime)."""

    def __init__(self) -> None:
        self.passes, self.seconds, self._start = [0, 0, 0], 0.0, 0.0

    def __enter__(self) -> GCTimer:
        gc.collect()
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc_info: object) -> None:
        gc.callbacks.remove(self._callback)

    def _callback(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._start
            self.passes[info["generation"]] += 1


def profile(workload: Workload, lib: ModuleType, size: int) -> tuple[pstats.Stats, float, GCTimer]:
    """cProfile one ``size``-unit call of the workload: its stats, its measurement, GC time."""
    workload.run(lib, workload.size(quick=True))
    profiler = cProfile.Profile()
    with GCTimer() as gc_timer:
        measured = profiler.runcall(workload.run, lib, size)
    return pstats.Stats(profiler), measured, gc_timer


def tree(workload: Workload, lib: ModuleType, size: int) -> str:
    """pyinstrument's call tree of one ``size``-unit call of the workload."""
    try:
        from pyinstrument import Profiler
    except ImportError:
        return "(pyinstrument is not installed: `pip install pyinstrument` for the call tree)"
    profiler = Profiler(interval=0.0002)
    profiler.start()
    workload.run(lib, size)
    profiler.stop()
    return profiler.output_text(unicode=True, color=False, show_all=False)


def main(argv: list[str] | None = None) -> None:
    available = discover()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("name", choices=available, help="workload to profile")
    parser.add_argument("--lib", default="chainrule", help="library to profile (default chainrule)")
    parser.add_argument("--size", type=int, help="units of work (default: the workload's SIZE)")
    parser.add_argument("--top", type=int, default=25, help="rows per table (default 25)")
    parser.add_argument("--tree", action="store_true", help="also print pyinstrument's call tree")
    args = parser.parse_args(argv)
    workload, lib = available[args.name], import_library(args.lib)
    size = args.size or workload.size()

    stats, measured, gc_timer = profile(workload, lib, size)
    total = sum(tt for _, _, tt, _, _ in stats.stats.values())
    print(f"## Profile of `{workload.name}` with {lib.__name__} {getattr(lib, '__version__', '')}\n\n"
          f"{workload.summary}\n\n{size:,} {workload.unit}s: {number(measured)} {workload.label} under "
          f"cProfile, {total:.2f} s profiled in all; of it, garbage collection {gc_timer.seconds:.3f} s "
          f"({gc_timer.seconds / total:.1%}) in {'/'.join(map(str, gc_timer.passes))} passes of "
          f"generation 0/1/2.\n")
    for key, title in (("tottime", "own time (tottime)"), ("cumtime", "inclusive time (cumtime)")):
        print(f"### Top {args.top} by {title}\n\n{hot_spots(stats, key, args.top)}\n")
    if args.tree:
        print(f"### Call tree (pyinstrument)\n\n```\n{tree(workload, lib, size)}\n```")


if __name__ == "__main__":
    main()
