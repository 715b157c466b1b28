"""op_db rows for the losses: ``nn.functional.<name>_loss`` (every reduction).

Class targets are int64 (or uint8) constants, with ``ignore_index`` present; class
weights and ``pos_weight`` never require grad (PyTorch refuses them). Probabilities are
kept inside (0.05, 0.95) and differences away from the kinks of l1/huber/margins.
"""
from __future__ import annotations

import math
from typing import Iterator

import numpy as np

from op_db import Const, Maker, OpSpec, Sample, TArg

REDUCTIONS = ("none", "mean", "sum")

# -- sample helpers -----------------------------------------------------------------------------


def _prob(mk: Maker, *shape: int, requires_grad: bool = True) -> TArg:
    """Probabilities in (0.2, 0.8): PyTorch's double backward of binary_cross_entropy adds
    1e-12 to x and 1 - x in its denominators; nearer 0 or 1 that shows at 1e-10."""
    return TArg(mk.rng.uniform(0.2, 0.8, shape), requires_grad=requires_grad)


def _const(mk: Maker, *shape: int) -> TArg:
    """Positive float values that never require grad (class weights, pos_weight)."""
    return mk.t(*shape, domain="positive", requires_grad=False)


def _values(*rows) -> TArg:
    return TArg(np.asarray(rows, dtype=np.float64))


def _signs(*values: int) -> Const:
    return Const(np.asarray(values, dtype=np.int64))


def _reductions(mk: Maker, make, **kw) -> Iterator[Sample]:
    """One sample per reduction, each with fresh arguments from ``make()``."""
    for r in REDUCTIONS:
        yield mk.s(r, *make(), reduction=r, **kw)

# -- references ---------------------------------------------------------------------------------


def _red(loss, reduction="mean"):
    loss = np.asarray(loss)
    if reduction == "mean":
        return np.asarray(np.mean(loss)) if loss.size else np.asarray(np.nan, loss.dtype)
    return np.asarray(np.sum(loss)) if reduction == "sum" else loss


def _log_softmax(x, axis):
    s = x - np.max(x, axis=axis, keepdims=True)
    return s - np.log(np.exp(s).sum(axis=axis, keepdims=True))


def _nll(x, t, weight=None, ignore_index=-100, reduction="mean"):
    """NLL of class indices ``t`` (class dim 1, or 0 for 1-D x)."""
    x = np.moveaxis(x, 1, -1) if x.ndim > 1 else x
    t = np.asarray(t).astype(np.int64)
    t = t.reshape(()) if x.ndim == 1 else t
    mask = t != ignore_index
    safe = np.where(mask, t, 0)
    picked = np.take_along_axis(x, safe[..., None], -1)[..., 0]
    w = np.ones_like(picked) if weight is None else weight[safe]
    losses = np.where(mask, -picked * w, 0).astype(x.dtype)
    if reduction == "none":
        return losses
    total = losses.sum()
    return np.asarray(total if reduction == "sum" else total / (w * mask).sum())


