"""python -m chainrule explain: good input, and hostile input refused with a column and exit 2."""
import os
import shutil
import subprocess
import sys

import pytest

from chainrule.__main__ import main

SEED = "x**2 + x*y + (x+y)**2"


def test_explain_seed(capsys):
    assert main(["explain", SEED, "x=2", "y=2"]) == 0
    out = capsys.readouterr().out
    assert "f = 24; ∂f/∂x = 14, ∂f/∂y = 10" in out
    assert "sum = 4 + 2 + 8 = 14" in out and "sum = 2 + 8 = 10" in out
    assert out.count("matches autograd") == 2


def test_explain_functions_and_unused_variable(capsys):
    assert main(["explain", "sin(x) * exp(-x) + sqrt(abs(x))", "x=0.7", "z=1"]) == 0
    out = capsys.readouterr().out
    assert "matches autograd" in out and "does not depend on it" in out


@pytest.mark.parametrize("expr, col, words", [
    ("x.real", 1, "attribute access"),
    ("x[0]", 1, "subscripts"),
    ("__import__('os')", 1, "not allowed"),
    ("x + __class__", 5, "dunder"),
    ("(lambda: x)()", 1, "not allowed"),
    ("[x for x in [1]]", 1, "comprehensions"),
    ("x + 'a'", 5, "str constants"),
    ("x ** 100", 6, "exponent larger"),
    ("1e300 * x", 1, "number larger"),
    ("open(x)", 1, "calling 'open'"),
    ("sin(x, x)", 1, "exactly one"),
    ("x < y", 1, "comparisons"),
    ("x +", 1, "invalid syntax"),
    ("x + (y", 5, "never closed"),
    ("q * x", 1, "not bound"),
    ("x" + "+x" * 300, 501, "longer than"),
    ("0" + "-" * 40 + "x", 34, "nested deeper"),
    ("x @ y", 1, "MatMult"),
])
def test_hostile_expressions(capsys, expr, col, words):
    assert main(["explain", expr, "x=2", "y=2"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert f"column {col}:" in err and words in err, err


@pytest.mark.parametrize("pair", ["x", "2=3", "x=abc", "__x=1", "x=1e400", "sin=1"])
def test_bad_bindings(capsys, pair):
    assert main(["explain", "x", pair]) == 2
    assert "error" in capsys.readouterr().err


def test_huge_power_is_refused_not_computed(capsys):
    assert main(["explain", "x ** (9 ** 9 ** 9)", "x=2"]) == 2
    assert "column" in capsys.readouterr().err


def test_svg(tmp_path, capsys):
    path = tmp_path / "f.svg"
    assert main(["explain", SEED, "x=2", "y=2", "--svg", str(path)]) == 0
    captured = capsys.readouterr()
    if shutil.which("dot") is None:
        assert "picture skipped" in captured.err
    else:
        pytest.importorskip("graphviz")
        assert "<svg" in path.read_text() and "picture written" in captured.out


def test_module_entry_point_and_demo_still_work():
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    run = subprocess.run([sys.executable, "-m", "chainrule", "explain", SEED, "x=2", "y=2"],
                         capture_output=True, text=True, env=env, timeout=60)
    assert run.returncode == 0 and "∂f/∂x = 14" in run.stdout
    bad = subprocess.run([sys.executable, "-m", "chainrule", "explain", "x.__class__", "x=1"],
                         capture_output=True, text=True, env=env, timeout=60)
    assert bad.returncode == 2 and "column" in bad.stderr
    demo = subprocess.run([sys.executable, "-m", "chainrule", "demo"], capture_output=True, text=True,
                          env=env, timeout=60)
    assert demo.returncode == 0 and "tensor(24." in demo.stdout
