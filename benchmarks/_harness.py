"""What ``run.py``, ``scaling.py`` and ``profile.py`` share: finding workloads, importing
libraries with a thread setting, describing the machine, measuring libraries interleaved,
and writing Markdown tables and reports."""
from __future__ import annotations

import argparse
import datetime
import gc
import importlib
import os
import pkgutil
import platform
import re
import shlex
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Callable

from benchmarks import workloads

ROOT = Path(__file__).resolve().parents[1]
BASELINE = "torch"
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
ENV_VARS = ("OPENBLAS_CORETYPE", *THREAD_VARS)
TIME_UNITS = {"s": 1.0, "ms": 1e3, "µs": 1e6}


@dataclass(frozen=True)
class Workload:
    """One module of ``benchmarks/workloads`` (see its package docstring for the contract)."""

    name: str
    module: ModuleType

    @property
    def unit(self) -> str:
        return self.module.UNIT

    @property
    def summary(self) -> str:
        return (self.module.__doc__ or self.name).strip().splitlines()[0]

    @property
    def metric(self) -> str:
        return getattr(self.module, "METRIC", "µs")

    @property
    def fresh_process(self) -> bool:
        return getattr(self.module, "FRESH_PROCESS", False)

    @property
    def label(self) -> str:
        """What the report's numbers are: ``µs/op``, ``ms/step``, ``MiB``."""
        return f"{self.metric}/{self.unit}" if self.metric in TIME_UNITS else self.metric

    def size(self, quick: bool = False) -> int:
        return self.module.QUICK_SIZE if quick else self.module.SIZE

    def run(self, lib: ModuleType, size: int, smoke: bool = False) -> float:
        """``run``'s measurement for ``size`` units with ``lib``, in the report's metric."""
        dims = getattr(self.module, "SMOKE", {}) if smoke else {}
        value = self.module.run(lib, size=size, **dims)
        return value * TIME_UNITS.get(self.metric, 1.0)


