"""op_db rows of the elementwise family: pointwise math, rounding, clamp, lerp, where,
comparisons, tests, logical and bitwise ops, their Tensor methods, operators and in-place forms."""
from __future__ import annotations

import math
from typing import Callable, Iterator

import numpy as np

from op_db import Const, Maker, OpSpec, Sample, TArg

NAN, INF = math.nan, math.inf

# -- argument makers ----------------------------------------------------------------------------


def _v(mk: Maker, shape: tuple, domain, layout: str = "contig", requires_grad: bool = True) -> TArg:
    """A float argument: ``domain`` "real" / "positive" (Maker's) or a (low, high) range."""
    if isinstance(domain, str):
        return mk.t(*shape, domain=domain, layout=layout, requires_grad=requires_grad)
    return TArg(mk.rng.uniform(domain[0], domain[1], shape), layout, requires_grad)


def _vals(*values, requires_grad: bool = True) -> TArg:
    """A float argument with exactly these values (ties, bounds, nan, inf)."""
    return TArg(np.array(values, dtype=np.float64), requires_grad=requires_grad)


def _ints(*values) -> Const:
    return Const(np.array(values, dtype=np.int64))


def _bools(*values) -> Const:
    return Const(np.array(values, dtype=np.bool_))


SPECIAL = (NAN, INF, -INF, 0.0, -0.0, 1.0, -2.5)

# -- sample generators --------------------------------------------------------------------------


def _unary_in(domain, ints: bool = True, special: bool = True) -> Callable[[Maker], Iterator[Sample]]:
    """The usual unary samples with values in ``domain``, plus integer and nan/inf inputs."""
    def samples(mk: Maker) -> Iterator[Sample]:
        yield mk.s("2x3", _v(mk, (2, 3), domain))
        yield mk.s("0d", _v(mk, (), domain))
        yield mk.s("2x1x3", _v(mk, (2, 1, 3), domain))
        yield mk.s("T", _v(mk, (3, 4), domain, "T"))
        yield mk.s("step", _v(mk, (5,), domain, "step"))
        yield mk.s("size0", _v(mk, (0, 2), domain))
        if ints:
            yield mk.s("int", _ints(1, 0, 2), gradcheck=False)
            yield mk.s("bool", _bools(True, False), gradcheck=False)
        if special:
            yield mk.s("special", _vals(*SPECIAL), gradcheck=False)
    return samples


def _pairs(dx="real", dy="real", special: bool = False,
           ints: bool = True) -> Callable[[Maker], Iterator[Sample]]:
    """Tensor-tensor pairs (as op_db's) with values in the domains of x and y."""
    def samples(mk: Maker) -> Iterator[Sample]:
        def a(*s, **kw):
            return _v(mk, s, dx, **kw)

        def b(*s, **kw):
            return _v(mk, s, dy, **kw)
        yield mk.s("same", a(2, 3), b(2, 3))
        yield mk.s("bcast_row", a(2, 3), b(3))
        yield mk.s("bcast_both", a(2, 1, 3), b(4, 1))
        yield mk.s("0d_0d", a(), b())
        yield mk.s("0d_2d", a(), b(2, 3))
        yield mk.s("2d_0d", a(2, 3), b())
        yield mk.s("T_contig", a(2, 3, layout="T"), b(2, 3))
        yield mk.s("step_T", a(3, 3, layout="step"), b(3, 3, layout="T"))
        yield mk.s("size0", a(0, 3), b(3))
        yield mk.s("nograd_other", a(2, 3), b(2, 3, requires_grad=False))
        yield mk.s("int_other", a(3), _ints(1, 2, 3), gradcheck=False)
        if ints:
            yield mk.s("int_int", _ints(1, 2, 3), _ints(2, 3, 1), gradcheck=False)
        if special:
            yield mk.s("special", _vals(*SPECIAL), _vals(1.0, 1.0, 2.0, 0.0, 3.0, 1.0, NAN),
                       gradcheck=False)
    return samples


def _with_numbers(pairs, numbers=(2.5, 3, -1.5)) -> Callable[[Maker], Iterator[Sample]]:
    """``pairs`` plus tensor-number samples."""
    def samples(mk: Maker) -> Iterator[Sample]:
        yield from pairs(mk)
        for i, n in enumerate(numbers):
            yield mk.s(f"number{i}", mk.t(2, 3), n)
        yield mk.s("0d_number", mk.t(), numbers[0])
        yield mk.s("int_number", _ints(5, -5, 7), numbers[1], gradcheck=False)
    return samples


