"""``chainrule.save`` / ``chainrule.load``: round trips, atomic writes, corrupt files."""
from __future__ import annotations

import collections
import io
import json
import math
import os
import re

import numpy as np
import pytest

import chainrule
from chainrule import serialization

ALL_DTYPES = [chainrule.float16, chainrule.float32, chainrule.float64, chainrule.int8, chainrule.int16,
              chainrule.int32, chainrule.int64, chainrule.uint8, chainrule.bool]


def _tensor(dtype, shape=(2, 3), seed=0) -> chainrule.Tensor:
    values = np.random.default_rng(seed).standard_normal(shape) * 50
    return chainrule.from_numpy(np.asarray(values.astype(dtype.np)))


def _round_trip(obj):
    buf = io.BytesIO()
    chainrule.save(obj, buf)
    buf.seek(0)
    return chainrule.load(buf)


def _same(a, b) -> None:
    """Equal objects, tensors compared by dtype, shape, values and requires_grad."""
    assert type(a) is type(b)
    if isinstance(b, chainrule.Tensor):
        assert a.dtype == b.dtype and a.shape == b.shape and a.requires_grad == b.requires_grad
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    elif isinstance(b, dict):
        assert list(a) == list(b) and all(type(x) is type(y) for x, y in zip(a, b))
        for k in b:
            _same(a[k], b[k])
    elif isinstance(b, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _same(x, y)
    elif isinstance(b, float) and math.isnan(b):
        assert math.isnan(a)
    else:
        assert a == b


def _raw(header: dict, data: bytes = b"") -> bytes:
    """A safetensors file from a header dict and a data section, as any writer would make it."""
    text = json.dumps(header).encode()
    return len(text).to_bytes(8, "little") + text + data

# -- round trips ------------------------------------------------------------------------------


def test_flat_state_dict_round_trip_keeps_names_order_and_type(tmp_path) -> None:
    sd = collections.OrderedDict([("fc2.weight", _tensor(chainrule.float32)), ("fc1.bias", _tensor(chainrule.float16)),
                                  ("steps", chainrule.tensor(7)), ("mask", _tensor(chainrule.bool, (4,)))])
    path = tmp_path / "model.safetensors"
    chainrule.save(sd, path)
    _same(chainrule.load(path), sd)
    chainrule.save(dict(sd), str(path))
    _same(chainrule.load(str(path)), dict(sd))


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=str)
@pytest.mark.parametrize("shape", [(), (0,), (3, 0, 2), (5,), (2, 3, 4)], ids=str)
def test_every_dtype_and_shape(dtype, shape) -> None:
    t = _tensor(dtype, shape)
    _same(_round_trip({"t": t})["t"], t)


def test_extreme_values_survive() -> None:
    f = chainrule.tensor([np.inf, -np.inf, np.nan, -0.0, 1e-45, 3.4e38], dtype=chainrule.float32)
    i = chainrule.tensor([np.iinfo(np.int64).min, np.iinfo(np.int64).max])
    back = _round_trip({"f": f, "i": i})
    assert back["f"].numpy().tobytes() == f.numpy().tobytes()
    assert back["i"].tolist() == i.tolist()


def test_non_contiguous_tensors() -> None:
    base = chainrule.arange(24.0).reshape(4, 6)
    views = {"t": base.t(), "step": base[::2, 1::3], "expanded": chainrule.arange(3).expand(4, 3)}
    assert not views["t"].is_contiguous()
    back = _round_trip(views)
    for k, v in views.items():
        _same(back[k], v.contiguous())


def test_loaded_tensors_are_contiguous_and_own_their_memory() -> None:
    back = _round_trip({"a": _tensor(chainrule.float64), "b": _tensor(chainrule.int8, (5,))})
    for t in back.values():
        arr = t.numpy()
        assert t.is_contiguous() and arr.flags.c_contiguous and arr.flags.owndata and arr.flags.writeable
        assert arr.ctypes.data % arr.itemsize == 0
    back["a"].add_(1)  # writable in place


def test_optimizer_state_dict_round_trip() -> None:
    state = {
        "state": {0: {"step": chainrule.tensor(3.0), "exp_avg": _tensor(chainrule.float32, (2, 2)),
                      "exp_avg_sq": _tensor(chainrule.float32, (2, 2), seed=1)},
                  1: {"step": chainrule.tensor(3.0), "exp_avg": _tensor(chainrule.float32, (2,)),
                      "exp_avg_sq": _tensor(chainrule.float32, (2,), seed=2)}},
        "param_groups": [{"lr": 0.1, "betas": (0.9, 0.999), "eps": 1e-08, "weight_decay": 0, "amsgrad": False,
                          "maximize": False, "foreach": None, "capturable": False, "params": [0, 1]}],
    }
    back = _round_trip(state)
    _same(back, state)
    assert isinstance(back["param_groups"][0]["betas"], tuple)
    assert list(back["state"]) == [0, 1] and all(type(k) is int for k in back["state"])


