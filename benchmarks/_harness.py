"""What ``run.py`` and ``profile.py`` share: finding workloads, importing libraries,
describing the machine, and writing Markdown tables."""
from __future__ import annotations

import datetime
import importlib
import os
import pkgutil
import platform
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from benchmarks import workloads

ROOT = Path(__file__).resolve().parents[1]
ENV_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


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

    def size(self, quick: bool = False) -> int:
        return self.module.QUICK_SIZE if quick else self.module.SIZE

    def run(self, lib: ModuleType, size: int) -> float:
        """Seconds per unit for ``size`` units of work with ``lib``."""
        return self.module.run(lib, size=size)


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


def import_library(name: str) -> ModuleType:
    """Import a library under test by module name (``torch``, ``chainrule``)."""
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise SystemExit(f"cannot import library {name!r}: {exc}") from exc


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
