"""Peak memory: 200 tanh layers on a (1000, 1000) float32 leaf, forward + backward; MiB of peak RSS growth.

Each layer saves its 4 MB output for backward, so the forward pass holds about 800 MB in
either library; the number shows what each library keeps beyond that (copies, saved inputs,
gradient buffers). Measured in a fresh process per sample (``FRESH_PROCESS``), since a peak
resident set size only ever grows: import the library, allocate the input, run a tiny
forward + backward so that lazy initialisation is not counted, read the peak as the
baseline, run, and read the peak again.

The peak is the kernel's ``VmHWM`` for this process's memory map (``/proc/self/status``), not
``getrusage().ru_maxrss``: on Linux ``ru_maxrss`` carries over the peak of the parent that
started the process (through fork and exec), so a child of a benchmark runner that has
loaded torch reported 23 MiB of growth where a clean start reported 195 MiB. Without
``/proc`` (macOS) it falls back to ``ru_maxrss`` (in bytes there). If the library's import
had raised the peak above the resident size at the baseline, the growth would be understated
by the difference.
"""
from __future__ import annotations

import math
import re
import resource
import sys
from pathlib import Path
from types import ModuleType

import numpy as np

UNIT = "layer"
METRIC = "MiB"
FRESH_PROCESS = True
SIZE = 200
QUICK_SIZE = 50
N = 1000
SMOKE = {"n": 64}


def peak_rss_mib() -> float:
    """This process's peak resident set size so far, in MiB."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        status = ""
    match = re.search(r"^VmHWM:\s+(\d+) kB$", status, flags=re.M)
    if match:
        return int(match.group(1)) / 2**10
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # Linux counts KiB, macOS bytes


def _forward_backward(lib: ModuleType, x, layers: int) -> None:
    h = x
    for _ in range(layers):
        h = lib.tanh(h)
    h.sum().backward()


def run(lib: ModuleType, size: int = SIZE, n: int = N) -> float:
    """Run ``size`` tanh layers on an (n, n) leaf, forward + backward; return the peak RSS
    growth in MiB."""
    x = lib.tensor(np.random.default_rng(0).uniform(-1.0, 1.0, (n, n)).astype(np.float32), requires_grad=True)
    _forward_backward(lib, lib.ones(2, 2, requires_grad=True), 2)
    baseline = peak_rss_mib()
    _forward_backward(lib, x, size)
    growth = peak_rss_mib() - baseline
    if x.grad is None or tuple(x.grad.shape) != (n, n) or not math.isfinite(float(x.grad.abs().sum())):
        raise RuntimeError(f"memory: wrong gradient for x: {x.grad}")
    return growth