def test_plain_values_and_odd_keys() -> None:
    obj = {"nan": math.nan, "inf": [math.inf, -math.inf], "big": 2 ** 80, "s": "ünïcode", None: True,
           2.5: "float key", False: "bool key", "empty": ([], (), {}), "nested": [[(1, [2, (3,)])]]}
    _same(_round_trip(obj), obj)
    for value in (None, 3, "x", 1.5, (1, 2), [chainrule.ones(2), (chainrule.zeros(1),)]):
        _same(_round_trip(value), value)


def test_top_level_tensor_and_requires_grad() -> None:
    w = chainrule.randn(3, requires_grad=True)
    back = _round_trip(w)
    assert back.requires_grad and back.is_leaf and back.grad is None
    _same(back, w)
    assert not _round_trip({"w": w.detach()})["w"].requires_grad


def test_colliding_paths_stay_apart() -> None:
    a, b, c = chainrule.ones(1), chainrule.zeros(1), chainrule.full((1,), 2.0)
    obj = {"a.b": a, "a": {"b": b}, "__metadata__": c}
    _same(_round_trip(obj), obj)


def test_the_same_tensor_twice_loads_as_two_copies() -> None:
    t = chainrule.arange(3.0)
    back = _round_trip({"x": t, "y": t})
    _same(back["x"], t)
    back["x"].add_(1)
    assert back["y"].tolist() == [0.0, 1.0, 2.0]


def test_file_objects(tmp_path) -> None:
    sd = {"w": _tensor(chainrule.float32)}
    with open(tmp_path / "w.bin", "wb") as fh:
        chainrule.save(sd, fh)
    with open(tmp_path / "w.bin", "rb") as fh:
        _same(chainrule.load(fh), sd)

    class Stream:  # read() only: no seek, no readinto
        def __init__(self, data: bytes) -> None:
            self._buf = io.BytesIO(data)

        def read(self, n: int = -1) -> bytes:
            return self._buf.read(min(n, 5))  # short reads, as a pipe gives them

    _same(chainrule.load(Stream((tmp_path / "w.bin").read_bytes())), sd)


def test_two_checkpoints_in_one_stream() -> None:
    buf = io.BytesIO()
    chainrule.save({"a": chainrule.ones(2)}, buf)
    chainrule.save({"b": chainrule.zeros(3)}, buf)
    buf.seek(0)
    assert list(chainrule.load(buf)) == ["a"] and list(chainrule.load(buf)) == ["b"]


def test_load_returns_safetensors_files_as_ordered_dicts(tmp_path) -> None:
    data = np.arange(6, dtype="<f4").tobytes() + np.array([1, 2], "<i8").tobytes()
    header = {"w": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]},
              "b": {"dtype": "I64", "shape": [2], "data_offsets": [24, 40]}}
    (tmp_path / "ext.safetensors").write_bytes(_raw(header, data))
    back = chainrule.load(tmp_path / "ext.safetensors")
    assert type(back) is collections.OrderedDict and list(back) == ["w", "b"]
    assert back["w"].tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]] and back["b"].tolist() == [1, 2]


@pytest.mark.parametrize("loc", [None, "cpu", chainrule.device("cpu"), {"cuda:0": "cpu"}])
def test_map_location(loc) -> None:
    buf = io.BytesIO()
    chainrule.save({"a": chainrule.ones(1)}, buf)
    buf.seek(0)
    assert chainrule.load(buf, map_location=loc, weights_only=False)["a"].device == chainrule.device("cpu")


def test_map_location_refusals() -> None:
    with pytest.raises(NotImplementedError):
        chainrule.load(io.BytesIO(), map_location="cuda")
    with pytest.raises(NotImplementedError, match="callable map_location"):
        chainrule.load(io.BytesIO(), map_location=lambda storage, loc: storage)
    with pytest.raises(RuntimeError, match="Expected one of cpu, cuda device type"):
        chainrule.load(io.BytesIO(), map_location="tpu")

# -- what cannot be saved --------------------------------------------------------------------


@pytest.mark.parametrize("obj,what", [
    ({"f": lambda: 0}, "function"), ({"a": np.zeros(2)}, "ndarray"), ([np.int64(1)], "int64"),
    ({"s": {1, 2}}, "set"), (chainrule.float32, "dtype"), ({(1, 2): chainrule.ones(1)}, "tuple"),
])
def test_unsupported_objects_raise_type_error_and_write_nothing(tmp_path, obj, what) -> None:
    path = tmp_path / "ckpt"
    path.write_bytes(b"old")
    with pytest.raises(TypeError, match=f"chainrule.save: cannot save (an object|a dict key) of type {what}"):
        chainrule.save(obj, path)
    assert path.read_bytes() == b"old" and os.listdir(tmp_path) == ["ckpt"]


