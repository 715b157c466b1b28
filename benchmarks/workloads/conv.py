"""conv2d forward + backward: a (64, 16, 28, 28) float32 batch, 32 3x3 filters, padding 1, bias.

One unit is one training step of the layer: ``y = conv2d(x, w, b)``, then
``y.backward(g)`` with a fixed upstream gradient ``g``, filling the gradients of the
input, the weight and the bias. Leaf creation is excluded from the time. The arithmetic
(about 0.23 GFLOP forward, twice that backward) dominates: this measures the im2col +
matrix-product convolution against PyTorch's native kernels.
"""
from __future__ import annotations

import math
import time
from types import ModuleType

import numpy as np

UNIT = "step"
SIZE = 20
QUICK_SIZE = 3
SHAPE, FILTERS, KERNEL = (64, 16, 28, 28), 32, 3
SMOKE = {"shape": (2, 3, 8, 8), "filters": 4}


def run(lib: ModuleType, size: int = SIZE, shape: tuple[int, ...] = SHAPE, filters: int = FILTERS) -> float:
    """Time ``size`` forward + backward steps on an input of ``shape`` with ``filters``
    filters; return seconds per step."""
    rng = np.random.default_rng(0)
    x_data = rng.standard_normal(shape).astype(np.float32)
    w_data = (rng.standard_normal((filters, shape[1], KERNEL, KERNEL)) * 0.1).astype(np.float32)
    b_data = rng.standard_normal(filters).astype(np.float32)
    g_data = rng.standard_normal((shape[0], filters) + shape[2:]).astype(np.float32)
    conv2d = lib.nn.functional.conv2d
    g = lib.tensor(g_data)
    elapsed = 0.0
    for _ in range(size):
        x = lib.tensor(x_data, requires_grad=True)
        w = lib.tensor(w_data, requires_grad=True)
        b = lib.tensor(b_data, requires_grad=True)
        start = time.perf_counter()
        y = conv2d(x, w, b, padding=1)
        y.backward(g)
        elapsed += time.perf_counter() - start
    _check(lib, x, w, b)
    return elapsed / size


def _check(lib: ModuleType, x, w, b) -> None:
    """Every leaf got a finite float32 gradient of its own shape."""
    for name, leaf in (("x", x), ("w", w), ("b", b)):
        grad = leaf.grad
        if grad is None or grad.dtype != lib.float32 or tuple(grad.shape) != tuple(leaf.shape):
            raise RuntimeError(f"conv: wrong gradient for {name}")
        if not math.isfinite(float(grad.abs().sum())):
            raise RuntimeError(f"conv: non-finite gradient for {name}")
