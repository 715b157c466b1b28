"""Convolution layers: ``Conv1d/2d/3d`` and ``ConvTranspose1d/2d/3d``."""
from __future__ import annotations

import math
from typing import Any, Sequence

from ... import functional as _ops
from ..._tensor import Size, Tensor
from .. import functional as F
from .. import init
from .linear import uniform_fan_in_bias
from .module import Module, new_parameter

__all__ = ["Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d"]

# sets, built in PyTorch's order, so that the messages list them as PyTorch's do
_PADDING_STRINGS = {"same", "valid"}
_PADDING_MODES = {"zeros", "reflect", "replicate", "circular"}


def _ntuple(value: Any, n: int) -> tuple:
    """``value`` repeated ``n`` times unless it already is a sequence (PyTorch's ``_pair`` and friends)."""
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * n


def _circular_pad(input: Tensor, pad: Sequence[int]) -> Tensor:
    """Wrap-around padding; ``pad`` lists (left, right) pairs from the last dim backwards, as ``F.pad``."""
    for i in range(len(pad) // 2):
        left, right = pad[2 * i], pad[2 * i + 1]
        dim = input.dim() - 1 - i
        size = input.shape[dim]
        parts = ([input.narrow(dim, size - left, left)] if left else []) + [input] + (
            [input.narrow(dim, 0, right)] if right else [])
        input = _ops.cat(parts, dim)
    return input


class _ConvNd(Module):
    """What the convolutions share: arguments, weight/bias, initialisation and repr."""

    _dims = 0

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any, padding: Any, dilation: Any,
                 transposed: bool, output_padding: Any, groups: int, bias: bool, padding_mode: str, device: Any,
                 dtype: Any) -> None:
        super().__init__()
        n = self._dims
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        stride, dilation = _ntuple(stride, n), _ntuple(dilation, n)
        if isinstance(padding, str):
            if padding not in _PADDING_STRINGS:
                raise ValueError(f"Invalid padding string {padding!r}, should be one of {_PADDING_STRINGS}")
            if padding == "same" and any(s != 1 for s in stride):
                raise ValueError("padding='same' is not supported for strided convolutions")
        else:
            padding = _ntuple(padding, n)
        if padding_mode not in _PADDING_MODES:
            raise ValueError(f"padding_mode must be one of {_PADDING_MODES}, but got "
                             f"padding_mode='{padding_mode}'")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = _ntuple(kernel_size, n)
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.transposed = transposed
        self.output_padding = _ntuple(output_padding, n)
        self.groups = groups
        self.padding_mode = padding_mode
        self._reversed_padding_repeated_twice = self._explicit_padding()
        shape = ((in_channels, out_channels // groups) if transposed else (out_channels, in_channels // groups))
        self.weight = new_parameter(*shape, *self.kernel_size, device=device, dtype=dtype)
        if bias:
            self.bias = new_parameter(out_channels, device=device, dtype=dtype)
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def _explicit_padding(self) -> list:
        """The padding as ``F.pad`` takes it (last dim first, left then right), for non-zero padding modes."""
        pads = []
        for k, d, p in reversed(list(zip(self.kernel_size, self.dilation, self._padding_tuple()))):
            if p is None:  # 'same': the total d*(k-1), the extra element on the right
                total = d * (k - 1)
                pads += [total // 2, total - total // 2]
            else:
                pads += [p, p]
        return pads

    def _padding_tuple(self) -> tuple:
        if self.padding == "same":
            return (None,) * self._dims
        if self.padding == "valid":
            return (0,) * self._dims
        return self.padding

    def reset_parameters(self) -> None:
        r"""Re-initialise the weight (Kaiming uniform with ``a=sqrt(5)``) and the bias."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        uniform_fan_in_bias(self.bias, self.weight)

    def extra_repr(self) -> str:
        n = self._dims
        text = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}")
        if self.padding != (0,) * n:
            text += f", padding={self.padding}"
        if self.dilation != (1,) * n:
            text += f", dilation={self.dilation}"
        if self.output_padding != (0,) * n:
            text += f", output_padding={self.output_padding}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        if self.padding_mode != "zeros":
            text += f", padding_mode={self.padding_mode}"
        return text


class _Conv(_ConvNd):
    """Conv1d/2d/3d: ``_fn`` is the functional convolution of the right rank."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 dilation: Any = 1, groups: int = 1, bias: bool = True, padding_mode: str = "zeros",
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, False, 0, groups, bias,
                         padding_mode, device, dtype)

    def _conv_forward(self, input: Tensor, weight: Tensor, bias: Tensor | None) -> Tensor:
        conv = type(self)._fn
        if self.padding_mode == "zeros":
            return conv(input, weight, bias, self.stride, self.padding, self.dilation, self.groups)
        pad = self._reversed_padding_repeated_twice
        if self.padding_mode == "circular":  # F.pad has no circular mode yet
            padded = _circular_pad(input, pad)
        else:
            padded = F.pad(input, pad, mode=self.padding_mode)
        return conv(padded, weight, bias, self.stride, 0, self.dilation, self.groups)

    def forward(self, input: Tensor) -> Tensor:
        return self._conv_forward(input, self.weight, self.bias)


class Conv1d(_Conv):
    r"""Applies a 1D convolution over an input signal composed of several input planes ``(N, C_in, L)``.

    Args:
        in_channels (int): Number of channels in the input image
        out_channels (int): Number of channels produced by the convolution
        kernel_size (int or tuple): Size of the convolving kernel
        stride (int or tuple, optional): Stride of the convolution. Default: 1
        padding (int, tuple or str, optional): Padding added to both sides of the input,
            or ``'valid'`` / ``'same'``. Default: 0
        dilation (int or tuple, optional): Spacing between kernel elements. Default: 1
        groups (int, optional): Number of blocked connections from input channels to output channels. Default: 1
        bias (bool, optional): If ``True``, adds a learnable bias to the output. Default: ``True``
        padding_mode (str, optional): ``'zeros'``, ``'reflect'``, ``'replicate'`` or ``'circular'``.
            Default: ``'zeros'``

    Weight and bias are initialised from :math:`\mathcal{U}(-\sqrt{k}, \sqrt{k})` with
    :math:`k = \frac{groups}{C_\text{in} * \text{kernel\_size}}`.
    """

    _dims = 1
    _fn = F.conv1d


class Conv2d(_Conv):
    r"""Applies a 2D convolution over an input signal composed of several input planes ``(N, C_in, H, W)``.

    The arguments are :class:`Conv1d`'s, each spatial one an int or a pair.
    """

    _dims = 2
    _fn = F.conv2d


class Conv3d(_Conv):
    r"""Applies a 3D convolution over an input signal composed of several input planes ``(N, C_in, D, H, W)``.

    The arguments are :class:`Conv1d`'s, each spatial one an int or a triple.
    """

    _dims = 3
    _fn = F.conv3d


class _ConvTranspose(_ConvNd):
    """ConvTranspose1d/2d/3d: ``_fn`` is the functional transposed convolution of the right rank."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 output_padding: Any = 0, groups: int = 1, bias: bool = True, dilation: Any = 1,
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None) -> None:
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {type(self).__name__}')
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, True, output_padding,
                         groups, bias, padding_mode, device, dtype)

    def _output_padding(self, input: Tensor, output_size: Sequence[int] | None) -> tuple:
        """The output padding that makes the output ``output_size`` (PyTorch's checks and messages)."""
        if output_size is None:
            return self.output_padding
        n = self._dims
        lead = 2 if input.dim() == n + 2 else 1
        if len(output_size) == lead + n:
            output_size = output_size[lead:]
        if len(output_size) != n:
            raise ValueError(f"ConvTranspose{n}D: for {input.dim()}D input, output_size must have {n} or "
                             f"{lead + n} elements (got {len(output_size)})")
        smallest = [(input.size(d + lead) - 1) * self.stride[d] - 2 * self.padding[d]
                    + self.dilation[d] * (self.kernel_size[d] - 1) + 1 for d in range(n)]
        largest = [s + self.stride[d] - 1 for d, s in enumerate(smallest)]
        for size, lo, hi in zip(output_size, smallest, largest):
            if not lo <= size <= hi:
                raise ValueError(f"requested an output size of {output_size}, but valid sizes range from "
                                 f"{smallest} to {largest} (for an input of {Size(input.shape[lead:])})")
        return tuple(size - lo for size, lo in zip(output_size, smallest))

    def forward(self, input: Tensor, output_size: Sequence[int] | None = None) -> Tensor:
        output_padding = self._output_padding(input, output_size)
        return type(self)._fn(input, self.weight, self.bias, self.stride, self.padding, output_padding, self.groups,
                              self.dilation)


class ConvTranspose1d(_ConvTranspose):
    r"""Applies a 1D transposed convolution operator over an input image composed of several input planes.

    Args:
        in_channels (int): Number of channels in the input image
        out_channels (int): Number of channels produced by the convolution
        kernel_size (int or tuple): Size of the convolving kernel
        stride (int or tuple, optional): Stride of the convolution. Default: 1
        padding (int or tuple, optional): ``dilation * (kernel_size - 1) - padding`` zero-padding
            will be added to both sides of the input. Default: 0
        output_padding (int or tuple, optional): Additional size added to one side of the output shape. Default: 0
        groups (int, optional): Number of blocked connections from input channels to output channels. Default: 1
        bias (bool, optional): If ``True``, adds a learnable bias to the output. Default: ``True``
        dilation (int or tuple, optional): Spacing between kernel elements. Default: 1

    ``forward(input, output_size=None)`` may ask for a given output size instead of ``output_padding``.
    """

    _dims = 1
    _fn = F.conv_transpose1d


class ConvTranspose2d(_ConvTranspose):
    r"""Applies a 2D transposed convolution operator over an input image composed of several input planes.

    The arguments are :class:`ConvTranspose1d`'s, each spatial one an int or a pair.
    """

    _dims = 2
    _fn = F.conv_transpose2d


class ConvTranspose3d(_ConvTranspose):
    r"""Applies a 3D transposed convolution operator over an input image composed of several input planes.

    The arguments are :class:`ConvTranspose1d`'s, each spatial one an int or a triple.
    """

    _dims = 3
    _fn = F.conv_transpose3d
