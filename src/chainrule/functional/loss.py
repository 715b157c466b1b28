"""Loss functions at the public edge: argument checks, PyTorch's errors, composites.

Where PyTorch runs a loss as one node (``MseLossBackward0``, ``NllLossBackward0``,
``BinaryCrossEntropyWithLogitsBackward0`` ...) it is a primitive of ``primitives/loss.py``;
where PyTorch composes one (l1, kl_div, cross_entropy, the margin and the Poisson and
Gaussian losses) it is composed here, of the same ops in the same order, so that the
graph is PyTorch's node for node.
"""
from __future__ import annotations

import builtins
import math
import warnings

import numpy as np

from .. import _dtype, _errors
from .._dispatch import call, wrap
from .._tensor import Tensor
from ..autograd.grad_mode import no_grad
from ..autograd.grad_mode import state as _grad_state
from ..primitives import activation as A
from ..primitives import elementwise as E
from ..primitives import gather as G
from ..primitives import loss as L
from ..primitives import pointwise as P
from ..primitives import reduction as R
from .activation import _softmax
from .math import clone, contiguous, exp, log, mean, sqrt, sum
from .norm import pairwise_distance
from .shape import expand, unsqueeze, view

# -- reduction arguments ----------------------------------------------------------------------

_REDUCTIONS = ("none", "mean", "sum")


def _legacy(reduction: str, size_average, reduce) -> str:
    """The reduction that the deprecated ``size_average``/``reduce`` flags ask for, if given."""
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    reduction = "mean" if size_average and reduce else "sum" if reduce else "none"
    warnings.warn("size_average and reduce args will be deprecated, please use "
                  f"reduction='{reduction}' instead.", stacklevel=3)
    return reduction


def _reduction(reduction: str, size_average=None, reduce=None) -> str:
    """``reduction`` (after the legacy flags), or PyTorch's ValueError for an unknown one."""
    reduction = _legacy(reduction, size_average, reduce)
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    """PyTorch's ``apply_loss_reduction``: mean (MeanBackward0), sum (SumBackward0) or none."""
    if reduction == "mean":
        return mean(loss)
    return sum(loss) if reduction == "sum" else loss


def _weighted_reduce(loss: Tensor, weight: Tensor, reduction: str) -> Tensor:
    """The ``weight=`` paths of mse_loss and l1_loss (written in Python in PyTorch)."""
    if reduction == "none":
        return loss
    if reduction == "sum":
        return sum(loss)
    if reduction == "mean":
        return sum(loss) / sum(weight)
    raise ValueError(f"Invalid reduction mode: {reduction}. Expected one of 'none', 'mean', "
                     "'sum'.")


def _constant(fn: str, name: str, t: Tensor | None) -> None:
    """PyTorch's refusal of a class weight (or pos_weight) that requires grad."""
    if t is not None and t._requires_grad and _grad_state.grad_enabled:
        raise RuntimeError(f"The function '{fn}' is not differentiable with respect to argument "
                           f"'{name}'. This input cannot have requires_grad True.")


def _scalar(prim, x: Tensor, other) -> Tensor:
    """``x op number`` as PyTorch's C++ writes it: the op's Scalar overload (``*Backward1``)."""
    return call(prim, (x,), {"other": other})

# -- regression -----------------------------------------------------------------------------------


def _size_warning(input: Tensor, target: Tensor) -> None:
    if target.shape != input.shape:
        warnings.warn(f"Using a target size ({target.shape}) that is different to the input size "
                      f"({input.shape}). This will likely lead to incorrect results due to "
                      "broadcasting. Please ensure they have the same size.", stacklevel=3)


def _broadcast(input: Tensor, target: Tensor) -> tuple[Tensor, Tensor]:
    """``torch.broadcast_tensors``: a tensor already of the common shape is returned as is."""
    a, b = input._data.shape, target._data.shape
    try:
        shape = np.broadcast_shapes(a, b)
    except ValueError:
        raise _errors.broadcast_mismatch(a, b) from None
    return tuple(t if t._data.shape == shape else expand(t, shape) for t in (input, target))


