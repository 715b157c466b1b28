"""THE op catalogue: one ``OpSpec`` row per public op, shared by every generic sweep.

A row's ``op`` is one lambda over a module argument (``op(m, *args, **kwargs)``), so the
same row runs on chainrule and on torch. Its ``samples`` generator yields ``Sample``s whose
tensor arguments are NumPy values (``TArg``: float, differentiable, with a memory layout;
``Const``: an integer/bool tensor that never requires grad); ``build`` turns a sample into
the arguments of either library, in a given float dtype. ``ref`` is a NumPy reference on
the same values. ``grad_fn`` names are not listed here: the oracle asks torch.

Adding an op = one primitive block + one row here.
"""
from __future__ import annotations

import importlib
import math
import warnings
import zlib
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np

# -- sample arguments ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TArg:
    """A floating tensor argument: its values, its layout and whether it requires grad.

    ``layout``: ``"contig"``; ``"T"`` a leaf that is a transposed view (last two dims);
    ``"step"`` a leaf that is a stride-2 view of its last dim.
    """

    value: np.ndarray = field(repr=False)
    layout: str = "contig"
    requires_grad: bool = True

    def __repr__(self) -> str:
        tag = "" if self.layout == "contig" else f":{self.layout}"
        return f"T{list(self.value.shape)}{tag}"


@dataclass(frozen=True)
class Const:
    """A tensor argument of fixed dtype (an index, a mask) that never requires grad."""

    value: np.ndarray = field(repr=False)

    def __repr__(self) -> str:
        return f"{self.value.dtype.name}{list(self.value.shape)}"


@dataclass(frozen=True)
class DType:
    """A dtype argument, by name (``m.float32`` in the library, ``np.float32`` in refs)."""

    name: str

    def __repr__(self) -> str:
        return self.name


@dataclass
class Sample:
    """One call of an op: positional args, keyword args and per-sample check flags."""

    name: str
    args: tuple
    kwargs: dict = field(default_factory=dict)
    gradcheck: bool | None = None       # None: the row's flag
    gradgradcheck: bool | None = None


# -- rows -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpSpec:
    """One public op: how to call it, how to sample it, what NumPy says it computes."""

    name: str
    op: Callable[..., Any]                         # op(m, *args, **kwargs), m = chainrule | torch
    sample_fn: Callable[["Maker"], Iterator[Sample]]
    ref: Callable[..., Any] | None = None          # ref(*numpy_args, **numpy_kwargs)
    domain: str = "real"                           # values of TArgs: "real" | "positive"
    gradcheck: bool = True
    gradgradcheck: bool = True
    covers: tuple = ()                             # names in chainrule.functional.__all__

    def bind(self, module) -> Callable[..., Any]:
        """The op as a callable of ``module`` (``spec.bind(chainrule)``, ``spec.bind(torch)``)."""
        return partial(self.op, module)

    @property
    def chainrule(self) -> Callable[..., Any]:
        import chainrule
        return self.bind(chainrule)

    @property
    def torch(self) -> Callable[..., Any]:
        import torch
        return self.bind(torch)

    def samples(self) -> list[Sample]:
        """The row's samples, generated from a seed fixed by the row's name."""
        return list(self.sample_fn(Maker(zlib.crc32(self.name.encode()), self.domain)))

    def wants_gradcheck(self, sample: Sample) -> bool:
        return self.gradcheck if sample.gradcheck is None else sample.gradcheck

    def wants_gradgradcheck(self, sample: Sample) -> bool:
        if not self.wants_gradcheck(sample):
            return False
        return self.gradgradcheck if sample.gradgradcheck is None else sample.gradgradcheck


class Maker:
    """What a sample generator uses to make arguments: seeded values in the row's domain."""

    def __init__(self, seed: int, domain: str) -> None:
        self.rng = np.random.default_rng(seed)
        self.domain = domain

    def t(self, *shape: int, domain: str | None = None, layout: str = "contig",
          requires_grad: bool = True) -> TArg:
        """A float tensor argument of ``shape``; values kept away from 0 (kinks, poles)."""
        size = self.rng.uniform(0.25, 2.0, shape)
        if (domain or self.domain) == "real":
            size = size * self.rng.choice([-1.0, 1.0], shape)
        return TArg(np.asarray(size, dtype=np.float64), layout, requires_grad)

    @staticmethod
    def idx(data) -> Const:
        """An int64 index tensor."""
        return Const(np.asarray(data, dtype=np.int64))

    def mask(self, *shape: int) -> Const:
        """A random bool mask with at least one True."""
        m = self.rng.random(shape) < 0.5
        m.flat[0] = True
        return Const(m)

    @staticmethod
    def s(name: str, *args, gradcheck: bool | None = None, gradgradcheck: bool | None = None,
          **kwargs) -> Sample:
        return Sample(name, args, kwargs, gradcheck, gradgradcheck)


