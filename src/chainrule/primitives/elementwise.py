"""Elementwise primitives beyond arithmetic: exponentials and logarithms, trigonometric and
hyperbolic functions, rounding, the error function family, binary math (atan2, maximum,
fmod, xlogy, ...), clamp, lerp, where, and the tests and logical/bitwise ops that have no
gradient.

Rules run on arrays (``xp`` = NumPy/CuPy) or, under ``create_graph``, on Tensors (``xp`` =
the differentiable namespace); the node sums broadcast gradients back and casts them to
each input's dtype, so rules are only the math. Masks use ``xp.where`` (not a product with
the mask), so an infinite or nan gradient stays out of the branch not taken, as in PyTorch.
"""
from __future__ import annotations

import math

from ._primitive import primitive

_LN2, _LN10 = math.log(2.0), math.log(10.0)
_TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)   # erf'(x) = 2/sqrt(pi) exp(-x^2)
_SQRT_PI_OVER_2 = math.sqrt(math.pi) / 2     # erfinv'(y) = sqrt(pi)/2 exp(erfinv(y)^2)

# -- exponentials and logarithms ----------------------------------------------------------


@primitive("Exp2Backward0", dtype="float")
def exp2(xp, x):
    return xp.exp2(x)


exp2.defvjp(x=lambda g, out: g * (out * _LN2))
exp2.defjvp("elementwise")
exp2.defformula(x="out * ln(2)")


@primitive("Expm1Backward0", dtype="float")
def expm1(xp, x):
    return xp.expm1(x)


expm1.defvjp(x=lambda g, out: g * (out + 1))
expm1.defjvp("elementwise")
expm1.defformula(x="out + 1")


@primitive("Log2Backward0", dtype="float")
def log2(xp, x):
    return xp.log2(x)


log2.defvjp(x=lambda g, x: g / (x * _LN2))
log2.defjvp("elementwise")
log2.defformula(x="1 / (x * ln(2))")


@primitive("Log10Backward0", dtype="float")
def log10(xp, x):
    return xp.log10(x)


log10.defvjp(x=lambda g, x: g / (x * _LN10))
log10.defjvp("elementwise")
log10.defformula(x="1 / (x * ln(10))")


@primitive("Log1PBackward0", dtype="float")
def log1p(xp, x):
    return xp.log1p(x)


log1p.defvjp(x=lambda g, x: g / (x + 1))
log1p.defjvp("elementwise")
log1p.defformula(x="1 / (x + 1)")


@primitive("RsqrtBackward0", dtype="float")
def rsqrt(xp, x):
    return xp.reciprocal(xp.sqrt(x))


# d/dx x^(-1/2) = -1/2 x^(-3/2) = -1/2 out^3
rsqrt.defvjp(x=lambda g, out: g * (-0.5 * out * out * out))
rsqrt.defjvp("elementwise")
rsqrt.defformula(x="-0.5 * out**3")

# -- trigonometric and hyperbolic functions -----------------------------------------------


@primitive("TanBackward0", dtype="float")
def tan(xp, x):
    return xp.tan(x)


tan.defvjp(x=lambda g, out: g * (1 + out * out))
tan.defjvp("elementwise")
tan.defformula(x="1 + out**2")


@primitive("AsinBackward0", dtype="float")
def asin(xp, x):
    return xp.arcsin(x)


asin.defvjp(x=lambda g, x, xp: g / xp.sqrt(1 - x * x))
asin.defjvp("elementwise")
asin.defformula(x="1 / sqrt(1 - x**2)")


@primitive("AcosBackward0", dtype="float")
def acos(xp, x):
    return xp.arccos(x)


acos.defvjp(x=lambda g, x, xp: -g / xp.sqrt(1 - x * x))
acos.defjvp("elementwise")
acos.defformula(x="-1 / sqrt(1 - x**2)")


@primitive("AtanBackward0", dtype="float")
def atan(xp, x):
    return xp.arctan(x)


