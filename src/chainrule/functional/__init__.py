"""``torch.*`` functions: signatures, validation, promotion and composites.

This package also binds the composite Tensor methods from one table
(``TENSOR_METHODS``), since ``_tensor.py`` may not import upward.
"""
from __future__ import annotations

from .._tensor import Tensor
from . import _xp, creation, indexing, math, shape
from .creation import (Generator, arange, as_tensor, default_generator, empty, empty_like, eye,
                       from_numpy, full, full_like, initial_seed, linspace, manual_seed, ones,
                       ones_like, rand, rand_like, randint, randint_like, randn, randn_like,
                       tensor, zeros, zeros_like)
from .math import (abs, add, bmm, clone, cos, div, dot, exp, log, matmul, mean, mm, mul, mv,
                   neg, pow, reciprocal, relu, rsub, sigmoid, sign, sin, sqrt, sub, sum, tanh)
from .shape import (expand, expand_as, flatten, permute, reshape, squeeze, t, transpose,
                    unsqueeze, view)
from ..autograd import node as _node

_node.diff_namespace = _xp

#: Tensor method name -> function taking the tensor first (PyTorch's method surface).
TENSOR_METHODS = {
    "sum": math.sum, "mean": math.mean, "matmul": math.matmul, "__matmul__": math.matmul,
    "mm": math.mm, "bmm": math.bmm, "mv": math.mv, "dot": math.dot, "clone": math.clone,
    "contiguous": math.contiguous, "to": math.to, "float": math.float_, "double": math.double,
    "half": math.half, "long": math.long, "int": math.int_, "short": math.short,
    "bool": math.bool_, "byte": math.byte, "char": math.char, "type_as": math.type_as,
    "__neg__": math.neg, "neg": math.neg, "__sub__": None, "pow": math.pow,
    "add": math.add, "sub": math.sub, "mul": math.mul, "div": math.div,
    "reshape": shape.reshape, "view": shape.view, "flatten": shape.flatten,
    "transpose": shape.transpose, "t": shape.t, "permute": shape.permute,
    "squeeze": shape.squeeze, "unsqueeze": shape.unsqueeze, "expand": shape.expand,
    "expand_as": shape.expand_as, "__getitem__": indexing.getitem,
    "__setitem__": indexing.setitem, "abs": math.abs,
}
TENSOR_PROPERTIES = {"T": shape.T, "mT": shape.mT}


def _sub_method(self: Tensor, other):
    """``self - other``: bool tensors refuse, other operands as ``__sub__``."""
    if getattr(other, "_dtype", None) is not None:
        return math.sub_checked(self, other)
    return _plain_sub(self, other)


_plain_sub = Tensor.__sub__
TENSOR_METHODS["__sub__"] = _sub_method
for _name, _fn in TENSOR_METHODS.items():
    setattr(Tensor, _name, _fn)
for _name, _fn in TENSOR_PROPERTIES.items():
    setattr(Tensor, _name, property(_fn, doc=_fn.__doc__))

__all__ = [
    "Generator", "abs", "add", "arange", "as_tensor", "bmm", "clone", "cos",
    "default_generator", "div", "dot", "empty", "empty_like", "exp", "expand", "expand_as",
    "eye", "flatten", "from_numpy", "full", "full_like", "initial_seed", "linspace", "log",
    "manual_seed", "matmul", "mean", "mm", "mul", "mv", "neg", "ones", "ones_like", "permute",
    "pow", "rand", "rand_like", "randint", "randint_like", "randn", "randn_like",
    "reciprocal", "relu", "reshape", "rsub", "sigmoid", "sign", "sin", "sqrt", "squeeze",
    "sub", "sum", "t", "tanh", "tensor", "transpose", "unsqueeze", "view", "zeros",
    "zeros_like",
]