def _check_weight_size(input: Tensor, weight: Tensor) -> None:
    if weight.shape != input.shape:
        raise ValueError("Weights and input must have the same size.")


def _elementwise_pair(input: Tensor, target: Tensor, reduction: str, size_average, reduce) -> tuple:
    """What an elementwise loss does first: warn on mismatched sizes, resolve the legacy
    ``size_average``/``reduce`` arguments, broadcast ``input`` against ``target``."""
    _size_warning(input, target)
    reduction = _legacy(reduction, size_average, reduce)
    return (reduction, *_broadcast(input, target))


def mse_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
             reduction: str = "mean", weight: Tensor | None = None) -> Tensor:
    """Mean squared error: ``(input - target) ** 2``, reduced."""
    reduction, x, y = _elementwise_pair(input, target, reduction, size_average, reduce)
    if weight is not None:
        _check_weight_size(input, weight)
        return _weighted_reduce((x - y) ** 2 * weight, weight, reduction)
    return call(L.mse_loss, (x, y), {"reduction": _reduction(reduction)})


def l1_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
            reduction: str = "mean", weight: Tensor | None = None) -> Tensor:
    """Mean absolute error ``|input - target|``, reduced (composed, as PyTorch's)."""
    reduction, x, y = _elementwise_pair(input, target, reduction, size_average, reduce)
    if weight is not None:
        _check_weight_size(input, weight)
        return _weighted_reduce(call(P.abs, (x - y,)) * weight, weight, reduction)
    return _reduce(call(P.abs, (x - y,)), _reduction(reduction))


def smooth_l1_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
                   reduction: str = "mean", beta: float = 1.0) -> Tensor:
    """Squared error below ``beta`` (scaled by ``1 / beta``), absolute error above it."""
    reduction, x, y = _elementwise_pair(input, target, reduction, size_average, reduce)
    if beta == 0.0:
        return _reduce(call(P.abs, (x - y,)), _reduction(reduction))
    reduction = _reduction(reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    return call(L.smooth_l1_loss, (x, y), {"reduction": reduction, "beta": beta})


def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0,
               weight: Tensor | None = None) -> Tensor:
    """Squared error below ``delta``, ``delta`` times the absolute error above it."""
    _size_warning(input, target)
    x, y = _broadcast(input, target)
    if weight is None:
        reduction = _reduction(reduction)
    else:
        _check_weight_size(input, weight)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    attrs = {"reduction": reduction if weight is None else "none", "delta": delta}
    loss = call(L.huber_loss, (x, y), attrs)
    if weight is None:
        return loss
    if reduction == "mean":  # PyTorch's weighted Huber averages over elements, not weights
        return mean(loss * weight)
    return _weighted_reduce(loss * weight, weight, reduction)

# -- negative log likelihood and cross entropy ---------------------------------------------------


def _target_ok(input: Tensor, target: Tensor) -> None:
    """The dtype checks of PyTorch's nll_loss kernels."""
    if target._dtype not in (_dtype.int64, _dtype.uint8):
        raise RuntimeError("expected target dtype to be Long or Byte, but got "
                           f"{target._dtype.c_name}")
    if input._dtype.category != _dtype._FLOAT:
        raise NotImplementedError(f"\"nll_loss_out_frame\" not implemented for "
                                  f"'{input._dtype.c_name}'")


def _nll_shapes(input: Tensor, target: Tensor, weight: Tensor | None) -> None:
    """The shape checks of ``nll_loss`` (input (C,) or (N, C)) and ``nll_loss2d`` ((N, C, H, W))."""
    x, t = input._data.shape, target._data.shape
    if len(x) == 4:
        if len(t) != 3:
            raise RuntimeError("only batches of spatial targets supported (3D tensors) but got "
                               f"targets of dimension: {len(t)}")
        if t != x[:1] + x[2:]:
            raise RuntimeError(f"size mismatch (got input: {list(x)} , target: {list(t)}")
    elif len(t) > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    elif len(x) == 1 and len(t) == 1 and t[0] != 1:
        raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: {t[0]}")
    elif len(x) == 2 and x[0] != t[0]:
        raise RuntimeError(f"size mismatch (got input: {list(x)}, target: {list(t)})")
    n_classes = x[1] if len(x) > 1 else x[0]
    if weight is not None and (weight._data.ndim != 1 or weight._data.size != n_classes):
        raise RuntimeError(f"weight tensor should be defined either for all {n_classes} classes "
                           f"or no classes but got weight tensor of shape: "
                           f"{list(weight._data.shape)}")
    if weight is not None and weight._dtype is not input._dtype:
        raise RuntimeError(f"expected scalar type {input._dtype.c_name} but found "
                           f"{weight._dtype.c_name}")