# -- building a sample in a library ---------------------------------------------------------------


def _leaf(m, arg: TArg, dtype: str, requires_grad: bool):
    v = arg.value.astype(dtype)
    if arg.layout == "contig":
        t = m.tensor(v)
    elif arg.layout == "T":
        t = m.tensor(np.ascontiguousarray(np.swapaxes(v, -1, -2))).transpose(-1, -2).detach()
    elif arg.layout == "step":
        base = np.zeros(v.shape[:-1] + (2 * v.shape[-1],), dtype=v.dtype)
        base[..., ::2] = v
        t = m.tensor(base)[..., ::2].detach()
    else:
        raise ValueError(f"unknown layout {arg.layout!r}")
    if arg.layout == "T" and min(v.shape[-2:]) > 1 or arg.layout == "step" and v.shape[-1] > 1:
        assert not t.is_contiguous(), arg
    return t.requires_grad_(requires_grad and arg.requires_grad)


def _convert(m, obj, dtype: str, requires_grad: bool):
    if isinstance(obj, TArg):
        return _leaf(m, obj, dtype, requires_grad)
    if isinstance(obj, Const):
        return m.tensor(obj.value)
    if isinstance(obj, DType):
        return getattr(m, obj.name)
    if isinstance(obj, tuple):
        return tuple(_convert(m, o, dtype, requires_grad) for o in obj)
    return obj


def build(m, sample: Sample, dtype: str = "float64", requires_grad: bool = True):
    """(args, kwargs, leaves): ``sample`` in module ``m``; ``leaves`` are the inputs requiring grad."""
    args = tuple(_convert(m, a, dtype, requires_grad) for a in sample.args)
    kwargs = {k: _convert(m, v, dtype, requires_grad) for k, v in sample.kwargs.items()}
    leaves = [a for a in args if getattr(a, "requires_grad", False)]
    return args, kwargs, leaves


def _numpy(obj, dtype: str):
    if isinstance(obj, TArg):
        return obj.value.astype(dtype)
    if isinstance(obj, Const):
        return obj.value
    if isinstance(obj, DType):
        return np.dtype(obj.name)
    if isinstance(obj, tuple):
        return tuple(_numpy(o, dtype) for o in obj)
    return obj


def reference(spec: OpSpec, sample: Sample, dtype: str = "float64") -> np.ndarray:
    """The NumPy reference result of ``sample`` with float inputs in ``dtype``."""
    args = tuple(_numpy(a, dtype) for a in sample.args)
    kwargs = {k: _numpy(v, dtype) for k, v in sample.kwargs.items()}
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # np.mean of an empty slice
        return np.asarray(spec.ref(*args, **kwargs))


# -- sample generators ----------------------------------------------------------------------------


def _unary_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("2x3", mk.t(2, 3))
    yield mk.s("0d", mk.t())
    yield mk.s("2x1x3", mk.t(2, 1, 3))
    yield mk.s("T", mk.t(3, 4, layout="T"))
    yield mk.s("step", mk.t(5, layout="step"))
    yield mk.s("size0", mk.t(0, 2))


def _binary_pairs(mk: Maker, divisor: bool = False) -> Iterator[Sample]:
    """Tensor-tensor pairs: same shape, broadcasting, 0-d, non-contiguous, size 0."""
    yield mk.s("same", mk.t(2, 3), mk.t(2, 3))
    yield mk.s("bcast_row", mk.t(2, 3), mk.t(3))
    yield mk.s("bcast_both", mk.t(2, 1, 3), mk.t(4, 1))
    yield mk.s("0d_0d", mk.t(), mk.t())
    yield mk.s("0d_2d", mk.t(), mk.t(2, 3))
    yield mk.s("2d_0d", mk.t(2, 3), mk.t())
    yield mk.s("T_contig", mk.t(2, 3, layout="T"), mk.t(2, 3))
    yield mk.s("step_T", mk.t(3, 3, layout="step"), mk.t(3, 3, layout="T"))
    yield mk.s("size0", mk.t(0, 3), mk.t(3))
    yield mk.s("nograd_other", mk.t(2, 3), mk.t(2, 3, requires_grad=False))


def _binary_scalars(mk: Maker) -> Iterator[Sample]:
    """Tensor-scalar pairs (the scalar second)."""
    yield mk.s("float", mk.t(2, 3), 2.5)
    yield mk.s("int", mk.t(2, 3), 3)
    yield mk.s("0d_float", mk.t(), -1.5)


def _binary_samples(mk: Maker) -> Iterator[Sample]:
    yield from _binary_pairs(mk)
    yield from _binary_scalars(mk)


def _alpha_samples(mk: Maker) -> Iterator[Sample]:
    yield from _binary_samples(mk)
    yield mk.s("alpha_int", mk.t(2, 3), mk.t(3), alpha=2)
    yield mk.s("alpha_float", mk.t(2, 3), mk.t(2, 3), alpha=0.5)
    yield mk.s("alpha_scalar", mk.t(2, 3), 2.0, alpha=-3)