atan.defvjp(x=lambda g, x: g / (x * x + 1))
atan.defjvp("elementwise")
atan.defformula(x="1 / (x**2 + 1)")


@primitive("SinhBackward0", dtype="float")
def sinh(xp, x):
    return xp.sinh(x)


sinh.defvjp(x=lambda g, x, xp: g * xp.cosh(x))
sinh.defjvp("elementwise")
sinh.defformula(x="cosh(x)")


@primitive("CoshBackward0", dtype="float")
def cosh(xp, x):
    return xp.cosh(x)


cosh.defvjp(x=lambda g, x, xp: g * xp.sinh(x))
cosh.defjvp("elementwise")
cosh.defformula(x="sinh(x)")


@primitive("AsinhBackward0", dtype="float")
def asinh(xp, x):
    return xp.arcsinh(x)


asinh.defvjp(x=lambda g, x, xp: g / xp.sqrt(x * x + 1))
asinh.defjvp("elementwise")
asinh.defformula(x="1 / sqrt(x**2 + 1)")


@primitive("AcoshBackward0", dtype="float")
def acosh(xp, x):
    return xp.arccosh(x)


acosh.defvjp(x=lambda g, x, xp: g / xp.sqrt(x * x - 1))
acosh.defjvp("elementwise")
acosh.defformula(x="1 / sqrt(x**2 - 1)")


@primitive("AtanhBackward0", dtype="float")
def atanh(xp, x):
    return xp.arctanh(x)


atanh.defvjp(x=lambda g, x: g / (1 - x * x))
atanh.defjvp("elementwise")
atanh.defformula(x="1 / (1 - x**2)")


def _inplace_without_derivative(name: str, ufunc: str):
    """asinh_, acosh_, atanh_: PyTorch records them (as ...Backward1) with no derivative."""
    def forward(xp, x):
        return getattr(xp, ufunc)(x)

    def rule(g):
        raise NotImplementedError(f"the derivative for 'inplace version of {name}' is not "
                                  "implemented.")
    forward.__name__ = f"{name}_inplace"
    return primitive(f"{name.capitalize()}Backward1", dtype="float")(forward).defvjp(x=rule).defjvp("elementwise")


asinh_inplace = _inplace_without_derivative("asinh", "arcsinh")
asinh_inplace.defformula(x="not implemented (PyTorch has no derivative for asinh_)")
acosh_inplace = _inplace_without_derivative("acosh", "arccosh")
acosh_inplace.defformula(x="not implemented (PyTorch has no derivative for acosh_)")
atanh_inplace = _inplace_without_derivative("atanh", "arctanh")
atanh_inplace.defformula(x="not implemented (PyTorch has no derivative for atanh_)")


def _atan2_scale(x, y, xp):
    """1 / (x^2 + y^2), taken as 0 at the origin (PyTorch's convention)."""
    norm2 = x * x + y * y
    return xp.where(norm2 == 0, 0, 1 / norm2)


@primitive("Atan2Backward0", dtype="float")
def atan2(xp, x, y):
    return xp.arctan2(x, y)


atan2.defvjp(x=lambda g, x, y, xp: g * y * _atan2_scale(x, y, xp),
             y=lambda g, x, y, xp: g * -x * _atan2_scale(x, y, xp))
atan2.defjvp("elementwise")
atan2.defformula(x="y / (x**2 + y**2)", y="-x / (x**2 + y**2)")


@primitive("HypotBackward0")
def hypot(xp, x, y):
    return xp.hypot(x, y)


hypot.defvjp(x=lambda g, x, out: g * x / out,
             y=lambda g, y, out: g * y / out)
hypot.defjvp("elementwise")
hypot.defformula(x="x / out", y="y / out")


@primitive("LogaddexpBackward0")
def logaddexp(xp, x, y):
    return xp.logaddexp(x, y)


# d/dx log(e^x + e^y) = e^x / (e^x + e^y) = 1 / (1 + e^(y - x))
logaddexp.defvjp(x=lambda g, x, y, xp: g / (1 + xp.exp(y - x)),
                 y=lambda g, x, y, xp: g / (1 + xp.exp(x - y)))
