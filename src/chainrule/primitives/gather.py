"""Gather and scatter primitives: reading elements at index positions, writing or adding
values at them, and scatter_reduce.

The public edge turns each op's (dim, index) or mask into ``key``: a NumPy index tuple
locating, in the (broadcast) input of ``shape``, the element each output element reads
(gather, index_select, take, masked_select) or each source element goes to (scatter,
index_copy, index_add, masked_scatter, ...). ``src_key`` picks the source elements
that take part (a scatter may use only a corner of its ``src``). So every rule is one
move of ``g`` through the key: reading is adjoint to adding back at the key
(repeated indices sum), writing to reading at the key.
"""
from __future__ import annotations

import math

from ._primitive import primitive

# -- reading: out = x[key] ---------------------------------------------------------------------


def _reading(grad_fn: str, name: str):
    """``x`` (broadcast to ``shape``) read at ``key``; PyTorch saves the index."""
    def forward(xp, x, *, shape, key):
        return xp.broadcast_to(x, shape)[key]
    forward.__name__ = name
    prim = primitive(grad_fn, dtype=None, saved_attrs=("key",))(forward)
    # the node sums a broadcast input's gradient back to its shape
    return prim.defvjp(x=lambda g, shape, key, xp: xp.accumulate_into(g, shape, key)).defjvp("linear")


gather = _reading("GatherBackward0", "gather")
gather.defformula(x="g added back at the gathered positions")
index_select = _reading("IndexSelectBackward0", "index_select")
index_select.defformula(x="g added back at the selected indices")
take = _reading("TakeBackward0", "take")
take.defformula(x="g added back at the taken positions")
masked_select = _reading("MaskedSelectBackward0", "masked_select")
masked_select.defformula(x="g placed back where mask is True")

# -- writing: out = x with out[key] = src[src_key] -----------------------------------------------


def _writing(grad_fn: str, name: str):
    """``x`` (broadcast to ``shape``) with the chosen ``src`` elements written at ``key``."""
    def forward(xp, x, src, *, shape, key, src_key):
        return xp.put_key(xp.broadcast_to(x, shape), key, src[src_key])
    forward.__name__ = name
    prim = primitive(grad_fn, dtype=None, saved_attrs=("key",))(forward)
    # overwritten elements of x get no gradient; each src element, g where it landed
    return prim.defvjp(x=lambda g, key, xp: xp.embed_zero(g, key),
                       src=lambda g, src_shape, key, src_key, xp: xp.embed(g[key], src_shape, src_key)
                       ).defjvp("linear")


scatter = _writing("ScatterBackward0", "scatter")
scatter.defformula(x="g with the overwritten positions zeroed", src="g at the positions src was written to")
index_copy = _writing("IndexCopyBackward0", "index_copy")
index_copy.defformula(x="g with the overwritten positions zeroed",
                      src="g at the positions src was written to")
masked_scatter = _writing("MaskedScatterBackward0", "masked_scatter")
masked_scatter.defformula(x="g with the overwritten positions zeroed",
                          src="g at the positions src was written to")

# -- adding: out = x + alpha * (src[src_key] summed at key) -------------------------------------


def _adding(grad_fn: str, name: str):
    """``x`` plus ``alpha`` times the chosen ``src`` elements, added at ``key`` (repeats sum)."""
    def forward(xp, x, src, *, key, src_key, alpha):
        return x + alpha * xp.accumulate_into(src[src_key], x.shape, key)
    forward.__name__ = name
    prim = primitive(grad_fn, dtype=None, saved_attrs=("key",))(forward)
    return prim.defvjp(
        x=lambda g: g,
        src=lambda g, src_shape, key, src_key, alpha, xp: xp.embed(
            g[key] if alpha == 1 else g[key] * alpha, src_shape, src_key)).defjvp("linear")


scatter_add = _adding("ScatterAddBackward0", "scatter_add")
scatter_add.defformula(x="g", src="alpha * g at the positions src was added to")
index_add = _adding("IndexAddBackward0", "index_add")
index_add.defformula(x="g", src="alpha * g at the positions src was added to")

# -- filling: out = x (broadcast to shape) with out[key] = value --------------------------------


def _filling(grad_fn: str, name: str):
    """``x`` with the number ``value`` written at ``key``."""
    def forward(xp, x, *, shape, key, value):
        return xp.put_key(xp.broadcast_to(x, shape), key, value)
    forward.__name__ = name
    prim = primitive(grad_fn, dtype=None, saved_attrs=("key",))(forward)
    # the written number is a constant: its tangent is zero
    return prim.defvjp(x=lambda g, key, xp: xp.embed_zero(g, key)).defjvp("affine", value=0)


def _filling_tensor(grad_fn: str, name: str):
    """``x`` with the 0-d tensor ``value`` written at ``key``."""
    def forward(xp, x, value, *, shape, key):
        return xp.put_key(xp.broadcast_to(x, shape), key, value)
    forward.__name__ = name
    prim = primitive(grad_fn, dtype=None, saved_attrs=("key",))(forward)
    # every written element took the one value: its gradient is their sum (done by the node)
    return prim.defvjp(x=lambda g, key, xp: xp.embed_zero(g, key),
                       value=lambda g, key: g[key]).defjvp("linear")


