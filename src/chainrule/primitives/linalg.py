"""Matrix-product primitives (``matmul`` composes them the way PyTorch does)."""
from __future__ import annotations

from ._primitive import primitive


def _mT(a, xp):
    return xp.swapaxes(a, -1, -2)


@primitive("MmBackward0")
def mm(xp, x, y):
    return xp.matmul(x, y)


mm.defvjp(x=lambda g, y, xp: xp.matmul(g, _mT(y, xp)),
          y=lambda g, x, xp: xp.matmul(_mT(x, xp), g))


@primitive("BmmBackward0")
def bmm(xp, x, y):
    return xp.matmul(x, y)


bmm.defvjp(x=lambda g, y, xp: xp.matmul(g, _mT(y, xp)),
           y=lambda g, x, xp: xp.matmul(_mT(x, xp), g))


@primitive("MvBackward0")
def mv(xp, x, y):
    return xp.matmul(x, y)


mv.defvjp(x=lambda g, y, xp: xp.outer(g, y),
          y=lambda g, x, xp: xp.matmul(g, x))


@primitive("DotBackward0")
def dot(xp, x, y):
    return xp.matmul(x, y)


dot.defvjp(x=lambda g, y: g * y,
           y=lambda g, x: g * x)