def _nll_key(shape: tuple, classes: np.ndarray) -> tuple:
    """The index of each sample's target class in an input of ``shape`` (class dim 1)."""
    if len(shape) == 1:
        return (classes.reshape(()),)
    if len(shape) == 2:
        return (np.arange(shape[0]), classes)
    grids = np.ogrid[tuple(slice(n) for n in shape[:1] + shape[2:])]
    return (grids[0], classes, *grids[1:])


def _nll(prim, input: Tensor, target: Tensor, weight, reduction: str, ignore_index: int):
    """One ``nll_loss``/``nll_loss2d`` node, after PyTorch's checks."""
    _constant(prim.name + "_forward", "weight", weight)
    _nll_shapes(input, target, weight)
    _target_ok(input, target)
    t = target._data if target._data.dtype == np.int64 else target._data.astype(np.int64)
    if input._data.ndim == 1:  # a (1,) target is taken as its one class
        t = t.reshape(())
    n_classes = input._data.shape[1 if input._data.ndim > 1 else 0]
    mask = t != ignore_index
    if mask.all():  # the usual case: no arrays of ones for the primitive to carry
        mask = None
        if t.size and (t.min() < 0 or t.max() >= n_classes):
            raise IndexError(f"Target {t[(t < 0) | (t >= n_classes)].flat[0]} is out of bounds.")
        classes = t
    else:
        bad = mask & ((t < 0) | (t >= n_classes))
        if bad.any():
            raise IndexError(f"Target {t[bad].flat[0]} is out of bounds.")
        classes = np.where(mask, t, 0)
    if weight is not None:
        w = weight._data[classes]
    else:
        w = None if mask is None else np.ones(t.shape, input._dtype.np)
    attrs = {"key": _nll_key(input._data.shape, classes), "weight": w, "mask": mask,
             "reduction": reduction}
    return call(prim, (input,), attrs)


def _nll_loss_nd(input: Tensor, target: Tensor, weight, reduction: str,
                 ignore_index: int) -> Tensor:
    """PyTorch's ``nll_loss_nd``: (C,) and (N, C) inputs, (N, C, H, W), and (N, C, d1, ...)
    viewed as (N, C, 1, d1 * ...)."""
    x, t = input._data.shape, target._data.shape
    if len(x) < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {len(x)})")
    if len(x) != 1 and x[0] != (t[0] if t else 0):
        raise ValueError(f"Expected input batch_size ({x[0]}) to match target batch_size "
                         f"({t[0] if t else 0}).")
    if len(x) <= 2:
        return _nll(L.nll_loss, input, target, weight, reduction, ignore_index)
    if len(x) == 4:
        return _nll(L.nll_loss2d, input, target, weight, reduction, ignore_index)
    n, c, out_size = x[0], x[1], x[:1] + x[2:]
    if t[1:] != x[2:]:
        raise RuntimeError(f"Expected target size {list(out_size)}, got {list(t)}")
    flat = contiguous(input)
    flat = view(flat, (n, c, 1, -1) if input._data.size else (n, c, 0, 0))
    target = wrap(target._data.reshape((n, 1, -1) if target._data.size else (n, 0, 0)))
    out = _nll(L.nll_loss2d, flat, target, weight, reduction, ignore_index)
    return view(out, out_size) if reduction == "none" else out