def _add_sub_samples(mk: Maker) -> Iterator[Sample]:
    yield from _alpha_samples(mk)
    yield mk.s("scalar_first", 2.0, mk.t(2, 3))
    yield mk.s("scalar_first_alpha", 2.0, mk.t(2, 3), alpha=2)


def _scalar_first_samples(mk: Maker) -> Iterator[Sample]:
    """Scalar-tensor pairs (the scalar first)."""
    yield mk.s("float", 2.5, mk.t(2, 3))
    yield mk.s("int", 3, mk.t(2, 3))
    yield mk.s("0d", -1.5, mk.t())
    yield mk.s("T", 0.5, mk.t(2, 3, layout="T"))


def _mul_div_samples(mk: Maker) -> Iterator[Sample]:
    yield from _binary_samples(mk)
    yield mk.s("scalar_first", 2.0, mk.t(2, 3))


def _pow_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("tt_same", mk.t(2, 3, domain="positive"), mk.t(2, 3))
    yield mk.s("tt_bcast", mk.t(2, 3, domain="positive"), mk.t(3))
    yield mk.s("tt_0d", mk.t(domain="positive"), mk.t(2, 3))
    yield mk.s("tt_T", mk.t(2, 3, domain="positive", layout="T"), mk.t(1, 3))
    yield mk.s("tt_size0", mk.t(0, 3, domain="positive"), mk.t(3))
    yield mk.s("int2", mk.t(2, 3), 2)
    yield mk.s("int3_0d", mk.t(), 3)
    yield mk.s("int0", mk.t(2, 3), 0)
    yield mk.s("int_neg1", mk.t(2, 3), -1)
    yield mk.s("float_half", mk.t(2, 3, domain="positive"), 0.5)
    yield mk.s("float_neg", mk.t(3, domain="positive", layout="step"), -1.5)
    yield mk.s("float_one", mk.t(2, 3), 1.0)
    yield mk.s("scalar_base", 2.0, mk.t(2, 3))
    yield mk.s("scalar_base_int", 3, mk.t(3))
    yield mk.s("scalar_base_0d", 0.5, mk.t())


def _rpow_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("float", 2.5, mk.t(2, 3))
    yield mk.s("int", 3, mk.t(2, 3))
    yield mk.s("0d", 0.5, mk.t())
    yield mk.s("T", 1.5, mk.t(2, 3, layout="T"))


def _dim_args(ndim: int) -> list[tuple[str, dict]]:
    return [("dim0", {"dim": 0}), ("dim1", {"dim": 1}), ("dim_neg1", {"dim": -1}),
            ("dims_0_2", {"dim": (0, 2)}), ("dims_neg", {"dim": (-1, 0)}),
            ("dim1_keep", {"dim": 1, "keepdim": True}),
            ("dims_keep", {"dim": (0, -1), "keepdim": True}),
            ("dim_list", {"dim": [1, 2]}), ("dims_all", {"dim": (0, 1, 2)})]


def _reduction_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("all", mk.t(2, 3, 4))
    for name, kw in _dim_args(3):
        yield mk.s(name, mk.t(2, 3, 4), **kw)
    yield mk.s("0d", mk.t())
    yield mk.s("0d_dim0", mk.t(), dim=0)
    yield mk.s("0d_dim_neg1_keep", mk.t(), dim=-1, keepdim=True)
    yield mk.s("T_dim0", mk.t(3, 4, layout="T"), dim=0)
    yield mk.s("step_all", mk.t(2, 5, layout="step"))
    yield mk.s("size0_dim0", mk.t(0, 3), dim=0)
    yield mk.s("size0_dim1", mk.t(0, 3), dim=1)
    yield mk.s("empty_dims", mk.t(2, 3), dim=[])
    yield mk.s("size0_all", mk.t(0, 3))
    yield mk.s("dtype_f64", mk.t(2, 3), dtype=DType("float64"))
    yield mk.s("dim_dtype_f64", mk.t(2, 3), dim=1, dtype=DType("float64"))




