"""Long training loops keep memory flat: nothing a step makes outlives the step.

Every loop runs with Python's cyclic collector off, so whatever a step allocates must be
freed by reference counting alone. A reference cycle anywhere (a node holding a tensor whose
grad_fn is that node, a recursive closure, an exception kept in a local of a frame on its own
traceback ...) would leave one copy of the step's objects behind per step. After a
warm-up (which builds the one-time, lazily made state), the live gc-tracked objects, the
allocated memory blocks, and the cycles a final ``gc.collect()`` finds must stay within a fixed
slack whatever the number of steps; weak references to each step's loss, grad_fn, intermediate
tensors and saved arrays must be dead as soon as the step returns.
"""
from __future__ import annotations

import gc
import sys
import tracemalloc
import weakref
from contextlib import contextmanager

import numpy as np
import pytest

import chainrule as torch
import chainrule.nn.functional as F
from chainrule import _dispatch, nn
from chainrule.autograd.forward_ad import dual_level, make_dual, unpack_dual
from chainrule.autograd.graph import saved_tensors_hooks
from chainrule.utils.checkpoint import checkpoint
from chainrule.utils.data import DataLoader, TensorDataset

SLACK_OBJECTS = 50  # gc-tracked objects: one-time caches at most, never a copy per step
SLACK_BLOCKS = 400  # memory blocks: free lists and NumPy's caches fill slowly (seen: <= 300, bounded)
SLACK_BYTES = 64 * 1024  # tracemalloc's traced size, same reasons


@contextmanager
def collector_off():
    """Python's cyclic collector disabled (restored after): only reference counting frees."""
    was = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def refs(*objs) -> list:
    """Weak references to ``objs`` (a step returns them; each must be dead once it returned)."""
    return [weakref.ref(o) for o in objs]


def run_flat(step, steps: int, warmup: int = 50, trace: bool = False) -> None:
    """Run ``step()`` ``steps`` times with the collector off and check that memory stays flat.

    ``step`` returns weak references to what it made; all must be dead right after it.
    ``trace``: also compare tracemalloc's traced size (NumPy's data buffers included).
    """
    with collector_off():
        for _ in range(warmup):
            step()
        gc.collect()  # also empties CPython's free lists, so the counts below compare like with like
        _dispatch.clear_constants()  # a bounded cache (tested below), emptied at both counts
        if trace:
            tracemalloc.start()
        try:
            objects, blocks = len(gc.get_objects()), sys.getallocatedblocks()
            traced = tracemalloc.get_traced_memory()[0]
            for i in range(steps - warmup):
                alive = [r for r in step() if r() is not None]
                assert not alive, f"step {warmup + i} left {alive} alive"
            _dispatch.clear_constants()
            grown_objects = len(gc.get_objects()) - objects
            cycles = gc.collect()
            grown_blocks = sys.getallocatedblocks() - blocks
            grown_bytes = tracemalloc.get_traced_memory()[0] - traced
        finally:
            if trace:
                tracemalloc.stop()
    assert cycles <= SLACK_OBJECTS, f"{steps} steps left {cycles} objects in reference cycles"
    assert grown_objects <= SLACK_OBJECTS, f"{steps} steps left {grown_objects} more live objects"
    assert grown_blocks <= SLACK_BLOCKS, f"{steps} steps left {grown_blocks} more memory blocks"
    assert grown_bytes <= SLACK_BYTES, f"{steps} steps left {grown_bytes} more traced bytes"


def batch() -> tuple:
    torch.manual_seed(0)
    return torch.randn(6, 4), torch.tensor([0, 1, 2, 0, 1, 2])


def mlp() -> nn.Sequential:
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))


# =====================================================================================
# the 10,000-step loops
# =====================================================================================

def test_nn_training_loop_10000_steps_is_flat():
    x, y = batch()
    model = mlp()
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    losses = []  # the first and the latest (a list growing per step would be a leak of its own)

    def step():
        opt.zero_grad()
        h = model[0](x)
        a = model[1](h)
        logits = model[2](a)
        loss = F.cross_entropy(logits, y)
        loss.backward()
        opt.step()
        losses[1:] = [loss.item()]
        return refs(loss, loss.grad_fn, logits, logits.grad_fn, a, a.grad_fn, h, h.grad_fn,
                    a._data, h._data)  # relu saves its output array, the second mm saves ``a``

    run_flat(step, 10_000)
    assert losses[-1] < losses[0] / 2 and np.isfinite(losses[-1])  # it trained


