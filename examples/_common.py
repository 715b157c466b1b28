"""What the example scripts share: the command line, the library switch, a text progress bar,
the digits data, a classifier training loop, and the loss/accuracy plot.

Every example picks its library with ``--lib`` and then uses only the ``torch.`` API of the
module it got, so the same script runs with chainrule and with PyTorch.
"""
from __future__ import annotations

import argparse
import importlib
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any, Iterable, Iterator

EXAMPLES = Path(__file__).resolve().parent


def parse_args(name: str, description: str, epochs: int, argv: list[str] | None = None) -> argparse.Namespace:
    """The options every example takes; ``name`` names the default plot file."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--lib", choices=("chainrule", "torch"), default="chainrule",
                        help="the library that runs the script (default: chainrule)")
    parser.add_argument("--epochs", type=int, default=epochs, help=f"training epochs (default: {epochs})")
    parser.add_argument("--seed", type=int, default=0, help="the seed of every random choice (default: 0)")
    parser.add_argument("--short", action="store_true", help="a smoke run of a few seconds (for CI)")
    parser.add_argument("--plot", type=Path, default=EXAMPLES / "out" / f"{name}.png",
                        help=f"where the loss/accuracy plot goes (default: examples/out/{name}.png)")
    return parser.parse_args(argv)


def load_library(name: str) -> ModuleType:
    """``chainrule`` or ``torch``, imported by name, with a hint when it is not installed."""
    try:
        return importlib.import_module(name)
    except ImportError as err:
        hint = "pip install torch" if name == "torch" else "pip install -e . (from the repository root)"
        raise SystemExit(f"{name} is not importable ({err}); install it with: {hint}") from err


def describe(torch: ModuleType, seed: int) -> str:
    """One line naming the library, its version and the seed."""
    return f"library: {torch.__name__} {getattr(torch, '__version__', '?')}  seed: {seed}"


def progress(items: Iterable[Any], total: int, label: str, width: int = 30) -> Iterator[Any]:
    """Yield ``items`` while drawing ``label [#####.....] i/total`` on stdout.

    On a terminal the bar redraws in place after every item; otherwise (a log, a pipe) only
    the finished bar is written. The line is left open: finish it with ``end_bar``."""
    interactive = sys.stdout.isatty()
    start = time.perf_counter()
    done = 0
    for item in items:
        yield item
        done += 1
        if interactive:
            _draw("\r", label, done, total, width, start)
    if not interactive:
        _draw("", label, done, total, width, start)


def _draw(prefix: str, label: str, done: int, total: int, width: int, start: float) -> None:
    filled = width * min(done, total) // max(total, 1)
    bar = "#" * filled + "." * (width - filled)
    sys.stdout.write(f"{prefix}{label} [{bar}] {done}/{total} {time.perf_counter() - start:5.1f}s")
    sys.stdout.flush()


def end_bar(summary: str) -> None:
    """Finish the current progress bar line with ``summary``."""
    sys.stdout.write(f"  {summary}\n")
    sys.stdout.flush()


def require_sklearn() -> ModuleType:
    """``sklearn``, or SystemExit telling how to install it."""
    try:
        return importlib.import_module("sklearn")
    except ImportError as err:
        raise SystemExit("this example needs scikit-learn for its data set: pip install scikit-learn") from err


def digits(torch: ModuleType, seed: int, image: bool = False) -> tuple[Any, Any, Any, Any]:
    """sklearn's 8x8 digits, standardised on the training set, split 80/20 with ``seed``.

    Returns ``(x_train, y_train, x_test, y_test)`` as float32/int64 tensors of ``torch``; the
    inputs are ``(N, 64)``, or ``(N, 1, 8, 8)`` when ``image`` is true."""
    require_sklearn()
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    data = load_digits()
    x_train, x_test, y_train, y_test = train_test_split(data.data, data.target, test_size=0.2,
                                                        random_state=seed, stratify=data.target)
    scaler = StandardScaler().fit(x_train)
    shape = (-1, 1, 8, 8) if image else (-1, 64)

    def inputs(x: Any) -> Any:
        return torch.tensor(scaler.transform(x), dtype=torch.float32).reshape(shape)

    def labels(y: Any) -> Any:
        return torch.tensor(y, dtype=torch.int64)

    return inputs(x_train), labels(y_train), inputs(x_test), labels(y_test)


def accuracy(torch: ModuleType, model: Any, x: Any, y: Any) -> float:
    """The fraction of ``x`` that ``model`` (in eval mode, without grad) labels as ``y``."""
    model.eval()
    with torch.no_grad():
        hits = (model(x).argmax(dim=1) == y).sum().item()
    return hits / len(y)


def train_epoch(torch: ModuleType, model: Any, optimizer: Any, batches: Iterable[Any]) -> tuple[float, int, int]:
    """One pass of cross-entropy training over ``batches`` of ``(x, y)``.

    Returns ``(loss_sum, hits, seen)``: the summed loss, the correct predictions and the samples."""
    loss_sum, hits, seen = 0.0, 0, 0
    model.train()
    for xb, yb in batches:
        optimizer.zero_grad()
        logits = model(xb)
        loss = torch.nn.functional.cross_entropy(logits, yb)
        loss.backward()
        optimizer.step()
        loss_sum += loss.item() * len(yb)
        hits += (logits.argmax(dim=1) == yb).sum().item()
        seen += len(yb)
    return loss_sum, hits, seen


def train_classifier(torch: ModuleType, model: Any, optimizer: Any, loader: Any, x_test: Any, y_test: Any,
                     epochs: int, scheduler: Any = None) -> dict[str, list[float]]:
    """Train ``model`` with cross-entropy for ``epochs``; return the per-epoch history
    (``loss``: mean training loss, ``train_acc`` and ``test_acc``)."""
    history: dict[str, list[float]] = {"loss": [], "train_acc": [], "test_acc": []}
    for epoch in range(1, epochs + 1):
        batches = progress(loader, len(loader), f"epoch {epoch:3d}/{epochs}")
        loss_sum, hits, seen = train_epoch(torch, model, optimizer, batches)
        if scheduler is not None:
            scheduler.step()
        history["loss"].append(loss_sum / seen)
        history["train_acc"].append(hits / seen)
        history["test_acc"].append(accuracy(torch, model, x_test, y_test))
        end_bar(f"loss {history['loss'][-1]:.4f}  train acc {history['train_acc'][-1]:.2%}  "
                f"test acc {history['test_acc'][-1]:.2%}")
    return history


def save_plot(history: dict[str, list[float]], path: Path, title: str) -> None:
    """Plot the loss curve (left) and any accuracy curves (right) to ``path``, or say why not."""
    try:
        import matplotlib
    except ImportError:
        print("plot skipped: matplotlib is not installed (pip install matplotlib)")
        return
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    curves = {k: v for k, v in history.items() if k != "loss"}
    fig, axes = plt.subplots(1, 2 if curves else 1, figsize=(10 if curves else 5, 4), squeeze=False)
    epochs = range(1, len(history["loss"]) + 1)
    axes[0][0].plot(epochs, history["loss"], marker=".")
    axes[0][0].set(xlabel="epoch", ylabel="loss", title="training loss")
    if curves:
        for key, values in curves.items():
            axes[0][1].plot(epochs, values, marker=".", label=key.replace("_", " "))
        axes[0][1].set(xlabel="epoch", ylabel="accuracy", title="accuracy")
        axes[0][1].legend()
    fig.suptitle(title)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    print(f"plot saved to {path}")
