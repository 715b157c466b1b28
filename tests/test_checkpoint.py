"""utils.checkpoint: same gradients as without it, less memory held for backward."""
from __future__ import annotations

import tracemalloc

import numpy as np

import chainrule as torch
from chainrule.utils.checkpoint import checkpoint


def _net(x, weights, use_checkpoint: bool):
    def block(h, w):
        for _ in range(4):
            h = (h @ w).tanh()
        return h
    for w in weights:
        x = checkpoint(block, x, w) if use_checkpoint else block(x, w)
    return x.sum()


def _weights(n: int, size: int):
    rng = np.random.default_rng(0)
    return [torch.tensor(rng.normal(0, 0.05, (size, size)), requires_grad=True) for _ in range(n)]


def test_gradients_match_the_plain_network():
    grads = []
    for flag in (False, True):
        weights = _weights(3, 8)
        x = torch.tensor(np.random.default_rng(1).normal(size=(2, 8)), requires_grad=True)
        _net(x, weights, flag).backward()
        grads.append([x.grad.numpy()] + [w.grad.numpy() for w in weights])
    for a, b in zip(*grads):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_grad_fn_and_freed_graph():
    x = torch.ones(2, requires_grad=True)
    y = checkpoint(lambda a: a.exp(), x)
    assert type(y.grad_fn).__name__ == "CheckpointFunctionBackward"
    y.sum().backward()
    try:
        y.sum().backward()
    except RuntimeError as err:
        assert str(err).startswith("Trying to backward through the graph a second time")
    else:
        raise AssertionError("a second backward must fail")


def _peak_bytes(use_checkpoint: bool) -> int:
    weights = _weights(6, 256)
    x = torch.tensor(np.ones((256, 256)), requires_grad=True)
    tracemalloc.start()
    loss = _net(x, weights, use_checkpoint)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    loss.backward()
    return peak


def test_forward_peak_memory_drops():
    # 24 tanh layers save 24 activations without checkpointing; with one checkpoint
    # per 4 layers only the 6 block inputs are kept (memory, not time, is asserted)
    assert _peak_bytes(True) * 2.5 < _peak_bytes(False)
