"""``chainrule.save`` / ``chainrule.load``: checkpoints in the safetensors format.

A checkpoint can hold tensors and plain data only, so loading one can never run code
(there is no pickle anywhere). The file is a safetensors file, written and read here with
NumPy alone:

    8 bytes   N, the header's length (unsigned, little-endian)
    N bytes   a JSON object: for each tensor {"dtype", "shape", "data_offsets": [begin, end]},
              plus an optional "__metadata__" map of str -> str (padded with spaces)
    the rest  each tensor's bytes, C order, little-endian, at its offsets in this section

A dict of tensors with str keys (a module's ``state_dict()``) is stored under its own keys,
so ``safetensors.torch.load_file`` reads it as it is. Any other structure (an optimizer's
``state_dict()``: dicts with int keys, lists, tuples, numbers, strings, None) keeps its
tensors under dotted path keys (``state.0.exp_avg``) and its shape as JSON in the metadata.
The metadata also holds a SHA-256 of the tensor table, the structure and the data, so a
changed byte in a file written here is detected on load.
"""
from __future__ import annotations

import collections
import contextlib
import hashlib
import json
import math
import os
import secrets
from typing import Any, BinaryIO, Callable

import numpy as np

from . import _dtype
from ._device import check_device
from ._tensor import Tensor
from .functional.creation import from_numpy

_DTYPES = {"F16": _dtype.float16, "F32": _dtype.float32, "F64": _dtype.float64, "I8": _dtype.int8,
           "I16": _dtype.int16, "I32": _dtype.int32, "I64": _dtype.int64, "U8": _dtype.uint8,
           "BOOL": _dtype.bool_}
_DTYPE_NAMES = {dt: name for name, dt in _DTYPES.items()}
_METADATA = "__metadata__"
_STRUCTURE = "chainrule.structure"
_CHECKSUM = "chainrule.sha256"
_MAX_HEADER = 100_000_000  # safetensors' own limit on the header's length
_ROOT = "tensor"  # the key of a tensor saved on its own

# -- the structure around the tensors, as JSON ---------------------------------------------
#
# A node is a JSON scalar (str, int, finite float, bool, null) standing for itself, or a
# tagged list: ["tensor", key] (["tensor", key, 1] when it requires grad), ["list", [...]],
# ["tuple", [...]], ["dict", [[key, value], ...]], ["odict", ...] for an OrderedDict,
# ["float", "inf" | "-inf" | "nan"].


class _Flattener:
    """Walks an object to save: collects its tensors under unique keys and encodes the rest."""

    def __init__(self) -> None:
        self.arrays: dict[str, np.ndarray] = {}
        self._open: set[int] = set()  # containers being walked, to refuse cycles

    def node(self, obj: Any, path: tuple) -> Any:
        plain = _plain(obj)
        if plain is not _NOT_PLAIN:
            return plain
        if isinstance(obj, Tensor):
            return self._tensor(obj, path)
        if isinstance(obj, (dict, list, tuple)):
            if id(obj) in self._open:
                raise ValueError("chainrule.save: cannot save an object that contains itself")
            self._open.add(id(obj))
            try:
                return self._container(obj, path)
            finally:
                self._open.discard(id(obj))
        raise TypeError(f"chainrule.save: cannot save an object of type {type(obj).__name__} at "
                        f"{_where(path)}; a checkpoint holds only tensors, dicts, lists, tuples, str, int, "
                        "float, bool and None (it never stores code)")

    def _container(self, obj: dict | list | tuple, path: tuple) -> list:
        if isinstance(obj, dict):
            tag = "odict" if isinstance(obj, collections.OrderedDict) else "dict"
            return [tag, [[_key(k, path), self.node(v, path + (k,))] for k, v in obj.items()]]
        tag = "tuple" if isinstance(obj, tuple) else "list"
        return [tag, [self.node(v, path + (i,)) for i, v in enumerate(obj)]]

    def _tensor(self, t: Tensor, path: tuple) -> list:
        base = ".".join(str(p) for p in path) if path else _ROOT
        key, n = base, 0
        while key in self.arrays or key == _METADATA:
            n += 1
            key = f"{base}~{n}"
        arr = np.asarray(t.detach().numpy(), order="C")
        self.arrays[key] = arr.astype(arr.dtype.newbyteorder("<"), copy=False)
        return ["tensor", key, 1] if t.requires_grad else ["tensor", key]


_NOT_PLAIN = object()