def test_plain_tensor_loop_10000_steps_is_flat():
    x, y = batch()
    w1 = (torch.randn(4, 8) * 0.5).requires_grad_()
    w2 = (torch.randn(8, 3) * 0.5).requires_grad_()
    losses = []  # the first and the latest

    params = [w1, w2]

    def step():
        h = x @ w1
        a = h.relu()
        loss = F.cross_entropy(a @ w2, y)
        loss.backward()
        with torch.no_grad():
            for w in params:
                w -= 0.05 * w.grad
        w1.grad = None  # both ways of clearing a gradient
        w2.grad.zero_()
        losses[1:] = [loss.item()]
        return refs(loss, loss.grad_fn, h, h.grad_fn, a, a.grad_fn, a._data)

    run_flat(step, 10_000)
    assert losses[-1] < losses[0] / 2 and w1.is_leaf and w2.grad_fn is None


def test_traced_bytes_stay_flat():
    """tracemalloc also sees NumPy's data buffers (a leaked array without a leaked owner)."""
    x, y = batch()
    w = torch.randn(4, 3, requires_grad=True)

    def step():
        loss = F.cross_entropy((x @ w).tanh(), y)
        loss.backward()
        with torch.no_grad():
            w.sub_(0.1 * w.grad)
        w.grad = None
        return refs(loss, loss.grad_fn)

    run_flat(step, 500, trace=True)


# =====================================================================================
# the extras that could make cycles: each loop must be flat with the collector off
# =====================================================================================

STEPS = 500  # 450 measured: a leak of even one object or block per step is over the slack


def test_adam_with_lr_schedulers_is_flat():
    x, y = batch()
    model = mlp()
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    S = torch.optim.lr_scheduler
    sched = S.SequentialLR(opt, [S.LinearLR(opt, 0.5, total_iters=10), S.StepLR(opt, 5, 0.999)],
                           milestones=[10])
    opt2 = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, nesterov=True)
    plateau = S.ReduceLROnPlateau(opt2)
    lam = S.LambdaLR(opt2, lambda epoch: 0.999 ** epoch)

    def step():
        for o in (opt, opt2):
            o.zero_grad()
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            o.step()
        sched.step()
        lam.step()
        plateau.step(loss.item())
        return refs(loss, loss.grad_fn)

    run_flat(step, STEPS)


def test_data_loader_state_dicts_and_grad_modes_are_flat():
    torch.manual_seed(0)
    loader = DataLoader(TensorDataset(torch.randn(8, 4), torch.tensor([0, 1, 2, 0] * 2)), batch_size=4,
                        shuffle=True)
    model = mlp()
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.5)

    @torch.no_grad()
    def evaluate(x):
        return model(x).argmax(1)

    def step():
        for x, y in loader:
            opt.zero_grad(set_to_none=False)
            loss = F.cross_entropy(model(x), y)
            loss.backward(inputs=list(model.parameters()))
            opt.step()
        evaluate(x)
        with torch.inference_mode():
            model(x)
        model.load_state_dict(model.state_dict())  # its recursive visit was a cycle
        opt.load_state_dict(opt.state_dict())
        return refs(loss, loss.grad_fn, x)

    run_flat(step, STEPS)


def test_retain_graph_and_second_backward_is_flat():
    x, _ = batch()
    w = torch.randn(4, 3, requires_grad=True)

    def step():
        h = (x @ w).tanh()
        loss = h.exp().sum()
        loss.backward(retain_graph=True)
        loss.backward()
        w.grad = None
        return refs(loss, loss.grad_fn, h, h.grad_fn, h._data)

    run_flat(step, STEPS)


def test_gradient_penalty_double_backward_is_flat():
    x, y = batch()
    model = mlp()
    opt = torch.optim.SGD(model.parameters(), lr=0.01)

    def step():
        opt.zero_grad()
        xi = x.clone().requires_grad_()
        out = F.cross_entropy(model(xi), y)
        (g,) = torch.autograd.grad(out, xi, create_graph=True)
        loss = out + (g.norm(2, dim=1) - 1).pow(2).mean()
        loss.backward()
        opt.step()
        return refs(loss, loss.grad_fn, g, g.grad_fn, out, xi)

    run_flat(step, STEPS)


@pytest.mark.filterwarnings("ignore:Using backward\\(\\) with create_graph=True")
def test_backward_create_graph_is_flat():
    """PyTorch warns this leaks (a .grad whose graph reaches its leaf); here the leaf is held weakly."""
    x, _ = batch()
    w = torch.randn(4, 3, requires_grad=True)

    def step():
        loss = (x @ w).tanh().sum()
        loss.backward(create_graph=True)
        g = w.grad
        g.sum().backward()  # through the gradient's own graph
        w.grad = None
        return refs(loss, loss.grad_fn, g, g.grad_fn)

    run_flat(step, STEPS)


