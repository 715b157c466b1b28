"""Activation primitives: pointwise nonlinearities and softmax, each with its rules.

PyTorch's in-place variants that overwrite their input (``elu_``, ``celu_``,
``leaky_relu_``) are nodes of their own (``EluBackward1`` ...): their rules read the
result, since the input is gone. Where PyTorch's in-place node keeps its name
(``hardtanh_``, ``silu_`` ...) the out-of-place primitive serves both.
"""
from __future__ import annotations

import math

import numpy as np

from ._primitive import primitive

# -- sigmoids without overflow ---------------------------------------------------------------
# written with where, never |x|: the rules run again under create_graph, and at x = 0 the
# derivative of a where is one branch's (right), the derivative of |x| is 0 (wrong here)


def _neg_abs(x, xp):
    """-|x|: at most 0, so that exp of it never overflows."""
    return xp.where(x >= 0, -x, x)


def _sigmoid(x, xp):
    """1 / (1 + exp(-x)), from z = exp(-|x|) <= 1."""
    z = xp.exp(_neg_abs(x, xp))
    return xp.where(x >= 0, 1 / (1 + z), z / (1 + z))


def _log_sigmoid(x, xp):
    """log(sigmoid(x)) = min(x, 0) - log1p(exp(-|x|))."""
    return xp.where(x >= 0, 0, x) - xp.log1p(xp.exp(_neg_abs(x, xp)))

# -- piecewise linear ----------------------------------------------------------------------


@primitive("HardtanhBackward0")
def hardtanh(xp, x, *, min_val, max_val):
    return xp.clip(x, min_val, max_val)


# the result lies strictly inside (min_val, max_val) exactly where the input does, so the
# rule reads the result and serves hardtanh_ (whose input is overwritten) as well
hardtanh.defvjp(x=lambda g, out, min_val, max_val, xp:
                xp.where((out > min_val) & (out < max_val), g, 0))
hardtanh.defjvp("elementwise")
hardtanh.defformula(x="1 if min_val < x < max_val else 0")


def _leaky_relu(grad_fn: str, name: str, reads_result: bool):
    def forward(xp, x, *, negative_slope):
        return xp.where(x > 0, x, x * negative_slope)
    forward.__name__ = name
    prim = primitive(grad_fn)(forward)
    if reads_result:  # in place: the input is gone, and out > 0 exactly where x > 0
        prim.defvjp(x=lambda g, out, negative_slope, xp:
                    xp.where(out > 0, g, g * negative_slope))
    else:
        prim.defvjp(x=lambda g, x, negative_slope, xp: xp.where(x > 0, g, g * negative_slope))
    return prim.defjvp("elementwise")


leaky_relu = _leaky_relu("LeakyReluBackward0", "leaky_relu", reads_result=False)
leaky_relu.defformula(x="1 if x > 0 else negative_slope")
leaky_relu_ = _leaky_relu("LeakyReluBackward1", "leaky_relu_", reads_result=True)
leaky_relu_.defformula(x="1 if out > 0 else negative_slope")


@primitive("HardsigmoidBackward0")
def hardsigmoid(xp, x):
    return xp.minimum(xp.maximum(x + 3, 0), 6) / 6


# PyTorch's kernel scales by 1/6 rounded to float, in every dtype
_ONE_SIXTH = float(np.float32(1) / np.float32(6))
hardsigmoid.defvjp(x=lambda g, x, xp: xp.where((x > -3) & (x < 3), g * _ONE_SIXTH, 0))
hardsigmoid.defjvp("elementwise")
hardsigmoid.defformula(x="1/6 if -3 < x < 3 else 0")


@primitive("HardswishBackward0")
def hardswish(xp, x):
    return x * xp.minimum(xp.maximum(x + 3, 0), 6) / 6


hardswish.defvjp(x=lambda g, x, xp:
                 xp.where(x < -3, 0, xp.where(x <= 3, g * (x / 3 + 0.5), g)))
hardswish.defjvp("elementwise")
hardswish.defformula(x="(2*x + 3)/6 if -3 < x < 3 else (1 if x >= 3 else 0)")

# -- exponential linear units ---------------------------------------------------------------
# elu(x) = scale * x for x > 0, else scale * alpha * (exp(input_scale * x) - 1);
# selu is elu with fixed alpha and scale, celu(x, alpha) is elu with input_scale = 1/alpha


def _elu(grad_fn: str, name: str, reads_result: bool):
    def forward(xp, x, *, alpha, scale, input_scale):
        return xp.where(x > 0, x * scale, xp.expm1(x * input_scale) * (alpha * scale))
    forward.__name__ = name
    prim = primitive(grad_fn)(forward)
    if reads_result:  # in place: below 0, d/dx = input_scale * (out + alpha * scale)
        prim.defvjp(x=lambda g, out, alpha, scale, input_scale, xp: xp.where(
            out > 0, g * scale, g * input_scale * (out + alpha * scale)))
    else:
        prim.defvjp(x=lambda g, x, alpha, scale, input_scale, xp: xp.where(
            x > 0, g * scale,
            g * (input_scale * alpha * scale) * xp.exp(xp.where(x > 0, 0, x) * input_scale)))
    return prim.defjvp("elementwise")


elu = _elu("EluBackward0", "elu", reads_result=False)
elu.defformula(x="scale if x > 0 else scale * input_scale * alpha * exp(input_scale * x)")
elu_ = _elu("EluBackward1", "elu_", reads_result=True)
elu_.defformula(x="scale if out > 0 else input_scale * (out + scale * alpha)")
celu = _elu("CeluBackward0", "celu", reads_result=False)
celu.defformula(x="scale if x > 0 else scale * input_scale * alpha * exp(input_scale * x)")
celu_ = _elu("CeluBackward1", "celu_", reads_result=True)
celu_.defformula(x="scale if out > 0 else input_scale * (out + scale * alpha)")

