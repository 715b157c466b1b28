"""``nn.MultiheadAttention`` and the functional form it runs, ``multi_head_attention_forward``.

The attention is composed from chainrule ops as PyTorch's reference path composes it:
in-projection, optional ``bias_k``/``bias_v`` and zero-attention columns, masks merged
into one additive mask, then either explicit softmax weights (``need_weights=True``) or
``scaled_dot_product_attention``, and the out-projection.
"""
from __future__ import annotations

import math
import warnings

from ... import _dtype
from ... import functional as _F
from ..._dispatch import call
from ..._tensor import Size, Tensor
from ...primitives import norm as _N
from .. import functional as F
from .. import init
from .linear import NonDynamicallyQuantizableLinear
from .module import Module, new_parameter

# multi_head_attention_forward belongs in nn.functional, as torch.nn.functional's
__all__ = ["MultiheadAttention"]


def _none_or_dtype(input: Tensor | None):
    if input is None:
        return None
    if isinstance(input, Tensor):
        return input.dtype
    raise RuntimeError("input to _none_or_dtype() must be None or torch.Tensor")


def _canonical_mask(mask: Tensor | None, mask_name: str, other_type, other_name: str, target_type,
                    check_other: bool = True) -> Tensor | None:
    """A bool mask becomes the additive float one (``-inf`` where True); a float mask is kept."""
    if mask is None:
        return None
    is_float = mask.is_floating_point()
    if mask.dtype != _dtype.bool_ and not is_float:
        raise AssertionError(f"only bool and floating types of {mask_name} are supported")
    if check_other and other_type is not None and mask.dtype != other_type:
        warnings.warn(f"Support for mismatched {mask_name} and {other_name} is deprecated. Use same type for both "
                      "instead.", stacklevel=4)
    if not is_float:
        mask = _F.zeros_like(mask, dtype=target_type).masked_fill_(mask, float("-inf"))
    return mask


def _mha_shape_check(query: Tensor, key: Tensor, value: Tensor, key_padding_mask: Tensor | None,
                     attn_mask: Tensor | None, num_heads: int) -> bool:
    """Checks the ranks of the inputs and masks; returns whether the input is batched."""
    if query.dim() not in (2, 3):
        raise AssertionError("query should be unbatched 2D or batched 3D tensor but received "
                             f"{query.dim()}-D query tensor")
    batched = query.dim() == 3
    kind = "batched (3-D)" if batched else "unbatched (2-D)"
    if key.dim() != query.dim() or value.dim() != query.dim():
        raise AssertionError(f"For {kind} `query`, expected `key` and `value` to be {query.dim()}-D but found "
                             f"{key.dim()}-D and {value.dim()}-D tensors respectively")
    if key_padding_mask is not None and key_padding_mask.dim() != query.dim() - 1:
        raise AssertionError(f"For {kind} `query`, expected `key_padding_mask` to be `None` or "
                             f"{query.dim() - 1}-D but found {key_padding_mask.dim()}-D tensor instead")
    if attn_mask is not None:
        if attn_mask.dim() not in (2, 3):
            raise AssertionError(f"For {kind} `query`, expected `attn_mask` to be `None`, 2-D or 3-D but found "
                                 f"{attn_mask.dim()}-D tensor instead")
        expected = (num_heads, query.shape[0], key.shape[0])
        if not batched and attn_mask.dim() == 3 and tuple(attn_mask.shape) != expected:
            raise AssertionError(f"Expected `attn_mask` shape to be {expected} but got {attn_mask.shape}")
    return batched


def _check_projection(kind: str, t: Tensor | None, shape: tuple) -> None:
    if t is not None and tuple(t.shape) != shape:
        raise AssertionError(f"expecting {kind} shape of {shape}, but got {t.shape}")


