"""Elementwise functions at the public edge: pointwise math, rounding, clamp, lerp, where,
comparisons, tests, logical and bitwise ops (argument checks with PyTorch's errors first,
then one primitive call)."""
from __future__ import annotations

import numpy as np

from .. import _dtype
from .._dispatch import call, call_inplace
from .._errors import check_broadcast
from .._tensor import _C_TYPE, Tensor, _scalar_op, _warn_once
from ..primitives import elementwise as E
from ..primitives import pointwise as P
from .gather import nonzero

_NUMBER = (bool, int, float)

# -- PyTorch's argument errors -------------------------------------------------------------------


def _type_name(value) -> str:
    return "Tensor" if isinstance(value, Tensor) else type(value).__name__


def _invalid(fn: str, args: tuple, signatures: tuple) -> TypeError:
    """The argument parser's "invalid combination" error, listing the accepted signatures."""
    got = ", ".join(_type_name(a) for a in args)
    lines = "".join(f" * ({s})\n" for s in signatures)
    return TypeError(f"{fn}() received an invalid combination of arguments - got ({got}), but "
                     f"expected one of:\n{lines}")


def _need_tensor(fn: str, value, name: str = "input", position: int = 1) -> None:
    if not isinstance(value, Tensor):
        raise TypeError(f"{fn}(): argument '{name}' (position {position}) must be Tensor, not "
                        f"{type(value).__name__}")


def _not_implemented(kernel: str, dt: _dtype.dtype) -> NotImplementedError:
    return NotImplementedError(f"\"{kernel}\" not implemented for '{dt.c_name}'")


def _cannot_cast(res: _dtype.dtype, self: Tensor) -> RuntimeError:
    return RuntimeError(f"result type {res.c_name} can't be cast to the desired output type "
                        f"{self._dtype.c_name}")


def _is_number(value) -> bool:
    return isinstance(value, (*_NUMBER, np.number, np.bool_))


def _number(value):
    """A NumPy scalar as the Python number PyTorch's parser takes it for."""
    return value.item() if isinstance(value, np.generic) else value


def _check_broadcast(*tensors) -> None:
    """PyTorch's size-mismatch error for operands broadcast left to right."""
    shape: tuple = ()
    for t in tensors:
        if isinstance(t, Tensor):
            other = t._data.shape
            check_broadcast(shape, other)
            shape = tuple(np.broadcast_shapes(shape, other))


_TENSOR_OR_NUMBER = ("Tensor input, Tensor other, *, Tensor out = None",
                     "Tensor input, Number other, *, Tensor out = None")

# -- unary pointwise math -------------------------------------------------------------------------


def _unary(prim, doc: str):
    def fn(input: Tensor) -> Tensor:
        _need_tensor(prim.name, input)
        return call(prim, (input,))
    fn.__name__ = fn.__qualname__ = prim.name
    fn.__doc__ = doc
    return fn


def _inplace(prim, name: str):
    """``Tensor.<name>_()``: the op written into the tensor itself."""
    def fn_(self: Tensor) -> Tensor:
        return call_inplace(prim, (self,))
    fn_.__name__ = fn_.__qualname__ = f"{name}_"
    fn_.__doc__ = f"In-place version of :func:`{name}`."
    return fn_


exp2 = _unary(E.exp2, "Computes the base two exponential function of ``input``.")
expm1 = _unary(E.expm1, "Computes the exponential of the elements minus 1 of ``input``.")
log2 = _unary(E.log2, "Returns the logarithm to the base 2 of the elements of ``input``.")
log10 = _unary(E.log10, "Returns the logarithm to the base 10 of the elements of ``input``.")
log1p = _unary(E.log1p, "Returns the natural logarithm of (1 + ``input``).")
rsqrt = _unary(E.rsqrt, "Returns the reciprocal of the square-root of each element of ``input``.")
tan = _unary(E.tan, "Returns the tangent of the elements of ``input``.")
asin = _unary(E.asin, "Returns the arcsine of the elements of ``input``.")
acos = _unary(E.acos, "Returns the inverse cosine of each element in ``input``.")
atan = _unary(E.atan, "Returns the arctangent of the elements of ``input``.")
sinh = _unary(E.sinh, "Returns the hyperbolic sine of the elements of ``input``.")
cosh = _unary(E.cosh, "Returns the hyperbolic cosine of the elements of ``input``.")
asinh = _unary(E.asinh, "Returns the inverse hyperbolic sine of the elements of ``input``.")
acosh = _unary(E.acosh, "Returns the inverse hyperbolic cosine of the elements of ``input``.")
atanh = _unary(E.atanh, "Returns the inverse hyperbolic tangent of the elements of ``input``.")
erf = _unary(E.erf, "Computes the error function of ``input``.")
erfc = _unary(E.erfc, "Computes the complementary error function of ``input``.")
erfinv = _unary(E.erfinv, "Computes the inverse error function of ``input``, defined in (-1, 1).")
isnan = _unary(E.isnan, "Returns a new tensor with boolean elements representing if each element "
                        "of ``input`` is NaN or not.")
