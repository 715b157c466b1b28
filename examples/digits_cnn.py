"""Classify sklearn's 8x8 handwritten digits, as (N, 1, 8, 8) images, with a small CNN.

    python examples/digits_cnn.py                 # chainrule, 30 epochs
    python examples/digits_cnn.py --lib torch     # the same script on PyTorch
    python examples/digits_cnn.py --short         # a smoke run of a few seconds
"""
from __future__ import annotations

from types import ModuleType
from typing import Any

from _common import describe, digits, load_library, parse_args, save_plot, train_classifier
from digits_mlp import make_loader


def build_model(torch: ModuleType) -> Any:
    """conv 1->16, pool to 4x4, conv 16->32, then a 512-64-10 classifier with dropout."""
    nn = torch.nn
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.Flatten(),
        nn.Dropout(0.25), nn.Linear(32 * 4 * 4, 64), nn.ReLU(), nn.Linear(64, 10),
    )


def main(argv: list[str] | None = None) -> float:
    args = parse_args("digits_cnn", "Digits (8x8) with a small CNN.", epochs=30, argv=argv)
    torch = load_library(args.lib)
    print(describe(torch, args.seed))
    torch.manual_seed(args.seed)
    x_train, y_train, x_test, y_test = digits(torch, args.seed, image=True)
    if args.short:
        x_train, y_train = x_train[:512], y_train[:512]
    epochs = 2 if args.short else args.epochs
    print(f"train {tuple(x_train.shape)}  test {tuple(x_test.shape)}  epochs {epochs}")

    model = build_model(torch)
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3, weight_decay=1e-4)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)
    loader = make_loader(torch, x_train, y_train, args.seed)
    history = train_classifier(torch, model, optimizer, loader, x_test, y_test, epochs, scheduler)
    save_plot(history, args.plot, f"digits CNN ({args.lib})")
    print(f"test accuracy: {history['test_acc'][-1]:.2%}")
    return history["test_acc"][-1]


if __name__ == "__main__":
    main()