def _in_projection(query: Tensor, key: Tensor, value: Tensor, weights: tuple, biases: tuple) -> tuple:
    """q, k, v = the three input projections (separate weights of shapes (E, E), (E, kdim), (E, vdim))."""
    e_q, e_k, e_v = query.shape[-1], key.shape[-1], value.shape[-1]
    for kind, w, shape in zip(("query", "key", "value"), weights, ((e_q, e_q), (e_q, e_k), (e_q, e_v))):
        _check_projection(f"{kind} weights", w, shape)
    for kind, b in zip(("query", "key", "value"), biases):
        _check_projection(f"{kind} bias", b, (e_q,))
    return tuple(F.linear(x, w, b) for x, w, b in zip((query, key, value), weights, biases))


def _in_projection_packed(query: Tensor, key: Tensor, value: Tensor, w: Tensor, b: Tensor | None) -> tuple:
    """q, k, v from one packed (3E, E) weight; self-attention takes a single matmul."""
    if query is key and key is value:
        return F.linear(query, w, b).chunk(3, -1)
    biases = (None, None, None) if b is None else b.chunk(3)
    return tuple(F.linear(x, wi, bi) for x, wi, bi in zip((query, key, value), w.chunk(3), biases))


def _causal_mask(tgt_len: int, src_len: int, like: Tensor) -> Tensor:
    """The additive causal mask: -inf above the diagonal (query i sees keys j <= i)."""
    return _F.triu(_F.full((tgt_len, src_len), float("-inf"), dtype=like.dtype, device=like.device), 1)


def _attn_mask_3d(attn_mask: Tensor | None, tgt_len: int, src_len: int, heads: int) -> Tensor | None:
    """A 2-D (L, S) mask becomes (1, L, S); a 3-D one must be (N * num_heads, L, S)."""
    if attn_mask is None:
        return None
    if attn_mask.dim() == 2:
        if tuple(attn_mask.shape) != (tgt_len, src_len):
            raise RuntimeError(f"The shape of the 2D attn_mask is {attn_mask.shape}, but should be "
                               f"{(tgt_len, src_len)}.")
        return attn_mask.unsqueeze(0)
    if attn_mask.dim() == 3:
        if tuple(attn_mask.shape) != (heads, tgt_len, src_len):
            raise RuntimeError(f"The shape of the 3D attn_mask is {attn_mask.shape}, but should be "
                               f"{(heads, tgt_len, src_len)}.")
        return attn_mask
    raise RuntimeError(f"attn_mask's dimension {attn_mask.dim()} is not supported")


def _pad_masks(attn_mask: Tensor | None, key_padding_mask: Tensor | None) -> tuple:
    """One more key column (bias_k or the zero attention) is never masked."""
    return tuple(None if m is None else F.pad(m, (0, 1)) for m in (attn_mask, key_padding_mask))


def _split_heads(t: Tensor, heads: int, head_dim: int) -> Tensor:
    """(S, N, E) -> (N * num_heads, S, head_dim)."""
    return t.reshape(t.shape[0], heads, head_dim).transpose(0, 1)


def _static(static: Tensor, heads: int, head_dim: int, name: str) -> Tensor:
    """Given keys or values, already (N * num_heads, S, head_dim)."""
    if static.size(0) != heads:
        raise AssertionError(f"expecting {name}.size(0) of {heads}, but got {static.size(0)}")
    if static.size(2) != head_dim:
        raise AssertionError(f"expecting {name}.size(2) of {head_dim}, but got {static.size(2)}")
    return static


def _merge_padding(attn_mask: Tensor | None, key_padding_mask: Tensor | None, bsz: int, num_heads: int,
                   src_len: int) -> Tensor | None:
    """Adds the (N, S) key padding mask to every head's (L, S) mask."""
    if key_padding_mask is None:
        return attn_mask
    for i, want in enumerate((bsz, src_len)):
        if key_padding_mask.shape[i] != want:
            raise AssertionError(f"Expected key_padded_mask.shape[{i}] to be {want}, but got "
                                 f"{key_padding_mask.shape[i]}")
    padding = key_padding_mask.view(bsz, 1, 1, src_len).expand(-1, num_heads, -1, -1)
    padding = padding.reshape(bsz * num_heads, 1, src_len)
    return padding if attn_mask is None else attn_mask + padding


