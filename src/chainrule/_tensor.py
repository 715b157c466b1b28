"""The Tensor: an array with a dtype, a version counter and its place in the autograd graph.

Operators and methods that are single primitives call ``_dispatch`` here; composite
methods (shape parsing, matmul, reductions with ``dim`` ...) are bound onto Tensor by
``functional`` from one table, so this module never imports ``functional``.
"""
from __future__ import annotations

import copy
import warnings
import weakref

import numpy as np

from . import _device, _dispatch, _dtype, _errors, _hints, _printing
from ._dispatch import call, call_inplace, materialize, wrap
from .autograd import node as _node
from .autograd.grad_mode import state as _grad_state
from .primitives import pointwise as P


class Size(tuple):
    """``torch.Size``: a tuple of dims that prints as ``torch.Size([2, 3])``."""

    def __repr__(self) -> str:
        return f"torch.Size({list(self)})"

    def __getitem__(self, key):
        item = tuple.__getitem__(self, key)
        return Size(item) if isinstance(key, slice) else item

    def numel(self) -> int:
        """The number of elements a tensor of this size holds."""
        n = 1
        for s in self:
            n *= s
        return n


_NUMBER = (int, float, bool)


def _operand(other):
    """``other`` as an operand of an arithmetic op, or None if the op must not take it."""
    if isinstance(other, (Tensor, int, float)):
        return other
    if isinstance(other, np.generic):
        return other.item()
    return None


def _binary(prim, attrs=None, reflect=False):
    attrs = attrs or _dispatch._EMPTY

    def op(self, other):
        if not isinstance(other, (Tensor, int, float)):  # _operand's fast case, inlined
            other = _operand(other)
            if other is None:
                return NotImplemented
        return call(prim, (other, self) if reflect else (self, other), attrs)
    return op


def _inplace(prim, attrs=None):
    attrs = attrs or _dispatch._EMPTY

    def op(self, other):
        return _inplace_op(prim, self, other, attrs)
    return op


def _is_bool(operand) -> bool:
    return getattr(operand, "_dtype", None) is _dtype.bool_ or isinstance(operand, (bool, np.bool_))


def check_sub(input, other) -> None:
    """PyTorch's refusals of ``-`` with a bool operand (a Python bool counts as a bool tensor)."""
    if _is_bool(input) and _is_bool(other):
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. Use the "
            "`^` or `logical_xor()` operator instead.")
    if _is_bool(input) or _is_bool(other):
        raise RuntimeError(
            "Subtraction, the `-` operator, with a bool tensor is not supported. If you are "
            "trying to invert a mask, use the `~` or `logical_not()` operator instead.")


def _inplace_op(prim, t, other, attrs: dict):
    """``t.<prim>_(other)``: the operand checked as PyTorch's argument parser does."""
    operand = _operand(other)
    if operand is None:
        raise TypeError(f"{prim.name}_(): argument 'other' (position 1) must be Tensor, "
                        f"not {type(other).__name__}")
    if prim is P.sub:
        check_sub(t, operand)
    return call_inplace(prim, (t, operand), attrs)


def _unary(prim):
    def op(self):
        return call(prim, (self,))
    return op


_BOOL = _dtype.bool_
_INT_FLOAT = (int, float)