def _matmul_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("1d@1d", mk.t(3), mk.t(3))
    yield mk.s("2d@1d", mk.t(2, 3), mk.t(3))
    yield mk.s("1d@2d", mk.t(3), mk.t(3, 2))
    yield mk.s("2d@2d", mk.t(2, 3), mk.t(3, 2))
    yield mk.s("3d@1d", mk.t(2, 2, 3), mk.t(3))
    yield mk.s("3d@2d", mk.t(2, 2, 3), mk.t(3, 2))
    yield mk.s("1d@3d", mk.t(3), mk.t(2, 3, 2))
    yield mk.s("2d@3d", mk.t(2, 3), mk.t(2, 3, 2))
    yield mk.s("3d@3d", mk.t(2, 2, 3), mk.t(2, 3, 2))
    yield mk.s("4d@3d", mk.t(2, 1, 2, 3), mk.t(3, 3, 2))
    yield mk.s("3d@3d_bcast", mk.t(1, 2, 3), mk.t(2, 3, 2))
    yield mk.s("T@T", mk.t(2, 3, layout="T"), mk.t(3, 2, layout="T"))
    yield mk.s("3dT@1d_step", mk.t(2, 2, 3, layout="T"), mk.t(3, layout="step"))
    yield mk.s("step@step", mk.t(3, layout="step"), mk.t(3, layout="step"))
    yield mk.s("size0_rows", mk.t(0, 3), mk.t(3, 2))
    yield mk.s("size0_inner", mk.t(2, 0), mk.t(0, 3))
    yield mk.s("nograd_left", mk.t(2, 3, requires_grad=False), mk.t(3, 2))
    # PyTorch folds into one mm/mv when the smaller operand requires grad or folding needs
    # no copy; else it broadcasts and runs bmm
    yield mk.s("3dT@1d_nograd", mk.t(2, 2, 3, layout="T"), mk.t(3, requires_grad=False))
    yield mk.s("3d@2d_nograd", mk.t(2, 2, 3), mk.t(3, 2, requires_grad=False))
    yield mk.s("1d_nograd@3d", mk.t(3, requires_grad=False), mk.t(2, 3, 2))
    yield mk.s("2d_nograd@3d", mk.t(2, 3, requires_grad=False), mk.t(2, 3, 2))
    yield mk.s("3d@3d_bcast_right", mk.t(2, 2, 3), mk.t(1, 3, 2))
    yield mk.s("3d@3d_bcast_nograd", mk.t(1, 2, 3, requires_grad=False), mk.t(2, 3, 2))
    yield mk.s("4d@1d", mk.t(2, 1, 2, 3), mk.t(3))
    yield mk.s("1d@4d_nograd", mk.t(3, requires_grad=False), mk.t(2, 1, 3, 2))
    yield mk.s("size0_batch", mk.t(0, 2, 3), mk.t(3, 2, requires_grad=False))


def _mm_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("2x3@3x2", mk.t(2, 3), mk.t(3, 2))
    yield mk.s("1x1", mk.t(1, 1), mk.t(1, 4))
    yield mk.s("T@T", mk.t(2, 3, layout="T"), mk.t(3, 2, layout="T"))
    yield mk.s("size0", mk.t(0, 3), mk.t(3, 2))
    yield mk.s("size0_inner", mk.t(2, 0), mk.t(0, 3))
    yield mk.s("nograd_right", mk.t(2, 3), mk.t(3, 2, requires_grad=False))


def _bmm_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("2x2x3@2x3x2", mk.t(2, 2, 3), mk.t(2, 3, 2))
    yield mk.s("T@T", mk.t(2, 2, 3, layout="T"), mk.t(2, 3, 2, layout="T"))
    yield mk.s("size0_batch", mk.t(0, 2, 3), mk.t(0, 3, 2))


def _mv_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("2x3@3", mk.t(2, 3), mk.t(3))
    yield mk.s("T@step", mk.t(2, 3, layout="T"), mk.t(3, layout="step"))
    yield mk.s("size0", mk.t(0, 3), mk.t(3))


def _dot_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("3", mk.t(3), mk.t(3))
    yield mk.s("step", mk.t(4, layout="step"), mk.t(4))
    yield mk.s("size0", mk.t(0), mk.t(0))


def _reshape_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("2x3_to_3x2", mk.t(2, 3), (3, 2))
    yield mk.s("infer", mk.t(2, 3), (-1,))
    yield mk.s("infer_mid", mk.t(2, 3, 2), (2, -1, 3))
    yield mk.s("0d_to_1", mk.t(), (1,))
    yield mk.s("1_to_0d", mk.t(1), ())
    yield mk.s("add_ones", mk.t(2, 3), (1, 2, 1, 3))
    yield mk.s("size0", mk.t(0, 3), (3, 0))


def _reshape_samples_strided(mk: Maker) -> Iterator[Sample]:
    yield from _reshape_samples(mk)
    yield mk.s("T_alias", mk.t(2, 3, layout="T"), (2, 3, 1))
    yield mk.s("T_same_shape", mk.t(2, 3, layout="T"), (2, 3))
    yield mk.s("T_copy", mk.t(2, 3, layout="T"), (6,))
    yield mk.s("step_alias", mk.t(2, 3, layout="step"), (6,))


def _view_samples(mk: Maker) -> Iterator[Sample]:
    yield from _reshape_samples(mk)
    yield mk.s("T_add_one", mk.t(2, 3, layout="T"), (2, 3, 1))
    yield mk.s("step_split", mk.t(2, 4, layout="step"), (2, 2, 2))


