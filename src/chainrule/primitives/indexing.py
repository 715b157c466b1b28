"""Indexing primitives: basic indexing views (select, slice) and advanced indexing.

``key`` is a full NumPy index tuple built at the public edge. The gradient of
reading ``x[key]`` is ``g`` placed back at ``key`` in zeros of ``x``'s shape.
"""
from __future__ import annotations

from ._primitive import primitive


@primitive("SelectBackward0", view=True, dtype=None)
def select(xp, x, *, key):
    return x[key + (Ellipsis,)]  # the Ellipsis keeps a 0-d result a view, not a copy


select.defvjp(x=lambda g, x_shape, key, xp: xp.embed(g, x_shape, key))
select.defjvp("linear")
select.defformula(x="g placed back at the selected index")


@primitive("SliceBackward0", view=True, dtype=None)
def slice(xp, x, *, key):
    return x[key]


slice.defvjp(x=lambda g, x_shape, key, xp: xp.embed(g, x_shape, key))
slice.defjvp("linear")
slice.defformula(x="g placed back in the slice")


@primitive("IndexBackward0", dtype=None, saved_attrs=("key",))
def index(xp, x, *, key):
    return x[key]


# repeated indices read the same element several times: their gradients add up
index.defvjp(x=lambda g, x_shape, key, xp: xp.accumulate_into(g, x_shape, key))
index.defjvp("linear")
index.defformula(x="g added back at the indexed positions")


@primitive("AsStridedBackward0", dtype=None)
def as_strided(xp, x, *, key):
    return x[key]


# a view's elements, located in its base by index arrays (after an in-place write)
as_strided.defvjp(x=lambda g, x_shape, key, xp: xp.accumulate_into(g, x_shape, key))
as_strided.defjvp("linear")
as_strided.defformula(x="g added back at the strided positions")


@primitive("SliceBackwardBackward0", dtype=None)
def embed(xp, g, *, shape, key):
    return xp.embed(g, shape, key)


embed.defvjp(g=lambda g, key: g[key])
embed.defjvp("linear")
embed.defformula(g="g read back at key")


@primitive("IndexBackwardBackward0", dtype=None)
def accumulate_into(xp, g, *, shape, key):
    return xp.accumulate_into(g, shape, key)


accumulate_into.defvjp(g=lambda g, key: g[key])
accumulate_into.defjvp("linear")
accumulate_into.defformula(g="g read back at key")


def _put(grad_fn: str, name: str):
    """``x`` with ``x[key] = value``, out of place (in-place writes copy it back)."""
    def forward(xp, x, value, *, key):
        return xp.put_key(x, key, value)
    forward.__name__ = name
    return primitive(grad_fn, dtype=None)(forward).defvjp(
        x=lambda g, key, xp: xp.embed_zero(g, key),
        value=lambda g, key: g[key]).defjvp("linear")


copy_slices = _put("torch::autograd::CopySlices", "copy_slices")
copy_slices.defformula(x="g with the written slice zeroed", value="g in the written slice")
index_put = _put("IndexPutBackward0", "index_put")
index_put.defformula(x="g with the written positions zeroed", value="g at the written positions")