class Tensor:
    """A multi-dimensional array that can record the operations applied to it.

    Create one with ``chainrule.tensor(data, requires_grad=...)`` or a factory
    such as ``chainrule.zeros``.
    """

    __slots__ = ("_data", "_dtype", "_grad_fn", "_requires_grad", "_grad", "_vc", "_base",
                 "_accum", "_out_nr", "_view_ver", "_fw", "_cut", "__weakref__")
    # _fw (the forward-mode tangent) is set only on dual tensors, _cut (where a graph was cut,
    # for error hints) only on results made under no_grad or by detach(): read them with getattr
    __array_priority__ = 1000  # ndarray (op) Tensor defers to Tensor's reflected operator

    # -- basic properties ---------------------------------------------------------------
    @property
    def shape(self) -> Size:
        """The size of each dimension, as a ``torch.Size``."""
        return Size(self._data.shape)

    def size(self, dim: int | None = None):
        """Returns the size of the tensor, or of dimension ``dim``."""
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[_wrap_dim(dim, self._data.ndim)]

    @property
    def dtype(self) -> _dtype.dtype:
        """The element type, e.g. ``torch.float32``."""
        return self._dtype

    @property
    def device(self):
        """The device the tensor lives on."""
        return _device.CPU

    @property
    def is_cuda(self) -> bool:
        """True if the tensor is stored on a GPU."""
        return False

    @property
    def ndim(self) -> int:
        """The number of dimensions."""
        return self._data.ndim

    def dim(self) -> int:
        """Returns the number of dimensions of the tensor."""
        return self._data.ndim

    def numel(self) -> int:
        """Returns the total number of elements in the tensor."""
        return int(self._data.size)

    nelement = numel

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def element_size(self) -> int:
        """Size in bytes of one element."""
        return self._dtype.itemsize

    def is_floating_point(self) -> bool:
        """True if the dtype is a floating point type."""
        return self._dtype.category == _dtype._FLOAT

    def is_contiguous(self) -> bool:
        """True if the tensor is contiguous in memory in row-major order."""
        return bool(getattr(self._data, "flags", None) is None or self._data.flags.c_contiguous)

    @property
    def _version(self) -> int:
        """How many times the tensor's storage was modified in place."""
        return self._vc[0]

    # -- conversion ---------------------------------------------------------------------
    def item(self):
        """Returns the value of a one-element tensor as a Python number."""
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted "
                               "to Scalar")
        return self._data.item() if self._data.ndim == 0 else self._data.reshape(()).item()

    def tolist(self):
        """Returns the tensor as a (nested) list of Python numbers."""
        return self._data.tolist()

    def numpy(self, *, force: bool = False) -> np.ndarray:
        """Returns the tensor as a NumPy ndarray sharing its storage."""
        if self._requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use "
                               "tensor.detach().numpy() instead.")
        materialize(self)
        return self._data

    def __array__(self, dtype=None, copy=None):
        if self._requires_grad:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use "
                               "tensor.detach().numpy() instead.")
        return np.asarray(self._data, dtype=dtype)

    def __float__(self) -> float:
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        if self._requires_grad:
            _warn_once("scalar", "Converting a tensor with requires_grad=True to a scalar may "
                       "lead to unexpected behavior.\nConsider using tensor.detach() first.")
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self._dtype.category != 1 or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to "
                            "an index")
        return int(self.item())

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self.item())

    def __format__(self, spec: str) -> str:
        if self._data.ndim == 0:  # PyTorch formats a 0-d tensor as its number: f"{t}" == "1.5"
            return format(self.item(), spec)
        if spec:
            raise TypeError("unsupported format string passed to Tensor.__format__")
        return repr(self)

    def __repr__(self) -> str:
        fn = self._grad_fn
        tangent = getattr(self, "_fw", None)
        if tangent is not None:  # PyTorch shows a 0-d tangent as a Python number
            tangent = repr(tangent.item() if tangent._data.ndim == 0 else tangent)
        return _printing.tensor_repr(
            np.asarray(self._data), dtype_name=self._dtype.name,
            default_float=_dtype.default.value.name,
            grad_fn=_node.display_name(fn) if fn is not None else None,
            requires_grad=self._requires_grad, tangent=tangent)

    __str__ = __repr__

    def __hash__(self) -> int:
        return id(self)

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._data.shape[0]))

    # -- autograd state -----------------------------------------------------------------
    @property
    def requires_grad(self) -> bool:
        """Is True if gradients need to be computed for this Tensor."""
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        if self._grad_fn is not None:
            if not value:
                raise RuntimeError(
                    "you can only change requires_grad flags of leaf variables. If you want to "
                    "use a computed variable in a subgraph that doesn't require differentiation "
                    "use var_no_grad = var.detach().")
            raise RuntimeError("you can only change requires_grad flags of leaf variables.")
        if value and self._dtype.category != _dtype._FLOAT:
            raise RuntimeError("only Tensors of floating point and complex dtype can require "
                               "gradients")
        self._requires_grad = bool(value)

    def requires_grad_(self, requires_grad: bool = True) -> "Tensor":
        """Change if autograd should record operations on this tensor, in place."""
        if requires_grad and self._dtype.category != _dtype._FLOAT:
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        self.requires_grad = requires_grad
        return self

    @property
    def grad_fn(self):
        """The Node that created this tensor (None for leaves)."""
        if self._base is not None:
            _dispatch.refresh_view(self)
        return self._grad_fn

    @property
    def is_leaf(self) -> bool:
        """True for tensors not created by a recorded operation."""
        return self._grad_fn is None

    @property
    def retains_grad(self) -> bool:
        """True if this non-leaf tensor keeps its ``.grad`` (see ``retain_grad``)."""
        fn = self._grad_fn
        return (fn is not None and fn._hooks is not None
                and any(nr == self._out_nr for nr, _ in fn._hooks.retain))

    @property
    def grad(self):
        """The gradient accumulated by ``backward`` (None until then)."""
        grad = self._grad
        if grad is None:
            if self._grad_fn is not None and not self.retains_grad:  # (the hint is a note)
                warnings.warn(_hints.non_leaf_grad_warning(_errors.NON_LEAF_GRAD_WARNING, self),
                              stacklevel=2)
        elif self._grad_fn is None and _grad_state.grad_enabled:  # hints: `w = w - w.grad`
            _hints.note_grad_read(self)
        return grad

    @grad.setter
    def grad(self, value) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                kind = type(value)
                name = kind.__name__ if kind.__module__ == "builtins" else (
                    f"{kind.__module__}.{kind.__qualname__}")
                raise TypeError("assigned grad expected to be a Tensor or None but got grad of "
                                f"type {name}")
            if value._data.shape != self._data.shape:
                raise RuntimeError(
                    f"attempting to assign a gradient of size '{list(value._data.shape)}' to a "
                    f"tensor of size '{list(self._data.shape)}'. Please ensure that the "
                    "gradient and the tensor are the same size")
            if value._dtype is not self._dtype:
                raise RuntimeError(
                    f"attempting to assign a gradient with dtype '{_C_TYPE[value._dtype]}' to a "
                    f"tensor with grad_dtype '{self._dtype.c_name}'. The gradient must match "
                    "the tensor's grad_dtype (defaults to the tensor's dtype). You can set the "
                    "tensor's grad_dtype attribute with a specific dtype, or None to allow any "
                    "dtype. Set grad_dtype with caution. Diverging the dtypes of a tensor and its "
                    "gradient may break downstream systems that assume they match.")
        self._grad = value

    def retain_grad(self) -> None:
        """Enables this non-leaf Tensor to have its ``.grad`` populated during backward."""
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self._grad_fn is None or self.retains_grad:
            return
        _node.hooks_of(self._grad_fn).retain.append((self._out_nr, _retainer(self)))

    def register_hook(self, hook):
        """Registers a backward hook ``hook(grad) -> Tensor or None`` on this tensor.

        The hook runs each time a gradient for this tensor is computed; a returned
        tensor replaces the gradient. Returns a handle with ``remove()``.
        """
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require "
                               "gradient")
        node = self._grad_fn or self._accum or _dispatch._new_accumulator(self)

        def run(g):
            return _node.from_user(hook(_node.to_user(g)), g)
        hooks = _node.hooks_of(node).tensor_pre
        entry = (self._out_nr if self._grad_fn is not None else 0, run)
        hooks.append(entry)
        return _node.RemovableHandle(hooks, entry)

    def register_post_accumulate_grad_hook(self, hook):
        """Registers ``hook(tensor)`` to run after a gradient is accumulated into ``.grad``."""
        if self._grad_fn is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf "
                               "tensors")
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require "
                               "gradient")
        acc = self._accum or _dispatch._new_accumulator(self)
        hooks = _node.hooks_of(acc).post_accumulate
        hooks.append(hook)
        return _node.RemovableHandle(hooks, hook)

    def _accumulate_grad(self, g, owned: bool, create_graph: bool) -> None:
        """Add gradient ``g`` (array, or Tensor under create_graph) into ``.grad``."""
        if create_graph:  # the first gradient is stored as a copy (CopyBackwards), as PyTorch
            self._grad = (call(P.copy_from, (np.zeros(g._data.shape, g._dtype.np), g))
                          if self._grad is None else self._grad + g)
        elif self._grad is None:
            # kept as is when the walk owns it, in PyTorch's layout (a transposed .grad made
            # the SGD update 6x slower); else copied
            self._grad = wrap(g if owned and (type(g) is not np.ndarray or g.flags.c_contiguous)
                              else np.array(g))
        else:
            grad = self._grad
            if grad._requires_grad:  # a grad with history: accumulate out of place
                self._grad = grad + wrap(g)
            elif type(grad._data) is np.ndarray:
                grad._data += g
                grad._vc[0] += 1
            else:
                grad._data = np.array(grad._data + g)
                grad._vc[0] += 1

    def _snapshot(self) -> "Tensor":
        """A copy of this tensor's current value that keeps its place in the graph."""
        t = wrap(np.array(self._data), self._grad_fn)
        t._requires_grad = self._requires_grad
        t._accum = self._accum
        return t

    def __deepcopy__(self, memo: dict) -> "Tensor":
        if self._grad_fn is not None:
            raise RuntimeError(
                "Only Tensors created explicitly by the user (graph leaves) support the deepcopy "
                "protocol at the moment.  If you were attempting to deepcopy a module, this may be "
                "because of a torch.nn.utils.weight_norm usage, see "
                "https://github.com/pytorch/pytorch/pull/103001")
        if id(self) in memo:
            return memo[id(self)]
        new = wrap(np.array(self._data, copy=True))  # its own storage, graph node and version
        if type(self) is not Tensor:
            new.__class__ = type(self)
            if hasattr(self, "__dict__"):
                new.__dict__.update(copy.deepcopy(self.__dict__, memo))
        new._requires_grad = self._requires_grad
        memo[id(self)] = new
        if self._grad is not None:
            new._grad = copy.deepcopy(self._grad, memo)
        return new

    def detach(self) -> "Tensor":
        """A new tensor sharing storage and version counter, outside the graph."""
        materialize(self)
        t = wrap(self._data)
        t._vc = self._vc
        if self._requires_grad:  # hints: where a graph was cut
            _hints.note_detach(t)
        return t

    def detach_(self) -> "Tensor":
        """Detaches the tensor from the graph that created it, in place."""
        if self._base is not None:
            raise RuntimeError("Can't detach views in-place. Use detach() instead.")
        self._grad_fn = None
        self._requires_grad = False
        return self

    @property
    def data(self) -> "Tensor":
        """The tensor's storage as a new tensor outside the graph (own version counter)."""
        materialize(self)
        return wrap(self._data)

    @data.setter
    def data(self, value: "Tensor") -> None:
        if self._requires_grad and value._dtype.category != _dtype._FLOAT:
            raise RuntimeError("data set to a tensor that requires gradients must be floating "
                               "point or complex dtype")
        materialize(value)
        self._data = value._data
        self._dtype = value._dtype

    # -- in-place ops ---------------------------------------------------------------------
    def add_(self, other, *, alpha=1) -> "Tensor":
        """In-place version of ``add``."""
        return _inplace_op(P.add, self, other, {"alpha": alpha})

    def sub_(self, other, *, alpha=1) -> "Tensor":
        """In-place version of ``sub``."""
        return _inplace_op(P.sub, self, other, {"alpha": alpha})

    mul_ = _inplace(P.mul)
    div_ = _inplace(P.div)
    __iadd__ = _inplace(P.add)
    __isub__ = _inplace(P.sub)
    __imul__ = _inplace(P.mul)
    __itruediv__ = _inplace(P.div)

    def zero_(self) -> "Tensor":
        """Fills the tensor with zeros, in place."""
        return call_inplace(P.zero, (self,))

    def fill_(self, value) -> "Tensor":
        """Fills the tensor with ``value`` (a number or a 0-d tensor), in place."""
        if isinstance(value, Tensor):
            if value._data.ndim != 0:
                raise RuntimeError("fill_ only supports 0-dimension value tensor but got "
                                   f"tensor with {value._data.ndim} dimensions.")
            return call_inplace(P.fill_tensor, (self, value))
        return call_inplace(P.fill, (self,), {"value": value})

    def copy_(self, src, non_blocking: bool = False) -> "Tensor":
        """Copies the elements from ``src`` into this tensor (broadcasting), in place."""
        if not isinstance(src, Tensor):
            src = wrap(np.asarray(src, dtype=self._dtype.np)[()])
        shape = self._data.shape
        try:
            wide = np.broadcast_shapes(shape, src._data.shape)
        except ValueError:
            raise _errors.broadcast_mismatch(shape, src._data.shape) from None
        if wide != shape:
            raise RuntimeError(f"output with shape {list(shape)} doesn't match the broadcast "
                               f"shape {list(wide)}")
        return call_inplace(P.copy_from, (self, src))

    # -- arithmetic operators ---------------------------------------------------------------
    __add__ = __radd__ = _binary(P.add)

    def __sub__(self, other):
        if not isinstance(other, (Tensor, int, float)):
            other = _operand(other)
            if other is None:
                return NotImplemented
        if self._dtype is _BOOL or type(other) is bool or getattr(other, "_dtype", 0) is _BOOL:
            check_sub(self, other)
        return call(P.sub, (self, other))
    __mul__ = __rmul__ = _binary(P.mul)
    __truediv__ = _binary(P.div)
    __neg__ = _unary(P.neg)
    __abs__ = _unary(P.abs)
    __eq__ = _binary(P.eq)
    __ne__ = _binary(P.ne)
    __lt__ = _binary(P.lt)
    __le__ = _binary(P.le)
    __gt__ = _binary(P.gt)
    __ge__ = _binary(P.ge)

    def __rsub__(self, other):
        other = _operand(other)
        if other is None:
            return NotImplemented
        check_sub(other, self) if self._dtype is _BOOL or type(other) is bool else None
        if isinstance(other, Tensor):
            return call(P.sub, (other, self))
        return _scalar_op(P.rsub, self, "other", other, alpha=1)

    def __rtruediv__(self, other):
        other = _operand(other)
        if other is None:
            return NotImplemented
        return call(P.mul, (call(P.reciprocal, (self,)), other))

    def __pow__(self, exponent):
        if type(exponent) in _INT_FLOAT and self._dtype.category == _dtype._FLOAT:
            return call(P.pow_scalar, (self,), {"exponent": exponent})  # _scalar_op's fast case
        exponent = _operand(exponent)
        if exponent is None:
            return NotImplemented
        if isinstance(exponent, Tensor):
            if self._dtype is _dtype.bool_ and exponent._dtype is _dtype.bool_:
                raise NotImplementedError("\"pow\" not implemented for 'Bool'")
            return call(P.pow, (self, exponent))
        if (self._dtype.category != _dtype._FLOAT and not isinstance(exponent, (bool, float))
                and exponent < 0):
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        return _scalar_op(P.pow_scalar, self, "exponent", exponent)

    def __rpow__(self, base):
        base = _operand(base)
        if base is None:
            return NotImplemented
        if isinstance(base, bool) and self._dtype is _dtype.bool_:
            raise NotImplementedError("\"pow\" not implemented for 'Bool'")
        return _scalar_op(P.rpow, self, "base", base)

    def __pos__(self) -> "Tensor":
        return self

    exp = _unary(P.exp)
    log = _unary(P.log)
    sin = _unary(P.sin)
    cos = _unary(P.cos)
    tanh = _unary(P.tanh)
    sigmoid = _unary(P.sigmoid)
    relu = _unary(P.relu)
    sqrt = _unary(P.sqrt)
    reciprocal = _unary(P.reciprocal)
    sign = _unary(P.sign)


