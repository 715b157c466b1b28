"""The one bridge between Tensors and primitives: unwrap -> run -> record a Node -> wrap.

Hot path: a handful of type checks, one grad-mode read, one pass over the inputs.
No Node is made when grad is disabled or no input requires grad.
"""
from __future__ import annotations

import re
from types import SimpleNamespace

import numpy as np

from . import _dtype, _errors, _hints
from .autograd import node as _node
from .autograd import strict as _strict
from .autograd.anomaly_mode import record_stack
from .autograd.anomaly_mode import state as _anomaly
from .autograd.grad_mode import forward_state as _fw
from .autograd.grad_mode import state as _grad_state
from .autograd.node import AccumulateGrad, Packed, hooks_of, saved_hooks
from .backend import numpy_backend
from .primitives import indexing as _indexing
from .primitives import pointwise as _pw
from .primitives.pointwise import to_copy as _to_copy
from .primitives.shape import expand as _expand

_ndarray, _generic = np.ndarray, np.generic
_FLOAT = _dtype._FLOAT
_INT64 = _dtype.int64
_from_np = _dtype._from_np
_EMPTY: dict = {}
_SCALAR_CATEGORY = {bool: 0, int: 1, float: 2}
_NO_EDGE = (None, 0)
_NO_DTYPE = SimpleNamespace(np=None)  # what a constant input records as its dtype
_new_node = object.__new__
transpose_jvp = None  # installed by autograd/forward_ad.py (J v from the reverse rules)

Tensor = None  # installed by _tensor.py (imports flow one way)
_new_tensor = None


def _edge(t) -> tuple:
    """The (node, output_nr) a gradient for tensor ``t`` flows into."""
    if t._base is not None:
        refresh_view(t)
    fn = t._grad_fn
    if fn is not None:
        return (fn, t._out_nr)
    if not t._requires_grad:
        return _NO_EDGE
    return (t._accum or _new_accumulator(t), 0)


def _new_accumulator(t):
    """The leaf's AccumulateGrad, made once and kept by the leaf."""
    t._accum = AccumulateGrad(t)
    return t._accum


def _result_dtype(prim, inputs: tuple):
    """PyTorch's result dtype of ``prim`` on ``inputs`` (integers to float for "float")."""
    res = _dtype.result_type(inputs)
    if prim.dtype_rule == "float" and res.category != _FLOAT:
        res = _dtype.default.value
    return res


def _promote(prim, inputs: tuple, arrays: list) -> None:
    """Cast ``arrays`` in place to PyTorch's result dtype for ``prim``."""
    res = _result_dtype(prim, inputs)
    for i, a in enumerate(arrays):
        if isinstance(a, (_ndarray, _generic)):
            if a.dtype != res.np:
                arrays[i] = a.astype(res.np)
        else:  # a Python number: wrap into the result dtype (ints wrap around like PyTorch)
            arrays[i] = np.array(a).astype(res.np)[()]


def _unwrap(prim, inputs: tuple) -> tuple[list, bool]:
    """Arrays of ``inputs`` (dtypes settled) and whether any input requires grad."""
    # fast cases first (a third of a no-grad op's cost, measured): a unary op on a tensor, a
    # binary op on two tensors of one dtype, or on a floating tensor and a Python float
    n = len(inputs)
    rule = prim.dtype_rule
    if n == 2:
        a, b = inputs
        if isinstance(a, Tensor):
            dt = a._dtype
            if isinstance(b, Tensor):
                if b._dtype is dt and (rule != "float" or dt.category == _FLOAT):
                    return [a._data, b._data], a._requires_grad or b._requires_grad
            elif type(b) is float and dt.category == _FLOAT and rule is not None:
                return [a._data, _constant(b, dt)], a._requires_grad
    elif n == 1:
        a = inputs[0]
        if isinstance(a, Tensor) and (rule != "float" or a._dtype.category == _FLOAT):
            return [a._data], a._requires_grad
    arrays = list(inputs)  # Tensors replaced by their arrays below (no appends: hot path)
    requires = mixed = False
    dt = None
    scalar_category = -1
    i = -1
    for a in inputs:
        i += 1
        if isinstance(a, Tensor):
            arrays[i] = a._data
            if a._requires_grad:
                requires = True
            if dt is None:
                dt = a._dtype
            elif a._dtype is not dt:
                mixed = True
        else:
            if isinstance(a, (_ndarray, _generic)):
                mixed = True
            else:
                scalar_category = max(scalar_category, _SCALAR_CATEGORY.get(type(a), _FLOAT))
    # NumPy's own promotion agrees with PyTorch's when one dtype is involved and any
    # Python number is of no higher category; only otherwise cast explicitly
    # (a Python int may not fit a narrow integer dtype: NumPy raises where PyTorch wraps)
    if rule is not None and (mixed or dt is None or scalar_category > dt.category
                             or (rule == "float" and dt.category != _FLOAT)
                             or (scalar_category == 1 and dt is not _INT64)):
        _promote(prim, inputs, arrays)
    return arrays, requires


