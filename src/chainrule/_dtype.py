"""dtype objects (``chainrule.float32`` ...) and PyTorch's type-promotion rules."""
from __future__ import annotations

import numpy as np

_BOOL, _INT, _FLOAT = 0, 1, 2


class dtype:
    """A tensor element type, printed as PyTorch prints it (``torch.float32``)."""

    __slots__ = ("name", "np", "category", "bits", "c_name", "is_signed", "constants")

    def __init__(self, name: str, np_dtype, category: int, c_name: str) -> None:
        self.name = name
        self.np = np.dtype(np_dtype)
        self.category = category
        self.bits = self.np.itemsize * 8
        self.c_name = c_name  # PyTorch's ScalarType name, used in error messages
        self.is_signed = name != "uint8" and name != "bool"
        self.constants: dict = {}  # Python float -> 0-d array of this dtype (_dispatch._constant)

    @property
    def is_floating_point(self) -> bool:
        """True for float16, float32 and float64."""
        return self.category == _FLOAT

    @property
    def is_complex(self) -> bool:
        """Always False: complex dtypes are not supported yet."""
        return False

    @property
    def itemsize(self) -> int:
        """Size of one element in bytes."""
        return self.np.itemsize

    def __repr__(self) -> str:
        return f"torch.{self.name}"

    def __reduce__(self):
        return self.name


float16 = dtype("float16", np.float16, _FLOAT, "Half")
float32 = dtype("float32", np.float32, _FLOAT, "Float")
float64 = dtype("float64", np.float64, _FLOAT, "Double")
int8 = dtype("int8", np.int8, _INT, "Char")
int16 = dtype("int16", np.int16, _INT, "Short")
int32 = dtype("int32", np.int32, _INT, "Int")
int64 = dtype("int64", np.int64, _INT, "Long")
uint8 = dtype("uint8", np.uint8, _INT, "Byte")
bool_ = dtype("bool", np.bool_, _BOOL, "Bool")

ALL = (float16, float32, float64, int8, int16, int32, int64, uint8, bool_)
ALIASES = {"half": float16, "float": float32, "double": float64, "short": int16,
           "int": int32, "long": int64}
_from_np = {d.np: d for d in ALL}


class _DefaultDtype:
    """Holds the default floating dtype (``set_default_dtype``)."""

    value = float32


default = _DefaultDtype()


def from_numpy_dtype(np_dtype) -> dtype:
    """The chainrule dtype of a NumPy dtype; TypeError for unsupported ones."""
    try:
        return _from_np[np_dtype]
    except KeyError:
        pass
    try:
        return _from_np[np.dtype(np_dtype)]
    except (KeyError, TypeError):
        raise TypeError(
            f"can't convert np.ndarray of type {np.dtype(np_dtype)}. The only supported types are: "
            "float64, float32, float16, int64, int32, int16, int8, uint8, and bool.") from None


def promote_types(a: dtype, b: dtype) -> dtype:
    """PyTorch's ``promote_types``: the smallest dtype both ``a`` and ``b`` cast to safely."""
    if a is b:
        return a
    if a.category != b.category:
        return a if a.category > b.category else b
    if a.category == _INT and a.is_signed != b.is_signed:
        signed = a if a.is_signed else b
        # uint8 needs a signed type wider than 8 bits
        return int16 if signed.bits == 8 else signed
    return a if a.bits >= b.bits else b


def scalar_dtype(value) -> dtype:
    """The dtype PyTorch gives a Python scalar: bool, int64 or the default float."""
    if isinstance(value, bool):
        return bool_
    if isinstance(value, int):
        return int64
    return default.value


def _combine(higher: dtype | None, lower: dtype | None) -> dtype | None:
    # a lower-priority participant only matters when it is of a higher category
    if higher is None:
        return lower
    if lower is None or higher.category >= lower.category:
        return higher
    return promote_types(higher, lower)


def result_type(operands) -> dtype:
    """PyTorch's ``result_type`` over Tensors (duck-typed by ``.dtype``/``.ndim``) and scalars.

    Dimensioned tensors outrank 0-d tensors, which outrank Python scalars; a
    lower-priority operand changes the result only when its category (bool < int <
    float) is higher.
    """
    dims = zeros = scalars = None
    for op in operands:
        d = getattr(op, "_dtype", None)
        if d is None:
            d = scalar_dtype(op)
            scalars = d if scalars is None else promote_types(scalars, d)
        elif op._data.ndim:
            dims = d if dims is None else promote_types(dims, d)
        else:
            zeros = d if zeros is None else promote_types(zeros, d)
    return _combine(dims, _combine(zeros, scalars))


def can_cast(src: dtype, dst: dtype) -> bool:
    """PyTorch's ``can_cast`` for in-place results: no float->int, no int->bool."""
    return src.category <= dst.category