def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None,
             ignore_index: int = -100, reduce=None, reduction: str = "mean") -> Tensor:
    """Negative log likelihood of the target classes under log-probabilities ``input``.

    ``input`` is (C,), (N, C) or (N, C, d1, ...); ``target`` holds class indices of shape
    (), (N,) or (N, d1, ...). Targets equal to ``ignore_index`` count for nothing.
    """
    reduction = _reduction(reduction, size_average, reduce)
    return _nll_loss_nd(input, target, weight, reduction, ignore_index)


def _log_softmax(input: Tensor, dim: int) -> Tensor:
    return _softmax(A.log_softmax, "log_softmax", input, dim, None)


def _class_view(weight: Tensor, ndim: int, class_dim: int) -> Tensor:
    """The class weights shaped to broadcast along ``class_dim`` of an ``ndim``-d input."""
    shape = [1] * ndim
    shape[class_dim] = weight._data.shape[0]
    return view(weight, tuple(shape))


def _fmt(x: float) -> str:
    """A double as C++'s ``operator<<`` writes it (``2``, ``1.5``, ``1e-07``)."""
    return f"{x:g}"


def _cross_entropy_probs(input: Tensor, target: Tensor, weight, reduction: str,
                         label_smoothing: float) -> Tensor:
    """Cross entropy against class probabilities (``target`` shaped as ``input``)."""
    ndim = input._data.ndim
    class_dim = 0 if ndim == 1 else 1
    n_classes = input._data.shape[class_dim]
    if weight is not None and (weight._data.ndim != 1 or weight._data.size != n_classes):
        raise RuntimeError(f"cross_entropy: weight tensor should be defined either for all "
                           f"{n_classes} classes or no classes but got weight tensor of shape: "
                           f"{list(weight._data.shape)}")
    logp = _log_softmax(input, class_dim)
    if label_smoothing > 0.0:
        _check_smoothing(label_smoothing)
        target = _scalar(L.scalar_add, _scalar(L.scalar_mul, target, 1 - label_smoothing),
                         label_smoothing / n_classes)
    terms = logp * target
    if weight is not None:
        terms = terms * (_class_view(weight, ndim, 1) if ndim > 1 else weight)
    if reduction == "none":
        return -call(R.sum_dim, (terms,), {"axis": (class_dim,), "keepdims": False})
    total = -sum(terms)
    if reduction == "sum":
        return total
    if input._data.size == 0:
        return total.fill_(math.nan)
    return _scalar(L.scalar_div, total, input._data.size // n_classes)


def _check_smoothing(label_smoothing: float) -> None:
    if label_smoothing > 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: "
                           f"{_fmt(label_smoothing)}")


def _cross_entropy_smoothed(input: Tensor, target: Tensor, weight, reduction: str,
                            ignore_index: int, label_smoothing: float) -> Tensor:
    """Class-index cross entropy mixed with the uniform distribution's (label smoothing)."""
    ndim = input._data.ndim
    class_dim = 0 if ndim == 1 else 1
    logp = _log_softmax(input, class_dim)
    nll = _nll_loss_nd(logp, target, weight, reduction, ignore_index)
    n_classes = logp._data.shape[class_dim]
    terms = logp if weight is None else logp * _class_view(weight, ndim, class_dim)
    smooth = -call(R.sum_dim, (terms,), {"axis": (class_dim,), "keepdims": False})
    ignored = target._data == ignore_index
    smooth = call(G.masked_fill, (smooth,), {"shape": smooth._data.shape, "key": ignored,
                                              "value": 0.0})
    if reduction == "mean":
        kept = target._data[~ignored]
        # normalised as nll_loss normalises: by the kept samples' total class weight
        denom = kept.size if weight is None else weight._data[kept].sum()
        smooth = sum(smooth) / wrap(np.asarray(denom))
    elif reduction == "sum":
        smooth = sum(smooth)
    return (_scalar(L.scalar_mul, nll, 1 - label_smoothing)
            + _scalar(L.scalar_mul, smooth, label_smoothing / n_classes))


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                  size_average=None, ignore_index: int = -100, reduce=None,
                  reduction: str = "mean", label_smoothing: float = 0.0) -> Tensor:
    """Cross entropy of the logits ``input`` against class indices or class probabilities.

    ``log_softmax`` over the class dim (dim 1, or 0 for a (C,) input), then ``nll_loss``;
    a ``target`` shaped as ``input`` holds probabilities instead. ``label_smoothing`` mixes
    the target with the uniform distribution.
    """
    reduction = _reduction(reduction, size_average, reduce)
    if input._data.shape == target._data.shape:
        if target._dtype.category != _dtype._FLOAT:
            raise RuntimeError("Expected floating point type for target with class "
                               f"probabilities, got {target._dtype.c_name}")
        if ignore_index >= 0:
            raise RuntimeError("ignore_index is not supported for floating point target")
        return _cross_entropy_probs(input, target, weight, reduction, label_smoothing)
    if label_smoothing > 0.0:
        _check_smoothing(label_smoothing)
        return _cross_entropy_smoothed(input, target, weight, reduction, ignore_index,
                                       label_smoothing)
    logp = _log_softmax(input, 0 if input._data.ndim == 1 else 1)
    return _nll_loss_nd(logp, target, weight, reduction, ignore_index)

