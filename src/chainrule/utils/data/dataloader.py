"""``DataLoader``: batches of samples from a dataset, in the order a sampler gives.

Loading runs in the calling process. ``num_workers > 0`` is accepted (and validated, as
PyTorch does) so ordinary training scripts run unchanged, but the samples are still
fetched in-process, one batch after another; ``worker_init_fn`` is never called and
``get_worker_info()`` is always None. ``pin_memory`` has no effect on the CPU.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Iterator

from ..._dtype import int64
from ...functional.creation import Generator, tensor
from .collate import default_collate, default_convert
from .dataset import Dataset, IterableDataset, TensorDataset
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler

_FROZEN = ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset", "persistent_workers")


def get_worker_info() -> None:
    """Information about the current loader worker: always None, as loading runs in-process."""
    return None


def _check_options(dataset, batch_size, shuffle, sampler, batch_sampler, drop_last) -> None:
    """PyTorch's refusals of option combinations that contradict each other."""
    if isinstance(dataset, IterableDataset):
        for name, value in (("shuffle", shuffle), ("sampler", sampler), ("batch_sampler", batch_sampler)):
            if value not in (None, False):
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified {name} option, "
                                 f"but got {name}={value}")
    if sampler is not None and shuffle:
        raise ValueError("sampler option is mutually exclusive with shuffle")
    if batch_sampler is not None and (batch_size != 1 or shuffle or sampler is not None or drop_last):
        raise ValueError("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, "
                         "and drop_last")
    if batch_size is None and drop_last:
        raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive with "
                         "drop_last")


def _check_workers(num_workers, timeout, prefetch_factor, persistent_workers) -> None:
    if num_workers < 0:
        raise ValueError("num_workers option should be non-negative; use num_workers=0 to disable "
                         "multiprocessing.")
    if timeout < 0:
        raise ValueError("timeout option should be non-negative")
    if num_workers == 0 and prefetch_factor is not None:
        raise ValueError("prefetch_factor option could only be specified in multiprocessing.let num_workers > 0 "
                         "to enable multiprocessing, otherwise set prefetch_factor to None.")
    if prefetch_factor is not None and prefetch_factor < 0:
        raise ValueError("prefetch_factor option should be non-negative")
    if persistent_workers and num_workers == 0:
        raise ValueError("persistent_workers option needs num_workers > 0")


class DataLoader:
    """Combines a dataset and a sampler, and provides an iterable over the given dataset.

    Args:
        dataset: dataset from which to load the data (map-style or iterable).
        batch_size: how many samples per batch to load; ``None`` turns automatic batching off.
        shuffle: set to ``True`` to have the data reshuffled at every epoch.
        sampler: defines the strategy to draw samples from the dataset (any iterable of keys).
        batch_sampler: like ``sampler``, but returns a batch of indices at a time.
        num_workers: accepted for compatibility; loading always runs in the main process.
        collate_fn: merges a list of samples to form a mini-batch (``default_collate``).
        pin_memory: no effect (CPU only).
        drop_last: set to ``True`` to drop the last incomplete batch.
        timeout, worker_init_fn, multiprocessing_context, prefetch_factor, persistent_workers,
        pin_memory_device, in_order: accepted and validated for compatibility; unused in-process.
        generator: the generator ``RandomSampler`` uses when ``shuffle=True``.
    """

    def __init__(self, dataset: Dataset, batch_size: int | None = 1, shuffle: bool | None = None,
                 sampler: Sampler | Iterable | None = None, batch_sampler: Sampler | Iterable | None = None,
                 num_workers: int = 0, collate_fn: Callable[[list], Any] | None = None,
                 pin_memory: bool = False, drop_last: bool = False, timeout: float = 0,
                 worker_init_fn: Callable[[int], None] | None = None, multiprocessing_context=None,
                 generator: Generator | None = None, *, prefetch_factor: int | None = None,
                 persistent_workers: bool = False, pin_memory_device: str = "", in_order: bool = True) -> None:
        _check_workers(num_workers, timeout, prefetch_factor, persistent_workers)
        _check_options(dataset, batch_size, shuffle, sampler, batch_sampler, drop_last)
        if batch_sampler is not None:
            batch_size, drop_last = None, False
        if sampler is None and not isinstance(dataset, IterableDataset):
            sampler = RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None and sampler is not None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.dataset = dataset
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.num_workers = num_workers
        self.collate_fn = collate_fn or (default_collate if self._auto_collation else default_convert)
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.generator = generator
        self.prefetch_factor = prefetch_factor
        self.persistent_workers = persistent_workers
        self.in_order = in_order
        self.__initialized = True

    def __setattr__(self, attr: str, value) -> None:
        if attr in _FROZEN and self.__dict__.get("_DataLoader__initialized", False):
            raise ValueError(f"{attr} attribute should not be set after {type(self).__name__} is initialized")
        super().__setattr__(attr, value)

    @property
    def _auto_collation(self) -> bool:
        return self.batch_sampler is not None or (isinstance(self.dataset, IterableDataset)
                                                  and self.batch_size is not None)

    def __iter__(self) -> "_SingleProcessIter":
        return _SingleProcessIter(self)

    def __len__(self) -> int:
        if isinstance(self.dataset, IterableDataset):
            n = len(self.dataset)
            if self.batch_size is None:
                return n
            return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
        return len(self.batch_sampler if self.batch_sampler is not None else self.sampler)


def _chunks(items: Iterator, size: int, drop_last: bool) -> Iterator[list]:
    """Consecutive lists of ``size`` items from a stream (the last one shorter unless dropped)."""
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk and not drop_last:
        yield chunk


def _index_tensor(indices: list):
    """A batch's indices as an int64 tensor (negative ones wrap, as ``dataset[i]`` does)."""
    return tensor(indices, dtype=int64)


class _SingleProcessIter:
    """One pass over a ``DataLoader``: fetches and collates each batch in the calling process."""

    def __init__(self, loader: DataLoader) -> None:
        self._loader = loader
        self._batches = self._fetch_all(loader)

    @staticmethod
    def _fetch_all(loader: DataLoader) -> Iterator:
        dataset, collate = loader.dataset, loader.collate_fn
        if isinstance(dataset, IterableDataset):
            stream = iter(dataset)
            if loader.batch_size is None:
                return map(collate, stream)
            return map(collate, _chunks(stream, loader.batch_size, loader.drop_last))
        if loader.batch_sampler is None:
            return (collate(dataset[i]) for i in loader.sampler)
        if (type(dataset) is TensorDataset and collate is default_collate
                and not any(t.requires_grad for t in dataset.tensors)):
            # default_collate of the rows of a TensorDataset is each tensor read at the batch's
            # indices: one indexing op per tensor instead of one per sample (the digits MLP
            # epoch went from 1.64x to 0.99x torch); the same values, dtypes and list
            return ([t[_index_tensor(idx)] for t in dataset.tensors] for idx in loader.batch_sampler)
        if callable(getattr(dataset, "__getitems__", None)):
            return (collate(dataset.__getitems__(list(idx))) for idx in loader.batch_sampler)
        return (collate([dataset[i] for i in idx]) for idx in loader.batch_sampler)

    def __iter__(self) -> "_SingleProcessIter":
        return self

    def __next__(self) -> Any:
        return next(self._batches)

    def __len__(self) -> int:
        return len(self._loader)


__all__ = ["DataLoader", "get_worker_info"]
