"""Bad inputs -> PyTorch's exception type and the first line of its message.

``ERROR_CASES`` is the table; ``tests/oracle/test_errors_oracle.py`` runs the very same
rows against PyTorch, so every expected message here is PyTorch's own.

A row's ``call(torch)`` builds its inputs with the given module (``chainrule`` or
``torch``) and returns ``(inputs, action)``: the tensors the failing op touches, and a
zero-argument callable that must raise. Besides the exception, every row checks that
the failed op left each input tensor unchanged: its values, shape, dtype,
``requires_grad``, ``.grad`` (same object, same values) and ``_version``.
"""
from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np
import pytest

import chainrule


class ErrorCase(NamedTuple):
    description: str
    call: Callable          # call(torch) -> (inputs, action)
    exc: type
    message: str            # the first line of str(exception), exactly


def _mk(t, *shape, requires_grad=False, dtype="float32", grad=False):
    """A tensor 1, 2, 3, ... of ``shape`` and ``dtype`` (a name); ``grad``: give it a .grad."""
    n = int(np.prod(shape)) if shape else 1
    x = t.arange(1, n + 1, dtype=getattr(t, dtype)).reshape(shape).clone()  # a leaf, not a view
    if requires_grad:
        x.requires_grad_()
    if grad:
        x.grad = t.ones(shape, dtype=x.dtype)
    return x


def _one(build, act):
    """A row whose inputs are ``build(t)`` (a tuple) and whose op is ``act(t, *inputs)``."""
    def call(t):
        inputs = build(t)
        return inputs, lambda: act(t, *inputs)
    return call


def _new(act):
    """A row with no input tensor: only the op ``act(t)``."""
    return lambda t: ((), lambda: act(t))


def _pair(sa, sb, act, **kw):
    """Two float tensors of shapes ``sa`` and ``sb`` (the first requiring grad, with a .grad)."""
    return _one(lambda t: (_mk(t, *sa, requires_grad=True, grad=True), _mk(t, *sb, **kw)), act)


def _x(shape, act, **kw):
    """One tensor of ``shape`` (float, requires grad and holds a .grad unless told)."""
    kw = {"requires_grad": True, "grad": True} | kw
    return _one(lambda t: (_mk(t, *shape, **kw),), act)


def _set(x, key, value):
    x[key] = value


def _iadd(x, y):
    x += y


def _imul(x, y):
    x *= y


def _itruediv(x, y):
    x /= y


def _isub(x, y):
    x -= y


def _twice(t, out, x):
    t.autograd.grad(out, x)
    t.autograd.grad(out, x)


def _modified_saved(x):
    y = x.exp()
    y.add_(1)
    y.sum().backward()


_DIM = "Dimension out of range (expected to be in range of [{}, {}], but got {})"
_NOT_MULT = "mat1 and mat2 shapes cannot be multiplied ({}x{} and {}x{})"

