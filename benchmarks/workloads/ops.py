"""A chain of 1,000 elementwise ops on shape-(10,) float32 tensors, then ``y.sum().backward()``.

The chain repeats ``y = y * w; y = y + x; y = tanh(y); y = y - 0.1`` 250 times, starting
from ``y = x``, with leaves ``x`` and ``w`` requiring grad. With ten elements the arithmetic
is negligible: this is the cost of recording one node in the forward pass and of applying
it in the backward walk. Time is forward + backward (leaf creation excluded) per op.
"""
from __future__ import annotations

import math
import statistics
import time
from types import ModuleType

import numpy as np

UNIT = "op"
CHAIN = 1_000  # ops per graph: 250 blocks of four
SIZE = 50 * CHAIN
QUICK_SIZE = 5 * CHAIN
# per-op overhead is sensitive to what else lives in the process (the other library's heap
# and collector state): each sample runs in a process of its own, the libraries still
# interleaved sample by sample
FRESH_PROCESS = True
SMOKE = {"chain": 40}


def run(lib: ModuleType, size: int = SIZE, elements: int = 10, chain: int = CHAIN) -> float:
    """Build and backpropagate ``size // chain`` graphs of ``chain`` ops on shape-(``elements``,)
    tensors; return seconds per op of the median graph (a burst of load from other jobs on a
    shared machine moves the mean of 50 graphs by up to 2x; the median keeps the collector's
    regular passes and drops the bursts)."""
    if chain < 4 or chain % 4:
        raise ValueError(f"ops: chain must be a positive multiple of 4, got {chain}")
    rounds = max(1, size // chain)
    x_data, w_data = np.random.default_rng(0).uniform(-1.0, 1.0, (2, elements)).astype(np.float32)
    tanh = lib.tanh
    times = []
    for _ in range(rounds):
        x = lib.tensor(x_data, requires_grad=True)
        w = lib.tensor(w_data, requires_grad=True)
        start = time.perf_counter()
        y = x
        for _ in range(chain // 4):
            y = y * w
            y = y + x
            y = tanh(y)
            y = y - 0.1
        y.sum().backward()
        times.append(time.perf_counter() - start)
    _check(lib, x, w)
    return statistics.median(times) / chain


def _check(lib: ModuleType, x, w) -> None:
    """Both leaves got a finite float32 gradient of their own shape."""
    for name, leaf in (("x", x), ("w", w)):
        g = leaf.grad
        if g is None or g.dtype != lib.float32 or tuple(g.shape) != tuple(x.shape) or not math.isfinite(
                float(g.abs().sum())):
            raise RuntimeError(f"ops: wrong gradient for {name}: {g}")