def _explicit_attention(q: Tensor, k: Tensor, v: Tensor, attn_mask: Tensor | None, dropout_p: float,
                        safe: bool) -> tuple[Tensor, Tensor]:
    """softmax(q k^T / sqrt(d) + mask) (dropped out) times v, keeping the weights. ``safe``
    gives fully masked rows zero weights (scaled_dot_product_attention's rule) instead of NaN."""
    q = q * math.sqrt(1.0 / q.shape[-1])
    k_t = k.transpose(-2, -1)
    scores = _F.bmm(q, k_t) if attn_mask is None else _F.baddbmm(attn_mask, q, k_t)
    weights = call(_N.safe_softmax, (scores,), {"axis": -1}) if safe else F.softmax(scores, dim=-1)
    if dropout_p > 0.0:
        weights = F.dropout(weights, p=dropout_p)
    return _F.bmm(weights, v), weights


def _attend(q: Tensor, k: Tensor, v: Tensor, attn_mask: Tensor | None, dropout_p: float, need_weights: bool,
            is_causal: bool) -> tuple[Tensor, Tensor | None]:
    """Attention over (N * num_heads, L, head_dim) tensors: (output, weights or None)."""
    if need_weights:
        return _explicit_attention(q, k, v, attn_mask, dropout_p, safe=False)
    if dropout_p == 0.0:
        return F.scaled_dot_product_attention(q, k, v, attn_mask, 0.0, is_causal), None
    if is_causal:  # the hint stands for the mask here: make it explicit
        attn_mask = _causal_mask(q.shape[1], k.shape[1], q)
    return _explicit_attention(q, k, v, attn_mask, dropout_p, safe=True)[0], None


