"""The engine, end to end: graphs, accumulation, freed graphs, grad modes, in-place ops.

Every expected value here is worked out by hand (or by finite differences) and every
message is PyTorch 2.13's, checked against PyTorch itself when this file was written.
No test needs torch.
"""
from __future__ import annotations

import gc
import math
import re
import subprocess
import sys
import threading
import time
import warnings
import weakref

import numpy as np
import pytest

import chainrule as torch

FREED = ("Trying to backward through the graph a second time (or directly access saved tensors "
         "after they have already been freed). Saved intermediate values of the graph are freed "
         "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
         "backward through the graph a second time or if you need to access saved tensors after "
         "calling backward.")
LEAF_INPLACE = "a leaf Variable that requires grad is being used in an in-place operation."
VIEW_OF_LEAF_INPLACE = ("a view of a leaf Variable that requires grad is being used in an in-place "
                        "operation.")
NON_LEAF_GRAD = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
    "attribute won't be populated during autograd.backward(). If you indeed want the .grad field "
    "to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you "
    "access the non-leaf Tensor by mistake, make sure you access the leaf Tensor instead. See "
    "github.com/pytorch/pytorch/pull/30531 for more information.")
CREATE_GRAPH_WARNING = (
    "Using backward() with create_graph=True will create a reference cycle between the parameter "
    "and its gradient which can cause a memory leak. We recommend using autograd.grad when "
    "creating the graph to avoid this. If you have to use this function, make sure to reset the "
    ".grad fields of your parameters to None after use to break the cycle and avoid the leak.")


def modified_msg(shape: str, version: int, expected: int, op: str | None = None) -> str:
    what = f"[torch.FloatTensor [{shape}]]" + (f", which is output 0 of {op}," if op else "")
    return ("one of the variables needed for gradient computation has been modified by an "
            f"inplace operation: {what} is at version {version}; expected version {expected} "
            "instead. Hint: enable anomaly detection to find the operation that failed to compute "
            "its gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False).")


def message_of(w: warnings.WarningMessage) -> str:
    """A warning's text without the " (Triggered internally at <C++ source>.)" PyTorch appends."""
    return str(w.message).split(" (Triggered internally at ")[0]


