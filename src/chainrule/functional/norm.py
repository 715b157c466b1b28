"""Normalizations, embeddings, distances and attention at the public edge.

Checks carry PyTorch's messages; running statistics are updated in place, under
no_grad, after the forward. ``instance_norm``, ``normalize``, ``cosine_similarity``,
``pairwise_distance`` and ``scaled_dot_product_attention`` are composites, built as
PyTorch builds them so that their graphs show the same nodes.
"""
from __future__ import annotations

import math

import numpy as np

from .._dispatch import call, wrap
from .._tensor import Tensor, _wrap_dim
from ..autograd.grad_mode import no_grad
from ..primitives import loss as _loss
from ..primitives import norm as N
from .math import matmul
from .shape import expand, transpose

_C_TYPE = {"Half": "c10::Half", "Long": "long int", "Short": "short int", "Char": "signed char",
           "Byte": "unsigned char"}


def _c_type(t: Tensor) -> str:
    """A dtype as PyTorch's C++ messages name it: float, double, c10::Half, long int..."""
    return _C_TYPE.get(t._dtype.c_name, t._dtype.c_name.lower())


def _check_features(name: str, t: Tensor | None, n: int) -> None:
    if t is not None and t.numel() != n:
        raise RuntimeError(f"{name} should contain {n} elements not {t.numel()}")


def _check_same_dtype(input: Tensor, *params: Tensor | None) -> None:
    """PyTorch's CPU norm kernels: the first parameter's dtype decides whether the call is a
    'mixed dtype' one (then every parameter must be float32, the input half precision)."""
    params = [p for p in params if p is not None]
    if all(p._dtype is input._dtype for p in params):
        return
    if params[0]._dtype is not input._dtype:
        if any(p._dtype.name != "float32" for p in params):
            raise RuntimeError("mixed dtype (CPU): expect parameter to have scalar type of Float")
        raise RuntimeError("mixed dtype (CPU): all inputs must share same datatype.")
    other = next(p for p in params if p._dtype is not input._dtype)
    raise RuntimeError(f"expected scalar type {input._dtype.c_name} but found "
                       f"{other._dtype.c_name}")


# -- batch norm ------------------------------------------------------------------------------------


def _update_running(input: Tensor, running_mean, running_var, momentum: float) -> None:
    """running = (1 - momentum) * running + momentum * batch statistic (unbiased variance)."""
    with no_grad():
        stats = call(N.batch_stats, (input,))._data.astype(np.float64)
        for t, stat in ((running_mean, stats[0]), (running_var, stats[1])):
            if t is not None:  # written in the kernel: PyTorch bumps no version counter
                new = momentum * stat + (1 - momentum) * t._data.astype(np.float64)
                np.copyto(t._data, new, casting="unsafe")


