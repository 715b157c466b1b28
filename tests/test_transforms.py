"""autograd.functional and chainrule.func (values here; tests/oracle compares with torch)."""
from __future__ import annotations

import chainrule as torch
from transform_scenarios import autograd_functional, func_transforms


def test_autograd_functional():
    got = autograd_functional(torch)
    assert got[2] == ("tensor([[2., 0.],\n        [0., 4.]], dtype=torch.float64)")
    assert got[4] == ("tensor([[ 6.,  0.],\n        [ 0., 12.]], dtype=torch.float64)")
    assert got[5] == ("(tensor(9., dtype=torch.float64), tensor([ 6., 12.], "
                      "dtype=torch.float64))")


def test_func_transforms():
    got = func_transforms(torch)
    assert got[0] == "tensor([ 3., 12.], dtype=torch.float64)"
    assert got[1] == "tensor([ 6., 12.], dtype=torch.float64)"
    assert got[8] == "tensor([3., 3.], dtype=torch.float64, grad_fn=<MulBackward0>)"
    assert got[9] == "tensor(2.)"
