"""``chainrule.utils.data``: datasets, samplers, collation and ``DataLoader``.

``DATA_ERRORS`` is a table of bad calls written against a torch-shaped module ``m``;
``tests/oracle/test_data_oracle.py`` runs the same table against PyTorch.
"""
from __future__ import annotations

import collections
import warnings

import numpy as np
import pytest

import chainrule
from chainrule.utils.data import (
    BatchSampler,
    ChainDataset,
    ConcatDataset,
    DataLoader,
    Dataset,
    IterableDataset,
    RandomSampler,
    Sampler,
    SequentialSampler,
    Subset,
    SubsetRandomSampler,
    TensorDataset,
    WeightedRandomSampler,
    default_collate,
    default_convert,
    get_worker_info,
    random_split,
)

Point = collections.namedtuple("Point", "x y")


def _tds(m, n=10):
    return m.utils.data.TensorDataset(m.arange(float(n)), m.arange(n))


def _stream(m, n=7):
    class Stream(m.utils.data.IterableDataset):
        def __iter__(self):
            return iter(range(n))
    return Stream()


def _batches(m):
    return m.utils.data.BatchSampler(m.utils.data.SequentialSampler(range(10)), 2, False)


def _iter_all(loader):
    return list(loader)


# (description, call on a torch-shaped module m, exception type, first line of the message)
DATA_ERRORS = [
    ("batch_size 0", lambda m: m.utils.data.DataLoader(_tds(m), batch_size=0), ValueError,
     "batch_size should be a positive integer value, but got batch_size=0"),
    ("batch_size float", lambda m: m.utils.data.DataLoader(_tds(m), batch_size=1.5), ValueError,
     "batch_size should be a positive integer value, but got batch_size=1.5"),
    ("batch_size bool", lambda m: m.utils.data.BatchSampler(range(3), True, False), ValueError,
     "batch_size should be a positive integer value, but got batch_size=True"),
    ("drop_last not bool", lambda m: m.utils.data.BatchSampler(range(3), 2, 1), ValueError,
     "drop_last should be a boolean value, but got drop_last=1"),
    ("sampler and shuffle",
     lambda m: m.utils.data.DataLoader(_tds(m), sampler=range(10), shuffle=True), ValueError,
     "sampler option is mutually exclusive with shuffle"),
    ("batch_sampler and batch_size",
     lambda m: m.utils.data.DataLoader(_tds(m), batch_sampler=_batches(m), batch_size=3), ValueError,
     "batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last"),
    ("batch_sampler and drop_last",
     lambda m: m.utils.data.DataLoader(_tds(m), batch_sampler=_batches(m), drop_last=True), ValueError,
     "batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last"),
    ("batch_size None and drop_last",
     lambda m: m.utils.data.DataLoader(_tds(m), batch_size=None, drop_last=True), ValueError,
     "batch_size=None option disables auto-batching and is mutually exclusive with drop_last"),
    ("negative num_workers", lambda m: m.utils.data.DataLoader(_tds(m), num_workers=-1), ValueError,
     "num_workers option should be non-negative; use num_workers=0 to disable multiprocessing."),
    ("negative timeout", lambda m: m.utils.data.DataLoader(_tds(m), timeout=-1), ValueError,
     "timeout option should be non-negative"),
    ("prefetch_factor without workers", lambda m: m.utils.data.DataLoader(_tds(m), prefetch_factor=2), ValueError,
     "prefetch_factor option could only be specified in multiprocessing.let num_workers > 0 to enable "
     "multiprocessing, otherwise set prefetch_factor to None."),
    ("persistent_workers without workers",
     lambda m: m.utils.data.DataLoader(_tds(m), persistent_workers=True), ValueError,
     "persistent_workers option needs num_workers > 0"),
    ("set batch_size after init", lambda m: setattr(m.utils.data.DataLoader(_tds(m)), "batch_size", 3),
     ValueError, "batch_size attribute should not be set after DataLoader is initialized"),
    ("iterable dataset with shuffle", lambda m: m.utils.data.DataLoader(_stream(m), shuffle=True), ValueError,
     "DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle=True"),
    ("iterable dataset with sampler", lambda m: m.utils.data.DataLoader(_stream(m), sampler=[1]), ValueError,
     "DataLoader with IterableDataset: expected unspecified sampler option, but got sampler=[1]"),
    ("len of iterable dataset", lambda m: len(m.utils.data.DataLoader(_stream(m))), TypeError,
     "object of type 'Stream' has no len()"),
    ("replacement not bool", lambda m: m.utils.data.RandomSampler(range(3), replacement=1), TypeError,
     "replacement should be a boolean value, but got replacement=1"),
    ("num_samples 0", lambda m: m.utils.data.RandomSampler(range(3), num_samples=0), ValueError,
     "num_samples should be a positive integer value, but got num_samples=0"),
    ("empty dataset random sampler", lambda m: m.utils.data.RandomSampler(range(0)), ValueError,
     "num_samples should be a positive integer value, but got num_samples=0"),
    ("draw with replacement from nothing",
     lambda m: list(m.utils.data.RandomSampler(range(0), replacement=True, num_samples=3)), RuntimeError,
     "random_ expects 'from' to be less than 'to', but got from=0 >= to=0"),
    ("weights 2-d", lambda m: m.utils.data.WeightedRandomSampler([[1.0, 2.0]], 2), ValueError,
     "weights should be a 1d sequence but given weights have shape (1, 2)"),
    ("weighted replacement not bool",
     lambda m: m.utils.data.WeightedRandomSampler([1.0, 2.0], 2, replacement=0), ValueError,
     "replacement should be a boolean value, but got replacement=0"),
    ("negative weight", lambda m: list(m.utils.data.WeightedRandomSampler([1.0, -2.0], 2)), RuntimeError,
     "invalid multinomial distribution (encountering probability entry < 0)"),
    ("nan weight", lambda m: list(m.utils.data.WeightedRandomSampler([1.0, float("nan")], 2)), RuntimeError,
     "invalid multinomial distribution (encountering probability entry < 0)"),
    ("inf weight", lambda m: list(m.utils.data.WeightedRandomSampler([1.0, float("inf")], 2)), RuntimeError,
     "invalid multinomial distribution (encountering probability entry = infinity or NaN)"),
    ("zero weights", lambda m: list(m.utils.data.WeightedRandomSampler([0.0, 0.0], 2)), RuntimeError,
     "invalid multinomial distribution (sum of probabilities <= 0)"),
    ("too many without replacement",
     lambda m: list(m.utils.data.WeightedRandomSampler([1.0, 2.0], 3, replacement=False)), RuntimeError,
     "cannot sample n_sample > prob_dist.size(-1) samples without replacement"),
    ("tensor size mismatch", lambda m: m.utils.data.TensorDataset(m.zeros(3), m.zeros(4)), AssertionError,
     "Size mismatch between tensors"),
    ("concat nothing", lambda m: m.utils.data.ConcatDataset([]), AssertionError,
     "datasets should not be an empty iterable"),
    ("concat an iterable dataset", lambda m: m.utils.data.ConcatDataset([_stream(m)]), AssertionError,
     "ConcatDataset does not support IterableDataset"),
    ("concat index below -len", lambda m: m.utils.data.ConcatDataset([_tds(m)])[-11], ValueError,
     "absolute value of index should not exceed dataset length"),
    ("dataset without getitem", lambda m: m.utils.data.Dataset()[0], NotImplementedError,
     "Subclasses of Dataset should implement __getitem__."),
    ("split lengths", lambda m: m.utils.data.random_split(range(10), [3, 3]), ValueError,
     "Sum of input lengths does not equal the length of the input dataset!"),
    ("split fractions over 1", lambda m: m.utils.data.random_split(range(10), [0.5, 0.6]), ValueError,
     "Sum of input lengths does not equal the length of the input dataset!"),
    ("split fraction out of range", lambda m: m.utils.data.random_split(range(10), [1.5, -0.5]), ValueError,
     "Fraction at index 0 is not between 0 and 1"),
    ("collate an object", lambda m: m.utils.data.default_collate([object(), object()]), TypeError,
     "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found <class 'object'>"),
    ("collate None", lambda m: m.utils.data.default_collate([None, None]), TypeError,
     "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; "
     "found <class 'NoneType'>"),
    ("collate ragged lists", lambda m: m.utils.data.default_collate([[1, 2], [1]]), RuntimeError,
     "each element in list of batch should be of equal size"),
    ("collate string arrays", lambda m: m.utils.data.default_collate([np.array(["a"]), np.array(["b"])]),
     TypeError, "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found <U1"),
    ("collate unequal tensors", lambda m: m.utils.data.default_collate([m.zeros(2), m.zeros(3)]), RuntimeError,
     "stack expects each tensor to be equal size, but got [2] at entry 0 and [3] at entry 1"),
]