def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,
               weight: Tensor | None = None, bias: Tensor | None = None, training: bool = False,
               momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalizes each channel over the batch (and space) dims, then scales and shifts it."""
    if training:
        size = input.shape
        if size[0] * math.prod(size[2:]) == 1:
            raise ValueError("Expected more than 1 value per channel when training, got input "
                             f"size {size!r}")
    c = input.shape[1]
    for name, t in (("running_mean", running_mean), ("running_var", running_var)):
        if t is None and not training:
            raise RuntimeError(f"{name} must be defined in evaluation mode")
        _check_features(name, t, c)
    _check_features("weight", weight, c)
    _check_features("bias", bias, c)
    _check_same_dtype(input, weight, bias, running_mean, running_var)
    use_batch = training or running_mean is None
    attrs = {"running_mean": None if use_batch else running_mean._data.reshape(-1),
             "running_var": None if use_batch else running_var._data.reshape(-1),
             "training": use_batch, "eps": eps}
    out = call(N.native_batch_norm, (input, weight, bias), attrs)
    if training and input.numel():
        _update_running(input, running_mean, running_var, momentum)
    return out


def instance_norm(input: Tensor, running_mean: Tensor | None = None,
                  running_var: Tensor | None = None, weight: Tensor | None = None,
                  bias: Tensor | None = None, use_input_stats: bool = True, momentum: float = 0.1,
                  eps: float = 1e-5) -> Tensor:
    """Normalizes each channel of each sample: batch norm of the (1, N * C, ...) view."""
    size = input.shape
    if use_input_stats and math.prod(size[2:]) == 1:
        raise ValueError("Expected more than 1 spatial element when training, got input size "
                         f"{size!r}")
    b, c = size[0], size[1]
    rep = [None if t is None else t.repeat(b) for t in (weight, bias, running_mean, running_var)]
    x = input.contiguous().view((1, b * c) + tuple(size[2:]))
    out = batch_norm(x, rep[2], rep[3], rep[0], rep[1], use_input_stats, momentum, eps)
    with no_grad():
        for t, r in ((running_mean, rep[2]), (running_var, rep[3])):
            if t is not None:
                t.copy_(r.view(b, c).mean(0))
    return out.view(size)


# -- layer norm, group norm -------------------------------------------------------------------------------


def layer_norm(input: Tensor, normalized_shape, weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Normalizes over the last ``len(normalized_shape)`` dims, then scales and shifts."""
    if isinstance(normalized_shape, int):
        raise TypeError("layer_norm(): argument 'normalized_shape' (position 2) must be tuple of "
                        "ints, not int")
    shape = list(normalized_shape)
    if not shape:
        raise RuntimeError("Expected normalized_shape to be at least 1-dimensional, i.e., "
                           "containing at least one element, but got normalized_shape = []")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and list(t.shape) != shape:
            raise RuntimeError(f"Expected {name} to be of same shape as normalized_shape, but got "
                               f"{name} of shape {list(t.shape)} and normalized_shape = {shape}")
    n = len(shape)
    if input.dim() < n or list(input.shape[input.dim() - n:]) != shape:
        raise RuntimeError(f"Given normalized_shape={shape}, expected input with shape "
                           f"[*, {', '.join(map(str, shape))}], but got input of size"
                           f"{list(input.shape)}")
    _check_same_dtype(input, weight, bias)
    return call(N.native_layer_norm, (input, weight, bias), {"n_dims": n, "eps": eps})


