"""Pointwise primitives: arithmetic, powers and elementwise math, each with its rules.

Rules run on arrays (``xp`` = NumPy/CuPy) or, under ``create_graph``, on Tensors
(``xp`` = the differentiable namespace); the node sums broadcast gradients back and
casts them to each input's dtype, so rules are only the math.
"""
from __future__ import annotations

import math

from ._primitive import primitive

# -- arithmetic -------------------------------------------------------------------


# `y * alpha`, not xp.multiply: a Python-number y must stay weakly typed (float32 + 2.0 * 3
# is float32; np.multiply(2.0, 3) is a float64 scalar that would promote it)
@primitive("AddBackward0")
def add(xp, x, y, *, alpha=1):
    return xp.add(x, y) if alpha == 1 else xp.add(x, y * alpha)


add.defvjp(x=lambda g: g,
           y=lambda g, alpha: g if alpha == 1 else g * alpha)
add.defjvp("elementwise")
add.defformula(x="1", y="alpha")


@primitive("SubBackward0")
def sub(xp, x, y, *, alpha=1):
    return xp.subtract(x, y) if alpha == 1 else xp.subtract(x, y * alpha)


sub.defvjp(x=lambda g: g,
           y=lambda g, alpha: -g if alpha == 1 else g * -alpha)
sub.defjvp("elementwise")
sub.defformula(x="1", y="-alpha")


@primitive("RsubBackward1")
def rsub(xp, x, *, other, alpha):
    # other - alpha * x, with `other` a Python number
    return xp.subtract(other, x) if alpha == 1 else xp.subtract(other, xp.multiply(x, alpha))


rsub.defvjp(x=lambda g, alpha: -g if alpha == 1 else g * -alpha)
rsub.defjvp("elementwise")
rsub.defformula(x="-alpha")


@primitive("RsubBackward0")
def rsub_tensor(xp, x, y, *, alpha):
    # y - alpha * x: torch.rsub with a tensor `other`
    return xp.subtract(y, x) if alpha == 1 else xp.subtract(y, x * alpha)


rsub_tensor.defvjp(x=lambda g, alpha: -g if alpha == 1 else g * -alpha,
                   y=lambda g: g)
rsub_tensor.defjvp("elementwise")
rsub_tensor.defformula(x="-alpha", y="1")


@primitive("MulBackward0")
def mul(xp, x, y):
    return xp.multiply(x, y)


mul.defvjp(x=lambda g, y: g * y,
           y=lambda g, x: g * x)
mul.defjvp("elementwise")
mul.defformula(x="y", y="x")


@primitive("DivBackward0", dtype="float")
def div(xp, x, y):
    return xp.true_divide(x, y)


div.defvjp(x=lambda g, y: g / y,
           y=lambda g, x, y: -g * x / (y * y))
div.defjvp("elementwise")
div.defformula(x="1 / y", y="-x / y**2")


@primitive("NegBackward0")
def neg(xp, x):
    return xp.negative(x)


neg.defvjp(x=lambda g: -g)
neg.defjvp("elementwise")
neg.defformula(x="-1")


@primitive("ReciprocalBackward0", dtype="float")
def reciprocal(xp, x):
    return xp.reciprocal(x)


reciprocal.defvjp(x=lambda g, out: -g * out * out)
reciprocal.defjvp("elementwise")
reciprocal.defformula(x="-out**2")

# -- powers -------------------------------------------------------------------------


@primitive("PowBackward0")
def pow_scalar(xp, x, *, exponent):
    return x ** exponent  # NumPy's operator has fast paths (square, sqrt) that power lacks


# d/dx x^c = c x^(c-1); PyTorch defines it as 0 for c == 0 (also at x == 0).
# c == 2 is spelled 2x: NumPy's x ** 1 costs 1.2 us on a 0-d array, 2 * x 0.1 us
pow_scalar.defvjp(x=lambda g, x, exponent:
                  g * 0 if exponent == 0 else g * (2 * x) if exponent == 2
                  else g * (exponent * x ** (exponent - 1)))
pow_scalar.defjvp("elementwise")
pow_scalar.defformula(x="exponent * x**(exponent - 1)")


@primitive("PowBackward1")
def pow(xp, x, y):
    return xp.power(x, y)


# d/dy x^y = x^y log x, taken as 0 where x == 0 and y >= 0 (PyTorch's convention)
pow.defvjp(x=lambda g, x, y: g * (y * x ** (y - 1)),
           y=lambda g, x, y, out, xp: g * xp.where((x == 0) & (y >= 0), 0, out * xp.log(x)))
pow.defjvp("elementwise")
pow.defformula(x="y * x**(y - 1)", y="out * log(x)")


@primitive("PowBackward2")
def rpow(xp, x, *, base):
    # base ** x, with `base` a Python number
    return xp.power(base, x)


rpow.defvjp(x=lambda g, out, base: g * out * math.log(base))
rpow.defjvp("elementwise")
rpow.defformula(x="out * log(base)")

# -- elementwise math ---------------------------------------------------------------


@primitive("AbsBackward0")
def abs(xp, x):
    return xp.absolute(x)


abs.defvjp(x=lambda g, x, xp: g * xp.sign(x))
abs.defjvp("elementwise")
abs.defformula(x="sign(x)")


@primitive("ExpBackward0", dtype="float")
def exp(xp, x):
    return xp.exp(x)


exp.defvjp(x=lambda g, out: g * out)
exp.defjvp("elementwise")
exp.defformula(x="out")