# -- binary cross entropy ------------------------------------------------------------------------


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                         size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    """Binary cross entropy between probabilities ``input`` and ``target``.

    Each log is clamped at -100, as PyTorch's: a certain wrong answer costs 100.
    """
    reduction = _reduction(reduction, size_average, reduce)
    if target.shape != input.shape:
        raise ValueError(f"Using a target size ({target.shape}) that is different to the input "
                         f"size ({input.shape}) is deprecated. Please ensure they have the same "
                         "size.")
    if weight is not None:
        weight = expand(weight, np.broadcast_shapes(target._data.shape, weight._data.shape))
    _constant("binary_cross_entropy", "weight", weight)
    if target._dtype is not input._dtype:
        raise RuntimeError(f"Found dtype {target._dtype.c_name} but expected "
                           f"{input._dtype.c_name}")
    for name, t in (("target", target), ("input", input)):
        if ((t._data < 0) | (t._data > 1)).any():
            raise RuntimeError(f"all elements of {name} should be between 0 and 1")
    w = None if weight is None else weight._data.astype(input._dtype.np)
    return call(L.binary_cross_entropy, (input, target), {"weight": w, "reduction": reduction})


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor, weight: Tensor | None = None,
                                     size_average=None, reduce=None, reduction: str = "mean",
                                     pos_weight: Tensor | None = None) -> Tensor:
    """Binary cross entropy of ``sigmoid(input)`` against ``target``, computed from the
    logits without overflow; ``pos_weight`` weighs the positive term per class."""
    reduction = _reduction(reduction, size_average, reduce)
    if target.shape != input.shape:
        raise ValueError(f"Target size ({target.shape}) must be the same as input size "
                         f"({input.shape})")
    _constant("binary_cross_entropy_with_logits", "weight", weight)
    _constant("binary_cross_entropy_with_logits", "pos_weight", pos_weight)
    res = _dtype.result_type((input, target))
    if target._dtype.category != _dtype._FLOAT:
        raise RuntimeError(f"result type {res.c_name} can't be cast to the desired output type "
                           f"{target._dtype.c_name}")
    shapes = [input._data.shape] + [w._data.shape for w in (weight, pos_weight) if w is not None]
    for shape in shapes[1:]:
        _errors.check_broadcast(input._data.shape, shape)
    attrs = {"weight": None if weight is None else weight._data.astype(res.np),
             "pos_weight": None if pos_weight is None else pos_weight._data.astype(res.np),
             "reduction": reduction}
    return call(L.binary_cross_entropy_with_logits, (input, target), attrs)

# -- divergence ----------------------------------------------------------------------------------