def _number_first_modulo_samples(mk: Maker) -> Iterator[Sample]:
    # no requires-grad tensor: PyTorch records remainder(Number, Tensor) with no derivative
    yield mk.s("float", 2.5, mk.t(2, 3, requires_grad=False), gradcheck=False)
    yield mk.s("int_float", 5, mk.t(3, requires_grad=False), gradcheck=False)
    yield mk.s("int_int", 5, _ints(3, -2, 7), gradcheck=False)
    yield mk.s("0d", -1.5, mk.t(requires_grad=False), gradcheck=False)


def _tie_samples(mk: Maker) -> Iterator[Sample]:
    yield from _pairs(special=True)(mk)
    yield mk.s("ties", _vals(1.0, 2.0, 3.0, -1.0), _vals(1.0, 3.0, 2.0, -1.0), gradcheck=False)
    yield mk.s("nan", _vals(NAN, 1.0, NAN), _vals(1.0, NAN, NAN), gradcheck=False)


def _xlogy_samples(mk: Maker) -> Iterator[Sample]:
    yield from _pairs("real", "positive")(mk)
    yield mk.s("zeros", _vals(0.0, 0.0, 1.0, 2.0, 0.0, NAN, 0.0),
               _vals(0.0, -1.0, 2.0, 0.0, NAN, 1.0, 3.0), gradcheck=False)
    yield mk.s("number_other", mk.t(2, 3), 2.5)
    yield mk.s("number_other_int", mk.t(2, 3), 3)
    yield mk.s("number_other_0", _vals(0.0, 1.5, -2.0), 0.0, gradcheck=False)
    yield mk.s("number_other_neg", _vals(0.0, 1.5), -1.0, gradcheck=False)
    yield mk.s("number_other_nan", _vals(0.0, 1.5), NAN, gradcheck=False)
    yield mk.s("number_self", 2.5, mk.t(2, 3, domain="positive"))
    yield mk.s("number_self_0", 0, _vals(0.0, 1.5, NAN, INF), gradcheck=False)
    yield mk.s("number_self_int_tensor", 2, _ints(1, 2, 3), gradcheck=False)


def _modulo_samples(mk: Maker) -> Iterator[Sample]:
    yield from _with_numbers(_pairs(special=True), (2.5, 3, -1.5))(mk)
    yield mk.s("neg_zero", _vals(-0.0, 0.0, -3.0, 3.0, 5.5), _vals(2.0, -2.0, 2.0, -2.0, -2.0),
               gradcheck=False)
    yield mk.s("int_tensor_int8", Const(np.array([5, -5, 7], np.int8)), 300, gradcheck=False)


def _rounding_samples(mk: Maker) -> Iterator[Sample]:
    yield from _unary_in("real", ints=False)(mk)
    yield mk.s("halves", _vals(0.5, 1.5, 2.5, -0.5, -1.5, -2.5), gradcheck=False)
    yield mk.s("int", _ints(1, -2, 3), gradcheck=False)


def _round_decimals_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("1", mk.t(2, 3), decimals=1)
    yield mk.s("2_T", mk.t(3, 4, layout="T"), decimals=2)
    yield mk.s("0", mk.t(2, 3), decimals=0)
    yield mk.s("neg1", TArg(mk.rng.uniform(-300, 300, (2, 3))), decimals=-1)
    yield mk.s("0d", mk.t(), decimals=3)
    yield mk.s("size0", mk.t(0, 3), decimals=1)
    yield mk.s("ties", _vals(0.25, 1.35, -2.5, 15.0, 25.0), decimals=1, gradcheck=False)


def _logit_samples(mk: Maker) -> Iterator[Sample]:
    yield from _unary_in((0.05, 0.95), special=False)(mk)
    yield mk.s("eps", _vals(0.02, 0.3, 0.7, 0.97), 0.1)
    yield mk.s("eps_kw_T", _v(mk, (3, 4), (0.05, 0.95), "T"), eps=0.2)
    yield mk.s("outside", _vals(0.0, 1.0, -0.5, 1.5, NAN), gradcheck=False)
    yield mk.s("eps_outside", _vals(0.0, 0.1, 0.9, 1.0, -0.5, 1.5, NAN), eps=0.1, gradcheck=False)


def _nan_to_num_samples(mk: Maker) -> Iterator[Sample]:
    yield from _unary_in("real")(mk)
    yield mk.s("values", _vals(NAN, INF, -INF, 1.0), 1.0, 2.0, -3.0, gradcheck=False)
    yield mk.s("kw", _vals(NAN, INF, -INF, 1.0), posinf=10.0, gradcheck=False)


