"""Custom Function scenarios give the same log under chainrule and torch."""
from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

import chainrule
from function_scenarios import SCENARIOS


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__)
def test_same_log_as_torch(scenario):
    assert scenario(chainrule) == scenario(torch)
