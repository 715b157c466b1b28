"""examples/autograd_tutorial.ipynb runs headlessly and prints the seed tutorial's numbers."""
import os
import pathlib
import sys

import pytest

nbclient = pytest.importorskip("nbclient")
nbformat = pytest.importorskip("nbformat")
pytest.importorskip("ipykernel")

NOTEBOOK = pathlib.Path(__file__).resolve().parents[1] / "examples" / "autograd_tutorial.ipynb"


def _text(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            parts.append(out["text"])
        elif out.get("output_type") == "error":
            parts.append(f"{out['ename']}: {out['evalue']}")
        else:
            data = out.get("data", {})
            parts.append(data.get("text/plain", "") + data.get("image/svg+xml", ""))
    return "".join(parts)


def test_notebook_runs_and_prints_the_seed_numbers(monkeypatch):
    src = str(pathlib.Path(__file__).resolve().parents[1] / "src")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([src] + sys.path))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()
    texts = [_text(c) for c in nb.cells if c.cell_type == "code"]
    everything = "\n".join(texts)
    assert "tensor(24., grad_fn=<AddBackward0>)" in everything
    assert "tensor(14.)\ntensor(10.)" in everything
    assert "Derivative with respect to x:  tensor(28.)" in everything
    assert "sum = 4 + 2 + 8 = 14" in everything and "matches autograd" in everything
    assert "a leaf Variable that requires grad is being used in an in-place operation." in everything
    assert "element 0 of tensors does not require grad and does not have a grad_fn" in everything
    pictures = [c for c in nb.cells if c.cell_type == "code" and "viz.draw" in c.source]
    for cell in pictures:
        data = cell.outputs[0]["data"]
        assert "image/svg+xml" in data or "<-" in data["text/plain"]