_UFUNC_INPLACE = {_pw.add: np.add, _pw.sub: np.subtract, _pw.mul: np.multiply,
                  _pw.div: np.true_divide}  # in-place ops with a NumPy ufunc (_write_ufunc)
_MAX_CONSTANTS = 256  # per dtype; the cache is emptied when full


def clear_constants() -> None:
    """Empty the cache of Python-float operands (``_constant``); it refills as ops run."""
    for dt in _dtype.ALL:
        dt.constants.clear()


def _constant(value: float, dt):
    """``value`` as a read-only 0-d array of floating dtype ``dt``, made once per value.

    NumPy converts a Python float operand on every call (6.5k instructions for ``y - 0.1``
    on 10 floats against 3.6k with a 0-d array operand, measured); the result is the same,
    since a Python float is cast to the tensor's floating dtype either way.
    """
    if not value:  # 0.0 == -0.0 as keys, but not as operands
        return value
    by_value = dt.constants
    c = by_value.get(value)
    if c is None:
        if len(by_value) >= _MAX_CONSTANTS:
            by_value.clear()
        with np.errstate(over="ignore"):  # PyTorch gives inf silently for an out-of-range float
            c = np.array(value, dt.np)
        c.flags.writeable = False
        by_value[value] = c
    return c


def _raise_numpy_error(prim, arrays: list, err: Exception):
    """Turn a NumPy failure into PyTorch's exception (never a raw NumPy traceback)."""
    shapes = [np.shape(a) for a in arrays]
    if len(shapes) >= 2:
        _errors.check_broadcast(shapes[0], shapes[1])
    raise RuntimeError(f"{prim.name}: {err}") from None


def call(prim, inputs: tuple, attrs: dict = _EMPTY):
    """Run primitive ``prim`` on ``inputs`` (Tensors or numbers) and record its node."""
    if prim.view:
        materialize(inputs[0])  # the view must alias a real array
    arrays, requires = _unwrap(prim, inputs)
    try:  # (an empty **attrs costs 0.15 us per call, measured)
        out = prim.fn(numpy_backend, *arrays, **attrs) if attrs else prim.fn(numpy_backend, *arrays)
    except (ValueError, TypeError, IndexError) as err:
        _raise_numpy_error(prim, arrays, err)
    if prim.multi_output:
        return _wrap_outputs(prim, inputs, arrays, attrs, out, requires)
    dtype = _from_np[out.dtype]
    node = None  # only floating-point results join the graph (integer outputs need no grad)
    if requires and dtype.category == _FLOAT and prim.differentiable and _grad_state.grad_enabled:
        node = record(prim, inputs, arrays, attrs, out)
    t = _new_tensor(Tensor)  # wrap(), inlined for the hot path
    t._data, t._dtype, t._grad_fn, t._requires_grad = out, dtype, node, node is not None
    t._grad = t._base = t._accum = None
    t._out_nr = 0
    t._vc = [0] if node is None or node._out is None else node._out[1]
    if prim.view:  # a view shares its base's storage, hence its version counter
        _as_view(t, inputs[0])
    if _fw.active:
        forward(prim, inputs, attrs, t)
        if node is not None and node._out is not None and hasattr(t, "_fw"):
            node._out += (t._fw,)  # a saved output stays dual (rules that read `out`)
    if node is None and requires and not _grad_state.grad_enabled:  # hints: where a graph is cut
        _hints.note_no_grad_result(t)
    return t


# -- forward mode ------------------------------------------------------------------------------
def forward(prim, inputs: tuple, attrs: dict, out) -> None:
    """Give ``out`` (a Tensor, or a tuple for multi-output ops) the tangent of this call.

    Runs only inside a dual level, when an input carries a tangent. The rules run on
    Tensors (so a tangent records its own graph, as PyTorch's do: reverse over
    forward works) with propagation paused (rules never make tangents of tangents).
    """
    tangents = [getattr(a, "_fw", None) if isinstance(a, Tensor) else None for a in inputs]
    if not prim.differentiable or all(t is None for t in tangents):
        return
    with _fw.paused():
        tangent = prim.tangent(inputs, tangents, attrs, out, _node.diff_namespace, call,
                               _zeros_like, transpose_jvp)
    if prim.multi_output:
        for t, tan in zip(out, tangent):
            set_tangent(t, tan)
    else:
        set_tangent(out, tangent)


