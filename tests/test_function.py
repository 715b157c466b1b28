"""Custom autograd.Function (values here; tests/oracle compares with torch)."""
from __future__ import annotations

import chainrule as torch
from function_scenarios import outputs_and_setup_context, saved_tensors_and_double_backward, wrong_gradients


def test_saved_tensors_and_double_backward():
    log = saved_tensors_and_double_backward(torch)
    assert log[0] == "tensor([2.7183, 7.3891], grad_fn=<ExpBackward>)"
    assert log[1:5] == ["ExpBackward", "ExpBackward", (True,), ["AccumulateGrad"]]
    assert log[5] == [2.7183, 7.3891]
    assert log[6].startswith("Trying to backward through the graph")


def test_wrong_gradients():
    assert wrong_gradients(torch) == [
        "function TwoBackward returned an incorrect number of gradients (expected 2, got 1)",
        "Function BadShapeBackward returned an invalid gradient at index 0 - got [3] but "
        "expected shape compatible with [2]"]


def test_outputs_and_setup_context():
    assert outputs_and_setup_context(torch) == [[1.0, 1.0], [False, "SameBackward"],
                                                [3.0, 3.0], False]
