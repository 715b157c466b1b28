"""Eight (1024x1024) matmul + tanh layers, forward + backward (issue #3: matmul-bound work).

One unit is one iteration: ``h = tanh(h @ w_i)`` for eight float32 weights, then
``h.sum().backward()``. BLAS does nearly all the work; this checks that nothing around
it (copies, casts, gradient accumulation) adds more than PyTorch does. ``scaling.py`` runs
the same layers for other widths (``n``) and depths (``layers``).
"""
from __future__ import annotations

import time
from types import ModuleType

import numpy as np

UNIT = "iteration"
SIZE = 5
QUICK_SIZE = 1
N, LAYERS = 1024, 8
SMOKE = {"n": 32, "layers": 2}


def run(lib: ModuleType, size: int = SIZE, n: int = N, layers: int = LAYERS) -> float:
    """Time ``size`` forward + backward iterations of ``layers`` (n x n) layers; return seconds
    per iteration."""
    rng = np.random.default_rng(0)
    x_data = rng.standard_normal((n, n)).astype(np.float32)
    w_data = [(rng.standard_normal((n, n)) / np.sqrt(n)).astype(np.float32)
              for _ in range(layers)]
    elapsed = 0.0
    for _ in range(size):
        x = lib.tensor(x_data, requires_grad=True)
        ws = [lib.tensor(w, requires_grad=True) for w in w_data]
        start = time.perf_counter()
        h = x
        for w in ws:
            h = (h @ w).tanh()
        h.sum().backward()
        elapsed += time.perf_counter() - start
    if x.grad is None or tuple(x.grad.shape) != (n, n):
        raise RuntimeError("matmul: no gradient for the input")
    return elapsed / size
