"""Matrix products with NumPy's matmul semantics (batched, 1-D promoted and removed)."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Op
from ..tensor import Tensor

# The public ops of this family (autograd and Tensor export them from here).
__all__ = [
    "matmul", "dot",
]


class MatMul(Op):
    """y = a @ b; da = g @ bᵀ, db = aᵀ @ g (1-D operands promoted, batch axes summed)"""

    complex_rule = "holomorphic"

    def forward(ctx: Any, a: Any, b: Any) -> Any:
        ctx.saved = (a, b)
        try:
            return np.matmul(a, b)
        except ValueError:
            raise ValueError(
                f"matmul: shapes {np.shape(a)} and {np.shape(b)} are not aligned (the last "
                "axis of the first must equal the second-to-last of the second)"
            ) from None

    def backward(ctx: Any, g: Any) -> tuple:
        a, b = ctx.saved
        pa, pb = ctx.needs_input_grad
        if a.ndim == 1 and b.ndim == 1:
            return (g * b if pa else None), (g * a if pb else None)
        if a.ndim == 1:
            a = a.reshape((1, a.shape[0]))
            g = g.reshape(g.shape[:-1] + (1, g.shape[-1]))
        if b.ndim == 1:
            b = b.reshape((b.shape[0], 1))
            g = g.reshape(g.shape + (1,))
        ga = gb = None
        if pa:
            ga = g @ b.swapaxes(-1, -2)
            if ctx.saved[0].ndim == 1:
                ga = ga.reshape(ga.shape[:-2] + (ga.shape[-1],))
        if pb:
            gb = a.swapaxes(-1, -2) @ g
            if ctx.saved[1].ndim == 1:
                gb = gb.reshape(gb.shape[:-1])
        return ga, gb


def matmul(a: Any, b: Any) -> Tensor:
    """Matrix product with NumPy's `matmul` rules."""
    return MatMul.apply(a, b)


def dot(a: Any, b: Any) -> Tensor:
    """NumPy's `dot` for 0-, 1- and 2-D operands (a product for scalars, else matmul)."""
    na, nb = np.ndim(a.data if isinstance(a, Tensor) else a), np.ndim(
        b.data if isinstance(b, Tensor) else b)
    if na == 0 or nb == 0:
        from .arithmetic import mul

        return mul(a, b)
    if na > 2 or nb > 2:
        raise ValueError(
            f"dot: operands with {na} and {nb} dimensions; for batched products use matmul"
        )
    return MatMul.apply(a, b)
