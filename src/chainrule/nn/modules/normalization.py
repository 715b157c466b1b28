"""Normalization layers: ``BatchNorm1d/2d/3d``, ``InstanceNorm1d/2d/3d``, ``LayerNorm``, ``GroupNorm``."""
from __future__ import annotations

import warnings
from typing import Any, Sequence

from ... import _dtype
from ..._tensor import Tensor
from .. import functional as F
from .. import init
from .module import Module, factory_tensor, new_parameter

__all__ = ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "GroupNorm", "InstanceNorm1d", "InstanceNorm2d",
           "InstanceNorm3d", "LayerNorm"]


def _affine_parameters(module: Module, affine: bool, bias: bool, shape: tuple, device: Any, dtype: Any) -> None:
    """Register ``weight`` (and ``bias`` when asked) of ``shape``, or None for both without ``affine``."""
    module.register_parameter("weight", new_parameter(*shape, device=device, dtype=dtype) if affine else None)
    module.register_parameter("bias", new_parameter(*shape, device=device, dtype=dtype) if affine and bias else None)


def _reset_affine(module: Module) -> None:
    if module.weight is not None:
        init.ones_(module.weight)
    if module.bias is not None:
        init.zeros_(module.bias)


class _NormBase(Module):
    """What the batch and instance norms share; each subclass says which input ranks it accepts."""

    _version = 2  # state dicts from version 2 on hold num_batches_tracked
    _ranks: tuple = ()

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True, device: Any = None, dtype: Any = None, *,
                 bias: bool = True) -> None:
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        _affine_parameters(self, affine, bias, (num_features,), device, dtype)
        if track_running_stats:
            self.register_buffer("running_mean", factory_tensor("zeros", num_features, device=device, dtype=dtype))
            self.register_buffer("running_var", factory_tensor("ones", num_features, device=device, dtype=dtype))
            self.register_buffer("num_batches_tracked", factory_tensor("zeros", device=device, dtype=_dtype.int64))
        else:
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(name, None)
        self.reset_parameters()

    def reset_running_stats(self) -> None:
        r"""Reset the running mean to 0, the running variance to 1 and the batch count to 0."""
        if self.track_running_stats:
            init.zeros_(self.running_mean)
            init.ones_(self.running_var)
            init.zeros_(self.num_batches_tracked)

    def reset_parameters(self) -> None:
        r"""Reset the running statistics, the weight to 1 and the bias to 0."""
        self.reset_running_stats()
        _reset_affine(self)

    def _check_input_dim(self, input: Tensor) -> None:
        if input.dim() not in self._ranks:
            ranks = " or ".join(f"{r}D" for r in self._ranks)
            raise ValueError(f"expected {ranks} input (got {input.dim()}D input)")

    def _match_state_dict(self, state_dict: dict, prefix: str, local_metadata: dict, *args: Any) -> None:
        # state dicts older than version 2 (or without metadata) may lack num_batches_tracked
        version = local_metadata.get("version", None)
        key = prefix + "num_batches_tracked"
        if (version is None or version < 2) and self.track_running_stats and key not in state_dict:
            state_dict[key] = (self.num_batches_tracked if self.num_batches_tracked is not None
                               else factory_tensor("zeros", dtype=_dtype.int64))
        super()._match_state_dict(state_dict, prefix, local_metadata, *args)

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}")


class _BatchNorm(_NormBase):
    """Batch statistics in training (updating the running ones), running statistics in evaluation."""

    def forward(self, input: Tensor) -> Tensor:
        self._check_input_dim(input)
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats and self.num_batches_tracked is not None:
            self.num_batches_tracked.add_(1)
            if self.momentum is None:  # a cumulative moving average: weight 1/n on the n-th batch
                factor = 1.0 / float(self.num_batches_tracked)
        # batch statistics in training, and in eval mode when there are no running ones
        use_batch_stats = self.training or (self.running_mean is None and self.running_var is None)
        use_buffers = not self.training or self.track_running_stats
        return F.batch_norm(input, self.running_mean if use_buffers else None,
                            self.running_var if use_buffers else None, self.weight, self.bias,
                            use_batch_stats, factor, self.eps)


class BatchNorm1d(_BatchNorm):
    r"""Applies Batch Normalization over a 2D or 3D input ``(N, C)`` or ``(N, C, L)``.

    .. math:: y = \frac{x - \mathrm{E}[x]}{\sqrt{\mathrm{Var}[x] + \epsilon}} * \gamma + \beta

    In training mode the batch statistics normalise the input and update the running
    estimates (``running_mean``, ``running_var``) with ``momentum`` (``None``: a
    cumulative average); in evaluation mode the running estimates are used.

    Args:
        num_features: number of features or channels :math:`C` of the input
        eps: a value added to the denominator for numerical stability. Default: 1e-5
        momentum: the value used for the running_mean and running_var computation. Default: 0.1
        affine: whether the module has learnable affine parameters. Default: ``True``
        track_running_stats: whether the module tracks running statistics. Default: ``True``
        bias: whether the affine transform has a learnable bias. Default: ``True``
    """

    _ranks = (2, 3)


