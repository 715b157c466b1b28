"""Activation modules: each calls its ``nn.functional`` function."""
from __future__ import annotations

import warnings

from ... import functional as _ops
from ..._tensor import Tensor
from .. import functional as F
from .module import Module

__all__ = ["CELU", "ELU", "GELU", "Hardsigmoid", "Hardswish", "Hardtanh", "LeakyReLU", "LogSigmoid", "LogSoftmax",
           "Mish", "ReLU", "ReLU6", "SELU", "SiLU", "Sigmoid", "Softmax", "Softmax2d", "Softmin", "Softplus",
           "Softsign", "Tanh", "Tanhshrink"]


class _Stateless(Module):
    """An activation without arguments: ``forward`` is ``_fn(input)``."""

    def forward(self, input: Tensor) -> Tensor:
        return type(self)._fn(input)


class _InPlace(Module):
    """An activation whose only argument is ``inplace``; ``_show_inplace`` says whether its repr shows it."""

    _show_inplace = True

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return type(self)._fn(input, inplace=self.inplace)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace and self._show_inplace else ""


class ReLU(_InPlace):
    r"""Applies the rectified linear unit function element-wise: :math:`\text{ReLU}(x) = \max(0, x)`.

    Args:
        inplace: can optionally do the operation in-place. Default: ``False``
    """

    _fn = F.relu


class SELU(_InPlace):
    r"""Applies the SELU function element-wise: :math:`\text{scale} * (\max(0,x) + \min(0, \alpha (\exp(x) - 1)))`.

    Args:
        inplace (bool, optional): can optionally do the operation in-place. Default: ``False``
    """

    _fn = F.selu


class SiLU(_InPlace):
    r"""Applies the Sigmoid Linear Unit (SiLU) function element-wise: :math:`x * \sigma(x)`.

    Args:
        inplace (bool, optional): can optionally do the operation in-place. Default: ``False``
    """

    _fn = F.silu


class Mish(_InPlace):
    r"""Applies the Mish function element-wise: :math:`x * \text{Tanh}(\text{Softplus}(x))`.

    Args:
        inplace (bool, optional): can optionally do the operation in-place. Default: ``False``
    """

    _fn = F.mish


class Hardsigmoid(_InPlace):
    r"""Applies the Hardsigmoid function element-wise: 0 below -3, 1 above 3, :math:`x/6 + 1/2` between.

    Args:
        inplace: can optionally do the operation in-place. Default: ``False``
    """

    _fn = F.hardsigmoid
    _show_inplace = False


class Hardswish(_InPlace):
    r"""Applies the Hardswish function element-wise: :math:`x \cdot \text{ReLU6}(x + 3) / 6`.

    Args:
        inplace: can optionally do the operation in-place. Default: ``False``
    """

    _fn = F.hardswish
    _show_inplace = False


class Hardtanh(Module):
    r"""Applies the HardTanh function element-wise: ``x`` clamped to ``[min_val, max_val]``.

    Args:
        min_val: minimum value of the linear region range. Default: -1
        max_val: maximum value of the linear region range. Default: 1
        inplace: can optionally do the operation in-place. Default: ``False``
    """

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False,
                 min_value: float | None = None, max_value: float | None = None) -> None:
        super().__init__()
        if min_value is not None:
            warnings.warn("keyword argument `min_value` is deprecated and renamed to `min_val`", FutureWarning,
                          stacklevel=2)
            min_val = min_value
        if max_value is not None:
            warnings.warn("keyword argument `max_value` is deprecated and renamed to `max_val`", FutureWarning,
                          stacklevel=2)
            max_val = max_value
        self.min_val = min_val
        self.max_val = max_val
        self.inplace = inplace
        if max_val <= min_val:
            raise AssertionError(f"max_val ({max_val}) must be greater than min_val ({min_val})")

    def forward(self, input: Tensor) -> Tensor:
        return F.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self) -> str:
        inplace = ", inplace=True" if self.inplace else ""
        return f"min_val={self.min_val}, max_val={self.max_val}{inplace}"