def _clamp_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("both", mk.t(2, 3), -0.5, 0.5)
    yield mk.s("min", mk.t(2, 3), 0.3)
    yield mk.s("max_kw", mk.t(2, 3), max=0.3)
    yield mk.s("min_kw_None_max", mk.t(2, 3), None, 1.0)
    yield mk.s("int_bounds", mk.t(2, 3), -1, 1)
    yield mk.s("inverted", mk.t(2, 3), 1.0, -1.0)
    yield mk.s("0d", mk.t(), -0.5, 0.5)
    yield mk.s("T", mk.t(3, 4, layout="T"), -1.0, 1.0)
    yield mk.s("size0", mk.t(0, 3), 0.0, 1.0)
    yield mk.s("at_bounds", _vals(-1.0, 0.0, 1.0, 2.0, NAN), 0.0, 1.0, gradcheck=False)
    yield mk.s("at_min", _vals(-1.0, 0.0, 1.0), 0.0, gradcheck=False)
    yield mk.s("at_max", _vals(-1.0, 0.0, 1.0), None, 0.0, gradcheck=False)
    yield mk.s("nan_bound", _vals(-1.0, 0.0, 1.0), NAN, gradcheck=False)
    yield mk.s("int_input", _ints(-3, 0, 4), -1, 2, gradcheck=False)
    yield mk.s("int_input_float_bound", _ints(-3, 0, 4), 0.5, gradcheck=False)
    yield mk.s("bool_input_int_bound", _bools(True, False), 0, gradcheck=False)
    # tensor bounds (ClampBackward0): broadcasting, one missing, min > max in places
    yield mk.s("t_both", mk.t(2, 3), mk.t(2, 3), mk.t(3))
    yield mk.s("t_min", mk.t(2, 3), mk.t(3))
    yield mk.s("t_max", mk.t(2, 3), None, mk.t(2, 1))
    yield mk.s("t_0d_bounds", mk.t(2, 3), mk.t(), mk.t())
    yield mk.s("t_T", mk.t(3, 3, layout="T"), mk.t(3, 3, layout="step"), mk.t(3))
    yield mk.s("t_nograd_bounds", mk.t(2, 3), mk.t(3, requires_grad=False),
               mk.t(3, requires_grad=False))
    yield mk.s("t_bounds_grad_only", mk.t(2, 3, requires_grad=False), mk.t(2, 3), mk.t(2, 3))
    yield mk.s("t_size0", mk.t(0, 3), mk.t(3), mk.t(3))
    yield mk.s("t_edges", _vals(0.0, 1.0, 2.0, 3.0, NAN, 1.5), _vals(1.0, 1.0, 1.0, 3.5, 1.0, 2.0),
               _vals(2.0, 2.0, 2.0, 2.5, 2.0, 1.0), gradcheck=False)
    yield mk.s("t_int_input", _ints(-3, 0, 4), mk.t(3), gradcheck=False)
    yield mk.s("t_bools", _bools(True, False), _bools(True, True), gradcheck=False)


def _lerp_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("w_small", mk.t(2, 3), mk.t(2, 3), 0.3)
    yield mk.s("w_large", mk.t(2, 3), mk.t(3), 0.7)
    yield mk.s("w_neg", mk.t(2, 1), mk.t(3), -0.2)
    yield mk.s("w_int", mk.t(2, 3), mk.t(2, 3), 2)
    yield mk.s("w_one", mk.t(3), mk.t(3), 1.0)
    yield mk.s("0d", mk.t(), mk.t(), 0.5)
    yield mk.s("T", mk.t(3, 3, layout="T"), mk.t(3, 3, layout="step"), 0.25)
    yield mk.s("size0", mk.t(0, 3), mk.t(3), 0.5)
    yield mk.s("w_tensor", mk.t(2, 3), mk.t(2, 3), _v(mk, (2, 3), (-1.0, 2.0)))
    yield mk.s("w_tensor_bcast", mk.t(2, 1), mk.t(3), _v(mk, (2, 3), (-1.0, 2.0)))
    yield mk.s("w_tensor_0d", mk.t(2, 3), mk.t(2, 3), _v(mk, (), (0.0, 1.0)))
    yield mk.s("w_tensor_nograd", mk.t(2, 3), mk.t(3), _v(mk, (3,), (0.0, 1.0), requires_grad=False))
    yield mk.s("w_tensor_T", mk.t(3, 3, layout="T"), mk.t(3, 3), _v(mk, (3, 3), (0.0, 1.0), "step"))