def check_error(m, call, exc, first_line) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(exc) as info:
            call(m)
    assert str(info.value).splitlines()[0] == first_line


@pytest.mark.parametrize("desc,call,exc,first_line", DATA_ERRORS, ids=[row[0] for row in DATA_ERRORS])
def test_error(desc, call, exc, first_line) -> None:
    check_error(chainrule, call, exc, first_line)

# -- datasets ---------------------------------------------------------------------------------


def test_tensor_dataset_rows() -> None:
    ds = _tds(chainrule)
    assert len(ds) == 10
    x, y = ds[3]
    assert x.item() == 3.0 and y.item() == 3 and x.dtype == chainrule.float32 and y.dtype == chainrule.int64


def test_subset_and_concat() -> None:
    ds = _tds(chainrule)
    sub = Subset(ds, [7, 2, 5])
    assert len(sub) == 3 and sub[1][1].item() == 2
    assert [s[1].item() for s in sub.__getitems__([0, 2])] == [7, 5]
    both = ds + sub
    assert isinstance(both, ConcatDataset) and len(both) == 13 and both.cumulative_sizes == [10, 13]
    assert [both[i][1].item() for i in (0, 9, 10, 12, -1, -13)] == [0, 9, 7, 5, 5, 0]
    with pytest.raises(IndexError):
        both[13]


