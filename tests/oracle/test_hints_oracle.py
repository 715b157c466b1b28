"""The hint scenarios raise and warn under chainrule exactly as under PyTorch (type, message)."""
from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

import chainrule  # noqa: E402
from test_hints import NON_LEAF, SCENARIOS, first_line, run  # noqa: E402


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_same_exception_and_first_line(scenario) -> None:
    ours, _ = run(scenario.source, scenario.name, chainrule)
    theirs, _ = run(scenario.source, scenario.name, torch)
    assert type(ours) is type(theirs)
    assert first_line(ours) == first_line(theirs)


def test_non_leaf_warning_same_message_and_line() -> None:
    _, ours = run(NON_LEAF, "non_leaf", chainrule)
    _, theirs = run(NON_LEAF, "non_leaf", torch)
    assert [w.category for w in ours] == [w.category for w in theirs]
    assert [w.lineno for w in ours] == [w.lineno for w in theirs]
    suffix = " (Triggered internally at "
    # the first line is PyTorch's; chainrule's hint follows on the lines below
    assert [str(w.message).split("\n")[0] for w in ours] == [str(w.message).split(suffix)[0]
                                                              for w in theirs]