def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Normalizes each group of channels of each sample, then scales and shifts per channel."""
    if input.dim() < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received "
                           f"{input.dim()}")
    size = input.shape
    if size[0] * size[1] // num_groups * math.prod(size[2:]) == 1:
        raise ValueError("Expected more than 1 value per channel when training, got input size "
                         f"{[size[0] * size[1] // num_groups, num_groups] + list(size[2:])}")
    c = size[1]
    if c % num_groups:
        raise RuntimeError("Expected number of channels in input to be divisible by num_groups, "
                           f"but got input of shape {list(size)} and num_groups={num_groups}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and (t.dim() != 1 or t.numel() != c):
            raise RuntimeError(f"Expected {name} to be a vector of size equal to the number of "
                               f"channels in input, but got {name} of shape {list(t.shape)} and "
                               f"input of shape {list(size)}")
    _check_same_dtype(input, weight, bias)
    return call(N.native_group_norm, (input.contiguous(), weight, bias),
                {"groups": num_groups, "eps": eps})


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12,
              out: Tensor | None = None) -> Tensor:
    """``input / max(||input||_p, eps)`` along ``dim``."""
    if out is not None:
        raise NotImplementedError("chainrule: normalize(out=...) is not implemented")
    norm = input.norm(p, dim, keepdim=True)
    denom = call(_loss.clamp_min, (norm,), {"min": eps})
    return input / expand(denom, tuple(input.shape))


# -- embedding, one_hot ---------------------------------------------------------------------------------


def _renorm_rows(weight: Tensor, indices: np.ndarray, max_norm: float, norm_type: float) -> None:
    """Rescale, in place and without grad, the looked-up rows whose norm exceeds max_norm."""
    rows = np.unique(indices)
    data = weight._data[rows].astype(np.float64)
    norms = np.linalg.norm(data, ord=norm_type, axis=1, keepdims=True)
    scale = np.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0)
    new = weight._data.copy()
    new[rows] = (data * scale).astype(new.dtype)
    with no_grad():
        weight.copy_(wrap(new))


def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None,
              max_norm: float | None = None, norm_type: float = 2.0,
              scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """Looks up rows of ``weight`` (num_embeddings, dim) at the integer ``input``."""
    n = weight.shape[0] if weight.dim() else 0
    if padding_idx is not None:
        if not -n <= padding_idx < n:
            raise AssertionError("Padding_idx must be within num_embeddings")
        padding_idx %= n
    if weight.dim() != 2:
        raise RuntimeError("'weight' must be 2-D")
    if input._dtype.name not in ("int64", "int32"):
        raise RuntimeError("Expected tensor for argument #1 'indices' to have one of the following "
                           f"scalar types: Long, Int; but got torch.{input._dtype.c_name}Tensor "
                           "instead (while checking arguments for embedding)")
    if sparse:
        raise NotImplementedError("chainrule: embedding(sparse=True) is not implemented")
    indices = input._data
    if indices.size and (indices.min() < -n or indices.max() >= n or indices.min() < 0):
        raise IndexError("index out of range in self")
    if max_norm is not None:
        _renorm_rows(weight, indices, max_norm, norm_type)
    scale = None
    if padding_idx is not None or scale_grad_by_freq:  # the weight each lookup's gradient gets
        scale = np.ones(indices.shape + (1,))
        if scale_grad_by_freq:
            counts = np.bincount(indices.reshape(-1), minlength=n)
            scale = scale / counts[indices][..., None]
        if padding_idx is not None:
            scale = scale * (indices != padding_idx)[..., None]
        scale = scale.astype(weight._dtype.np)
    return call(N.embedding, (weight,), {"indices": indices.astype(np.int64), "scale": scale})


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """One-hot int64 encoding of an int64 tensor of class indices (a new last dim)."""
    if tensor._dtype.name != "int64":
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    data = tensor._data
    if num_classes == -1:
        if data.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(data.max()) + 1
    if data.size and data.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if data.size and data.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    return call(N.one_hot, (tensor,), {"num_classes": num_classes})


# -- distances ----------------------------------------------------------------------------------------------


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """``<x1, x2> / (max(||x1||, eps) * max(||x2||, eps))`` along ``dim``."""
    if x1.shape != x2.shape:
        try:
            shape = tuple(np.broadcast_shapes(tuple(x1.shape), tuple(x2.shape)))
        except ValueError:
            raise _size_mismatch(x1, x2) from None
        x1, x2 = expand(x1, shape), expand(x2, shape)
    # each input is divided by its own norm first (PyTorch: keeps the result in [-1, 1]);
    # the norms are clamped in place, out of the graph
    norms = [x.norm(2, dim, keepdim=True).clone() for x in (x1, x2)]
    with no_grad():
        for n in norms:
            n.clamp_(min=eps)
    return ((x1 / norms[0]) * (x2 / norms[1])).sum(dim)


def _size_mismatch(a: Tensor, b: Tensor) -> RuntimeError:
    sa, sb = list(a.shape), list(b.shape)
    n = max(len(sa), len(sb))
    sa, sb = [1] * (n - len(sa)) + sa, [1] * (n - len(sb)) + sb
    i = next(i for i in range(n - 1, -1, -1) if sa[i] != sb[i] and 1 not in (sa[i], sb[i]))
    return RuntimeError(f"The size of tensor a ({sa[i]}) must match the size of tensor b "
                        f"({sb[i]}) at non-singleton dimension {i}")


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6,
                      keepdim: bool = False) -> Tensor:
    """``||x1 - x2 + eps||_p`` over the last dim."""
    dim = max(x1.dim(), x2.dim()) - 1
    diff = call(_loss.scalar_add, (x1 - x2,), {"other": eps})
    axis = (_wrap_dim(dim, diff.dim()),) if diff.dim() else None
    return call(N.pnorm, (diff,), {"ord": p, "axis": axis, "keepdims": keepdim})


# -- attention ----------------------------------------------------------------------------------------------


def _check_attention(query: Tensor, key: Tensor, value: Tensor, attn_mask) -> None:
    if not query._dtype is key._dtype is value._dtype:
        raise RuntimeError("Expected query, key, and value to have the same dtype, but got "
                           f"query.dtype: {_c_type(query)} key.dtype: {_c_type(key)} and "
                           f"value.dtype: {_c_type(value)} instead.")
    if min(query.dim(), key.dim(), value.dim()) < 2:
        raise RuntimeError("Expected query, key, and value to all be  at least 2 dimensional, but "
                           f"got query.dim: {query.dim()} key.dim: {key.dim()} and value.dim: "
                           f"{value.dim()} instead.")
    if attn_mask is not None and attn_mask._dtype.name not in ("bool", "float32", query._dtype.name):
        raise RuntimeError("Expected attn_mask dtype to be bool or float or to match query dtype, "
                           f"but got attn_mask.dtype: {_c_type(attn_mask)} and  query.dtype: "
                           f"{_c_type(query)} instead.")


def _additive_mask(mask: np.ndarray, dtype) -> Tensor:
    """A bool mask as the additive one PyTorch makes: 0 where True, -inf where False."""
    return wrap(np.where(mask, 0, -np.inf).astype(dtype))


def scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor, attn_mask=None,
                                 dropout_p: float = 0.0, is_causal: bool = False, scale=None,
                                 enable_gqa: bool = False) -> Tensor:
    """``softmax(q k^T * scale + mask) v``, composed as PyTorch's math kernel composes it."""
    _check_attention(query, key, value, attn_mask)
    if dropout_p > 0:
        raise NotImplementedError("chainrule: scaled_dot_product_attention(dropout_p > 0) is not "
                                  "implemented")
    if enable_gqa and query.dim() > 2 and query.shape[-3] != key.shape[-3]:
        raise NotImplementedError("chainrule: grouped-query attention is not implemented")
    if attn_mask is not None and attn_mask._dtype.name == "bool":
        attn_mask = _additive_mask(attn_mask._data, query._dtype.np)
    negative = scale is not None and scale < 0
    factor = math.sqrt(abs(scale) if negative else scale if scale is not None
                       else 1 / math.sqrt(query.shape[-1]))
    q = call(_loss.scalar_mul, (query,), {"other": 0.0 - factor if negative else factor})
    if is_causal:
        if attn_mask is not None:
            raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be set "
                               "when is_causal=True")
        causal = np.tril(np.ones((query.shape[-2], key.shape[-2]), dtype=bool))
        attn_mask = _additive_mask(causal, query._dtype.np)
    k = call(_loss.scalar_mul, (transpose(key, -2, -1),), {"other": factor})
    attn = matmul(q, k)
    if attn_mask is not None:  # PyTorch adds in place; out of place records the same node
        attn = attn + attn_mask
    attn = call(N.safe_softmax, (attn,), {"axis": -1})
    return matmul(attn, value)


# torch.batch_norm, torch.instance_norm and torch.embedding take other arguments (or another
# order) than their nn.functional namesakes: only the latter are provided
__all__ = ["cosine_similarity", "group_norm", "layer_norm", "pairwise_distance"]

NN_ALL = ["batch_norm", "instance_norm", "layer_norm", "group_norm", "normalize", "embedding",
          "one_hot", "cosine_similarity", "pairwise_distance", "scaled_dot_product_attention"]

#: Tensor methods this module provides (name -> function taking the tensor first)
METHODS: dict = {}