def _flatten_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("all", mk.t(2, 3, 2))
    yield mk.s("start1", mk.t(2, 3, 2), 1)
    yield mk.s("start0_end1", mk.t(2, 3, 2), 0, 1)
    yield mk.s("neg", mk.t(2, 3, 2), -2, -1)
    yield mk.s("same_dim", mk.t(2, 3), 1, 1)
    yield mk.s("0d", mk.t())
    yield mk.s("T_copy", mk.t(2, 3, layout="T"))
    yield mk.s("size0", mk.t(2, 0, 3), 1)


def _transpose_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("0_2", mk.t(2, 3, 4), 0, 2)
    yield mk.s("neg", mk.t(2, 3, 4), -1, 0)
    yield mk.s("same", mk.t(2, 3), 1, 1)
    yield mk.s("1d", mk.t(3), 0, -1)
    yield mk.s("0d", mk.t(), 0, -1)
    yield mk.s("T_layout", mk.t(2, 3, layout="T"), 0, 1)
    yield mk.s("size0", mk.t(0, 3), 0, 1)


def _t_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("2d", mk.t(2, 3))
    yield mk.s("1d", mk.t(3))
    yield mk.s("0d", mk.t())
    yield mk.s("T_layout", mk.t(2, 3, layout="T"))
    yield mk.s("size0", mk.t(0, 3))


def _T_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("2d", mk.t(2, 3))
    yield mk.s("3d_warns", mk.t(2, 3, 4))
    yield mk.s("1d_warns", mk.t(3))
    yield mk.s("step", mk.t(2, 3, layout="step"))


def _mT_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("2d", mk.t(2, 3))
    yield mk.s("3d", mk.t(2, 3, 4))
    yield mk.s("T_layout", mk.t(2, 3, layout="T"))


def _permute_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("201", mk.t(2, 3, 4), (2, 0, 1))
    yield mk.s("neg", mk.t(2, 3, 4), (-1, 0, 1))
    yield mk.s("identity", mk.t(2, 3), (0, 1))
    yield mk.s("0d", mk.t(), ())
    yield mk.s("T_layout", mk.t(2, 3, layout="T"), (1, 0))
    yield mk.s("size0", mk.t(0, 2, 3), (1, 2, 0))


def _permute_varargs(m, x, *dims):
    return x.permute(*dims)


def _permute_varargs_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("201", mk.t(2, 3, 4), 2, 0, 1)
    yield mk.s("neg", mk.t(2, 3), -1, 0)


def _squeeze_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("all", mk.t(1, 2, 1, 3))
    yield mk.s("dim0", mk.t(1, 2, 1, 3), 0)
    yield mk.s("dim_neg2", mk.t(1, 2, 1, 3), -2)
    yield mk.s("dim_not1", mk.t(1, 2, 1, 3), 1)
    yield mk.s("dims", mk.t(1, 2, 1, 3), (0, 2))
    yield mk.s("dims_mixed", mk.t(1, 2, 1, 3), (-1, 0))
    yield mk.s("0d", mk.t())
    yield mk.s("0d_dim0", mk.t(), 0)
    yield mk.s("nothing", mk.t(2, 3))
    yield mk.s("T_layout", mk.t(1, 3, layout="T"), 0)
    yield mk.s("size0", mk.t(0, 1, 2))


def _unsqueeze_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("0", mk.t(2, 3), 0)
    yield mk.s("2", mk.t(2, 3), 2)
    yield mk.s("neg1", mk.t(2, 3), -1)
    yield mk.s("neg3", mk.t(2, 3), -3)
    yield mk.s("0d", mk.t(), 0)
    yield mk.s("0d_neg1", mk.t(), -1)
    yield mk.s("T_layout", mk.t(2, 3, layout="T"), 1)
    yield mk.s("size0", mk.t(0, 3), 1)


def _expand_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("col", mk.t(3, 1), (3, 4))
    yield mk.s("lead", mk.t(3, 1), (2, 3, 4))
    yield mk.s("minus1", mk.t(3, 1), (-1, 4))
    yield mk.s("lead_minus1", mk.t(1, 3), (2, -1, 3))
    yield mk.s("0d", mk.t(), (2, 3))
    yield mk.s("same", mk.t(2, 3), (2, 3))
    yield mk.s("to_size0", mk.t(1, 3), (0, 3))
    yield mk.s("T_layout", mk.t(1, 3, layout="T"), (2, 1, 3))


def _expand_varargs(m, x, *sizes):
    return x.expand(*sizes)


def _expand_varargs_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("col", mk.t(3, 1), 3, 4)
    yield mk.s("lead_minus1", mk.t(1, 3), 2, -1, -1)