isinf = _unary(E.isinf, "Tests if each element of ``input`` is infinite (positive or negative "
                        "infinity) or not.")
isfinite = _unary(E.isfinite, "Returns a new tensor with boolean elements representing if each "
                              "element is finite or not.")
logical_not = _unary(E.logical_not, "Computes the element-wise logical NOT of ``input``: "
                                    "zeros become True, everything else False.")

_FLOAT_UNARY = (exp2, expm1, log2, log10, log1p, rsqrt, tan, asin, acos, atan, sinh, cosh, asinh,
                acosh, atanh, erf, erfc, erfinv)


def square(input: Tensor) -> Tensor:
    """Returns a new tensor with the square of the elements of ``input``."""
    _need_tensor("square", input)
    return _scalar_op(P.pow_scalar, input, "exponent", 2)


def square_(self: Tensor) -> Tensor:
    """In-place version of :func:`square`."""
    res = _dtype.result_type((self, 2))
    if not _dtype.can_cast(res, self._dtype):
        raise _cannot_cast(res, self)
    return call_inplace(P.pow_scalar, (self,), {"exponent": 2})


def logit(input: Tensor, eps: float | None = None) -> Tensor:
    """Returns the logit ``log(p / (1 - p))`` of ``input``, clamped to [eps, 1 - eps] if ``eps``
    is given."""
    _need_tensor("logit", input)
    if eps is not None and not _is_number(eps):
        raise TypeError(f"logit(): argument 'eps' must be float, not {type(eps).__name__}")
    return call(E.logit, (input,), {"eps": None if eps is None else float(_number(eps))})


def logit_(self: Tensor, eps: float | None = None) -> Tensor:
    """In-place version of :func:`logit`."""
    return call_inplace(E.logit, (self,), {"eps": None if eps is None else float(_number(eps))})


def nan_to_num(input: Tensor, nan: float = 0.0, posinf: float | None = None,
               neginf: float | None = None) -> Tensor:
    """Replaces NaN, positive infinity and negative infinity in ``input`` with ``nan``,
    ``posinf`` and ``neginf`` (by default the greatest and least finite values of its dtype)."""
    _need_tensor("nan_to_num", input)
    return call(E.nan_to_num, (input,), {"nan": nan, "posinf": posinf, "neginf": neginf})


def nan_to_num_(self: Tensor, nan: float = 0.0, posinf: float | None = None,
                neginf: float | None = None) -> Tensor:
    """In-place version of :func:`nan_to_num`."""
    return call_inplace(E.nan_to_num, (self,), {"nan": nan, "posinf": posinf, "neginf": neginf})

# -- rounding -------------------------------------------------------------------------------------


def _rounding(prim, doc: str):
    def fn(input: Tensor) -> Tensor:
        _need_tensor(prim.name, input)
        if input._dtype is _dtype.bool_:
            raise _not_implemented(f"{prim.name}_vml_cpu", input._dtype)
        return call(prim, (input,))
    fn.__name__ = fn.__qualname__ = prim.name
    fn.__doc__ = doc
    return fn


def _rounding_(prim):
    def fn_(self: Tensor) -> Tensor:
        if self._dtype is _dtype.bool_:
            raise _not_implemented(f"{prim.name}_vml_cpu", self._dtype)
        return call_inplace(prim, (self,))
    fn_.__name__ = fn_.__qualname__ = f"{prim.name}_"
    fn_.__doc__ = f"In-place version of :func:`{prim.name}`."
    return fn_


floor = _rounding(E.floor, "Returns the floor of the elements of ``input``, the largest integer "
                           "less than or equal to each element.")
ceil = _rounding(E.ceil, "Returns the ceil of the elements of ``input``, the smallest integer "
                         "greater than or equal to each element.")
