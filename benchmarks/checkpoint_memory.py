"""Peak memory of a deep network's forward pass, with and without utils.checkpoint.

Run: python benchmarks/checkpoint_memory.py  (chainrule only; measured with tracemalloc,
which sees NumPy's allocations). 48 tanh(x @ w) layers on a (512, 512) float32 batch, in
blocks of 4; checkpointing keeps only the 12 block inputs for backward.
"""
from __future__ import annotations

import tracemalloc

import numpy as np

import chainrule as torch
from chainrule.utils.checkpoint import checkpoint

LAYERS, BLOCK, SIZE = 48, 4, 512


def _block(h, w):
    for _ in range(BLOCK):
        h = (h @ w).tanh()
    return h


def peak_mib(use_checkpoint: bool) -> tuple[float, float]:
    """(forward peak MiB, forward+backward peak MiB) for one configuration."""
    rng = np.random.default_rng(0)
    weights = [torch.tensor(rng.normal(0, 0.04, (SIZE, SIZE)).astype(np.float32),
                            requires_grad=True) for _ in range(LAYERS // BLOCK)]
    x = torch.tensor(rng.normal(size=(SIZE, SIZE)).astype(np.float32), requires_grad=True)
    tracemalloc.start()
    h = x
    for w in weights:
        h = checkpoint(_block, h, w) if use_checkpoint else _block(h, w)
    loss = h.sum()
    forward = tracemalloc.get_traced_memory()[1]
    loss.backward()
    total = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return forward / 2**20, total / 2**20


def main() -> None:
    """Print a Markdown table of the two configurations."""
    print("| configuration | forward peak MiB | forward+backward peak MiB |")
    print("| --- | ---: | ---: |")
    for flag in (False, True):
        fwd, total = peak_mib(flag)
        print(f"| {'checkpoint every 4 layers' if flag else 'plain'} | {fwd:.1f} | {total:.1f} |")


if __name__ == "__main__":
    main()
