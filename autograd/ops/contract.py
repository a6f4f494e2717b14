"""Tensor contractions: einsum (any subscripts), tensordot and outer.

The gradient of an einsum operand is itself an einsum: the output gradient contracted with
the other operands, back to the operand's subscripts. Two cases need constant helpers: an
index repeated in the operand (a diagonal) gets an identity matrix, and an index found in no
other operand nor the output (summed away) gets a vector of ones.
"""
from __future__ import annotations

import functools
import string
from typing import Any

import numpy as np

from ..function import Op
from ..tensor import Tensor
from ._promote import promote_arrays, promote_operands

_LETTERS = string.ascii_letters


def _parse(subscripts: str, ndims: tuple[int, ...]) -> tuple[list[str], str]:
    """Explicit per-operand subscripts (ellipsis spelled out) and the output subscripts."""
    spec = subscripts.replace(" ", "")
    ins, arrow, out = spec.partition("->")
    parts = ins.split(",")
    if len(parts) != len(ndims):
        raise ValueError(f"einsum: subscripts {subscripts!r} name {len(parts)} operands, got "
                         f"{len(ndims)}")
    used = set(spec) - set(".,->")
    bad = sorted(c for c in used if c not in _LETTERS)
    if bad:
        raise ValueError(f"einsum: subscripts {subscripts!r} hold invalid characters {bad}")
    free = [c for c in _LETTERS if c not in used]
    ell_len = 0
    for p, nd in zip(parts, ndims):
        if "..." in p:
            ell_len = max(ell_len, nd - (len(p) - 3))
    ell = "".join(free[:ell_len])
    expanded = []
    for p, nd in zip(parts, ndims):
        if "..." in p:
            k = nd - (len(p) - 3)
            if k < 0:
                raise ValueError(f"einsum: operand subscripts {p!r} have more indices than the "
                                 f"operand's {nd} dimensions")
            p = p.replace("...", ell[ell_len - k:])
        if len(p) != nd:
            raise ValueError(f"einsum: operand subscripts {p!r} name {len(p)} axes, the operand "
                             f"has {nd} dimensions")
        expanded.append(p)
    if arrow:
        out = out.replace("...", ell)
    else:  # NumPy's implicit output: broadcast axes first, then letters used once, sorted
        joined = "".join(expanded)
        out = ell + "".join(sorted(c for c in set(joined) - set(ell) if joined.count(c) == 1))
    if len(set(out)) != len(out) or any(c not in "".join(expanded) for c in out):
        raise ValueError(f"einsum: output subscripts {out!r} repeat an index or name one no "
                         "operand has")
    return expanded, out


@functools.lru_cache(maxsize=256)
def _plan(subscripts: str, shapes: tuple) -> tuple[str, Any]:
    """The explicit subscripts and a contraction path for these shapes (cached)."""
    ins, out = _parse(subscripts, tuple(len(s) for s in shapes))
    spec = ",".join(ins) + "->" + out
    if len(shapes) < 3:
        return spec, False  # pairwise products need no path search
    path = np.einsum_path(spec, *[np.empty(s) for s in shapes], optimize="greedy")[0]
    return spec, path


class Einsum(Op):
    """y = einsum(spec, x₁, …, xₙ); dxₖ = einsum(out, x_{j≠k} → subscripts of xₖ) applied to g"""

    complex_rule = "holomorphic"

    def forward(ctx: Any, spec: str, *arrays: Any) -> Any:
        cast = promote_arrays(*arrays)
        common = np.result_type(*cast)
        # One dtype for all: a pairwise path would otherwise round in the narrower one.
        cast = [a if a.dtype == common else a.astype(common) for a in cast]
        ctx.saved = (spec,) + tuple(arrays)
        ctx_spec, path = _plan(spec, tuple(a.shape for a in cast))
        return np.einsum(ctx_spec, *cast, optimize=path)

    def backward(ctx: Any, g: Any) -> tuple:
        spec, *arrays = ctx.saved
        arrays = promote_arrays(*arrays)
        ins, out = _parse(spec, tuple(a.ndim for a in arrays))
        grads: list = [None]
        for k, p in enumerate(ctx.parents[1:]):
            grads.append(None if p is None else _operand_grad(ins, out, arrays, k, g))
        return tuple(grads)


