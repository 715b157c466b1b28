"""Smoke runs of the example scripts (``--short``) with chainrule, as a user would start them."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run_example(script: str, tmp_path: Path, *extra: str) -> str:
    """Run ``examples/<script>`` with ``--short`` from the repository root; return its stdout."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT / "src"), env.get("PYTHONPATH", "")) if p)
    cmd = [sys.executable, str(ROOT / "examples" / script), "--short", "--plot", str(tmp_path / "plot.png"), *extra]
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def final_line(stdout: str) -> str:
    return stdout.strip().splitlines()[-1]


def digits_accuracy(out: str) -> float:
    """The percentage on the final ``test accuracy: NN.NN%`` line of a digits example."""
    match = re.fullmatch(r"test accuracy: (\d+\.\d\d)%", final_line(out))
    assert match, out
    assert out.startswith("library: chainrule ")
    assert len(re.findall(r"^epoch +\d+/\d+ \[#+\]", out, flags=re.M)) >= 2
    return float(match.group(1))


def test_digits_mlp_trains_saves_and_reloads(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    out = run_example("digits_mlp.py", tmp_path)
    accuracy = digits_accuracy(out)
    assert accuracy > 50.0  # 10 classes: chance is 10%
    assert f"reloaded model test accuracy {accuracy:.2f}%" in out
    assert (tmp_path / "plot.png").stat().st_size > 0


def test_digits_cnn_trains(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    assert digits_accuracy(run_example("digits_cnn.py", tmp_path)) > 20.0


def test_char_transformer_example(tmp_path: Path) -> None:
    out = run_example("char_transformer.py", tmp_path)
    match = re.fullmatch(r"final training loss: (\d+\.\d{4})", final_line(out))
    assert match, out
    # a 45-character vocabulary starts near ln(45) = 3.8; a few steps already go below it
    assert float(match.group(1)) < 3.8
    samples = re.findall(r"^sample: '(.*)'$", out, flags=re.M)
    assert len(samples) == 3
    for sample, prompt in zip(samples, ("Beautiful is ", "Errors should ", "Namespaces ")):
        assert sample.startswith(prompt) and len(sample) > len(prompt)


def test_bad_library_name_is_rejected(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    done = subprocess.run([sys.executable, str(ROOT / "examples" / "char_transformer.py"), "--lib", "jax"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "invalid choice: 'jax'" in done.stderr


@pytest.fixture
def common(monkeypatch: pytest.MonkeyPatch):
    """``examples/_common.py`` imported in this process."""
    monkeypatch.syspath_prepend(str(ROOT / "examples"))
    import _common
    return _common


def test_plot_is_skipped_without_matplotlib(common, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # makes `import matplotlib` raise ImportError
    common.save_plot({"loss": [1.0, 0.5]}, tmp_path / "plot.png", "title")
    assert capsys.readouterr().out == "plot skipped: matplotlib is not installed (pip install matplotlib)\n"
    assert not (tmp_path / "plot.png").exists()


def test_missing_sklearn_names_the_package(common, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sklearn", None)
    with pytest.raises(SystemExit, match="pip install scikit-learn"):
        common.require_sklearn()
