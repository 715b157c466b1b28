"""Classify sklearn's 8x8 handwritten digits with a 64-128-10 MLP.

    python examples/digits_mlp.py                 # chainrule, 30 epochs
    python examples/digits_mlp.py --lib torch     # the same script on PyTorch
    python examples/digits_mlp.py --short         # a smoke run of a few seconds

With chainrule the trained weights are saved with ``chainrule.save(model.state_dict(), ...)``
and loaded into a fresh model, whose test accuracy must match.
"""
from __future__ import annotations

from types import ModuleType
from typing import Any

from _common import EXAMPLES, accuracy, describe, digits, load_library, parse_args, save_plot, train_classifier

BATCH_SIZE = 64


def build_model(torch: ModuleType) -> Any:
    """The 64-128-10 MLP with a ReLU."""
    nn = torch.nn
    return nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))


def make_loader(torch: ModuleType, x: Any, y: Any, seed: int, batch_size: int = BATCH_SIZE) -> Any:
    """Shuffled mini-batches of ``(x, y)`` drawn with a Generator seeded with ``seed``."""
    data = torch.utils.data
    return data.DataLoader(data.TensorDataset(x, y), batch_size=batch_size, shuffle=True,
                           generator=torch.Generator().manual_seed(seed))


def main(argv: list[str] | None = None) -> float:
    args = parse_args("digits_mlp", "Digits (8x8) with a 64-128-10 MLP.", epochs=30, argv=argv)
    torch = load_library(args.lib)
    print(describe(torch, args.seed))
    torch.manual_seed(args.seed)
    x_train, y_train, x_test, y_test = digits(torch, args.seed)
    if args.short:
        x_train, y_train = x_train[:512], y_train[:512]
    epochs = 3 if args.short else args.epochs
    print(f"train {tuple(x_train.shape)}  test {tuple(x_test.shape)}  epochs {epochs}")

    model = build_model(torch)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loader = make_loader(torch, x_train, y_train, args.seed)
    history = train_classifier(torch, model, optimizer, loader, x_test, y_test, epochs)
    save_plot(history, args.plot, f"digits MLP ({args.lib})")

    test_acc = history["test_acc"][-1]
    if args.lib == "chainrule":
        path = EXAMPLES / "out" / "digits_mlp.pt"
        path.parent.mkdir(parents=True, exist_ok=True)
        torch.save(model.state_dict(), path)
        fresh = build_model(torch)
        fresh.load_state_dict(torch.load(path))
        reloaded = accuracy(torch, fresh, x_test, y_test)
        print(f"weights saved to {path}; reloaded model test accuracy {reloaded:.2%}")
        if reloaded != test_acc:
            raise SystemExit(f"reloaded weights give {reloaded:.4f}, not {test_acc:.4f}")
    print(f"test accuracy: {test_acc:.2%}")
    return test_acc


if __name__ == "__main__":
    main()