scatter_value = _filling("ScatterBackward1", "scatter_value")
scatter_value.defformula(x="g with the filled positions zeroed")
index_fill = _filling("IndexFillBackward0", "index_fill")
index_fill.defformula(x="g with the filled positions zeroed")
masked_fill = _filling("MaskedFillBackward0", "masked_fill")
masked_fill.defformula(x="g with the filled positions zeroed")
index_fill_tensor = _filling_tensor("IndexFillBackward1", "index_fill_tensor")
index_fill_tensor.defformula(x="g with the filled positions zeroed",
                             value="sum of g over the filled positions")
masked_fill_tensor = _filling_tensor("MaskedFillBackward1", "masked_fill_tensor")
masked_fill_tensor.defformula(x="g with the filled positions zeroed",
                              value="sum of g over the filled positions")

# -- scatter_reduce ------------------------------------------------------------------------------
# ``hit``: the elements of x some src element reduces into; ``count``: how many values each
# element of the result reduced (x's own included when include_self; at least 1)

_UFUNC = {"sum": "add", "mean": "add", "prod": "multiply", "amax": "maximum", "amin": "minimum"}


def _identity(xp, reduce: str, dtype):
    """The value an excluded self starts from: the reduction's neutral element."""
    if reduce in ("sum", "mean"):
        return 0
    if reduce == "prod":
        return 1
    low, high = (-math.inf, math.inf) if dtype.kind == "f" else (xp.iinfo(dtype).min, xp.iinfo(dtype).max)
    return low if reduce == "amax" else high


@primitive("ScatterReduceBackward0", dtype=None, saved_attrs=("key",))
def scatter_reduce(xp, x, src, *, key, src_key, reduce, include_self, hit, count):
    out = xp.array(x, copy=True)
    if not include_self:
        out[key] = _identity(xp, reduce, x.dtype)
    getattr(xp, _UFUNC[reduce]).at(out, key, src[src_key])
    if reduce == "mean":
        out = out // count if x.dtype.kind in "iub" else out / count
    return out.astype(x.dtype, copy=False)


def _product_of_others(v, out_v, z_v, q_v, xp):
    """d(product)/dv for each factor v: out/v, or for the one zero of its group the product
    of the rest (``q_v``); 0 when its group has another zero. ``z_v``: zeros in v's group."""
    safe = xp.where(v == 0, 1, v)  # no 0/0, not even in the branch where() drops
    return xp.where(v == 0, xp.where(z_v == 1, q_v, 0), out_v / safe)


def _nonzero_product(x, s, key, xp, include_self, hit):
    """Per result element: (zeros among its factors, product of its non-zero factors).

    The product is rebuilt as sign * exp(sum of log|v|) so that it stays differentiable
    on the differentiable namespace; it is only used where a group has a single zero.
    """
    own = 1.0 if include_self else xp.asarray(1.0 - hit)  # x counts where src did not replace it
    zeros = (x == 0) * own + xp.accumulate_into((s == 0) * 1.0, x.shape, key)
    negs = (x < 0) * own + xp.accumulate_into((s < 0) * 1.0, x.shape, key)
    log_x = xp.log(xp.where(x == 0, 1, x * xp.sign(x)))
    log_s = xp.log(xp.where(s == 0, 1, s * xp.sign(s)))
    logs = log_x * own + xp.accumulate_into(log_s, x.shape, key)
    return zeros, xp.sign(xp.cos(math.pi * negs)) * xp.exp(logs)  # (-1)^negs, exactly


def _scatter_reduce_grads(g, x, src, out, key, src_key, src_shape, reduce, include_self,
                          hit, count, xp):
    """(grad of x, grad of src): PyTorch's scatter_reduce_backward, reduce by reduce."""
    s = src[src_key]
    if reduce == "sum":
        gx, gs = g, g[key]
    elif reduce == "mean":
        gx = g / xp.asarray(count)
        gs = gx[key]
    elif reduce == "prod":
        zeros, q = _nonzero_product(x, s, key, xp, include_self, hit)
        gx = g * _product_of_others(x, out, zeros, q, xp)
        gs = g[key] * _product_of_others(s, out[key], zeros[key], q[key], xp)
    else:  # amax / amin: ties share the gradient evenly
        x_is, s_is = (x == out) * 1.0, (s == out[key]) * 1.0
        share = g / (x_is + xp.accumulate_into(s_is, x.shape, key))
        gx, gs = x_is * share, s_is * share[key]
    if not include_self:
        gx = xp.embed_zero(gx, key)
    return [gx, xp.embed(gs, src_shape, src_key)]


scatter_reduce.defvjp(joint=_scatter_reduce_grads)
scatter_reduce.defjvp("transpose")
scatter_reduce.defformula(x="g where x's value survived the reduction (shared on ties; by product rule for prod)",
                          src="g at the positions src reduced into, where its value survived (mean: divided by count)")


@primitive(differentiable=False)
def nonzero(xp, x):
    return xp.argwhere(x)