def test_hooks_and_retain_grad_are_flat():
    x, y = batch()
    model = mlp()
    seen = [0]
    model[0].register_forward_pre_hook(lambda mod, args: None)
    model[2].register_forward_hook(lambda mod, args, out: None)
    for p in model.parameters():
        p.register_hook(lambda g: g * 1)
        p.register_post_accumulate_grad_hook(lambda p: None)

    def step():
        model.zero_grad()
        h = model[0](x)
        h.retain_grad()
        h.register_hook(lambda g: g * 2)
        a = model[1](h)
        # (a hook closing over its own tensor makes a cycle, in PyTorch too: not done here)
        a.register_hook(lambda g: seen.__setitem__(0, seen[0] + g.ndim))
        handle = a.grad_fn.register_hook(lambda grad_in, grad_out: None)
        a.grad_fn.register_prehook(lambda grad_out: None)
        a.grad_fn.metadata["step"] = seen[0]
        loss = F.cross_entropy(model[2](a), y)
        loss.backward()
        handle.remove()
        assert h.grad is not None
        return refs(loss, loss.grad_fn, h, h.grad, h.grad_fn, a, a.grad_fn)

    run_flat(step, STEPS)
    assert seen[0] == 2 * STEPS


def test_autograd_grad_is_flat():
    x, _ = batch()
    w = torch.randn(4, 3, requires_grad=True)

    def step():
        h = (x @ w).sin()
        (g,) = torch.autograd.grad(h.sum(), w, retain_graph=True)
        (g2,) = torch.autograd.grad(h, [w], grad_outputs=torch.ones_like(h))
        return refs(h, h.grad_fn, g, g2)

    run_flat(step, STEPS)


class Square(torch.autograd.Function):
    """Saves its input and its output."""

    @staticmethod
    def forward(ctx, x):
        out = x * x
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        return 2 * g * out / x


class Exp(torch.autograd.Function):
    """Saves its output in setup_context."""

    @staticmethod
    def forward(x):
        return x.exp()

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(output)

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g * out


class Double(torch.autograd.Function):
    """Modifies its input in place and returns it (mark_dirty)."""

    @staticmethod
    def forward(ctx, x):
        x.mul_(2)
        ctx.mark_dirty(x)
        return x

    @staticmethod
    def backward(ctx, g):
        return 2 * g


def test_custom_function_saving_its_output_is_flat():
    x, _ = batch()
    w = (torch.rand(4, 3) + 0.5).requires_grad_()

    def step():
        h = Exp.apply(Square.apply(x @ w))
        d = Double.apply(h * 1)
        loss = d.sum()
        (g,) = torch.autograd.grad(loss, w, create_graph=True)  # backward runs on saved_tensors
        g.sum().backward()
        w.grad = None
        return refs(loss, h, h.grad_fn, d, d.grad_fn, g, g.grad_fn)

    run_flat(step, STEPS)


def test_custom_function_graph_dropped_without_backward_is_flat():
    """Nothing releases these graphs: they must free by reference counting alone."""
    x, _ = batch()
    w = torch.randn(4, 3, requires_grad=True)

    def step():
        h = Square.apply(x @ w)
        e = Exp.apply(h)
        d = Double.apply(e * 1)
        return refs(h, h.grad_fn, e, e.grad_fn, d, d.grad_fn)

    run_flat(step, STEPS)


def test_checkpoint_is_flat():
    x, y = batch()
    model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Dropout(0.2), nn.Linear(8, 3))

    def step():
        model.zero_grad()
        xi = x.clone().requires_grad_()
        out = checkpoint(model, xi, use_reentrant=False)
        loss = F.cross_entropy(out, y)
        loss.backward()
        dropped = checkpoint(model, xi, use_reentrant=False)  # a forward never backwarded
        return refs(loss, loss.grad_fn, out, out.grad_fn, dropped, dropped.grad_fn, xi)

    run_flat(step, STEPS)


def test_train_and_eval_with_dropout_and_batchnorm_is_flat():
    x, y = batch()
    model = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Dropout(0.5),
                          nn.Linear(8, 3))
    opt = torch.optim.AdamW(model.parameters(), lr=0.01)

    def step():
        model.train()
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        model.eval()
        with torch.no_grad():
            val = F.cross_entropy(model(x), y).item()
        graph = model(x)  # eval with grad on, then dropped
        assert np.isfinite(val)
        return refs(loss, loss.grad_fn, graph, graph.grad_fn)

    run_flat(step, STEPS)