def test_self_reference_and_bad_targets(tmp_path) -> None:
    loop: list = []
    loop.append(loop)
    with pytest.raises(ValueError, match="contains itself"):
        chainrule.save(loop, io.BytesIO())
    with pytest.raises(AttributeError, match="^expected 'f' to be string, path, or a file-like object with a 'write'"):
        chainrule.save({}, 123)
    with pytest.raises(AttributeError, match="with a 'read' attribute"):
        chainrule.load(123)
    with pytest.raises(RuntimeError, match=f"^Parent directory {re.escape(str(tmp_path / 'no'))} does not exist.$"):
        chainrule.save({}, tmp_path / "no" / "x.pt")
    with pytest.raises(FileNotFoundError):
        chainrule.load(tmp_path / "missing.pt")

# -- atomic writes -----------------------------------------------------------------------------


class _DiskFull:
    """A file that accepts ``limit`` bytes, then fails as a full disk does."""

    def __init__(self, fh, limit: int) -> None:
        self._fh, self._left = fh, limit

    def write(self, data) -> int:
        data = memoryview(data).cast("B")
        if len(data) > self._left:
            self._fh.write(data[:self._left])
            self._left = 0
            raise OSError(28, "No space left on device")
        self._left -= len(data)
        return self._fh.write(data)


