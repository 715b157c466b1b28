"""MLP 784-512-512-10 with ReLU, batch 128, log_softmax + nll_loss, one SGD step per unit.

One unit is one training step on a fixed random float32 (128, 784) batch (MNIST-shaped) with
random labels: forward through three ``F.linear`` layers, ``F.log_softmax(dim=1)`` and
``F.nll_loss``, ``backward``, then ``p.add_(p.grad, alpha=-lr)`` under ``no_grad`` and the
gradients set to None. Mostly (128 x 784) and (128 x 512) matrix products: this measures
the products plus what a training step adds around them.
"""
from __future__ import annotations

from types import ModuleType

import numpy as np

from benchmarks.workloads._training import sgd_steps, uniform

UNIT = "step"
METRIC = "ms"
SIZE = 20
QUICK_SIZE = 3
LR = 0.1
BATCH, FEATURES, HIDDEN, CLASSES = 128, 784, 512, 10
SMOKE = {"batch": 8, "hidden": 16}


def run(lib: ModuleType, size: int = SIZE, batch: int = BATCH, hidden: int = HIDDEN) -> float:
    """Time ``size`` SGD steps; return seconds per step."""
    rng = np.random.default_rng(0)
    widths = [FEATURES, hidden, hidden, CLASSES]
    params = []
    for fan_in, fan_out in zip(widths, widths[1:]):
        params += [uniform(rng, (fan_out, fan_in), fan_in), np.zeros(fan_out, np.float32)]
    x = rng.standard_normal((batch, FEATURES)).astype(np.float32)
    y = rng.integers(0, CLASSES, batch)
    F = lib.nn.functional

    def forward(x, w1, b1, w2, b2, w3, b3):
        h = F.relu(F.linear(x, w1, b1))
        h = F.relu(F.linear(h, w2, b2))
        return F.linear(h, w3, b3)

    return sgd_steps(lib, forward, params, x, y, size, LR, "mlp")