def _plain(obj: Any) -> Any:
    """The node of None, a bool, int, str or float (subclasses as their base), else _NOT_PLAIN."""
    if obj is None or type(obj) in (bool, int, str):
        return obj
    for kind in (bool, int, str):  # an IntEnum, a NumPy string: the plain value they stand for
        if isinstance(obj, kind):
            return kind(obj)
    if isinstance(obj, float):
        return float(obj) if math.isfinite(obj) else ["float", repr(float(obj))]
    return _NOT_PLAIN


def _where(path: tuple) -> str:
    return "the top level" if not path else "key path " + repr(list(path))


def _key(k: Any, path: tuple) -> Any:
    plain = _plain(k)
    if plain is not _NOT_PLAIN:
        return plain
    raise TypeError(f"chainrule.save: cannot save a dict key of type {type(k).__name__} at {_where(path)}; "
                    "keys must be str, int, float, bool or None")


def _decode(node: Any, tensors: dict[str, Tensor]) -> Any:
    if not isinstance(node, list):
        return node
    tag, body = node[0], node[1]
    if tag == "tensor":
        t = tensors[body]
        return t.requires_grad_() if len(node) > 2 and node[2] else t
    if tag == "float":
        return float(body)
    if tag in ("list", "tuple"):
        items = [_decode(x, tensors) for x in body]
        return items if tag == "list" else tuple(items)
    if tag in ("dict", "odict"):
        items = ((_decode(k, tensors), _decode(v, tensors)) for k, v in body)
        return dict(items) if tag == "dict" else collections.OrderedDict(items)
    raise ValueError(f"unknown node tag {tag!r}")

# -- the header ------------------------------------------------------------------------------


def _digest(table: dict, metadata: dict, arrays: list) -> str:
    """SHA-256 of the tensor table, the metadata (less the checksum itself) and the data."""
    h = hashlib.sha256()
    meta = {k: v for k, v in metadata.items() if k != _CHECKSUM}
    h.update(json.dumps({"tensors": table, "metadata": meta}, sort_keys=True, separators=(",", ":")).encode())
    for arr in arrays:
        h.update(arr.reshape(-1).view(np.uint8))
    return h.hexdigest()


def _encode(obj: Any) -> tuple[bytes, list[np.ndarray]]:
    """The header (length prefix included) and the arrays, in file order, for ``obj``."""
    flat = _Flattener()
    structure = json.dumps(flat.node(obj, ()), separators=(",", ":"), allow_nan=False)
    # widest items first keeps every tensor aligned to its item size within the data
    names = sorted(flat.arrays, key=lambda name: -flat.arrays[name].itemsize)
    table, start = {}, 0
    for name in names:
        arr = flat.arrays[name]
        dtype_name = _DTYPE_NAMES[_dtype.from_numpy_dtype(arr.dtype.newbyteorder("="))]
        table[name] = {"dtype": dtype_name, "shape": list(arr.shape), "data_offsets": [start, start + arr.nbytes]}
        start += arr.nbytes
    arrays = [flat.arrays[name] for name in names]
    metadata = {"format": "pt", _STRUCTURE: structure}
    metadata[_CHECKSUM] = _digest(table, metadata, arrays)
    header = json.dumps({_METADATA: metadata, **table}, separators=(",", ":")).encode()
    header += b" " * (-len(header) % 8)
    return len(header).to_bytes(8, "little") + header, arrays


def _write_payload(fh: BinaryIO, header: bytes, arrays: list[np.ndarray]) -> None:
    fh.write(header)
    for arr in arrays:
        fh.write(memoryview(arr.reshape(-1).view(np.uint8)))

# -- save --------------------------------------------------------------------------------------


def _open_temp(path: str) -> tuple[int, str]:
    """A new, empty file beside ``path`` (created exclusively, with the umask's permissions)."""
    directory, base = os.path.split(path)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        tmp = os.path.join(directory, f".{base}.{secrets.token_hex(6)}.tmp")
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue


def _fsync_directory(directory: str) -> None:
    """Make a rename in ``directory`` durable (a no-op where directories cannot be opened)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write_atomic(path: str, write: Callable[[BinaryIO], None]) -> None:
    """Write a file so that ``path`` holds either its old contents or all of the new ones."""
    directory = os.path.dirname(path)
    if directory and not os.path.isdir(directory):
        raise RuntimeError(f"Parent directory {directory} does not exist.")
    fd, tmp = _open_temp(path)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_directory(directory or ".")


def save(obj: Any, f: str | os.PathLike | BinaryIO) -> None:
    """Saves an object to a disk file, in the safetensors format (no code, no pickle).

    ``obj`` may be a tensor, or dicts (str, int, float, bool or None keys), lists and tuples
    of tensors, numbers, strings, bools and None: a ``state_dict()`` of a module or of an
    optimizer. Anything else raises ``TypeError``. Saving to a path is atomic: the file is
    written beside it, synced, then renamed over it. Storage sharing between tensors is
    not kept: each tensor is saved (and loaded) as its own copy.

    Args:
        obj: the object to save.
        f: a path (str or os.PathLike) or a binary file object with a ``write`` method.
    """
    header, arrays = _encode(obj)
    write = lambda fh: _write_payload(fh, header, arrays)
    if isinstance(f, (str, os.PathLike)):
        _write_atomic(os.fspath(f), write)
    elif callable(getattr(f, "write", None)):
        write(f)
    else:
        raise AttributeError("expected 'f' to be string, path, or a file-like object with a 'write' attribute")

# -- load --------------------------------------------------------------------------------------


class _Reader:
    """Reads one checkpoint from ``fh``; every problem is a RuntimeError naming the file."""

    def __init__(self, fh: BinaryIO, name: str, size: int | None, exact: bool) -> None:
        self.fh, self.name, self.size, self.exact = fh, name, size, exact

    def fail(self, what: str) -> RuntimeError:
        return RuntimeError(f"chainrule.load: {self.name} is not a valid checkpoint: {what}")

    def read_into(self, buf: memoryview, what: str) -> None:
        got = 0
        while got < len(buf):
            n = self.fh.readinto(buf[got:]) if hasattr(self.fh, "readinto") else self._read_copy(buf[got:])
            if not n:
                raise self.fail(f"the file is truncated: {what} needs {len(buf)} bytes, only {got} remain")
            got += n

    def _read_copy(self, buf: memoryview) -> int:
        chunk = self.fh.read(len(buf))
        buf[:len(chunk)] = chunk
        return len(chunk)

    def header(self) -> dict:
        prefix = bytearray(8)
        self.read_into(memoryview(prefix), "the header length")
        n = int.from_bytes(prefix, "little")
        if self.size is not None and n > self.size - 8:
            raise self.fail(f"the header length {n} is beyond the end of the file ({self.size} bytes)")
        if n > _MAX_HEADER:
            raise self.fail(f"the header length {n} exceeds the limit of {_MAX_HEADER} bytes")
        raw = bytearray(n)
        self.read_into(memoryview(raw), "the header")
        try:
            header = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise self.fail(f"the header is not valid JSON ({e})") from None
        if not isinstance(header, dict):
            raise self.fail("the header is not a JSON object")
        self.data_start = 8 + n
        return header

    def metadata(self, header: dict) -> dict:
        meta = header.pop(_METADATA, None) or {}
        if not isinstance(meta, dict) or not all(isinstance(v, str) for v in meta.values()):
            raise self.fail("__metadata__ is not a map of str to str")
        return meta

    def entry(self, name: str, info: Any) -> tuple[int, int, np.dtype, tuple]:
        """(begin, end, dtype, shape) of one tensor, checked against each other."""
        if not isinstance(info, dict) or not {"dtype", "shape", "data_offsets"} <= info.keys():
            raise self.fail(f"tensor {name!r} lacks dtype, shape or data_offsets")
        dtype, shape, offsets = info["dtype"], info["shape"], info["data_offsets"]
        if dtype not in _DTYPES:
            raise self.fail(f"tensor {name!r} has unsupported dtype {dtype!r} (chainrule reads "
                            f"{', '.join(_DTYPES)})")
        if not _ints(shape) or not _ints(offsets) or len(offsets) != 2 or offsets[0] > offsets[1]:
            raise self.fail(f"tensor {name!r} has a malformed shape {shape!r} or data_offsets {offsets!r}")
        np_dtype = _DTYPES[dtype].np.newbyteorder("<")
        needed = math.prod(shape) * np_dtype.itemsize
        if offsets[1] - offsets[0] != needed:
            raise self.fail(f"tensor {name!r} has data_offsets {offsets} ({offsets[1] - offsets[0]} bytes) "
                            f"but shape {shape} of {dtype} needs {needed} bytes")
        return offsets[0], offsets[1], np_dtype, tuple(shape)

    def layout(self, header: dict) -> list[tuple[str, int, int, np.dtype, tuple]]:
        """The tensors in data order, checked to tile the data section exactly."""
        entries = sorted(((name, *self.entry(name, info)) for name, info in header.items()),
                         key=lambda e: (e[1], e[2]))
        end = 0
        for name, begin, stop, _, _ in entries:
            if begin != end:
                problem = "overlaps the tensor before it" if begin < end else f"leaves a gap at byte {end}"
                raise self.fail(f"tensor {name!r} at data_offsets [{begin}, {stop}] {problem}")
            end = stop
        if self.size is not None:
            remaining = self.size - self.data_start
            if remaining < end:
                raise self.fail(f"the file is truncated: the tensors need {end} bytes of data, "
                                f"only {remaining} remain")
            if self.exact and remaining > end:
                raise self.fail(f"{remaining - end} bytes follow the last tensor's data")
        return entries

    def tensors(self, entries: list) -> dict[str, np.ndarray]:
        arrays = {}
        for name, _, _, np_dtype, shape in entries:
            arr = np.empty(shape, np_dtype)
            self.read_into(memoryview(arr.reshape(-1).view(np.uint8)), f"tensor {name!r}")
            arrays[name] = arr
        return arrays


def _ints(x: Any) -> bool:
    return isinstance(x, list) and all(type(v) is int and v >= 0 for v in x)


def _read(reader: _Reader) -> Any:
    header = reader.header()
    metadata = reader.metadata(header)
    entries = reader.layout(header)
    arrays = reader.tensors(entries)
    if _CHECKSUM in metadata and _digest(header, metadata, list(arrays.values())) != metadata[_CHECKSUM]:
        raise reader.fail("the checksum does not match: its contents changed after it was written")
    native = {name: arr.astype(arr.dtype.newbyteorder("="), copy=False) for name, arr in arrays.items()}
    tensors = {name: from_numpy(native[name]) for name in header}  # header order
    if _STRUCTURE not in metadata:
        return collections.OrderedDict(tensors)
    try:
        return _decode(json.loads(metadata[_STRUCTURE]), tensors)
    except (ValueError, KeyError, TypeError, IndexError) as e:
        raise reader.fail(f"its structure metadata is malformed ({type(e).__name__}: {e})") from None


def _check_map_location(map_location: Any) -> None:
    if map_location is None:
        return
    if isinstance(map_location, dict):
        for dev in map_location.values():
            check_device(dev)
    elif callable(map_location):
        raise NotImplementedError("chainrule.load: a callable map_location is not supported; "
                                  "pass None, 'cpu', a device or a dict of devices")
    else:
        check_device(map_location)


def load(f: str | os.PathLike | BinaryIO, map_location: Any = None, *, weights_only: bool | None = True) -> Any:
    """Loads an object saved with ``chainrule.save`` (or a safetensors file) from a file.

    A file written by ``safetensors`` (``safetensors.torch.save_file``) loads as an
    ``OrderedDict`` of tensors. The tensors returned are contiguous and own their memory.
    A truncated or corrupt file, or a tensor of a dtype chainrule lacks (e.g. BF16),
    raises ``RuntimeError`` naming the file and what is wrong.

    Args:
        f: a path (str or os.PathLike) or a binary file object with a ``read`` method.
        map_location: where to put the tensors: None, ``'cpu'``, a ``chainrule.device``,
            or a dict mapping saved locations to devices (only the CPU is available).
        weights_only: accepted for compatibility; the format can hold no code either way.
    """
    _check_map_location(map_location)
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as fh:
            return _read(_Reader(fh, repr(os.fspath(f)), os.fstat(fh.fileno()).st_size, exact=True))
    if not callable(getattr(f, "read", None)):
        raise AttributeError("expected 'f' to be string, path, or a file-like object with a 'read' attribute")
    return _read(_Reader(f, _file_name(f), _remaining(f), exact=False))


def _file_name(f: Any) -> str:
    name = getattr(f, "name", None)
    return repr(name) if isinstance(name, str) else f"<{type(f).__name__}>"


def _remaining(f: Any) -> int | None:
    """How many bytes ``f`` holds after its position, or None for a stream that cannot seek."""
    try:
        if not f.seekable():
            return None
        here = f.tell()
        end = f.seek(0, os.SEEK_END)
        f.seek(here)
        return end - here
    except (AttributeError, OSError):
        return None


__all__ = ["load", "save"]