class ReLU6(Hardtanh):
    r"""Applies the ReLU6 function element-wise: :math:`\min(\max(0, x), 6)`.

    Args:
        inplace: can optionally do the operation in-place. Default: ``False``
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class LeakyReLU(Module):
    r"""Applies the LeakyReLU function element-wise: :math:`\max(0, x) + \text{negative\_slope} * \min(0, x)`.

    Args:
        negative_slope: the slope for negative inputs. Default: 1e-2
        inplace: can optionally do the operation in-place. Default: ``False``
    """

    def __init__(self, negative_slope: float = 1e-2, inplace: bool = False) -> None:
        super().__init__()
        self.negative_slope = negative_slope
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.leaky_relu(input, self.negative_slope, self.inplace)

    def extra_repr(self) -> str:
        inplace = ", inplace=True" if self.inplace else ""
        return f"negative_slope={self.negative_slope}{inplace}"


class ELU(Module):
    r"""Applies the Exponential Linear Unit function element-wise.

    ELU is :math:`x` for positive :math:`x`, else :math:`\alpha (\exp(x) - 1)`.

    Args:
        alpha: the :math:`\alpha` value for the ELU formulation. Default: 1.0
        inplace: can optionally do the operation in-place. Default: ``False``
    """

    _fn = F.elu

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha = alpha
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return type(self)._fn(input, self.alpha, self.inplace)

    def extra_repr(self) -> str:
        inplace = ", inplace=True" if self.inplace else ""
        return f"alpha={self.alpha}{inplace}"


class CELU(ELU):
    r"""Applies the CELU function element-wise: :math:`\max(0,x) + \min(0, \alpha * (\exp(x/\alpha) - 1))`.

    Args:
        alpha: the :math:`\alpha` value for the CELU formulation. Default: 1.0
        inplace: can optionally do the operation in-place. Default: ``False``
    """

    _fn = F.celu


class GELU(Module):
    r"""Applies the Gaussian Error Linear Units function: :math:`x * \Phi(x)`.

    Args:
        approximate (str, optional): the gelu approximation algorithm to use:
            ``'none'`` | ``'tanh'``. Default: ``'none'``
    """

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        self.approximate = approximate

    def forward(self, input: Tensor) -> Tensor:
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class Softplus(Module):
    r"""Applies the Softplus function element-wise: :math:`\frac{1}{\beta} \log(1 + \exp(\beta x))`.

    Reverts to the linear function when :math:`input \times \beta > threshold`.

    Args:
        beta: the :math:`\beta` value for the Softplus formulation. Default: 1
        threshold: values above this revert to a linear function. Default: 20
    """

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta = beta
        self.threshold = threshold

    def forward(self, input: Tensor) -> Tensor:
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"


class Sigmoid(_Stateless):
    r"""Applies the Sigmoid function element-wise: :math:`\frac{1}{1 + \exp(-x)}`."""

    _fn = _ops.sigmoid


class Tanh(_Stateless):
    r"""Applies the Hyperbolic Tangent (Tanh) function element-wise."""

    _fn = _ops.tanh


class Softsign(_Stateless):
    r"""Applies the element-wise Softsign function: :math:`\frac{x}{1 + |x|}`."""

    _fn = F.softsign


class LogSigmoid(_Stateless):
    r"""Applies the Logsigmoid function element-wise: :math:`\log\left(\frac{1}{1 + \exp(-x)}\right)`."""

    _fn = F.logsigmoid


class Tanhshrink(_Stateless):
    r"""Applies the element-wise Tanhshrink function: :math:`x - \tanh(x)`."""

    _fn = F.tanhshrink


class _SoftmaxBase(Module):
    """Softmax, LogSoftmax and Softmin: ``_fn(input, dim)`` with PyTorch's implicit-dim warning."""

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        # the implicit-dim warning points at the caller: _implicit_dim, _fn, forward, __call__, caller
        return type(self)._fn(input, self.dim, _stacklevel=5)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Softmax(_SoftmaxBase):
    r"""Applies the Softmax function to an n-dimensional input Tensor along ``dim``.

    Args:
        dim (int): A dimension along which Softmax will be computed (so every slice
            along dim will sum to 1).
    """

    _fn = F.softmax


class LogSoftmax(_SoftmaxBase):
    r"""Applies the :math:`\log(\text{Softmax}(x))` function to an n-dimensional input Tensor along ``dim``.

    Args:
        dim (int): A dimension along which LogSoftmax will be computed.
    """

    _fn = F.log_softmax


class Softmin(_SoftmaxBase):
    r"""Applies the Softmin function (:math:`\text{Softmax}(-x)`) to an n-dimensional input Tensor along ``dim``.

    Args:
        dim (int): A dimension along which Softmin will be computed (so every slice
            along dim will sum to 1).
    """

    _fn = F.softmin


class Softmax2d(Module):
    r"""Applies SoftMax over features to each spatial location of a ``(N, C, H, W)`` or ``(C, H, W)`` input."""

    def forward(self, input: Tensor) -> Tensor:
        if input.dim() not in (3, 4):
            raise ValueError(f"Softmax2d: expected input to be 3D or 4D, got {input.dim()}D instead")
        return F.softmax(input, -3, _stacklevel=5)
