"""The backend seam: the array functions primitives may call, per array library.

A backend is a plain namespace holding NumPy-spelled functions. ``CONTRACT`` lists
what every backend must provide; NumPy fills it here, CuPy (later) in
``cupy_backend``. Only this package may import CuPy.
"""
from __future__ import annotations

import numpy as np

from . import numpy_backend

#: Names every backend namespace provides, in NumPy's spelling.
CONTRACT = (
    "ndarray", "generic", "asarray", "array", "empty", "zeros", "ones", "full", "arange",
    "linspace", "eye", "add", "subtract", "multiply", "true_divide", "floor_divide",
    "negative", "absolute", "sign", "exp", "log", "sin", "cos", "tanh", "sqrt", "power",
    "maximum", "minimum", "where", "greater", "sum", "mean", "matmul", "dot", "reshape",
    "transpose", "swapaxes", "expand_dims", "squeeze", "broadcast_to", "zeros_like",
    "ones_like", "copyto", "float32", "float64", "outer", "sum_to", "ensure_array", "cast",
    "embed", "accumulate_into", "embed_zero", "put_key", "reciprocal", "logical_and",
    # sliding windows: convolution, pooling, unfold/fold
    "windows", "constant_pad", "im2col", "col2im",
    # pointwise math, rounding, tests and bitwise ops (primitives/elementwise.py)
    "exp2", "expm1", "log2", "log10", "log1p", "tan", "arcsin", "arccos", "arctan", "arctan2",
    "sinh", "cosh", "arcsinh", "arccosh", "arctanh", "floor", "ceil", "rint", "trunc", "fmod",
    "hypot", "logaddexp", "isnan", "isinf", "isfinite", "nan_to_num", "logical_or",
    "logical_xor", "logical_not", "bitwise_and", "bitwise_or", "bitwise_xor", "invert",
    "erf", "erfc", "erfinv",
)

_missing = [name for name in CONTRACT if not hasattr(numpy_backend, name)]
if _missing:  # fail at import, not in the middle of a backward pass
    raise ImportError(f"numpy backend lacks contract functions: {_missing}")


def namespace_of(array: object):
    """Return the backend namespace that owns ``array`` (NumPy unless it is a CuPy array)."""
    if type(array) is np.ndarray or isinstance(array, np.generic):
        return numpy_backend
    raise TypeError(f"no chainrule backend for arrays of type {type(array).__name__}")


def device_of(array: object) -> str:
    """The device string of an array: 'cpu' for NumPy."""
    namespace_of(array)
    return "cpu"
