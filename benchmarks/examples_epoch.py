"""Time one training epoch of the digits examples (MLP and CNN) with torch and with chainrule.

    python benchmarks/examples_epoch.py [--repeats N] [--batch-size B]

Both libraries train the same model from the same initial weights on the same data with the
same batch size and optimizer (Adam) as ``examples/digits_mlp.py`` and ``examples/digits_cnn.py``.
Repeats are interleaved (torch, chainrule, torch, chainrule, ...) after one untimed warm-up
epoch each; the table gives the median ms/epoch [min-max] and the ratio chainrule/torch of
the medians. Each library runs with its default thread settings; they are printed with the
machine details. On a small shared machine the default thread pools (torch's OpenMP, numpy's
OpenBLAS) can be oversubscribed and slow both libraries down many times over; to compare
single-threaded, run with ``OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1``.
Needs scikit-learn for the data.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
if __package__ in (None, ""):  # run as a script: import `benchmarks` from the repository root
    sys.path[0] = str(ROOT)
sys.path.insert(1, str(ROOT / "examples"))

import digits_cnn  # noqa: E402
import digits_mlp  # noqa: E402
from _common import digits, train_epoch  # noqa: E402

from benchmarks._harness import import_library, machine_details, markdown_table  # noqa: E402

LIBS = ("torch", "chainrule")
MODELS: dict[str, tuple[Callable[[ModuleType], Any], bool]] = {
    "digits MLP 64-128-10": (digits_mlp.build_model, False),
    "digits CNN": (digits_cnn.build_model, True),
}


class Trainer:
    """One library's model, optimizer and data loader, ready to run epochs."""

    def __init__(self, torch: ModuleType, build: Callable[[ModuleType], Any], image: bool, weights: dict[str, Any],
                 batch_size: int, seed: int) -> None:
        self.torch = torch
        torch.manual_seed(seed)
        self.model = build(torch)
        self.model.load_state_dict({k: torch.tensor(v) for k, v in weights.items()})
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=1e-3)
        x, y, _, _ = digits(torch, seed, image=image)
        self.loader = digits_mlp.make_loader(torch, x, y, seed, batch_size)

    def epoch_seconds(self) -> float:
        start = time.perf_counter()
        train_epoch(self.torch, self.model, self.optimizer, self.loader)
        return time.perf_counter() - start


def measure(libs: dict[str, ModuleType], build: Callable[[ModuleType], Any], image: bool, repeats: int,
            batch_size: int, seed: int) -> dict[str, list[float]]:
    """Seconds per epoch for each library, ``repeats`` times, interleaved, after a warm-up."""
    libs["torch"].manual_seed(seed)
    weights = {k: v.detach().numpy().copy() for k, v in build(libs["torch"]).state_dict().items()}
    trainers = {name: Trainer(lib, build, image, weights, batch_size, seed) for name, lib in libs.items()}
    for trainer in trainers.values():
        trainer.epoch_seconds()
    times: dict[str, list[float]] = {name: [] for name in libs}
    for _ in range(repeats):
        for name, trainer in trainers.items():
            times[name].append(trainer.epoch_seconds())
    return times


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="timed epochs per library (default: 5)")
    parser.add_argument("--batch-size", type=int, default=digits_mlp.BATCH_SIZE,
                        help=f"mini-batch size (default: {digits_mlp.BATCH_SIZE}, as in the examples)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    libs = {name: import_library(name) for name in LIBS}

    rows = []
    for label, (build, image) in MODELS.items():
        print(f"timing {label} ...", file=sys.stderr)
        times = measure(libs, build, image, args.repeats, args.batch_size, args.seed)
        medians = {name: statistics.median(t) for name, t in times.items()}
        rows.append([label] + [f"{medians[n] * 1e3:.1f} [{min(times[n]) * 1e3:.1f}-{max(times[n]) * 1e3:.1f}]"
                               for n in LIBS] + [f"{medians['chainrule'] / medians['torch']:.2f}x"])

    print(f"# One training epoch of the digits examples (1437 samples, batch {args.batch_size}, "
          f"Adam, median of {args.repeats})\n")
    print(markdown_table(["model"] + [f"{n} ms/epoch" for n in LIBS] + ["chainrule/torch"], rows, align="lrrr"))
    print()
    print(markdown_table(["setting", "value"], [list(r) for r in machine_details(list(libs.values()))]))


if __name__ == "__main__":
    main()