logaddexp.defjvp("elementwise")
logaddexp.defformula(x="1 / (1 + exp(y - x))", y="1 / (1 + exp(x - y))")

# -- the error function family ----------------------------------------------------------


@primitive("ErfBackward0", dtype="float")
def erf(xp, x):
    return xp.erf(x)


erf.defvjp(x=lambda g, x, xp: g * (_TWO_OVER_SQRT_PI * xp.exp(-(x * x))))
erf.defjvp("elementwise")
erf.defformula(x="2 / sqrt(pi) * exp(-x**2)")


@primitive("ErfcBackward0", dtype="float")
def erfc(xp, x):
    return xp.erfc(x)


erfc.defvjp(x=lambda g, x, xp: g * (-_TWO_OVER_SQRT_PI * xp.exp(-(x * x))))
erfc.defjvp("elementwise")
erfc.defformula(x="-2 / sqrt(pi) * exp(-x**2)")


@primitive("ErfinvBackward0", dtype="float")
def erfinv(xp, x):
    return xp.erfinv(x)


erfinv.defvjp(x=lambda g, out, xp: g * (_SQRT_PI_OVER_2 * xp.exp(out * out)))
erfinv.defjvp("elementwise")
erfinv.defformula(x="sqrt(pi) / 2 * exp(out**2)")


def _logit_grad(g, x, eps, xp):
    """1 / (x (1 - x)); outside [0, 1] nan, or, with ``eps``, 0 where x was clamped."""
    if eps is None:
        return xp.where((x < 0) | (x > 1), math.nan, g / (x * (1 - x)))
    return xp.where((x < eps) | (x > 1 - eps), 0, g / (x * (1 - x)))


@primitive("LogitBackward0", dtype="float")
def logit(xp, x, *, eps):
    if eps is not None:  # clamp into [eps, 1 - eps]; a nan stays nan
        x = xp.where(x < eps, eps, xp.where(x > 1 - eps, 1 - eps, x))
    return xp.log(x / (1 - x))


logit.defvjp(x=_logit_grad)
logit.defjvp("elementwise")
logit.defformula(x="1 / (x * (1 - x)) if eps <= x <= 1 - eps else 0")

# -- rounding (piecewise constant: zero gradient) --------------------------------------------


def _whole(xp, x, fn):
    """``fn(x)`` for floats; integers are already whole (a copy, never an alias)."""
    return fn(x) if x.dtype.kind == "f" else xp.array(x, copy=True)


@primitive("FloorBackward0")
def floor(xp, x):
    return _whole(xp, x, xp.floor)


floor.defvjp(x=lambda g: g * 0)
floor.defjvp("elementwise")
floor.defformula(x="0")


@primitive("CeilBackward0")
def ceil(xp, x):
    return _whole(xp, x, xp.ceil)


ceil.defvjp(x=lambda g: g * 0)
ceil.defjvp("elementwise")
ceil.defformula(x="0")


@primitive("TruncBackward0")
def trunc(xp, x):
    return _whole(xp, x, xp.trunc)


trunc.defvjp(x=lambda g: g * 0)
trunc.defjvp("elementwise")
trunc.defformula(x="0")


@primitive("RoundBackward0")
def round(xp, x):
    return _whole(xp, x, xp.rint)  # halves to even, as PyTorch's nearbyint


round.defvjp(x=lambda g: g * 0)
round.defjvp("elementwise")
round.defformula(x="0")


@primitive("RoundBackward1")
def round_decimals(xp, x, *, decimals):
    scale = 10.0 ** abs(decimals)
    if decimals >= 0:
        return xp.rint(x * scale) / scale
    return xp.rint(x / scale) * scale


round_decimals.defvjp(x=lambda g: g * 0)
round_decimals.defjvp("elementwise")
round_decimals.defformula(x="0")


@primitive("FracBackward0")
def frac(xp, x):
    return x - xp.trunc(x)