def _where_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("same", mk.mask(2, 3), mk.t(2, 3), mk.t(2, 3))
    yield mk.s("bcast", mk.mask(2, 1), mk.t(3), mk.t(2, 3))
    yield mk.s("bcast_cond", mk.mask(4, 2, 3), mk.t(2, 3), mk.t(1, 3))
    yield mk.s("0d", mk.mask(), mk.t(), mk.t())
    yield mk.s("T", mk.mask(3, 3), mk.t(3, 3, layout="T"), mk.t(3, 3, layout="step"))
    yield mk.s("number_x", mk.mask(2, 3), 2.5, mk.t(2, 3))
    yield mk.s("number_y", mk.mask(2, 3), mk.t(3), 0.0)
    yield mk.s("numbers", mk.mask(2, 3), 1.0, 0.0, gradcheck=False)
    yield mk.s("int_numbers", mk.mask(2, 3), 1, 0, gradcheck=False)
    yield mk.s("int_tensor_float_number", mk.mask(3), _ints(1, 2, 3), 2.5, gradcheck=False)
    yield mk.s("nograd_y", mk.mask(2, 3), mk.t(2, 3), mk.t(2, 3, requires_grad=False))
    yield mk.s("size0", Const(np.zeros((0, 3), np.bool_)), mk.t(0, 3), mk.t(3))
    yield mk.s("0d_dims", mk.mask(2, 3), mk.t(), mk.t(2, 3))


def _comparison_samples(mk: Maker) -> Iterator[Sample]:
    yield from _with_numbers(_pairs(special=True), (0.5, 1, -0.5))(mk)
    yield mk.s("equal_values", _vals(1.0, 2.0, 3.0), _vals(1.0, 2.5, 3.0))
    yield mk.s("bool_int", _bools(True, False, True), _ints(1, 1, 0))


def _isclose_samples(mk: Maker) -> Iterator[Sample]:
    x = mk.t(2, 3)
    near = TArg(x.value * (1 + mk.rng.choice([1e-9, 1e-4, -1e-6], (2, 3))))
    yield mk.s("near", x, near)
    yield mk.s("bcast", mk.t(2, 3), mk.t(3))
    yield mk.s("0d", mk.t(), mk.t())
    yield mk.s("tols", x, near, rtol=1e-3, atol=0.0)
    yield mk.s("atol", x, near, 0.0, 1e-3)
    yield mk.s("exact", x, near, rtol=0.0, atol=0.0)
    yield mk.s("special", _vals(NAN, INF, -INF, 1.0, NAN), _vals(NAN, INF, INF, 1.0 + 1e-6, 1.0))
    yield mk.s("equal_nan", _vals(NAN, INF, -INF, 1.0, NAN), _vals(NAN, INF, INF, 1.0, 1.0),
               equal_nan=True)
    yield mk.s("ints", _ints(1, 2, 30), _ints(1, 3, 31), atol=1)
    yield mk.s("T_size0", mk.t(0, 3), mk.t(3))


def _equal_samples(mk: Maker) -> Iterator[Sample]:
    x = mk.t(2, 3)
    yield mk.s("same", x, TArg(x.value))
    yield mk.s("differ", mk.t(2, 3), mk.t(2, 3))
    yield mk.s("shapes", x, TArg(x.value[None]))
    yield mk.s("bcast", TArg(np.ones(3)), TArg(np.ones(1)))
    yield mk.s("nan", _vals(NAN, 1.0), _vals(NAN, 1.0))
    yield mk.s("T", mk.t(3, 3, layout="T"), mk.t(3, 3))
    yield mk.s("ints_floats", _ints(1, -2, 3), _vals(1.0, -2.0, 3.0))
    yield mk.s("size0", mk.t(0, 3), mk.t(0, 3))


def _test_samples(mk: Maker) -> Iterator[Sample]:
    yield from _unary_in("real")(mk)
    yield mk.s("special_T", TArg(np.array([[NAN, 1.0], [INF, -INF]]), "T"))