E = ErrorCase
ERROR_CASES: list[ErrorCase] = [
    # -- tensor(data) -------------------------------------------------------------------------
    E("tensor: ragged rows", _new(lambda t: t.tensor([[1, 2], [3]])),
      ValueError, "expected sequence of length 2 at dim 1 (got 1)"),
    E("tensor: ragged depth", _new(lambda t: t.tensor([[1, 2], 3])),
      TypeError, "not a sequence"),
    E("tensor: ragged, deeper second", _new(lambda t: t.tensor([1, [2]])),
      TypeError, "'list' object cannot be interpreted as an integer"),
    E("tensor: None", _new(lambda t: t.tensor(None)),
      RuntimeError, "Could not infer dtype of NoneType"),
    E("tensor: list holding None", _new(lambda t: t.tensor([1.0, None])),
      RuntimeError, "Could not infer dtype of NoneType"),
    E("tensor: a string", _new(lambda t: t.tensor("abc")),
      TypeError, "new(): invalid data type 'str'"),
    E("tensor: list of strings", _new(lambda t: t.tensor(["a", "b"])),
      ValueError, "too many dimensions 'str'"),
    E("tensor: dict", _new(lambda t: t.tensor({"a": 1})),
      RuntimeError, "Could not infer dtype of dict"),
    E("tensor: object()", _new(lambda t: t.tensor(object())),
      RuntimeError, "Could not infer dtype of object"),
    E("tensor: int data requires grad", _new(lambda t: t.tensor([1, 2], requires_grad=True)),
      RuntimeError, "Only Tensors of floating point and complex dtype can require gradients"),

    # -- broadcasting ---------------------------------------------------------------------------
    E("add: (2,3) + (4,)", _pair((2, 3), (4,), lambda t, a, b: a + b),
      RuntimeError, "The size of tensor a (3) must match the size of tensor b (4) at non-singleton "
                    "dimension 1"),
    E("sub: (3,) - (2,2)", _pair((3,), (2, 2), lambda t, a, b: a - b),
      RuntimeError, "The size of tensor a (3) must match the size of tensor b (2) at non-singleton "
                    "dimension 1"),
    E("mul: (2,3,4) * (5,4)", _pair((2, 3, 4), (5, 4), lambda t, a, b: a * b),
      RuntimeError, "The size of tensor a (3) must match the size of tensor b (5) at non-singleton "
                    "dimension 1"),
    E("div: (4,1) / (2,3)", _pair((4, 1), (2, 3), lambda t, a, b: a / b),
      RuntimeError, "The size of tensor a (4) must match the size of tensor b (2) at non-singleton "
                    "dimension 0"),
    E("torch.add: (2,) and (3,)", _pair((2,), (3,), lambda t, a, b: t.add(a, b)),
      RuntimeError, "The size of tensor a (2) must match the size of tensor b (3) at non-singleton "
                    "dimension 0"),
    E("torch.mul: (2,) and (3,)", _pair((2,), (3,), lambda t, a, b: t.mul(a, b)),
      RuntimeError, "The size of tensor a (2) must match the size of tensor b (3) at non-singleton "
                    "dimension 0"),
    E("add_: (2,3) += (2,)", _one(lambda t: (_mk(t, 2, 3), _mk(t, 2)), lambda t, a, b: a.add_(b)),
      RuntimeError, "The size of tensor a (3) must match the size of tensor b (2) at non-singleton "
                    "dimension 1"),
    E("mul_: (3,) *= (2,3)", _one(lambda t: (_mk(t, 3), _mk(t, 2, 3)), lambda t, a, b: a.mul_(b)),
      RuntimeError, "output with shape [3] doesn't match the broadcast shape [2, 3]"),
    E("+=: (3,) += (2,3)", _one(lambda t: (_mk(t, 3), _mk(t, 2, 3)), lambda t, a, b: _iadd(a, b)),
      RuntimeError, "output with shape [3] doesn't match the broadcast shape [2, 3]"),
    E("sub_: (1,) -= (3,)", _one(lambda t: (_mk(t, 1), _mk(t, 3)), lambda t, a, b: a.sub_(b)),
      RuntimeError, "output with shape [1] doesn't match the broadcast shape [3]"),
    E("div_: 0-d /= (2,)", _one(lambda t: (_mk(t), _mk(t, 2)), lambda t, a, b: a.div_(b)),
      RuntimeError, "output with shape [] doesn't match the broadcast shape [2]"),
    E("copy_: (3,) from (2,)", _one(lambda t: (_mk(t, 3), _mk(t, 2)), lambda t, a, b: a.copy_(b)),
      RuntimeError, "The size of tensor a (3) must match the size of tensor b (2) at non-singleton "
                    "dimension 0"),
    E("copy_: (3,) from (2,3)", _one(lambda t: (_mk(t, 3), _mk(t, 2, 3)), lambda t, a, b: a.copy_(b)),
      RuntimeError, "output with shape [3] doesn't match the broadcast shape [2, 3]"),
    E("fill_: with a 1-d tensor", _one(lambda t: (_mk(t, 3), _mk(t, 2)), lambda t, a, b: a.fill_(b)),
      RuntimeError, "fill_ only supports 0-dimension value tensor but got tensor with 1 dimensions."),

    # -- in-place dtype ---------------------------------------------------------------------
    E("add_: int += float scalar", _x((3,), lambda t, a: a.add_(0.5), dtype="int64",
                                      requires_grad=False, grad=False),
      RuntimeError, "result type Float can't be cast to the desired output type Long"),
    E("*=: int *= float tensor", _one(lambda t: (_mk(t, 3, dtype="int64"), _mk(t, 3)),
                                      lambda t, a, b: _imul(a, b)),
      RuntimeError, "result type Float can't be cast to the desired output type Long"),
    E("/=: int /= int (true division)", _one(lambda t: (_mk(t, 3, dtype="int64"), _mk(t, 3, dtype="int64")),
                                            lambda t, a, b: _itruediv(a, b)),
      RuntimeError, "result type Float can't be cast to the desired output type Long"),
    E("div_: int32 by 2", _one(lambda t: (_mk(t, 3, dtype="int32"),), lambda t, a: a.div_(2)),
      RuntimeError, "result type Float can't be cast to the desired output type Int"),
    E("add_: bool += int", _one(lambda t: (t.tensor([True, False]),), lambda t, a: a.add_(1)),
      RuntimeError, "result type Long can't be cast to the desired output type Bool"),
    E("sub_: bool -= int", _one(lambda t: (t.tensor([True, False]),), lambda t, a: a.sub_(1)),
      RuntimeError, "Subtraction, the `-` operator, with a bool tensor is not supported. If you are "
                    "trying to invert a mask, use the `~` or `logical_not()` operator instead."),
    E("-=: int 0-d -= 1.5",
      _one(lambda t: (t.tensor(3),), lambda t, a: _isub(a, 1.5)),
      RuntimeError, "result type Float can't be cast to the desired output type Long"),

    # -- products ---------------------------------------------------------------------------
    E("matmul: (2,3) @ (2,3)", _pair((2, 3), (2, 3), lambda t, a, b: a @ b),
      RuntimeError, _NOT_MULT.format(2, 3, 2, 3)),
    E("matmul: (3,) @ (2,)", _pair((3,), (2,), lambda t, a, b: t.matmul(a, b)),
      RuntimeError, "inconsistent tensor size, expected tensor [3] and src [2] to have the same "
                    "number of elements, but got 3 and 2 elements respectively"),
    E("matmul: 0-d operand", _pair((), (2,), lambda t, a, b: a @ b),
      RuntimeError, "both arguments to matmul need to be at least 1D, but they are 0D and 1D"),
    E("matmul: (2,3) @ (2,)", _pair((2, 3), (2,), lambda t, a, b: a @ b),
      RuntimeError, "size mismatch, got input (2), mat (2x3), vec (2)"),
    E("matmul: (3,) @ (2,4)", _pair((3,), (2, 4), lambda t, a, b: a @ b),
      RuntimeError, _NOT_MULT.format(1, 3, 2, 4)),
    E("matmul: batch dims (2,2,3) @ (3,3,4)", _pair((2, 2, 3), (3, 3, 4), lambda t, a, b: a @ b),
      RuntimeError, "The size of tensor a (2) must match the size of tensor b (3) at non-singleton "
                    "dimension 0"),
    E("matmul: with a list", _pair((2,), (2,), lambda t, a, b: t.matmul(a, [1.0, 2.0])),
      TypeError, "matmul(): argument 'other' (position 2) must be Tensor, not list"),
    E("mm: inner dims", _pair((2, 3), (4, 2), lambda t, a, b: t.mm(a, b)),
      RuntimeError, _NOT_MULT.format(2, 3, 4, 2)),
    E("mm: 1-d self", _pair((3,), (3, 2), lambda t, a, b: a.mm(b)),
      RuntimeError, "self must be a matrix"),
    E("mm: 3-d mat2", _pair((2, 3), (1, 3, 2), lambda t, a, b: a.mm(b)),
      RuntimeError, "mat2 must be a matrix"),
    E("mm: float @ double", _pair((2, 3), (3, 2), lambda t, a, b: a.mm(b.double())),
      RuntimeError, "expected m1 and m2 to have the same dtype, but got: float != double"),
    E("mv: size mismatch", _pair((2, 3), (4,), lambda t, a, b: t.mv(a, b)),
      RuntimeError, "size mismatch, got input (2), mat (2x3), vec (4)"),
    E("dot: sizes", _pair((3,), (4,), lambda t, a, b: t.dot(a, b)),
      RuntimeError, "inconsistent tensor size, expected tensor [3] and src [4] to have the same "
                    "number of elements, but got 3 and 4 elements respectively"),
    E("dot: 2-d", _pair((2, 2), (2,), lambda t, a, b: a.dot(b)),
      RuntimeError, "1D tensors expected, but got 2D and 1D tensors"),
    E("dot: float and double", _pair((2,), (2,), lambda t, a, b: a.dot(b.double())),
      RuntimeError, "dot : expected both vectors to have same dtype, but found Float and Double"),
    E("bmm: batch sizes", _pair((2, 2, 3), (3, 3, 4), lambda t, a, b: t.bmm(a, b)),
      RuntimeError, "Expected size for first two dimensions of batch2 tensor to be: [2, 3] but got: "
                    "[3, 3]."),
    E("bmm: 2-d", _pair((2, 3), (2, 3, 4), lambda t, a, b: a.bmm(b)),
      RuntimeError, "batch1 must be a 3D tensor"),

    # -- dims -------------------------------------------------------------------------------
    E("sum: dim 2 of 2-d", _x((2, 3), lambda t, a: a.sum(2)), IndexError, _DIM.format(-2, 1, 2)),
    E("sum: dim -3 of 2-d", _x((2, 3), lambda t, a: t.sum(a, dim=-3)), IndexError, _DIM.format(-2, 1, -3)),
    E("sum: repeated dim", _x((2, 3), lambda t, a: a.sum((1, 1))),
      RuntimeError, "dim 1 appears multiple times in the list of dims"),
    E("mean: dim 1 of 1-d", _x((3,), lambda t, a: a.mean(1)), IndexError, _DIM.format(-1, 0, 1)),
    E("mean: dim 2 of 0-d", _x((), lambda t, a: a.mean(2)), IndexError, _DIM.format(-1, 0, 2)),
    E("sum: dim -2 of 0-d", _x((), lambda t, a: a.sum(-2)), IndexError, _DIM.format(-1, 0, -2)),
    E("sum: dims (0, 5)", _x((2, 3), lambda t, a: a.sum((0, 5))), IndexError, _DIM.format(-2, 1, 5)),
    E("transpose: dim 1 of 0-d", _x((), lambda t, a: a.transpose(0, 1)), IndexError, _DIM.format(-1, 0, 1)),
    E("squeeze: dims (0, 3)", _x((1, 2), lambda t, a: a.squeeze((0, 3))), IndexError, _DIM.format(-2, 1, 3)),
    E("transpose: dim 2 of 2-d", _x((2, 3), lambda t, a: a.transpose(0, 2)),
      IndexError, _DIM.format(-2, 1, 2)),
    E("permute: too few dims", _x((2, 3, 4), lambda t, a: a.permute(0, 1)),
      RuntimeError, "permute(sparse_coo): number of dimensions in the tensor input does not match "
                    "the length of the desired ordering of dimensions i.e. input.dim() = 3 is not "
                    "equal to len(dims) = 2"),
    E("permute: duplicate dims", _x((2, 3), lambda t, a: a.permute(1, 1)),
      RuntimeError, "permute(): duplicate dims are not allowed."),
    E("permute: dim out of range", _x((2, 3), lambda t, a: a.permute(0, 2)),
      IndexError, _DIM.format(-2, 1, 2)),
    E("squeeze: dim 3 of 2-d", _x((2, 1), lambda t, a: a.squeeze(3)), IndexError, _DIM.format(-2, 1, 3)),
    E("unsqueeze: dim 3 of 1-d", _x((2,), lambda t, a: a.unsqueeze(3)), IndexError, _DIM.format(-2, 1, 3)),
    E("unsqueeze: dim -4 of 2-d", _x((2, 3), lambda t, a: t.unsqueeze(a, -4)),
      IndexError, _DIM.format(-3, 2, -4)),
    E("flatten: end dim 5", _x((2, 3), lambda t, a: a.flatten(0, 5)), IndexError, _DIM.format(-2, 1, 5)),
    E("flatten: start after end", _x((2, 3, 4), lambda t, a: a.flatten(2, 1)),
      RuntimeError, "flatten() has invalid args: start_dim cannot come after end_dim"),
    E("size: dim 2 of 2-d", _x((2, 3), lambda t, a: a.size(2)), IndexError, _DIM.format(-2, 1, 2)),
    E("t: 3-d", _x((2, 3, 4), lambda t, a: a.t()),
      RuntimeError, "t() expects a tensor with <= 2 dimensions, but self is 3D"),

    # -- indexing ---------------------------------------------------------------------------
    E("index: 3 of size 3", _x((3,), lambda t, a: a[3]),
      IndexError, "index 3 is out of bounds for dimension 0 with size 3"),
    E("index: -4 of size 3", _x((3,), lambda t, a: a[-4]),
      IndexError, "index -4 is out of bounds for dimension 0 with size 3"),
    E("index: second dim", _x((2, 3), lambda t, a: a[0, 5]),
      IndexError, "index 5 is out of bounds for dimension 1 with size 3"),
    E("index: too many", _x((2, 3), lambda t, a: a[0, 0, 0]),
      IndexError, "too many indices for tensor of dimension 2"),
    E("index: too many, with None and slices", _x((2, 3), lambda t, a: a[None, :, 0, 1]),
      IndexError, "too many indices for tensor of dimension 2"),
    E("index: 0-d", _x((), lambda t, a: a[0]),
      IndexError, "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                  "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number"),
    E("index: float", _x((3,), lambda t, a: a[1.5]),
      IndexError, "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables "
                  "are valid indices (got float)"),
    E("index: float tensor", _x((3,), lambda t, a: a[t.tensor([0.0])]),
      IndexError, "tensors used as indices must be long, int, byte or bool tensors"),
    E("index: list out of range", _x((3,), lambda t, a: a[[0, 3]]),
      IndexError, "index 3 is out of bounds for dimension 0 with size 3"),
    E("index: long tensor out of range", _x((3,), lambda t, a: a[t.tensor([5])]),
      IndexError, "index 5 is out of bounds for dimension 0 with size 3"),
    E("setitem: basic key, value too long", _x((2, 3), lambda t, a: _set(a, 0, t.ones(4)), requires_grad=False),
      RuntimeError, "The expanded size of the tensor (3) must match the existing size (4) at "
                    "non-singleton dimension 0.  Target sizes: [3].  Tensor sizes: [4]"),
    E("setitem: advanced key, value too long",
      _x((2, 3), lambda t, a: _set(a, [0, 1], t.ones(4)), requires_grad=False),
      RuntimeError, "shape mismatch: value tensor of shape [4] cannot be broadcast to indexing "
                    "result of shape [2, 3]"),
    E("setitem: index out of range", _x((3,), lambda t, a: _set(a, 3, 1.0), requires_grad=False),
      IndexError, "index 3 is out of bounds for dimension 0 with size 3"),

    # -- shapes -----------------------------------------------------------------------------
    E("reshape: 6 elements into (4,2)", _x((2, 3), lambda t, a: a.reshape(4, 2)),
      RuntimeError, "shape '[4, 2]' is invalid for input of size 6"),
    E("reshape: two -1", _x((2, 3), lambda t, a: a.reshape(-1, -1)),
      RuntimeError, "only one dimension can be inferred"),
    E("reshape: -1 does not divide", _x((2, 3), lambda t, a: t.reshape(a, (-1, 4))),
      RuntimeError, "shape '[-1, 4]' is invalid for input of size 6"),
    E("view: 6 elements into 5", _x((2, 3), lambda t, a: a.view(5)),
      RuntimeError, "shape '[5]' is invalid for input of size 6"),
    E("view: 2-d into 3", _x((2, 2), lambda t, a: a.view(3)),
      RuntimeError, "shape '[3]' is invalid for input of size 4"),
    E("view: non-contiguous", _x((2, 3), lambda t, a: a.t().view(6)),
      RuntimeError, "view size is not compatible with input tensor's size and stride (at least one "
                    "dimension spans across two contiguous subspaces). Use .reshape(...) instead."),
    E("expand: non-singleton dim", _x((2, 3), lambda t, a: a.expand(3, 3)),
      RuntimeError, "The expanded size of the tensor (3) must match the existing size (2) at "
                    "non-singleton dimension 0.  Target sizes: [3, 3].  Tensor sizes: [2, 3]"),
    E("expand: fewer sizes", _x((2, 3), lambda t, a: a.expand(3)),
      RuntimeError, "expand(torch.FloatTensor{[2, 3]}, size=[3]): the number of sizes provided (1) "
                    "must be greater or equal to the number of dimensions in the tensor (2)"),
    E("expand: -1 in a new leading dim", _x((3,), lambda t, a: a.expand(-1, 3)),
      RuntimeError, "The expanded size of the tensor (-1) isn't allowed in a leading, non-existing "
                    "dimension 0"),

    # -- dtypes and conversions -----------------------------------------------------------------
    E("mean: of ints", _x((3,), lambda t, a: a.mean(), dtype="int64", requires_grad=False, grad=False),
      RuntimeError, "mean(): could not infer output dtype. Input dtype must be either a floating point "
                    "or complex dtype. Got: Long"),
    E("numpy: requires grad", _x((3,), lambda t, a: a.numpy()),
      RuntimeError, "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                    "instead."),
    E("item: 3 elements", _x((3,), lambda t, a: a.item()),
      RuntimeError, "a Tensor with 3 elements cannot be converted to Scalar"),
    E("item: no elements", _one(lambda t: (t.zeros(0),), lambda t, a: a.item()),
      RuntimeError, "a Tensor with 0 elements cannot be converted to Scalar"),
    E("float(): 2 elements", _x((2,), lambda t, a: float(a)),
      ValueError, "only one element tensors can be converted to Python scalars"),
    E("bool(): 2 elements", _x((2,), lambda t, a: bool(a)),
      RuntimeError, "Boolean value of Tensor with more than one value is ambiguous"),
    E("len: 0-d", _x((), lambda t, a: len(a)), TypeError, "len() of a 0-d tensor"),
    E("iter: 0-d", _x((), lambda t, a: iter(a)), TypeError, "iteration over a 0-d tensor"),
    E("bool - bool", _one(lambda t: (t.tensor([True]), t.tensor([False])), lambda t, a, b: a - b),
      RuntimeError, "Subtraction, the `-` operator, with two bool tensors is not supported. Use the "
                    "`^` or `logical_xor()` operator instead."),
    E("torch.sub(bool, bool)", _one(lambda t: (t.tensor([True]), t.tensor([False])),
                                    lambda t, a, b: t.sub(a, b)),
      RuntimeError, "Subtraction, the `-` operator, with two bool tensors is not supported. Use the "
                    "`^` or `logical_xor()` operator instead."),
    E("-bool", _one(lambda t: (t.tensor([True, False]),), lambda t, a: -a),
      RuntimeError, "Negation, the `-` operator, on a bool tensor is not supported. If you are trying "
                    "to invert a mask, use the `~` or `logical_not()` operator instead."),
    E("int ** negative int", _one(lambda t: (t.tensor([2, 3]),), lambda t, a: a ** -1),
      RuntimeError, "Integers to negative integer powers are not allowed."),
    E("torch.pow(int, negative int)", _one(lambda t: (t.tensor([2, 3]),), lambda t, a: t.pow(a, -2)),
      RuntimeError, "Integers to negative integer powers are not allowed."),
    E("requires_grad = True on ints", _one(lambda t: (t.tensor([1, 2]),),
                                           lambda t, a: setattr(a, "requires_grad", True)),
      RuntimeError, "only Tensors of floating point and complex dtype can require gradients"),
    E("requires_grad_() on ints", _one(lambda t: (t.tensor([1, 2]),), lambda t, a: a.requires_grad_()),
      RuntimeError, "only Tensors of floating point dtype can require gradients"),
    E("zeros(int64, requires_grad)", _new(lambda t: t.zeros(2, dtype=t.int64, requires_grad=True)),
      RuntimeError, "Only Tensors of floating point and complex dtype can require gradients"),
    E("add: a string", _x((2,), lambda t, a: a + "s"),
      TypeError, "unsupported operand type(s) for +: 'Tensor' and 'str'"),
    E("mul_: a string", _x((2,), lambda t, a: a.mul_("s"), requires_grad=False),
      TypeError, "mul_(): argument 'other' (position 1) must be Tensor, not str"),

    # -- autograd bookkeeping --------------------------------------------------------------------
    E("add_ on a leaf requiring grad", _x((3,), lambda t, a: a.add_(1)),
      RuntimeError, "a leaf Variable that requires grad is being used in an in-place operation."),
    E("setitem on a leaf requiring grad", _x((3,), lambda t, a: _set(a, 0, 1.0)),
      RuntimeError, "a view of a leaf Variable that requires grad is being used in an in-place "
                    "operation."),
    E("copy_ into a leaf requiring grad", _pair((3,), (3,), lambda t, a, b: a.copy_(b)),
      RuntimeError, "a leaf Variable that requires grad is being used in an in-place operation."),
    E("backward: non-scalar", _x((3,), lambda t, a: (a * 2).backward()),
      RuntimeError, "grad can be implicitly created only for scalar outputs"),
    E("backward: no grad_fn", _x((3,), lambda t, a: a.sum().backward(), requires_grad=False, grad=False),
      RuntimeError, "element 0 of tensors does not require grad and does not have a grad_fn"),
    E("backward: gradient shape", _x((3,), lambda t, a: (a * 2).backward(t.ones(2))),
      RuntimeError, "Mismatch in shape: grad_output[0] has a shape of torch.Size([2]) and output[0] "
                    "has a shape of torch.Size([3])."),
    E("grad: unused input", _one(lambda t: (_mk(t, 3, requires_grad=True), _mk(t, 3, requires_grad=True)),
                                 lambda t, a, b: t.autograd.grad((a * 2).sum(), [a, b])),
      RuntimeError, "The differentiated Tensor at index 1 appears to not have been used in the graph. "
                    "Set allow_unused=True if this is the desired behavior."),
    E("grad: input not requiring grad", _pair((3,), (3,), lambda t, a, b: t.autograd.grad((a * 2).sum(), [b])),
      RuntimeError, "One of the differentiated Tensors does not require grad"),
    E("retain_grad without requires_grad", _x((3,), lambda t, a: a.retain_grad(), requires_grad=False),
      RuntimeError, "can't retain_grad on Tensor that has requires_grad=False"),
    E("requires_grad = False on a non-leaf",
      _x((3,), lambda t, a: setattr(a * 2, "requires_grad", False)),
      RuntimeError, "you can only change requires_grad flags of leaf variables. If you want to use a "
                    "computed variable in a subgraph that doesn't require differentiation use "
                    "var_no_grad = var.detach()."),
    E(".grad = wrong shape", _x((3,), lambda t, a: setattr(a, "grad", t.zeros(2))),
      RuntimeError, "attempting to assign a gradient of size '[2]' to a tensor of size '[3]'. Please "
                    "ensure that the gradient and the tensor are the same size"),
    E(".grad = another dtype", _x((3,), lambda t, a: setattr(a, "grad", t.zeros(3, dtype=t.float64))),
      RuntimeError, "attempting to assign a gradient with dtype 'double' to a tensor with grad_dtype "
                    "'Float'. The gradient must match the tensor's grad_dtype (defaults to the "
                    "tensor's dtype). You can set the tensor's grad_dtype attribute with a specific "
                    "dtype, or None to allow any dtype. Set grad_dtype with caution. Diverging the "
                    "dtypes of a tensor and its gradient may break downstream systems that assume "
                    "they match."),
    E("requires_grad = True on a non-leaf",
      _x((3,), lambda t, a: setattr(a * 2, "requires_grad", True)),
      RuntimeError, "you can only change requires_grad flags of leaf variables."),
    E(".data = an int tensor", _x((3,), lambda t, a: setattr(a, "data", t.tensor([1, 2, 3]))),
      RuntimeError, "data set to a tensor that requires gradients must be floating point or complex "
                    "dtype"),
    E("backward: inputs=[]", _x((3,), lambda t, a: (a * a).sum().backward(inputs=[])),
      RuntimeError, "`inputs` argument to `backward()` cannot be empty."),
    E("grad: inputs=[]", _x((3,), lambda t, a: t.autograd.grad((a * a).sum(), [])),
      RuntimeError, "`inputs` argument to `grad()` cannot be empty."),
    E("grad: output does not require grad", _x((3,), lambda t, a: t.autograd.grad(a.sum(), a),
                                               requires_grad=False, grad=False),
      RuntimeError, "element 0 of tensors does not require grad and does not have a grad_fn"),
    E("grad: 2 outputs, 1 grad_output",
      _x((3,), lambda t, a: t.autograd.grad([a.sum(), a.sum()], a, [t.tensor(1.0)])),
      RuntimeError, "got 2 tensors and 1 gradients"),
    E("grad: materialize_grads with allow_unused=False",
      _x((3,), lambda t, a: t.autograd.grad(a.sum(), a, allow_unused=False, materialize_grads=True)),
      ValueError, "Expected allow_unused to be True or not passed when materialize_grads=True, but "
                  "got: allow_unused=False."),
    E("grad: through a freed graph", _x((3,), lambda t, a: _twice(t, (a * a).sum(), a)),
      RuntimeError, "Trying to backward through the graph a second time (or directly access saved "
                    "tensors after they have already been freed). Saved intermediate values of the "
                    "graph are freed when you call .backward() or autograd.grad(). Specify "
                    "retain_graph=True if you need to backward through the graph a second time or if "
                    "you need to access saved tensors after calling backward."),
    E("backward: a saved tensor modified in place", _x((3,), lambda t, a: _modified_saved(a)),
      RuntimeError, "one of the variables needed for gradient computation has been modified by an "
                    "inplace operation: [torch.FloatTensor [3]], which is output 0 of Exp, "
                    "is at version 1; expected version 0 instead. Hint: enable anomaly detection to "
                    "find the operation that failed to compute its gradient, with "
                    "torch.autograd.set_detect_anomaly(True, check_nan=False)."),
    E(".grad = a list", _x((3,), lambda t, a: setattr(a, "grad", [0.0, 0.0, 0.0])),
      TypeError, "assigned grad expected to be a Tensor or None but got grad of type list"),
]


def _snapshot(t):
    """Everything about ``t`` a failed op must not change."""
    grad = t.grad
    return (t.detach().clone().numpy().copy(), tuple(t.shape), t.dtype, t.requires_grad, grad,
            None if grad is None else grad.detach().clone().numpy().copy(), t._version)


def _tensors(inputs, t):
    return [x for x in inputs if isinstance(x, t.Tensor)]


def check_case(case: ErrorCase, t) -> None:
    """Run ``case`` with module ``t``: its exception and message, and nothing changed."""
    inputs, action = case.call(t)
    tensors = _tensors(inputs, t)
    before = [_snapshot(x) for x in tensors]
    with pytest.raises(Exception) as info:
        action()
    err = info.value
    assert type(err) is case.exc, f"{type(err).__name__}: {err}"
    first = str(err).split("\n")[0] if str(err) else ""
    assert first == case.message
    for x, b in zip(tensors, before):
        a = _snapshot(x)
        np.testing.assert_array_equal(a[0], b[0])
        assert a[1:4] == b[1:4]
        assert a[4] is b[4], ".grad was replaced"
        if b[5] is not None:
            np.testing.assert_array_equal(a[5], b[5])
        assert a[6] == b[6], f"_version went from {b[6]} to {a[6]}"


# rows chainrule still gets wrong (each listed in the bug report): description -> reason
KNOWN_BUGS: dict[str, str] = {}

_IDS = [c.description for c in ERROR_CASES]


@pytest.mark.parametrize("case", [
    pytest.param(c, marks=pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[c.description]))
    if c.description in KNOWN_BUGS else c for c in ERROR_CASES], ids=_IDS)
def test_error(case: ErrorCase) -> None:
    check_case(case, chainrule)


def test_table_is_well_formed() -> None:
    assert len(set(_IDS)) == len(_IDS), "descriptions must be unique"
    for c in ERROR_CASES:
        assert issubclass(c.exc, Exception) and c.message, c.description
