"""Literal-string tests for ``chainrule._printing`` (no torch needed).

The expected strings were produced once by PyTorch's own ``repr`` and pasted
here, so these tests pin the exact layout without requiring torch at test time.
"""

from __future__ import annotations

import importlib
import importlib.util
import math
import sys
from pathlib import Path

import numpy as np
import pytest

_STANDALONE_NAME = "_chainrule_printing_standalone"


def _load_from_file():
    """Load ``_printing.py`` by path; it is a leaf module, so this always works."""
    if _STANDALONE_NAME in sys.modules:
        return sys.modules[_STANDALONE_NAME]
    path = Path(__file__).resolve().parents[1] / "src" / "chainrule" / "_printing.py"
    spec = importlib.util.spec_from_file_location(_STANDALONE_NAME, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[_STANDALONE_NAME] = module
    spec.loader.exec_module(module)
    return module


def _load_printing():
    """Import the printing module, falling back to loading it by file path.

    The fallback keeps these tests independent of the rest of the package
    (``chainrule/__init__.py`` may be missing or broken while it is being built).
    """
    try:
        return importlib.import_module("chainrule._printing")
    except Exception:  # noqa: BLE001 - any failure in the package import means "use the file"
        return _load_from_file()


printing = _load_printing()


@pytest.fixture(autouse=True)
def _restore_print_options():
    """Every test starts and ends with the default options."""
    printing.set_printoptions(profile="default")
    yield
    printing.set_printoptions(profile="default")


CASES = [
    pytest.param(np.array(24.0, np.float32), 'float32', {}, {},
                 'tensor(24.)',
                 id='scalar_int_mode'),
    pytest.param(np.array(3.14159, np.float32), 'float32', {}, {},
                 'tensor(3.1416)',
                 id='scalar_fixed'),
    pytest.param(np.array(-7, np.int64), 'int64', {}, {},
                 'tensor(-7)',
                 id='scalar_int'),
    pytest.param(np.array(5, np.uint8), 'uint8', {}, {},
                 'tensor(5, dtype=torch.uint8)',
                 id='scalar_uint8'),
    pytest.param(np.array(True), 'bool', {}, {},
                 'tensor(True)',
                 id='scalar_bool'),
    pytest.param(np.array([1.0, 2.5], np.float32), 'float32', {}, {},
                 'tensor([1.0000, 2.5000])',
                 id='fixed_point'),
    pytest.param(np.array([1.0, 2.0], np.float32), 'float32', {}, {},
                 'tensor([1., 2.])',
                 id='int_mode'),
    pytest.param(np.array([-1.0, 20.0, 300.0], np.float32), 'float32', {}, {},
                 'tensor([ -1.,  20., 300.])',
                 id='int_mode_negative'),
    pytest.param(np.array([1e-8, 1e10], np.float32), 'float32', {}, {},
                 'tensor([1.0000e-08, 1.0000e+10])',
                 id='sci_wide_range'),
    pytest.param(np.array([123456789.0], np.float32), 'float32', {}, {},
                 'tensor([1.2346e+08])',
                 id='sci_large'),
    pytest.param(np.array([0.00005, 0.0002], np.float32), 'float32', {}, {},
                 'tensor([5.0000e-05, 2.0000e-04])',
                 id='sci_small'),
    pytest.param(np.array([0.5, 600.25], np.float32), 'float32', {}, {},
                 'tensor([5.0000e-01, 6.0025e+02])',
                 id='sci_ratio'),
    pytest.param(np.array([12345678.0, 65536.0], np.float64), 'float64', {}, {},
                 'tensor([12345678.,    65536.], dtype=torch.float64)',
                 id='large_int_float'),
    pytest.param(np.array([np.nan, np.inf, -np.inf, 0.0], np.float32), 'float32', {}, {},
                 'tensor([nan, inf, -inf, 0.])',
                 id='nonfinite_only'),
    pytest.param(np.array([np.nan, 1.5, -np.inf], np.float32), 'float32', {}, {},
                 'tensor([   nan, 1.5000,   -inf])',
                 id='nonfinite_mixed'),
    pytest.param(np.array([np.nan, 10.0, np.inf], np.float32), 'float32', {}, {},
                 'tensor([nan, 10., inf])',
                 id='nonfinite_int_mode'),
    pytest.param(np.array([np.nan, 1e-9, np.inf], np.float32), 'float32', {}, {},
                 'tensor([       nan, 1.0000e-09,        inf])',
                 id='nonfinite_sci'),
    pytest.param(np.array([-0.0, 0.0], np.float32), 'float32', {}, {},
                 'tensor([-0., 0.])',
                 id='negative_zero'),
    pytest.param(np.array([-0.0, 1.5], np.float32), 'float32', {}, {},
                 'tensor([-0.0000, 1.5000])',
                 id='negative_zero_fixed'),
    pytest.param(np.array([0.1, -2.0, 65504.0], np.float16), 'float16', {}, {},
                 'tensor([ 9.9976e-02, -2.0000e+00,  6.5504e+04], dtype=torch.float16)',
                 id='float16'),
    pytest.param(np.array([0.1, 0.2], np.float64), 'float64', {}, {},
                 'tensor([0.1000, 0.2000], dtype=torch.float64)',
                 id='float64'),
    pytest.param(np.array([[1, -20], [300, 4]], np.int64), 'int64', {}, {},
                 ('tensor([[  1, -20],\n'
                  '        [300,   4]])'),
                 id='int_widths'),
    pytest.param(np.array([1, 2, 3], np.int32), 'int32', {}, {},
                 'tensor([1, 2, 3], dtype=torch.int32)',
                 id='int32_suffix'),
    pytest.param(np.array([-128, 0, 127], np.int8), 'int8', {}, {},
                 'tensor([-128,    0,  127], dtype=torch.int8)',
                 id='int8_negative'),
    pytest.param(np.array([[-5], [12]], np.int16), 'int16', {}, {},
                 ('tensor([[-5],\n'
                  '        [12]], dtype=torch.int16)'),
                 id='int16'),
    pytest.param(np.array([True, False]), 'bool', {}, {},
                 'tensor([ True, False])',
                 id='bool_vector'),
    pytest.param(np.array([True, True]), 'bool', {}, {},
                 'tensor([True, True])',
                 id='bool_all_true'),
    pytest.param(np.array([[1.5, -2.25], [3.0, 4.125]], np.float32), 'float32', {}, {},
                 ('tensor([[ 1.5000, -2.2500],\n'
                  '        [ 3.0000,  4.1250]])'),
                 id='matrix_float'),
    pytest.param(np.arange(8, dtype=np.int64).reshape(2, 2, 2), 'int64', {}, {},
                 ('tensor([[[0, 1],\n'
                  '         [2, 3]],\n'
                  '\n'
                  '        [[4, 5],\n'
                  '         [6, 7]]])'),
                 id='three_d'),
    pytest.param(np.arange(16, dtype=np.float32).reshape(2, 2, 2, 2), 'float32', {}, {},
                 ('tensor([[[[ 0.,  1.],\n'
                  '          [ 2.,  3.]],\n'
                  '\n'
                  '         [[ 4.,  5.],\n'
                  '          [ 6.,  7.]]],\n'
                  '\n'
                  '\n'
                  '        [[[ 8.,  9.],\n'
                  '          [10., 11.]],\n'
                  '\n'
                  '         [[12., 13.],\n'
                  '          [14., 15.]]]])'),
                 id='four_d'),
    pytest.param(np.arange(30, dtype=np.float32) * 1.5, 'float32', {}, {},
                 ('tensor([ 0.0000,  1.5000,  3.0000,  4.5000,  6.0000,  7.5000,  9.0000, 10.5000,\n'
                  '        12.0000, 13.5000, 15.0000, 16.5000, 18.0000, 19.5000, 21.0000, 22.5000,\n'
                  '        24.0000, 25.5000, 27.0000, 28.5000, 30.0000, 31.5000, 33.0000, 34.5000,\n'
                  '        36.0000, 37.5000, 39.0000, 40.5000, 42.0000, 43.5000])'),
                 id='wrap_1d_float'),
    pytest.param(np.arange(40, dtype=np.int64) * 1000, 'int64', {}, {},
                 ('tensor([    0,  1000,  2000,  3000,  4000,  5000,  6000,  7000,  8000,  9000,\n'
                  '        10000, 11000, 12000, 13000, 14000, 15000, 16000, 17000, 18000, 19000,\n'
                  '        20000, 21000, 22000, 23000, 24000, 25000, 26000, 27000, 28000, 29000,\n'
                  '        30000, 31000, 32000, 33000, 34000, 35000, 36000, 37000, 38000, 39000])'),
                 id='wrap_1d_int'),
    pytest.param(np.arange(40, dtype=np.float32).reshape(2, 20) / 3, 'float32', {}, {},
                 ('tensor([[ 0.0000,  0.3333,  0.6667,  1.0000,  1.3333,  1.6667,  2.0000,  2.3333,\n'
                  '          2.6667,  3.0000,  3.3333,  3.6667,  4.0000,  4.3333,  4.6667,  5.0000,\n'
                  '          5.3333,  5.6667,  6.0000,  6.3333],\n'
                  '        [ 6.6667,  7.0000,  7.3333,  7.6667,  8.0000,  8.3333,  8.6667,  9.0000,\n'
                  '          9.3333,  9.6667, 10.0000, 10.3333, 10.6667, 11.0000, 11.3333, 11.6667,\n'
                  '         12.0000, 12.3333, 12.6667, 13.0000]])'),
                 id='wrap_in_matrix'),
    pytest.param(np.arange(2000, dtype=np.int64), 'int64', {}, {},
                 'tensor([   0,    1,    2,  ..., 1997, 1998, 1999])',
                 id='summarize_1d'),
    pytest.param(np.arange(2000, dtype=np.float32).reshape(40, 50), 'float32', {}, {},
                 ('tensor([[0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 4.7000e+01, 4.8000e+01,\n'
                  '         4.9000e+01],\n'
                  '        [5.0000e+01, 5.1000e+01, 5.2000e+01,  ..., 9.7000e+01, 9.8000e+01,\n'
                  '         9.9000e+01],\n'
                  '        [1.0000e+02, 1.0100e+02, 1.0200e+02,  ..., 1.4700e+02, 1.4800e+02,\n'
                  '         1.4900e+02],\n'
                  '        ...,\n'
                  '        [1.8500e+03, 1.8510e+03, 1.8520e+03,  ..., 1.8970e+03, 1.8980e+03,\n'
                  '         1.8990e+03],\n'
                  '        [1.9000e+03, 1.9010e+03, 1.9020e+03,  ..., 1.9470e+03, 1.9480e+03,\n'
                  '         1.9490e+03],\n'
                  '        [1.9500e+03, 1.9510e+03, 1.9520e+03,  ..., 1.9970e+03, 1.9980e+03,\n'
                  '         1.9990e+03]])'),
                 id='summarize_2d'),
    pytest.param(np.arange(1008, dtype=np.int64).reshape(7, 8, 18) - 500, 'int64', {}, {},
                 ('tensor([[[-500, -499, -498,  ..., -485, -484, -483],\n'
                  '         [-482, -481, -480,  ..., -467, -466, -465],\n'
                  '         [-464, -463, -462,  ..., -449, -448, -447],\n'
                  '         ...,\n'
                  '         [-410, -409, -408,  ..., -395, -394, -393],\n'
                  '         [-392, -391, -390,  ..., -377, -376, -375],\n'
                  '         [-374, -373, -372,  ..., -359, -358, -357]],\n'
                  '\n'
                  '        [[-356, -355, -354,  ..., -341, -340, -339],\n'
                  '         [-338, -337, -336,  ..., -323, -322, -321],\n'
                  '         [-320, -319, -318,  ..., -305, -304, -303],\n'
                  '         ...,\n'
                  '         [-266, -265, -264,  ..., -251, -250, -249],\n'
                  '         [-248, -247, -246,  ..., -233, -232, -231],\n'
                  '         [-230, -229, -228,  ..., -215, -214, -213]],\n'
                  '\n'
                  '        [[-212, -211, -210,  ..., -197, -196, -195],\n'
                  '         [-194, -193, -192,  ..., -179, -178, -177],\n'
                  '         [-176, -175, -174,  ..., -161, -160, -159],\n'
                  '         ...,\n'
                  '         [-122, -121, -120,  ..., -107, -106, -105],\n'
                  '         [-104, -103, -102,  ...,  -89,  -88,  -87],\n'
                  '         [ -86,  -85,  -84,  ...,  -71,  -70,  -69]],\n'
                  '\n'
                  '        ...,\n'
                  '\n'
                  '        [[  76,   77,   78,  ...,   91,   92,   93],\n'
                  '         [  94,   95,   96,  ...,  109,  110,  111],\n'
                  '         [ 112,  113,  114,  ...,  127,  128,  129],\n'
                  '         ...,\n'
                  '         [ 166,  167,  168,  ...,  181,  182,  183],\n'
                  '         [ 184,  185,  186,  ...,  199,  200,  201],\n'
                  '         [ 202,  203,  204,  ...,  217,  218,  219]],\n'
                  '\n'
                  '        [[ 220,  221,  222,  ...,  235,  236,  237],\n'
                  '         [ 238,  239,  240,  ...,  253,  254,  255],\n'
                  '         [ 256,  257,  258,  ...,  271,  272,  273],\n'
                  '         ...,\n'
                  '         [ 310,  311,  312,  ...,  325,  326,  327],\n'
                  '         [ 328,  329,  330,  ...,  343,  344,  345],\n'
                  '         [ 346,  347,  348,  ...,  361,  362,  363]],\n'
                  '\n'
                  '        [[ 364,  365,  366,  ...,  379,  380,  381],\n'
                  '         [ 382,  383,  384,  ...,  397,  398,  399],\n'
                  '         [ 400,  401,  402,  ...,  415,  416,  417],\n'
                  '         ...,\n'
                  '         [ 454,  455,  456,  ...,  469,  470,  471],\n'
                  '         [ 472,  473,  474,  ...,  487,  488,  489],\n'
                  '         [ 490,  491,  492,  ...,  505,  506,  507]]])'),
                 id='summarize_3d'),
    pytest.param(np.arange(1010, dtype=np.int64).reshape(505, 2), 'int64', {}, {},
                 ('tensor([[   0,    1],\n'
                  '        [   2,    3],\n'
                  '        [   4,    5],\n'
                  '        ...,\n'
                  '        [1004, 1005],\n'
                  '        [1006, 1007],\n'
                  '        [1008, 1009]])'),
                 id='summarize_short_axis'),
    pytest.param(np.concatenate([np.zeros(3), np.full(1000, 1e6), np.zeros(3)]).astype(np.float32), 'float32', {}, {},
                 'tensor([0., 0., 0.,  ..., 0., 0., 0.])',
                 id='summarize_width_from_visible'),
    pytest.param(np.zeros(0, np.float32), 'float32', {}, {},
                 'tensor([])',
                 id='empty_1d_float'),
    pytest.param(np.zeros(0, np.int64), 'int64', {}, {},
                 'tensor([], dtype=torch.int64)',
                 id='empty_1d_int64'),
    pytest.param(np.zeros((0, 3), np.float32), 'float32', {}, {},
                 'tensor([], size=(0, 3))',
                 id='empty_2d'),
    pytest.param(np.zeros((2, 0, 1), bool), 'bool', {}, {},
                 'tensor([], size=(2, 0, 1), dtype=torch.bool)',
                 id='empty_3d_bool'),
    pytest.param(np.zeros((0, 2), np.float64), 'float64', {'requires_grad': True}, {},
                 'tensor([], size=(0, 2), dtype=torch.float64, requires_grad=True)',
                 id='empty_requires_grad'),
    pytest.param(np.array([1.0, 2.0], np.float32), 'float32', {'requires_grad': True}, {},
                 'tensor([1., 2.], requires_grad=True)',
                 id='requires_grad'),
    pytest.param(np.array([2.0, 4.0], np.float32), 'float32', {'grad_fn': 'MulBackward0'}, {},
                 'tensor([2., 4.], grad_fn=<MulBackward0>)',
                 id='grad_fn'),
    pytest.param(np.array(3.5, np.float32), 'float32', {'grad_fn': 'AddBackward0', 'requires_grad': True}, {},
                 'tensor(3.5000, grad_fn=<AddBackward0>)',
                 id='grad_fn_overrides_requires_grad'),
    pytest.param(np.arange(9, dtype=np.float64).reshape(1, 9) / 7, 'float64', {'grad_fn': 'DivBackward0'}, {},
                 ('tensor([[0.0000, 0.1429, 0.2857, 0.4286, 0.5714, 0.7143, 0.8571, 1.0000, 1.1429]],\n'
                  '       dtype=torch.float64, grad_fn=<DivBackward0>)'),
                 id='grad_fn_wrapped_after_long_row'),
    pytest.param(np.arange(20, dtype=np.float32) / 7, 'float32', {'grad_fn': 'DivBackward0'}, {},
                 ('tensor([0.0000, 0.1429, 0.2857, 0.4286, 0.5714, 0.7143, 0.8571, 1.0000, 1.1429,\n'
                  '        1.2857, 1.4286, 1.5714, 1.7143, 1.8571, 2.0000, 2.1429, 2.2857, 2.4286,\n'
                  '        2.5714, 2.7143], grad_fn=<DivBackward0>)'),
                 id='grad_fn_after_wrapped_vector'),
    pytest.param(np.arange(6, dtype=np.float32).reshape(2, 3), 'float32', {'grad_fn': 'ViewBackward0'}, {},
                 ('tensor([[0., 1., 2.],\n'
                  '        [3., 4., 5.]], grad_fn=<ViewBackward0>)'),
                 id='grad_fn_after_matrix'),
    pytest.param(np.array([0.5, 1.0], np.float16), 'float16', {'grad_fn': 'MulBackward0'}, {},
                 'tensor([0.5000, 1.0000], dtype=torch.float16, grad_fn=<MulBackward0>)',
                 id='dtype_and_grad_fn'),
    pytest.param(np.array([1.12345, -3.14159], np.float32), 'float32', {}, {'precision': 2},
                 'tensor([ 1.12, -3.14])',
                 id='precision_2'),
    pytest.param(np.array([1.5, 2.25], np.float32), 'float32', {}, {'precision': 0},
                 'tensor([2, 2])',
                 id='precision_0'),
    pytest.param(np.array([1e-8, 1.0], np.float32), 'float32', {}, {'precision': 1},
                 'tensor([1.0e-08, 1.0e+00])',
                 id='precision_sci'),
    pytest.param(np.arange(10, dtype=np.int64), 'int64', {}, {'threshold': 5},
                 'tensor([0, 1, 2,  ..., 7, 8, 9])',
                 id='threshold_5'),
    pytest.param(np.arange(30, dtype=np.int64).reshape(5, 6), 'int64', {}, {'threshold': 5, 'edgeitems': 1},
                 ('tensor([[ 0,  ...,  5],\n'
                  '        ...,\n'
                  '        [24,  ..., 29]])'),
                 id='edgeitems_1'),
    pytest.param(np.arange(10, dtype=np.int64), 'int64', {}, {'threshold': 5, 'edgeitems': 0},
                 'tensor([...], size=(10,))',
                 id='edgeitems_0_summarized_1d'),
    pytest.param(np.arange(12, dtype=np.float32).reshape(3, 4), 'float32', {}, {'threshold': 5, 'edgeitems': 0},
                 'tensor([...], size=(3, 4))',
                 id='edgeitems_0_summarized_2d'),
    pytest.param(np.arange(3, dtype=np.int32), 'int32', {}, {'edgeitems': 0},
                 'tensor([0, 1, 2], size=(3,), dtype=torch.int32)',
                 id='edgeitems_0_small'),
    pytest.param(np.array([1.0, 2.5], np.float32), 'float32', {}, {'sci_mode': True},
                 'tensor([1.0000e+00, 2.5000e+00])',
                 id='sci_mode_forced'),
    pytest.param(np.array([1.0, 200.0], np.float32), 'float32', {}, {'sci_mode': True},
                 'tensor([1.0000e+00, 2.0000e+02])',
                 id='sci_mode_forced_int_mode'),
    pytest.param(np.array([1e-8, 1e10], np.float32), 'float32', {}, {'sci_mode': False},
                 'tensor([          0.0000, 10000000000.0000])',
                 id='sci_mode_disabled'),
    pytest.param(np.array([0.0, np.nan], np.float32), 'float32', {}, {'sci_mode': True},
                 'tensor([0., nan])',
                 id='sci_mode_forced_zeros_only'),
    pytest.param(np.arange(2000, dtype=np.float32) / 3, 'float32', {}, {'profile': 'short'},
                 'tensor([0.00e+00, 3.33e-01,  ..., 6.66e+02, 6.66e+02])',
                 id='profile_short'),
    pytest.param(np.arange(12, dtype=np.int64) * 11, 'int64', {}, {'linewidth': 30},
                 ('tensor([  0,  11,  22,  33,\n'
                  '         44,  55,  66,  77,\n'
                  '         88,  99, 110, 121])'),
                 id='linewidth_30'),
    pytest.param(np.array([1, 2], np.int32), 'int32', {}, {'linewidth': 20},
                 ('tensor([1, 2],\n'
                  '       dtype=torch.int32)'),
                 id='linewidth_suffix_wrap'),
    pytest.param(np.arange(6, dtype=np.int64).reshape(2, 3).T, 'int64', {}, {},
                 ('tensor([[0, 3],\n'
                  '        [1, 4],\n'
                  '        [2, 5]])'),
                 id='non_contiguous'),
    pytest.param(np.arange(10, dtype=np.float32)[::3], 'float32', {}, {},
                 'tensor([0., 3., 6., 9.])',
                 id='non_contiguous_stride'),
]


@pytest.mark.parametrize(("data", "dtype_name", "kwargs", "options", "expected"), CASES)
def test_repr_matches_torch(data, dtype_name, kwargs, options, expected):
    printing.set_printoptions(**options)
    assert printing.tensor_repr(data, dtype_name=dtype_name, **kwargs) == expected


def test_device_suffix_comes_first():
    data = np.array([1, 2], np.int32)
    got = printing.tensor_repr(data, dtype_name="int32", device="cuda:0")
    assert got == "tensor([1, 2], device='cuda:0', dtype=torch.int32)"
    got = printing.tensor_repr(np.array([1.0, 2.0], np.float32), dtype_name="float32",
                               device="cuda:0", requires_grad=True)
    assert got == "tensor([1., 2.], device='cuda:0', requires_grad=True)"


def test_cpu_device_is_not_shown():
    got = printing.tensor_repr(np.array(1.0, np.float32), dtype_name="float32", device="cpu")
    assert got == "tensor(1.)"


def test_default_float64():
    """With float64 as default dtype, float32 tensors are the ones that show a dtype."""
    f64 = np.array([1.5, 2.0], np.float64)
    f32 = f64.astype(np.float32)
    assert printing.tensor_repr(f64, dtype_name="float64", default_float="float64") == "tensor([1.5000, 2.0000])"
    assert (printing.tensor_repr(f32, dtype_name="float32", default_float="float64")
            == "tensor([1.5000, 2.0000], dtype=torch.float32)")
    assert (printing.tensor_repr(np.zeros(0, np.float64), dtype_name="float64", default_float="float64")
            == "tensor([])")


def test_custom_prefix_shifts_indentation():
    data = np.arange(4, dtype=np.int64).reshape(2, 2)
    assert printing.tensor_repr(data, dtype_name="int64", tensor_prefix="Param") == (
        "Param([[0, 1],\n"
        "       [2, 3]])")


def test_bfloat16_values():
    data = np.array([1.0, 0.5], np.float32)
    assert printing.tensor_repr(data, dtype_name="bfloat16") == "tensor([1.0000, 0.5000], dtype=torch.bfloat16)"


def test_accepts_array_like():
    assert printing.tensor_repr([[1, 2]], dtype_name="int64") == "tensor([[1, 2]])"


def test_get_printoptions_defaults():
    assert printing.get_printoptions() == {
        "precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80, "sci_mode": None}


def test_set_printoptions_round_trip():
    printing.set_printoptions(precision=2, threshold=10, edgeitems=1, linewidth=60, sci_mode=True)
    saved = printing.get_printoptions()
    assert saved == {"precision": 2, "threshold": 10, "edgeitems": 1, "linewidth": 60, "sci_mode": True}
    printing.set_printoptions(profile="default")
    printing.set_printoptions(**saved)
    assert printing.get_printoptions() == saved


def test_sci_mode_resets_when_omitted():
    printing.set_printoptions(sci_mode=True)
    printing.set_printoptions(precision=3)
    assert printing.get_printoptions()["sci_mode"] is None
    assert printing.get_printoptions()["precision"] == 3


def test_profiles():
    printing.set_printoptions(profile="short")
    assert printing.get_printoptions() == {
        "precision": 2, "threshold": 1000, "edgeitems": 2, "linewidth": 80, "sci_mode": None}
    printing.set_printoptions(threshold=5)
    printing.set_printoptions(profile="full")
    opts = printing.get_printoptions()
    assert math.isinf(opts["threshold"]) and opts["precision"] == 4 and opts["edgeitems"] == 3
    data = np.arange(10, dtype=np.int64)
    assert printing.tensor_repr(data, dtype_name="int64") == "tensor([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])"


def test_profile_then_override():
    printing.set_printoptions(profile="short", precision=5)
    assert printing.get_printoptions()["precision"] == 5
    assert printing.get_printoptions()["edgeitems"] == 2


def test_unknown_profile_is_ignored():
    printing.set_printoptions(profile="nonsense")
    assert printing.get_printoptions()["precision"] == 4


def test_input_is_not_modified():
    data = np.array([[1.5, 2.0]], np.float32)
    before = data.copy()
    printing.tensor_repr(data, dtype_name="float32")
    assert data.dtype == np.float32
    np.testing.assert_array_equal(data, before)
