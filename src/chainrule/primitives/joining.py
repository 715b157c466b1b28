"""Joining and rearranging primitives: cat/stack and their inverses (split, unbind),
repeat, flip, roll, rot90, triangles and diagonals.

Each op's rule moves the gradient back into the input's layout: the adjoint of a
join is a split, of a permutation of elements the inverse permutation, of a
copy-to-many (repeat) a sum. Dims are non-negative here (``axis``), checked at
the public edge.
"""
from __future__ import annotations

from ._primitive import primitive


def _at(axis: int, item) -> tuple:
    """The index tuple that applies ``item`` to dim ``axis`` (all earlier dims whole)."""
    return (slice(None),) * axis + (item,)


# -- joins and their inverses ----------------------------------------------------------------


@primitive("CatBackward0")
def cat(xp, *xs, axis, sizes):
    # PyTorch skips 1-D empty inputs whatever their rank (their size is None here)
    return xp.concatenate([x for x, n in zip(xs, sizes) if n is not None], axis=axis)


def _cat_grads(g, axis, sizes, xp):
    """Each input's slice of ``g`` along ``axis``; a skipped empty input gets shape (0,)."""
    grads, start = [], 0
    for n in sizes:
        if n is None:
            grads.append(xp.reshape(g[_at(axis, slice(0, 0))], (0,)))
        else:
            grads.append(g[_at(axis, slice(start, start + n))])
            start += n
    return grads


cat.defvjp(joint=_cat_grads)
cat.defjvp("linear")
cat.defformula(xs="g cut back into the pieces along axis")


@primitive("StackBackward0")
def stack(xp, *xs, axis):
    return xp.stack(xs, axis=axis)


# input i is the slice at position i of the new dim (Ellipsis: a 0-d view, not a scalar)
stack.defvjp(joint=lambda g, axis: [g[_at(axis, i) + (Ellipsis,)] for i in range(g.shape[axis])])
stack.defjvp("linear")
stack.defformula(xs="g unstacked along axis")


def _splitting(grad_fn: str, name: str):
    """A view primitive cutting ``x`` along ``axis`` into pieces of ``sizes``."""
    def forward(xp, x, *, axis, sizes):
        pieces, start = [], 0
        for n in sizes:
            pieces.append(x[_at(axis, slice(start, start + n))])
            start += n
        return tuple(pieces)
    forward.__name__ = name
    prim = primitive(grad_fn, view=True, dtype=None, multi_output=True)(forward)
    return prim.defvjp(x=lambda g, axis, xp: xp.concatenate(g, axis=axis)).defjvp("linear")


split = _splitting("SplitBackward0", "split")
split.defformula(x="cat(g, axis)")
split_with_sizes = _splitting("SplitWithSizesBackward0", "split_with_sizes")
split_with_sizes.defformula(x="cat(g, axis)")


@primitive("UnbindBackward0", view=True, dtype=None, multi_output=True)
def unbind(xp, x, *, axis):
    return tuple(x[_at(axis, i) + (Ellipsis,)] for i in range(x.shape[axis]))


unbind.defvjp(x=lambda g, axis, xp: xp.stack(g, axis=axis))
unbind.defjvp("linear")
unbind.defformula(x="stack(g, axis)")

# -- copies that rearrange or repeat elements --------------------------------------------------


@primitive("RepeatBackward0", dtype=None)
def repeat(xp, x, *, reps):
    return xp.tile(x, reps)


def _repeat_grad(g, x_shape, reps, xp):
    """Sum the copies: view g as (r0, s0, r1, s1, ...), move the r's first, sum them away."""
    sizes = (1,) * (len(reps) - len(x_shape)) + tuple(x_shape)
    g = xp.reshape(g, tuple(d for pair in zip(reps, sizes) for d in pair))
    n = len(reps)
    g = xp.transpose(g, tuple(range(0, 2 * n, 2)) + tuple(range(1, 2 * n, 2)))
    return xp.sum_to(g, tuple(x_shape))


repeat.defvjp(x=_repeat_grad)
repeat.defjvp("linear")
repeat.defformula(x="g summed over the repeats")


@primitive("FlipBackward0", dtype=None)
def flip(xp, x, *, axis):
    return xp.flip(x, axis=axis).copy()  # PyTorch's flip is a copy, NumPy's a view


flip.defvjp(x=lambda g, axis, xp: xp.flip(g, axis=axis))  # a flip is its own inverse
flip.defjvp("linear")
flip.defformula(x="flip(g, axis)")


@primitive("RollBackward0", dtype=None)
def roll(xp, x, *, shift, axis):
    return xp.roll(x, shift, axis=axis)


roll.defvjp(x=lambda g, shift, axis, xp: xp.roll(g, tuple(-s for s in shift), axis=axis))
roll.defjvp("linear")
roll.defformula(x="roll(g, -shift, axis)")


@primitive("Rot90Backward0", dtype=None)
def rot90(xp, x, *, k, axes):
    return xp.rot90(x, k, axes=axes).copy()


rot90.defvjp(x=lambda g, k, axes, xp: xp.rot90(g, -k, axes=axes))
rot90.defjvp("linear")
rot90.defformula(x="rot90(g, -k, axes)")

# -- triangles and diagonals -------------------------------------------------------------------


@primitive("TrilBackward0", dtype=None)
def tril(xp, x, *, k):
    return xp.tril(x, k)


tril.defvjp(x=lambda g, k, xp: g - xp.triu(g, k + 1))  # the lower triangle is all but the upper
tril.defjvp("linear")
tril.defformula(x="tril(g, k)")


@primitive("TriuBackward0", dtype=None)
def triu(xp, x, *, k):
    return xp.triu(x, k)


triu.defvjp(x=lambda g, k, xp: xp.triu(g, k))
triu.defjvp("linear")
triu.defformula(x="triu(g, k)")

# ``key``: index arrays locating the diagonal's elements in the (larger) array, in the
# diagonal's own shape: the other dims in order, then the diagonal (built at the public edge)


@primitive("DiagonalBackward0", view=True, dtype=None)
def diagonal(xp, x, *, offset, axis1, axis2, key):
    d = x.diagonal(offset, axis1, axis2)
    if x.flags.writeable:  # NumPy's diagonal view is read-only; PyTorch's is writable
        d.flags.writeable = True
    return d


diagonal.defvjp(x=lambda g, x_shape, key, xp: xp.embed(g, x_shape, key))
diagonal.defjvp("linear")
diagonal.defformula(x="g placed back on the diagonal")


@primitive("DiagonalBackward0_copy", dtype=None)
def diagonal_copy(xp, x, *, key):
    return x[key]


diagonal_copy.defvjp(x=lambda g, x_shape, key, xp: xp.embed(g, x_shape, key))
diagonal_copy.defjvp("linear")
diagonal_copy.defformula(x="g placed back on the diagonal")


@primitive("DiagEmbedBackward0", dtype=None)
def diag_embed(xp, x, *, shape, key):
    return xp.embed(x, shape, key)


diag_embed.defvjp(x=lambda g, key: g[key])
diag_embed.defjvp("linear")
diag_embed.defformula(x="diagonal of g")
