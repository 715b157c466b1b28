"""Loss primitives (the losses PyTorch runs as one node), each with its rules.

``reduction`` is ``"none"``, ``"mean"`` or ``"sum"``. Class indices, class weights
and ``pos_weight`` are attributes, not inputs: PyTorch does not differentiate them
(the public edge refuses ones that require grad). The composite losses (l1, kl_div,
cross_entropy, the margin losses ...) are built in ``functional/loss.py`` from these and
from the few ``Scalar`` overloads below, which PyTorch's C++ composites call.
"""
from __future__ import annotations

import math

import numpy as np

from ._primitive import primitive
from .activation import _log_sigmoid, _sigmoid


def _reduce(xp, losses, reduction: str):
    """The per-element ``losses`` reduced as ``reduction`` asks."""
    if reduction == "mean":
        return xp.mean(losses)
    if reduction == "sum":
        return xp.sum(losses)
    return losses


def _norm(reduction: str, shape: tuple) -> float:
    """The factor a 'mean' reduction puts on each element's gradient."""
    return 1.0 / max(math.prod(shape), 1) if reduction == "mean" else 1.0

# -- regression ------------------------------------------------------------------------------
# the public edge broadcasts input and target to one shape first (ExpandBackward0)


@primitive("MseLossBackward0")
def mse_loss(xp, x, y, *, reduction):
    d = x - y
    return _reduce(xp, d * d, reduction)


mse_loss.defvjp(x=lambda g, x, y, x_shape, reduction: 2 * _norm(reduction, x_shape) * (x - y) * g,
                y=lambda g, x, y, x_shape, reduction: -2 * _norm(reduction, x_shape) * (x - y) * g)
mse_loss.defjvp("transpose")
mse_loss.defformula(x="2 * (x - y) / n", y="-2 * (x - y) / n")


@primitive("SmoothL1LossBackward0")
def smooth_l1_loss(xp, x, y, *, reduction, beta):
    z = xp.absolute(x - y)
    return _reduce(xp, xp.where(z < beta, 0.5 * z * z / beta, z - 0.5 * beta), reduction)


def _smooth_l1_grad(g, x, y, x_shape, reduction, beta, xp):
    """d/dx: (x - y) / beta inside (-beta, beta), its sign outside."""
    d, g = x - y, g * _norm(reduction, x_shape)
    return xp.where(d <= -beta, -g, xp.where(d >= beta, g, d * g / beta))


smooth_l1_loss.defvjp(x=_smooth_l1_grad,
                      y=lambda g, x, y, x_shape, reduction, beta, xp:
                      -_smooth_l1_grad(g, x, y, x_shape, reduction, beta, xp))
smooth_l1_loss.defjvp("transpose")
smooth_l1_loss.defformula(x="(x - y) / beta if abs(x - y) < beta else sign(x - y)", y="-(d loss / d x)")


@primitive("HuberLossBackward0")
def huber_loss(xp, x, y, *, reduction, delta):
    z = xp.absolute(x - y)
    return _reduce(xp, xp.where(z < delta, 0.5 * z * z, delta * (z - 0.5 * delta)), reduction)


def _huber_grad(g, x, y, x_shape, reduction, delta, xp):
    """d/dx: x - y inside (-delta, delta), delta times its sign outside."""
    d, g = x - y, g * _norm(reduction, x_shape)
    return xp.where(d <= -delta, -delta * g, xp.where(d >= delta, delta * g, d * g))


huber_loss.defvjp(x=_huber_grad,
                  y=lambda g, x, y, x_shape, reduction, delta, xp:
                  -_huber_grad(g, x, y, x_shape, reduction, delta, xp))
huber_loss.defjvp("transpose")
huber_loss.defformula(x="x - y if abs(x - y) < delta else delta * sign(x - y)", y="-(d loss / d x)")

# -- negative log likelihood ------------------------------------------------------------------
# ``key`` picks each sample's target class in x (for ignored samples: class 0), ``weight`` is
# each sample's class weight, ``mask`` is False where the target is ignore_index. ``mask`` is
# None when no target is ignored, and ``weight`` too when there are no class weights: the
# usual case builds no arrays (on (128, 10): nll_loss forward ~55 -> ~25 us, log_softmax +
# nll_loss forward + backward ~220 -> ~150 us).


def _nll_coef(weight, mask, reduction: str, n: int):
    """d loss / d x[key]: -weight (over the total weight for 'mean'); 0 where ignored."""
    if weight is None:  # every one of the n samples counts once
        return -1.0 / n if reduction == "mean" and n else -1.0
    total = (weight if mask is None else weight * mask).sum() if reduction == "mean" else 1
    coef = -(weight / total)
    return (coef if mask is None else np.where(mask, coef, 0)).astype(weight.dtype)


def _nll(grad_fn: str, name: str):
    def forward(xp, x, *, key, weight, mask, reduction):
        losses = -x[key] if weight is None else -x[key] * weight
        if mask is not None:
            losses = xp.where(mask, losses, 0)
        if reduction == "none":
            return losses
        total = xp.sum(losses)
        if reduction == "sum":
            return total
        if weight is None:  # nothing to count: nan, as PyTorch
            return total / losses.size if losses.size else xp.asarray(math.nan, x.dtype)
        return total / xp.sum(weight if mask is None else weight * mask)
    forward.__name__ = name
    prim = primitive(grad_fn, dtype=None, saved_attrs=("key", "weight", "mask"))(forward)
    return prim.defvjp(x=lambda g, x_shape, key, weight, mask, reduction, xp: xp.embed(
        g * _as_factor(xp, _nll_coef(weight, mask, reduction, _samples(x_shape))), x_shape, key)).defjvp("linear")