def _check_embed(query: Tensor, key: Tensor, value: Tensor, embed_dim_to_check: int, num_heads: int,
                 separate: bool) -> None:
    embed_dim = query.shape[-1]
    if embed_dim != embed_dim_to_check:
        raise AssertionError(f"was expecting embedding dimension of {embed_dim_to_check}, but got {embed_dim}")
    if (embed_dim // num_heads) * num_heads != embed_dim:
        raise AssertionError(f"embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    if separate and tuple(key.shape[:2]) != tuple(value.shape[:2]):
        raise AssertionError(f"key's sequence and batch dims {Size(key.shape[:2])} do not match value's "
                             f"{Size(value.shape[:2])}")
    if not separate and tuple(key.shape) != tuple(value.shape):
        raise AssertionError(f"key shape {key.shape} does not match value shape {value.shape}")


def _project(query, key, value, in_proj_weight, in_proj_bias, separate, separate_weights) -> tuple:
    if not separate:
        if in_proj_weight is None:
            raise AssertionError("use_separate_proj_weight is False but in_proj_weight is None")
        return _in_projection_packed(query, key, value, in_proj_weight, in_proj_bias)
    for name, w in zip(("q_proj_weight", "k_proj_weight", "v_proj_weight"), separate_weights):
        if w is None:
            raise AssertionError(f"use_separate_proj_weight is True but {name} is None")
    biases = (None, None, None) if in_proj_bias is None else in_proj_bias.chunk(3)
    return _in_projection(query, key, value, separate_weights, biases)


def _add_bias_kv(k, v, bias_k, bias_v, static_k, static_v, bsz, masks) -> tuple:
    """Appends the learnt bias_k / bias_v as one more key and value, per batch element."""
    if bias_k is None or bias_v is None:
        if bias_k is not None:
            raise AssertionError("bias_k is set but bias_v is None")
        if bias_v is not None:
            raise AssertionError("bias_v is set but bias_k is None")
        return k, v, masks
    if static_k is not None:
        raise AssertionError("bias cannot be added to static key.")
    if static_v is not None:
        raise AssertionError("bias cannot be added to static value.")
    k = _F.cat([k, bias_k.repeat(1, bsz, 1)])
    v = _F.cat([v, bias_v.repeat(1, bsz, 1)])
    return k, v, _pad_masks(*masks)


def _add_zero_attn(k: Tensor, v: Tensor, masks: tuple) -> tuple:
    """Appends an all-zero key and value to every sequence."""
    zeros = _F.zeros((k.shape[0], 1, k.shape[2]), dtype=k.dtype, device=k.device)
    return _F.cat([k, zeros], 1), _F.cat([v, zeros], 1), _pad_masks(*masks)


def _prepare_masks(key_padding_mask: Tensor | None, attn_mask: Tensor | None, is_causal: bool,
                   need_weights: bool, dtype) -> tuple:
    """Both masks made additive; the causal hint stands for the mask only where nothing else needs it."""
    key_padding_mask = _canonical_mask(key_padding_mask, "key_padding_mask", _none_or_dtype(attn_mask),
                                       "attn_mask", dtype)
    if is_causal and attn_mask is None:
        raise RuntimeError("Need attn_mask if specifying the is_causal hint. You may use the Transformer module "
                           "method `generate_square_subsequent_mask` to create this mask.")
    if is_causal and key_padding_mask is None and not need_weights:
        return None, None, True  # scaled_dot_product_attention applies the causal mask itself
    attn_mask = _canonical_mask(attn_mask, "attn_mask", None, "", dtype, check_other=False)
    return key_padding_mask, attn_mask, is_causal and key_padding_mask is None


def multi_head_attention_forward(query: Tensor, key: Tensor, value: Tensor, embed_dim_to_check: int,
                                 num_heads: int, in_proj_weight: Tensor | None, in_proj_bias: Tensor | None,
                                 bias_k: Tensor | None, bias_v: Tensor | None, add_zero_attn: bool,
                                 dropout_p: float, out_proj_weight: Tensor, out_proj_bias: Tensor | None,
                                 training: bool = True, key_padding_mask: Tensor | None = None,
                                 need_weights: bool = True, attn_mask: Tensor | None = None,
                                 use_separate_proj_weight: bool = False, q_proj_weight: Tensor | None = None,
                                 k_proj_weight: Tensor | None = None, v_proj_weight: Tensor | None = None,
                                 static_k: Tensor | None = None, static_v: Tensor | None = None,
                                 average_attn_weights: bool = True, is_causal: bool = False
                                 ) -> tuple[Tensor, Tensor | None]:
    r"""Forward method for MultiHeadAttention; see :class:`~chainrule.nn.MultiheadAttention`.

    Inputs are sequence-first: query :math:`(L, N, E)` or :math:`(L, E)`, key and value
    :math:`(S, N, E_k)` / :math:`(S, N, E_v)` or unbatched. Returns the attention output of the
    query's shape and, with ``need_weights``, the attention weights :math:`(N, L, S)` averaged over
    heads (or :math:`(N, \text{num\_heads}, L, S)` with ``average_attn_weights=False``).
    """
    batched = _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads)
    if not batched:
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        key_padding_mask = None if key_padding_mask is None else key_padding_mask.unsqueeze(0)
    tgt_len, bsz, embed_dim = query.shape
    key_padding_mask, attn_mask, is_causal = _prepare_masks(key_padding_mask, attn_mask, is_causal, need_weights,
                                                            query.dtype)
    _check_embed(query, key, value, embed_dim_to_check, num_heads, use_separate_proj_weight)
    head_dim = embed_dim // num_heads
    q, k, v = _project(query, key, value, in_proj_weight, in_proj_bias, use_separate_proj_weight,
                       (q_proj_weight, k_proj_weight, v_proj_weight))
    masks = (_attn_mask_3d(attn_mask, tgt_len, key.shape[0], bsz * num_heads), key_padding_mask)
    k, v, masks = _add_bias_kv(k, v, bias_k, bias_v, static_k, static_v, bsz, masks)
    heads = bsz * num_heads
    q = _split_heads(q, heads, head_dim)
    k = _split_heads(k, heads, head_dim) if static_k is None else _static(static_k, heads, head_dim, "static_k")
    v = _split_heads(v, heads, head_dim) if static_v is None else _static(static_v, heads, head_dim, "static_v")
    if add_zero_attn:
        k, v, masks = _add_zero_attn(k, v, masks)
    attn_mask = _merge_padding(masks[0], masks[1], bsz, num_heads, k.shape[1])
    out, weights = _attend(q, k, v, attn_mask, dropout_p if training else 0.0, need_weights, is_causal)
    out = F.linear(out.transpose(0, 1).reshape(tgt_len * bsz, embed_dim), out_proj_weight, out_proj_bias)
    out = out.view(tgt_len, bsz, out.size(1))
    if weights is not None:
        weights = weights.view(bsz, num_heads, tgt_len, k.shape[1])
        weights = weights.mean(dim=1) if average_attn_weights else weights
    if not batched:
        out = out.squeeze(1)
        weights = None if weights is None else weights.squeeze(0)
    return out, weights


class MultiheadAttention(Module):
    r"""Allows the model to jointly attend to information from different representation subspaces.

    .. math::
        \text{MultiHead}(Q, K, V) = \text{Concat}(head_1,\dots,head_h)W^O,
        \quad head_i = \text{Attention}(QW_i^Q, KW_i^K, VW_i^V)

    Args:
        embed_dim: Total dimension of the model.
        num_heads: Number of parallel attention heads. ``embed_dim`` will be split across
            ``num_heads`` (i.e. each head will have dimension ``embed_dim // num_heads``).
        dropout: Dropout probability on ``attn_output_weights``. Default: ``0.0`` (no dropout).
        bias: If specified, adds bias to input / output projection layers. Default: ``True``.
        add_bias_kv: If specified, adds bias to the key and value sequences at dim=0. Default: ``False``.
        add_zero_attn: If specified, adds a new batch of zeros to the key and value sequences at dim=1.
            Default: ``False``.
        kdim: Total number of features for keys. Default: ``None`` (uses ``kdim=embed_dim``).
        vdim: Total number of features for values. Default: ``None`` (uses ``vdim=embed_dim``).
        batch_first: If ``True``, then the input and output tensors are provided
            as (batch, seq, feature). Default: ``False`` (seq, batch, feature).
    """

    def __init__(self, embed_dim: int, num_heads: int, dropout: float = 0.0, bias: bool = True,
                 add_bias_kv: bool = False, add_zero_attn: bool = False, kdim: int | None = None,
                 vdim: int | None = None, batch_first: bool = False, device=None, dtype=None) -> None:
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(f"embed_dim and num_heads must be greater than 0, got embed_dim={embed_dim} and "
                             f"num_heads={num_heads} instead")
        if (embed_dim // num_heads) * num_heads != embed_dim:
            raise AssertionError("embed_dim must be divisible by num_heads")
        super().__init__()
        self.embed_dim = embed_dim
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.num_heads = num_heads
        self.dropout = dropout
        self.batch_first = batch_first
        self.head_dim = embed_dim // num_heads
        factory = {"device": device, "dtype": dtype}
        if self._qkv_same_embed_dim:
            self.in_proj_weight = new_parameter(3 * embed_dim, embed_dim, **factory)
            for name in ("q_proj_weight", "k_proj_weight", "v_proj_weight"):
                self.register_parameter(name, None)
        else:
            self.q_proj_weight = new_parameter(embed_dim, embed_dim, **factory)
            self.k_proj_weight = new_parameter(embed_dim, self.kdim, **factory)
            self.v_proj_weight = new_parameter(embed_dim, self.vdim, **factory)
            self.register_parameter("in_proj_weight", None)
        if bias:
            self.in_proj_bias = new_parameter(3 * embed_dim, **factory)
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias, **factory)
        if add_bias_kv:
            self.bias_k = new_parameter(1, 1, embed_dim, **factory)
            self.bias_v = new_parameter(1, 1, embed_dim, **factory)
        else:
            self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            for w in (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight):
                init.xavier_uniform_(w)
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            init.constant_(self.out_proj.bias, 0.0)
        if self.bias_k is not None:
            init.xavier_normal_(self.bias_k)
        if self.bias_v is not None:
            init.xavier_normal_(self.bias_v)

    def forward(self, query: Tensor, key: Tensor, value: Tensor, key_padding_mask: Tensor | None = None,
                need_weights: bool = True, attn_mask: Tensor | None = None, average_attn_weights: bool = True,
                is_causal: bool = False) -> tuple[Tensor, Tensor | None]:
        r"""Compute attention outputs using query, key, and value embeddings.

        Args:
            query: :math:`(L, E_q)` unbatched, :math:`(L, N, E_q)` or, with ``batch_first``, :math:`(N, L, E_q)`.
            key: :math:`(S, E_k)`, :math:`(S, N, E_k)` or :math:`(N, S, E_k)`.
            value: :math:`(S, E_v)`, :math:`(S, N, E_v)` or :math:`(N, S, E_v)`.
            key_padding_mask: :math:`(N, S)` (or :math:`(S)` unbatched); True (bool) or the added float
                marks keys to ignore.
            need_weights: If specified, returns ``attn_output_weights`` in addition to ``attn_outputs``.
                Default: ``True``.
            attn_mask: :math:`(L, S)` or :math:`(N \cdot \text{num\_heads}, L, S)`, bool (True: not allowed to
                attend) or float (added to the attention scores).
            average_attn_weights: If true, the returned weights are averaged across heads. Default: ``True``.
            is_causal: A hint that ``attn_mask`` is the causal mask. Default: ``False``.

        Returns:
            ``(attn_output, attn_output_weights)``; the weights are ``None`` unless ``need_weights``.
        """
        batched = query.dim() == 3
        key_padding_mask = _canonical_mask(key_padding_mask, "key_padding_mask", _none_or_dtype(attn_mask),
                                           "attn_mask", query.dtype)
        attn_mask = _canonical_mask(attn_mask, "attn_mask", None, "", query.dtype, check_other=False)
        if self.batch_first and batched:
            query, key, value = _sequence_first(query, key, value)
        separate = {} if self._qkv_same_embed_dim else {
            "use_separate_proj_weight": True, "q_proj_weight": self.q_proj_weight,
            "k_proj_weight": self.k_proj_weight, "v_proj_weight": self.v_proj_weight}
        out, weights = multi_head_attention_forward(
            query, key, value, self.embed_dim, self.num_heads, self.in_proj_weight, self.in_proj_bias,
            self.bias_k, self.bias_v, self.add_zero_attn, self.dropout, self.out_proj.weight, self.out_proj.bias,
            training=self.training, key_padding_mask=key_padding_mask, need_weights=need_weights,
            attn_mask=attn_mask, average_attn_weights=average_attn_weights, is_causal=is_causal, **separate)
        return (out.transpose(1, 0) if self.batch_first and batched else out), weights


def _sequence_first(query: Tensor, key: Tensor, value: Tensor) -> tuple:
    """(N, L, E) -> (L, N, E), keeping ``query is key is value`` true for self-attention."""
    if key is value:
        if query is key:
            query = key = value = query.transpose(1, 0)
        else:
            query, key = query.transpose(1, 0), key.transpose(1, 0)
            value = key
        return query, key, value
    return query.transpose(1, 0), key.transpose(1, 0), value.transpose(1, 0)
