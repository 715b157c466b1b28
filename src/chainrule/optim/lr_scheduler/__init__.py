"""Learning-rate schedulers, as in ``torch.optim.lr_scheduler``.

A scheduler rewrites ``group["lr"]`` in its optimizer's parameter groups each time its
``step`` is called. Most schedulers are *chainable*: their ``get_lr`` scales the current
``group["lr"]`` (so several schedulers can act on one optimizer), with the same arithmetic
as PyTorch so that the learning-rate sequences are identical; ``step(epoch)`` uses the
closed form where there is one.
"""
from ._base import EPOCH_DEPRECATION_WARNING, LRScheduler, _LRScheduler  # noqa: F401 (torch has them too)
from .composite import ChainedScheduler, SequentialLR
from .cyclic import CosineAnnealingWarmRestarts, OneCycleLR
from .plateau import ReduceLROnPlateau
from .simple import (
    ConstantLR,
    CosineAnnealingLR,
    ExponentialLR,
    LambdaLR,
    LinearLR,
    MultiplicativeLR,
    MultiStepLR,
    PolynomialLR,
    StepLR,
)

__all__ = ["LambdaLR", "MultiplicativeLR", "StepLR", "MultiStepLR", "ConstantLR", "LinearLR", "ExponentialLR",
           "SequentialLR", "CosineAnnealingLR", "ChainedScheduler", "ReduceLROnPlateau",
           "CosineAnnealingWarmRestarts", "OneCycleLR", "PolynomialLR", "LRScheduler"]