def test_a_crash_mid_save_keeps_the_old_file(tmp_path, monkeypatch) -> None:
    path = tmp_path / "model.pt"
    old = {"w": chainrule.ones(1000)}
    chainrule.save(old, path)
    before = path.read_bytes()
    real = serialization._write_payload
    monkeypatch.setattr(serialization, "_write_payload", lambda fh, header, arrays:
                        real(_DiskFull(fh, len(before) // 2), header, arrays))
    with pytest.raises(OSError, match="No space left"):
        chainrule.save({"w": chainrule.zeros(1000)}, path)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["model.pt"]
    _same(chainrule.load(path), old)


def test_a_failed_rename_leaves_no_temp_file(tmp_path, monkeypatch) -> None:
    def refuse(src, dst):
        raise PermissionError("rename refused")
    monkeypatch.setattr(serialization.os, "replace", refuse)
    with pytest.raises(PermissionError):
        chainrule.save({"a": chainrule.ones(2)}, tmp_path / "a.pt")
    assert os.listdir(tmp_path) == []


def test_save_replaces_and_respects_the_umask(tmp_path) -> None:
    path = tmp_path / "a.pt"
    chainrule.save({"a": chainrule.ones(2)}, path)
    chainrule.save({"b": chainrule.zeros(2)}, path)
    assert list(chainrule.load(path)) == ["b"] and os.listdir(tmp_path) == ["a.pt"]
    mask = os.umask(0)
    os.umask(mask)
    assert os.stat(path).st_mode & 0o777 == 0o666 & ~mask

# -- corrupt files -----------------------------------------------------------------------------


def _saved_bytes(obj=None) -> bytes:
    buf = io.BytesIO()
    chainrule.save({"w": chainrule.arange(6.0).reshape(2, 3), "i": chainrule.arange(4)} if obj is None else obj, buf)
    return buf.getvalue()


def _header_len(data: bytes) -> int:
    return int.from_bytes(data[:8], "little")


def _expect_corrupt(tmp_path, data: bytes, pattern: str) -> None:
    path = tmp_path / "bad.safetensors"
    path.write_bytes(data)
    with pytest.raises(RuntimeError, match=f"^chainrule.load: '{re.escape(str(path))}' is not a valid checkpoint: "
                                           f"{pattern}"):
        chainrule.load(path)


def _retitle(data: bytes, edit) -> bytes:
    """``data`` with its header (less the checksum) edited by ``edit``."""
    n = _header_len(data)
    header = json.loads(data[8:8 + n])
    edit(header)
    return _raw(header, data[8 + n:])


def test_truncated_files(tmp_path) -> None:
    data = _saved_bytes()
    _expect_corrupt(tmp_path, data[:-1], "the file is truncated: the tensors need 56 bytes of data, only 55 remain")
    _expect_corrupt(tmp_path, data[:5], "the file is truncated: the header length needs 8 bytes, only 5 remain")
    _expect_corrupt(tmp_path, b"", "the file is truncated")
    _expect_corrupt(tmp_path, data[:100], f"the header length {_header_len(data)} is beyond the end of the file "
                                          r"\(100 bytes\)")
    truncated = io.BytesIO(data[:-3])
    with pytest.raises(RuntimeError, match="^chainrule.load: <BytesIO> is not a valid checkpoint: the file is trunc"):
        chainrule.load(truncated)


def test_corrupt_headers(tmp_path) -> None:
    data = _saved_bytes()
    _expect_corrupt(tmp_path, data[:8] + b"x" + data[9:], r"the header is not valid JSON \(")
    _expect_corrupt(tmp_path, _raw([1, 2]), "the header is not a JSON object")
    _expect_corrupt(tmp_path, (2 ** 40).to_bytes(8, "little") + b"{}", "the header length 1099511627776 is beyond")
    bad_meta = _raw({"__metadata__": {"a": 1}})
    _expect_corrupt(tmp_path, bad_meta, "__metadata__ is not a map of str to str")
    _expect_corrupt(tmp_path, _raw({"x": {"dtype": "F32"}}), "tensor 'x' lacks dtype, shape or data_offsets")
    _expect_corrupt(tmp_path, _raw({"x": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}, b"1234"),
                    "tensor 'x' has a malformed shape")
    for extra in range(8):  # the header is padded with spaces, so the data starts 8-byte aligned
        padded = _saved_bytes({"k" * extra: chainrule.ones(1)})
        text = padded[8:8 + _header_len(padded)].decode()
        assert len(text) % 8 == 0 and text.rstrip(" ").endswith("}") and len(text) - len(text.rstrip(" ")) < 8


def test_offsets_that_do_not_tile_the_data(tmp_path) -> None:
    four = {"dtype": "F32", "shape": [1]}
    overlap = {"a": {**four, "data_offsets": [0, 4]}, "b": {**four, "data_offsets": [2, 6]}}
    _expect_corrupt(tmp_path, _raw(overlap, bytes(8)), r"tensor 'b' at data_offsets \[2, 6\] overlaps the tensor")
    gap = {"a": {**four, "data_offsets": [0, 4]}, "b": {**four, "data_offsets": [8, 12]}}
    _expect_corrupt(tmp_path, _raw(gap, bytes(12)), "tensor 'b' at data_offsets \\[8, 12\\] leaves a gap at byte 4")
    _expect_corrupt(tmp_path, _raw({"a": {**four, "data_offsets": [0, 4]}}, bytes(6)),
                    "2 bytes follow the last tensor's data")
    _expect_corrupt(tmp_path, _raw({"a": {**four, "data_offsets": [0, 8]}}, bytes(8)),
                    r"tensor 'a' has data_offsets \[0, 8\] \(8 bytes\) but shape \[1\] of F32 needs 4 bytes")
    _expect_corrupt(tmp_path, _raw({"a": {**four, "data_offsets": [0, 4]}}, bytes(2)),
                    "the file is truncated: the tensors need 4 bytes of data, only 2 remain")


@pytest.mark.parametrize("dtype", ["BF16", "F8_E4M3", "U32", "C64", "bogus"])
def test_unsupported_dtype(tmp_path, dtype) -> None:
    data = _raw({"x": {"dtype": dtype, "shape": [2], "data_offsets": [0, 4]}}, bytes(4))
    _expect_corrupt(tmp_path, data, f"tensor 'x' has unsupported dtype '{dtype}' "
                                    r"\(chainrule reads F16, F32, F64, I8, I16, I32, I64, U8, BOOL\)")


def test_flipped_bytes_are_caught_by_the_checksum(tmp_path) -> None:
    data = _saved_bytes()
    for pos in (len(data) - 1, _header_len(data) + 8, _header_len(data) + 40):
        flipped = bytearray(data)
        flipped[pos] ^= 0x10
        _expect_corrupt(tmp_path, bytes(flipped), "the checksum does not match")
    reshaped = _retitle(data, lambda h: h["w"].update(shape=[3, 2]))
    _expect_corrupt(tmp_path, reshaped, "the checksum does not match")
    renamed = _retitle(data, lambda h: h.update(v=h.pop("w")))
    _expect_corrupt(tmp_path, renamed, "the checksum does not match")


def test_malformed_structure(tmp_path) -> None:
    def break_structure(h):
        del h["__metadata__"]["chainrule.sha256"]
        h["__metadata__"]["chainrule.structure"] = '["dict", [["w", ["tensor", "nowhere"]]]]'
    _expect_corrupt(tmp_path, _retitle(_saved_bytes(), break_structure),
                    r"its structure metadata is malformed \(KeyError")


def test_a_flat_dict_keeps_its_keys_as_tensor_names() -> None:
    sd = {"": chainrule.ones(1), "conv.weight": chainrule.zeros(2, 2), "0.bias": chainrule.ones(3),
          "tensor": chainrule.ones(1)}
    data = _saved_bytes(sd)
    header = json.loads(data[8:8 + _header_len(data)])
    assert sorted(k for k in header if k != "__metadata__") == sorted(sd)
    assert header["__metadata__"]["format"] == "pt"