def test_chain_dataset() -> None:
    chained = _stream(chainrule, 3) + _stream(chainrule, 2)
    assert isinstance(chained, ChainDataset) and list(chained) == [0, 1, 2, 0, 1]


def test_random_split_sizes_and_cover() -> None:
    g = chainrule.Generator().manual_seed(0)
    parts = random_split(range(10), [0.3, 0.3, 0.4], generator=g)
    assert [len(p) for p in parts] == [3, 3, 4]
    assert sorted(i for p in parts for i in p.indices) == list(range(10))
    with pytest.warns(UserWarning, match="Length of split at index 1 is 0"):
        assert [len(p) for p in random_split(range(10), [1, 0])] == [10, 0]
    assert [len(p) for p in random_split(range(11), [0.5, 0.5])] == [6, 5]  # remainder goes first
    same = random_split(range(10), [0.3, 0.3, 0.4], generator=chainrule.Generator().manual_seed(0))
    assert [p.indices for p in parts] == [p.indices for p in same]

# -- samplers -----------------------------------------------------------------------------------


def test_sequential_and_batch_sampler() -> None:
    assert list(SequentialSampler(range(4))) == [0, 1, 2, 3]
    assert list(BatchSampler(range(7), 3, False)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(BatchSampler(range(7), 3, True)) == [[0, 1, 2], [3, 4, 5]]
    assert len(BatchSampler(range(7), 3, False)) == 3 and len(BatchSampler(range(7), 3, True)) == 2
    with pytest.raises(NotImplementedError):
        iter(Sampler())


def test_random_sampler_is_a_permutation_and_seeded() -> None:
    g = chainrule.Generator().manual_seed(5)
    s = RandomSampler(range(8), generator=g)
    first, second = list(s), list(s)
    assert sorted(first) == sorted(second) == list(range(8)) and first != second
    again = RandomSampler(range(8), generator=chainrule.Generator().manual_seed(5))
    assert list(again) == first
    longer = list(RandomSampler(range(3), num_samples=7, generator=g))
    assert len(longer) == 7 and sorted(longer[:3]) == sorted(longer[3:6]) == [0, 1, 2]
    drawn = list(RandomSampler(range(3), replacement=True, num_samples=50, generator=g))
    assert len(drawn) == 50 and set(drawn) == {0, 1, 2}


def test_subset_and_weighted_samplers() -> None:
    g = chainrule.Generator().manual_seed(1)
    assert sorted(SubsetRandomSampler([4, 8, 9], generator=g)) == [4, 8, 9]
    assert len(SubsetRandomSampler([4, 8, 9])) == 3
    picks = list(WeightedRandomSampler([0.0, 1.0, 0.0, 3.0], 200, generator=g))
    assert set(picks) == {1, 3} and picks.count(3) > picks.count(1)
    # without replacement, zero weights come last, in order
    assert list(WeightedRandomSampler([1.0, 0.0, 0.0], 2, replacement=False, generator=g)) == [0, 1]
    assert sorted(WeightedRandomSampler(chainrule.tensor([1.0, 2.0, 3.0]), 3, replacement=False)) == [0, 1, 2]

# -- collation ----------------------------------------------------------------------------------


def test_collate_numbers_and_numpy() -> None:
    assert default_collate([1, 2]).dtype == chainrule.int64
    assert default_collate([1.5, 2.0]).dtype == chainrule.float64
    assert default_collate([True, False]).dtype == chainrule.bool
    assert default_collate([np.float32(1), np.float32(2)]).dtype == chainrule.float32
    assert default_collate([np.int16(1), np.int16(2)]).dtype == chainrule.int16
    arr = default_collate([np.zeros((2, 3), np.float32), np.ones((2, 3), np.float32)])
    assert arr.shape == (2, 2, 3) and arr.dtype == chainrule.float32 and arr[1].sum().item() == 6
    assert default_collate([np.array(1.5), np.array(2.5)]).tolist() == [1.5, 2.5]
    assert default_collate(["a", "b"]) == ["a", "b"] and default_collate([b"a", b"b"]) == [b"a", b"b"]


def test_collate_nested_structures() -> None:
    batch = [{"x": chainrule.zeros(2), "y": (1, 2.0), "p": Point(1, [3, 4])},
             {"x": chainrule.ones(2), "y": (3, 4.0), "p": Point(2, [5, 6])}]
    out = default_collate(batch)
    assert type(out) is dict and out["x"].tolist() == [[0.0, 0.0], [1.0, 1.0]]
    assert isinstance(out["y"], list) and out["y"][0].tolist() == [1, 3] and out["y"][1].dtype == chainrule.float64
    assert isinstance(out["p"], Point) and out["p"].x.tolist() == [1, 2]
    assert [t.tolist() for t in out["p"].y] == [[3, 5], [4, 6]]
    assert type(default_collate([collections.OrderedDict(a=1)])) is collections.OrderedDict


def test_collate_keeps_the_graph() -> None:
    w = chainrule.ones(2, requires_grad=True)
    out = default_collate([w * 2, w * 3])
    out.sum().backward()
    assert w.grad.tolist() == [5.0, 5.0]


def test_default_convert() -> None:
    out = default_convert((np.zeros(2), 1, "s", {"a": np.float32(2)}))
    assert isinstance(out, list) and out[0].dtype == chainrule.float64 and out[1:3] == [1, "s"]
    assert out[3]["a"].dtype == chainrule.float32 and out[3]["a"].shape == ()
    strings = np.array(["a"])
    assert default_convert(strings) is strings

# -- DataLoader ---------------------------------------------------------------------------------


def test_loader_batches_in_order() -> None:
    loader = DataLoader(_tds(chainrule), batch_size=4)
    batches = list(loader)
    assert len(loader) == 3 and [b[1].tolist() for b in batches] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert batches[0][0].dtype == chainrule.float32 and batches[0][1].dtype == chainrule.int64
    dropped = DataLoader(_tds(chainrule), batch_size=4, drop_last=True)
    assert len(dropped) == 2 and len(list(dropped)) == 2
    it = iter(loader)
    assert len(it) == 3 and next(it)[1].tolist() == [0, 1, 2, 3]


def test_loader_shuffle_is_deterministic_and_reshuffles() -> None:
    def epochs(loader):
        return [[b[1].tolist() for b in loader] for _ in range(2)]
    chainrule.manual_seed(0)
    a = epochs(DataLoader(_tds(chainrule), batch_size=3, shuffle=True))
    chainrule.manual_seed(0)
    b = epochs(DataLoader(_tds(chainrule), batch_size=3, shuffle=True))
    assert a == b and a[0] != a[1]
    assert sorted(sum(a[0], [])) == list(range(10))
    g1, g2 = chainrule.Generator().manual_seed(7), chainrule.Generator().manual_seed(7)
    c = epochs(DataLoader(_tds(chainrule), batch_size=3, shuffle=True, generator=g1))
    chainrule.manual_seed(123)  # the loader's own generator is not affected by the global seed
    assert epochs(DataLoader(_tds(chainrule), batch_size=3, shuffle=True, generator=g2)) == c


def test_loader_samplers_and_collate_fn() -> None:
    ds = _tds(chainrule)
    by_sampler = DataLoader(ds, batch_size=2, sampler=[9, 8, 7])
    assert [b[1].tolist() for b in by_sampler] == [[9, 8], [7]]
    by_batches = DataLoader(ds, batch_sampler=[[1, 2, 3], [0]])
    assert [b[1].tolist() for b in by_batches] == [[1, 2, 3], [0]] and by_batches.batch_size is None
    raw = DataLoader(ds, batch_size=3, collate_fn=lambda samples: [s[1].item() for s in samples])
    assert list(raw) == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]


