"""Seed tutorial: f = x**2 + x*y + (x+y)**2 on fresh 0-d float32 leaves, forward + backward.

Each iteration creates its two leaves with ``requires_grad=True``, records six ops and walks
them backward: with 0-d tensors this is all fixed per-call cost (tensor creation, dispatch,
node recording, the engine's walk, gradient accumulation), not arithmetic.
"""
from __future__ import annotations

import time
from types import ModuleType

UNIT = "iteration"
SIZE = 10_000
QUICK_SIZE = 1_000
# per-op overhead is sensitive to what else lives in the process (the other library's heap
# and collector state): each sample runs in a process of its own, the libraries still
# interleaved sample by sample
FRESH_PROCESS = True


def run(lib: ModuleType, size: int = SIZE) -> float:
    """Run ``size`` iterations of the seed example with ``lib``; return seconds per iteration."""
    tensor = lib.tensor
    start = time.perf_counter()
    for _ in range(size):
        x = tensor(2.0, requires_grad=True)
        y = tensor(2.0, requires_grad=True)
        f = x**2 + x * y + (x + y) ** 2
        f.backward()
    elapsed = time.perf_counter() - start
    _check(lib, x, y)
    return elapsed / size


def _check(lib: ModuleType, x, y) -> None:
    """The last iteration's gradients must be the tutorial's: df/dx = 14, df/dy = 10."""
    if x.dtype != lib.float32 or (x.grad.item(), y.grad.item()) != (14.0, 10.0):
        raise RuntimeError(f"seed: wrong result: dtype {x.dtype}, grads {x.grad}, {y.grad}")