def kl_div(input: Tensor, target: Tensor, size_average=None, reduce=None,
           reduction: str = "mean", log_target: bool = False) -> Tensor:
    """Kullback-Leibler divergence of ``target`` from the log-probabilities ``input``.

    ``reduction='batchmean'`` divides the sum by the batch size (the KL divergence);
    ``'mean'`` divides by the number of elements, as PyTorch does (and warns).
    """
    if size_average is not None or reduce is not None:
        enum = _legacy(reduction, size_average, reduce)
    else:
        if reduction == "mean":
            warnings.warn("reduction: 'mean' divides the total loss by both the batch size and "
                          "the support size.'batchmean' divides only by the batch size, and "
                          "aligns with the KL div math definition.'mean' will be changed to "
                          "behave the same as 'batchmean' in the next major release.",
                          stacklevel=2)
        enum = "sum" if reduction == "batchmean" else _reduction(reduction)
    if input._dtype.category != _dtype._FLOAT or target._dtype.category != _dtype._FLOAT:
        raise RuntimeError("kl_div: Integral inputs not supported.")
    if log_target:
        out = exp(target) * (target - input)
    else:
        out = call(E.xlogy, (target, target)) - target * input
    out = _reduce(out, enum)
    if reduction == "batchmean" and input._data.ndim != 0:
        out = out / input._data.shape[0]
    return out

# -- margin losses --------------------------------------------------------------------------------

_COSINE_EPSILON = 1e-12


def _cosine_checks(input1: Tensor, input2: Tensor, target: Tensor) -> None:
    a, b = list(input1._data.shape), list(input2._data.shape)
    if target._data.ndim > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if target._data.ndim == 1 and (len(a) != 2 or len(b) != 2):
        raise RuntimeError(f"1D target tensor expects 2D input tensors, but found inputs with "
                           f"sizes {a} and {b}.")
    if target._data.ndim == 0 and (len(a) != 1 or len(b) != 1):
        raise RuntimeError(f"0D target tensor expects 1D input tensors, but found inputs with "
                           f"sizes {a} and {b}.")


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0,
                          size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    """``1 - cos(input1, input2)`` where ``target`` is 1, ``max(0, cos - margin)`` where -1."""
    reduction = _reduction(reduction, size_average, reduce)
    _cosine_checks(input1, input2, target)
    dim = (target._data.ndim,)
    prod = call(R.sum_dim, (input1 * input2,), {"axis": dim, "keepdims": False})
    mag1 = call(R.sum_dim, (input1 * input1,), {"axis": dim, "keepdims": False})
    mag2 = call(R.sum_dim, (input2 * input2,), {"axis": dim, "keepdims": False})
    denom = sqrt(_scalar(L.scalar_add, mag1, _COSINE_EPSILON)
                 * _scalar(L.scalar_add, mag2, _COSINE_EPSILON))
    cos = prod / denom
    zeros = wrap(np.zeros_like(cos._data))
    pos = call(P.sub, (1, cos), {"alpha": 1})  # C++'s 1 - cos: a filled tensor minus cos
    neg = call(L.clamp_min, (_scalar(L.scalar_sub, cos, margin),), {"min": 0})
    out = (call(E.where_xy, (pos, zeros), {"condition": target._data == 1})
           + call(E.where_xy, (neg, zeros), {"condition": target._data == -1}))
    return _reduce(out, reduction)


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0,
                        size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    """``max(0, -target * (input1 - input2) + margin)``: ranks input1 above input2 where
    ``target`` is 1, below where -1."""
    reduction = _reduction(reduction, size_average, reduce)
    if not input1._data.ndim == input2._data.ndim == target._data.ndim:
        raise RuntimeError(f"margin_ranking_loss : All input tensors should have same dimension "
                           f"but got sizes: input1: {input1.shape}, input2: {input2.shape}, "
                           f"target: {target.shape} ")
    out = _scalar(L.scalar_add, -target * (input1 - input2), margin)
    return _reduce(call(L.clamp_min, (out,), {"min": 0}), reduction)


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor, margin: float = 1.0,
                        p: float = 2, eps: float = 1e-6, swap: bool = False, size_average=None,
                        reduce=None, reduction: str = "mean") -> Tensor:
    """``max(0, d(anchor, positive) - d(anchor, negative) + margin)`` with the p-norm
    distance ``d``; ``swap`` uses the smaller of d(a, n) and d(p, n)."""
    reduction = _reduction(reduction, size_average, reduce)
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    dims = (anchor._data.ndim, positive._data.ndim, negative._data.ndim)
    if len(set(dims)) != 1:
        raise RuntimeError("The anchor, positive, and negative tensors are expected to have the "
                           f"same number of dimensions, but got: anchor {dims[0]}D, positive "
                           f"{dims[1]}D, and negative {dims[2]}D inputs")
    d_pos = pairwise_distance(anchor, positive, p, eps)
    d_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_neg = call(E.minimum, (d_neg, pairwise_distance(positive, negative, p, eps)))
    out = _scalar(L.scalar_add, d_pos, margin) - d_neg
    return _reduce(call(L.clamp_min, (out,), {"min": 0}), reduction)