frac.defvjp(x=lambda g: g)
frac.defjvp("elementwise")
frac.defformula(x="1")


@primitive("NanToNumBackward0")
def nan_to_num(xp, x, *, nan, posinf, neginf):
    return xp.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)


nan_to_num.defvjp(x=lambda g, x, xp: g * xp.isfinite(x))
nan_to_num.defjvp("elementwise")
nan_to_num.defformula(x="1 if isfinite(x) else 0")

# -- maximum, minimum, modulo ----------------------------------------------------------------


@primitive("MaximumBackward0")
def maximum(xp, x, y):
    return xp.maximum(x, y)


# a tie splits the gradient evenly; a nan (neither <, > nor ==) passes it to both
maximum.defvjp(x=lambda g, x, y, xp: xp.where(x == y, g / 2, xp.where(x < y, 0, g)),
               y=lambda g, x, y, xp: xp.where(x == y, g / 2, xp.where(x > y, 0, g)))
maximum.defjvp("elementwise")
maximum.defformula(x="1 if x > y else (1/2 if x == y else 0)", y="1 if y > x else (1/2 if x == y else 0)")


@primitive("MinimumBackward0")
def minimum(xp, x, y):
    return xp.minimum(x, y)


minimum.defvjp(x=lambda g, x, y, xp: xp.where(x == y, g / 2, xp.where(x > y, 0, g)),
               y=lambda g, x, y, xp: xp.where(x == y, g / 2, xp.where(x < y, 0, g)))
minimum.defjvp("elementwise")
minimum.defformula(x="1 if x < y else (1/2 if x == y else 0)", y="1 if y < x else (1/2 if x == y else 0)")


@primitive("FmodBackward0")
def fmod(xp, x, *, other):
    return xp.fmod(x, other)


fmod.defvjp(x=lambda g: g)
fmod.defjvp("elementwise")
fmod.defformula(x="1")


@primitive("FmodBackward1")
def fmod_tensor(xp, x, y):
    return xp.fmod(x, y)


# x - y trunc(x / y): the quotient is piecewise constant
fmod_tensor.defvjp(x=lambda g: g,
                   y=lambda g, x, y, xp: -g * xp.trunc(x / y))
fmod_tensor.defjvp("elementwise")
fmod_tensor.defformula(x="1", y="-trunc(x / y)")


def _python_mod(xp, x, y):
    """x mod y with the divisor's sign (Python's %), from C's fmod (the sign of x)."""
    r = xp.fmod(x, y)
    return xp.where((r != 0) & ((r < 0) != (y < 0)), r + y, r)


@primitive("RemainderBackward0")
def remainder(xp, x, *, other):
    return _python_mod(xp, x, other)


remainder.defvjp(x=lambda g: g)
remainder.defjvp("elementwise")
remainder.defformula(x="1")


@primitive("torch::autograd::NotImplemented")
def remainder_number_self(xp, y, *, x):
    # remainder(Number, Tensor): PyTorch records it under this name, with no derivative
    return _python_mod(xp, x, y)


def _no_remainder_derivative(g):
    raise RuntimeError("derivative for aten::remainder is not implemented")


remainder_number_self.defvjp(y=_no_remainder_derivative)
remainder_number_self.defjvp("elementwise")
remainder_number_self.defformula(y="not implemented (PyTorch has no derivative for a number % tensor)")


@primitive("RemainderBackward1")
def remainder_tensor(xp, x, y):
    return _python_mod(xp, x, y)


def _floor_divide(x, y, xp):
    """x / y rounded down, as PyTorch's div(rounding_mode="floor"): from x - fmod(x, y), which
    is exact where x / y itself would round up to an integer (and nan for an infinite x)."""
    mod = xp.fmod(x, y)
    div = (x - mod) / y
    div = xp.where((mod != 0) & ((y < 0) != (mod < 0)), div - 1, div)
    whole = xp.floor(div)
    whole = xp.where(div - whole > 0.5, whole + 1, whole)
    return xp.where(y == 0, x / y, whole)


