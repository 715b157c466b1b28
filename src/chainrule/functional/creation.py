"""Tensor factories: ``tensor``, ``zeros``, ``arange``, ``rand`` ... and the random seed."""
from __future__ import annotations

import math
import warnings
from typing import Any, Sequence

import numpy as np

from .. import _dtype, _errors
from .._device import check_device
from .._dispatch import wrap
from .._tensor import Size, Tensor

# -- data -> array ------------------------------------------------------------------------


def _scalar_category(x: Any) -> int:
    """bool 0 / int 1 / float 2 for one element of ``tensor(data)``; errors as PyTorch."""
    if isinstance(x, (bool, np.bool_)):
        return 0
    if isinstance(x, (int, np.integer)):
        return 1
    if isinstance(x, (float, np.floating)):
        return 2
    if isinstance(x, str):
        raise TypeError(f"new(): invalid data type '{type(x).__name__}'")
    raise RuntimeError(f"Could not infer dtype of {type(x).__name__}")


def _flatten(data: Any) -> tuple[list, list]:
    """Shape and flat elements of nested sequences, with PyTorch's errors for ragged ones."""
    shape: list = []
    level = [data]
    while level and isinstance(level[0], (list, tuple)):
        n = len(level[0])
        nxt = []
        for seq in level:
            if not isinstance(seq, (list, tuple)):
                raise TypeError("not a sequence")
            if len(seq) != n:
                raise ValueError(f"expected sequence of length {n} at dim {len(shape)} "
                                 f"(got {len(seq)})")
            nxt.extend(seq)
        shape.append(n)
        level = nxt
    for x in level:
        if isinstance(x, (list, tuple)):  # a sequence where a number was expected
            name = type(x).__name__
            if isinstance(level[0], float):
                raise TypeError(f"must be real number, not {name}")
            raise TypeError(f"'{name}' object cannot be interpreted as an integer")
        if isinstance(x, str) and shape:
            raise ValueError(f"too many dimensions '{type(x).__name__}'")
    return shape, level


def _array_from_data(data: Any, dtype: _dtype.dtype | None) -> np.ndarray:
    """A fresh ndarray holding ``data`` (nested numbers, ndarrays or one-element tensors)."""
    if isinstance(data, Tensor):
        arr = np.array(data._data)
        return arr if dtype is None else arr.astype(dtype.np)
    if isinstance(data, np.ndarray):
        src = _dtype.from_numpy_dtype(data.dtype)
        return np.array(data, dtype=(dtype or src).np)
    shape, flat = _flatten(data)
    values = []
    inferred = None
    for x in flat:
        if isinstance(x, Tensor):
            x_dtype, x = x._dtype, x.item()
        elif isinstance(x, np.generic):  # NumPy scalars keep their own dtype
            x_dtype = _dtype.from_numpy_dtype(x.dtype)
        else:
            x_dtype = (_dtype.bool_, _dtype.int64, _dtype.default.value)[_scalar_category(x)]
        inferred = x_dtype if inferred is None else _dtype.promote_types(inferred, x_dtype)
        values.append(x)
    if dtype is None:
        dtype = inferred or _dtype.default.value  # an empty list is a float tensor
    return np.array(values, dtype=dtype.np).reshape(shape)


def _finish(arr: np.ndarray, requires_grad: bool) -> Tensor:
    t = wrap(arr)
    if requires_grad:
        if t._dtype.category != _dtype._FLOAT:
            raise RuntimeError("Only Tensors of floating point and complex dtype can require "
                               "gradients")
        t._requires_grad = True
    return t