def _logical_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("bools", mk.mask(2, 3), mk.mask(2, 3))
    yield mk.s("bcast", mk.mask(2, 1), mk.mask(3))
    yield mk.s("ints", _ints(0, 1, -2, 0), _ints(0, 0, 3, 5))
    yield mk.s("floats", _vals(0.0, 1.5, -0.0, NAN), _vals(0.0, 0.0, 2.0, 0.0))
    yield mk.s("mixed", _vals(0.0, 1.5, 2.0), _ints(1, 0, 3))
    yield mk.s("0d", mk.mask(), mk.mask(2))
    yield mk.s("size0", Const(np.zeros((0, 3), np.bool_)), mk.mask(3))


def _bitwise_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("bools", mk.mask(2, 3), mk.mask(2, 3))
    yield mk.s("ints", _ints(0, 1, -2, 7), _ints(3, 5, 6, -1))
    yield mk.s("bcast", _ints(12, 10), Const(np.array([[1], [6]], np.int64)))
    yield mk.s("int32_uint8", Const(np.array([5, -3], np.int32)), Const(np.array([3, 255], np.uint8)))
    yield mk.s("bool_int", _bools(True, False), _ints(3, 4))
    yield mk.s("int_number", _ints(12, 10, -1), 6)
    yield mk.s("bool_true", _bools(True, False), True)
    yield mk.s("int8_number", Const(np.array([12, -10], np.int8)), 3)
    yield mk.s("size0", Const(np.zeros((0, 2), np.int64)), _ints(1, 2))


def _bitwise_number_first(mk: Maker) -> Iterator[Sample]:
    yield mk.s("int", 6, _ints(12, 10, -1))
    yield mk.s("bool", True, _bools(True, False))


def _int_unary_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("ints", _ints(0, 1, -2, 7))
    yield mk.s("bools", _bools(True, False))
    yield mk.s("int8_T", Const(np.array([[1, 2], [3, -4]], np.int8).T))
    yield mk.s("0d", Const(np.array(5, np.int64)))
    yield mk.s("size0", Const(np.zeros((0,), np.uint8)))


def _inplace_samples(mk: Maker, make_args) -> Iterator[Sample]:
    """Two samples of an in-place method: the tensor itself is a clone (in place on a leaf is
    an error), so its graph is CloneBackward0 -> the op."""
    yield mk.s("2x3", *make_args(mk, (2, 3)))
    yield mk.s("T", *make_args(mk, (3, 3), "T"))

# -- NumPy references ---------------------------------------------------------------------------


def _floats(x):
    """An integer or bool array as PyTorch's float ops take it: the default float32."""
    return x if not isinstance(x, np.ndarray) or x.dtype.kind == "f" else x.astype(np.float32)


def _float_ref(fn):
    return lambda *args, **kw: fn(*[_floats(a) for a in args], **kw)


def _elementwise_ref(scalar_fn):
    def ref(x):
        out = np.vectorize(scalar_fn, otypes=[np.float64])(x.astype(np.float64))
        return np.asarray(out).astype(x.dtype)
    return ref


def _erfinv_scalar(y: float) -> float:
    """erfinv by bisection on math.erf (slow and independent of chainrule's)."""
    if math.isnan(y) or abs(y) > 1:
        return NAN
    if abs(y) == 1:
        return math.copysign(INF, y)
    lo, hi = -6.0, 6.0
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if math.erf(mid) < y else (lo, mid)
    return (lo + hi) / 2


def _whole_ref(fn):
    return lambda x: fn(x) if x.dtype.kind == "f" else x


def _round_ref(x, decimals=0):
    return np.round(x, decimals)


def _logit_ref(x, eps=None):
    if eps is not None:
        x = np.where(x < eps, eps, np.where(x > 1 - eps, 1 - eps, x)).astype(x.dtype)
    return np.log(x / (1 - x))


def _promoted(fn):
    """``fn`` with integer arrays meeting float arrays taken in the float dtype (PyTorch's
    promotion; NumPy's would widen float32 to float64)."""
    def ref(*args, **kw):
        floats = [a.dtype for a in args if isinstance(a, np.ndarray) and a.dtype.kind == "f"]
        if floats:
            dt = np.result_type(*floats)
            args = [a.astype(dt) if isinstance(a, np.ndarray) and a.dtype.kind in "biu" else a
                    for a in args]
        return fn(*args, **kw)
    return ref


def _python_mod(x, y):
    r = np.fmod(x, y)
    return np.where((r != 0) & ((r < 0) != (np.asarray(y) < 0)), r + y, r)


def _modulo_ref(fn):
    """fmod / remainder with a Python int wrapped into an integer tensor's dtype."""
    def ref(x, y):
        if isinstance(y, int) and x.dtype.kind in "iu":
            y = np.array(y).astype(x.dtype)[()]
        return _promoted(fn)(x, y)
    return ref


