"""Replay the seed notebook under chainrule; compare with the outputs the seed recorded.

The export shows less than a full transcript, so both sides are reduced to
what the seed can vouch for before comparing:

* stdout and displayed values (``Out:``) are compared exactly;
* a warning appears in the seed only as the source line it was attributed to
  (e.g. ``  y.grad``), so each one must be a ``UserWarning`` attributed to
  that same line -- its message is checked by the torch oracle instead;
* an exception is compared as ``TypeName: first line of message``.
"""

from __future__ import annotations

import dataclasses
import importlib

import pytest

from seed_cells import (
    Cell,
    Transcript,
    parse_cells,
    recorded_transcript,
    run_transcripts,
)

CELLS: list[Cell] = parse_cells()
SEED_WARNING_CATEGORY = "UserWarning"


@pytest.fixture(scope="module")
def transcripts() -> list[Transcript]:
    """The seed's transcripts with chainrule as ``torch`` (fails if it won't import)."""
    return run_transcripts(CELLS, importlib.import_module("chainrule"))


def seed_view(transcript: Transcript) -> str:
    """Render ``transcript`` with warnings reduced to category and source line."""
    warned = tuple(dataclasses.replace(w, message="") for w in transcript.warnings)
    return dataclasses.replace(transcript, warnings=warned).render(
        with_source_lines=True
    )


def expected_view(cell: Cell) -> str:
    """What the seed recorded for ``cell``, rendered like :func:`seed_view`."""
    recorded = recorded_transcript(cell)
    warned = tuple(
        dataclasses.replace(w, category=SEED_WARNING_CATEGORY)
        for w in recorded.warnings
    )
    return seed_view(dataclasses.replace(recorded, warnings=warned))


def test_seed_parses_into_numbered_cells() -> None:
    """The harness found every ``In [N]:`` cell in order, each with code."""
    assert [cell.number for cell in CELLS] == list(range(1, len(CELLS) + 1))
    assert all(cell.code.strip() for cell in CELLS)


@pytest.mark.parametrize(
    "index", range(len(CELLS)), ids=[f"cell{c.number:02d}" for c in CELLS]
)
def test_cell_matches_seed(index: int, transcripts: list[Transcript]) -> None:
    """Cell ``index`` under chainrule shows what the seed recorded for it."""
    cell = CELLS[index]
    assert seed_view(transcripts[index]) == expected_view(cell), cell.code
