"""Max pooling on the values where the scan order shows: ties, NaN, infinities, padding.

PyTorch's scan keeps the first maximum of a window, or its last NaN, and a window holding
nothing above -inf reports its first position inside the input (padding never wins). The
indices, the values and the gradient routed back through them must all match.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import chainrule  # noqa: E402

NAN, INF = math.nan, math.inf

# (id, input (N, C, H, W) as nested lists, max_pool2d keywords)
CASES = [
    ("ties", [[[[1., 3., 3., 0.], [3., 2., 1., 3.]]]], {"kernel_size": 2}),
    ("nan_last_wins", [[[[NAN, 3., 1., NAN], [3., NAN, NAN, 1.]]]], {"kernel_size": 2}),
    ("nan_and_inf", [[[[1., NAN], [INF, 2.]]]], {"kernel_size": 2}),
    ("all_neg_inf_padded", [[[[-INF] * 4] * 2]], {"kernel_size": 2, "padding": 1}),
    ("neg_inf_dilated", [[[[-INF] * 5] * 5]], {"kernel_size": 3, "stride": 2, "padding": 1,
                                               "dilation": 2}),
    ("overlap_ties", [[[[2., 2., 2.], [2., 2., 2.], [2., 2., 2.]]]], {"kernel_size": 2, "stride": 1}),
    ("ceil_mode", [[[[0., 5., 1., 4., 2.], [3., 1., 6., 1., 0.], [1., 1., 1., 7., 1.]]]],
     {"kernel_size": 2, "ceil_mode": True}),
]


def _both(values, dtype):
    """The same input in both libraries, requiring grad when it is floating."""
    a = np.asarray(values, dtype=dtype)
    grad = a.dtype.kind == "f"
    return (torch.tensor(a, requires_grad=grad), chainrule.tensor(a, requires_grad=grad))


def _same(ours, theirs) -> None:
    np.testing.assert_array_equal(ours.detach().numpy(), theirs.detach().numpy())


@pytest.mark.parametrize("values,kwargs", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_max_pool2d_special_values(values, kwargs):
    xt, xc = _both(values, np.float64)
    vt, it = torch.nn.functional.max_pool2d(xt, return_indices=True, **kwargs)
    vc, ic = chainrule.nn.functional.max_pool2d(xc, return_indices=True, **kwargs)
    _same(ic, it)
    _same(vc, vt)
    g = np.arange(1, vt.numel() + 1, dtype=np.float64).reshape(vt.shape)
    vt.backward(torch.tensor(g))
    vc.backward(chainrule.tensor(g))
    _same(xc.grad, xt.grad)


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.float32])
def test_max_pool2d_dtypes_padding_lowest(dtype):
    low = np.iinfo(dtype).min if np.dtype(dtype).kind == "i" else -INF
    values = np.full((1, 2, 3, 4), low, dtype=dtype)
    values[0, 1, 1, 2] = 5
    xt, xc = torch.tensor(values), chainrule.tensor(values)
    vt, it = torch.nn.functional.max_pool2d(xt, 2, padding=1, return_indices=True)
    vc, ic = chainrule.nn.functional.max_pool2d(xc, 2, padding=1, return_indices=True)
    _same(ic, it)
    _same(vc, vt)


@pytest.mark.parametrize("output_size", [(2, 3), (3, 2), 1])
def test_adaptive_max_pool2d_ties_and_nan(output_size):
    values = np.array([[[[1., 1., NAN, 2., 2.], [1., 0., 0., 2., 2.], [4., 4., 4., 3., 3.],
                         [4., 4., 4., 3., 3.]]]])
    xt, xc = _both(values, np.float64)
    vt, it = torch.nn.functional.adaptive_max_pool2d(xt, output_size, return_indices=True)
    vc, ic = chainrule.nn.functional.adaptive_max_pool2d(xc, output_size, return_indices=True)
    _same(ic, it)
    _same(vc, vt)
    vt.sum().backward()
    vc.sum().backward()
    _same(xc.grad, xt.grad)


def test_max_pool2d_double_backward_overlapping():
    """The gradient of the gradient: the add-back at overlapping windows differentiates."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((2, 3, 5, 5))
    outs = []
    for lib in (torch, chainrule):
        x = lib.tensor(a, requires_grad=True)
        y = lib.nn.functional.max_pool2d(x, 3, stride=1, padding=1)
        (gx,) = lib.autograd.grad((y * y).sum(), x, create_graph=True)
        (ggx,) = lib.autograd.grad((gx * gx).sum(), x)
        outs.append((gx.detach().numpy(), ggx.numpy()))
    for ours, theirs in zip(outs[1], outs[0]):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)
