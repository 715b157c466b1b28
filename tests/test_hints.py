"""Errors that name the fix: PyTorch's exception and message, plus a note with the user's line.

Each scenario is a small program run with chainrule as ``torch``; its source is given a
file name in ``linecache`` so the note can quote the offending line. The torch oracle
(tests/oracle/test_hints_oracle.py) runs the same programs under PyTorch.
"""
from __future__ import annotations

import linecache
import sys
import warnings
import weakref
from dataclasses import dataclass

import pytest

import chainrule

notes_supported = pytest.mark.skipif(sys.version_info < (3, 11), reason="exception notes: 3.11+")


@dataclass(frozen=True)
class Scenario:
    name: str
    source: str
    line: int             # the line the note must quote (1-based)
    hint: str             # text the note must contain


SCENARIOS = [
    Scenario("backward_twice", """\
x = torch.tensor(2.0, requires_grad=True)
f = x * x
f.backward()
f.backward()
""", 4, "retain_graph=True"),
    Scenario("leaf_inplace", """\
w = torch.tensor(1.0, requires_grad=True)
f = w + 1
f.backward()
w -= w.grad
""", 4, "w -= lr * w.grad"),
    Scenario("view_of_leaf_inplace", """\
w = torch.ones(3, requires_grad=True)
w[0].mul_(2)
""", 2, "w -= lr * w.grad"),
    Scenario("reassigned_in_no_grad", """\
w = torch.tensor(1.0, requires_grad=True)
f = w + 1
f.backward()
with torch.no_grad():
    w = w - w.grad
f = w + 1
f.backward()
""", 5, "created under no_grad"),
    Scenario("root_made_under_no_grad", """\
x = torch.ones(2, requires_grad=True)
with torch.no_grad():
    y = x * 3
loss = y.sum()
loss.backward()
""", 3, "created under no_grad"),
    Scenario("root_of_detached", """\
x = torch.ones(2, requires_grad=True)
y = x.detach()
y.sum().backward()
""", 2, ".detach()"),
    Scenario("root_integer", """\
n = torch.arange(3)
n.sum().backward()
""", 2, "integer dtype"),
    Scenario("saved_modified", """\
x = torch.ones(3, requires_grad=True)
y = x * 2
z = (y * y).sum()
y.add_(1)
z.backward()
""", 5, "strict_saved()"),
]
BY_NAME = {s.name: s for s in SCENARIOS}

NON_LEAF = """\
w = torch.tensor(1.0, requires_grad=True)
f = w + 1
f.backward()
w = w - w.grad
f = w + 1
f.backward()
g = w.grad
"""


def run(source: str, name: str, module) -> tuple[BaseException | None, list]:
    """Execute ``source`` with ``module`` as torch; the exception raised and warnings caught."""
    filename = f"<hint {name}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            exec(compile(source, filename, "exec"), {"torch": module})  # noqa: S102
        except Exception as err:  # noqa: BLE001 - the error is what is checked
            return err, caught
    return None, caught


def first_line(err: BaseException) -> str:
    return str(err).splitlines()[0]


@notes_supported
@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_note_names_fix_and_line(scenario: Scenario) -> None:
    err, _ = run(scenario.source, scenario.name, chainrule)
    assert isinstance(err, RuntimeError)
    note = "\n".join(getattr(err, "__notes__", []))
    assert scenario.hint in note
    quoted = scenario.source.splitlines()[scenario.line - 1].strip()
    assert f"<hint {scenario.name}>:{scenario.line}: {quoted}" in note


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_message_is_unchanged(scenario: Scenario) -> None:
    """The note never enters str(err): the message stays PyTorch's, all of it."""
    err, _ = run(scenario.source, scenario.name, chainrule)
    assert "Hint: backward called" not in str(err) and "Hint: at" not in str(err)


def test_backward_twice_first_line() -> None:
    err, _ = run(BY_NAME["backward_twice"].source, "backward_twice", chainrule)
    assert first_line(err).startswith("Trying to backward through the graph a second time")


def test_leaf_inplace_first_line() -> None:
    err, _ = run(BY_NAME["leaf_inplace"].source, "leaf_inplace", chainrule)
    assert str(err) == "a leaf Variable that requires grad is being used in an in-place operation."


def test_no_grad_root_first_line() -> None:
    err, _ = run(BY_NAME["reassigned_in_no_grad"].source, "reassigned_in_no_grad", chainrule)
    assert str(err) == "element 0 of tensors does not require grad and does not have a grad_fn"


@notes_supported
def test_no_grad_root_names_the_variable() -> None:
    err, _ = run(BY_NAME["reassigned_in_no_grad"].source, "reassigned_in_no_grad", chainrule)
    note = "\n".join(err.__notes__)
    assert "`w` does not require grad" in note
    assert "backward called at <hint reassigned_in_no_grad>:7: f.backward()" in note


def test_non_leaf_warning_first_line_unchanged_then_the_hint() -> None:
    err, caught = run(NON_LEAF, "non_leaf", chainrule)
    assert err is None
    assert len(caught) == 1 and caught[0].category is UserWarning
    first, hint = str(caught[0].message).split("\n", 1)
    assert first == chainrule._errors.NON_LEAF_GRAD_WARNING
    assert caught[0].lineno == 7
    assert "<hint non_leaf>:4: w = w - w.grad" in hint


def test_non_leaf_warning_without_history_has_no_note() -> None:
    _, caught = run("x = torch.tensor(1.0, requires_grad=True)\ny = x + 1\ny.grad\n", "plain",
                    chainrule)
    assert len(caught) == 1
    assert str(caught[0].message) == chainrule._errors.NON_LEAF_GRAD_WARNING


def test_grad_read_inside_chainrule_is_not_recorded() -> None:
    """Only the user's own reads count (an optimizer's zero_grad reads .grad too)."""
    w = chainrule.tensor(1.0, requires_grad=True)
    (w * 2).backward()
    opt = chainrule.optim.SGD([w], lr=0.1)
    opt.zero_grad(set_to_none=False)
    assert chainrule._hints.grad_read.get(w._accum) is None
    w.grad  # noqa: B018 - a user read
    assert chainrule._hints.grad_read.get(w._accum) is not None


def test_records_die_with_their_tensors() -> None:
    x = chainrule.ones(2, requires_grad=True)
    with chainrule.no_grad():
        y = x * 2
    ref = weakref.ref(y)
    assert chainrule._hints.made_under_no_grad.get(y) is not None
    del y
    assert ref() is None  # the record lives on the tensor and holds nothing alive


def test_no_record_with_grad_enabled_or_without_grad_inputs() -> None:
    x = chainrule.ones(2, requires_grad=True)
    c = chainrule.ones(2)
    y = x * 2
    with chainrule.no_grad():
        z = c * 2
    assert chainrule._hints.made_under_no_grad.get(y) is None
    assert chainrule._hints.made_under_no_grad.get(z) is None