trunc = _rounding(E.trunc, "Returns the integer part of the elements of ``input``.")
floor_, ceil_, trunc_ = _rounding_(E.floor), _rounding_(E.ceil), _rounding_(E.trunc)


def _round_args(input: Tensor, decimals) -> tuple:
    """(primitive, attributes) of ``round``; an explicit ``decimals`` is RoundBackward1."""
    if decimals is None:
        if input._dtype is _dtype.bool_:
            raise _not_implemented("round_vml_cpu", input._dtype)
        return E.round, {}
    if not isinstance(decimals, int) or isinstance(decimals, bool):
        raise TypeError("round() received an invalid combination of arguments - got (Tensor, "
                        f"decimals={type(decimals).__name__}), but expected one of:\n"
                        " * (Tensor input, *, Tensor out = None)\n"
                        " * (Tensor input, *, int decimals, Tensor out = None)\n")
    if input._dtype.category != _dtype._FLOAT:
        raise _not_implemented("round_cpu", input._dtype)
    return E.round_decimals, {"decimals": decimals}


def round(input: Tensor, *, decimals: int | None = None) -> Tensor:
    """Rounds elements of ``input`` to the nearest integer (halves to even), or to ``decimals``
    decimal places."""
    _need_tensor("round", input)
    prim, attrs = _round_args(input, decimals)
    return call(prim, (input,), attrs)


def round_(self: Tensor, *, decimals: int | None = None) -> Tensor:
    """In-place version of :func:`round`."""
    prim, attrs = _round_args(self, decimals)
    return call_inplace(prim, (self,), attrs)


def frac(input: Tensor) -> Tensor:
    """Computes the fractional portion of each element in ``input``."""
    _need_tensor("frac", input)
    if input._dtype.category != _dtype._FLOAT:
        raise _not_implemented("frac_cpu", input._dtype)
    return call(E.frac, (input,))


def frac_(self: Tensor) -> Tensor:
    """In-place version of :func:`frac`."""
    if self._dtype.category != _dtype._FLOAT:
        raise _not_implemented("frac_cpu", self._dtype)
    return call_inplace(E.frac, (self,))

# -- binary math ----------------------------------------------------------------------------------


def _check_tensors(name: str, input, other, kernel: str | None = None) -> None:
    """Both operands must be tensors; ``kernel``: PyTorch's name for an op that needs floats."""
    _need_tensor(name, input)
    _need_tensor(name, other, "other", 2)
    if kernel is not None:
        res = _dtype.result_type((input, other))
        if res.category != _dtype._FLOAT:
            raise _not_implemented(kernel, res)


def _binary_tensors(prim, doc: str, kernel: str | None = None):
    """A function of two tensors and its in-place version (``Tensor.<name>_``)."""
    def fn(input: Tensor, other: Tensor) -> Tensor:
        _check_tensors(prim.name, input, other, kernel)
        return call(prim, (input, other))

    def fn_(self: Tensor, other: Tensor) -> Tensor:
        _check_tensors(prim.name, self, other, kernel)
        return call_inplace(prim, (self, other))
    fn.__name__ = fn.__qualname__ = prim.name
    fn.__doc__ = doc
    fn_.__name__, fn_.__doc__ = f"{prim.name}_", f"In-place version of :func:`{prim.name}`."
    return fn, fn_


atan2, atan2_ = _binary_tensors(E.atan2, "Element-wise arctangent of ``input / other`` with "
                                         "consideration of the quadrant.")
hypot, hypot_ = _binary_tensors(E.hypot, "Given the legs of a right triangle, return its "
                                         "hypotenuse.", "hypot_cpu")
logaddexp, _ = _binary_tensors(E.logaddexp, "Logarithm of the sum of exponentiations of the "
                                            "inputs.", "logaddexp_cpu")
maximum, _ = _binary_tensors(E.maximum, "Computes the element-wise maximum of ``input`` and "
                                        "``other``.")
minimum, _ = _binary_tensors(E.minimum, "Computes the element-wise minimum of ``input`` and "
                                        "``other``.")


