"""Samplers: the order in which ``DataLoader`` visits a dataset's keys.

Random samplers draw from a ``chainrule.Generator`` (NumPy's PCG64): the same seed gives
the same order on every run, though not the order PyTorch's generator would give.
"""
from __future__ import annotations

from typing import Iterable, Iterator, Sequence, Sized

import numpy as np

from ...functional.creation import Generator, _rng, randint


def _permutation(n: int, generator: Generator | None) -> np.ndarray:
    """A random permutation of ``range(n)`` from ``generator`` (the default one when None)."""
    return _rng(generator).permutation(n)


def _check_positive_int(name: str, value) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"{name} should be a positive integer value, but got {name}={value}")


class Sampler:
    """Base class for all samplers: an iterable over the keys (indices) of a dataset.

    Subclasses provide ``__iter__``, and ``__len__`` when the number of keys is known.
    """

    def __init__(self, data_source: Sized | None = None) -> None:
        pass

    def __iter__(self) -> Iterator:
        raise NotImplementedError


class SequentialSampler(Sampler):
    """Samples elements sequentially, always in the same order.

    Args:
        data_source: dataset to sample from.
    """

    def __init__(self, data_source: Sized) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler):
    """Samples elements randomly: a fresh permutation on every pass, or draws with replacement.

    Args:
        data_source: dataset to sample from.
        replacement: samples are drawn on-demand with replacement if ``True``.
        num_samples: number of samples to draw (default: ``len(data_source)``).
        generator: generator used in sampling (the default generator when None).
    """

    def __init__(self, data_source: Sized, replacement: bool = False, num_samples: int | None = None,
                 generator: Generator | None = None) -> None:
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(replacement, bool):
            raise TypeError(f"replacement should be a boolean value, but got replacement={replacement}")
        _check_positive_int("num_samples", self.num_samples)

    @property
    def num_samples(self) -> int:
        """The number of indices one pass yields."""
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self) -> Iterator[int]:
        n, count = len(self.data_source), self.num_samples
        if self.replacement:
            yield from randint(0, n, (count,), generator=self.generator).tolist()
            return
        for _ in range(count // n):  # whole passes, each a fresh permutation
            yield from _permutation(n, self.generator).tolist()
        if count % n:
            yield from _permutation(n, self.generator)[:count % n].tolist()

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """Samples elements randomly from a given list of indices, without replacement.

    Args:
        indices: a sequence of indices.
        generator: generator used in sampling (the default generator when None).
    """

    def __init__(self, indices: Sequence[int], generator: Generator | None = None) -> None:
        self.indices = indices
        self.generator = generator

    def __iter__(self) -> Iterator[int]:
        for i in _permutation(len(self.indices), self.generator).tolist():
            yield self.indices[i]

    def __len__(self) -> int:
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """Samples elements from ``[0, len(weights) - 1]`` with given probabilities (weights).

    Args:
        weights: a sequence of weights, not necessarily summing up to one.
        num_samples: number of samples to draw.
        replacement: if ``True``, samples are drawn with replacement.
        generator: generator used in sampling (the default generator when None).
    """

    def __init__(self, weights: Sequence[float], num_samples: int, replacement: bool = True,
                 generator: Generator | None = None) -> None:
        _check_positive_int("num_samples", num_samples)
        if not isinstance(replacement, bool):
            raise ValueError(f"replacement should be a boolean value, but got replacement={replacement}")
        w = np.asarray(weights.numpy() if hasattr(weights, "numpy") else weights, dtype=np.float64)
        if w.ndim != 1:
            raise ValueError(f"weights should be a 1d sequence but given weights have shape {tuple(w.shape)}")
        self.weights = w
        self.num_samples = num_samples
        self.replacement = replacement
        self.generator = generator

    def __iter__(self) -> Iterator[int]:
        w = self.weights
        if not (w >= 0).all():  # NaN included, as in PyTorch
            raise RuntimeError("invalid multinomial distribution (encountering probability entry < 0)")
        if not np.isfinite(w).all():
            raise RuntimeError("invalid multinomial distribution (encountering probability entry = infinity or NaN)")
        if w.sum() <= 0:
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
        rng = _rng(self.generator)
        if self.replacement:
            yield from rng.choice(w.size, self.num_samples, p=w / w.sum()).tolist()
            return
        if self.num_samples > w.size:
            raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
        # an exponential race: category i finishes at E_i / w_i, and the first finishers are a
        # draw without replacement in proportion to the weights (zero weights come last, in order)
        with np.errstate(divide="ignore"):
            finish = rng.standard_exponential(w.size) / w
        yield from np.argsort(finish, kind="stable")[:self.num_samples].tolist()

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler):
    """Wraps another sampler to yield a mini-batch of indices.

    Args:
        sampler: base sampler; any iterable of indices.
        batch_size: size of mini-batch.
        drop_last: if ``True``, the last batch is dropped when it is smaller than ``batch_size``.
    """

    def __init__(self, sampler: Sampler | Iterable[int], batch_size: int, drop_last: bool) -> None:
        _check_positive_int("batch_size", batch_size)
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last}")
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last

    def __iter__(self) -> Iterator[list[int]]:
        batch = []
        for idx in self.sampler:
            batch.append(idx)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self) -> int:
        if self.drop_last:
            return len(self.sampler) // self.batch_size
        return -(-len(self.sampler) // self.batch_size)


__all__ = ["BatchSampler", "RandomSampler", "Sampler", "SequentialSampler", "SubsetRandomSampler",
           "WeightedRandomSampler"]