def _zeros_like(a):
    """The zero tangent of a floating input."""
    return wrap(np.zeros(a._data.shape, a._data.dtype))


def set_tangent(t, tangent) -> None:
    """Attach ``tangent`` to ``t`` (cast to its dtype, broadcast to its shape) at this level."""
    if tangent is None or t._dtype.category != _FLOAT:
        return
    if not isinstance(tangent, Tensor):
        tangent = wrap(np.asarray(tangent))
    with _fw.paused():
        if tangent._dtype is not t._dtype:
            tangent = call(_to_copy, (tangent,), {"dtype": t._dtype.np})
        if tangent._data.shape != t._data.shape:
            tangent = call(_expand, (tangent,), {"shape": t._data.shape})
    _fw.attach(t, tangent)


def _as_view(t, base) -> None:
    """Make ``t`` a view of ``base``'s storage (sharing its version counter)."""
    t._base = base._base if base._base is not None else base
    t._vc = base._vc
    t._view_ver = t._vc[0]  # the version its history is valid for


def refresh_view(t) -> None:
    """A view whose base was written in place since reads the new base (PyTorch regenerates
    the view's grad_fn as AsStridedBackward0 of the base's new history)."""
    base = t._base
    if t._vc[0] == t._view_ver or not base._requires_grad or not _grad_state.grad_enabled:
        return
    key = _key_in_base(base._data, t._data)
    _rebase(t, record(_indexing.as_strided, (base,), [base._data], {"key": key}, t._data))
    t._view_ver = t._vc[0]


def _wrap_outputs(prim, inputs: tuple, arrays: list, attrs: dict, outs, requires: bool) -> tuple:
    """Tensors for each output of a multi-output primitive (output k is edge (node, k))."""
    node = None
    if (requires and prim.differentiable and _grad_state.grad_enabled
            and outs[0].dtype.kind == "f"):
        node = record(prim, inputs, arrays, attrs, outs)
        node.n_outputs = len(outs)
        node._out_meta = [(o.shape, o.dtype) for o in outs]
    tensors = []
    for k, out in enumerate(outs):
        t = wrap(out, node if out.dtype.kind == "f" else None)  # integer outputs need no grad
        t._out_nr = k
        if prim.view:
            _as_view(t, inputs[0])
        tensors.append(t)
    tensors = tuple(tensors)
    if _fw.active:
        forward(prim, inputs, attrs, tensors)
    return tensors


def pack(t) -> Packed:
    """``t`` through the innermost saved_tensors_hooks' pack hook."""
    pack_hook, unpack_hook = saved_hooks[-1]
    return Packed(pack_hook(t), unpack_hook)


def _inputs_meta(inputs: tuple, arrays: list) -> tuple:
    """(edges, shapes, dtypes, indices requiring grad) of any number of inputs."""
    n = len(inputs)
    edges, shapes, dtypes = [_NO_EDGE] * n, [()] * n, [None] * n
    needs = []
    for i in range(n):
        a = inputs[i]
        if isinstance(a, Tensor):
            dtypes[i] = a._dtype.np
            shapes[i] = arrays[i].shape
            edges[i] = _edge(a)
            if edges[i] is not _NO_EDGE:
                needs.append(i)
        else:
            shapes[i] = getattr(arrays[i], "shape", ())
    return tuple(edges), tuple(shapes), tuple(dtypes), tuple(needs)


_NEEDS = ((), (0,), (1,), (0, 1))  # the inputs that require grad, by bit mask (two inputs)


