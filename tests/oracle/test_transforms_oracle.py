"""Transform scenarios print the same under chainrule and torch."""
from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

import chainrule
from transform_scenarios import SCENARIOS


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__)
def test_same_as_torch(scenario):
    assert scenario(chainrule) == scenario(torch)
