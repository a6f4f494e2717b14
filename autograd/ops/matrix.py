"""Triangles, diagonals, traces and norms."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Op
from ..tensor import Tensor
from ._util import as_tensor, kept_shape, normalize_axis
from .shape import getitem, transpose


class _Triangle(Op):
    """Keep one triangle of the last two axes; the gradient keeps the same triangle."""

    complex_rule = "linear"

    _fn = staticmethod(np.tril)

    @classmethod
    def forward(cls, ctx: Any, x: Any, k: int) -> Any:
        if x.ndim < 2:
            raise ValueError(f"{cls.__name__.lower()}: needs at least 2 dimensions, got shape "
                             f"{x.shape}")
        ctx.saved = (k,)
        return cls._fn(x, k)

    @classmethod
    def backward(cls, ctx: Any, g: Any) -> tuple:
        return cls._fn(g, ctx.saved[0]), None


class Tril(_Triangle):
    """y = x where column ≤ row + k, else 0; dx = g masked the same way"""


class Triu(_Triangle):
    """y = x where column ≥ row + k, else 0; dx = g masked the same way"""

    _fn = staticmethod(np.triu)


def tril(x: Any, k: int = 0, *, diagonal: int | None = None) -> Tensor:
    """Lower triangle of the last two axes (`diagonal=` is PyTorch's name for k)."""
    return Tril.apply(x, int(k if diagonal is None else diagonal))


def triu(x: Any, k: int = 0, *, diagonal: int | None = None) -> Tensor:
    """Upper triangle of the last two axes (`diagonal=` is PyTorch's name for k)."""
    return Triu.apply(x, int(k if diagonal is None else diagonal))


def diagonal(x: Any, offset: int = 0, axis1: int = 0, axis2: int = 1, *,
             dim1: int | None = None, dim2: int | None = None) -> Tensor:
    """The diagonal of the (axis1, axis2) planes as a last axis (NumPy's and PyTorch's)."""
    x = as_tensor(x)
    axis1 = axis1 if dim1 is None else dim1
    axis2 = axis2 if dim2 is None else dim2
    if x.ndim < 2:
        raise ValueError(f"diagonal: needs at least 2 dimensions, got shape {x.shape}")
    a1 = normalize_axis(axis1, x.ndim, "diagonal")[0]
    a2 = normalize_axis(axis2, x.ndim, "diagonal")[0]
    if a1 == a2:
        raise ValueError(f"diagonal: axis1 and axis2 are the same axis ({a1})")
    rest = [d for d in range(x.ndim) if d not in (a1, a2)]
    moved = transpose(x, *(rest + [a1, a2]))
    rows, cols = moved.shape[-2], moved.shape[-1]
    offset = int(offset)
    n = max(0, min(rows - max(-offset, 0), cols - max(offset, 0)))
    i = np.arange(n)
    return getitem(moved, (Ellipsis, i + max(-offset, 0), i + max(offset, 0)))


class Diag(Op):
    """y = the matrix with v on diagonal k; dv = diagonal k of g"""

    complex_rule = "linear"

    def forward(ctx: Any, v: Any, k: int) -> Any:
        ctx.saved = (k,)
        return np.diag(v, k)

    def backward(ctx: Any, g: Any) -> tuple:
        return np.diagonal(g, ctx.saved[0]), None


def diag(x: Any, k: int = 0, *, diagonal: int | None = None) -> Tensor:
    """A 1-D input becomes a matrix with it on diagonal k; a 2-D input gives its diagonal k."""
    k = int(k if diagonal is None else diagonal)
    nd = x.data.ndim if isinstance(x, Tensor) else np.ndim(x)
    if nd == 1:
        return Diag.apply(x, k)
    if nd == 2:
        return globals()["diagonal"](x, k)
    raise ValueError(f"diag: needs a 1-D or 2-D input, got {nd} dimensions")


def trace(x: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Tensor:
    """Σ of the diagonal (NumPy's trace; over the (axis1, axis2) planes)."""
    return diagonal(x, offset, axis1, axis2).sum(axis=-1)


def _vector_norm(x: Tensor, p: Any, axes: Any, keepdims: bool) -> Tensor:
    if p is None or p == 2:
        return VectorNorm2.apply(x, axes, keepdims)
    a = abs(x)
    if p == np.inf and x.size and all(x.shape[d] for d in (axes or range(x.ndim))):
        return a.max(axis=axes, keepdims=keepdims)
    if p == np.inf:  # over no elements the largest |x| is 0, as NumPy
        return a.sum(axis=axes, keepdims=keepdims)
    if p == -np.inf:
        return a.min(axis=axes, keepdims=keepdims)
    if p == 0:
        return Tensor((x.data != 0).sum(axis=axes, keepdims=keepdims).astype(x.dtype))
    if p == 1:
        return a.sum(axis=axes, keepdims=keepdims)
    return (a ** float(p)).sum(axis=axes, keepdims=keepdims) ** (1.0 / float(p))


class VectorNorm2(Op):
    """y = √Σ |x|²; dx = g x / y (0 where y = 0, as PyTorch; for complex x too)"""

    def forward(ctx: Any, x: Any, axes: Any, keepdims: bool) -> Any:
        sq = x * x if x.dtype.kind != "c" else (x * x.conj()).real  # |x|² for complex x
        y = np.sqrt(np.sum(sq, axis=axes, keepdims=keepdims))
        ctx.saved = (x, y, kept_shape(x.shape, axes))  # y itself: create_graph links it
        return y

    def backward(ctx: Any, g: Any) -> tuple:
        x, y, kshape = ctx.saved
        y = y.reshape(kshape)
        zero = y == 0
        safe = np.where(zero, 1, y)
        return np.where(zero, 0, g.reshape(y.shape) * x / safe), None, None


def _matrix_norm(x: Tensor, ord: Any, axes: tuple, keepdims: bool) -> Tensor:
    r, c = axes
    if ord in ("fro", None):
        return VectorNorm2.apply(x, tuple(sorted(axes)), keepdims)
    if ord in (1, -1, np.inf, -np.inf):
        inner, outer = (r, c) if ord in (1, -1) else (c, r)
        sums = abs(x).sum(axis=inner, keepdims=True)
        # Over no columns (rows) NumPy's largest sum is 0; the smallest is an error.
        pick = sums.sum if ord > 0 and x.shape[outer] == 0 else (
            sums.max if ord > 0 else sums.min)
        out = pick(axis=outer, keepdims=True)
        return out if keepdims else out.squeeze(axis=axes)
    if ord in ("nuc", 2, -2):  # from the singular values
        from .decompositions import svd

        rest = [d for d in range(x.ndim) if d not in (r, c)]
        s = svd(transpose(x, *rest, r, c), compute_uv=False)
        out = s.sum(axis=-1) if ord == "nuc" else (s.max(axis=-1) if ord == 2 else
                                                    s.min(axis=-1))
        return out.reshape(kept_shape(x.shape, tuple(sorted(axes)))) if keepdims else out
    raise ValueError(
        f"norm: matrix ord={ord!r} is not one of None, 'fro', 'nuc', 1, -1, 2, -2, inf, -inf"
    )


def norm(x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> Tensor:
    """NumPy's linalg.norm (= torch.linalg.norm): a vector norm over one axis (or all
    elements when ord is None), a matrix norm over two axes or a 2-D input with ord given."""
    x = as_tensor(x)
    nd = x.ndim
    axes = normalize_axis(axis, nd, "norm")
    if axes is None and ord is None:
        return VectorNorm2.apply(x, None, keepdims)
    if axes is None:
        if nd not in (1, 2):
            raise ValueError(f"norm: ord={ord!r} without axis needs a 1-D or 2-D input, got "
                             f"shape {x.shape}")
        axes = tuple(range(nd))
    if len(axes) == 2:
        order = tuple(int(a) % nd for a in axis) if axis is not None else axes
        return _matrix_norm(x, ord, order, keepdims)
    if len(axes) != 1 or isinstance(ord, str):
        raise ValueError(f"norm: ord={ord!r} over axis {axis} of shape {x.shape} is not a "
                         "vector or matrix norm")
    return _vector_norm(x, ord, axes, keepdims)


def vector_norm(x: Any, ord: Any = 2, axis: Any = None, keepdims: bool = False) -> Tensor:
    """(Σ |x|^ord)^(1/ord) over `axis` (all elements when None), as torch.linalg.vector_norm;
    also the meaning of `Tensor.norm(p, dim)`."""
    x = as_tensor(x)
    return _vector_norm(x, 2 if ord in (None, "fro") else ord,
                        normalize_axis(axis, x.ndim, "vector_norm"), keepdims)