def _expand_as_samples(mk: Maker) -> Iterator[Sample]:
    yield mk.s("col", mk.t(3, 1), mk.t(3, 4, requires_grad=False))
    yield mk.s("lead", mk.t(3), mk.t(2, 3, requires_grad=False))
    yield mk.s("other_requires_grad", mk.t(1, 3), mk.t(2, 3))
    yield mk.s("0d", mk.t(), mk.t(2, 2, requires_grad=False))


def _getitem_samples(mk: Maker) -> Iterator[Sample]:
    x = partial(mk.t, 3, 4)
    ix = mk.idx
    yield mk.s("int", x(), 1)
    yield mk.s("neg_int", x(), -1)
    yield mk.s("ints", x(), (1, 2))
    yield mk.s("neg_ints", x(), (-1, -2))
    yield mk.s("slice", x(), slice(1, None))
    yield mk.s("slice_step", x(), slice(None, None, 2))
    yield mk.s("slices_steps", x(), (slice(0, 3, 2), slice(1, None, 2)))
    yield mk.s("slice_neg", x(), (slice(None), slice(-2, None)))
    yield mk.s("slice_full", x(), slice(None))
    yield mk.s("slice_empty", x(), slice(5, None))
    yield mk.s("none", x(), None)
    yield mk.s("none_mid", x(), (slice(None), None))
    yield mk.s("ellipsis", x(), Ellipsis)
    yield mk.s("ellipsis_int", x(), (Ellipsis, 1))
    yield mk.s("int_ellipsis", mk.t(2, 3, 4), (1, Ellipsis))
    yield mk.s("ellipsis_none", x(), (Ellipsis, None))
    yield mk.s("int_slice_none", mk.t(2, 3, 4), (0, slice(1, 3), None, -1))
    yield mk.s("list", x(), [0, 2])
    yield mk.s("list_repeat", x(), [0, 0, 2])
    yield mk.s("list_dim1", x(), (slice(None), [1, 0, 3]))
    yield mk.s("long", x(), ix([2, 0]))
    yield mk.s("long_2d", x(), ix([[0, 1], [1, 2]]))
    yield mk.s("long_repeat", mk.t(4), ix([1, 1, 3, 1]))
    yield mk.s("long_0d", x(), ix(1))
    yield mk.s("long_pair", x(), (ix([0, 2]), ix([1, 3])))
    yield mk.s("long_bcast", x(), (ix([[0], [2]]), ix([1, 3])))
    yield mk.s("mask_full", x(), mk.mask(3, 4))
    yield mk.s("mask_rows", x(), mk.mask(3))
    yield mk.s("mask_dim1", x(), (slice(None), mk.mask(4)))
    yield mk.s("int_list", x(), (1, [0, 2]))
    yield mk.s("list_slice", x(), ([0, 2], slice(1, 3)))
    yield mk.s("adv_split", mk.t(2, 3, 4), (ix([0, 1]), slice(None), ix([1, 2])))
    yield mk.s("ellipsis_list", mk.t(2, 3, 4), (Ellipsis, [0, 2]))
    yield mk.s("none_list", x(), (None, [0, 1]))
    yield mk.s("0d_ellipsis", mk.t(), Ellipsis)
    yield mk.s("0d_none", mk.t(), None)
    yield mk.s("T_layout", mk.t(3, 4, layout="T"), (slice(None), 1))
    yield mk.s("T_layout_list", mk.t(3, 4, layout="T"), [2, 1])
    yield mk.s("size0_slice", mk.t(0, 3), (slice(None), 1))


def _to_samples(mk: Maker) -> Iterator[Sample]:
    # finite differences need float64 outputs; a cast down is checked against torch instead
    yield mk.s("f32", mk.t(2, 3), DType("float32"), gradcheck=False)
    yield mk.s("f64", mk.t(2, 3), DType("float64"))
    yield mk.s("f16", mk.t(2, 3), DType("float16"), gradcheck=False)
    yield mk.s("int64", mk.t(2, 3), DType("int64"), gradcheck=False)
    yield mk.s("0d_f32", mk.t(), DType("float32"), gradcheck=False)
    yield mk.s("T_f32", mk.t(2, 3, layout="T"), DType("float32"), gradcheck=False)
    yield mk.s("T_f64", mk.t(2, 3, layout="T"), DType("float64"))


def _expand_ref(x, shape):
    lead = len(shape) - x.ndim
    full = tuple(x.shape[i - lead] if s == -1 else s for i, s in enumerate(shape))
    return np.broadcast_to(x, full)


def _squeeze_ref(x, dim=None):
    if dim is None:
        return np.squeeze(x)
    dims = {d % max(x.ndim, 1) for d in (dim if isinstance(dim, tuple) else (dim,))}
    return np.squeeze(x, axis=tuple(d for d in dims if x.ndim and x.shape[d] == 1))


def _flatten_ref(x, start_dim=0, end_dim=-1):
    if x.ndim == 0:
        return x.reshape(1)
    s, e = start_dim % x.ndim, end_dim % x.ndim
    return x.reshape(x.shape[:s] + (math.prod(x.shape[s:e + 1]),) + x.shape[e + 1:])