def tensor(data: Any, *, dtype: _dtype.dtype | None = None, device=None,
           requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """Constructs a tensor with no autograd history by copying ``data``.

    Args:
        data: initial data: a number, a (nested) list or tuple, a NumPy array.
        dtype: the desired data type; inferred from ``data`` when None.
        device: the device of the returned tensor (only ``"cpu"`` here).
        requires_grad: if autograd should record operations on the returned tensor.
    """
    if device is not None:
        check_device(device)
    if type(data) is float and dtype is None:
        # the common scalar case, kept lean: a NumPy scalar until its storage is shared
        # or written (see _dispatch.materialize); arithmetic on it is ~8x faster
        return _finish(_dtype.default.value.np.type(data), requires_grad)
    if isinstance(data, Tensor):
        warnings.warn(_errors.TENSOR_COPY_WARNING, UserWarning, stacklevel=2)
    return _finish(_array_from_data(data, dtype), requires_grad)


def as_tensor(data: Any, dtype: _dtype.dtype | None = None, device=None) -> Tensor:
    """Converts ``data`` into a tensor, sharing memory with a NumPy array when possible."""
    check_device(device)
    if isinstance(data, Tensor):
        return data if dtype is None or dtype is data._dtype else data.to(dtype)
    if isinstance(data, np.ndarray) and (dtype is None or dtype.np == data.dtype):
        _dtype.from_numpy_dtype(data.dtype)
        return wrap(data)
    return _finish(_array_from_data(data, dtype), False)


def from_numpy(ndarray: np.ndarray) -> Tensor:
    """Creates a Tensor from a NumPy array; they share memory."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    _dtype.from_numpy_dtype(ndarray.dtype)
    return wrap(ndarray)

# -- shape-only factories -------------------------------------------------------------------


def _size(size: tuple) -> tuple:
    """Sizes given as varargs or as one sequence, validated."""
    if len(size) == 1 and isinstance(size[0], (tuple, list, Size)):
        size = tuple(size[0])
    for s in size:
        if isinstance(s, bool) or not isinstance(s, (int, np.integer)):
            raise TypeError(f"zeros(): argument 'size' must be tuple of ints, but found element "
                            f"of type {type(s).__name__}")
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: "
                               f"{list(size)}")
    return tuple(int(s) for s in size)


def _float(dtype: _dtype.dtype | None) -> _dtype.dtype:
    return _dtype.default.value if dtype is None else dtype


def zeros(*size, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Returns a tensor filled with the scalar value 0, with the shape ``size``."""
    check_device(device)
    return _finish(np.zeros(_size(size), _float(dtype).np), requires_grad)


def ones(*size, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Returns a tensor filled with the scalar value 1, with the shape ``size``."""
    check_device(device)
    return _finish(np.ones(_size(size), _float(dtype).np), requires_grad)


def empty(*size, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Returns a tensor with uninitialized data (zeros here), with the shape ``size``."""
    return zeros(*size, dtype=dtype, device=device, requires_grad=requires_grad)


def full(size: Sequence[int], fill_value, *, dtype=None, device=None,
         requires_grad: bool = False) -> Tensor:
    """Creates a tensor of size ``size`` filled with ``fill_value``."""
    check_device(device)
    if dtype is None:
        dtype = (_dtype.bool_, _dtype.int64, _dtype.default.value)[_scalar_category(fill_value)]
    return _finish(np.full(_size((size,)), fill_value, dtype.np), requires_grad)


def eye(n: int, m: int | None = None, *, dtype=None, device=None,
        requires_grad: bool = False) -> Tensor:
    """Returns a 2-D tensor with ones on the diagonal and zeros elsewhere."""
    check_device(device)
    return _finish(np.eye(n, n if m is None else m, dtype=_float(dtype).np), requires_grad)


def arange(start, end=None, step=1, *, dtype=None, device=None,
           requires_grad: bool = False) -> Tensor:
    """Returns a 1-D tensor of values from ``start`` to ``end`` (exclusive) by ``step``."""
    check_device(device)
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError("upper bound and larger bound inconsistent with step sign")
    if dtype is None:
        floats = any(isinstance(v, float) for v in (start, end, step))
        dtype = _dtype.default.value if floats else _dtype.int64
    n = max(math.ceil((end - start) / step), 0)
    values = start + np.arange(n, dtype=np.float64) * step  # as PyTorch: start + i * step
    return _finish(values.astype(dtype.np) if dtype.category == 2 else
                   np.arange(start, start + n * step, step)[:n].astype(dtype.np), requires_grad)


def linspace(start, end, steps: int, *, dtype=None, device=None,
             requires_grad: bool = False) -> Tensor:
    """Creates a 1-D tensor of ``steps`` evenly spaced values from ``start`` to ``end``."""
    check_device(device)
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    i = np.arange(steps, dtype=np.float64)
    step = (end - start) / (steps - 1) if steps > 1 else 0.0
    # filled from both ends, as PyTorch does, so the last value is exactly `end`
    values = np.where(i < steps // 2, start + step * i, end - step * (steps - 1 - i))
    return _finish(values.astype(_float(dtype).np), requires_grad)


def _like(fn):
    def like(input: Tensor, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
        return fn(input.shape, dtype=dtype or input.dtype, device=device,
                  requires_grad=requires_grad)
    like.__name__ = fn.__name__ + "_like"
    like.__doc__ = f"Returns a tensor shaped like ``input``, as ``{fn.__name__}`` would."
    return like


zeros_like, ones_like, empty_like = _like(zeros), _like(ones), _like(empty)


def full_like(input: Tensor, fill_value, *, dtype=None, device=None,
              requires_grad: bool = False) -> Tensor:
    """Returns a tensor shaped like ``input`` filled with ``fill_value``."""
    return full(input.shape, fill_value, dtype=dtype or input.dtype, device=device,
                requires_grad=requires_grad)

# -- random ---------------------------------------------------------------------------------


class Generator:
    """A source of pseudo-random numbers (NumPy's PCG64; streams differ from PyTorch's)."""

    def __init__(self, device=None) -> None:
        self._seed = 67280421310721
        self._rng = np.random.default_rng(self._seed)

    def manual_seed(self, seed: int) -> "Generator":
        """Sets the seed for generating random numbers; returns the generator."""
        self._seed = int(seed)
        self._rng = np.random.default_rng(self._seed)
        return self

    def initial_seed(self) -> int:
        """Returns the initial seed for generating random numbers."""
        return self._seed


default_generator = Generator()


def manual_seed(seed: int) -> Generator:
    """Sets the seed for generating random numbers on all devices."""
    return default_generator.manual_seed(seed)


def initial_seed() -> int:
    """Returns the initial seed of the default generator."""
    return default_generator.initial_seed()


def _rng(generator: Generator | None) -> np.random.Generator:
    return (generator or default_generator)._rng


def rand(*size, generator=None, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Returns a tensor of random numbers from a uniform distribution on [0, 1)."""
    check_device(device)
    dt = _float(dtype)
    return _finish(_rng(generator).random(_size(size)).astype(dt.np), requires_grad)


def randn(*size, generator=None, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Returns a tensor of random numbers from the standard normal distribution."""
    check_device(device)
    dt = _float(dtype)
    return _finish(_rng(generator).standard_normal(_size(size)).astype(dt.np), requires_grad)


def randint(low: int, high: int | None = None, size: Sequence[int] = (), *, generator=None,
            dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Returns a tensor of random integers drawn uniformly from [low, high)."""
    check_device(device)
    if high is None:
        low, high = 0, low
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} "
                           f">= to={high}")
    dt = _dtype.int64 if dtype is None else dtype
    return _finish(_rng(generator).integers(low, high, _size((size,))).astype(dt.np),
                   requires_grad)


def rand_like(input: Tensor, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Returns a tensor shaped like ``input`` of uniform random numbers on [0, 1)."""
    return rand(input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


def randn_like(input: Tensor, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Returns a tensor shaped like ``input`` of standard normal random numbers."""
    return randn(input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


def randint_like(input: Tensor, low: int = 0, high: int | None = None, *, dtype=None,
                 device=None) -> Tensor:
    """Returns a tensor shaped like ``input`` of random integers from [low, high)."""
    return randint(low, high, input.shape, dtype=dtype or input.dtype)


__all__ = ["Generator", "arange", "as_tensor", "default_generator", "empty", "empty_like", "eye",
           "from_numpy", "full", "full_like", "initial_seed", "linspace", "manual_seed", "ones",
           "ones_like", "rand", "rand_like", "randint", "randint_like", "randn", "randn_like",
           "tensor", "zeros", "zeros_like"]