def test_saved_tensors_hooks_are_flat():
    """An identity pack hook on a saved output makes node -> output -> node; release() breaks it."""
    x, _ = batch()
    w = torch.randn(4, 3, requires_grad=True)

    def step():
        with saved_tensors_hooks(lambda t: t, lambda t: t):
            h = (x @ w).exp()  # exp saves its output: packed as a tensor whose grad_fn is h's
            loss = Square.apply(h).sum()
        loss.backward()
        w.grad = None
        return refs(loss, loss.grad_fn, h, h.grad_fn)

    run_flat(step, STEPS)


def test_errors_caught_every_step_are_flat():
    """An exception kept in a local of a frame on its own traceback would be a cycle."""
    x, _ = batch()
    w = torch.randn(4, 3, requires_grad=True)

    def step():
        h = (x @ w).exp()
        for bad in (lambda: h + torch.ones(7),  # NumPy's error, turned into PyTorch's
                    lambda: torch.where(h > 0, h, torch.ones(4)),
                    lambda: h.masked_fill(torch.ones(4) > 0, 1.0),
                    lambda: torch.linalg.solve(torch.eye(3).expand(2, 3, 3), torch.ones(4, 3, 1)),
                    lambda: F.binary_cross_entropy_with_logits(h, h, weight=torch.ones(4))):
            with pytest.raises(RuntimeError, match="must match the size"):
                bad()
        with pytest.raises(RuntimeError, match="leaf Variable"):
            w.add_(1)
        with torch.autograd.strict_saved():
            e = (x @ w).exp()
            with pytest.raises(RuntimeError, match="modified by an inplace operation"):
                e.mul_(2)
        return refs(h, h.grad_fn, e, e.grad_fn)

    run_flat(step, STEPS)


@pytest.mark.filterwarnings("ignore:Anomaly Detection has been enabled")
def test_forward_mode_and_anomaly_mode_are_flat():
    x, _ = batch()
    w = torch.randn(4, 3, requires_grad=True)

    def step():
        with dual_level():
            d = make_dual(w, torch.ones_like(w))
            out = (x @ d).tanh().sum()
            tangent = unpack_dual(out).tangent
        tangent.backward()  # reverse over forward
        with torch.autograd.detect_anomaly():
            loss = (x @ w).exp().sum()
            loss.backward()
        w.grad = None
        return refs(out, tangent, loss, loss.grad_fn)

    run_flat(step, STEPS)


# =====================================================================================
# the fixes, one by one (the loops above find a regression; these name it)
# =====================================================================================

def test_custom_function_output_saved_without_cycle():
    """ctx keeps a saved output by its data; saved_tensors gives it back linked to ctx."""
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    with collector_off():
        out = Square.apply(w * 1)
        node = out.grad_fn
        x, saved = node.saved_tensors
        assert saved is not out and saved.grad_fn is node and saved.requires_grad
        assert saved._version == 0 and np.shares_memory(saved.numpy(force=True), out.numpy(force=True))
        del x, saved
        dead = refs(out, node)
        del out, node
        assert all(r() is None for r in dead)


def test_custom_function_saved_output_modified_in_place():
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    out = Square.apply(w * 1)
    with torch.no_grad():
        out.mul_(2)
    with pytest.raises(RuntimeError, match=r"^one of the variables needed for gradient computation "
                       r"has been modified by an inplace operation: \[torch.FloatTensor \[2\]\], "
                       r"which is output 0 of Square, is at version 1; expected version 0"):
        out.sum().backward()


def test_mark_dirty_output_freed_without_cycle():
    with collector_off():
        h = torch.tensor([1.0, 2.0], requires_grad=True) * 1
        out = Double.apply(h)
        assert out is h and out.grad_fn.name() == "DoubleBackward"
        dead = refs(out, out.grad_fn)
        del h, out
        assert all(r() is None for r in dead)


def test_broadcast_error_is_not_kept_in_a_cycle():
    with collector_off():
        a = torch.ones(3, requires_grad=True) * 2
        try:
            a + torch.ones(4)
        except RuntimeError as err:
            assert str(err).startswith("The size of tensor a (3) must match the size of tensor b (4)")
        assert gc.collect() == 0  # the error, its traceback's frames and their tensors: all freed


def test_the_cache_of_float_operands_is_bounded():
    """Each new Python float operand is cached as a 0-d array; the cache never outgrows its bound."""
    x = torch.ones(3)
    for k in range(3 * _dispatch._MAX_CONSTANTS):
        y = x * (k + 0.5)
        assert y[0].item() == k + 0.5
    assert 0 < len(torch.float32.constants) <= _dispatch._MAX_CONSTANTS
    _dispatch.clear_constants()
    assert not torch.float32.constants
