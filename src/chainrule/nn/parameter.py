"""``nn.Parameter`` and ``nn.Buffer``: tensors a Module registers when they are assigned to it."""
from __future__ import annotations

import copy

import numpy as np

from .. import _dtype
from .._dispatch import materialize
from .._tensor import Tensor

__all__ = ["Buffer", "Parameter"]


def _adopt(cls, data: Tensor | None, requires_grad: bool) -> Tensor:
    """A new leaf of class ``cls`` sharing ``data``'s storage and version counter."""
    if data is None:
        data = _leaf(np.empty((0,), dtype=_dtype.default.value.np))
    elif not isinstance(data, Tensor):
        raise AttributeError(f"'{type(data).__name__}' object has no attribute 'detach'")
    if requires_grad and data._dtype.category != _dtype._FLOAT:
        raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
    materialize(data)
    t = Tensor.__new__(cls)
    t._data, t._dtype, t._vc = data._data, data._dtype, data._vc
    t._grad_fn = t._grad = t._base = t._accum = None
    t._requires_grad = bool(requires_grad)
    t._out_nr = 0
    return t


def _leaf(array: np.ndarray) -> Tensor:
    """A plain leaf tensor owning ``array``."""
    t = Tensor.__new__(Tensor)
    t._data, t._dtype, t._vc = array, _dtype._from_np[array.dtype], [0]
    t._grad_fn = t._grad = t._base = t._accum = None
    t._requires_grad, t._out_nr = False, 0
    return t


class Parameter(Tensor):
    r"""A kind of Tensor that is to be considered a module parameter.

    Parameters are :class:`Tensor` subclasses that, when assigned as attributes of a
    :class:`Module`, are automatically added to its list of parameters and appear in
    :meth:`Module.parameters`. The parameter shares storage with ``data``.

    Args:
        data (Tensor): parameter tensor (an empty float tensor when omitted).
        requires_grad (bool, optional): if the parameter requires gradient. Default: ``True``
    """

    def __new__(cls, data: Tensor | None = None, requires_grad: bool = True) -> "Parameter":
        return _adopt(cls, data, requires_grad)

    def __init__(self, data: Tensor | None = None, requires_grad: bool = True) -> None:
        pass  # everything is set in __new__; Tensor has no __init__ to forward to

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__

    def __deepcopy__(self, memo: dict) -> "Parameter":
        if id(self) in memo:
            return memo[id(self)]
        result = type(self)(_leaf(np.array(self._data)), self._requires_grad)
        if self._grad is not None:
            result._grad = _leaf(np.array(self._grad._data))
        result.__dict__.update(copy.deepcopy(self.__dict__, memo))
        memo[id(self)] = result
        return result

    def __reduce_ex__(self, protocol):
        return (_rebuild_parameter, (np.array(self._data), self._requires_grad))


def _rebuild_parameter(array: np.ndarray, requires_grad: bool) -> Parameter:
    return Parameter(_leaf(array), requires_grad)


class Buffer(Tensor):
    r"""A kind of Tensor that should not be considered a model parameter.

    When a Buffer is assigned as a :class:`Module` attribute it is registered as one of
    its buffers (see :meth:`Module.register_buffer`); the attribute then holds a plain
    Tensor sharing the buffer's storage.

    Args:
        data (Tensor): buffer tensor.
        persistent (bool, optional): whether the buffer is part of the module's
            :attr:`state_dict`. Default: ``True``
    """

    def __new__(cls, data: Tensor | None = None, *, persistent: bool = True) -> "Buffer":
        t = _adopt(cls, data, data.requires_grad if isinstance(data, Tensor) else False)
        t.persistent = persistent
        return t

    def __init__(self, data: Tensor | None = None, *, persistent: bool = True) -> None:
        pass