def test_loader_without_batching() -> None:
    loader = DataLoader(_tds(chainrule, 3), batch_size=None)
    items = list(loader)
    assert len(loader) == 3 and isinstance(items[0], list) and items[0][0].shape == ()  # tuples become lists
    assert list(DataLoader([np.float32(1.0)], batch_size=None))[0].dtype == chainrule.float32


def test_loader_over_iterable_dataset() -> None:
    stream = _stream(chainrule)
    assert [b.tolist() for b in DataLoader(stream, batch_size=3)] == [[0, 1, 2], [3, 4, 5], [6]]
    assert [b.tolist() for b in DataLoader(stream, batch_size=3, drop_last=True)] == [[0, 1, 2], [3, 4, 5]]
    assert list(DataLoader(stream, batch_size=None)) == list(range(7))


def test_loader_workers_run_in_process() -> None:
    loader = DataLoader(_tds(chainrule), batch_size=5, num_workers=2, prefetch_factor=2, persistent_workers=True)
    assert [b[1].tolist() for b in loader] == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]
    assert get_worker_info() is None
    loader.num_workers = 0  # not one of the frozen attributes


def test_loader_over_a_plain_list_and_dict_samples() -> None:
    class Pairs(Dataset):
        def __len__(self):
            return 4

        def __getitem__(self, i):
            return {"image": np.full((2, 2), i, np.float32), "label": i, "name": f"s{i}"}
    batch = next(iter(DataLoader(Pairs(), batch_size=4)))
    assert batch["image"].shape == (4, 2, 2) and batch["label"].tolist() == [0, 1, 2, 3]
    assert batch["name"] == ["s0", "s1", "s2", "s3"]


