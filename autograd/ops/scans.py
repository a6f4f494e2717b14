"""Products, cumulative sums and products, and the no-grad boolean reductions.

Zeros in the input are handled exactly: gradients of products come from products of the other
elements (left and right exclusive cumulative products), never from dividing by the input.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Op
from ..tensor import Tensor, _make
from ._util import normalize_axis


def _ndim(x: Any) -> int:
    return x.data.ndim if isinstance(x, Tensor) else np.ndim(x)


def _axis_slice(ndim: int, axis: int, sl: slice) -> tuple:
    return (slice(None),) * axis + (sl,) + (slice(None),) * (ndim - axis - 1)


def reverse_cumsum(g: Any, axis: int) -> Any:
    """Σ_{j ≥ i} g_j along `axis` (the adjoint of cumsum), on arrays or Tensors."""
    rev = _axis_slice(g.ndim, axis, slice(None, None, -1))
    return np.cumsum(g[rev], axis=axis)[rev]


def exclusive_products(x: Any, axis: int) -> tuple[Any, Any]:
    """(Π_{j < i} x_j, Π_{j > i} x_j) along `axis`, exact when x holds zeros."""
    n = x.shape[axis]
    ones = np.ones_like(x[_axis_slice(x.ndim, axis, slice(0, 1))])
    head = x[_axis_slice(x.ndim, axis, slice(0, n - 1))]
    tail = x[_axis_slice(x.ndim, axis, slice(1, n))]
    left = np.cumprod(np.concatenate([ones, head], axis=axis), axis=axis)
    rev = _axis_slice(x.ndim, axis, slice(None, None, -1))
    right = np.cumprod(np.concatenate([tail, ones], axis=axis)[rev], axis=axis)[rev]
    return left, right


class CumSum(Op):
    """yᵢ = Σ_{j ≤ i} xⱼ along axis; dxᵢ = Σ_{j ≥ i} gⱼ"""

    complex_rule = "linear"

    def forward(ctx: Any, x: Any, axis: int) -> Any:
        ctx.saved = (axis,)
        return np.cumsum(x, axis=axis)

    def backward(ctx: Any, g: Any) -> tuple:
        return reverse_cumsum(g, ctx.saved[0]), None


class CumProd(Op):
    """yᵢ = Π_{j ≤ i} xⱼ; dxₖ = Σ_{i ≥ k} gᵢ Π_{j ≤ i, j ≠ k} xⱼ (exact with zeros)"""

    complex_rule = "holomorphic"

    def forward(ctx: Any, x: Any, axis: int) -> Any:
        y = np.cumprod(x, axis=axis)
        ctx.saved = (x, y, axis)
        return y

    def backward(ctx: Any, g: Any) -> tuple:
        x, y, axis = ctx.saved
        if not bool(np.any(x == 0)):
            return reverse_cumsum(g * y, axis) / x, None
        return _cumprod_grad_with_zeros(x, g, axis), None


def _cumprod_grad_with_zeros(x: Any, g: Any, axis: int) -> Any:
    """dxₖ = Π_{j<k} xⱼ · Σ_{i≥k} gᵢ Π_{k<j≤i} xⱼ, from an (n, n) table of partial products
    (no division, so zeros are exact; O(n²) memory, used only when x holds a zero)."""
    xm = np.moveaxis(x, axis, -1)
    gm = np.moveaxis(g, axis, -1)
    n = xm.shape[-1]
    later = np.arange(n)[None, :] > np.arange(n)[:, None]  # [k, j]: j > k
    # table[..., k, i] = Π_{k < j ≤ i} x_j
    table = np.cumprod(np.where(later, np.expand_dims(xm, -2), 1), axis=-1)
    upper = ~later & ~np.eye(n, dtype=bool)  # i < k: no contribution
    sums = np.sum(np.where(upper, 0, table * np.expand_dims(gm, -2)), axis=-1)
    left, _ = exclusive_products(xm, xm.ndim - 1)
    return np.moveaxis(left * sums, -1, axis)


class ProdLast(Op):
    """y = Π x over the last axis; dxᵢ = g Π_{j ≠ i} xⱼ (exact with zeros)"""

    complex_rule = "holomorphic"

    def forward(ctx: Any, x: Any) -> Any:
        ctx.saved = (x,)
        return np.prod(x, axis=-1)

    def backward(ctx: Any, g: Any) -> tuple:
        (x,) = ctx.saved
        if x.shape[-1] == 0:
            return (np.zeros_like(x),)
        left, right = exclusive_products(x, x.ndim - 1)
        return (np.expand_dims(g, -1) * (left * right),)


def prod(x: Any, axis: Any = None, keepdims: bool = False, dtype: Any = None) -> Tensor:
    """Π x over `axis` (all axes when None); zeros in x give exact gradients."""
    from .shape import reshape, transpose

    if dtype is not None:
        x = x.astype(dtype) if isinstance(x, Tensor) else np.asarray(x, dtype=dtype)
    if not isinstance(x, Tensor):
        x = Tensor(np.asarray(x))
    nd = x.data.ndim
    axes = normalize_axis(axis, nd, "prod")
    axes = tuple(range(nd)) if axes is None else axes
    kept = [i for i in range(nd) if i not in axes]
    n = int(np.prod([x.shape[a] for a in axes], dtype=np.int64))
    moved = transpose(x, *(kept + list(axes))) if kept + list(axes) != list(range(nd)) else x
    y = ProdLast.apply(reshape(moved, *[x.shape[i] for i in kept], n))
    if keepdims:
        y = reshape(y, *[1 if i in axes else x.shape[i] for i in range(nd)])
    return y


def _scan_args(x: Any, axis: Any, op: str) -> tuple[Any, int]:
    """NumPy's scan convention: axis=None scans the flattened input."""
    if axis is None:
        from .shape import reshape

        return reshape(x, -1), 0
    (a,) = normalize_axis(axis, _ndim(x), op)
    return x, a


def cumsum(x: Any, axis: Any = None, dtype: Any = None) -> Tensor:
    """Running sum yᵢ = Σ_{j ≤ i} xⱼ along `axis` (flattened when None)."""
    if dtype is not None:
        x = x.astype(dtype) if isinstance(x, Tensor) else np.asarray(x, dtype=dtype)
    x, a = _scan_args(x, axis, "cumsum")
    return CumSum.apply(x, a)


def cumprod(x: Any, axis: Any = None, dtype: Any = None) -> Tensor:
    """Running product yᵢ = Π_{j ≤ i} xⱼ along `axis` (flattened when None)."""
    if dtype is not None:
        x = x.astype(dtype) if isinstance(x, Tensor) else np.asarray(x, dtype=dtype)
    x, a = _scan_args(x, axis, "cumprod")
    return CumProd.apply(x, a)


def _data(x: Any) -> np.ndarray:
    return x.data if isinstance(x, Tensor) else np.asarray(x)


def all(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """True where every element over `axis` is nonzero (a bool tensor, no gradient)."""
    d = _data(x)
    return _make(np.all(d, axis=normalize_axis(axis, d.ndim, "all"), keepdims=keepdims), None)


def any(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """True where some element over `axis` is nonzero (a bool tensor, no gradient)."""
    d = _data(x)
    return _make(np.any(d, axis=normalize_axis(axis, d.ndim, "any"), keepdims=keepdims), None)
