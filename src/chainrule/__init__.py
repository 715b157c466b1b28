"""chainrule: PyTorch's autograd, re-made as a small, readable package on NumPy.

``import chainrule as torch`` runs ordinary autograd code and prints what PyTorch prints.
"""
from __future__ import annotations

import warnings as _warnings

from . import _dtype
from ._device import device
from ._dtype import (bool_ as bool, dtype, float16, float32, float64, int8, int16, int32, int64,
                     uint8)
from ._printing import get_printoptions, set_printoptions
from ._tensor import Size, Tensor
from . import functional as _functional
from .functional import *  # noqa: F401,F403  (the torch.* functions)
from . import autograd, linalg, nn
from .autograd import api as _autograd_api
from .autograd import function as _function
from .autograd import forward_ad as _forward_ad
from .autograd import functional as _autograd_functional
from .autograd import gradcheck as _gradcheck
from .autograd.anomaly_mode import is_anomaly_check_nan_enabled, is_anomaly_enabled
from .autograd.grad_mode import (enable_grad, inference_mode, is_grad_enabled,
                                 is_inference_mode_enabled, no_grad, set_grad_enabled)

# NumPy reports overflow/invalid/divide-by-zero as RuntimeWarnings from the calling
# module; PyTorch returns inf/nan silently, so silence them for chainrule's own calls only.
_warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"chainrule(\.|$)")

# publish the user-facing half of autograd in chainrule.autograd (its __init__ holds only
# the engine layer, which is imported before Tensor exists)
autograd.backward = _autograd_api.backward
autograd.grad = _autograd_api.grad
autograd.gradcheck = _gradcheck.gradcheck
autograd.gradgradcheck = _gradcheck.gradgradcheck
autograd.GradcheckError = _gradcheck.GradcheckError
autograd.Function = _function.Function
autograd.function = _function
autograd.functional = _autograd_functional
autograd.forward_ad = _forward_ad
from . import func, utils  # noqa: E402  (need the autograd API above)
from . import optim  # noqa: E402
from .serialization import load, save  # noqa: E402

half, float, double = float16, float32, float64
short, int, long = int16, int32, int64

__version__ = "0.1.0"


def get_default_dtype() -> dtype:
    """Get the current default floating point dtype."""
    return _dtype.default.value


def set_default_dtype(d: dtype) -> None:
    """Sets the default floating point dtype (float32 or float64)."""
    if not isinstance(d, dtype) or d.category != _dtype._FLOAT:
        raise TypeError("only floating-point types are supported as the default type")
    _dtype.default.value = d


def is_tensor(obj) -> bool:
    """Returns True if ``obj`` is a chainrule Tensor."""
    return isinstance(obj, Tensor)


def is_floating_point(input: Tensor) -> bool:
    """Returns True if the data type of ``input`` is a floating point data type."""
    return input.is_floating_point()


def numel(input: Tensor) -> int:
    """Returns the total number of elements in ``input``."""
    return input.numel()


def promote_types(type1: dtype, type2: dtype) -> dtype:
    """The smallest dtype both types can be cast to without losing precision."""
    return _dtype.promote_types(type1, type2)

from . import viz