# -- smooth -----------------------------------------------------------------------------------

_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_KAPPA = 0.044715
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


@primitive("GeluBackward0")
def gelu(xp, x, *, approximate):
    if approximate == "tanh":
        return 0.5 * x * (1 + xp.tanh(_SQRT_2_OVER_PI * (x + _KAPPA * x * x * x)))
    half, e = x * 0.5, xp.erf(x * math.sqrt(0.5))
    if x.dtype == xp.float64:
        return half * (1 + e)
    # PyTorch's float kernel computes half * e + half as one fused multiply-add (exact
    # product: 4 digits more where erf is near -1, and +0 where it is -1)
    wide = half.astype(xp.float64)
    return (wide * e + wide).astype(x.dtype)


def _gelu_grad(g, x, approximate, xp):
    """d gelu / dx: Phi(x) + x phi(x) for 'none'; for 'tanh', the derivative of its formula."""
    if approximate == "tanh":
        inner = _SQRT_2_OVER_PI * (x + _KAPPA * x * x * x)
        t = xp.tanh(inner)
        slope = _SQRT_2_OVER_PI * (1 + 3 * _KAPPA * x * x)
        return g * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * slope)
    cdf = 0.5 * (1 + xp.erf(x * math.sqrt(0.5)))
    return g * (cdf + x * (_INV_SQRT_2PI * xp.exp(-0.5 * x * x)))


gelu.defvjp(x=_gelu_grad)
gelu.defjvp("elementwise")
gelu.defformula(x="Phi(x) + x * phi(x)")


@primitive("SiluBackward0")
def silu(xp, x):
    return x / (1 + xp.exp(-x))


def _silu_grad(g, x, xp):
    """d silu / dx = sigmoid(x) (1 + x (1 - sigmoid(x)))."""
    s = _sigmoid(x, xp)
    return g * s * (1 + x * (1 - s))


silu.defvjp(x=_silu_grad)
silu.defjvp("elementwise")
silu.defformula(x="sigmoid(x) * (1 + x * (1 - sigmoid(x)))")


@primitive("MishBackward0")
def mish(xp, x):
    return x * xp.tanh(xp.log1p(xp.exp(x)))


def _mish_grad(g, x, xp):
    """d mish / dx = tanh(softplus(x)) + x sigmoid(x) (1 - tanh(softplus(x))^2)."""
    t = xp.tanh(-_log_sigmoid(-x, xp))  # softplus(x) = -log(sigmoid(-x))
    return g * (t + x * _sigmoid(x, xp) * (1 - t * t))


mish.defvjp(x=_mish_grad)
mish.defjvp("elementwise")
mish.defformula(x="tanh(softplus(x)) + x * sigmoid(x) * (1 - tanh(softplus(x))**2)")


@primitive("SoftplusBackward0")
def softplus(xp, x, *, beta, threshold):
    bx = x * beta
    # above the threshold softplus is the identity; exp is not even evaluated there
    return xp.where(bx > threshold, x, xp.log1p(xp.exp(xp.where(bx > threshold, 0, bx))) / beta)


def _softplus_grad(g, x, beta, threshold, xp):
    """d softplus / dx = sigmoid(beta x), and 1 above the threshold."""
    bx = x * beta
    return xp.where(bx > threshold, g, g * _sigmoid(bx, xp))


softplus.defvjp(x=_softplus_grad)
softplus.defjvp("elementwise")
softplus.defformula(x="sigmoid(beta * x) if beta * x <= threshold else 1")


@primitive("LogSigmoidBackward0")
def log_sigmoid(xp, x):
    return _log_sigmoid(x, xp)


log_sigmoid.defvjp(x=lambda g, x, xp: g * _sigmoid(-x, xp))
log_sigmoid.defjvp("elementwise")
log_sigmoid.defformula(x="sigmoid(-x)")

# -- softmax ----------------------------------------------------------------------------------
# ``axis`` is one non-negative axis, or () for a 0-d input (softmax of one number is 1)


@primitive("SoftmaxBackward0", dtype=None)
def softmax(xp, x, *, axis):
    e = xp.exp(x - xp.max(x, axis=axis, keepdims=True, initial=-xp.inf))
    return e / xp.sum(e, axis=axis, keepdims=True)


# softmax's Jacobian is diag(s) - s s^T; apply it without building it
softmax.defvjp(x=lambda g, out, axis, xp: out * (g - xp.sum(g * out, axis=axis, keepdims=True)))
softmax.defjvp(x=lambda t, out, axis, xp: out * (t - xp.sum(out * t, axis=axis, keepdims=True)))
softmax.defformula(x="out * (g - sum(g * out, axis))")


@primitive("LogSoftmaxBackward0", dtype=None)
def log_softmax(xp, x, *, axis):
    shifted = x - xp.max(x, axis=axis, keepdims=True, initial=-xp.inf)
    return shifted - xp.log(xp.sum(xp.exp(shifted), axis=axis, keepdims=True))


log_softmax.defvjp(x=lambda g, out, axis, xp: g - xp.exp(out) * xp.sum(g, axis=axis, keepdims=True))
log_softmax.defjvp(x=lambda t, out, axis, xp: t - xp.sum(xp.exp(out) * t, axis=axis, keepdims=True))
log_softmax.defformula(x="g - exp(out) * sum(g, axis)")