def warnings_in_fresh_process(code: str) -> list:
    """``category | message`` of each warning ``code`` raises in a new interpreter.

    PyTorch gives some warnings once per process, so only a fresh one shows the first.
    """
    script = (
        f"import warnings\nimport {torch.__name__} as torch\n"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        + "".join(f"    {line}\n" for line in code.splitlines()) +
        "for w in caught:\n"
        "    text = str(w.message).split(' (Triggered internally at ')[0]\n"
        "    print(w.category.__name__, '|', text.replace(chr(10), '\\\\n'))\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, timeout=60)
    return [line for line in out.stdout.splitlines() if line]


def vals(t) -> np.ndarray:
    """The values of ``t`` as a float64 NumPy array (no autograd involved)."""
    return np.asarray(t.detach().numpy(), dtype=np.float64)


def close(t, expected, rtol=1e-6, atol=1e-6) -> None:
    np.testing.assert_allclose(vals(t), np.asarray(expected, dtype=np.float64), rtol=rtol, atol=atol)


def leaf(values, dtype=torch.float32):
    return torch.tensor(values, dtype=dtype, requires_grad=True)


def raises(exc, message):
    """``pytest.raises`` that checks the whole first line of the message."""
    return pytest.raises(exc, match=r"(?m)\A" + re.escape(message) + "$")  # (a hint may follow as a note)


def numeric_grads(f, arrays: list, eps: float = 1e-6) -> list:
    """Central differences of scalar ``f(*leaves)`` w.r.t. each float64 array in ``arrays``."""
    def value(arrs):
        with torch.no_grad():
            return f(*[torch.tensor(a, dtype=torch.float64) for a in arrs]).item()
    grads = []
    for i, a in enumerate(arrays):
        g = np.zeros_like(a)
        for idx in np.ndindex(a.shape):
            plus = [b.copy() for b in arrays]
            minus = [b.copy() for b in arrays]
            plus[i][idx] += eps
            minus[i][idx] -= eps
            g[idx] = (value(plus) - value(minus)) / (2 * eps)
        grads.append(g)
    return grads


def analytic_grads(f, arrays: list) -> list:
    leaves = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
    f(*leaves).backward()
    return [vals(x.grad) for x in leaves]


def assert_grads_match_numeric(f, arrays: list) -> None:
    arrays = [np.asarray(a, dtype=np.float64) for a in arrays]
    for got, want in zip(analytic_grads(f, arrays), numeric_grads(f, arrays)):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


# =====================================================================================
# graph shapes: diamonds and reuse
# =====================================================================================

class TestGraphShapes:
    def test_diamond(self):
        x = leaf(3.0)
        a, b = x * 2, x * 3
        y = a * b  # 6 x^2
        y.backward()
        close(x.grad, 36.0)

    def test_diamond_with_unequal_path_lengths(self):
        x = leaf([1.0, 2.0], dtype=torch.float64)
        a = x.exp()
        b = (a * 2).sin()
        y = (a + b + x).sum()  # dy/dx = e^x + 2 e^x cos(2 e^x) + 1
        y.backward()
        e = np.exp([1.0, 2.0])
        close(x.grad, e + 2 * e * np.cos(2 * e) + 1, rtol=1e-12)

    def test_one_tensor_used_many_times(self):
        x = leaf(1.5)
        y = x
        for _ in range(99):
            y = y + x
        y.backward()
        close(x.grad, 100.0)

    def test_power_by_repeated_product(self):
        x = leaf(1.5)
        y = x * x * x * x
        y.backward()
        close(x.grad, 4 * 1.5 ** 3)

    def test_stacked_diamonds_run_in_linear_time(self):
        # 60 diamonds in a row: 2^60 paths, so each node must run once, not once per path
        x = leaf(2.0)
        y = x
        for _ in range(60):
            y = y * 0.5 + y * 0.5
        t0 = time.perf_counter()
        y.backward()
        assert time.perf_counter() - t0 < 2.0
        close(x.grad, 1.0)

    def test_same_tensor_as_both_operands(self):
        x = leaf([1.0, -2.0, 3.0])
        (x * x).sum().backward()
        close(x.grad, [2.0, -4.0, 6.0])
        x.grad = None
        (x / x).sum().backward()
        close(x.grad, [0.0, 0.0, 0.0])
        x.grad = None
        (x - x + x).sum().backward()
        close(x.grad, [1.0, 1.0, 1.0])

    def test_reuse_with_broadcasting(self):
        x = leaf([1.0, 2.0, 3.0])
        w = leaf([[1.0], [10.0]])
        y = (x * w).sum() + (x * x).sum()  # d/dx = sum(w) + 2x ; d/dw = sum(x)
        y.backward()
        close(x.grad, [13.0, 15.0, 17.0])
        close(w.grad, [[6.0], [6.0]])

    def test_two_outputs_of_one_graph_backward_together(self):
        x = leaf([1.0, 2.0])
        h = x * 3
        a, b = (h * h).sum(), h.sum()
        torch.autograd.backward([a, b])
        close(x.grad, 18 * vals(x) + 3)

    def test_grad_fn_names(self):
        x = leaf([1.0, 2.0])
        y = (x * 2).sum()
        assert y.grad_fn.name() == "SumBackward0"
        assert y.grad_fn.next_functions[0][0].name() == "MulBackward0"
        acc = y.grad_fn.next_functions[0][0].next_functions[0][0]
        assert acc.name() == "torch::autograd::AccumulateGrad" and acc.variable is x
        assert type(acc).__name__ == "AccumulateGrad"

    def test_grad_fn_class_names(self):
        y = leaf([1.0, 2.0]) * 2
        assert type(y.grad_fn).__name__ == "MulBackward0"
        assert type(y.sum().grad_fn).__name__ == "SumBackward0"

    def test_disconnected_leaf_gets_no_grad(self):
        x, u = leaf(1.0), leaf(2.0)
        (x * 2).backward()
        assert u.grad is None
        close(x.grad, 2.0)

    def test_leaf_that_is_the_root(self):
        x = leaf(4.0)
        x.backward()
        close(x.grad, 1.0)
        x.backward(torch.tensor(2.5))
        close(x.grad, 3.5)

    def test_leaf_not_requiring_grad_in_graph(self):
        x, c = leaf([1.0, 2.0]), torch.tensor([3.0, 4.0])
        (x * c).sum().backward()
        close(x.grad, [3.0, 4.0])
        assert c.grad is None and not c.requires_grad

    def test_gradients_keep_leaf_dtype(self):
        x = leaf([1.0, 2.0], dtype=torch.float64)
        w = leaf([1.0, 2.0])  # float32
        (x * w).sum().backward()
        assert x.grad.dtype == torch.float64 and w.grad.dtype == torch.float32
        close(x.grad, [1.0, 2.0])
        close(w.grad, [1.0, 2.0])


# =====================================================================================
# accumulation into .grad
# =====================================================================================

class TestAccumulation:
    def test_backward_twice_accumulates(self):
        x = leaf([1.0, 2.0])
        y = (x * x).sum()
        y.backward(retain_graph=True)
        close(x.grad, [2.0, 4.0])
        y.backward()
        close(x.grad, [4.0, 8.0])

    def test_separate_graphs_accumulate(self):
        x = leaf([1.0, 2.0])
        (x * 3).sum().backward()
        (x * x).sum().backward()
        close(x.grad, [5.0, 7.0])

    def test_grad_is_updated_in_place_and_keeps_its_identity(self):
        x = leaf([1.0, 2.0])
        (x * 3).sum().backward()
        g = x.grad
        (x * 3).sum().backward()
        assert x.grad is g
        close(g, [6.0, 6.0])

    def test_grad_set_to_none_starts_over(self):
        x = leaf([1.0, 2.0])
        (x * 3).sum().backward()
        x.grad = None
        (x * 5).sum().backward()
        close(x.grad, [5.0, 5.0])

    def test_zero_grad_in_place(self):
        x = leaf([1.0, 2.0])
        (x * 3).sum().backward()
        x.grad.zero_()
        (x * 5).sum().backward()
        close(x.grad, [5.0, 5.0])

    def test_accumulates_into_an_assigned_grad(self):
        x = leaf([1.0, 2.0])
        g = torch.tensor([10.0, 20.0])
        x.grad = g
        (x * 3).sum().backward()
        assert x.grad is g
        close(g, [13.0, 23.0])

    def test_never_writes_into_the_callers_gradient(self):
        # AddBackward passes the incoming gradient through untouched: x.grad must not be
        # an alias of v, or the second backward would write into v
        x = leaf([1.0, 2.0])
        v = torch.tensor([1.0, 1.0])
        y = x + 0
        y.backward(v, retain_graph=True)
        y.backward(v)
        close(v, [1.0, 1.0])
        close(x.grad, [2.0, 2.0])

    def test_never_writes_into_a_leaf_used_as_root(self):
        x = leaf([1.0, 2.0])
        v = torch.tensor([3.0, 4.0])
        x.backward(v)
        x.backward(v)
        close(v, [3.0, 4.0])
        close(x.grad, [6.0, 8.0])

    def test_broadcast_gradients_sum_per_path(self):
        b = leaf(2.0)
        x = torch.ones(3, 4)
        (x * b + b).sum().backward()  # 12 from the product's broadcast, 12 from the sum
        close(b.grad, 24.0)


# =====================================================================================
# retain_graph and the freed graph
# =====================================================================================

class TestRetainGraph:
    def test_second_backward_with_retain_graph(self):
        x = leaf(2.0)
        y = x.exp() * x
        y.backward(retain_graph=True)
        y.backward(retain_graph=True)
        y.backward()
        close(x.grad, 3 * math.exp(2.0) * 3)

    @pytest.mark.parametrize("build", [
        lambda x: (x * x).sum(),
        lambda x: (x * 2).sum(),  # the Python scalar is saved as a tensor too
        lambda x: x.exp().sum(),
        lambda x: (x ** 2).sum(),
        lambda x: x.sin().sum(),
        lambda x: (x / 3).sum(),
        lambda x: (x + 1).tanh().sum(),
    ], ids=["x*x", "x*2", "exp", "pow", "sin", "div", "add-tanh"])
    def test_second_backward_without_retain_graph_raises(self, build):
        x = leaf([1.0, 2.0])
        y = build(x)
        y.backward()
        g = vals(x.grad)
        with raises(RuntimeError, FREED):
            y.backward()
        np.testing.assert_array_equal(vals(x.grad), g)  # nothing accumulated

    @pytest.mark.parametrize("build", [
        lambda x: (x + x + 1).sum(),
        lambda x: (x - 3).neg().sum(),
        lambda x: x.sum(),
        lambda x: x.view(2, 1).reshape(2).sum(),
        lambda x: x[0],
        lambda x: x.t().sum(),
        lambda x: x.unsqueeze(0).squeeze().sum(),
    ], ids=["add", "sub-neg", "sum", "view-reshape", "select", "t", "unsqueeze-squeeze"])
    def test_second_backward_through_nothing_saved_is_fine(self, build):
        # PyTorch frees saved tensors, not the graph: with none saved there is nothing to miss
        x = leaf([1.0, 2.0])
        y = build(x)
        y.backward()
        g = vals(x.grad)
        y.backward()
        close(x.grad, 2 * g)

    def test_second_backward_through_advanced_index_raises(self):
        x = leaf([1.0, 2.0])
        y = x[[0, 1]].sum()
        y.backward()
        with raises(RuntimeError, FREED):
            y.backward()

    def test_retained_then_freed(self):
        x = leaf(2.0)
        y = x * x
        y.backward(retain_graph=True)
        y.backward()
        with raises(RuntimeError, FREED):
            y.backward()
        close(x.grad, 8.0)

    def test_grad_frees_too(self):
        x = leaf(2.0)
        y = x * x
        torch.autograd.grad(y, x)
        with raises(RuntimeError, FREED):
            torch.autograd.grad(y, x)
        y2 = x * x
        torch.autograd.grad(y2, x, retain_graph=True)
        close(torch.autograd.grad(y2, x)[0], 4.0)

    def test_partly_freed_graph(self):
        # backward through one branch frees it; the other branch's saved values survive
        x = leaf(2.0)
        h = x.exp()
        a, b = h * h, h.sin()
        a.backward()
        with raises(RuntimeError, FREED):
            b.backward()  # h's ExpBackward0 saved its result and was freed by a.backward()

    def test_backward_inputs_non_leaf_frees_its_node(self):
        x = leaf([1.0, 2.0])
        y = x.exp()
        (y * y).sum().backward(inputs=[y])
        with raises(RuntimeError, FREED):
            y.sum().backward()

    def test_grad_of_a_non_leaf_keeps_its_node(self):
        x = leaf([1.0, 2.0])
        y = x.exp()
        torch.autograd.grad((y * y).sum(), y)  # captured at y: ExpBackward0 neither runs nor is freed
        y.sum().backward()
        close(x.grad, np.exp([1.0, 2.0]), rtol=1e-6)

    def test_create_graph_retains_by_default(self):
        x = leaf(2.0)
        y = x ** 3
        (g,) = torch.autograd.grad(y, x, create_graph=True)
        (g2,) = torch.autograd.grad(y, x)  # the first call kept the graph
        close(g, 12.0)
        close(g2, 12.0)


# =====================================================================================
# .grad assignment and the non-leaf warning
# =====================================================================================

class TestGradAttribute:
    def test_assign_none_and_tensor(self):
        x = leaf([1.0, 2.0])
        assert x.grad is None
        g = torch.tensor([5.0, 6.0])
        x.grad = g
        assert x.grad is g
        x.grad = None
        assert x.grad is None

    def test_assign_to_tensors_not_requiring_grad(self):
        x = torch.tensor([1.0, 2.0])
        x.grad = torch.tensor([1.0, 1.0])
        close(x.grad, [1.0, 1.0])
        i = torch.tensor([1, 2])
        i.grad = torch.tensor([3, 4])
        assert i.grad.tolist() == [3, 4]

    def test_wrong_shape(self):
        x = leaf([1.0, 2.0])
        with raises(RuntimeError, "attempting to assign a gradient of size '[3]' to a tensor of size "
                                  "'[2]'. Please ensure that the gradient and the tensor are the same "
                                  "size"):
            x.grad = torch.zeros(3)
        s = leaf(1.0)
        with raises(RuntimeError, "attempting to assign a gradient of size '[1]' to a tensor of size "
                                  "'[]'. Please ensure that the gradient and the tensor are the same "
                                  "size"):
            s.grad = torch.zeros(1)
        assert x.grad is None and s.grad is None

    @pytest.mark.parametrize("dtype,name", [(torch.float64, "double"), (torch.int64, "long int")])
    def test_wrong_dtype(self, dtype, name):
        x = leaf([1.0, 2.0])
        with pytest.raises(RuntimeError) as info:
            x.grad = torch.zeros(2, dtype=dtype)
        assert str(info.value) == (
            f"attempting to assign a gradient with dtype '{name}' to a tensor with grad_dtype "
            "'Float'. The gradient must match the tensor's grad_dtype (defaults to the tensor's "
            "dtype). You can set the tensor's grad_dtype attribute with a specific dtype, or None "
            "to allow any dtype. Set grad_dtype with caution. Diverging the dtypes of a tensor and "
            "its gradient may break downstream systems that assume they match.")
        assert x.grad is None

    @pytest.mark.parametrize("value,name", [
        ([1.0, 2.0], "list"), (3.0, "float"),
        (np.ones(2), "numpy.ndarray"),
    ], ids=["list", "float", "ndarray"])
    def test_wrong_type(self, value, name):
        x = leaf([1.0, 2.0])
        with raises(TypeError, f"assigned grad expected to be a Tensor or None but got grad of type {name}"):
            x.grad = value

    def test_non_leaf_grad_warns_at_the_callers_line(self):
        x = leaf([1.0, 2.0])
        y = x * 2
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            g = y.grad; line = sys._getframe().f_lineno  # noqa: E702
        assert g is None
        assert len(caught) == 1
        w = caught[0]
        assert w.category is UserWarning
        assert message_of(w) == NON_LEAF_GRAD
        assert (w.filename, w.lineno) == (__file__, line)

    def test_no_warning_for_leaves_and_retained(self):
        x = leaf([1.0, 2.0])
        y = x * 2
        y.retain_grad()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert x.grad is None and y.grad is None
            assert torch.tensor(1.0).grad is None

    def test_float_of_a_tensor_requiring_grad_warns_once(self):
        lines = warnings_in_fresh_process(
            "x = torch.tensor(2.0, requires_grad=True)\n"
            "float(x * 1)\nfloat(x)\n(x * 1).item()\nint(x * 1)")
        assert lines == ["UserWarning | Converting a tensor with requires_grad=True to a scalar may "
                         "lead to unexpected behavior.\\nConsider using tensor.detach() first."]

    def test_item_of_a_tensor_requiring_grad_does_not_warn(self):
        x = leaf(2.0)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert (x * 1).item() == 2.0 and int(x * 1) == 2

    def test_no_warning_once_a_non_leaf_grad_is_assigned(self):
        x = leaf([1.0, 2.0])
        y = x * 2
        y.grad = torch.tensor([1.0, 2.0])
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            close(y.grad, [1.0, 2.0])


# =====================================================================================
# retain_grad
# =====================================================================================

class TestRetainGrad:
    def test_retain_grad(self):
        x = leaf([1.0, 2.0])
        y = x * 2
        assert not y.retains_grad and not x.retains_grad
        y.retain_grad()
        assert y.retains_grad and not x.retains_grad
        (y * y).sum().backward()
        close(y.grad, [4.0, 8.0])
        close(x.grad, [8.0, 16.0])

    def test_retain_grad_on_leaf_is_a_no_op(self):
        x = leaf([1.0, 2.0])
        x.retain_grad()
        assert not x.retains_grad
        (x * 2).sum().backward()
        close(x.grad, [2.0, 2.0])

    def test_retain_grad_twice_counts_once(self):
        x = leaf([1.0, 2.0])
        y = x * 2
        y.retain_grad()
        y.retain_grad()
        y.sum().backward()
        close(y.grad, [1.0, 1.0])

    def test_retained_grad_accumulates(self):
        x = leaf([1.0, 2.0])
        y = x * 2
        y.retain_grad()
        y.sum().backward(retain_graph=True)
        y.sum().backward(retain_graph=True)
        close(y.grad, [2.0, 2.0])
        y.grad = None
        (3 * y).sum().backward()
        close(y.grad, [3.0, 3.0])

    def test_retain_grad_without_requires_grad(self):
        with raises(RuntimeError, "can't retain_grad on Tensor that has requires_grad=False"):
            torch.tensor([1.0, 2.0]).retain_grad()

    def test_retain_grad_follows_in_place_ops(self):
        x = leaf([1.0, 2.0])
        y = x * 2
        y.retain_grad()
        y.mul_(3)  # y's history is now MulBackward0 of the in-place op
        assert y.retains_grad
        assert y.grad_fn.name() == "MulBackward0"
        (y * y).sum().backward()
        close(y.grad, [12.0, 24.0])  # d/dy of y^2 at y = 6x
        close(x.grad, [72.0, 144.0])

    def test_retained_grad_is_not_the_incoming_buffer(self):
        # the engine goes on using the gradient it hands to retain_grad
        x = leaf([1.0, 2.0])
        y = x * 1
        y.retain_grad()
        z = y + 0
        z.backward(torch.tensor([1.0, 1.0]))
        y.grad.add_(100)
        close(x.grad, [1.0, 1.0])


# =====================================================================================
# is_leaf, requires_grad, detach, .data
# =====================================================================================

class TestLeafAndRequiresGrad:
    def test_is_leaf(self):
        x = leaf([1.0])
        c = torch.tensor([1.0])
        assert x.is_leaf and c.is_leaf
        assert not (x * 2).is_leaf
        assert (c * 2).is_leaf  # no input requires grad: no history
        with torch.no_grad():
            assert (x * 2).is_leaf
        assert x.detach().is_leaf

    def test_requires_grad_propagates(self):
        x, c = leaf([1.0]), torch.tensor([1.0])
        assert (x + c).requires_grad
        assert not (c + c).requires_grad
        assert (x * c).grad_fn.name() == "MulBackward0"
        assert (c * c).grad_fn is None

    def test_requires_grad_setter_on_leaves(self):
        x = torch.tensor([1.0, 2.0])
        x.requires_grad = True
        assert x.requires_grad and x.is_leaf
        x.requires_grad = False
        assert not x.requires_grad

    def test_requires_grad_false_on_non_leaf(self):
        y = leaf([1.0]) * 2
        with raises(RuntimeError, "you can only change requires_grad flags of leaf variables. If you "
                                  "want to use a computed variable in a subgraph that doesn't require "
                                  "differentiation use var_no_grad = var.detach()."):
            y.requires_grad = False
        with raises(RuntimeError, "you can only change requires_grad flags of leaf variables. If you "
                                  "want to use a computed variable in a subgraph that doesn't require "
                                  "differentiation use var_no_grad = var.detach()."):
            y.requires_grad_(False)
        assert y.requires_grad

    def test_requires_grad_true_on_non_leaf(self):
        y = leaf([1.0]) * 2
        with raises(RuntimeError, "you can only change requires_grad flags of leaf variables."):
            y.requires_grad = True

    def test_requires_grad_(self):
        x = torch.tensor([1.0, 2.0])
        assert x.requires_grad_() is x
        assert x.requires_grad and x.is_leaf
        assert x.requires_grad_(False) is x
        assert not x.requires_grad

    @pytest.mark.parametrize("dtype", [torch.int64, torch.int32, torch.uint8, torch.bool])
    def test_integer_tensors_refuse_grad(self, dtype):
        x = torch.zeros(2, dtype=dtype)
        with raises(RuntimeError, "only Tensors of floating point and complex dtype can require "
                                  "gradients"):
            x.requires_grad = True
        with raises(RuntimeError, "only Tensors of floating point dtype can require gradients"):
            x.requires_grad_()
        assert x.requires_grad_(False) is x
        x.requires_grad = False
        assert not x.requires_grad

    def test_integer_tensor_factory_refuses_grad(self):
        with raises(RuntimeError, "Only Tensors of floating point and complex dtype can require "
                                  "gradients"):
            torch.tensor([1, 2], requires_grad=True)
        with raises(RuntimeError, "Only Tensors of floating point and complex dtype can require "
                                  "gradients"):
            torch.tensor([True], requires_grad=True)

    def test_integer_zeros_refuse_grad(self):
        with raises(RuntimeError, "Only Tensors of floating point and complex dtype can require "
                                  "gradients"):
            torch.zeros(2, dtype=torch.int64, requires_grad=True)

    def test_float_ops_on_ints_do_not_require_grad(self):
        i = torch.tensor([1, 2])
        x = leaf([1.0, 2.0])
        y = x * i
        assert y.requires_grad and y.dtype == torch.float32
        y.sum().backward()
        close(x.grad, [1.0, 2.0])


class TestDetach:
    def test_detach_shares_storage_both_ways(self):
        x = leaf([1.0, 2.0])
        d = x.detach()
        assert d.is_leaf and not d.requires_grad and d.grad_fn is None
        d[0] = 7.0
        close(x, [7.0, 2.0])
        with torch.no_grad():
            x[1] = 9.0
        close(d, [7.0, 9.0])

    def test_detach_shares_the_version_counter(self):
        x = leaf([1.0, 2.0])
        d = x.detach()
        d.add_(1)
        assert x._version == d._version == 1
        with torch.no_grad():
            x.mul_(2)
        assert x._version == d._version == 2

    def test_detach_of_a_non_leaf(self):
        x = leaf([1.0, 2.0])
        y = x * 2
        d = y.detach()
        assert d.is_leaf and not d.requires_grad
        close(d, [2.0, 4.0])
        (y * d).sum().backward()  # d is a constant
        close(x.grad, [4.0, 8.0])

    def test_detach_cuts_the_graph(self):
        x = leaf(3.0)
        y = x * x.detach()
        y.backward()
        close(x.grad, 3.0)

    def test_in_place_through_detach_is_caught_by_backward(self):
        x = leaf([1.0, 2.0])
        w = leaf([3.0, 4.0])
        y = x * w
        x.detach().mul_(2)
        with raises(RuntimeError, modified_msg("2", 1, 0)):
            y.sum().backward()

    def test_detach_(self):
        x = leaf([1.0, 2.0])
        y = x * 2
        assert y.detach_() is y
        assert y.is_leaf and not y.requires_grad and y.grad_fn is None
        close(y, [2.0, 4.0])

    def test_data(self):
        x = leaf([1.0, 2.0])
        d = x.data
        assert d.is_leaf and not d.requires_grad
        d[0] = 5.0  # shares storage ...
        close(x, [5.0, 2.0])
        assert x._version == 0 and d._version == 1  # ... but not the version counter
        assert x.requires_grad and x.is_leaf

    def test_data_in_place_bypasses_autograd(self):
        x = leaf([1.0, 2.0])
        y = x * x
        x.data.mul_(10)  # not seen by the saved-tensor check, as in PyTorch
        y.sum().backward()
        close(x.grad, [20.0, 40.0])

    def test_data_setter(self):
        x = leaf([1.0, 2.0])
        x.data = torch.tensor([3.0, 4.0, 5.0])
        assert x.shape == (3,) and x.requires_grad and x.is_leaf
        close(x, [3.0, 4.0, 5.0])

    def test_data_setter_refuses_ints_on_grad_tensors(self):
        x = leaf([1.0, 2.0])
        with raises(RuntimeError, "data set to a tensor that requires gradients must be floating "
                                  "point or complex dtype"):
            x.data = torch.tensor([3, 4])


# =====================================================================================
# backward(gradient=..., inputs=...)
# =====================================================================================

class TestBackwardArguments:
    def test_non_scalar_needs_a_gradient(self):
        x = leaf([1.0, 2.0])
        with raises(RuntimeError, "grad can be implicitly created only for scalar outputs"):
            (x * x).backward()
        assert x.grad is None

    def test_one_element_non_scalar_is_fine(self):
        x = leaf([[1.5]])
        (x * 2).backward()
        close(x.grad, [[2.0]])

    def test_gradient(self):
        x = leaf([1.0, 2.0])
        (x * x).backward(torch.tensor([1.0, 10.0]))
        close(x.grad, [2.0, 40.0])

    def test_gradient_of_another_dtype_is_cast(self):
        x = leaf([1.0, 2.0])
        (x * x).backward(torch.tensor([1, 10]))
        close(x.grad, [2.0, 40.0])
        x.grad = None
        (x * x).backward(torch.tensor([1.0, 10.0], dtype=torch.float64))
        assert x.grad.dtype == torch.float32
        close(x.grad, [2.0, 40.0])

    def test_scalar_gradient_for_scalar_output(self):
        x = leaf([1.0, 2.0])
        (x * x).sum().backward(torch.tensor(3.0))
        close(x.grad, [6.0, 12.0])

    @pytest.mark.parametrize("shape,expected", [
        ((3,), "torch.Size([3]) and output[0] has a shape of torch.Size([2])."),
        ((1, 2), "torch.Size([1, 2]) and output[0] has a shape of torch.Size([2])."),
    ])
    def test_gradient_shape_mismatch(self, shape, expected):
        x = leaf([1.0, 2.0])
        with raises(RuntimeError, f"Mismatch in shape: grad_output[0] has a shape of {expected}"):
            (x * x).backward(torch.ones(shape))
        assert x.grad is None

    def test_scalar_output_with_one_element_gradient(self):
        x = leaf([1.0, 2.0])
        with raises(RuntimeError, "Mismatch in shape: grad_output[0] has a shape of torch.Size([1]) "
                                  "and output[0] has a shape of torch.Size([])."):
            (x * x).sum().backward(torch.tensor([3.0]))

    def test_no_grad_fn(self):
        with raises(RuntimeError, "element 0 of tensors does not require grad and does not have a "
                                  "grad_fn"):
            torch.tensor(1.0).backward()
        x = leaf(1.0)
        with torch.no_grad():
            y = x * 2
        with raises(RuntimeError, "element 0 of tensors does not require grad and does not have a "
                                  "grad_fn"):
            y.backward()

    def test_inputs_leaf(self):
        x, w = leaf([1.0, 2.0]), leaf([3.0, 4.0])
        (x * w).sum().backward(inputs=[x])
        close(x.grad, [3.0, 4.0])
        assert w.grad is None
        (x * w).sum().backward(inputs=x)  # a single tensor is fine too
        close(x.grad, [6.0, 8.0])

    def test_inputs_several(self):
        x, w, u = leaf([1.0, 2.0]), leaf([3.0, 4.0]), leaf(5.0)
        (x * w * u).sum().backward(inputs=[w, u])
        assert x.grad is None
        close(w.grad, [5.0, 10.0])
        close(u.grad, 11.0)

    def test_inputs_non_leaf(self):
        x, w = leaf([1.0, 2.0]), leaf([3.0, 4.0])
        y = x * w
        (y * y).sum().backward(inputs=[y, x])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            close(y.grad, [6.0, 16.0])
        close(x.grad, [18.0, 64.0])
        assert w.grad is None

    def test_inputs_non_leaf_retains_grad(self):
        x = leaf([1.0, 2.0])
        y = x * 3
        (y * y).sum().backward(inputs=[y])
        assert y.retains_grad
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            close(y.grad, [6.0, 12.0])

    def test_inputs_non_leaf_that_retains_grad(self):
        x = leaf([1.0, 2.0])
        y = x * 3
        y.retain_grad()
        (y * y).sum().backward(inputs=[y])
        close(y.grad, [6.0, 12.0])
        assert x.grad is None

    def test_inputs_unreached_leaf(self):
        x, u = leaf([1.0, 2.0]), leaf([1.0, 2.0])
        (x * x).sum().backward(inputs=[u])
        assert u.grad is None and x.grad is None

    def test_inputs_empty(self):
        x = leaf([1.0, 2.0])
        with pytest.raises(RuntimeError, match="argument to .?backward\\(\\).? cannot be empty"):
            (x * x).sum().backward(inputs=[])

    def test_inputs_empty_message(self):
        x = leaf([1.0, 2.0])
        with raises(RuntimeError, "`inputs` argument to `backward()` cannot be empty."):
            (x * x).sum().backward(inputs=[])

    def test_autograd_backward_function(self):
        x = leaf([1.0, 2.0])
        a, b = x * 2, (x * x).sum()
        torch.autograd.backward([a, b], [torch.tensor([1.0, 1.0]), None])
        close(x.grad, [4.0, 6.0])


# =====================================================================================
# autograd.grad
# =====================================================================================

class TestAutogradGrad:
    def test_returns_a_tuple_and_accumulates_nothing(self):
        x = leaf([1.0, 2.0])
        g = torch.autograd.grad((x * x).sum(), x)
        assert isinstance(g, tuple) and len(g) == 1
        close(g[0], [2.0, 4.0])
        assert x.grad is None
        assert not g[0].requires_grad

    def test_several_inputs_and_non_leaf_inputs(self):
        x = leaf([1.0, 2.0])
        y = x * 3
        gy, gx = torch.autograd.grad((y * y).sum(), [y, x])
        close(gy, [6.0, 12.0])
        close(gx, [18.0, 36.0])

    def test_grad_outputs(self):
        x = leaf([1.0, 2.0])
        (g,) = torch.autograd.grad(x * x, x, torch.tensor([1.0, 10.0]))
        close(g, [2.0, 40.0])

    def test_several_outputs_sum(self):
        x = leaf([1.0, 2.0])
        z = (x * x).sum()
        (g,) = torch.autograd.grad([z, 2 * z], x)
        close(g, [6.0, 12.0])

    def test_output_is_input(self):
        x = leaf(2.0)
        close(torch.autograd.grad(x, x)[0], 1.0)

    def test_fills_retained_grads_but_not_leaves(self):
        x = leaf([1.0, 2.0])
        y = x * 2
        y.retain_grad()
        torch.autograd.grad((y * y).sum(), x)  # PyTorch runs retain_grad's hook here too
        close(y.grad, [4.0, 8.0])
        assert x.grad is None

    def test_unused_input(self):
        x, u = leaf([1.0, 2.0]), leaf([3.0, 4.0])
        with raises(RuntimeError, "The differentiated Tensor at index 1 appears to not have been used "
                                  "in the graph. Set allow_unused=True if this is the desired "
                                  "behavior."):
            torch.autograd.grad((x * x).sum(), [x, u])

    def test_allow_unused(self):
        x, u = leaf([1.0, 2.0]), leaf([3.0, 4.0])
        gx, gu = torch.autograd.grad((x * x).sum(), [x, u], allow_unused=True)
        close(gx, [2.0, 4.0])
        assert gu is None

    def test_materialize_grads(self):
        x, u = leaf([1.0, 2.0]), leaf([3.0, 4.0], dtype=torch.float64)
        gx, gu = torch.autograd.grad((x * x).sum(), [x, u], materialize_grads=True)
        close(gx, [2.0, 4.0])
        assert gu.dtype == torch.float64 and gu.shape == (2,)
        close(gu, [0.0, 0.0])
        _, gu2 = torch.autograd.grad((x * x).sum(), [x, u], allow_unused=True, materialize_grads=True)
        close(gu2, [0.0, 0.0])

    def test_materialize_grads_with_allow_unused_false(self):
        x = leaf([1.0, 2.0])
        with raises(ValueError, "Expected allow_unused to be True or not passed when "
                                "materialize_grads=True, but got: allow_unused=False."):
            torch.autograd.grad((x * x).sum(), x, allow_unused=False, materialize_grads=True)

    def test_input_not_requiring_grad(self):
        x, c = leaf([1.0, 2.0]), torch.tensor([1.0, 2.0])
        with raises(RuntimeError, "One of the differentiated Tensors does not require grad"):
            torch.autograd.grad((x * c).sum(), [c])

    def test_non_scalar_output(self):
        x = leaf([1.0, 2.0])
        with raises(RuntimeError, "grad can be implicitly created only for scalar outputs"):
            torch.autograd.grad(x * x, x)

    def test_grad_outputs_shape(self):
        x = leaf([1.0, 2.0])
        with raises(RuntimeError, "Mismatch in shape: grad_output[0] has a shape of torch.Size([3]) "
                                  "and output[0] has a shape of torch.Size([2])."):
            torch.autograd.grad(x * x, x, torch.ones(3))

    def test_empty_inputs(self):
        x = leaf([1.0, 2.0])
        with raises(RuntimeError, "`inputs` argument to `grad()` cannot be empty."):
            torch.autograd.grad((x * x).sum(), [])

    def test_output_without_grad_fn(self):
        c = torch.tensor([1.0, 2.0])
        with raises(RuntimeError, "element 0 of tensors does not require grad and does not have a "
                                  "grad_fn"):
            torch.autograd.grad(c.sum(), c)

    def test_grad_outputs_count(self):
        x = leaf([1.0, 2.0])
        with raises(RuntimeError, "got 2 tensors and 1 gradients"):
            torch.autograd.grad([x.sum(), x.sum()], x, [torch.tensor(1.0)])


# =====================================================================================
# higher order: create_graph=True
# =====================================================================================

X0 = 0.7
_HIGHER = {
    # name: (f, f', f'', f''') at X0
    "x**3": (lambda t: t ** 3, 3 * X0 ** 2, 6 * X0, 6.0),
    "sin": (torch.sin, math.cos(X0), -math.sin(X0), -math.cos(X0)),
    "tanh": (torch.tanh,
             1 - math.tanh(X0) ** 2,
             -2 * math.tanh(X0) * (1 - math.tanh(X0) ** 2),
             (1 - math.tanh(X0) ** 2) * (6 * math.tanh(X0) ** 2 - 2)),
    "exp": (torch.exp, math.exp(X0), math.exp(X0), math.exp(X0)),
    # x^2 sin x: (2x sin + x^2 cos), (2 sin + 4x cos - x^2 sin), (6 cos - 6x sin - x^2 cos)
    "x*x*sin": (lambda t: t * t * t.sin(),
                2 * X0 * math.sin(X0) + X0 ** 2 * math.cos(X0),
                2 * math.sin(X0) + 4 * X0 * math.cos(X0) - X0 ** 2 * math.sin(X0),
                6 * math.cos(X0) - 6 * X0 * math.sin(X0) - X0 ** 2 * math.cos(X0)),
    # x e^x: (1 + x) e^x, (2 + x) e^x, (3 + x) e^x
    "x*exp": (lambda t: t * t.exp(), (1 + X0) * math.exp(X0), (2 + X0) * math.exp(X0),
              (3 + X0) * math.exp(X0)),
}


class TestHigherOrder:
    @pytest.mark.parametrize("name", list(_HIGHER))
    @pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
    def test_second_and_third_derivatives(self, name, dtype):
        f, d1, d2, d3 = _HIGHER[name]
        x = torch.tensor(X0, dtype=dtype, requires_grad=True)
        (g1,) = torch.autograd.grad(f(x), x, create_graph=True)
        assert g1.requires_grad and g1.grad_fn is not None
        (g2,) = torch.autograd.grad(g1, x, create_graph=True)
        assert g2.requires_grad and g2.grad_fn is not None
        (g3,) = torch.autograd.grad(g2, x)
        assert not g3.requires_grad
        tol = 1e-5 if dtype is torch.float32 else 1e-12
        for got, want in ((g1, d1), (g2, d2), (g3, d3)):
            close(got, want, rtol=tol, atol=tol)
            assert got.dtype == dtype

    def test_vector_second_derivative(self):
        x = leaf([0.5, 1.0, 2.0], dtype=torch.float64)
        (g,) = torch.autograd.grad((x ** 3).sum(), x, create_graph=True)
        (h,) = torch.autograd.grad(g.sum(), x)
        close(h, 6 * vals(x))

    def test_mixed_partials(self):
        x, y = leaf(2.0, dtype=torch.float64), leaf(3.0, dtype=torch.float64)
        f = x * x * y + y.exp() * x
        gx, gy = torch.autograd.grad(f, [x, y], create_graph=True)
        close(gx, 2 * 2.0 * 3.0 + math.exp(3.0))
        close(gy, 4.0 + math.exp(3.0) * 2.0)
        gxy, gxx = torch.autograd.grad(gx, [y, x])
        close(gxy, 2 * 2.0 + math.exp(3.0))
        close(gxx, 2 * 3.0)

    def test_gradient_penalty_through_backward(self):
        # d/dw of |d/dx (w x^2)|^2 = d/dw (2 w x)^2 = 8 w x^2
        x, w = leaf(1.5, dtype=torch.float64), leaf(0.5, dtype=torch.float64)
        (gx,) = torch.autograd.grad(w * x * x, x, create_graph=True)
        (gx * gx).backward()
        close(w.grad, 8 * 0.5 * 1.5 ** 2)
        close(x.grad, 8 * 0.5 ** 2 * 1.5)  # d/dx (2 w x)^2

    def test_backward_create_graph_makes_a_differentiable_grad(self):
        x = leaf(2.0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            (x ** 3).backward(create_graph=True)
        g = x.grad
        assert g.requires_grad and g.grad_fn is not None
        close(g, 12.0)
        x.grad = None
        g.backward()
        close(x.grad, 12.0)  # 6x

    def test_backward_create_graph_accumulates(self):
        x = leaf(2.0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            y = x ** 3
            y.backward(create_graph=True)
            y.backward(create_graph=True)
        assert x.grad.grad_fn.name() == "AddBackward0"
        close(x.grad, 24.0)

    def test_backward_create_graph_grad_is_a_copy(self):
        x = leaf([2.0])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            (x * x).sum().backward(create_graph=True)
        assert repr(x.grad) == "tensor([4.], grad_fn=<CopyBackwards>)"
        assert x.grad.grad_fn.name() == "torch::autograd::CopyBackwards"

    def test_backward_create_graph_warns(self):
        x = leaf(2.0)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            (x ** 3).backward(create_graph=True)
        # PyTorch warns once per process: earlier tests may have had it already
        assert all(w.category is UserWarning and message_of(w) == CREATE_GRAPH_WARNING for w in caught)

    def test_backward_create_graph_warning_text(self):
        lines = warnings_in_fresh_process(
            "x = torch.tensor(2.0, requires_grad=True)\n(x ** 3).backward(create_graph=True)")
        assert lines[:1] == [f"UserWarning | {CREATE_GRAPH_WARNING}"]
        lines = warnings_in_fresh_process(
            "x = torch.tensor(2.0, requires_grad=True)\n"
            "torch.autograd.backward([x ** 3], create_graph=True)")
        assert lines[:1] == [f"UserWarning | {CREATE_GRAPH_WARNING}"]

    def test_grad_create_graph_does_not_warn(self):
        lines = warnings_in_fresh_process(
            "x = torch.tensor(2.0, requires_grad=True)\n"
            "torch.autograd.grad(x ** 3, x, create_graph=True)")
        assert lines == []

    def test_backward_create_graph_warns_once(self):
        lines = warnings_in_fresh_process(
            "x = torch.tensor(2.0, requires_grad=True)\n"
            "(x ** 3).backward(create_graph=True)\n"
            "(x ** 3).backward(create_graph=True)")
        assert lines == [f"UserWarning | {CREATE_GRAPH_WARNING}"]


# =====================================================================================
# deep graphs
# =====================================================================================

class TestDeepGraphs:
    def test_100k_chain_backward(self):
        x = leaf(1.0)
        y = x
        for i in range(100_000):
            y = y * 1.0 if i % 2 else y + 1.0
        t0 = time.perf_counter()
        y.backward()
        elapsed = time.perf_counter() - t0
        close(x.grad, 1.0)
        close(y, 50_001.0)
        assert elapsed < 10.0, f"backward through 100,000 nodes took {elapsed:.1f} s"

    def test_100k_chain_grad_and_free(self):
        x = leaf([1.0, 2.0])
        y = x
        for _ in range(100_000):
            y = y * 1.0
        (g,) = torch.autograd.grad(y.sum(), x)
        close(g, [1.0, 1.0])
        with raises(RuntimeError, FREED):
            y.sum().backward()

    def test_100k_chain_deallocates_without_recursion_error(self):
        x = leaf(1.0)
        y = x
        for _ in range(100_000):
            y = y * 1.0
        ref = weakref.ref(y)
        del y
        gc.collect()
        assert ref() is None

    def test_10k_chain_second_order(self):
        x = leaf(1.0, dtype=torch.float64)
        y = x
        for _ in range(10_000):
            y = y * 1.0
        y = y * y
        (g,) = torch.autograd.grad(y, x, create_graph=True)
        (h,) = torch.autograd.grad(g, x)
        close(g, 2.0)
        close(h, 2.0)


# =====================================================================================
# grad modes
# =====================================================================================

def _records() -> bool:
    """Whether an op on a tensor requiring grad records history right now."""
    return (torch.ones(1, requires_grad=True) * 2).requires_grad


class TestGradModes:
    def test_no_grad_context(self):
        x = leaf([1.0])
        with torch.no_grad():
            assert not torch.is_grad_enabled()
            y = x * 2
        assert torch.is_grad_enabled()
        assert not y.requires_grad and y.grad_fn is None and y.is_leaf

    def test_leaf_creation_inside_no_grad(self):
        with torch.no_grad():
            x = torch.tensor([1.0, 2.0], requires_grad=True)
            assert x.requires_grad and x.is_leaf
        (x * 2).sum().backward()
        close(x.grad, [2.0, 2.0])

    def test_no_grad_result_used_later(self):
        x = leaf([1.0, 2.0])
        with torch.no_grad():
            c = x * 2
        (c * x).sum().backward()
        close(x.grad, [2.0, 4.0])

    def test_enable_grad_inside_no_grad(self):
        with torch.no_grad():
            with torch.enable_grad():
                assert torch.is_grad_enabled() and _records()
            assert not torch.is_grad_enabled() and not _records()
        assert torch.is_grad_enabled()

    def test_set_grad_enabled_as_function(self):
        try:
            torch.set_grad_enabled(False)
            assert not torch.is_grad_enabled() and not _records()
            torch.set_grad_enabled(True)
            assert torch.is_grad_enabled() and _records()
        finally:
            torch.set_grad_enabled(True)

    def test_set_grad_enabled_as_context(self):
        for mode in (False, True):
            with torch.no_grad() if mode else torch.enable_grad():
                with torch.set_grad_enabled(mode):
                    assert torch.is_grad_enabled() is mode and _records() is mode
                assert torch.is_grad_enabled() is not mode
        assert torch.is_grad_enabled()

    def test_set_grad_enabled_object_used_later_as_context(self):
        try:
            m = torch.set_grad_enabled(False)
            assert not torch.is_grad_enabled()  # the call itself switches the mode
            with m:
                assert not torch.is_grad_enabled()
            assert torch.is_grad_enabled()  # restored to what it was before the call
        finally:
            torch.set_grad_enabled(True)

    def test_set_grad_enabled_as_decorator(self):
        @torch.set_grad_enabled(False)
        def f(x):
            return x * 2
        assert torch.is_grad_enabled()  # decorating changes nothing now
        x = leaf([1.0])
        assert not f(x).requires_grad
        assert torch.is_grad_enabled()

    @pytest.mark.parametrize("factory", [torch.no_grad, torch.inference_mode],
                             ids=["no_grad", "inference_mode"])
    def test_disabling_decorators(self, factory):
        @factory()
        def f(x):
            """doc"""
            return x * 2

        @factory
        def bare(x):
            return x * 2
        x = leaf([1.0])
        assert not f(x).requires_grad and not bare(x).requires_grad
        assert f.__name__ == "f" and f.__doc__ == "doc"
        assert torch.is_grad_enabled()

    def test_enable_grad_decorators(self):
        @torch.enable_grad()
        def f(x):
            return x * 2

        @torch.enable_grad
        def bare(x):
            return x * 2
        x = leaf([1.0])
        with torch.no_grad():
            assert f(x).requires_grad and bare(x).requires_grad
            assert not torch.is_grad_enabled()

    @pytest.mark.parametrize("factory", [torch.no_grad, torch.inference_mode,
                                         lambda: torch.set_grad_enabled(False)],
                             ids=["no_grad", "inference_mode", "set_grad_enabled"])
    def test_generator_decorator_holds_mode_only_inside(self, factory):
        @factory()
        def gen():
            got = yield torch.is_grad_enabled()
            yield (torch.is_grad_enabled(), got)
            return "done"
        it = gen()
        assert torch.is_grad_enabled()
        assert next(it) is False
        assert torch.is_grad_enabled()  # between steps, the caller's mode
        assert it.send(5) == (False, 5)
        with pytest.raises(StopIteration) as stop:
            next(it)
        assert stop.value.value == "done"
        assert torch.is_grad_enabled()

    def test_enable_grad_generator_under_no_grad(self):
        @torch.enable_grad()
        def gen():
            yield torch.is_grad_enabled()
            yield torch.is_grad_enabled()
        with torch.no_grad():
            assert list(gen()) == [True, True]
            assert not torch.is_grad_enabled()

    def test_generator_decorator_forwards_throw_and_close(self):
        seen = []

        @torch.no_grad()
        def gen():
            try:
                yield 1
            except ValueError:
                seen.append(("caught", torch.is_grad_enabled()))
                yield 2
            finally:
                seen.append(("finally", torch.is_grad_enabled()))
        it = gen()
        next(it)
        assert it.throw(ValueError()) == 2
        it.close()
        assert seen == [("caught", False), ("finally", False)]
        assert torch.is_grad_enabled()

    def test_nested_modes(self):
        with torch.no_grad():
            with torch.enable_grad():
                with torch.set_grad_enabled(False):
                    with torch.enable_grad():
                        assert torch.is_grad_enabled()
                    assert not torch.is_grad_enabled()
                assert torch.is_grad_enabled()
            assert not torch.is_grad_enabled()
        assert torch.is_grad_enabled()

    def test_set_grad_enabled_repr(self):
        try:
            assert repr(torch.set_grad_enabled(False)) == (
                "torch.autograd.grad_mode.set_grad_enabled(mode=False)")
        finally:
            torch.set_grad_enabled(True)

    def test_context_managers_return_none(self):
        for cm in (torch.no_grad(), torch.enable_grad(), torch.set_grad_enabled(True),
                   torch.inference_mode()):
            with cm as value:
                assert value is None

    def test_restored_when_the_body_raises(self):
        for cm in (torch.no_grad, torch.inference_mode, lambda: torch.set_grad_enabled(False)):
            with pytest.raises(KeyError):
                with cm():
                    raise KeyError("boom")
            assert torch.is_grad_enabled() and not torch.is_inference_mode_enabled()
        with pytest.raises(KeyError):
            with torch.no_grad():
                with torch.enable_grad():
                    raise KeyError("boom")
        assert torch.is_grad_enabled()

    def test_decorator_restores_when_function_raises(self):
        @torch.no_grad()
        def bad():
            raise KeyError("boom")

        @torch.set_grad_enabled(False)
        def bad2():
            raise KeyError("boom")
        for f in (bad, bad2):
            with pytest.raises(KeyError):
                f()
            assert torch.is_grad_enabled()

    def test_decorated_function_is_reentrant(self):
        @torch.no_grad()
        def rec(n):
            assert not torch.is_grad_enabled()
            return 0 if n == 0 else 1 + rec(n - 1)
        assert rec(5) == 5
        assert torch.is_grad_enabled()

    def test_inference_mode(self):
        x = leaf([1.0])
        with torch.inference_mode():
            assert not torch.is_grad_enabled() and torch.is_inference_mode_enabled()
            y = x * 2
        assert not y.requires_grad
        assert torch.is_grad_enabled() and not torch.is_inference_mode_enabled()
        with torch.inference_mode(False):
            assert torch.is_grad_enabled() and not torch.is_inference_mode_enabled()

    def test_enable_grad_inside_inference_mode(self):
        with torch.inference_mode():
            with torch.enable_grad():
                assert torch.is_grad_enabled()
            assert not torch.is_grad_enabled()

    def test_inference_mode_false_inside_inference_mode(self):
        with torch.inference_mode():
            with torch.inference_mode(False):
                assert torch.is_grad_enabled() and not torch.is_inference_mode_enabled()
            assert not torch.is_grad_enabled() and torch.is_inference_mode_enabled()

    def test_thread_starts_with_grad_enabled(self):
        seen = {}

        def worker():
            seen["enabled"] = torch.is_grad_enabled()
            seen["records"] = _records()
            with torch.no_grad():
                seen["inner"] = torch.is_grad_enabled()
        with torch.no_grad():
            t = threading.Thread(target=worker)
            t.start()
            t.join()
            assert not torch.is_grad_enabled()
        assert seen == {"enabled": True, "records": True, "inner": False}

    def test_thread_mode_does_not_leak_into_main(self):
        barrier = threading.Barrier(2)
        seen = {}

        def worker():
            torch.set_grad_enabled(False)
            barrier.wait()  # main checks its mode while this thread has grad disabled
            barrier.wait()
            seen["worker"] = torch.is_grad_enabled()
        t = threading.Thread(target=worker)
        t.start()
        barrier.wait()
        seen["main"] = torch.is_grad_enabled()
        barrier.wait()
        t.join()
        assert seen == {"main": True, "worker": False}

    def test_backward_inside_no_grad(self):
        x = leaf([1.0, 2.0])
        y = (x * x).sum()
        with torch.no_grad():
            y.backward()
        close(x.grad, [2.0, 4.0])

    def test_create_graph_inside_no_grad(self):
        x = leaf(2.0)
        y = x ** 3
        with torch.no_grad():
            (g,) = torch.autograd.grad(y, x, create_graph=True)
            assert not torch.is_grad_enabled()
        assert g.requires_grad
        close(torch.autograd.grad(g, x)[0], 12.0)


# =====================================================================================
# in-place ops
# =====================================================================================

def _ops():
    """(name, in-place action on tensor a) for every in-place spelling."""
    def iadd(a):
        a += 1

    def isub(a):
        a -= 1

    def imul(a):
        a *= 2

    def idiv(a):
        a /= 2

    def set_basic(a):
        a[0] = 5.0

    def set_slice_broadcast(a):
        a[:, 1:] = torch.tensor([7.0, 8.0])

    def set_advanced(a):
        a[[0, 1], [1, 2]] = torch.tensor(3.0)

    def set_mask(a):
        a[a > 3] = 0.0
    return [
        ("add_", lambda a: a.add_(1)), ("add_alpha", lambda a: a.add_(torch.ones(3), alpha=2)),
        ("sub_", lambda a: a.sub_(torch.ones(2, 3))), ("mul_", lambda a: a.mul_(2)),
        ("div_", lambda a: a.div_(torch.full((3,), 2.0))), ("zero_", lambda a: a.zero_()),
        ("fill_", lambda a: a.fill_(3.0)), ("fill_tensor", lambda a: a.fill_(torch.tensor(3.0))),
        ("copy_", lambda a: a.copy_(torch.ones(3))), ("+=", iadd), ("-=", isub), ("*=", imul),
        ("/=", idiv), ("setitem", set_basic), ("setitem_slice", set_slice_broadcast),
        ("setitem_advanced", set_advanced), ("setitem_mask", set_mask),
    ]


_OPS = _ops()
_OP_IDS = [name for name, _ in _OPS]
_OP_FNS = [fn for _, fn in _OPS]


def _grid():
    return torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])


class TestInPlace:
    @pytest.mark.parametrize("op", _OP_FNS, ids=_OP_IDS)
    def test_version_counter_increments_once(self, op):
        a = _grid()
        d = a.detach()
        assert a._version == 0
        op(a)
        assert a._version == 1 and d._version == 1
        op(a)
        assert a._version == 2

    def test_out_of_place_ops_keep_the_version(self):
        a = _grid()
        _ = a + 1, a * a, a.sum(), a[0], a.t(), a.exp(), a.clone()
        assert a._version == 0

    def test_in_place_returns_self(self):
        a = _grid()
        for result in (a.add_(1), a.sub_(1), a.mul_(1), a.div_(1), a.zero_(), a.fill_(1),
                       a.copy_(a.detach())):
            assert result is a

    def test_in_place_values(self):
        a = _grid()
        a.add_(1)
        a -= torch.tensor([1.0, 1.0, 2.0])
        a *= torch.tensor([[2.0], [3.0]])
        a /= 2
        close(a, [[1.0, 2.0, 2.0], [6.0, 7.5, 7.5]])
        a.add_(torch.ones(3), alpha=-2)
        close(a, [[-1.0, 0.0, 0.0], [4.0, 5.5, 5.5]])
        a[1] = torch.tensor([9.0])  # broadcast value
        a[0, [0, 2]] = torch.tensor([7.0, 8.0])
        a[a < 1] = -1.0
        close(a, [[7.0, -1.0, 8.0], [9.0, 9.0, 9.0]])

    def test_in_place_on_int_keeps_dtype(self):
        a = torch.tensor([1, 2, 3])
        a += 2
        a *= torch.tensor([1, 2, 3])
        assert a.dtype == torch.int64 and a.tolist() == [3, 8, 15]
        f = torch.tensor([1.0, 2.0])
        f += torch.tensor([1, 1])  # int into float is fine
        assert f.dtype == torch.float32
        close(f, [2.0, 3.0])

    @pytest.mark.parametrize("op", [fn for _, fn in _OPS], ids=_OP_IDS)
    def test_in_place_on_leaf_requiring_grad_raises(self, op):
        a = _grid().requires_grad_()
        # a basic-key setitem writes through a view; an advanced key is index_put_ on a itself
        msg = VIEW_OF_LEAF_INPLACE if op in (_OP_FNS[_OP_IDS.index("setitem")],
                                             _OP_FNS[_OP_IDS.index("setitem_slice")]) else LEAF_INPLACE
        with raises(RuntimeError, msg):
            op(a)
        close(a, vals(_grid()))
        assert a._version == 0 and a.is_leaf and a.grad_fn is None

    @pytest.mark.parametrize("op", _OP_FNS, ids=_OP_IDS)
    def test_in_place_on_leaf_inside_no_grad(self, op):
        a = _grid().requires_grad_()
        ref = _grid()
        with torch.no_grad():
            op(a)
        op(ref)
        close(a, vals(ref))
        assert a.requires_grad and a.is_leaf and a.grad_fn is None and a._version == 1

    def test_in_place_on_a_view_of_a_leaf_raises(self):
        x = leaf([1.0, 2.0])
        v = x[0]
        with raises(RuntimeError, VIEW_OF_LEAF_INPLACE):
            v.add_(1)
        with raises(RuntimeError, VIEW_OF_LEAF_INPLACE):
            x.view(2).mul_(2)
        close(x, [1.0, 2.0])

    def test_views_share_the_version_counter(self):
        a = _grid()
        v = a.t()
        v.mul_(2)
        assert a._version == v._version == 1
        close(a, 2 * vals(_grid()))
        r = a[0]
        r.add_(1)
        assert a._version == 2
        close(a, [[3.0, 5.0, 7.0], [8.0, 10.0, 12.0]])

    def test_scalar_element_of_a_vector_is_a_view(self):
        a = torch.tensor([1.0, 2.0])
        e = a[1]
        e.add_(10)
        close(a, [1.0, 12.0])
        assert a._version == 1

    def test_sgd_step_on_a_vector(self):
        w = leaf([1.0, -2.0])
        alias = w.detach()
        lr = 0.1
        for _ in range(3):
            loss = (w * w).sum()
            loss.backward()
            with torch.no_grad():
                w -= lr * w.grad
            w.grad.zero_()
        close(w, np.array([1.0, -2.0]) * 0.8 ** 3)
        close(alias, np.array([1.0, -2.0]) * 0.8 ** 3)
        assert w.is_leaf and w.requires_grad and w.grad_fn is None and w._version == 3

    def test_sgd_step_on_a_0d_parameter(self):
        w = leaf(3.0)
        ident = id(w)
        alias = w.detach()
        (w * w).backward()
        with torch.no_grad():
            w -= 0.1 * w.grad  # must update w in place, not rebind it
        assert id(w) == ident
        close(w, 2.4)
        close(alias, 2.4)
        assert w._version == alias._version == 1
        assert w.requires_grad and w.is_leaf and w.grad_fn is None
        w.grad = None
        (w * w).backward()
        close(w.grad, 4.8)

    def test_optimizer_style_updates(self):
        w = leaf([1.0, 2.0])
        (w * w).sum().backward()
        with torch.no_grad():
            w.add_(w.grad, alpha=-0.5)
            w.mul_(2)
            w[0] = 7.0
            w.sub_(torch.tensor([1.0, 1.0]))
        close(w, [6.0, -1.0])
        assert w.is_leaf and w.requires_grad

    def test_saved_input_modified(self):
        x = leaf([1.0, 2.0])
        y = x * 1
        z = y * y
        y.add_(1)
        with raises(RuntimeError, modified_msg("2", 1, 0, "Add")):  # y's node now: its add_
            z.sum().backward()
        assert x.grad is None

    @pytest.mark.parametrize("op,name", [(torch.exp, "Exp"), (torch.sigmoid, "Sigmoid"),
                                         (torch.tanh, "Tanh"), (torch.sqrt, "Sqrt")])
    def test_saved_output_modified(self, op, name):
        x = leaf([1.0, 2.0])
        y = op(x)
        y.mul_(2)
        with raises(RuntimeError, modified_msg("2", 1, 0, name)):
            y.sum().backward()

    def test_saved_leaf_modified_under_no_grad(self):
        x = leaf([1.0, 2.0])
        y = (x * x).sum()
        with torch.no_grad():
            x.add_(1)
        with raises(RuntimeError, modified_msg("2", 1, 0)):
            y.backward()

    def test_modified_twice_reports_versions(self):
        x = leaf([1.0, 2.0, 3.0])
        y = x.exp()
        y.add_(1)
        y.add_(1)
        with raises(RuntimeError, modified_msg("3", 2, 0, "Exp")):
            y.sum().backward()

    def test_modified_tensor_not_saved_is_fine(self):
        x = leaf([1.0, 2.0])
        y = x + 1  # AddBackward0 saves nothing
        z = y + x
        y.mul_(3)
        z.sum().backward()
        close(x.grad, [2.0, 2.0])

    def test_in_place_on_non_leaf_records(self):
        x = leaf([1.0, 2.0, 3.0])
        w = leaf([4.0, 5.0, 6.0])
        y = x * 2
        y.mul_(w)
        y.add_(1)
        y[0] = 5 * x[0]
        assert y.grad_fn.name() == "torch::autograd::CopySlices" and y._version == 3
        close(y, [5.0, 21.0, 37.0])
        y.sum().backward()
        close(x.grad, [5.0, 10.0, 12.0])
        close(w.grad, [0.0, 4.0, 6.0])

    @pytest.mark.parametrize("name", ["chain", "advanced", "mask", "slices", "ops", "copy_", "fill_"])
    def test_in_place_on_non_leaf_matches_finite_differences(self, name):
        c = torch.tensor([1.0, 10.0, 100.0], dtype=torch.float64)

        def f(x, w):
            y = x * 2
            if name == "chain":
                y.mul_(w)
                y.add_(1)
                y[0] = 5 * x[0]
            elif name == "advanced":
                y[[0, 2]] = x[1] * w[1]
            elif name == "mask":
                y[x > 1.5] = w[0] * w[0]
            elif name == "slices":
                y[1:] = w[:2] * x[0]
            elif name == "ops":
                y /= w
                y -= x * x
                y *= w.exp()
                y += w
            elif name == "copy_":
                y.copy_(w.sin())
                y.mul_(x)
            elif name == "fill_":
                y.fill_(w[2])
                y.mul_(x)
            return (y * c).sum()
        assert_grads_match_numeric(f, [[0.5, 2.0, 1.7], [1.3, -0.4, 0.9]])

    def test_in_place_on_a_view_of_a_non_leaf(self):
        x = leaf([[1.0, 2.0], [3.0, 4.0]])
        y = x * 1
        v = y[0]
        v.mul_(2)
        close(y, [[2.0, 4.0], [3.0, 4.0]])
        y.sum().backward()
        close(x.grad, [[2.0, 2.0], [1.0, 1.0]])

    def test_in_place_through_a_view_of_a_non_leaf(self):
        x = leaf([[1.0, 2.0], [3.0, 4.0]])
        w = leaf(3.0)
        y = x * 1
        y[:, 0].mul_(w)
        y.t()[0, 1] = 10.0
        assert y.grad_fn.name() == "torch::autograd::CopySlices"
        close(y, [[3.0, 2.0], [10.0, 4.0]])
        (y * y).sum().backward()
        close(x.grad, [[18.0, 4.0], [0.0, 8.0]])
        close(w.grad, 6.0)  # only y[0, 0] = w x[0, 0] keeps w: d/dw (w x00)^2 = 2 w x00^2

    def test_view_taken_before_in_place_on_its_base(self):
        x = leaf([1.0, 2.0])
        y = x * 1
        v = y[0]
        y.mul_(2)  # v now reads 2 * x[0], and its history must say so
        close(v, 2.0)
        assert v._version == 1
        assert v.grad_fn.name() == "AsStridedBackward0"
        (v * v).backward()
        close(x.grad, [8.0, 0.0])  # d/dx0 (2 x0)^2 = 8 x0

    def test_in_place_makes_a_constant_require_grad(self):
        x = leaf([1.0, 2.0])
        y = torch.zeros(2)
        y.add_(x * 3)
        assert y.requires_grad and not y.is_leaf
        y[0] = x[1] * x[1]
        (y * torch.tensor([1.0, 10.0])).sum().backward()
        close(x.grad, [0.0, 30.0 + 4.0])

    def test_copy_into_a_constant(self):
        x = leaf([1.0, 2.0])
        y = torch.zeros(2)
        y.copy_(x * x)
        assert y.requires_grad and not y.is_leaf
        y.sum().backward()
        close(x.grad, [2.0, 4.0])

    def test_copy_grad_fn_name(self):
        y = torch.zeros(2)
        y.copy_(leaf([1.0, 2.0]))
        assert y.grad_fn.name() == "torch::autograd::CopyBackwards"
        assert repr(y) == "tensor([1., 2.], grad_fn=<CopyBackwards>)"

    def test_zero_and_fill_grad_fn_names(self):
        x = leaf([1.0, 2.0])
        names = []
        for op in (lambda y: y.zero_(), lambda y: y.fill_(3.0), lambda y: y.fill_(x[0])):
            y = x * 1
            op(y)
            names.append(y.grad_fn.name())
        assert names == ["ZeroBackward0", "FillBackward2", "FillBackward3"]

    def test_failed_in_place_changes_nothing(self):
        x = leaf([1.0, 2.0])
        y = x * 1
        with pytest.raises(RuntimeError):
            y.add_(torch.ones(3))
        with pytest.raises(IndexError):
            y[5] = 1.0
        assert y._version == 0 and y.grad_fn.name() == "MulBackward0"
        y.sum().backward()
        close(x.grad, [1.0, 1.0])


# =====================================================================================
# memory: no reference cycles keep a graph alive
# =====================================================================================

class _NoGC:
    """Collector off: whatever is freed here is freed by reference counting alone."""

    def __enter__(self):
        gc.collect()
        self.was = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc):
        if self.was:
            gc.enable()