def _modulo_args(name: str, input: Tensor, other, by_tensor, by_number) -> tuple:
    """(primitive, inputs, attributes) of fmod/remainder, after PyTorch's checks."""
    if not isinstance(input, Tensor) or not isinstance(other, Tensor) and not _is_number(other):
        raise _invalid(name, (input, other), _TENSOR_OR_NUMBER)
    other = _number(other)
    res = _dtype.result_type((input, other))
    if res is _dtype.bool_:
        raise _not_implemented(f"{name}_cpu", res)
    if res.category != _dtype._FLOAT:
        divisor = other._data if isinstance(other, Tensor) else other
        if np.any(np.asarray(divisor) == 0):
            raise RuntimeError("ZeroDivisionError")
    if isinstance(other, Tensor):
        return by_tensor, (input, other), {}
    return by_number, (input,), {"other": other}


def fmod(input: Tensor, other) -> Tensor:
    """Applies C's ``fmod`` entrywise: the remainder of ``input / other``, with the sign of
    ``input``."""
    prim, inputs, attrs = _modulo_args("fmod", input, other, E.fmod_tensor, E.fmod)
    return call(prim, inputs) if not attrs else _scalar_op(prim, input, "other", attrs["other"])


def remainder(input: Tensor, other) -> Tensor:
    """Computes Python's modulus operation entrywise: the result has the sign of ``other``."""
    if _is_number(input) and isinstance(other, Tensor):
        return _number_remainder(_number(input), other)
    prim, inputs, attrs = _modulo_args("remainder", input, other, E.remainder_tensor, E.remainder)
    return call(prim, inputs) if not attrs else _scalar_op(prim, input, "other", attrs["other"])


def _number_remainder(x, other: Tensor) -> Tensor:
    """``remainder(x, other)`` with ``x`` a number (PyTorch records it with no derivative)."""
    res = _dtype.result_type((x, other))
    if res is _dtype.bool_:
        raise _not_implemented("remainder_cpu", res)
    if res.category != _dtype._FLOAT and np.any(other._data == 0):
        raise RuntimeError("ZeroDivisionError")
    return _scalar_op(E.remainder_number_self, other, "x", x)


def _modulo_(name: str, by_tensor, by_number):
    def fn_(self: Tensor, other) -> Tensor:
        prim, inputs, attrs = _modulo_args(name, self, other, by_tensor, by_number)
        if attrs:  # a number: checked and wrapped into the result dtype as _scalar_op does
            res = _dtype.result_type((self, attrs["other"]))
            if not _dtype.can_cast(res, self._dtype):
                raise _cannot_cast(res, self)
            if res.category != _dtype._FLOAT:
                attrs = {"other": np.array(attrs["other"]).astype(res.np)[()]}
        return call_inplace(prim, inputs, attrs)
    fn_.__name__ = fn_.__qualname__ = f"{name}_"
    fn_.__doc__ = f"In-place version of :func:`{name}`."
    return fn_


fmod_ = _modulo_("fmod", E.fmod_tensor, E.fmod)
remainder_ = _modulo_("remainder", E.remainder_tensor, E.remainder)


def _mod_operator(self: Tensor, other):
    """``self % other``."""
    if not isinstance(other, Tensor) and not _is_number(other):
        return NotImplemented
    return remainder(self, other)


def _rmod_operator(self: Tensor, other):
    """``other % self``, ``other`` a number."""
    return remainder(other, self) if _is_number(other) else NotImplemented


def _xlogy_args(input, other) -> tuple:
    """(primitive, inputs, attributes) of xlogy: either side may be a Python number."""
    if isinstance(input, Tensor) and isinstance(other, Tensor):
        return E.xlogy, (input, other), {}
    if isinstance(input, Tensor) and _is_number(other):
        return E.xlogy_other_number, (input,), {"other": _number(other)}
    if _is_number(input) and isinstance(other, Tensor):
        return E.xlogy_self_number, (other,), {"x": _number(input)}
    raise _invalid("xlogy", (input, other), (
        "Tensor input, Tensor other, *, Tensor out = None",
        "Number self, Tensor other, *, Tensor out = None",
        "Tensor input, Number other, *, Tensor out = None"))


def xlogy(input, other) -> Tensor:
    """Computes ``input * log(other)``, taken as 0 where ``input`` is 0 (unless ``other`` is
    NaN)."""
    prim, inputs, attrs = _xlogy_args(input, other)
    return call(prim, inputs, attrs)


def xlogy_(self: Tensor, other) -> Tensor:
    """In-place version of :func:`xlogy`."""
    prim, inputs, attrs = _xlogy_args(self, other)
    return call_inplace(prim, inputs, attrs)