def record(prim, inputs: tuple, arrays: list, attrs: dict, out, snapshot: bool = False):
    """Make the Node for one call; ``snapshot``: copy input 0's value (in-place ops)."""
    n = len(inputs)
    # one and two inputs build their tuples directly (lists filled by a loop cost ~4k
    # instructions more per recorded op, callgrind); a constant input has no edge
    if n == 2:
        a, b = inputs
        # _edge inlined for the usual input, the result of an op (not a view, not a leaf)
        ea = (_NO_EDGE if not isinstance(a, Tensor) else (a._grad_fn, a._out_nr)
              if a._grad_fn is not None and a._base is None else _edge(a))
        eb = (_NO_EDGE if not isinstance(b, Tensor) else (b._grad_fn, b._out_nr)
              if b._grad_fn is not None and b._base is None else _edge(b))
        edges = (ea, eb)
        shapes = (getattr(arrays[0], "shape", ()), getattr(arrays[1], "shape", ()))
        dtypes = (getattr(a, "_dtype", _NO_DTYPE).np, getattr(b, "_dtype", _NO_DTYPE).np)
        needs = _NEEDS[(ea is not _NO_EDGE) + 2 * (eb is not _NO_EDGE)]
    elif n == 1:
        a = inputs[0]
        ea = (a._grad_fn, a._out_nr) if a._grad_fn is not None and a._base is None else _edge(a)
        edges, shapes, dtypes = (ea,), (arrays[0].shape,), (a._dtype.np,)
        needs = _NEEDS[ea is not _NO_EDGE]
    else:
        edges, shapes, dtypes, needs = _inputs_meta(inputs, arrays)
    # Node.__init__, inlined (one Python call less per recorded op)
    node = _new_node(prim.node_cls)
    node.prim, node.next_functions, node._needs = prim, edges, needs
    node._shapes, node._dtypes, node._attrs = shapes, dtypes, attrs
    node._saved = node._out = node._hooks = None
    save_inputs, save_out = prim._plans.get(needs) or prim.plan(needs)
    if save_inputs:
        saved = [None] * len(inputs)
        for j in save_inputs:
            a = inputs[j]
            if isinstance(a, Tensor):
                if snapshot and j == 0:
                    a = a._snapshot()
                saved[j] = (a, a._vc[0]) if not saved_hooks else (pack(a), None)
            else:
                saved[j] = (arrays[j], None)
        node._saved = saved
        if _strict.enabled:  # opt-in: saved arrays read-only while saved (autograd/strict.py)
            _strict.protect_inputs(node)
    if save_out:
        node._out = (out, [0], 0) if not saved_hooks else (pack(wrap(out, node)), [0], 0)
        if _strict.enabled:
            _strict.protect_output(node)
    if _anomaly.enabled:
        record_stack(node)
    return node


def wrap(out, node=None):
    """A new Tensor holding array ``out`` (produced by ``node`` when not None)."""
    t = Tensor.__new__(Tensor)
    t._data = out
    t._dtype = _from_np[out.dtype]
    t._grad_fn = node
    t._requires_grad = node is not None
    t._grad = t._base = t._accum = None
    t._out_nr = 0
    t._vc = [0] if node is None or node._out is None else node._out[1]
    return t


def materialize(t) -> None:
    """Give ``t`` a mutable ndarray before its storage is shared or written.

    Ops on 0-d arrays return immutable NumPy scalars; a tensor may hold one until
    then (arithmetic on NumPy scalars is ~10x faster than on 0-d arrays: 0.07 vs
    0.7 us measured here), which keeps 0-d graphs like the seed's fast.
    """
    if type(t._data) is not _ndarray:
        t._data = np.array(t._data)


def check_inplace(t) -> None:
    """PyTorch's refusals of an in-place write that autograd would record."""
    if t._grad_fn is None and t._requires_grad:
        raise _hints.leaf_inplace(RuntimeError(_errors.LEAF_INPLACE))
    base = t._base
    if base is not None and base._grad_fn is None and base._requires_grad:
        raise _hints.leaf_inplace(RuntimeError(_errors.VIEW_OF_LEAF_INPLACE))
    fn = t._grad_fn
    if base is not None and fn is not None and fn._multi:
        raise RuntimeError(
            f"Output {t._out_nr} of {re.sub(r'Backward[0-9]*$', '', fn.name())} is a view and "
            "is being modified inplace. This view is the output of a function that returns "
            "multiple views. Such functions do not allow the output views to be modified "
            "inplace. You should replace the inplace operation by an out-of-place one.")


def _write(t, out) -> None:
    """Copy ``out`` into ``t``'s storage (shared with its views) and bump the version."""
    data = t._data
    if type(data) is _ndarray:
        if not data.flags.writeable:
            _strict.check_write(t, data)  # a tensor saved under strict_saved()
            raise RuntimeError(
                "unsupported operation: more than one element of the written-to tensor refers "
                "to a single memory location. Please clone() the tensor before performing the "
                "operation.")
        np.copyto(data, out, casting="unsafe")
    else:  # an unshared NumPy scalar (see materialize)
        t._data = np.array(out, dtype=data.dtype)
    t._vc[0] += 1


