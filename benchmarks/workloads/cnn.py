"""Small CNN: conv2d 1->16 3x3 (padding 1) + ReLU + max_pool2d(2) + linear to 10, batch 64, one SGD step.

One unit is one training step on a fixed random float32 (64, 1, 28, 28) batch with random
labels: ``F.conv2d`` with bias and padding 1 (so 28x28 stays 28x28), ``F.relu``,
``F.max_pool2d(2)`` to 14x14, flatten, ``F.linear`` from 16*14*14 to 10 classes,
``F.log_softmax(dim=1)`` + ``F.nll_loss``, ``backward``, then ``p.add_(p.grad, alpha=-lr)``
under ``no_grad`` and the gradients set to None.
"""
from __future__ import annotations

from types import ModuleType

import numpy as np

from benchmarks.workloads._training import sgd_steps, uniform

UNIT = "step"
METRIC = "ms"
SIZE = 20
QUICK_SIZE = 3
LR = 0.01
BATCH, SIDE, FILTERS, KERNEL, CLASSES = 64, 28, 16, 3, 10
SMOKE = {"batch": 4}


def run(lib: ModuleType, size: int = SIZE, batch: int = BATCH) -> float:
    """Time ``size`` SGD steps; return seconds per step."""
    rng = np.random.default_rng(0)
    flat = FILTERS * (SIDE // 2) ** 2
    params = [uniform(rng, (FILTERS, 1, KERNEL, KERNEL), KERNEL * KERNEL), np.zeros(FILTERS, np.float32),
              uniform(rng, (CLASSES, flat), flat), np.zeros(CLASSES, np.float32)]
    x = rng.standard_normal((batch, 1, SIDE, SIDE)).astype(np.float32)
    y = rng.integers(0, CLASSES, batch)
    F = lib.nn.functional

    def forward(x, conv_w, conv_b, fc_w, fc_b):
        h = F.max_pool2d(F.relu(F.conv2d(x, conv_w, conv_b, padding=1)), 2)
        return F.linear(h.reshape(h.shape[0], -1), fc_w, fc_b)

    return sgd_steps(lib, forward, params, x, y, size, LR, "cnn")