def _refs(*objs):
    return [weakref.ref(o) for o in objs]


def _all_dead(refs) -> bool:
    return all(r() is None for r in refs)


class TestNoReferenceCycles:
    def test_graph_freed_on_del(self):
        with _NoGC():
            x = leaf([1.0, 2.0])
            y = (x * 2).exp().sin()
            z = y.sum()
            refs = _refs(z, y, z.grad_fn, y.grad_fn, y.grad_fn.next_functions[0][0])
            del y, z
            assert _all_dead(refs)

    def test_graph_freed_after_backward(self):
        with _NoGC():
            x = leaf([1.0, 2.0])
            y = (x * 2).exp()
            y.retain_grad()
            z = (y * y).sum()
            z.backward(retain_graph=True)
            refs = _refs(z, y, z.grad_fn, y.grad_fn)
            del y, z
            assert _all_dead(refs)
            assert x.grad is not None

    def test_leaf_and_its_accumulator_freed(self):
        with _NoGC():
            x = leaf([1.0, 2.0])
            y = (x * x).sum()
            y.backward()
            acc = y.grad_fn.next_functions[0][0].next_functions[0][0]
            assert acc.name() == "torch::autograd::AccumulateGrad"
            refs = _refs(x, acc, y, y.grad_fn, x.grad)
            del acc, x, y
            assert _all_dead(refs)

    def test_saved_output_holds_no_tensor(self):
        with _NoGC():
            x = leaf([1.0, 2.0])
            y = x.exp()  # ExpBackward0 saves its result
            node = y.grad_fn
            refs = _refs(y)
            del y
            assert _all_dead(refs)
            del node

    def test_graph_freed_after_in_place_ops(self):
        with _NoGC():
            x = leaf([1.0, 2.0, 3.0])
            y = x.exp()
            y.mul_(x)
            y[0] = x[1] * 2
            refs = _refs(y, y.grad_fn)
            del y
            assert _all_dead(refs)

    def test_views_freed(self):
        with _NoGC():
            x = leaf([[1.0, 2.0], [3.0, 4.0]])
            y = x * 1
            v = y[0]
            v.mul_(2)
            refs = _refs(y, v, y.grad_fn, v.grad_fn)
            del y, v
            assert _all_dead(refs)

    def test_grad_create_graph_freed(self):
        with _NoGC():
            x = leaf(2.0)
            y = x ** 3
            (g,) = torch.autograd.grad(y, x, create_graph=True)
            (h,) = torch.autograd.grad(g, x, create_graph=True)
            refs = _refs(y, g, h, g.grad_fn, h.grad_fn)
            del y, g, h
            assert _all_dead(refs)

    def test_retain_grad_freed(self):
        with _NoGC():
            x = leaf([1.0, 2.0])
            y = x * 2
            y.retain_grad()
            (y * y).sum().backward()
            refs = _refs(y, y.grad, y.grad_fn)
            del y
            assert _all_dead(refs)

    def test_no_grad_results_freed(self):
        with _NoGC():
            x = leaf([1.0, 2.0])
            with torch.no_grad():
                y = x * 2
            refs = _refs(y)
            del y
            assert _all_dead(refs)