# -- lerp, clamp, where ---------------------------------------------------------------------------


_LERP_SIGNATURES = ("Tensor input, Tensor end, Tensor weight, *, Tensor out = None",
                    "Tensor input, Tensor end, Number weight, *, Tensor out = None")


def _lerp_args(input: Tensor, end: Tensor, weight) -> tuple:
    """(primitive, inputs, attributes) of lerp, after PyTorch's checks."""
    if not (isinstance(input, Tensor) and isinstance(end, Tensor)
            and (isinstance(weight, Tensor) or _is_number(weight))):
        raise _invalid("lerp", (input, end, weight), _LERP_SIGNATURES)
    for name, t in (("end", end), ("weight", weight)):
        # a 0-d weight may be of any dtype (it is read as a number)
        if isinstance(t, Tensor) and t._dtype is not input._dtype and (
                t is end or t._data.ndim):
            raise RuntimeError(f"expected dtype {_C_TYPE[input._dtype]} for `{name}` but got "
                               f"dtype {_C_TYPE[t._dtype]}")
    by_tensor = isinstance(weight, Tensor)
    if input._dtype.category != _dtype._FLOAT:
        kernel = "lerp_kernel_tensor" if by_tensor else "lerp_kernel_scalar"
        raise _not_implemented(kernel, input._dtype)
    _check_broadcast(input, end, weight)
    if by_tensor:
        return E.lerp_tensor, (input, end, weight), {}
    return E.lerp, (input, end), {"weight": _number(weight)}


def lerp(input: Tensor, end: Tensor, weight) -> Tensor:
    """Linear interpolation of two tensors ``input`` (start) and ``end`` based on a scalar or
    tensor ``weight``: ``input + weight * (end - input)``."""
    prim, inputs, attrs = _lerp_args(input, end, weight)
    return call(prim, inputs, attrs)


def lerp_(self: Tensor, end: Tensor, weight) -> Tensor:
    """In-place version of :func:`lerp`."""
    prim, inputs, attrs = _lerp_args(self, end, weight)
    return call_inplace(prim, inputs, attrs)


_CLAMP_SIGNATURES = ("Tensor input, Tensor min = None, Tensor max = None, *, Tensor out = None",
                     "Tensor input, Number min = None, Number max = None, *, Tensor out = None")
_CLAMP_KERNELS = {(True, True): "clamp_scalar_cpu", (True, False): "clamp_min_scalar_cpu",
                  (False, True): "clamp_max_scalar_cpu"}


def _clamp_args(input: Tensor, min, max) -> tuple:
    """(primitive, inputs, attributes, result dtype) of clamp, after PyTorch's checks."""
    bounds = [b for b in (min, max) if b is not None]
    if not isinstance(input, Tensor) or not (all(isinstance(b, Tensor) for b in bounds)
                                             or all(_is_number(b) for b in bounds)):
        raise _invalid("clamp", (input, min, max) if max is not None else (input, min),
                       _CLAMP_SIGNATURES)
    if not bounds:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    res = _dtype.result_type((input, *[_number(b) for b in bounds]))
    if isinstance(bounds[0], Tensor):
        _check_broadcast(input, min, max)
        return E.clamp_tensor, (input, min, max), {"dtype": res.np}, res
    if res is _dtype.bool_:
        raise _not_implemented(_CLAMP_KERNELS[min is not None, max is not None], res)
    lo, hi = (None if b is None else _bound(_number(b), res) for b in (min, max))
    return E.clamp, (input,), {"min": lo, "max": hi}, res


#: PyTorch's C names of dtypes in its overflow checks
_C_LIMIT = {_dtype.float16: "c10::Half", _dtype.float32: "float", _dtype.float64: "double",
            _dtype.int8: "int8_t", _dtype.uint8: "uint8_t", _dtype.int16: "int16_t",
            _dtype.int32: "int", _dtype.int64: "int64_t"}


def _bound(value, res: _dtype.dtype):
    """A number bound checked to fit the result dtype (as an integer of it, for integers)."""
    if isinstance(value, int) and not -2 ** 63 <= value < 2 ** 64:
        raise OverflowError("int too big to convert")
    info = np.finfo(res.np) if res.category == _dtype._FLOAT else np.iinfo(res.np)
    if np.isfinite(value) and not info.min <= value <= info.max:
        raise RuntimeError(f"value cannot be converted to type {_C_LIMIT[res]} without overflow")
    return value if res.category == _dtype._FLOAT else np.array(value).astype(res.np)[()]