@primitive("LogBackward0", dtype="float")
def log(xp, x):
    return xp.log(x)


log.defvjp(x=lambda g, x: g / x)
log.defjvp("elementwise")
log.defformula(x="1 / x")


@primitive("SinBackward0", dtype="float")
def sin(xp, x):
    return xp.sin(x)


sin.defvjp(x=lambda g, x, xp: g * xp.cos(x))
sin.defjvp("elementwise")
sin.defformula(x="cos(x)")


@primitive("CosBackward0", dtype="float")
def cos(xp, x):
    return xp.cos(x)


cos.defvjp(x=lambda g, x, xp: -g * xp.sin(x))
cos.defjvp("elementwise")
cos.defformula(x="-sin(x)")


@primitive("TanhBackward0", dtype="float")
def tanh(xp, x):
    return xp.tanh(x)


tanh.defvjp(x=lambda g, out: g * (1 - out * out))
tanh.defjvp("elementwise")
tanh.defformula(x="1 - out**2")


@primitive("SigmoidBackward0", dtype="float")
def sigmoid(xp, x):
    return xp.reciprocal(1 + xp.exp(-x))


sigmoid.defvjp(x=lambda g, out: g * out * (1 - out))
sigmoid.defjvp("elementwise")
sigmoid.defformula(x="out * (1 - out)")


@primitive("ReluBackward0")
def relu(xp, x):
    return xp.maximum(x, 0)


relu.defvjp(x=lambda g, out: g * (out > 0))
relu.defjvp("elementwise")
relu.defformula(x="1 if out > 0 else 0")


@primitive("SqrtBackward0", dtype="float")
def sqrt(xp, x):
    return xp.sqrt(x)


sqrt.defvjp(x=lambda g, out: g / (2 * out))
sqrt.defjvp("elementwise")
sqrt.defformula(x="1 / (2 * out)")


@primitive("SignBackward0")
def sign(xp, x):
    out = xp.sign(x)
    return xp.where(out != out, 0, out) if out.dtype.kind == "f" else out  # sign(nan) is 0


sign.defvjp(x=lambda g: g * 0)
sign.defjvp("elementwise")
sign.defformula(x="0")

# -- copies and casts -----------------------------------------------------------------


@primitive("CloneBackward0", dtype=None)
def clone(xp, x):
    # PyTorch keeps a dense layout (a transpose stays transposed) but makes an expanded
    # (overlapping, zero-stride) tensor contiguous
    return xp.array(x, copy=True, order="C" if 0 in getattr(x, "strides", ()) else "K")


clone.defvjp(x=lambda g: g)
clone.defjvp("elementwise")
clone.defformula(x="1")


@primitive("CloneBackward0", dtype=None)
def clone_contiguous(xp, x):
    return xp.array(x, copy=True, order="C")  # contiguous(): a row-major copy


clone_contiguous.defvjp(x=lambda g: g)
clone_contiguous.defjvp("elementwise")
clone_contiguous.defformula(x="1")


@primitive("ToCopyBackward0", dtype=None)
def to_copy(xp, x, *, dtype):
    return x.astype(dtype)


to_copy.defvjp(x=lambda g: g)  # the node casts the gradient back to the input's dtype
to_copy.defjvp("elementwise")
to_copy.defformula(x="1")


@primitive("WhereBackward0", dtype=None)
def where(xp, condition, x, y):
    return xp.where(condition, x, y)


where.defvjp(x=lambda g, condition, xp: xp.where(condition, g, 0),
             y=lambda g, condition, xp: xp.where(condition, 0, g))
where.defjvp("elementwise")
where.defformula(x="1 if condition else 0", y="0 if condition else 1")

# -- comparisons (no grad_fn, as in PyTorch) ---------------------------------------------


def _comparison(ufunc_name: str):
    def forward(xp, x, y):
        return getattr(xp, ufunc_name)(x, y)
    forward.__name__ = ufunc_name
    return primitive(differentiable=False)(forward)


eq, ne = _comparison("equal"), _comparison("not_equal")
lt, le = _comparison("less"), _comparison("less_equal")
gt, ge = _comparison("greater"), _comparison("greater_equal")
logical_and = _comparison("logical_and")


@primitive("torch::autograd::CopyBackwards", dtype=None)
def copy_from(xp, x, src):
    # x.copy_(src): x's old values are overwritten, src is broadcast and cast to x
    return xp.broadcast_to(src, x.shape).astype(x.dtype)


copy_from.defvjp(x=lambda g: g * 0,
                 src=lambda g: g)
copy_from.defjvp("elementwise")
copy_from.defformula(x="0", src="1")


@primitive("ZeroBackward0", dtype=None)
def zero(xp, x):
    return xp.zeros_like(x)


zero.defvjp(x=lambda g: g * 0)
zero.defjvp("elementwise")
zero.defformula(x="0")


@primitive("FillBackward2", dtype=None)
def fill(xp, x, *, value):
    return xp.full_like(x, value)


fill.defvjp(x=lambda g: g * 0)
fill.defjvp("elementwise")
fill.defformula(x="0")


@primitive("FillBackward3", dtype=None)
def fill_tensor(xp, x, value):
    return xp.full_like(x, value)


# every element took the one value: its gradient is the sum of g
fill_tensor.defvjp(x=lambda g: g * 0,
                   value=lambda g, xp: xp.sum(g))
fill_tensor.defjvp("linear")
fill_tensor.defformula(x="0", value="sum(g)")
