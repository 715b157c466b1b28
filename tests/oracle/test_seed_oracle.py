"""Differential test: each seed cell prints the same under chainrule as under torch.

The whole notebook is replayed twice, each time in its own fresh namespace:
once with real torch and once with chainrule bound as ``torch``.  The
normalized transcripts (stdout, ``Category: message`` warnings, ``Out:`` value,
``TypeName: message`` error; see ``tests/seed_cells.py``) must be equal, and
each warning must be attributed to the same source line (Jupyter prints that
line under the warning, as the seed shows).
"""

from __future__ import annotations

from types import ModuleType

import pytest

torch = pytest.importorskip("torch")

import chainrule  # not importorskip: a chainrule that fails to import must fail
from seed_cells import Cell, parse_cells, run_transcripts

CELLS: list[Cell] = parse_cells()


def _render(cells: list[Cell], module: ModuleType) -> list[str]:
    """Transcripts of ``cells`` under ``module``, warnings with their source line."""
    return [t.render(with_source_lines=True) for t in run_transcripts(cells, module)]


@pytest.fixture(scope="module")
def torch_transcripts() -> list[str]:
    """The seed's transcripts under real PyTorch."""
    return _render(CELLS, torch)


@pytest.fixture(scope="module")
def chainrule_transcripts() -> list[str]:
    """The seed's transcripts with chainrule standing in for torch."""
    return _render(CELLS, chainrule)


@pytest.mark.parametrize(
    "index", range(len(CELLS)), ids=[f"cell{c.number:02d}" for c in CELLS]
)
def test_cell_matches_torch(
    index: int, torch_transcripts: list[str], chainrule_transcripts: list[str]
) -> None:
    """Cell ``index`` prints, warns, displays and raises the same under both."""
    assert chainrule_transcripts[index] == torch_transcripts[index], CELLS[index].code