def _cross_entropy(x, t, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    axis = 0 if x.ndim == 1 else 1
    logp = _log_softmax(x, axis)
    n = x.shape[axis]
    wshape = [1] * x.ndim
    wshape[axis] = n
    w = 1 if weight is None else weight.reshape(wshape)
    if t.shape == x.shape:  # probabilities
        t = t * (1 - label_smoothing) + label_smoothing / n
        terms = -(logp * t * w)
        if reduction == "none":
            return terms.sum(axis=axis)
        return np.asarray(terms.sum() / (x.size // n if reduction == "mean" else 1))
    nll = _nll(logp, t, weight, ignore_index, reduction)
    if not label_smoothing:
        return nll
    smooth = np.where(t == ignore_index, 0, -(logp * w).sum(axis=axis))
    if reduction == "mean":
        kept = t[t != ignore_index]
        smooth = smooth.sum() / (kept.size if weight is None else weight[kept].sum())
    elif reduction == "sum":
        smooth = smooth.sum()
    return np.asarray((1 - label_smoothing) * nll + smooth * (label_smoothing / n), x.dtype)


def _bce(x, y, weight=None, reduction="mean"):
    loss = (y - 1) * np.maximum(np.log1p(-x), -100) - y * np.maximum(np.log(x), -100)
    return _red(loss if weight is None else loss * weight, reduction)


def _bce_logits(x, y, weight=None, reduction="mean", pos_weight=None):
    log_sig = np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))
    if pos_weight is not None:
        log_sig = log_sig * ((pos_weight - 1) * y + 1)
    loss = (1 - y) * x - log_sig
    return _red(loss if weight is None else loss * weight, reduction).astype(y.dtype)


def _kl_div(x, t, reduction="mean", log_target=False):
    if log_target:
        out = np.exp(t) * (t - x)
    else:
        out = np.where(t == 0, 0, t * np.log(t)) - t * x
    if reduction == "batchmean":
        return np.asarray(out.sum() / (x.shape[0] if x.ndim else 1), x.dtype)
    return _red(out, reduction)


def _cosine(x1, x2, t, margin=0.0, reduction="mean"):
    axis = t.ndim
    cos = (x1 * x2).sum(axis) / np.sqrt(((x1 * x1).sum(axis) + 1e-12)
                                        * ((x2 * x2).sum(axis) + 1e-12))
    out = np.where(t == 1, 1 - cos, 0) + np.where(t == -1, np.maximum(cos - margin, 0), 0)
    return _red(out.astype(x1.dtype), reduction)


def _pnorm(d, p, axis):
    if p == math.inf:
        return np.abs(d).max(axis=axis)
    return (np.abs(d) ** p).sum(axis=axis) ** (1 / p)


def _triplet(a, pos, neg, margin=1.0, p=2, eps=1e-6, swap=False, reduction="mean"):
    axis = a.ndim - 1 if a.ndim else None
    d_pos = _pnorm(a - pos + eps, p, axis)
    d_neg = _pnorm(a - neg + eps, p, axis)
    if swap:
        d_neg = np.minimum(d_neg, _pnorm(pos - neg + eps, p, axis))
    return _red(np.maximum(margin + d_pos - d_neg, 0), reduction)


def _poisson(x, t, log_input=True, full=False, eps=1e-8, reduction="mean"):
    loss = np.exp(x) - t * x if log_input else x - t * np.log(x + eps)
    if full:
        stirling = t * np.log(t) - t + 0.5 * np.log(2 * math.pi * t)
        loss = loss + np.where(t <= 1, 0, stirling)
    return _red(loss, reduction)


def _gaussian(x, t, var, full=False, eps=1e-6, reduction="mean"):
    var = np.full_like(x, var) if isinstance(var, float) else var
    if var.shape != x.shape and var.shape == x.shape[:-1]:
        var = var[..., None]
    var = np.maximum(var, eps)
    loss = 0.5 * (np.log(var) + (x - t) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _red(loss, reduction)


def _huber(x, y, reduction="mean", delta=1.0, weight=None):
    z = np.abs(x - y)
    loss = np.where(z < delta, 0.5 * z * z, delta * (z - 0.5 * delta))
    if weight is None:
        return _red(loss, reduction)
    return _red(loss * weight, reduction)


def _weighted(loss, weight, reduction):
    if weight is None or reduction != "mean":
        return _red(loss if weight is None else loss * weight, reduction)
    return np.asarray((loss * weight).sum() / weight.sum())

# -- samples ---------------------------------------------------------------------------------------


def _regression(mk: Maker) -> Iterator[Sample]:
    """input/target pairs for mse, l1, smooth_l1 and huber."""
    yield from _reductions(mk, lambda: (mk.t(2, 3), mk.t(2, 3)))
    yield mk.s("0d", mk.t(), mk.t())
    yield mk.s("T", mk.t(3, 4, layout="T"), mk.t(3, 4))
    yield mk.s("step", mk.t(2, 5, layout="step"), mk.t(2, 5, layout="step"))
    yield mk.s("bcast_target", mk.t(2, 3), mk.t(3))  # warns, as PyTorch
    yield mk.s("bcast_input", mk.t(1, 3), mk.t(2, 3), reduction="sum")
    yield mk.s("nograd_target", mk.t(2, 3), mk.t(2, 3, requires_grad=False))
    yield mk.s("size0_sum", mk.t(0, 3), mk.t(0, 3), reduction="sum")
    yield mk.s("size0_none", mk.t(0, 3), mk.t(0, 3), reduction="none")
    yield mk.s("legacy_flags", mk.t(2, 3), mk.t(2, 3), size_average=False)


def _weighted_regression(mk: Maker) -> Iterator[Sample]:
    yield from _regression(mk)
    for r in REDUCTIONS:
        yield mk.s(f"weight_{r}", mk.t(2, 3), mk.t(2, 3), reduction=r, weight=_const(mk, 2, 3))


def _smooth_l1(mk: Maker) -> Iterator[Sample]:
    yield from _regression(mk)
    yield mk.s("beta", mk.t(2, 3), mk.t(2, 3), beta=0.5)
    yield mk.s("beta_sum", mk.t(3, 4), mk.t(3, 4), reduction="sum", beta=2.0)
    yield mk.s("beta0_l1", mk.t(2, 3), mk.t(2, 3), beta=0.0)


def _huber_samples(mk: Maker) -> Iterator[Sample]:
    yield from _reductions(mk, lambda: (mk.t(2, 3), mk.t(2, 3)))
    yield mk.s("0d", mk.t(), mk.t())
    yield mk.s("T", mk.t(3, 4, layout="T"), mk.t(3, 4))
    yield mk.s("bcast_target", mk.t(2, 3), mk.t(3))
    yield mk.s("delta", mk.t(2, 3), mk.t(2, 3), delta=0.5)
    yield mk.s("delta_none", mk.t(3, 4), mk.t(3, 4), reduction="none", delta=2.0)
    for r in REDUCTIONS:
        yield mk.s(f"weight_{r}", mk.t(2, 3), mk.t(2, 3), reduction=r, weight=_const(mk, 2, 3))


def _nll_samples(mk: Maker) -> Iterator[Sample]:
    ix = mk.idx
    yield from _reductions(mk, lambda: (mk.t(3, 4), ix([0, 3, 1])))
    yield mk.s("1d", mk.t(4), ix(2))
    yield mk.s("1d_none", mk.t(4), ix(1), reduction="none")
    for r in REDUCTIONS:
        yield mk.s(f"weight_{r}", mk.t(3, 4), ix([0, 3, 1]), weight=_const(mk, 4), reduction=r)
        yield mk.s(f"ignore_{r}", mk.t(4, 4), ix([0, -100, 2, -100]), reduction=r)
        yield mk.s(f"weight_ignore_{r}", mk.t(4, 3), ix([1, 1, 0, 2]), weight=_const(mk, 3),
                   ignore_index=1, reduction=r)
    yield mk.s("1d_ignored", mk.t(4), ix(-100), reduction="sum")
    yield mk.s("all_ignored_mean", mk.t(2, 3), ix([-100, -100]), gradcheck=False)
    yield mk.s("uint8_target", mk.t(3, 4), Const(np.asarray([3, 0, 1], np.uint8)))
    yield mk.s("T", mk.t(4, 3, layout="T"), ix([2, 0, 1, 1]))
    yield mk.s("3d", mk.t(2, 4, 3), ix([[0, 3, 1], [2, 2, -100]]))
    yield mk.s("3d_none", mk.t(2, 4, 3), ix([[0, 3, 1], [2, 2, 1]]), reduction="none")
    yield mk.s("3d_T", mk.t(2, 3, 4, layout="T"), ix([[0, 2, 1, 1], [2, 0, 0, 1]]))
    yield mk.s("4d", mk.t(2, 3, 2, 2), ix([[[0, 1], [2, 2]], [[1, 0], [-100, 2]]]))
    yield mk.s("4d_none_weight", mk.t(2, 3, 2, 2), ix([[[0, 1], [2, 2]], [[1, 0], [0, 2]]]),
               weight=_const(mk, 3), reduction="none")
    yield mk.s("5d_sum", mk.t(2, 3, 2, 1, 2), ix([[[[0, 1]], [[2, 2]]], [[[1, 0]], [[0, 2]]]]),
               reduction="sum")
    yield mk.s("size0_sum", mk.t(0, 4), ix(np.zeros(0, np.int64)), reduction="sum")
    yield mk.s("legacy_flags", mk.t(3, 4), ix([0, 3, 1]), reduce=False)


def _cross_entropy_samples(mk: Maker) -> Iterator[Sample]:
    ix = mk.idx
    yield from _reductions(mk, lambda: (mk.t(3, 4), ix([0, 3, 1])))
    yield mk.s("1d", mk.t(4), ix(2))
    yield mk.s("weight", mk.t(3, 4), ix([0, 3, 1]), weight=_const(mk, 4))
    yield mk.s("ignore", mk.t(4, 3), ix([0, -100, 2, 1]))
    yield mk.s("weight_ignore_none", mk.t(4, 3), ix([0, 2, 2, 1]), weight=_const(mk, 3),
               ignore_index=2, reduction="none")
    yield mk.s("3d", mk.t(2, 4, 3), ix([[0, 3, 1], [2, 2, -100]]))
    yield mk.s("4d_none", mk.t(2, 3, 2, 2), ix([[[0, 1], [2, 2]], [[1, 0], [0, 2]]]),
               reduction="none")
    yield mk.s("T", mk.t(4, 3, layout="T"), ix([2, 0, 1, 1]))
    yield mk.s("large_logits", _values([1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 999.0]),
               ix([1, 2]))
    for r in REDUCTIONS:
        yield mk.s(f"smooth_{r}", mk.t(4, 3), ix([0, 2, -100, 1]), reduction=r,
                   label_smoothing=0.2)
        yield mk.s(f"smooth_weight_{r}", mk.t(4, 3), ix([0, 2, 2, 1]), weight=_const(mk, 3),
                   ignore_index=2, reduction=r, label_smoothing=0.1)
        yield mk.s(f"probs_{r}", mk.t(3, 4), mk.t(3, 4, domain="positive"), reduction=r)
    yield mk.s("smooth_1d", mk.t(4), ix(3), label_smoothing=0.3)
    yield mk.s("smooth_3d", mk.t(2, 4, 3), ix([[0, 3, 1], [2, 2, -100]]), label_smoothing=0.5)
    yield mk.s("smooth_one", mk.t(3, 4), ix([0, 3, 1]), label_smoothing=1.0)
    yield mk.s("probs_weight", mk.t(3, 4), mk.t(3, 4, domain="positive"), weight=_const(mk, 4))
    yield mk.s("probs_smooth", mk.t(3, 4), mk.t(3, 4, domain="positive"), label_smoothing=0.2)
    yield mk.s("probs_1d", mk.t(4), mk.t(4, domain="positive"))
    yield mk.s("probs_3d_none", mk.t(2, 4, 3), mk.t(2, 4, 3, domain="positive"),
               reduction="none")
    yield mk.s("probs_nograd_target", mk.t(3, 4),
               mk.t(3, 4, domain="positive", requires_grad=False), reduction="sum")
    yield mk.s("probs_large", _values([1000.0, -1000.0], [-1000.0, 1000.0]),
               _values([0.5, 0.5], [0.1, 0.9]))


def _bce_samples(mk: Maker) -> Iterator[Sample]:
    yield from _reductions(mk, lambda: (_prob(mk, 2, 3), _prob(mk, 2, 3)))
    yield mk.s("0d", _prob(mk), _prob(mk))
    yield mk.s("nograd_target", _prob(mk, 3, 4), _prob(mk, 3, 4, requires_grad=False))
    for r in REDUCTIONS:
        yield mk.s(f"weight_{r}", _prob(mk, 2, 3), _prob(mk, 2, 3), weight=_const(mk, 2, 3),
                   reduction=r)
    yield mk.s("weight_bcast", _prob(mk, 2, 3), _prob(mk, 2, 3), weight=_const(mk, 3))
    yield mk.s("size0", _prob(mk, 0, 3), _prob(mk, 0, 3), reduction="sum")


def _bce_logits_samples(mk: Maker) -> Iterator[Sample]:
    yield from _reductions(mk, lambda: (mk.t(2, 3), _prob(mk, 2, 3)))
    yield mk.s("0d", mk.t(), _prob(mk))
    yield mk.s("T", mk.t(3, 4, layout="T"), _prob(mk, 3, 4))
    for r in REDUCTIONS:
        yield mk.s(f"weight_{r}", mk.t(2, 3), _prob(mk, 2, 3), weight=_const(mk, 3), reduction=r)
        yield mk.s(f"pos_weight_{r}", mk.t(2, 3), _prob(mk, 2, 3), pos_weight=_const(mk, 3),
                   reduction=r)
    yield mk.s("both_weights", mk.t(4, 3), _prob(mk, 4, 3), weight=_const(mk, 4, 1),
               pos_weight=_const(mk, 3))
    yield mk.s("large_logits", _values(-1000.0, 1000.0, -40.0, 40.0),
               TArg(np.asarray([0.0, 1.0, 0.3, 0.7])))
    # the result takes the target's dtype, as PyTorch's (it writes into 1 - target)
    yield mk.s("float32_target", mk.t(2, 3),
               Const(mk.rng.uniform(0.2, 0.8, (2, 3)).astype(np.float32)), reduction="none",
               gradcheck=False)  # a float32 result is too coarse for finite differences
    yield mk.s("large_pos_weight", _values(-1000.0, 1000.0, 3.0), _prob(mk, 3),
               pos_weight=_const(mk, 3), reduction="sum")


def _kl_samples(mk: Maker) -> Iterator[Sample]:
    for r in ("none", "mean", "sum", "batchmean"):
        yield mk.s(r, mk.t(3, 4), mk.t(3, 4, domain="positive"), reduction=r)
        yield mk.s(f"log_target_{r}", mk.t(3, 4), mk.t(3, 4), reduction=r, log_target=True)
    yield mk.s("0d_batchmean", mk.t(), mk.t(domain="positive"), reduction="batchmean")
    yield mk.s("nograd_target", mk.t(2, 3), mk.t(2, 3, domain="positive", requires_grad=False),
               reduction="sum")
    yield mk.s("zero_target", mk.t(3), TArg(np.asarray([0.0, 0.5, 1.5]), requires_grad=False),
               reduction="sum")


def _cosine_samples(mk: Maker) -> Iterator[Sample]:
    yield from _reductions(mk, lambda: (mk.t(3, 4), mk.t(3, 4), _signs(1, -1, 1)))
    yield mk.s("margin", mk.t(4, 3), mk.t(4, 3), _signs(-1, -1, 1, -1), margin=-0.3)
    yield mk.s("1d_pos", mk.t(4), mk.t(4), Const(np.asarray(1)), reduction="none")
    yield mk.s("1d_neg", mk.t(4), mk.t(4), Const(np.asarray(-1)), margin=-0.9)
    yield mk.s("T", mk.t(4, 3, layout="T"), mk.t(4, 3), _signs(1, -1, -1, 1), margin=-0.5)


def _margin_ranking_samples(mk: Maker) -> Iterator[Sample]:
    yield from _reductions(mk, lambda: (mk.t(4), mk.t(4), _signs(1, -1, 1, -1)))
    yield mk.s("margin", mk.t(4), mk.t(4), _signs(-1, -1, 1, 1), margin=0.5)
    yield mk.s("2d", mk.t(2, 3), mk.t(2, 3), Const(np.asarray([[1, -1, 1], [-1, 1, 1]])),
               reduction="sum")
    yield mk.s("float_target", mk.t(4), mk.t(4), TArg(np.asarray([1.0, -1.0, -1.0, 1.0])),
               margin=0.2)
    yield mk.s("bcast", mk.t(2, 3), mk.t(1, 3),
               TArg(np.asarray([[1.0, -1.0, 1.0]]), requires_grad=False), margin=1.0)


def _triplet_samples(mk: Maker) -> Iterator[Sample]:
    yield from _reductions(mk, lambda: (mk.t(3, 4), mk.t(3, 4), mk.t(3, 4)))
    yield mk.s("margin", mk.t(3, 4), mk.t(3, 4), mk.t(3, 4), margin=3.0)
    yield mk.s("p1", mk.t(3, 4), mk.t(3, 4), mk.t(3, 4), p=1, margin=2.0)
    yield mk.s("p3", mk.t(3, 4), mk.t(3, 4), mk.t(3, 4), p=3, margin=2.0)
    yield mk.s("p_inf", mk.t(3, 4), mk.t(3, 4), mk.t(3, 4), p=math.inf, margin=2.0)
    yield mk.s("swap", mk.t(3, 4), mk.t(3, 4), mk.t(3, 4), swap=True, margin=2.0)
    yield mk.s("1d", mk.t(5), mk.t(5), mk.t(5), margin=3.0)
    yield mk.s("T", mk.t(4, 3, layout="T"), mk.t(4, 3), mk.t(4, 3), margin=2.0,
               reduction="none")


def _poisson_samples(mk: Maker) -> Iterator[Sample]:
    yield from _reductions(mk, lambda: (mk.t(2, 3), mk.t(2, 3, domain="positive")))
    yield mk.s("rate", mk.t(2, 3, domain="positive"), mk.t(2, 3, domain="positive"),
               log_input=False)
    yield mk.s("full", mk.t(3, 4), mk.t(3, 4, domain="positive"), full=True)
    yield mk.s("rate_full_sum", mk.t(3, 4, domain="positive"), mk.t(3, 4, domain="positive"),
               log_input=False, full=True, reduction="sum")
    yield mk.s("full_nograd_target", mk.t(3, 4),
               mk.t(3, 4, domain="positive", requires_grad=False), full=True, reduction="none")
    yield mk.s("0d", mk.t(), mk.t(domain="positive"))


def _gaussian_samples(mk: Maker) -> Iterator[Sample]:
    yield from _reductions(mk, lambda: (mk.t(3, 4), mk.t(3, 4), mk.t(3, 4, domain="positive")))
    yield mk.s("full", mk.t(3, 4), mk.t(3, 4), mk.t(3, 4, domain="positive"), full=True)
    yield mk.s("var_per_row", mk.t(3, 4), mk.t(3, 4), mk.t(3, domain="positive"))
    yield mk.s("var_column", mk.t(3, 4), mk.t(3, 4), mk.t(3, 1, domain="positive"),
               reduction="sum")
    yield mk.s("var_float", mk.t(3, 4), mk.t(3, 4), 0.5)
    # the clamp is invisible to autograd (as PyTorch's): finite differences see it, so only
    # the oracle checks these gradients
    yield mk.s("var_clamped", mk.t(3), mk.t(3), TArg(np.asarray([1e-4, 0.5, 2.0])), eps=1e-3,
               reduction="none", gradcheck=False)

# -- rows -----------------------------------------------------------------------------------------


def _nn(name: str, sample_fn, ref, **flags) -> OpSpec:
    """A row calling ``nn.functional.<name>(*args, **kwargs)``."""
    return OpSpec(f"nn.functional.{name}",
                  lambda m, *a, **kw: getattr(m.nn.functional, name)(*a, **kw),
                  sample_fn, ref, covers=(f"nn.functional.{name}",), **flags)


def _legacy(ref):
    """A reference that maps the deprecated size_average/reduce flags to a reduction."""
    def wrapped(*args, size_average=None, reduce=None, **kw):
        if size_average is not None or reduce is not None:
            size_average = True if size_average is None else size_average
            reduce = True if reduce is None else reduce
            kw["reduction"] = "mean" if size_average and reduce else "sum" if reduce else "none"
        return ref(*args, **kw)
    return wrapped


ROWS: list[OpSpec] = [
    _nn("mse_loss", _weighted_regression, _legacy(
        lambda x, y, reduction="mean", weight=None: _weighted((x - y) ** 2, weight, reduction))),
    _nn("l1_loss", _weighted_regression, _legacy(
        lambda x, y, reduction="mean", weight=None: _weighted(np.abs(x - y), weight, reduction))),
    _nn("smooth_l1_loss", _smooth_l1, _legacy(
        lambda x, y, reduction="mean", beta=1.0: _red(np.abs(x - y) if beta == 0 else np.where(
            np.abs(x - y) < beta, 0.5 * (x - y) ** 2 / (beta or 1), np.abs(x - y) - 0.5 * beta),
            reduction))),
    _nn("huber_loss", _huber_samples, _huber),
    _nn("nll_loss", _nll_samples, _legacy(_nll)),
    _nn("cross_entropy", _cross_entropy_samples, _cross_entropy),
    _nn("binary_cross_entropy", _bce_samples, _bce),
    _nn("binary_cross_entropy_with_logits", _bce_logits_samples, _bce_logits),
    _nn("kl_div", _kl_samples, _kl_div),
    _nn("cosine_embedding_loss", _cosine_samples, _cosine),
    _nn("margin_ranking_loss", _margin_ranking_samples,
        lambda x1, x2, t, margin=0.0, reduction="mean":
        _red(np.maximum(-t * (x1 - x2) + margin, 0).astype(x1.dtype), reduction)),
    _nn("triplet_margin_loss", _triplet_samples, _triplet),
    _nn("poisson_nll_loss", _poisson_samples, _poisson),
    _nn("gaussian_nll_loss", _gaussian_samples, _gaussian),
]