def clamp(input: Tensor, min=None, max=None) -> Tensor:
    """Clamps all elements in ``input`` into the range [``min``, ``max``] (either bound may be
    None, a number, or a tensor)."""
    prim, inputs, attrs, res = _clamp_args(input, min, max)
    if prim is E.clamp and res is not input._dtype:  # an integer tensor with a float bound
        inputs = (call(P.to_copy, (input,), {"dtype": res.np}),)
    return call(prim, inputs, attrs)


def clamp_(self: Tensor, min=None, max=None) -> Tensor:
    """In-place version of :func:`clamp`."""
    prim, inputs, attrs, res = _clamp_args(self, min, max)
    if not _dtype.can_cast(res, self._dtype):
        raise RuntimeError(f"result type {res.c_name} can't be cast to the desired output type "
                           f"{_C_TYPE[self._dtype]}")
    return call_inplace(prim, inputs, attrs)


clip, clip_ = clamp, clamp_

_WHERE_SIGNATURES = ("Tensor condition", "Tensor condition, Tensor input, Tensor other, *, "
                     "Tensor out = None", "Tensor condition, Number self, Tensor other",
                     "Tensor condition, Tensor input, Number other",
                     "Tensor condition, Number self, Number other")


_MISSING = object()


def where(condition: Tensor, input=_MISSING, other=_MISSING):
    """Returns a tensor of elements selected from ``input`` where ``condition`` is True and from
    ``other`` elsewhere (either may be a number). ``where(condition)`` is
    ``nonzero(condition, as_tuple=True)``."""
    if input is _MISSING and other is _MISSING and isinstance(condition, Tensor):
        return nonzero(condition, as_tuple=True)
    if not isinstance(condition, Tensor) or not all(
            isinstance(v, Tensor) or _is_number(v) for v in (input, other)):
        given = tuple(a for a in (condition, input, other) if a is not _MISSING)
        raise _invalid("where", given, _WHERE_SIGNATURES)
    cond = condition._data
    if condition._dtype is _dtype.uint8:
        _warn_once("where_uint8", "where received a uint8 condition tensor. This behavior is "
                   "deprecated and will be removed in a future version of PyTorch. Use a boolean "
                   "condition instead.")
        cond = cond.astype(np.bool_)
    elif condition._dtype is not _dtype.bool_:
        raise RuntimeError("where expected condition to be a boolean tensor, but got a tensor "
                           f"with dtype {condition._dtype.c_name}")
    _check_broadcast(condition, input, other)
    return call(E.where_xy, (_number(input), _number(other)), {"condition": cond})


def _where_method(self: Tensor, condition: Tensor, y) -> Tensor:
    """``self.where(condition, y)`` is ``torch.where(condition, self, y)``."""
    return where(condition, self, y)

# -- comparisons and tests ------------------------------------------------------------------------


def _comparison(prim, name: str, doc: str):
    def fn(input: Tensor, other) -> Tensor:
        if not isinstance(input, Tensor) or not (isinstance(other, Tensor) or _is_number(other)):
            raise _invalid(name, (input, other), _TENSOR_OR_NUMBER)
        return call(prim, (input, _number(other)))
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    return fn


eq = _comparison(P.eq, "eq", "Computes ``input == other`` element-wise.")
ne = _comparison(P.ne, "ne", "Computes ``input != other`` element-wise.")
lt = _comparison(P.lt, "lt", "Computes ``input < other`` element-wise.")
le = _comparison(P.le, "le", "Computes ``input <= other`` element-wise.")
gt = _comparison(P.gt, "gt", "Computes ``input > other`` element-wise.")
ge = _comparison(P.ge, "ge", "Computes ``input >= other`` element-wise.")


def isclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08,
            equal_nan: bool = False) -> Tensor:
    """Returns a new tensor with boolean elements representing if each element of ``input`` is
    "close" to the corresponding element of ``other``: ``|input - other| <= atol + rtol * |other|``."""
    _need_tensor("isclose", input)
    _need_tensor("isclose", other, "other", 2)
    if input._dtype is not other._dtype:
        raise RuntimeError(f"{input._dtype.c_name} did not match {other._dtype.c_name}")
    for name, tol in (("rtol", rtol), ("atol", atol)):
        if tol < 0:
            raise RuntimeError(f"{name} must be greater than or equal to zero, but got {tol:g}")
    _check_broadcast(input, other)
    return call(E.isclose, (input, other), {"rtol": rtol, "atol": atol, "equal_nan": equal_nan})


def allclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08,
             equal_nan: bool = False) -> bool:
    """This function checks if ``input`` and ``other`` satisfy the condition
    ``|input - other| <= atol + rtol * |other|`` elementwise, for all elements."""
    _need_tensor("allclose", input)
    _need_tensor("allclose", other, "other", 2)
    return bool(np.all(isclose(input, other, rtol, atol, equal_nan)._data))


def equal(input: Tensor, other: Tensor) -> bool:
    """``True`` if two tensors have the same size and elements, ``False`` otherwise."""
    _need_tensor("equal", input)
    _need_tensor("equal", other, "other", 2)
    if input._data.shape != other._data.shape:
        return False
    return bool(np.all(call(P.eq, (input, other))._data))

# -- logical and bitwise ops ----------------------------------------------------------------------


def _logical(prim, name: str, doc: str):
    def fn(input: Tensor, other: Tensor) -> Tensor:
        _check_tensors(name, input, other)
        return call(prim, (input, other))

    def fn_(self: Tensor, other: Tensor) -> Tensor:
        _check_tensors(name, self, other)
        return call_inplace(prim, (self, other))
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    fn_.__name__, fn_.__doc__ = f"{name}_", f"In-place version of :func:`{name}`."
    return fn, fn_


logical_and, logical_and_ = _logical(
    P.logical_and, "logical_and", "Computes the element-wise logical AND of the given input "
    "tensors. Zeros are treated as False and nonzeros as True.")
logical_or, logical_or_ = _logical(
    E.logical_or, "logical_or", "Computes the element-wise logical OR of the given input "
    "tensors. Zeros are treated as False and nonzeros as True.")
logical_xor, logical_xor_ = _logical(
    E.logical_xor, "logical_xor", "Computes the element-wise logical XOR of the given input "
    "tensors. Zeros are treated as False and nonzeros as True.")


def logical_not_(self: Tensor) -> Tensor:
    """In-place version of :func:`logical_not`."""
    return call_inplace(E.logical_not, (self,))


def _bitwise_args(prim, name: str, input, other) -> tuple:
    """(input, other) of a bitwise op: integer or bool operands, one may be a number."""
    if not ((isinstance(input, Tensor) and (isinstance(other, Tensor) or _is_number(other)))
            or (_is_number(input) and isinstance(other, Tensor))):
        raise _invalid(name, (input, other), ("Tensor input, Tensor other, *, Tensor out = None",
                                              "Number self, Tensor other",
                                              "Tensor input, Number other, *, Tensor out = None"))
    input, other = _number(input), _number(other)
    res = _dtype.result_type((input, other))
    if res.category == _dtype._FLOAT:
        raise _not_implemented(f"{name}_cpu", res)
    return input, other


def _bitwise(prim, name: str, doc: str):
    def fn(input, other) -> Tensor:
        return call(prim, _bitwise_args(prim, name, input, other))

    def fn_(self: Tensor, other) -> Tensor:
        return call_inplace(prim, _bitwise_args(prim, name, self, other))

    def operator(self: Tensor, other, reflected: bool = False):
        if not isinstance(other, Tensor) and not _is_number(other):
            return NotImplemented
        return fn(other, self) if reflected else fn(self, other)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    fn_.__name__, fn_.__doc__ = f"{name}_", f"In-place version of :func:`{name}`."
    return fn, fn_, operator, lambda self, other: operator(self, other, reflected=True)


bitwise_and, bitwise_and_, _and, _rand = _bitwise(
    E.bitwise_and, "bitwise_and", "Computes the bitwise AND of ``input`` and ``other`` (logical "
    "AND for bool tensors).")
bitwise_or, bitwise_or_, _or, _ror = _bitwise(
    E.bitwise_or, "bitwise_or", "Computes the bitwise OR of ``input`` and ``other`` (logical OR "
    "for bool tensors).")
bitwise_xor, bitwise_xor_, _xor, _rxor = _bitwise(
    E.bitwise_xor, "bitwise_xor", "Computes the bitwise XOR of ``input`` and ``other`` (logical "
    "XOR for bool tensors).")