@_promoted
def _xlogy_ref(x, y):
    x, y = _floats(x), _floats(y)
    if not isinstance(x, np.ndarray):
        x = np.asarray(x, dtype=y.dtype)
    if not isinstance(y, np.ndarray):
        y = np.asarray(y, dtype=x.dtype)
    with np.errstate(all="ignore"):
        return np.where(np.isnan(y), np.nan, np.where(x == 0, 0, x * np.log(y))).astype(
            np.result_type(x, y))


def _clamp_ref(x, min=None, max=None):
    bounds = [b for b in (min, max) if b is not None]
    if x.dtype.kind in "biu" and any(isinstance(b, float) for b in bounds):
        x = x.astype(np.float32)
    elif x.dtype.kind == "b" and any(isinstance(b, int) and not isinstance(b, bool) for b in bounds):
        x = x.astype(np.int64)
    return _promoted(_clamp_arrays)(x, min, max)


def _clamp_arrays(x, min, max):
    lo = x if min is None else np.maximum(x, min)
    return lo if max is None else np.minimum(lo, max)


def _lerp_ref(x, y, w):
    return x + w * (y - x)


def _where_ref(c, x, y):
    arrays = [a for a in (x, y) if isinstance(a, np.ndarray)]
    if not arrays:
        return np.where(c, x, y).astype(np.float32 if float in (type(x), type(y)) else np.int64)
    if any(isinstance(a, float) for a in (x, y)) and arrays[0].dtype.kind in "biu":
        x, y = (a.astype(np.float32) if isinstance(a, np.ndarray) else a for a in (x, y))
    return _promoted(np.where)(c, x, y)


def _nan_to_num_ref(x, nan=0.0, posinf=None, neginf=None):
    return np.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)


def _isclose_ref(x, y, rtol=1e-05, atol=1e-08, equal_nan=False):
    return np.isclose(x, y, rtol, atol, equal_nan)

# -- rows ---------------------------------------------------------------------------------------


def _fn(name: str):
    return lambda m, *a, **kw: getattr(m, name)(*a, **kw)


def _method(name: str):
    return lambda m, x, *a, **kw: getattr(x, name)(*a, **kw)


def _inplace_op(name: str):
    return lambda m, x, *a, **kw: getattr(x.clone(), name)(*a, **kw)


def _row(name: str, samples, ref, **flags) -> OpSpec:
    """``torch.<name>`` (covered) and the Tensor method of the same name."""
    return OpSpec(name, _fn(name), samples, ref, covers=(name,), **flags)


UNARY_FLOAT = {  # name: (values, reference)
    "exp2": ("real", np.exp2), "expm1": ("real", np.expm1), "log2": ("positive", np.log2),
    "log10": ("positive", np.log10), "log1p": ("positive", np.log1p),
    "rsqrt": ("positive", lambda x: 1 / np.sqrt(x)), "tan": ((-1.2, 1.2), np.tan),
    "asin": ((-0.9, 0.9), np.arcsin), "acos": ((-0.9, 0.9), np.arccos), "atan": ("real", np.arctan),
    "sinh": ("real", np.sinh), "cosh": ("real", np.cosh), "asinh": ("real", np.arcsinh),
    "acosh": ((1.2, 3.0), np.arccosh), "atanh": ((-0.9, 0.9), np.arctanh),
    "erf": ("real", _elementwise_ref(math.erf)), "erfc": ("real", _elementwise_ref(math.erfc)),
    "erfinv": ((-0.9, 0.9), _elementwise_ref(_erfinv_scalar)),
}

