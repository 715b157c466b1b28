"""``default_collate`` and ``default_convert``: samples -> a batch of tensors.

A batch keeps the structure of one sample: tensors and NumPy arrays are stacked along a
new first dimension, Python numbers become 1-D tensors (``float`` -> float64, ``int`` ->
int64, ``bool`` -> bool), NumPy scalars keep their dtype, strings stay a list, and dicts,
named tuples, tuples and lists are collated field by field.
"""
from __future__ import annotations

import collections.abc
import copy
from typing import Any, Callable

import numpy as np

from ... import _dtype
from ..._tensor import Tensor
from ...functional.creation import as_tensor, tensor
from ...functional.joining import stack

_BAD_TYPE = ("default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; "
             "found {}")


def _is_string_array(arr: np.ndarray) -> bool:
    return arr.dtype.kind in "SaUO"


def _rebuild(elem: Any, values: list) -> Any:
    """A container like ``elem`` (a dict's values, or a sequence's items) holding ``values``."""
    if isinstance(elem, collections.abc.Mapping):
        items = dict(zip(elem.keys(), values))
        if isinstance(elem, collections.abc.MutableMapping):
            clone = copy.copy(elem)
            clone.update(items)
            return clone
        try:
            return type(elem)(items)
        except TypeError:  # a mapping type that cannot be built from a dict
            return items
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return type(elem)(*values)
    if isinstance(elem, tuple):
        return values  # tuples become lists, as in PyTorch
    try:
        if isinstance(elem, collections.abc.MutableSequence):
            clone = copy.copy(elem)
            clone[:] = values
            return clone
        return type(elem)(values)
    except TypeError:  # a sequence type that cannot be built from a list
        return values


def _collate_columns(batch: list, recurse: Callable[[list], Any]) -> Any:
    """Collate a batch of containers field by field with ``recurse``."""
    elem = batch[0]
    if isinstance(elem, collections.abc.Mapping):
        return _rebuild(elem, [recurse([d[key] for d in batch]) for key in elem])
    if any(len(sample) != len(elem) for sample in batch):
        raise RuntimeError("each element in list of batch should be of equal size")
    return _rebuild(elem, [recurse(column) for column in zip(*batch)])  # columns stay tuples, as in PyTorch


def default_collate(batch: list) -> Any:
    """Puts each data field into a tensor with outer dimension batch size.

    Args:
        batch: a list of samples, each a tensor, NumPy array, number, string, or a
            dict / (named) tuple / list of those.
    """
    elem = batch[0]
    if isinstance(elem, Tensor):
        return stack(batch, 0)
    if isinstance(elem, np.ndarray):
        if _is_string_array(elem):
            raise TypeError(_BAD_TYPE.format(elem.dtype))
        return stack([as_tensor(b) for b in batch], 0)
    if isinstance(elem, (np.bool_, np.number)):
        return tensor(batch)
    if isinstance(elem, float):
        return tensor(batch, dtype=_dtype.float64)
    if isinstance(elem, int):  # bools included: tensor() gives them dtype bool
        return tensor(batch)
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, (collections.abc.Mapping, collections.abc.Sequence)):
        return _collate_columns(batch, default_collate)
    raise TypeError(_BAD_TYPE.format(type(elem)))


def default_convert(data: Any) -> Any:
    """Converts NumPy arrays and scalars in ``data`` to tensors, keeping everything else.

    ``DataLoader`` applies it to each sample when automatic batching is off (``batch_size=None``).
    """
    if isinstance(data, np.ndarray):
        return data if _is_string_array(data) else as_tensor(data)
    if isinstance(data, (np.bool_, np.number)):
        return as_tensor(data)
    if isinstance(data, (str, bytes, Tensor)):
        return data
    if isinstance(data, collections.abc.Mapping):
        return _rebuild(data, [default_convert(v) for v in data.values()])
    if isinstance(data, collections.abc.Sequence):
        return _rebuild(data, [default_convert(v) for v in data])
    return data


__all__ = ["default_collate", "default_convert"]