def discover() -> dict[str, Workload]:
    """All workloads by name, in alphabetical order."""
    found = {}
    for info in sorted(pkgutil.iter_modules(workloads.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{workloads.__name__}.{info.name}")
        missing = [a for a in ("UNIT", "SIZE", "QUICK_SIZE", "run") if not hasattr(module, a)]
        if missing:
            raise AttributeError(f"workload {info.name!r} lacks {', '.join(missing)}")
        found[info.name] = Workload(info.name, module)
    return found


def select(names: list[str] | None) -> list[Workload]:
    """The workloads named (all of them when ``names`` is empty), or SystemExit on a bad name."""
    available = discover()
    unknown = [n for n in names or [] if n not in available]
    if unknown:
        raise SystemExit(f"unknown workload(s) {', '.join(unknown)}; available: {', '.join(available)}")
    return [available[n] for n in names] if names else list(available.values())


def limit_threads(threads: int) -> None:
    """Ask OpenMP, OpenBLAS and MKL for ``threads`` threads each.

    BLAS libraries read these variables once, when they load: this must run before NumPy
    (or torch) is imported, so the scripts call it first thing in ``main``."""
    loaded = [name for name in ("numpy", "torch") if name in sys.modules]
    if loaded:
        raise RuntimeError(f"--threads must be set before {' and '.join(loaded)} is imported: "
                           "run the benchmark script in a fresh process")
    for var in THREAD_VARS:
        os.environ[var] = str(threads)


def import_library(name: str, threads: int | None = None) -> ModuleType:
    """Import a library under test by module name (``torch``, ``chainrule``), and give torch
    ``threads`` intra-op threads when a thread count is set."""
    try:
        lib = importlib.import_module(name)
    except ImportError as exc:
        raise SystemExit(f"cannot import library {name!r}: {exc}") from exc
    if threads is not None and name == "torch":
        lib.set_num_threads(threads)
    return lib


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _cores() -> str:
    logical = os.cpu_count()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else logical
    return f"{logical} logical, {usable} usable by this process"


def _numpy_blas() -> str:
    """BLAS as threadpoolctl sees it loaded, else as NumPy's build configuration records it."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        threadpool_info = None
    if threadpool_info is not None:
        pools = [p for p in threadpool_info() if p.get("user_api") == "blas"]
        if pools:
            return "; ".join(f"{p['internal_api']} {p['version']} ({p.get('architecture', '?')}, "
                             f"{p['num_threads']} threads, {Path(p['filepath']).name})" for p in pools)
    import numpy
    try:
        blas = numpy.show_config(mode="dicts")["Build Dependencies"]["blas"]
    except Exception:  # show_config's layout is not a stable API
        return "unknown"
    config = blas.get("openblas configuration", "")
    return f"{blas.get('name', '?')} {blas.get('version', '?')}" + (f" ({config})" if config else "")


def _git_revision(where: Path) -> str:
    """HEAD of the checkout holding ``where``, marked when files there are uncommitted."""
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(where), *args], capture_output=True, text=True,
                              check=True).stdout.strip()
    try:
        head, dirty = git("rev-parse", "--short", "HEAD"), git("status", "--porcelain", "--", ".")
    except (OSError, subprocess.CalledProcessError):
        return "not a git checkout"
    return head + (f" + uncommitted changes in {where.name}/" if dirty else "")


def _library_details(lib: ModuleType) -> str:
    details = [getattr(lib, "__version__", "?")]
    where = Path(lib.__file__).resolve().parent
    if lib.__name__ == "torch":
        blas = re.search(r"BLAS_INFO=(\w+)", lib.__config__.show())
        details.append(f"BLAS {blas.group(1) if blas else '?'}, {lib.get_num_threads()} intra-op threads")
    elif lib.__name__ == "chainrule":
        details.append(f"git {_git_revision(where)}")
    details.append(str(where.relative_to(ROOT)) if where.is_relative_to(ROOT) else str(where))
    return ", ".join(details)


def machine_details(libs: list[ModuleType]) -> list[tuple[str, str]]:
    """(label, value) pairs describing the machine and the software under test."""
    import numpy
    rows = [
        ("date", datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")),
        ("CPU", _cpu_model()),
        ("cores", _cores()),
        ("OS", platform.platform()),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("numpy", f"{numpy.__version__}, BLAS {_numpy_blas()}"),
    ]
    rows += [(lib.__name__, _library_details(lib)) for lib in libs]
    rows += [(var, os.environ.get(var, "(unset)")) for var in ENV_VARS]
    return rows


def markdown_table(headers: list[str], rows: list[list[str]], align: str = "") -> str:
    """A Markdown table; ``align`` holds one of ``l``/``r`` per column (default: left)."""
    align = align.ljust(len(headers), "l")
    rule = ["---:" if a == "r" else "---" for a in align]
    lines = [headers, rule, *rows]
    return "\n".join("| " + " | ".join(cells) + " |" for cells in lines)


def interleave(sample: Callable[[ModuleType], float], libs: list[ModuleType], repeats: int, label: str,
               unit: str) -> dict[str, list[float]]:
    """``sample(lib)`` for each library, ``repeats`` times, libraries interleaved repeat by repeat
    (torch, chainrule, torch, chainrule, ...) so that drift on a shared machine hits them alike.
    Progress goes to stderr, one line per repeat, headed by ``label`` and ending in ``unit``."""
    samples: dict[str, list[float]] = {lib.__name__: [] for lib in libs}
    for repeat in range(repeats):
        for lib in libs:
            gc.collect()  # start each sample without the previous one's garbage
            samples[lib.__name__].append(sample(lib))
        progress = ", ".join(f"{name} {number(values[-1])}" for name, values in samples.items())
        print(f"  {label} repeat {repeat + 1}/{repeats}: {progress} {unit}", file=sys.stderr, flush=True)
    return samples


def number(value: float) -> str:
    """A measurement with three or four significant figures for mid-sized values."""
    return f"{value:.1f}" if abs(value) >= 10 else f"{value:.2f}" if abs(value) >= 1 else f"{value:.3f}"


def cell(values: list[float]) -> str:
    """``median [min–max]``."""
    return f"{number(statistics.median(values))} [{number(min(values))}–{number(max(values))}]"


def ratio_cell(values: list[float], base: list[float]) -> str:
    """The ratio of the medians in bold, then [min–max] of the per-repeat ratios (a repeat's
    libraries ran back to back). A zero baseline (nothing measured) has no ratio."""
    if statistics.median(base) == 0 or 0 in base:
        return "n/a (zero baseline)"
    paired = [v / b for v, b in zip(values, base)]
    return f"**{statistics.median(values) / statistics.median(base):.2f}×** [{min(paired):.2f}–{max(paired):.2f}]"


def ratio_columns(names: list[str]) -> list[str]:
    """The libraries that get a ratio to the baseline: all but the baseline, when it ran."""
    return [n for n in names if n != BASELINE] if BASELINE in names else []


def details_markdown(libs: list[ModuleType]) -> str:
    """``machine_details`` as a Markdown list."""
    return "\n".join(f"- {label}: {value}" for label, value in machine_details(libs))


def command_line(script: str, argv: list[str] | None) -> str:
    """How the script was started, for a report's heading."""
    return shlex.join(["python", f"benchmarks/{script}", *(sys.argv[1:] if argv is None else argv)])


def append_report(path: str | Path, command: str, body: str) -> None:
    """Append ``body`` to the Markdown file ``path`` under a dated heading naming ``command``."""
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    path = Path(path)
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    trailing = len(text) - len(text.rstrip("\n"))
    lead = "\n" * max(0, 2 - trailing) if text.strip() else ""  # one blank line before the heading
    with path.open("a", encoding="utf-8") as out:
        out.write(f"{lead}## {date}: `{command}`\n\n{body.strip()}\n")
    print(f"appended the report to {path}", file=sys.stderr)


def add_common_options(parser: argparse.ArgumentParser) -> None:
    """The options ``run.py`` and ``scaling.py`` share: libraries, threads, appending."""
    parser.add_argument("--lib", action="append", dest="libs", metavar="MODULE",
                        help=f"library to measure, repeatable (default: --lib {BASELINE} --lib chainrule)")
    parser.add_argument("--threads", type=int, metavar="N",
                        help="set OMP/OPENBLAS/MKL_NUM_THREADS=N before importing NumPy and torch, and "
                             "torch.set_num_threads(N) (default: leave the environment as it is)")
    parser.add_argument("--append", metavar="FILE",
                        help="also append the report, with the machine details, under a dated heading to "
                             "FILE (e.g. benchmarks/RESULTS.md)")


def check_common_options(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Validate and fill in what ``add_common_options`` added."""
    args.libs = list(dict.fromkeys(args.libs or [BASELINE, "chainrule"]))
    if args.threads is not None and args.threads < 1:
        parser.error("--threads must be positive")