# x - y floor(x / y)
remainder_tensor.defvjp(x=lambda g: g,
                        y=lambda g, x, y, xp: -g * _floor_divide(x, y, xp))
remainder_tensor.defjvp("elementwise")
remainder_tensor.defformula(x="1", y="-floor(x / y)")

# -- xlogy: x log(y), 0 where x == 0 ----------------------------------------------------------


def _log_number(c) -> float:
    """log of a Python number as a Python float (-inf at 0, nan below), never promoting."""
    return math.log(c) if c > 0 else -math.inf if c == 0 else math.nan


def _xlogy(xp, x, y):
    """x log(y) for arrays; 0 where x == 0 unless y is nan."""
    return xp.where((x == 0) & (y == y), 0, x * xp.log(y))


def _xlogy_grad_x(g, x, y, xp):
    """d/dx x log(y) = log(y), applied as xlogy(g, y), and 0 where x == 0 and y <= 0."""
    return xp.where((x == 0) & (y <= 0), 0, _xlogy(xp, g, y))


@primitive("XlogyBackward0", dtype="float")
def xlogy(xp, x, y):
    return _xlogy(xp, x, y)


xlogy.defvjp(x=_xlogy_grad_x,
             y=lambda g, x, y: g * x / y)
xlogy.defjvp("elementwise")
xlogy.defformula(x="log(y) if x != 0 else 0", y="x / y")


def _xlogy_grad_x_number(g, x, other, xp):
    """``_xlogy_grad_x`` with y a Python number: 0 where x == 0 unless y > 0 (a nan y too)."""
    grad = g * math.nan if other != other else xp.where(g == 0, 0, g * _log_number(other))
    return grad if other > 0 else xp.where(x == 0, 0, grad)


@primitive("XlogyBackward2", dtype="float")
def xlogy_other_number(xp, x, *, other):
    if other != other:
        return x * math.nan
    return xp.where(x == 0, 0, x * _log_number(other))


xlogy_other_number.defvjp(x=_xlogy_grad_x_number)
xlogy_other_number.defjvp("elementwise")
xlogy_other_number.defformula(x="log(other) if x != 0 else 0")


@primitive("XlogyBackward1", dtype="float")
def xlogy_self_number(xp, y, *, x):
    # x is a Python number
    if x == 0:
        return xp.where(y == y, 0, y)  # 0, and nan where y is nan
    return x * xp.log(y)


xlogy_self_number.defvjp(y=lambda g, y, x: g * x / y)
xlogy_self_number.defjvp("elementwise")
xlogy_self_number.defformula(y="x / y")

# -- lerp ---------------------------------------------------------------------------------


@primitive("LerpBackward0")
def lerp(xp, x, y, *, weight):
    # x + w (y - x) from whichever end is nearer, so that w = 1 gives y exactly
    if -0.5 < weight < 0.5:
        return x + weight * (y - x)
    return y - (y - x) * (1 - weight)


lerp.defvjp(x=lambda g, weight: g * (1 - weight),
            y=lambda g, weight: g * weight)
lerp.defjvp("elementwise")
lerp.defformula(x="1 - weight", y="weight")


@primitive("LerpBackward1")
def lerp_tensor(xp, x, y, weight):
    d = y - x
    return xp.where(xp.absolute(weight) < 0.5, x + weight * d, y - d * (1 - weight))


lerp_tensor.defvjp(x=lambda g, weight: g * (1 - weight),
                   y=lambda g, weight: g * weight,
                   weight=lambda g, x, y: g * (y - x))
lerp_tensor.defjvp("elementwise")
lerp_tensor.defformula(x="1 - weight", y="weight", weight="y - x")

# -- clamp and where ----------------------------------------------------------------------


def _within(x, lo, hi):
    """lo <= x <= hi, a missing (None) bound never failing; False where anything is nan."""
    if lo is None:
        return x <= hi
    if hi is None:
        return x >= lo
    return (x >= lo) & (x <= hi)


