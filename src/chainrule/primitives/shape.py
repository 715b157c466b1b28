"""Shape primitives: views that reshape, reorder or broadcast without copying.

Their rules only move the gradient back into the input's layout.
"""
from __future__ import annotations

from ._primitive import primitive


def _back_to_shape(g, x_shape, xp):
    """Every reshape-like view's rule: the gradient in the input's shape."""
    return xp.reshape(g, x_shape)


def _reshaping(grad_fn: str, name: str, view: bool = True):
    """A primitive that is a reshape to ``shape`` (computed at the public edge)."""
    def forward(xp, x, *, shape):
        return xp.reshape(x, shape)
    forward.__name__ = name
    return primitive(grad_fn, view=view, dtype=None)(forward).defvjp(x=_back_to_shape).defjvp("linear")


view = _reshaping("ViewBackward0", "view")
view.defformula(x="reshape(g, x_shape)")
# _unsafe_view's result is not a view to autograd (PyTorch: its _base is None)
unsafe_view = _reshaping("UnsafeViewBackward0", "unsafe_view", view=False)
unsafe_view.defformula(x="reshape(g, x_shape)")
reshape_alias = _reshaping("ReshapeAliasBackward0", "reshape_alias")  # reshape of a strided view
reshape_alias.defformula(x="reshape(g, x_shape)")
squeeze = _reshaping("SqueezeBackward0", "squeeze")
squeeze.defformula(x="reshape(g, x_shape)")
squeeze_dim = _reshaping("SqueezeBackward1", "squeeze_dim")
squeeze_dim.defformula(x="reshape(g, x_shape)")
squeeze_dims = _reshaping("SqueezeBackward2", "squeeze_dims")
squeeze_dims.defformula(x="reshape(g, x_shape)")
unsqueeze = _reshaping("UnsqueezeBackward0", "unsqueeze")
unsqueeze.defformula(x="reshape(g, x_shape)")
squeeze_inplace_dim = _reshaping("SqueezeBackward4", "squeeze_inplace_dim")  # matmul's squeeze_
squeeze_inplace_dim.defformula(x="reshape(g, x_shape)")


def _swapped(ndim: int, dim0: int, dim1: int) -> tuple:
    """The permutation that swaps ``dim0`` and ``dim1`` (the empty one for a 0-d tensor)."""
    axes = list(range(ndim))
    if ndim:
        axes[dim0], axes[dim1] = axes[dim1], axes[dim0]
    return tuple(axes)


@primitive("TransposeBackward0", view=True, dtype=None)
def transpose(xp, x, *, dim0, dim1):
    return xp.transpose(x, _swapped(x.ndim, dim0, dim1))  # swapaxes refuses 0-d arrays


# a swap is its own inverse
transpose.defvjp(x=lambda g, x_shape, dim0, dim1, xp: xp.transpose(g, _swapped(len(x_shape), dim0, dim1)))
transpose.defjvp("linear")
transpose.defformula(x="transpose(g, dim0, dim1)")


@primitive("TBackward0", view=True, dtype=None)
def t(xp, x):
    return xp.transpose(x)


t.defvjp(x=lambda g, xp: xp.transpose(g))
t.defjvp("linear")
t.defformula(x="g.T")


@primitive("PermuteBackward0", view=True, dtype=None)
def permute(xp, x, *, dims):
    return xp.transpose(x, dims)


# the inverse permutation puts each axis back where it came from
permute.defvjp(x=lambda g, dims, xp: xp.transpose(
    g, tuple(sorted(range(len(dims)), key=dims.__getitem__))))
permute.defjvp("linear")
permute.defformula(x="permute(g, inverse of dims)")


@primitive("ExpandBackward0", view=True, dtype=None)
def expand(xp, x, *, shape):
    return xp.broadcast_to(x, shape)


expand.defvjp(x=lambda g: g)  # the node sums the broadcast dims back
expand.defjvp("linear")
expand.defformula(x="g summed over the expanded dims")


@primitive("AliasBackward0", view=True, dtype=None)
def alias(xp, x):
    return x.view()


alias.defvjp(x=lambda g: g)
alias.defjvp("linear")
alias.defformula(x="1")