_WARNED: set = set()


def _warn_once(key: str, message: str) -> None:
    """A UserWarning shown once per process, as PyTorch's TORCH_WARN_ONCE."""
    if key not in _WARNED:
        _WARNED.add(key)
        warnings.warn(message, UserWarning, stacklevel=3)


def _scalar_op(prim, t: Tensor, name: str, scalar, **attrs) -> Tensor:
    """``prim`` on tensor ``t`` with Python number ``scalar`` as attribute ``name``.

    The number takes part in type promotion as PyTorch's wrapped numbers do: the
    tensor is cast to the result dtype first (only integer and bool tensors ever
    are, and they carry no graph), and an integer number wraps into that dtype.
    """
    res = _dtype.result_type((t, scalar))
    if res is not t._dtype:
        t = call(P.to_copy, (t,), {"dtype": res.np})
    if res.category != _dtype._FLOAT:
        scalar = np.array(scalar).astype(res.np)[()]
    out = call(prim, (t,), {name: scalar, **attrs})
    return out if out._dtype is res else call(P.to_copy, (out,), {"dtype": res.np})


def _retainer(t: Tensor):
    """The hook ``retain_grad`` installs on ``t``'s node: keep a copy of the gradient."""
    ref = weakref.ref(t)

    def retain(g) -> None:
        target = ref()
        if target is None:
            return
        if not isinstance(g, Tensor):
            g = wrap(np.array(g))
        elif target._grad is None:
            g = g if g._requires_grad else wrap(np.array(g._data))
        target._grad = g if target._grad is None else target._grad + g
    return retain


def _wrap_dim(dim: int, ndim: int) -> int:
    """``dim`` as a non-negative index, or PyTorch's IndexError."""
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise _errors.dim_out_of_range(dim, ndim)
    return dim % n


_C_TYPE = {_dtype.float16: "c10::Half", _dtype.float32: "float", _dtype.float64: "double",
           _dtype.int8: "signed char", _dtype.int16: "short int", _dtype.int32: "int",
           _dtype.int64: "long int", _dtype.uint8: "unsigned char", _dtype.bool_: "bool"}


# hand the graph layers the Tensor-level actions they may not import
_dispatch.Tensor = Tensor
_dispatch._new_tensor = Tensor.__new__
_node.wrap_grad = wrap
_node.unwrap_grad = lambda t: t._data


def _wrap_output(array, node) -> Tensor:
    t = wrap(array, node)
    t._vc = node._out[1]
    return t


_node.wrap_output = _wrap_output