ROWS: list[OpSpec] = [
    *[_row(name, _unary_in(values), _float_ref(ref)) for name, (values, ref) in UNARY_FLOAT.items()],
    _row("square", _unary_in("real"), lambda x: np.square(x.astype(np.int64) if x.dtype == bool else x)),
    _row("logit", _logit_samples, _float_ref(_logit_ref)),
    _row("nan_to_num", _nan_to_num_samples, _nan_to_num_ref),
    # rounding: zero gradients; integers pass through unchanged
    _row("floor", _rounding_samples, _whole_ref(np.floor)),
    _row("ceil", _rounding_samples, _whole_ref(np.ceil)),
    _row("trunc", _rounding_samples, _whole_ref(np.trunc)),
    _row("round", _rounding_samples, _whole_ref(np.round)),
    OpSpec("round_decimals", _fn("round"), _round_decimals_samples, _round_ref),
    _row("frac", _unary_in("real", ints=False), lambda x: x - np.trunc(x)),
    # binary math
    _row("atan2", _pairs(special=True), _float_ref(_promoted(np.arctan2))),
    _row("hypot", _pairs(special=True, ints=False), _promoted(np.hypot)),
    _row("logaddexp", _pairs(special=True, ints=False), _promoted(np.logaddexp)),
    _row("maximum", _tie_samples, _promoted(np.maximum)),
    _row("minimum", _tie_samples, _promoted(np.minimum)),
    _row("fmod", _modulo_samples, _modulo_ref(np.fmod)),
    _row("remainder", _modulo_samples, _modulo_ref(_python_mod)),
    OpSpec("__mod__", lambda m, x, y: x % y, _modulo_samples, _modulo_ref(_python_mod)),
    OpSpec("remainder_number_first", _fn("remainder"), _number_first_modulo_samples,
           lambda a, x: _python_mod(a, _floats(x)) if isinstance(a, float) else _python_mod(a, x),
           gradcheck=False),
    OpSpec("__rmod__", lambda m, a, x: a % x, _number_first_modulo_samples,
           lambda a, x: _python_mod(a, _floats(x)) if isinstance(a, float) else _python_mod(a, x),
           gradcheck=False),
    _row("xlogy", _xlogy_samples, _xlogy_ref),
    _row("lerp", _lerp_samples, _lerp_ref),
    _row("clamp", _clamp_samples, _clamp_ref),
    _row("clip", _clamp_samples, _clamp_ref),
    _row("where", _where_samples, _where_ref),
    OpSpec("Tensor.where", lambda m, c, x, y: x.where(c, y),
           lambda mk: (s for s in _where_samples(mk) if not isinstance(s.args[1], (int, float))),
           _where_ref),
    # comparisons and tests (no gradient)
    *[_row(name, _comparison_samples, fn, gradcheck=False) for name, fn in (
        ("eq", np.equal), ("ne", np.not_equal), ("lt", np.less), ("le", np.less_equal),
        ("gt", np.greater), ("ge", np.greater_equal))],
    _row("isclose", _isclose_samples, _isclose_ref, gradcheck=False),
    OpSpec("allclose", lambda m, *a, **kw: m.tensor(m.allclose(*a, **kw)), _isclose_samples,
           lambda *a, **kw: np.array(np.all(_isclose_ref(*a, **kw))), gradcheck=False,
           covers=("allclose",)),
    OpSpec("equal", lambda m, x, y: m.tensor(m.equal(x, y)), _equal_samples,
           lambda x, y: np.array(x.shape == y.shape and bool(np.all(x == y))), gradcheck=False,
           covers=("equal",)),
    *[_row(name, _test_samples, fn, gradcheck=False)
      for name, fn in (("isnan", np.isnan), ("isinf", np.isinf), ("isfinite", np.isfinite))],
    # logical and bitwise ops, and their operators
    *[_row(name, _logical_samples, getattr(np, name), gradcheck=False)
      for name in ("logical_and", "logical_or", "logical_xor")],
    _row("logical_not", _int_unary_samples, np.logical_not, gradcheck=False),
    *[_row(name, _bitwise_samples, getattr(np, name), gradcheck=False)
      for name in ("bitwise_and", "bitwise_or", "bitwise_xor")],
    _row("bitwise_not", _int_unary_samples, np.invert, gradcheck=False),
    OpSpec("bitwise_and_number_first", _fn("bitwise_and"), _bitwise_number_first,
           lambda a, b: np.bitwise_and(b, a), gradcheck=False),
    *[OpSpec(op, fn, _bitwise_samples, ref, gradcheck=False) for op, fn, ref in (
        ("__and__", lambda m, x, y: x & y, np.bitwise_and),
        ("__or__", lambda m, x, y: x | y, np.bitwise_or),
        ("__xor__", lambda m, x, y: x ^ y, np.bitwise_xor))],
    *[OpSpec(op, fn, _bitwise_number_first, ref, gradcheck=False) for op, fn, ref in (
        ("__rand__", lambda m, a, x: a & x, lambda a, x: np.bitwise_and(x, a)),
        ("__ror__", lambda m, a, x: a | x, lambda a, x: np.bitwise_or(x, a)),
        ("__rxor__", lambda m, a, x: a ^ x, lambda a, x: np.bitwise_xor(x, a)))],
    OpSpec("__invert__", lambda m, x: ~x, _int_unary_samples, np.invert, gradcheck=False),
]