class TestGradcheckApi:
    """gradcheck's PyTorch arguments: fast_mode, raise_exception, the worst element."""

    @staticmethod
    def _wrong():
        class Wrong(torch.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return g * 3
        return Wrong.apply

    @pytest.mark.parametrize("fast_mode", [False, True])
    def test_mismatch_names_the_worst_element(self, fast_mode):
        x = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
        with pytest.raises(torch.autograd.GradcheckError) as err:
            torch.autograd.gradcheck(self._wrong(), (x,), fast_mode=fast_mode)
        message = str(err.value)
        assert message.startswith("Jacobian mismatch for output 0 with respect to input 0,\n")
        assert "The max per-element difference is: 1.0000000000" in message
        assert not torch.autograd.gradcheck(self._wrong(), (x,), raise_exception=False)

    def test_fast_mode_passes_on_correct_gradients(self):
        x = torch.tensor([[1.0, 2.0], [0.5, -1.0]], dtype=torch.float64, requires_grad=True)
        assert torch.autograd.gradcheck(lambda a: (a @ a).sin(), (x,), fast_mode=True)


def test_deepcopy_of_a_leaf_gets_its_own_grad_path():
    import copy
    t = torch.tensor([1.0, 2.0], requires_grad=True)
    (t * 2).sum().backward()
    u = copy.deepcopy(t)
    assert u.grad.tolist() == [2.0, 2.0] and u.grad is not t.grad
    t.grad = None
    (u * 3).sum().backward()
    assert t.grad is None and u.grad.tolist() == [5.0, 5.0]
    with pytest.raises(RuntimeError, match="Only Tensors created explicitly by the user"):
        copy.deepcopy(t * 2)


def test_size_slices_are_sizes():
    assert repr(torch.zeros(3, 2, 4).shape[:2]) == "torch.Size([3, 2])"
    assert torch.zeros(3, 2).shape[1] == 2