def bitwise_not(input: Tensor) -> Tensor:
    """Computes the bitwise NOT of ``input`` (logical NOT for bool tensors)."""
    _need_tensor("bitwise_not", input)
    if input._dtype.category == _dtype._FLOAT:
        raise _not_implemented("bitwise_not_cpu", input._dtype)
    return call(E.bitwise_not, (input,))


def bitwise_not_(self: Tensor) -> Tensor:
    """In-place version of :func:`bitwise_not`."""
    if self._dtype.category == _dtype._FLOAT:
        raise _not_implemented("bitwise_not_cpu", self._dtype)
    return call_inplace(E.bitwise_not, (self,))


def _invert(self: Tensor) -> Tensor:
    """``~self``: integer and bool tensors only."""
    if self._dtype.category == _dtype._FLOAT:
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type "
                        "tensors")
    return call(E.bitwise_not, (self,))


__all__ = [
    "acos", "acosh", "allclose", "asin", "asinh", "atan", "atan2", "atanh", "bitwise_and",
    "bitwise_not", "bitwise_or", "bitwise_xor", "ceil", "clamp", "clip", "cosh", "eq", "equal",
    "erf", "erfc", "erfinv", "exp2", "expm1", "floor", "fmod", "frac", "ge", "gt", "hypot",
    "isclose", "isfinite", "isinf", "isnan", "le", "lerp", "log10", "log1p", "log2", "logaddexp",
    "logical_and", "logical_not", "logical_or", "logical_xor", "logit", "lt", "maximum", "minimum",
    "nan_to_num", "ne", "remainder", "round", "rsqrt", "sinh", "square", "tan", "trunc", "where",
    "xlogy",
]

#: names exported as chainrule.nn.functional.<name>
NN_ALL: list = []

#: Tensor methods this module provides (name -> function taking the tensor first)
METHODS: dict = {
    **{fn.__name__: fn for fn in _FLOAT_UNARY},
    **{f"{fn.__name__}_": _inplace(getattr(E, fn.__name__), fn.__name__) for fn in _FLOAT_UNARY},
    "asinh_": _inplace(E.asinh_inplace, "asinh"), "acosh_": _inplace(E.acosh_inplace, "acosh"),
    "atanh_": _inplace(E.atanh_inplace, "atanh"),
    "square": square, "square_": square_, "logit": logit, "logit_": logit_,
    "nan_to_num": nan_to_num, "nan_to_num_": nan_to_num_,
    "floor": floor, "floor_": floor_, "ceil": ceil, "ceil_": ceil_, "trunc": trunc,
    "trunc_": trunc_, "round": round, "round_": round_, "frac": frac, "frac_": frac_,
    "atan2": atan2, "atan2_": atan2_, "hypot": hypot, "hypot_": hypot_, "logaddexp": logaddexp,
    "maximum": maximum, "minimum": minimum, "fmod": fmod, "fmod_": fmod_,
    "remainder": remainder, "remainder_": remainder_, "__mod__": _mod_operator,
    "__rmod__": _rmod_operator,
    "__imod__": remainder_, "xlogy": xlogy, "xlogy_": xlogy_, "lerp": lerp, "lerp_": lerp_,
    "clamp": clamp, "clamp_": clamp_, "clip": clip, "clip_": clip_, "where": _where_method,
    "eq": eq, "ne": ne, "lt": lt, "le": le, "gt": gt, "ge": ge, "isclose": isclose,
    "allclose": allclose, "equal": equal, "isnan": isnan, "isinf": isinf, "isfinite": isfinite,
    "logical_and": logical_and, "logical_or": logical_or, "logical_xor": logical_xor,
    "logical_not": logical_not, "logical_and_": logical_and_, "logical_or_": logical_or_,
    "logical_xor_": logical_xor_, "logical_not_": logical_not_,
    "bitwise_and": bitwise_and, "bitwise_and_": bitwise_and_, "bitwise_or": bitwise_or,
    "bitwise_or_": bitwise_or_, "bitwise_xor": bitwise_xor, "bitwise_xor_": bitwise_xor_,
    "bitwise_not": bitwise_not, "bitwise_not_": bitwise_not_,
    "__and__": _and, "__rand__": _rand, "__iand__": bitwise_and_, "__or__": _or, "__ror__": _ror,
    "__ior__": bitwise_or_, "__xor__": _xor, "__rxor__": _rxor, "__ixor__": bitwise_xor_,
    "__invert__": _invert,
}