# -- Tensor methods and in-place forms ------------------------------------------------------------


def _inplace_row(name: str, make_args, ref, **flags) -> OpSpec:
    return OpSpec(f"Tensor.{name}", _inplace_op(name), lambda mk: _inplace_samples(mk, make_args),
                  ref, **flags)


def _one(domain):
    return lambda mk, shape, layout="contig": (_v(mk, shape, domain, layout),)


def _two(dx="real", dy="real"):
    return lambda mk, shape, layout="contig": (_v(mk, shape, dx, layout), _v(mk, shape[-1:], dy))


def _bitwise_inplace_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("bools", mk.mask(2, 3), mk.mask(3))
    yield mk.s("ints", _ints(0, 1, -2, 7), _ints(3, 5, 6, -1))
    yield mk.s("int_number", _ints(12, 10, -1), 6)


ROWS += [
    # (asinh_, acosh_ and atanh_ are left out: PyTorch records them with no derivative)
    *[_inplace_row(f"{name}_", _one(values), _float_ref(ref))
      for name, (values, ref) in UNARY_FLOAT.items() if name not in ("asinh", "acosh", "atanh")],
    _inplace_row("square_", _one("real"), np.square),
    _inplace_row("logit_", lambda mk, s, layout="contig": (_v(mk, s, (0.05, 0.95), layout), 0.1),
                 _logit_ref),
    _inplace_row("nan_to_num_", _one("real"), _nan_to_num_ref),
    *[_inplace_row(f"{name}_", _one("real"), fn)
      for name, fn in (("floor", np.floor), ("ceil", np.ceil), ("trunc", np.trunc),
                       ("round", np.round))],
    _inplace_row("frac_", _one("real"), lambda x: x - np.trunc(x)),
    _inplace_row("atan2_", _two(), np.arctan2),
    _inplace_row("hypot_", _two(), np.hypot),
    _inplace_row("fmod_", _two(), np.fmod),
    _inplace_row("remainder_", _two(), _python_mod),
    _inplace_row("__imod__", _two(), _python_mod),
    _inplace_row("xlogy_", _two("real", "positive"), _xlogy_ref),
    _inplace_row("lerp_", lambda mk, s, layout="contig": (_v(mk, s, "real", layout), mk.t(s[-1]), 0.7),
                 _lerp_ref),
    _inplace_row("clamp_", lambda mk, s, layout="contig": (_v(mk, s, "real", layout), -0.5, 0.5),
                 _clamp_ref),
    _inplace_row("clip_", lambda mk, s, layout="contig": (_v(mk, s, "real", layout), mk.t(s[-1]),
                                                          mk.t(*s)), _clamp_ref),
    # no gradient: bool and integer tensors written in place
    *[OpSpec(f"Tensor.{name}", _inplace_op(name), _bitwise_inplace_samples, getattr(np, ref),
             gradcheck=False) for name, ref in (
        ("bitwise_and_", "bitwise_and"), ("bitwise_or_", "bitwise_or"),
        ("bitwise_xor_", "bitwise_xor"), ("__iand__", "bitwise_and"), ("__ior__", "bitwise_or"),
        ("__ixor__", "bitwise_xor"))],
    *[OpSpec(f"Tensor.{name}_", _inplace_op(f"{name}_"), lambda mk: iter([
        mk.s("bools", mk.mask(2, 3), mk.mask(3))]), getattr(np, name), gradcheck=False)
      for name in ("logical_and", "logical_or", "logical_xor")],
    OpSpec("Tensor.logical_not_", _inplace_op("logical_not_"), lambda mk: iter([
        mk.s("bools", mk.mask(2, 3))]), np.logical_not, gradcheck=False),
    OpSpec("Tensor.bitwise_not_", _inplace_op("bitwise_not_"), _int_unary_samples, np.invert,
           gradcheck=False),
    # methods whose name differs from the function's row
    OpSpec("Tensor.clamp", _method("clamp"), _clamp_samples, _clamp_ref),
    OpSpec("Tensor.lerp", _method("lerp"), _lerp_samples, _lerp_ref),
    OpSpec("Tensor.xlogy", _method("xlogy"), lambda mk: (s for s in _xlogy_samples(mk)
                                                        if not s.name.startswith("number_self")),
           _xlogy_ref),
    OpSpec("Tensor.isclose", _method("isclose"), _isclose_samples, _isclose_ref, gradcheck=False),
]
