"""A chain of 1,000 elementwise ops on shape-(10,) float32 tensors, then ``y.sum().backward()``.

The chain repeats ``y = y * w; y = y + x; y = tanh(y); y = y - 0.1`` 250 times, starting
from ``y = x``, with leaves ``x`` and ``w`` requiring grad. With ten elements the arithmetic
is negligible: this is the cost of recording one node in the forward pass and of applying
it in the backward walk. Time is forward + backward (leaf creation excluded) per op.
"""
from __future__ import annotations

import math
import time
from types import ModuleType

import numpy as np

UNIT = "op"
CHAIN = 1_000  # ops per graph: 250 blocks of four
SIZE = 50 * CHAIN
QUICK_SIZE = 5 * CHAIN
SMOKE = {"chain": 40}


def run(lib: ModuleType, size: int = SIZE, elements: int = 10, chain: int = CHAIN) -> float:
    """Build and backpropagate ``size // chain`` graphs of ``chain`` ops on shape-(``elements``,)
    tensors; return seconds per op."""
    if chain < 4 or chain % 4:
        raise ValueError(f"ops: chain must be a positive multiple of 4, got {chain}")
    rounds = max(1, size // chain)
    x_data, w_data = np.random.default_rng(0).uniform(-1.0, 1.0, (2, elements)).astype(np.float32)
    tanh = lib.tanh
    elapsed = 0.0
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
        elapsed += time.perf_counter() - start
    _check(lib, x, w)
    return elapsed / (rounds * chain)


def _check(lib: ModuleType, x, w) -> None:
    """Both leaves got a finite float32 gradient of their own shape."""
    for name, leaf in (("x", x), ("w", w)):
        g = leaf.grad
        if g is None or g.dtype != lib.float32 or tuple(g.shape) != tuple(x.shape) or not math.isfinite(
                float(g.abs().sum())):
            raise RuntimeError(f"ops: wrong gradient for {name}: {g}")
