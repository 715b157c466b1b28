"""``chainrule.device``: where a tensor lives (only the CPU backend exists so far)."""
from __future__ import annotations


class device:
    """A device, as ``torch.device``: ``device("cpu")``, ``device("cuda", 0)``."""

    __slots__ = ("type", "index")

    def __init__(self, type: "str | device", index: int | None = None) -> None:
        if isinstance(type, device):
            type, index = type.type, type.index
        elif ":" in type:
            type, _, idx = type.partition(":")
            if not idx.isdigit():
                raise RuntimeError(f"Invalid device string: '{type}:{idx}'")
            index = int(idx)
        if type not in ("cpu", "cuda"):
            raise RuntimeError("Expected one of cpu, cuda device type at start of device "
                               f"string: {type}")
        self.type = type
        self.index = index

    def __repr__(self) -> str:
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))


CPU = device("cpu")


def check_device(dev) -> device:
    """Validate a ``device=`` argument; only the CPU is available in this build."""
    if dev is None:
        return CPU
    dev = device(dev) if not isinstance(dev, device) else dev
    if dev.type != "cpu":
        raise NotImplementedError(
            "chainrule's CUDA backend (CuPy) is not implemented yet; use device='cpu'")
    return dev
