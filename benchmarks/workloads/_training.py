"""The training loop ``mlp`` and ``cnn`` share: plain SGD on one fixed batch, timed per step."""
from __future__ import annotations

import math
import time
from types import ModuleType
from typing import Any, Callable

import numpy as np


def uniform(rng: np.random.Generator, shape: tuple[int, ...], fan_in: int) -> np.ndarray:
    """float32 weights uniform in [-1/sqrt(fan_in), 1/sqrt(fan_in)], the range nn.Linear and
    nn.Conv2d draw from by default."""
    bound = 1.0 / math.sqrt(fan_in)
    return rng.uniform(-bound, bound, shape).astype(np.float32)


def sgd_steps(lib: ModuleType, forward: Callable[..., Any], params: list[np.ndarray], x_data: np.ndarray,
              y_data: np.ndarray, size: int, lr: float, name: str) -> float:
    """Train ``forward(x, *params)`` (which returns logits) on one batch for ``size`` SGD steps with
    ``lib``; return seconds per step.

    One step is the forward pass, ``log_softmax`` + ``nll_loss``, ``backward``, and the update
    ``p.add_(p.grad, alpha=-lr)`` under ``no_grad`` with the gradients then set to None, as
    ``optimizer.zero_grad()`` does. Creating the leaves and the batch is not timed. Afterwards
    the losses must be finite and, over two steps or more, decreasing from first to last."""
    F = lib.nn.functional
    leaves = [lib.tensor(p, requires_grad=True) for p in params]
    x, y = lib.tensor(x_data), lib.tensor(y_data)
    losses = []
    start = time.perf_counter()
    for _ in range(size):
        loss = F.nll_loss(F.log_softmax(forward(x, *leaves), dim=1), y)
        loss.backward()
        with lib.no_grad():
            for p in leaves:
                p.add_(p.grad, alpha=-lr)
                p.grad = None
        losses.append(loss.detach())
    elapsed = time.perf_counter() - start
    _check([loss.item() for loss in losses], name)
    return elapsed / size


def _check(losses: list[float], name: str) -> None:
    if not all(map(math.isfinite, losses)):
        raise RuntimeError(f"{name}: non-finite loss: {losses}")
    if len(losses) > 1 and not losses[-1] < losses[0]:
        raise RuntimeError(f"{name}: the loss did not decrease: {losses[0]} -> {losses[-1]}")