# -- likelihoods of Poisson and Gaussian targets ----------------------------------------------


def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool = True, full: bool = False,
                     size_average=None, eps: float = 1e-8, reduce=None,
                     reduction: str = "mean") -> Tensor:
    """Negative log likelihood of ``target`` under a Poisson of rate ``exp(input)`` (or
    ``input`` when not ``log_input``); ``full`` adds Stirling's term for targets above 1."""
    reduction = _legacy(reduction, size_average, reduce)
    if reduction not in _REDUCTIONS:
        raise ValueError(reduction + " is not a valid value for reduction")
    if log_input:
        loss = exp(input) - target * input
    else:
        loss = input - target * log(_scalar(L.scalar_add, input, eps))
    if full:
        stirling = (target * log(target) - target
                    + _scalar(L.scalar_mul, log(_scalar(L.scalar_mul, target, 2 * math.pi)), 0.5))
        mask = np.broadcast_to(target._data <= 1, stirling._data.shape)
        loss = loss + call(G.masked_fill, (stirling,), {"shape": stirling._data.shape,
                                                        "key": mask, "value": 0})
    return _reduce(loss, reduction)


def _gaussian_var(input: Tensor, var) -> Tensor:
    """``var`` checked and shaped for broadcasting against ``input`` (homoscedastic cases)."""
    if not isinstance(var, (Tensor, float)):  # PyTorch's torch.any(var < 0) on a number
        raise TypeError(f"any() received an invalid combination of arguments - got "
                        f"({type(var < 0).__name__}), but expected one of:")
    if isinstance(var, float):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        return var * wrap(np.ones_like(input._data))
    if (var._data < 0).any():
        raise ValueError("var has negative entry/entries")
    x, v = input._data.shape, var._data.shape
    if v != x:
        if x[:-1] == v:
            return unsqueeze(var, -1)
        if len(x) != len(v) or builtins.sum(b for a, b in zip(x, v) if a != b) != 1:
            raise ValueError("var is of incorrect size")
    return var


def gaussian_nll_loss(input: Tensor, target: Tensor, var, full: bool = False, eps: float = 1e-6,
                      reduction: str = "mean") -> Tensor:
    """Negative log likelihood of ``target`` under Gaussians of mean ``input`` and variance
    ``var`` (clamped below at ``eps`` without affecting its gradient)."""
    var = _gaussian_var(input, var)
    if reduction not in _REDUCTIONS:
        raise ValueError(reduction + " is not valid")
    var = clone(var)
    with no_grad():  # PyTorch clamps in place, unrecorded: the gradient ignores the clamp
        var.clamp_(min=eps)  # (forward mode sees it: the tangent is kept where var >= eps)
    loss = 0.5 * (log(var) + (input - target) ** 2 / var)
    if full:
        loss += 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


__all__: list = []

NN_ALL = ["binary_cross_entropy", "binary_cross_entropy_with_logits", "cosine_embedding_loss",
          "cross_entropy", "gaussian_nll_loss", "huber_loss", "kl_div", "l1_loss",
          "margin_ranking_loss", "mse_loss", "nll_loss", "poisson_nll_loss", "smooth_l1_loss",
          "triplet_margin_loss"]

METHODS: dict = {}