def _reduce_ref(fn):
    def ref(x, dim=None, keepdim=False, dtype=None):
        if dtype is not None:
            x = x.astype(dtype)
        axis = tuple(dim) if isinstance(dim, (tuple, list)) else dim
        if axis == ():
            axis = None  # torch reduces over every dim when given an empty list
        if x.ndim == 0:
            return fn(x)
        return fn(x, axis=axis, keepdims=keepdim)
    return ref


def _swap_ref(x, d0, d1):
    return np.swapaxes(x, d0, d1) if x.ndim else x


def _sigmoid_ref(x):
    return 1 / (1 + np.exp(-x))


def _unary(name: str, ref, domain: str = "real", **flags) -> OpSpec:
    return OpSpec(name, lambda m, x: getattr(m, name)(x), _unary_samples, ref, domain,
                  covers=(name,), **flags)


# -- rows of failing calls ---------------------------------------------------------------------------


def error_row(name: str, errors: dict) -> OpSpec:
    """A row whose samples each run one failing call, ``errors[case] = (call(m), text)``.

    Its value is the UTF-8 bytes of ``"<Exception>: <first line>"``; the NumPy-side
    reference is PyTorch's recorded ``text``, and the oracle checks torch itself.
    """
    def run(m, case: str):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                errors[case][0](m)
        except Exception as err:  # noqa: BLE001 - the exception itself is what is compared
            text = f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}"
        else:
            text = "no error"
        return m.tensor(list(text.encode()))

    def samples(mk: "Maker") -> Iterator[Sample]:
        for case in errors:
            yield mk.s(case, case)
    return OpSpec(name, run, samples,
                  lambda case: np.array(list(errors[case][1].encode()), dtype=np.int64),
                  gradcheck=False)


# -- THE catalogue --------------------------------------------------------------------------------

