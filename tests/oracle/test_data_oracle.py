"""``chainrule.utils.data`` against ``torch.utils.data``: batches, collation, splits, errors.

Random streams differ by design (NumPy's generator, not PyTorch's), so shuffled orders
are not compared; everything that does not depend on the stream is.
"""
from __future__ import annotations

import collections
import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import chainrule
from test_data import DATA_ERRORS, check_error  # noqa: I001  (tests/ is on sys.path)

Point = collections.namedtuple("Point", "x y")


@pytest.mark.parametrize("desc,call,exc,first_line", DATA_ERRORS, ids=[row[0] for row in DATA_ERRORS])
def test_error_matches_torch(desc, call, exc, first_line) -> None:
    check_error(torch, call, exc, first_line)


def _same(ours, theirs) -> None:
    """Equal structure, types, dtypes, shapes and values (tensors compared as arrays)."""
    if isinstance(theirs, torch.Tensor):
        assert isinstance(ours, chainrule.Tensor)
        assert str(ours.dtype) == str(theirs.dtype) and tuple(ours.shape) == tuple(theirs.shape)
        np.testing.assert_array_equal(ours.detach().numpy(), theirs.detach().numpy())
    elif isinstance(theirs, dict):
        assert type(ours) is type(theirs) and list(ours) == list(theirs)
        for k in theirs:
            _same(ours[k], theirs[k])
    elif isinstance(theirs, (list, tuple)):
        assert type(ours) is type(theirs) and len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            _same(a, b)
    else:
        assert ours == theirs and type(ours) is type(theirs)


def _both(make):
    return make(chainrule), make(torch)


def _dataset(m):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((11, 3)).astype(np.float32)
    y = rng.integers(0, 5, 11)
    return m.utils.data.TensorDataset(m.from_numpy(x), m.from_numpy(y))


@pytest.mark.parametrize("batch_size,drop_last", [(1, False), (4, False), (4, True), (11, False), (20, True)])
def test_loader_batches_match_torch(batch_size, drop_last) -> None:
    ours, theirs = _both(lambda m: m.utils.data.DataLoader(_dataset(m), batch_size=batch_size, drop_last=drop_last))
    assert len(ours) == len(theirs)
    _same(list(ours), list(theirs))


def test_loader_without_batching_matches_torch() -> None:
    ours, theirs = _both(lambda m: m.utils.data.DataLoader(_dataset(m), batch_size=None))
    assert len(ours) == len(theirs)
    _same(list(ours), list(theirs))


def test_loader_over_samplers_matches_torch() -> None:
    def loaders(m):
        ds = _dataset(m)
        return (list(m.utils.data.DataLoader(ds, batch_size=3, sampler=[10, 0, 5, 2])),
                list(m.utils.data.DataLoader(ds, batch_sampler=[[3, 1], [4, 4, 0]])),
                list(m.utils.data.DataLoader(ds + ds, batch_size=6)),
                list(m.utils.data.DataLoader(m.utils.data.Subset(ds, [6, 1, 9]), batch_size=2)))
    ours, theirs = _both(loaders)
    _same(ours, theirs)


def test_loader_over_iterable_dataset_matches_torch() -> None:
    def loaders(m):
        class Stream(m.utils.data.IterableDataset):
            def __iter__(self):
                return iter([{"v": float(i), "i": i} for i in range(7)])
        return [list(m.utils.data.DataLoader(Stream(), batch_size=b, drop_last=d))
                for b, d in ((3, False), (3, True), (None, False))]
    _same(*_both(loaders))


