"""Everyday reductions, forward + backward, on a (512, 1024) float32 tensor (issue #3).

One unit is one round of ``sum``, ``mean``, ``amax``, ``var``, ``logsumexp`` and
``softmax`` along the last dim, each followed by ``.sum().backward()``.
"""
from __future__ import annotations

import time
from types import ModuleType

import numpy as np

UNIT = "round"
SIZE = 10
QUICK_SIZE = 2
SHAPE = (512, 1024)
SMOKE = {"shape": (4, 16)}


def _ops(lib: ModuleType) -> list:
    return [lambda x: x.sum(-1), lambda x: x.mean(-1), lambda x: x.amax(-1),
            lambda x: x.var(-1), lambda x: x.logsumexp(-1), lambda x: x.softmax(-1)]


def run(lib: ModuleType, size: int = SIZE, shape: tuple[int, ...] = SHAPE) -> float:
    """Time ``size`` rounds on a tensor of ``shape``; return seconds per round."""
    data = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    ops = _ops(lib)
    elapsed = 0.0
    for _ in range(size):
        x = lib.tensor(data, requires_grad=True)
        start = time.perf_counter()
        for op in ops:
            op(x).sum().backward()
        elapsed += time.perf_counter() - start
    if x.grad is None:
        raise RuntimeError("reductions: no gradient")
    return elapsed / size
