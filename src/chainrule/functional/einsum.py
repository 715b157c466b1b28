"""``einsum``: PyTorch's algorithm, built from permute/reshape/mul/sum/bmm (no rule of its own)."""
from __future__ import annotations

import string

from .._tensor import Tensor
from . import joining as _joining
from .math import bmm, mul, sum
from .shape import permute, reshape, unsqueeze, view

# -- einsum: PyTorch's algorithm (align every operand to output dims + contracted dims by
# diagonal/unsqueeze/permute, then contract left to right by pairwise bmm), so the graph
# and the rounding are PyTorch's -------------------------------------------------------------

_ELLIPSIS = 52


def _subscript(c: str) -> int:
    return ord(c) - ord("A") if c.isupper() else ord(c) - ord("a") + 26


def _letter(s: int) -> str:
    return chr(ord("A") + s) if s < 26 else chr(ord("a") + s - 26)


def _sublist(n) -> str:
    if n is Ellipsis:
        return "..."
    if isinstance(n, int) and 0 <= n < 52:
        return _letter(n)
    raise ValueError("einsum(): subscript in subscript list is not within the valid range [0, 52)")


def _einsum_args(args: tuple) -> tuple[str, list]:
    """(equation, operands) from ``(equation, *operands)``, ``(equation, [operands])`` or
    the sublist form ``(op1, sublist1, op2, sublist2, ..., [out_sublist])``."""
    if len(args) < 2:
        raise ValueError("einsum(): must specify the equation string and at least one operand, "
                         "or at least one operand and its subscripts list")
    if isinstance(args[0], Tensor):
        ops = list(args[0::2][:len(args) // 2])
        subs = [args[i] for i in range(1, len(args), 2)]
        equation = ",".join("".join(_sublist(n) for n in s) for s in subs)
        if len(args) % 2:
            equation += "->" + "".join(_sublist(n) for n in args[-1])
        return equation, ops
    operands = list(args[1:])
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        return _einsum_args((args[0], *operands[0]))  # the operands as one sequence
    return args[0], operands


def _parse_inputs(lhs: str, n_ops: int) -> list[list[int]]:
    """The subscripts of each operand (``_ELLIPSIS`` for ``...``), with PyTorch's checks."""
    labels: list = [[] for _ in range(n_ops)]
    cur, ell, i = 0, False, 0
    while i < len(lhs):
        c = lhs[i]
        if c == ".":
            if ell:
                raise RuntimeError(f"einsum(): found '.' for operand {cur} for which an ellipsis "
                                   "was already found")
            if not (i + 2 < len(lhs) and lhs[i + 1] == "." and lhs[i + 2] == "."):
                raise RuntimeError(f"einsum(): found '.' for operand {cur} that is not part of "
                                   "any ellipsis")
            labels[cur].append(_ELLIPSIS)
            ell, i = True, i + 2
        elif c == ",":
            cur, ell = cur + 1, False
            if cur >= n_ops:
                raise RuntimeError("einsum(): fewer operands were provided than specified in the "
                                   "equation")
        elif c != " ":
            if c not in string.ascii_letters:
                raise RuntimeError(f"einsum(): invalid subscript given at index {i} in the "
                                   "equation string, subscripts must be in [a-zA-Z]")
            labels[cur].append(_subscript(c))
        i += 1
    if cur != n_ops - 1:
        raise RuntimeError("einsum(): more operands were provided than specified in the equation")
    return labels


def _count_labels(labels: list, operands: list) -> tuple[list, int]:
    """(how many operands use each subscript, dims covered by the widest ellipsis)."""
    counts, ell_dims = [0] * 52, 0
    for i, (op_labels, op) in enumerate(zip(labels, operands)):
        ndim, n = op._data.ndim, len(op_labels)
        has_ell = _ELLIPSIS in op_labels
        if has_ell:
            n -= 1
            ell_dims = max(ell_dims, ndim - n)
        for s in op_labels:
            if s != _ELLIPSIS:
                counts[s] += 1
        if (n > ndim) if has_ell else (n != ndim):
            raise RuntimeError(
                f"einsum(): the number of subscripts in the equation ({n}) "
                f"{'is more than' if has_ell else 'does not match'} the number of dimensions "
                f"({ndim}) for operand {i}{'' if has_ell else ' and no ellipsis was given'}")
    return counts, ell_dims


def _parse_output(rhs: str, offset: int, counts: list, ell_dims: int) -> tuple[dict, int, bool, int]:
    """(position of each output subscript, ellipsis position, whether ``...`` is output,
    output dims)."""
    pos: dict = {}
    at = ell_at = i = 0
    ell_out = False
    while i < len(rhs):
        c = rhs[i]
        if c == ".":
            if ell_out:
                raise RuntimeError("einsum(): found '.' for output but an ellipsis (...) was "
                                   "already found")
            if not (i + 2 < len(rhs) and rhs[i + 1] == "." and rhs[i + 2] == "."):
                raise RuntimeError("einsum(): found '.' for output that is not part of any "
                                   "ellipsis (...)")
            ell_at, at, ell_out, i = at, at + ell_dims, True, i + 2
        elif c != " ":
            if c not in string.ascii_letters:
                raise RuntimeError(f"einsum(): invalid subscript given at index {offset + i} in "
                                   "the equation string, subscripts must be in [a-zA-Z]")
            s = _subscript(c)
            if counts[s] == 0 or s in pos:
                raise RuntimeError(f"einsum(): output subscript {c} " + (
                    "appears more than once in the output" if s in pos
                    else "does not appear in the equation for any input operand"))
            pos[s], at = at, at + 1
        i += 1
    return pos, ell_at, ell_out, at


def _positions(equation: str, counts: list, ell_dims: int) -> tuple[dict, int, int, int]:
    """(aligned position of every subscript, ellipsis position, output dims, all dims):
    output subscripts first, then the contracted ones in alphabetical order."""
    arrow = equation.find("->")
    if arrow < 0:  # implicit output: the ellipsis, then the subscripts used once
        pos = {s: ell_dims + k for k, s in enumerate(s for s in range(52) if counts[s] == 1)}
        ell_at, ell_out, n_out = 0, True, ell_dims + len(pos)
    else:
        pos, ell_at, ell_out, n_out = _parse_output(equation[arrow + 2:], arrow + 2, counts,
                                                    ell_dims)
    total = n_out
    if not ell_out:
        ell_at, total = total, total + ell_dims
    for s in range(52):
        if counts[s] > 0 and s not in pos:
            pos[s], total = total, total + 1
    return pos, ell_at, n_out, total


def _note_size(sizes: list, k: int, n: int, what) -> bool:
    """Record size ``n`` for subscript (or ellipsis dim) ``k``; True if it is not 1."""
    if n == 1:
        return False
    if sizes[k] not in (1, n):
        raise RuntimeError(what(sizes[k]))
    sizes[k] = n
    return True


def _align_ellipsis(i: int, op: Tensor, n_labels: int, dim: int, at: int, ell_dims: int,
                    ell_sizes: list, dim_counts: list, perm: list) -> int:
    """Place the dims ``...`` covers in operand ``i`` (from ``dim`` on); the next dim."""
    covered = op._data.ndim - (n_labels - 1)
    for j in range(ell_dims - covered, ell_dims):
        n = op._data.shape[dim]
        if _note_size(ell_sizes, j, n, lambda seen: (
                f"einsum(): dimension {dim} covered by ellipsis in operand {i}has size {n} which "
                f"does not broadcast with previously seen ellipsis with size {seen} for the "
                "respective dimension")):
            dim_counts[at + j] += 1
        perm[at + j] = dim
        dim += 1
    return dim


def _align(i: int, op: Tensor, labels: list, layout: tuple, sizes: tuple, dim_counts: list):
    """Operand ``i`` permuted to the aligned dims: a diagonal for a repeated subscript, a
    size-1 dim for each missing one; notes subscript sizes and per-dim operand counts."""
    pos, ell_at, ell_dims, total = layout
    perm, dim, n_labels = [-1] * total, 0, len(labels)
    for s in labels:
        if s == _ELLIPSIS:
            dim = _align_ellipsis(i, op, n_labels, dim, ell_at, ell_dims, sizes[1], dim_counts,
                                  perm)
            continue
        n, prev = op._data.shape[dim], perm[pos[s]]
        if prev == -1:
            if _note_size(sizes[0], s, n, lambda seen: (
                    f"einsum(): subscript {_letter(s)} has size {n} for operand {i} which does "
                    f"not broadcast with previously seen size {seen}")):
                dim_counts[pos[s]] += 1
            perm[pos[s]] = dim
            dim += 1
            continue
        if n != op._data.shape[prev]:
            raise RuntimeError(f"einsum(): subscript {_letter(s)} is repeated for operand {i} but "
                               f"the sizes don't match, {n} != {op._data.shape[prev]}")
        op = _joining.diagonal(op, 0, prev, dim)
        last = op._data.ndim - 1  # movedim(-1, prev), a permute even when it moves nothing
        op = permute(op, list(range(prev)) + [last] + list(range(prev, last)))
    for k in range(total):
        if perm[k] == -1:
            op, perm[k], dim = unsqueeze(op, dim), dim, dim + 1
    return permute(op, perm)


def _sumproduct_pair(left: Tensor, right: Tensor, sum_dims: list) -> Tensor:
    """``(left * right).sum(sum_dims, keepdim=True)`` as one bmm: dims in both and the
    output (lro), in one of them and the output (lo, ro), and summed."""
    if not sum_dims:
        return mul(left, right)
    lro, lo, ro, sizes = [], [], [], {"lro": 1, "lo": 1, "ro": 1, "sum": 1}
    for d in range(left._data.ndim):
        nl, nr = left._data.shape[d], right._data.shape[d]
        if d in sum_dims:
            if nl != 1 and nr != 1:
                sizes["sum"] *= nl
            elif nl != 1:  # in one operand only: summed at once
                left = sum(left, d, True)
            elif nr != 1:
                right = sum(right, d, True)
        else:
            group, key, n = ((lro, "lro", nl) if nl != 1 and nr != 1 else
                             (lo, "lo", nl) if nl != 1 else (ro, "ro", nr))
            group.append(d)
            sizes[key] *= n
    if lo and ro and ro[-1] < lo[0]:  # bmm then writes the output in its final order
        left, right, lo, ro = right, left, ro, lo
        sizes["lo"], sizes["ro"] = sizes["ro"], sizes["lo"]
    if left._dtype is not right._dtype:
        raise RuntimeError(f"expected scalar type {left._dtype.c_name} but found "
                           f"{right._dtype.c_name}")
    out_size = ([left._data.shape[d] for d in lro + lo] + [1] * len(sum_dims)
                + [right._data.shape[d] for d in ro])
    order = lro + lo + sum_dims + ro
    a = reshape(permute(left, order), (sizes["lro"], sizes["lo"], sizes["sum"]))
    b = reshape(permute(right, lro + sum_dims + ro + lo), (sizes["lro"], sizes["sum"], sizes["ro"]))
    return permute(view(bmm(a, b), tuple(out_size)), sorted(range(len(order)), key=order.__getitem__))


def _contract(ops: list, dim_counts: list, n_out: int, total: int) -> Tensor:
    """Contract the aligned operands left to right, summing each contracted dim as soon
    as no later operand uses it."""
    n_ops = len(ops)
    while len(ops) > 1:
        a, b = ops.pop(0), ops.pop(0)
        sum_dims, a_sum, b_sum = [], [], []
        for d in range(n_out, total):
            sa, sb = a._data.shape[d] != 1, b._data.shape[d] != 1
            if sa and sb:
                dim_counts[d] -= 1
                if dim_counts[d] == 1:
                    sum_dims.append(d)
                    dim_counts[d] = 0
            elif dim_counts[d] == 1 and (sa or sb):
                (a_sum if sa else b_sum).append(d)
                dim_counts[d] = 0
        a = sum(a, a_sum, True) if a_sum else a
        b = sum(b, b_sum, True) if b_sum else b
        ops.insert(0, _sumproduct_pair(a, b, sum_dims))
    out = ops[0]
    if total == n_out:
        return out
    if n_ops > 1:  # the contracted dims are all size 1 by now
        return view(out, out._data.shape[:n_out])
    return sum(out, list(range(n_out, total)))


def einsum(*args) -> Tensor:
    """Einstein summation: ``einsum("ij,jk->ik", a, b)`` (or the sublist form)."""
    equation, operands = _einsum_args(args)
    if not operands:
        raise RuntimeError("einsum(): must provide at least one operand")
    arrow = equation.find("->")
    labels = _parse_inputs(equation if arrow < 0 else equation[:arrow], len(operands))
    counts, ell_dims = _count_labels(labels, operands)
    pos, ell_at, n_out, total = _positions(equation, counts, ell_dims)
    sizes, dim_counts = ([1] * 52, [1] * ell_dims), [0] * total
    layout = (pos, ell_at, ell_dims, total)
    ops = [_align(i, op, labels[i], layout, sizes, dim_counts) for i, op in enumerate(operands)]
    return _contract(ops, dim_counts, n_out, total)


__all__: list = []  # exported through functional.linalg's __all__