COLLATE_BATCHES = {
    "ints": [1, 2],
    "floats": [1.5, 2.0],
    "bools": [True, False],
    "numpy float32 scalars": [np.float32(1), np.float32(2)],
    "numpy int16 scalars": [np.int16(1), np.int16(3)],
    "numpy bools": [np.bool_(True), np.bool_(False)],
    "numpy arrays": [np.arange(6, dtype=np.float32).reshape(2, 3), np.ones((2, 3), np.float32)],
    "numpy 0-d arrays": [np.array(1.5), np.array(2.5)],
    "numpy int arrays": [np.arange(3), np.arange(3, 6)],
    "strings": ["a", "b"],
    "bytes": [b"a", b"b"],
    "tuples": [(1, 2.0), (3, 4.0)],
    "lists": [[1, 2], [3, 4]],
    "named tuples": [Point(1, 2.0), Point(3, 4.0)],
    "ordered dicts": [collections.OrderedDict(a=1, b=2.0), collections.OrderedDict(a=3, b=4.0)],
    "int keys": [{1: 2.0, "b": 3}, {1: 4.0, "b": 5}],
    "nested": [{"img": np.zeros((2, 2), np.float32), "meta": {"id": 1, "tags": ["x", "y"]}, "pair": (1, [2.0])},
               {"img": np.ones((2, 2), np.float32), "meta": {"id": 2, "tags": ["z", "w"]}, "pair": (3, [4.0])}],
}


@pytest.mark.parametrize("name", list(COLLATE_BATCHES))
def test_default_collate_matches_torch(name) -> None:
    batch = COLLATE_BATCHES[name]
    _same(chainrule.utils.data.default_collate(batch), torch.utils.data.default_collate(batch))


@pytest.mark.parametrize("name", ["numpy float32 scalars", "numpy arrays", "tuples", "nested", "strings"])
def test_default_convert_matches_torch(name) -> None:
    sample = COLLATE_BATCHES[name][0]
    _same(chainrule.utils.data.default_convert(sample), torch.utils.data.default_convert(sample))


def test_collate_of_tensors_matches_torch() -> None:
    rows = np.random.default_rng(1).standard_normal((3, 2, 2))
    ours = chainrule.utils.data.default_collate([{"t": chainrule.tensor(r), "k": (chainrule.tensor(1),)} for r in rows])
    theirs = torch.utils.data.default_collate([{"t": torch.tensor(r), "k": (torch.tensor(1),)} for r in rows])
    _same(ours, theirs)


@pytest.mark.parametrize("n,lengths", [
    (10, [3, 7]), (10, [0.3, 0.3, 0.4]), (11, [0.5, 0.5]), (7, [0.1, 0.2, 0.7]), (10, [1, 0]),
    (5, [0.25, 0.25, 0.25, 0.25]), (100, [0.8, 0.1, 0.1]), (3, [0.0, 1.0]),
])
def test_random_split_sizes_match_torch(n, lengths) -> None:
    with warnings.catch_warnings(record=True) as ours_warned:
        warnings.simplefilter("always")
        ours = chainrule.utils.data.random_split(range(n), lengths)
    with warnings.catch_warnings(record=True) as theirs_warned:
        warnings.simplefilter("always")
        theirs = torch.utils.data.random_split(range(n), lengths)
    assert [len(s) for s in ours] == [len(s) for s in theirs]
    assert [str(w.message) for w in ours_warned] == [str(w.message) for w in theirs_warned]


@pytest.mark.parametrize("make", [
    lambda m: m.utils.data.BatchSampler(range(10), 3, False),
    lambda m: m.utils.data.BatchSampler(range(10), 3, True),
    lambda m: m.utils.data.DataLoader(range(10), batch_size=4, shuffle=True),
    lambda m: m.utils.data.DataLoader(range(10), batch_size=4, shuffle=True, drop_last=True),
    lambda m: m.utils.data.RandomSampler(range(4), num_samples=9),
    lambda m: m.utils.data.WeightedRandomSampler([1.0, 2.0], 5),
    lambda m: m.utils.data.SubsetRandomSampler([5, 1, 2]),
])
def test_lengths_match_torch(make) -> None:
    ours, theirs = _both(make)
    assert len(ours) == len(theirs) and len(list(ours)) == len(list(theirs))