def _operand_grad(ins: list[str], out: str, arrays: list, k: int, g: Any) -> Any:
    """The vector-Jacobian product of einsum for operand k."""
    target = list(ins[k])
    subs = [out] + [s for j, s in enumerate(ins) if j != k]
    ops = [g] + [a for j, a in enumerate(arrays) if j != k]
    free = [c for c in _LETTERS if c not in "".join(ins) + out]
    shape = arrays[k].shape
    for pos, c in enumerate(target):
        if c in target[:pos]:  # a diagonal: a fresh index tied to the first by an identity
            fresh = free.pop()
            target[pos] = fresh
            subs.append(c + fresh)
            ops.append(np.eye(shape[pos], dtype=arrays[k].dtype))
    present = "".join(subs)
    for pos, c in enumerate(target):
        if c not in present:  # summed away in the forward: every element gets the gradient
            subs.append(c)
            ops.append(np.ones(shape[pos], dtype=arrays[k].dtype))
    grad = np.einsum(",".join(subs) + "->" + "".join(target), *ops)
    # Size-1 axes the forward broadcast: sum the gradient back over them.
    stretched = tuple(d for d, n in enumerate(shape) if n == 1 and grad.shape[d] != 1)
    if stretched:
        grad = grad.sum(axis=stretched, keepdims=True)
    return grad


def einsum(subscripts: str, *operands: Any, optimize: Any = None) -> Tensor:
    """Einstein summation with NumPy's subscripts: explicit or implicit output, repeated
    indices (diagonals) and ellipsis broadcasting. (`optimize` is accepted for NumPy's
    signature; the contraction order is always chosen here.)"""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])  # PyTorch's einsum(eq, [a, b])
    if not isinstance(subscripts, str):
        raise TypeError("einsum: the first argument must be the subscripts string")
    return Einsum.apply(subscripts, *operands)


def tensordot(a: Any, b: Any, axes: Any = 2, *, dims: Any = None) -> Tensor:
    """NumPy's tensordot: sum over the last `axes` axes of a and the first of b, or over
    the paired axes lists (`dims=` is PyTorch's name)."""
    if dims is not None:
        axes = dims
    nd_a = a.data.ndim if isinstance(a, Tensor) else np.ndim(a)
    nd_b = b.data.ndim if isinstance(b, Tensor) else np.ndim(b)
    if isinstance(axes, (int, np.integer)):
        if not 0 <= axes <= min(nd_a, nd_b):
            raise ValueError(f"tensordot: axes={axes} with operands of {nd_a} and {nd_b} dims")
        ax_a, ax_b = list(range(nd_a - axes, nd_a)), list(range(axes))
    else:
        ax_a, ax_b = ([axes[0]] if isinstance(axes[0], (int, np.integer)) else list(axes[0]),
                      [axes[1]] if isinstance(axes[1], (int, np.integer)) else list(axes[1]))
        if len(ax_a) != len(ax_b):
            raise ValueError(f"tensordot: axes {axes} pair {len(ax_a)} with {len(ax_b)} axes")
        ax_a = [int(x) % nd_a for x in ax_a]
        ax_b = [int(x) % nd_b for x in ax_b]
    la, lb = _LETTERS[:nd_a], list(_LETTERS[nd_a:nd_a + nd_b])
    for i, j in zip(ax_a, ax_b):
        lb[j] = la[i]
    out = "".join(c for i, c in enumerate(la) if i not in ax_a) + \
        "".join(c for j, c in enumerate(lb) if j not in ax_b)
    return einsum(f"{la},{''.join(lb)}->{out}", a, b)


def outer(a: Any, b: Any) -> Tensor:
    """yᵢⱼ = aᵢ bⱼ over the flattened operands (NumPy's outer; PyTorch's for 1-D)."""
    a, b = promote_operands(a, b)
    a = a.reshape(-1) if isinstance(a, Tensor) else np.ravel(a)
    b = b.reshape(-1) if isinstance(b, Tensor) else np.ravel(b)
    return Einsum.apply("i,j->ij", a, b)