class BatchNorm2d(_BatchNorm):
    r"""Applies Batch Normalization over a 4D input ``(N, C, H, W)``; see :class:`BatchNorm1d`."""

    _ranks = (4,)


class BatchNorm3d(_BatchNorm):
    r"""Applies Batch Normalization over a 5D input ``(N, C, D, H, W)``; see :class:`BatchNorm1d`."""

    _ranks = (5,)


class _InstanceNorm(_NormBase):
    """Per-sample, per-channel statistics; unbatched inputs are accepted."""

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1, affine: bool = False,
                 track_running_stats: bool = False, device: Any = None, dtype: Any = None, *,
                 bias: bool = True) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype, bias=bias)

    def forward(self, input: Tensor) -> Tensor:
        self._check_input_dim(input)
        unbatched = input.dim() == self._ranks[0]
        channels = input.size(0 if unbatched else 1)
        if channels != self.num_features:
            feature_dim = input.dim() - self._ranks[0]
            if self.affine:
                raise ValueError(f"expected input's size at dim={feature_dim} to match num_features "
                                 f"({self.num_features}), but got: {channels}.")
            warnings.warn(f"input's size at dim={feature_dim} does not match num_features. You can silence this "
                          "warning by not passing in num_features, which is not used because affine=False",
                          stacklevel=3)
        batched = input.unsqueeze(0) if unbatched else input
        out = F.instance_norm(batched, self.running_mean, self.running_var, self.weight, self.bias,
                              self.training or not self.track_running_stats,
                              self.momentum if self.momentum is not None else 0.0, self.eps)
        return out.squeeze(0) if unbatched else out


class InstanceNorm1d(_InstanceNorm):
    r"""Applies Instance Normalization over a 2D (unbatched) or 3D (batched) input ``(N, C, L)``.

    Each channel of each sample is normalised by its own mean and (biased) variance.

    Args:
        num_features: number of features or channels :math:`C` of the input
        eps: a value added to the denominator for numerical stability. Default: 1e-5
        momentum: the value used for the running_mean and running_var computation. Default: 0.1
        affine: whether the module has learnable per-channel affine parameters. Default: ``False``
        track_running_stats: whether the module tracks running statistics (used in eval mode). Default: ``False``
    """

    _ranks = (2, 3)


class InstanceNorm2d(_InstanceNorm):
    r"""Applies Instance Normalization over a 3D (unbatched) or 4D input ``(N, C, H, W)``.

    The arguments are :class:`InstanceNorm1d`'s.
    """

    _ranks = (3, 4)


class InstanceNorm3d(_InstanceNorm):
    r"""Applies Instance Normalization over a 4D (unbatched) or 5D input ``(N, C, D, H, W)``.

    The arguments are :class:`InstanceNorm1d`'s.
    """

    _ranks = (4, 5)


class LayerNorm(Module):
    r"""Applies Layer Normalization over the last dims of a mini-batch of inputs.

    .. math:: y = \frac{x - \mathrm{E}[x]}{ \sqrt{\mathrm{Var}[x] + \epsilon}} * \gamma + \beta

    The mean and (biased) variance are computed over the last ``len(normalized_shape)`` dims.

    Args:
        normalized_shape (int or list or torch.Size): the shape of those last dims
        eps: a value added to the denominator for numerical stability. Default: 1e-5
        elementwise_affine: whether to learn a per-element weight (initialised to ones)
            and bias (initialised to zeros). Default: ``True``
        bias: If set to ``False``, the layer will not learn an additive bias. Default: ``True``
    """

    def __init__(self, normalized_shape: int | Sequence[int], eps: float = 1e-5, elementwise_affine: bool = True,
                 bias: bool = True, device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        if isinstance(normalized_shape, int):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        _affine_parameters(self, elementwise_affine, bias, self.normalized_shape, device, dtype)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        r"""Reset the weight to 1 and the bias to 0."""
        _reset_affine(self)

    def forward(self, input: Tensor) -> Tensor:
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
                f"bias={self.bias is not None}")


class GroupNorm(Module):
    r"""Applies Group Normalization over a mini-batch of inputs ``(N, C, *)``.

    The channels are separated into ``num_groups`` groups, each normalised by its own
    mean and variance; the per-channel affine transform follows.

    Args:
        num_groups (int): number of groups to separate the channels into
        num_channels (int): number of channels expected in input
        eps: a value added to the denominator for numerical stability. Default: 1e-5
        affine: whether the module has learnable per-channel affine parameters. Default: ``True``
        bias: whether the affine transform has a learnable bias. Default: ``True``
    """

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5, affine: bool = True,
                 device: Any = None, dtype: Any = None, *, bias: bool = True) -> None:
        super().__init__()
        if num_channels % num_groups != 0:
            raise ValueError(f"num_channels ({num_channels}) must be divisible by num_groups ({num_groups})")
        self.num_groups = num_groups
        self.num_channels = num_channels
        self.eps = eps
        self.affine = affine
        _affine_parameters(self, affine, bias, (num_channels,), device, dtype)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        r"""Reset the weight to 1 and the bias to 0."""
        _reset_affine(self)

    def forward(self, input: Tensor) -> Tensor:
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
                f"bias={self.bias is not None}")
