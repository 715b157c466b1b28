"""A small character-level transformer that learns the Zen of Python and writes it back.

    python examples/char_transformer.py               # chainrule, ~1-2 minutes on a CPU
    python examples/char_transformer.py --lib torch   # the same script on PyTorch
    python examples/char_transformer.py --short       # a smoke run of a few seconds

The text ships with Python: ``this.s`` decoded with the rot13 codec. The model is token and
position embeddings, an ``nn.TransformerEncoder`` run with a causal mask, and a linear head
that predicts the next character.
"""
from __future__ import annotations

import codecs
import contextlib
import io
import math
from types import ModuleType
from typing import Any

from _common import describe, end_bar, load_library, parse_args, progress, save_plot

BLOCK, D_MODEL, HEADS, LAYERS, FEEDFORWARD = 32, 64, 4, 2, 128
BATCH_SIZE, STEPS_PER_EPOCH = 32, 25


def zen_text() -> str:
    """The Zen of Python, read from the ``this`` module without printing it."""
    with contextlib.redirect_stdout(io.StringIO()):
        import this
    return codecs.decode(this.s, "rot13")


def build_model(torch: ModuleType, vocab: int) -> Any:
    """Embeddings, a causal TransformerEncoder and a head, as one ``nn.Module``."""
    nn = torch.nn

    class CharTransformer(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.token = nn.Embedding(vocab, D_MODEL)
            self.position = nn.Embedding(BLOCK, D_MODEL)
            layer = nn.TransformerEncoderLayer(D_MODEL, HEADS, FEEDFORWARD, dropout=0.0,
                                               batch_first=True, norm_first=True)
            self.encoder = nn.TransformerEncoder(layer, LAYERS, enable_nested_tensor=False)
            self.norm = nn.LayerNorm(D_MODEL)
            self.head = nn.Linear(D_MODEL, vocab)

        def forward(self, idx: Any) -> Any:
            length = idx.shape[1]
            mask = torch.triu(torch.full((length, length), float("-inf")), diagonal=1)
            h = self.token(idx) + self.position(torch.arange(length))
            return self.head(self.norm(self.encoder(h, mask=mask, is_causal=True)))

    return CharTransformer()


def random_windows(torch: ModuleType, data: Any, batch_size: int) -> tuple[Any, Any]:
    """``batch_size`` random windows of the text and the same windows shifted by one."""
    starts = torch.randint(0, len(data) - BLOCK - 1, (batch_size,))
    offsets = torch.arange(BLOCK)
    rows = starts.unsqueeze(1) + offsets
    return data[rows], data[rows + 1]


def sample(torch: ModuleType, model: Any, prompt: list[int], length: int, temperature: float) -> list[int]:
    """Extend ``prompt`` by ``length`` characters drawn from the model's softmax."""
    idx = list(prompt)
    model.eval()
    with torch.no_grad():
        for _ in range(length):
            context = torch.tensor([idx[-BLOCK:]])
            probs = torch.softmax(model(context)[0, -1] / temperature, dim=-1)
            # inverse-CDF draw: the first index whose cumulative probability exceeds u
            u = torch.rand(1)
            choice = int((probs.cumsum(dim=0) < u).sum().item())
            idx.append(min(choice, probs.shape[0] - 1))
    return idx


def main(argv: list[str] | None = None) -> float:
    args = parse_args("char_transformer", "A character-level transformer on the Zen of Python.",
                      epochs=40, argv=argv)
    torch = load_library(args.lib)
    print(describe(torch, args.seed))
    torch.manual_seed(args.seed)

    text = zen_text()
    chars = sorted(set(text))
    encode = {c: i for i, c in enumerate(chars)}
    data = torch.tensor([encode[c] for c in text], dtype=torch.int64)
    epochs = 2 if args.short else args.epochs
    steps = 5 if args.short else STEPS_PER_EPOCH
    print(f"text: {len(text)} characters, vocabulary {len(chars)}, epochs {epochs} x {steps} steps")

    model = build_model(torch, len(chars))
    print(f"parameters: {sum(p.numel() for p in model.parameters())}")
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)
    history: dict[str, list[float]] = {"loss": [], "next_char_acc": []}
    for epoch in range(1, epochs + 1):
        model.train()
        loss_sum, hits = 0.0, 0
        for _ in progress(range(steps), steps, f"epoch {epoch:3d}/{epochs}"):
            x, y = random_windows(torch, data, BATCH_SIZE)
            logits = model(x)
            loss = torch.nn.functional.cross_entropy(logits.reshape(-1, len(chars)), y.reshape(-1))
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            loss_sum += loss.item()
            hits += (logits.argmax(dim=-1) == y).sum().item()
        scheduler.step()
        history["loss"].append(loss_sum / steps)
        history["next_char_acc"].append(hits / (steps * BATCH_SIZE * BLOCK))
        end_bar(f"loss {history['loss'][-1]:.4f} (perplexity {math.exp(history['loss'][-1]):.2f})  "
                f"next-char acc {history['next_char_acc'][-1]:.2%}")
    save_plot(history, args.plot, f"char transformer ({args.lib})")

    for prompt in ("Beautiful is ", "Errors should ", "Namespaces "):
        out = sample(torch, model, [encode[c] for c in prompt], 80 if not args.short else 20, 0.5)
        print("sample:", repr("".join(chars[i] for i in out)))
    print(f"final training loss: {history['loss'][-1]:.4f}")
    return history["loss"][-1]


if __name__ == "__main__":
    main()