OP_DB: list[OpSpec] = [
    # arithmetic, functional forms
    OpSpec("add", lambda m, x, y, **kw: m.add(x, y, **kw), _add_sub_samples,
           lambda x, y, alpha=1: x + alpha * y, covers=("add",)),
    OpSpec("sub", lambda m, x, y, **kw: m.sub(x, y, **kw), _add_sub_samples,
           lambda x, y, alpha=1: x - alpha * y, covers=("sub",)),
    OpSpec("rsub", lambda m, x, y, **kw: m.rsub(x, y, **kw), _alpha_samples,
           lambda x, y, alpha=1: y - alpha * x, covers=("rsub",)),
    OpSpec("mul", lambda m, x, y: m.mul(x, y), _mul_div_samples, lambda x, y: x * y,
           covers=("mul",)),
    OpSpec("div", lambda m, x, y: m.div(x, y), _mul_div_samples, lambda x, y: x / y,
           covers=("div",)),
    OpSpec("pow", lambda m, x, y: m.pow(x, y), _pow_samples, lambda x, y: np.power(x, y),
           covers=("pow",)),
    # arithmetic, operators (tensor first, then reflected with the scalar first)
    OpSpec("__add__", lambda m, x, y: x + y, _binary_samples, lambda x, y: x + y),
    OpSpec("__radd__", lambda m, s, x: s + x, _scalar_first_samples, lambda s, x: s + x),
    OpSpec("__sub__", lambda m, x, y: x - y, _binary_samples, lambda x, y: x - y),
    OpSpec("__rsub__", lambda m, s, x: s - x, _scalar_first_samples, lambda s, x: s - x),
    OpSpec("__mul__", lambda m, x, y: x * y, _binary_samples, lambda x, y: x * y),
    OpSpec("__rmul__", lambda m, s, x: s * x, _scalar_first_samples, lambda s, x: s * x),
    OpSpec("__truediv__", lambda m, x, y: x / y, _binary_samples, lambda x, y: x / y),
    OpSpec("__rtruediv__", lambda m, s, x: s / x, _scalar_first_samples, lambda s, x: s / x),
    OpSpec("__pow__", lambda m, x, y: x ** y, _pow_samples, lambda x, y: np.power(x, y)),
    OpSpec("__rpow__", lambda m, s, x: s ** x, _rpow_samples, lambda s, x: np.power(s, x)),
    OpSpec("__neg__", lambda m, x: -x, _unary_samples, np.negative),
    OpSpec("__abs__", lambda m, x: abs(x), _unary_samples, np.abs),
    # pointwise math
    _unary("neg", np.negative),
    _unary("abs", np.abs),
    _unary("exp", np.exp),
    _unary("log", np.log, "positive"),
    _unary("sin", np.sin),
    _unary("cos", np.cos),
    _unary("tanh", np.tanh),
    _unary("sigmoid", _sigmoid_ref),
    _unary("relu", lambda x: np.maximum(x, 0)),
    _unary("sqrt", np.sqrt, "positive"),
    _unary("reciprocal", np.reciprocal),
    _unary("sign", np.sign),
    _unary("clone", np.copy),
    # reductions
    OpSpec("sum", lambda m, x, **kw: m.sum(x, **kw), _reduction_samples, _reduce_ref(np.sum),
           covers=("sum",)),
    OpSpec("mean", lambda m, x, **kw: m.mean(x, **kw), _reduction_samples, _reduce_ref(np.mean),
           covers=("mean",)),
    OpSpec("Tensor.sum", lambda m, x, *a, **kw: x.sum(*a, **kw), _reduction_samples,
           _reduce_ref(np.sum)),
    # shape
    OpSpec("reshape", lambda m, x, shape: m.reshape(x, shape), _reshape_samples_strided,
           lambda x, shape: np.reshape(x, shape), covers=("reshape",)),
    OpSpec("view", lambda m, x, shape: x.view(shape), _view_samples,
           lambda x, shape: np.reshape(x, shape), covers=("view",)),
    OpSpec("flatten", lambda m, x, *a: m.flatten(x, *a), _flatten_samples, _flatten_ref,
           covers=("flatten",)),
    OpSpec("transpose", lambda m, x, d0, d1: m.transpose(x, d0, d1), _transpose_samples,
           _swap_ref, covers=("transpose",)),
    OpSpec("t", lambda m, x: m.t(x), _t_samples, np.transpose, covers=("t",)),
    OpSpec("T", lambda m, x: x.T, _T_samples, np.transpose),
    OpSpec("mT", lambda m, x: x.mT, _mT_samples, lambda x: np.swapaxes(x, -1, -2)),
    OpSpec("permute", lambda m, x, dims: m.permute(x, dims), _permute_samples,
           lambda x, dims: np.transpose(x, dims), covers=("permute",)),
    OpSpec("Tensor.permute", _permute_varargs, _permute_varargs_samples,
           lambda x, *dims: np.transpose(x, dims)),
    OpSpec("squeeze", lambda m, x, *a: m.squeeze(x, *a), _squeeze_samples, _squeeze_ref,
           covers=("squeeze",)),
    OpSpec("unsqueeze", lambda m, x, d: m.unsqueeze(x, d), _unsqueeze_samples,
           lambda x, d: np.expand_dims(x, d), covers=("unsqueeze",)),
    OpSpec("expand", lambda m, x, shape: x.expand(shape), _expand_samples, _expand_ref,
           covers=("expand",)),
    OpSpec("Tensor.expand", _expand_varargs, _expand_varargs_samples,
           lambda x, *shape: _expand_ref(x, shape)),
    OpSpec("expand_as", lambda m, x, other: x.expand_as(other), _expand_as_samples,
           lambda x, other: np.broadcast_to(x, other.shape), covers=("expand_as",)),
    # indexing
    OpSpec("__getitem__", lambda m, x, key: x[key], _getitem_samples, lambda x, key: x[key]),
    # products
    OpSpec("matmul", lambda m, x, y: m.matmul(x, y), _matmul_samples, np.matmul,
           covers=("matmul",)),
    OpSpec("__matmul__", lambda m, x, y: x @ y, _matmul_samples, np.matmul),
    OpSpec("mm", lambda m, x, y: m.mm(x, y), _mm_samples, np.matmul, covers=("mm",)),
    OpSpec("bmm", lambda m, x, y: m.bmm(x, y), _bmm_samples, np.matmul, covers=("bmm",)),
    OpSpec("mv", lambda m, x, y: m.mv(x, y), _mv_samples, np.matmul, covers=("mv",)),
    OpSpec("dot", lambda m, x, y: m.dot(x, y), _dot_samples, np.dot, covers=("dot",)),
    # conversions
    OpSpec("to", lambda m, x, dtype: x.to(dtype), _to_samples, lambda x, dtype: x.astype(dtype)),
    OpSpec("double", lambda m, x: x.double(), _unary_samples, lambda x: x.astype(np.float64)),
]

# Each op family adds its rows in its own tests/op_db_<family>.py (a list named ROWS), so
# several people can add ops at once without editing this file.
for _path in sorted(Path(__file__).parent.glob("op_db_*.py")):
    OP_DB.extend(importlib.import_module(_path.stem).ROWS)

OPS: dict[str, OpSpec] = {spec.name: spec for spec in OP_DB}
assert len(OPS) == len(OP_DB), "duplicate OpSpec names"

#: (spec, sample) for every sample of every row, and a readable pytest id for each.
CASES: list[tuple[OpSpec, Sample]] = [(spec, s) for spec in OP_DB for s in spec.samples()]
CASE_IDS: list[str] = [f"{spec.name}[{s.name}]" for spec, s in CASES]
assert len(set(CASE_IDS)) == len(CASE_IDS), "duplicate sample names"