def _write_ufunc(prim, t, other, attrs: dict) -> bool:
    """``t <op>= other`` straight into ``t``'s storage when nothing is recorded; False if the
    general path must run (it raises PyTorch's errors). No temporary and no copy: an SGD
    update ``p.sub_(g)`` on a 512x784 float32 weight took 149 us computed out of place and
    copied, 43 us written this way."""
    data = t._data
    if isinstance(other, Tensor):
        if other._dtype is not t._dtype:
            return False  # PyTorch's promotion differs from NumPy's here
        other = other._data
    elif type(other) not in (int, float) or t._dtype.category != _FLOAT:
        return False
    if type(data) is not _ndarray or not data.flags.writeable:
        return False
    alpha = attrs.get("alpha", 1)
    try:
        _UFUNC_INPLACE[prim](data, other if alpha == 1 else other * alpha, out=data)
    except (ValueError, TypeError):  # NumPy checks shapes and casts before it writes anything
        return False
    t._vc[0] += 1
    return True


def call_inplace(prim, inputs: tuple, attrs: dict = _EMPTY):
    """Run ``prim`` and write its result into ``inputs[0]``, recording the op on it."""
    t = inputs[0]
    recording = _grad_state.grad_enabled and prim.differentiable and any(
        isinstance(a, Tensor) and a._requires_grad for a in inputs)
    if recording:
        check_inplace(t)
    elif prim in _UFUNC_INPLACE and not _fw.active and _write_ufunc(prim, t, inputs[1], attrs):
        return t
    arrays, _ = _unwrap(prim, inputs)
    try:
        out = prim.fn(numpy_backend, *arrays, **attrs)
    except (ValueError, TypeError, IndexError) as err:
        _raise_numpy_error(prim, arrays, err)
    shape = t._data.shape
    if out.shape != shape:
        raise RuntimeError(f"output with shape {list(shape)} doesn't match the broadcast "
                           f"shape {list(out.shape)}")
    res = _result_dtype(prim, inputs) if prim.dtype_rule is not None else _from_np[out.dtype]
    if res is not t._dtype and not _dtype.can_cast(res, t._dtype):
        raise RuntimeError(f"result type {res.c_name} can't be cast to the desired output "
                           f"type {t._dtype.c_name}")
    node = record(prim, inputs, arrays, attrs, out, snapshot=True) if recording else None
    result = None
    if _fw.active:  # the new tangent, from the values before the write
        result = wrap(out)
        forward(prim, inputs, attrs, result)
    _write(t, out)
    tangent = getattr(result, "_fw", None)
    if tangent is not None:
        set_tangent(t, tangent)
    if node is not None:
        if t._base is None:
            _rebase(t, node)
        else:
            _rebase_view(t, node)
    return t


def _key_in_base(base, view) -> tuple:
    """Index arrays locating each element of ``view`` inside ``base``'s (C-contiguous) array."""
    if not base.flags.c_contiguous:
        raise NotImplementedError("chainrule records in-place writes through a view only when "
                                  "the base tensor is contiguous; write to base.clone() instead")
    size = base.itemsize
    flat = (view.__array_interface__["data"][0] - base.__array_interface__["data"][0]) // size
    for axis, (n, stride) in enumerate(zip(view.shape, view.strides)):
        shape = [1] * view.ndim
        shape[axis] = n
        flat = flat + np.arange(n).reshape(shape) * (stride // size)
    return np.unravel_index(flat, base.shape)


def _rebase_view(view, node) -> None:
    """After an in-place op on ``view``: its base becomes CopySlices(base, new values).

    The written values (``node``'s result) are put back into the base's history at
    the view's elements, and the view becomes a read of the rebased base.
    """
    base = view._base
    key = _key_in_base(base._data, view._data)
    value = wrap(view._data, node)
    slices = record(_indexing.copy_slices, (base, value), [base._data, view._data],
                    {"key": key}, base._data)
    _rebase(base, slices)
    _rebase(view, record(_indexing.as_strided, (base,), [base._data], {"key": key},
                         view._data))
    view._view_ver = view._vc[0]


def _rebase(t, node) -> None:
    """Make ``node`` the new history of ``t`` after an in-place op."""
    old = t._grad_fn
    if old is not None and old._hooks is not None:  # retain_grad follows the tensor
        mine = [(nr, h) for nr, h in old._hooks.retain if nr == t._out_nr]
        if mine:
            old._hooks.retain = [e for e in old._hooks.retain if e not in mine]
            hooks_of(node).retain.append((0, mine[0][1]))
    t._grad_fn = node
    t._out_nr = 0
    t._requires_grad = True
    if node._out is not None:
        node._out = (t._data, t._vc, t._vc[0])
