"""Strict saved tensors: an in-place write to a tensor saved for backward raises at once.

By default (as in PyTorch) such a write is caught only when backward reaches the node
that saved the tensor. With strict mode on, each array a node saves is made read-only
(NumPy's ``flags.writeable = False``) while the node holds it, so the in-place line
itself raises PyTorch's "one of the variables needed for gradient computation has been
modified by an inplace operation" error. The arrays become writeable again when the
node is released (after backward) or freed.

Limits: a view taken *before* its base was saved keeps its own writeable flag (the write
is then caught at backward, as without strict mode); a saved 0-d output held as a NumPy
scalar is immutable and is replaced, not written, by in-place ops (also caught at
backward).
"""
from __future__ import annotations

import numpy as np

from .. import _errors, _hints
from .._dtype import from_numpy_dtype

#: read once per recorded op that saves values (``_dispatch.record``)
enabled = False

# id(array) -> [array, number of live nodes holding it, (dtype, shape, creator name)]
_protected: dict = {}
# id(node) -> ids of the arrays it protects
_held: dict = {}
_classes: dict = {}


def set_strict_saved(mode: bool) -> None:
    """Sets strict saved tensors on or off (see :class:`strict_saved`)."""
    global enabled
    enabled = bool(mode)


def is_strict_saved_enabled() -> bool:
    """Returns True if strict saved tensors are on."""
    return enabled


class strict_saved:
    """Context-manager that makes tensors saved for backward read-only while saved.

    An in-place op on such a tensor raises at the line that does it, instead of at the
    later backward. Example::

        >>> with chainrule.autograd.strict_saved():
        ...     y = x * w
        ...     w.add_(1)  # raises here: w is saved to compute x's gradient
    """

    def __init__(self, mode: bool = True) -> None:
        self.mode = bool(mode)

    def __enter__(self) -> None:
        self.prev = enabled
        set_strict_saved(self.mode)

    def __exit__(self, exc_type, exc, tb) -> None:
        set_strict_saved(self.prev)


# -- protecting ---------------------------------------------------------------------------------
def protect_inputs(node) -> None:
    """Make the arrays of the tensors ``node`` saved read-only while it holds them."""
    for entry in node._saved:
        if entry is None or entry[1] is None:  # nothing saved, a constant, or a packed tensor
            continue
        t = entry[0]
        if type(t._data) is not np.ndarray:  # a 0-d NumPy scalar: give it a real array
            t._data = np.array(t._data)
        fn = t._grad_fn
        _protect(node, t._data, (fn.name(), t._out_nr) if fn is not None else (None, 0))


def protect_output(node) -> None:
    """Make the output array ``node`` saved read-only while it holds it."""
    out = node._out[0]
    if type(out) is np.ndarray:
        _protect(node, out, (node.name(), 0))


def _protect(node, array, creator) -> None:
    entry = _protected.get(id(array))
    if entry is None:
        if not array.flags.writeable:  # read-only for another reason: leave it alone
            return
        array.flags.writeable = False
        entry = _protected[id(array)] = [array, 0, (array.dtype, array.shape, creator)]
    held = _held.get(id(node))
    if held is None:
        held = _held[id(node)] = []
        node.__class__ = _strict_class(type(node))
    if id(array) not in held:
        held.append(id(array))
        entry[1] += 1


def _unprotect(node) -> None:
    """Give back the arrays ``node`` held (idempotent)."""
    for key in _held.pop(id(node), ()):
        entry = _protected.get(key)
        if entry is None:
            continue
        entry[1] -= 1
        if entry[1] == 0:
            del _protected[key]
            entry[0].flags.writeable = True


def _strict_class(cls):
    """``cls`` with a release() and finalizer that give the saved arrays back."""
    sub = _classes.get(cls)
    if sub is None:
        def release(self) -> None:
            cls.release(self)
            _unprotect(self)

        def __del__(self) -> None:
            _unprotect(self)
        sub = _classes[cls] = type(cls.__name__, (cls,), {
            "__slots__": (), "__module__": cls.__module__, "__qualname__": cls.__qualname__,
            "release": release, "__del__": __del__})
    return sub


# -- the write --------------------------------------------------------------------------------
def _owner(array):
    """The protected array ``array`` is (or views), or None."""
    while array is not None:
        entry = _protected.get(id(array))
        if entry is not None and entry[0] is array:
            return entry
        array = array.base if isinstance(array, np.ndarray) else None
    return None


def check_write(t, array) -> None:
    """Raise PyTorch's in-place error if ``array`` (being written as ``t``) is saved."""
    entry = _owner(array)
    if entry is not None:  # (made by a helper: an error in a local here would cycle with its traceback)
        raise _write_error(t, entry)


def _write_error(t, entry) -> RuntimeError:
    """The error for writing ``t`` while its array is saved (``entry``: _owner's record)."""
    dtype, shape, (creator, output_nr) = entry[2]
    version = t._vc[0]
    err = _errors.modified_by_inplace(from_numpy_dtype(dtype), shape, creator, output_nr,
                                      version + 1, version)
    return _hints.noted(err, f"Hint: at {_hints.describe(_hints.user_site())}\n  strict_saved: "
                             "this tensor is saved for backward and this in-place op would change "
                             "it; modify a clone(), or do the in-place op after backward")