def test_subclass_loader_keeps_its_checks() -> None:
    class MyLoader(DataLoader):
        pass
    loader = MyLoader(_tds(chainrule))
    with pytest.raises(ValueError, match="^sampler attribute should not be set after MyLoader is initialized$"):
        loader.sampler = None


def test_iterable_dataset_base() -> None:
    with pytest.raises(NotImplementedError):
        iter(IterableDataset())
    assert isinstance(TensorDataset(chainrule.zeros(1)), Dataset)


def test_tensor_dataset_batches_equal_per_sample_collation():
    """The loader reads a TensorDataset's batch with one index per tensor; the result must be
    what default_collate of the per-sample rows gives."""
    import chainrule
    from chainrule.utils.data import DataLoader, TensorDataset, default_collate
    x = chainrule.arange(40.0).reshape(20, 2)
    y = chainrule.arange(20)
    fast = list(DataLoader(TensorDataset(x, y), batch_size=6, shuffle=True,
                           generator=chainrule.Generator().manual_seed(3)))
    order = list(chainrule.utils.data.RandomSampler(range(20),
                                                    generator=chainrule.Generator().manual_seed(3)))
    slow = [default_collate([(x[i], y[i]) for i in order[k:k + 6]]) for k in range(0, 20, 6)]
    assert len(fast) == len(slow)
    for f, s in zip(fast, slow):
        assert type(f) is list and type(s) is list
        for a, b in zip(f, s):
            assert a.dtype == b.dtype and a.shape == b.shape and a.tolist() == b.tolist()
