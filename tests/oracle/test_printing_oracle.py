"""Compare ``chainrule._printing.tensor_repr`` against PyTorch's own ``repr``.

A seeded random sweep over shapes, dtypes, magnitudes, special values,
autograd suffixes and print options; every case builds the same tensor in
torch and checks that both sides render it identically.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

_STANDALONE_NAME = "_chainrule_printing_standalone"


def _load_from_file():
    """Load ``_printing.py`` by path; it is a leaf module, so this always works."""
    if _STANDALONE_NAME in sys.modules:
        return sys.modules[_STANDALONE_NAME]
    path = Path(__file__).resolve().parents[2] / "src" / "chainrule" / "_printing.py"
    spec = importlib.util.spec_from_file_location(_STANDALONE_NAME, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[_STANDALONE_NAME] = module
    spec.loader.exec_module(module)
    return module


def _load_printing():
    """Import the module normally, or by file path if the package does not import."""
    try:
        return importlib.import_module("chainrule._printing")
    except Exception:  # noqa: BLE001 - any failure in the package import means "use the file"
        return _load_from_file()


printing = _load_printing()

FLOAT_DTYPES = ["float32", "float64", "float16", "bfloat16"]
INT_DTYPES = ["int8", "int16", "int32", "int64", "uint8"]
ALL_DTYPES = [*FLOAT_DTYPES, *INT_DTYPES, "bool"]

OPTION_SETS = [
    {}, {}, {}, {},  # defaults are the common case, so weight them up
    {"precision": 2}, {"precision": 6}, {"precision": 0},
    {"sci_mode": True}, {"sci_mode": False},
    {"threshold": 10}, {"threshold": 10, "edgeitems": 1}, {"threshold": 30, "edgeitems": 2},
    {"threshold": 20, "edgeitems": 0}, {"edgeitems": 0},
    {"profile": "short"}, {"profile": "full"}, {"profile": "short", "precision": 3},
    {"linewidth": 40}, {"linewidth": 120}, {"linewidth": 10},
]

# Shapes above the default threshold of 1000 elements, to exercise summarization.
BIG_SHAPES = [(2000,), (1001,), (40, 50), (3, 400), (400, 3), (12, 10, 10), (5, 5, 5, 10), (2, 2, 300), (7, 1, 200)]


def _random_shape(rng: np.random.Generator) -> tuple[int, ...]:
    ndim = int(rng.integers(0, 5))
    high = {0: 1, 1: 25, 2: 9, 3: 6, 4: 4}[ndim]
    shape = tuple(int(rng.integers(1, high + 1)) for _ in range(ndim))
    if ndim and rng.random() < 0.06:
        # Occasionally empty, to cover the size=/dtype= suffix rules.
        shape = tuple(0 if i == int(rng.integers(0, ndim)) else s for i, s in enumerate(shape))
    return shape


def _float_values(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    kind = rng.choice(["normal", "integral", "wide", "positive", "tiny_huge"])
    scale = 10.0 ** rng.integers(-10, 13)
    if kind == "normal":
        values = rng.standard_normal(shape) * scale
    elif kind == "integral":
        values = np.round(rng.standard_normal(shape) * min(scale, 1e9))
    elif kind == "wide":
        values = rng.standard_normal(shape) * 10.0 ** rng.integers(-10, 13, size=shape)
    elif kind == "positive":
        values = rng.random(shape) * scale
    else:
        values = rng.choice([1e-10, 3e-5, 1.0, 7.5e7, 1.5e8, 1e12], size=shape)
    values = np.asarray(values, dtype=np.float64)
    if values.size and rng.random() < 0.3:
        # Sprinkle special values: nan, infinities and signed zeros.
        mask = rng.random(values.shape) < 0.2
        specials = rng.choice([np.nan, np.inf, -np.inf, 0.0, -0.0], size=values.shape)
        values = np.where(mask, specials, values)
    return values


def _int_values(rng: np.random.Generator, shape: tuple[int, ...], dtype: str) -> np.ndarray:
    info = np.iinfo(dtype)
    bound = int(min(info.max, 10 ** int(rng.integers(0, 19))))
    low = 0 if dtype == "uint8" else max(int(info.min), -bound)
    return rng.integers(low, bound, size=shape, endpoint=True, dtype=np.int64).astype(dtype)


def _make_case(index: int) -> dict:
    """Describe one random case: values, dtype, options and autograd state."""
    rng = np.random.default_rng(1234 + index)
    dtype = ALL_DTYPES[int(rng.integers(0, len(ALL_DTYPES)))]
    shape = BIG_SHAPES[index % len(BIG_SHAPES)] if index % 7 == 0 else _random_shape(rng)
    if dtype in FLOAT_DTYPES:
        values = _float_values(rng, shape)
    elif dtype == "bool":
        values = rng.random(shape) < 0.5
    else:
        values = _int_values(rng, shape, dtype)
    options = OPTION_SETS[int(rng.integers(0, len(OPTION_SETS)))]
    grad = rng.choice(["none", "requires_grad", "mul", "add", "view", "permute"]) if dtype in FLOAT_DTYPES else "none"
    permute = len(shape) >= 2 and rng.random() < 0.25
    default64 = dtype in FLOAT_DTYPES and rng.random() < 0.1
    return {"values": values, "dtype": dtype, "options": options, "grad": str(grad),
            "permute": permute, "default64": default64}


def _build_tensor(case: dict):
    """Create the torch tensor for a case, with its autograd history."""
    t = torch.tensor(case["values"], dtype=getattr(torch, case["dtype"]))
    grad = case["grad"]
    if grad != "none":
        t.requires_grad_(True)
    if grad == "mul":
        t = t * 1
    elif grad == "add":
        t = t + 0
    elif grad == "view":
        t = t.view(t.shape)
    elif grad == "permute":
        t = t.permute(tuple(reversed(range(t.dim()))))
    if case["permute"]:
        # A transposed view, so the NumPy side sees non-contiguous strides.
        t = t.transpose(0, 1)
    return t


def _grad_fn_name(t) -> str | None:
    return None if t.grad_fn is None else type(t.grad_fn).__name__


def _host_array(t) -> np.ndarray:
    t = t.detach()
    # NumPy has no bfloat16; float32 holds its values exactly.
    return t.float().numpy() if t.dtype == torch.bfloat16 else t.numpy()


@pytest.fixture(autouse=True)
def _restore_options():
    """Reset both libraries to defaults around every case."""
    torch.set_printoptions(profile="default")
    printing.set_printoptions(profile="default")
    yield
    torch.set_printoptions(profile="default")
    printing.set_printoptions(profile="default")
    torch.set_default_dtype(torch.float32)


def _describe(case: dict) -> str:
    shape = "x".join(map(str, case["values"].shape)) or "scalar"
    return f"{case['dtype']}-{shape}-{case['grad']}"


CASES = [_make_case(i) for i in range(240)]


@pytest.mark.parametrize("case", CASES, ids=[f"{i:03d}-{_describe(c)}" for i, c in enumerate(CASES)])
def test_matches_torch_repr(case):
    if case["default64"]:
        torch.set_default_dtype(torch.float64)
    default_float = "float64" if case["default64"] else "float32"
    t = _build_tensor(case)
    torch.set_printoptions(**case["options"])
    printing.set_printoptions(**case["options"])
    expected = repr(t)
    got = printing.tensor_repr(_host_array(t), dtype_name=case["dtype"], default_float=default_float,
                               grad_fn=_grad_fn_name(t), requires_grad=t.requires_grad)
    assert got == expected


HANDPICKED = [
    [24.0], [1.0, 2.5], [1e-8, 1e10], [123456789.0], [12345678.0], [-0.0], [-0.0, 1.5],
    [float("nan")], [float("inf"), -1.0], [0.0001, 0.001], [0.0001, 0.11], [99999999.0, 1.0],
    [1000.0, 1.0], [1000.5, 1.0], [1e-5], [2.0**60], [0.5, -0.5, 1e-4],
]


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("values", HANDPICKED, ids=str)
def test_handpicked_boundaries(values, dtype):
    """Values sitting on the int-mode / scientific-notation thresholds."""
    t = torch.tensor(values, dtype=getattr(torch, dtype))
    got = printing.tensor_repr(_host_array(t), dtype_name=dtype)
    assert got == repr(t)


@pytest.mark.parametrize("length", [10, 11, 12, 13, 20, 39, 40, 41])
def test_suffix_wrapping(length):
    """Rows close to the line width decide whether suffixes wrap."""
    base = torch.arange(length, dtype=torch.float64) / 7
    t = (base.requires_grad_(True) * 1).reshape(1, length)
    got = printing.tensor_repr(_host_array(t), dtype_name="float64", grad_fn=_grad_fn_name(t))
    assert got == repr(t)