def _samples(x_shape: tuple) -> int:
    """How many samples an input of ``x_shape`` holds: all but the class dim (1, or 0 if 1-d)."""
    size = math.prod(x_shape)
    return size // x_shape[1 if len(x_shape) > 1 else 0] if size else 0


def _as_factor(xp, coef):
    """A number as it is, an array of coefficients as an (xp) array."""
    return coef if isinstance(coef, float) else xp.asarray(coef)


nll_loss = _nll("NllLossBackward0", "nll_loss")        # input (C,) or (N, C)
nll_loss.defformula(x="-weight[target] / n at the target class, 0 elsewhere")
nll_loss2d = _nll("NllLoss2DBackward0", "nll_loss2d")  # input (N, C, H, W)
nll_loss2d.defformula(x="-weight[target] / n at the target class, 0 elsewhere")

# -- binary cross entropy ----------------------------------------------------------------------

_EPSILON = 1e-12


def _weighted(xp, grad, weight, reduction: str, shape: tuple):
    """``grad`` times the (constant) element weights and the 'mean' factor."""
    grad = grad * _norm(reduction, shape)
    return grad if weight is None else grad * xp.asarray(weight)


@primitive("BinaryCrossEntropyBackward0", dtype=None)
def binary_cross_entropy(xp, x, y, *, weight, reduction):
    # PyTorch clamps each log at -100, so that a 0 or 1 probability costs 100, not inf
    losses = (y - 1) * xp.maximum(xp.log1p(-x), -100) - y * xp.maximum(xp.log(x), -100)
    return _reduce(xp, losses if weight is None else losses * weight, reduction)


binary_cross_entropy.defvjp(
    x=lambda g, x, y, x_shape, weight, reduction, xp: _weighted(
        xp, g * (x - y) / xp.maximum((1 - x) * x, _EPSILON), weight, reduction, x_shape),
    y=lambda g, x, x_shape, weight, reduction, xp: _weighted(
        xp, g * (xp.log1p(-x) - xp.log(x)), weight, reduction, x_shape))
binary_cross_entropy.defjvp("transpose")
binary_cross_entropy.defformula(x="weight * (x - y) / (x * (1 - x)) / n",
                                y="weight * (log(1 - x) - log(x)) / n")


# computed in the promoted dtype, returned in the target's (PyTorch writes into 1 - target)
@primitive("BinaryCrossEntropyWithLogitsBackward0", dtype=None)
def binary_cross_entropy_with_logits(xp, x, y, *, weight, pos_weight, reduction):
    log_sig = _log_sigmoid(x, xp)
    if pos_weight is not None:  # positives count pos_weight times
        log_sig = log_sig * ((pos_weight - 1) * y + 1)
    losses = (1 - y) * x - log_sig
    losses = losses if weight is None else losses * weight
    return xp.asarray(_reduce(xp, losses, reduction)).astype(y.dtype)


def _bce_logits_grad_x(g, x, y, x_shape, weight, pos_weight, reduction, xp):
    """d/dx = sigmoid(x) - y; with pos_weight p: (p y + 1 - y) sigmoid(x) - p y."""
    s = _sigmoid(x, xp)
    if pos_weight is None:
        grad = s - y
    else:
        py = y * xp.asarray(pos_weight)
        grad = (py + 1 - y) * s - py
    return _weighted(xp, g * grad, weight, reduction, x_shape)


def _bce_logits_grad_y(g, x, x_shape, weight, pos_weight, reduction, xp):
    """d/dy = -x; with pos_weight p: log sigmoid(-x) - p log sigmoid(x)."""
    if pos_weight is None:
        grad = -x
    else:
        grad = _log_sigmoid(-x, xp) - _log_sigmoid(x, xp) * xp.asarray(pos_weight)
    return _weighted(xp, g * grad, weight, reduction, x_shape)


binary_cross_entropy_with_logits.defvjp(x=_bce_logits_grad_x, y=_bce_logits_grad_y)
binary_cross_entropy_with_logits.defjvp("transpose")
binary_cross_entropy_with_logits.defformula(x="weight * ((pos_weight * y + 1 - y) * sigmoid(x) - pos_weight * y) / n",
                                            y="-weight * (pos_weight * log_sigmoid(x) - log_sigmoid(-x)) / n")

# -- what PyTorch's C++ loss composites call ----------------------------------------------------
# ``tensor op number`` from C++ is the op's Scalar overload: a node of its own name


@primitive("AddBackward1")
def scalar_add(xp, x, *, other):
    return x + other


scalar_add.defvjp(x=lambda g: g)
scalar_add.defjvp("elementwise")
scalar_add.defformula(x="1")


@primitive("SubBackward1")
def scalar_sub(xp, x, *, other):
    return x - other


scalar_sub.defvjp(x=lambda g: g)
scalar_sub.defjvp("elementwise")
scalar_sub.defformula(x="1")


@primitive("MulBackward1")
def scalar_mul(xp, x, *, other):
    return x * other


scalar_mul.defvjp(x=lambda g, other: g * other)
scalar_mul.defjvp("elementwise")
scalar_mul.defformula(x="other")


@primitive("DivBackward1")
def scalar_div(xp, x, *, other):
    return x / other


scalar_div.defvjp(x=lambda g, other: g / other)
scalar_div.defjvp("elementwise")
scalar_div.defformula(x="1 / other")


@primitive("ClampMinBackward0")
def clamp_min(xp, x, *, min):
    return xp.maximum(x, min)


clamp_min.defvjp(x=lambda g, x, min, xp: xp.where(x >= min, g, 0))
clamp_min.defjvp("elementwise")
clamp_min.defformula(x="1 if x >= min else 0")