@primitive("ClampBackward1")
def clamp(xp, x, *, min, max):
    # bounds are Python numbers (or None); the gradient passes at the bounds themselves
    out = x if min is None else xp.maximum(x, min)
    return out if max is None else xp.minimum(out, max)


clamp.defvjp(x=lambda g, x, min, max, xp: xp.where(_within(x, min, max), g, 0))
clamp.defjvp("elementwise")
clamp.defformula(x="1 if min <= x <= max else 0")


def _clamp_min_grad(g, x, min, max, xp):
    """min is the result where x < min, unless min > max (then max is)."""
    return xp.where((x < min) if max is None else (x < min) & (min < max), g, 0)


def _clamp_max_grad(g, x, min, max, xp):
    """max is the result where x > max, and everywhere when max < min."""
    return xp.where((x > max) if min is None else (x > max) | (max < min), g, 0)


@primitive("ClampBackward0", dtype=None)
def clamp_tensor(xp, x, min, max, *, dtype):
    # tensor bounds; one may be None (a missing input). The caller settles the result dtype.
    out = x.astype(dtype)
    if min is not None:
        out = xp.maximum(out, min.astype(dtype))
    return out if max is None else xp.minimum(out, max.astype(dtype))


clamp_tensor.defvjp(x=lambda g, x, min, max, xp: xp.where(_within(x, min, max), g, 0),
                    min=_clamp_min_grad,
                    max=_clamp_max_grad)
clamp_tensor.defjvp("elementwise")
clamp_tensor.defformula(x="1 if min <= x <= max else 0",
                        min="1 if x < min and min <= max else 0",
                        max="1 if x > max or min > max else 0")


@primitive("WhereBackward0", saved_attrs=("condition",))
def where_xy(xp, x, y, *, condition):
    # torch.where(condition, x, y): the condition is saved, but is not an input of the node
    return xp.where(condition, x, y)


where_xy.defvjp(x=lambda g, condition, xp: xp.where(condition, g, 0),
                y=lambda g, condition, xp: xp.where(condition, 0, g))
where_xy.defjvp("elementwise")
where_xy.defformula(x="1 if condition else 0", y="0 if condition else 1")

# -- tests, logical and bitwise ops (no grad_fn, as in PyTorch) -----------------------------------


@primitive(differentiable=False, dtype=None)
def isnan(xp, x):
    return xp.isnan(x)


@primitive(differentiable=False, dtype=None)
def isinf(xp, x):
    return xp.isinf(x)


@primitive(differentiable=False, dtype=None)
def isfinite(xp, x):
    return xp.isfinite(x)


@primitive(differentiable=False, dtype=None)
def isclose(xp, x, y, *, rtol, atol, equal_nan):
    # |x - y| <= atol + rtol |y|, or equal (which covers equal infinities)
    close = x == y
    if equal_nan:
        close = close | (xp.isnan(x) & xp.isnan(y))
    if rtol == 0 and atol == 0:
        return close
    if x.dtype.kind == "b":
        x, y = x.astype(xp.float32), y.astype(xp.float32)
    diff = xp.absolute(x - y)
    return close | (xp.isfinite(diff) & (diff <= atol + xp.absolute(rtol * y)))


@primitive(differentiable=False, dtype=None)
def logical_or(xp, x, y):
    return xp.logical_or(x, y)


@primitive(differentiable=False, dtype=None)
def logical_xor(xp, x, y):
    return xp.logical_xor(x, y)


@primitive(differentiable=False, dtype=None)
def logical_not(xp, x):
    return xp.logical_not(x)


@primitive(differentiable=False)
def bitwise_and(xp, x, y):
    return xp.bitwise_and(x, y)


@primitive(differentiable=False)
def bitwise_or(xp, x, y):
    return xp.bitwise_or(x, y)


@primitive(differentiable=False)
def bitwise_xor(xp, x, y):
    return xp.bitwise_xor(x, y)


@primitive(differentiable=False)
def bitwise_not(xp, x):
    return xp.invert(x)
