"""Smoke runs of the benchmark scripts (``benchmarks/``) as CI runs them: every workload of
``run.py`` and both series of ``scaling.py`` on tiny problems (``--smoke``), with chainrule,
and with torch too when it is installed.

These check that the scripts run, print their tables and write their files. They never
assert a time or a ratio: a smoke run measures nothing. The scripts' ``main`` runs in this
process (so torch and chainrule are imported once for the suite), except where a fresh
process is the point: ``--threads`` must act before NumPy loads (checked with chainrule
alone, to import torch no more than needed), and the peak-memory workload starts a process
per sample by itself.
"""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))  # the `benchmarks` package

from benchmarks import run, scaling  # noqa: E402
from benchmarks._harness import import_library  # noqa: E402

LIBS = ["torch", "chainrule"] if importlib.util.find_spec("torch") else ["chainrule"]
LIB_ARGS = [arg for lib in LIBS for arg in ("--lib", lib)]
WORKLOADS = sorted(p.stem for p in (ROOT / "benchmarks" / "workloads").glob("*.py") if not p.stem.startswith("_"))


def table_rows(text: str) -> tuple[list[str], list[list[str]]]:
    """The header and body rows of the first Markdown table in ``text``, as lists of cells."""
    lines = [line for line in text.splitlines() if line.startswith("| ")]
    header, rule, *body = ([cell.strip() for cell in line.strip("|").split("|")] for line in lines)
    assert set("".join(rule)) <= set("-:"), rule
    return header, body


def test_run_smoke_runs_every_workload_and_appends_the_report(tmp_path: Path, capsys) -> None:
    results = tmp_path / "RESULTS.md"
    results.write_text("# Benchmark results\n\nEarlier runs.\n")
    run.main(["--smoke", "--append", str(results), *LIB_ARGS])
    out = capsys.readouterr().out
    header, rows = table_rows(out)
    assert header[:3] == ["workload", "size", "metric"] and header[3:3 + len(LIBS)] == LIBS
    assert [row[0] for row in rows] == WORKLOADS
    assert all(len(row) == len(header) for row in rows)
    appended = results.read_text()
    assert appended.startswith("# Benchmark results\n\nEarlier runs.\n\n## ")
    assert f"--append {results}" in appended.splitlines()[4]
    assert table_rows(appended) == (header, rows)


def test_scaling_smoke_prints_its_table_and_draws_the_plot(tmp_path: Path, capsys) -> None:
    has_matplotlib = importlib.util.find_spec("matplotlib") is not None
    picture = tmp_path / "scaling.png"
    scaling.main(["--smoke", *(["--plot", str(picture)] if has_matplotlib else ["--no-plot"]), *LIB_ARGS])
    header, rows = table_rows(capsys.readouterr().out)
    assert header[:3] == ["series", "elements", "shape"]
    assert [(row[0], row[1]) for row in rows] == [("ops", "10"), ("ops", "100"), ("matmul", "9"), ("matmul", "100")]
    if has_matplotlib:
        assert picture.read_bytes().startswith(b"\x89PNG")


def test_threads_option_sets_the_thread_counts_before_numpy_loads() -> None:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT / "src"), env.get("PYTHONPATH", "")) if p)
    cmd = [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--smoke", "--only", "seed", "--threads", "1",
           "--lib", "chainrule"]
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        assert f"- {var}: 1\n" in done.stdout
    assert [row[0] for row in table_rows(done.stdout)[1]] == ["seed"]


def test_threads_option_sets_torchs_intra_op_threads() -> None:
    torch = pytest.importorskip("torch")
    before = torch.get_num_threads()
    try:
        assert import_library("torch", threads=1) is torch and torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)


def test_threads_option_refuses_to_act_after_numpy_is_loaded() -> None:
    import numpy  # noqa: F401  (already loaded by the runs above; made explicit here)
    with pytest.raises(RuntimeError, match="--threads must be set before numpy"):
        run.main(["--smoke", "--only", "seed", "--threads", "1", "--lib", "chainrule"])
