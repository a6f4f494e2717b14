"""Reductions. Each backward reshapes g to the kept shape and broadcasts it back."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..function import Op
from ..tensor import Tensor, _make
from ._util import kept_shape, normalize_axis, reduced_count

# The public ops of this family (autograd and Tensor export them from here).
__all__ = [
    "sum", "mean", "var", "std", "max", "min", "logsumexp", "argmax", "argmin",
]


def _expand(g: Any, kshape: tuple, shape: tuple) -> Any:
    return np.broadcast_to(g.reshape(kshape), shape)


class Sum(Op):
    """y = Σ x over axes; dx = g broadcast back"""

    def forward(ctx: Any, x: Any, axes: Any, keepdims: bool) -> Any:
        ctx.saved = (x.shape, kept_shape(x.shape, axes))
        return x.sum(axis=axes, keepdims=keepdims)

    def backward(ctx: Any, g: Any) -> tuple:
        shape, kshape = ctx.saved
        return _expand(g, kshape, shape), None, None


class Mean(Op):
    """y = Σ x / n over axes; dx = g / n broadcast back"""

    def forward(ctx: Any, x: Any, axes: Any, keepdims: bool) -> Any:
        ctx.saved = (x.shape, kept_shape(x.shape, axes), reduced_count(x.shape, axes))
        return x.mean(axis=axes, keepdims=keepdims)

    def backward(ctx: Any, g: Any) -> tuple:
        shape, kshape, n = ctx.saved
        return _expand(g * (1.0 / n) if n else g, kshape, shape), None, None


class Var(Op):
    """y = Σ (x - x̄)² / (n - ddof); dx = g 2 (x - x̄) / (n - ddof)"""

    def forward(ctx: Any, x: Any, axes: Any, keepdims: bool, ddof: int) -> Any:
        ctx.saved = (x, axes, ddof)
        return x.var(axis=axes, keepdims=keepdims, ddof=ddof)

    def backward(ctx: Any, g: Any) -> tuple:
        x, axes, ddof = ctx.saved
        kshape = kept_shape(x.shape, axes)
        dof = reduced_count(x.shape, axes) - ddof
        # No degrees of freedom left: the value is NaN, and so is its gradient (as in PyTorch).
        scale = 2.0 / dof if dof > 0 else math.nan
        centred = x - x.mean(axis=axes, keepdims=True)
        return g.reshape(kshape) * scale * centred, None, None, None


class Std(Op):
    """y = √var(x); dx = g (x - x̄) / ((n - ddof) y), 0 where y = 0"""

    def forward(ctx: Any, x: Any, axes: Any, keepdims: bool, ddof: int) -> Any:
        y = x.std(axis=axes, keepdims=keepdims, ddof=ddof)
        ctx.saved = (x, axes, ddof, y)
        return y

    def backward(ctx: Any, g: Any) -> tuple:
        x, axes, ddof, y = ctx.saved
        kshape = kept_shape(x.shape, axes)
        dof = reduced_count(x.shape, axes) - ddof
        centred = x - x.mean(axis=axes, keepdims=True)
        yk = y.reshape(kshape)
        # Where the input is constant (y = 0) the gradient is 0, as PyTorch defines it; the
        # denominator is patched there so no 0/0 is evaluated.
        zero = yk == 0
        denom = np.where(zero, 1, yk) * (dof if dof > 0 else math.nan)
        return np.where(zero, 0, g.reshape(kshape) * centred / denom), None, None, None


class _Extreme(Op):
    """Shared backward of max and min: ties share the gradient equally."""

    def backward(ctx: Any, g: Any) -> tuple:
        x, axes, y = ctx.saved
        kshape = kept_shape(x.shape, axes)
        mask = x == y.reshape(kshape)
        count = mask.sum(axis=axes, keepdims=True).astype(x.dtype)
        return mask * (g.reshape(kshape) / count), None, None


class Max(_Extreme):
    """y = max x over axes; dx = g / k at the k positions equal to the max"""

    def forward(ctx: Any, x: Any, axes: Any, keepdims: bool) -> Any:
        y = x.max(axis=axes, keepdims=keepdims)
        ctx.saved = (x, axes, y)
        return y


class Min(_Extreme):
    """y = min x over axes; dx = g / k at the k positions equal to the min"""

    def forward(ctx: Any, x: Any, axes: Any, keepdims: bool) -> Any:
        y = x.min(axis=axes, keepdims=keepdims)
        ctx.saved = (x, axes, y)
        return y


class LogSumExp(Op):
    """y = m + ln Σ e^(x - m), m = max x; dx = g e^(x - y)"""

    def forward(ctx: Any, x: Any, axes: Any, keepdims: bool) -> Any:
        # `initial`: over an empty axis the result is ln 0 = -inf, as in PyTorch, not an error.
        m = x.max(axis=axes, keepdims=True, initial=-np.inf)
        m = np.where(np.isfinite(m), m, 0)
        with np.errstate(divide="ignore"):
            y = np.log(np.exp(x - m).sum(axis=axes, keepdims=True)) + m
        if not keepdims:
            y = y.reshape(tuple(n for i, n in enumerate(x.shape) if axes and i not in axes))
        ctx.saved = (x, axes, y)
        return y

    def backward(ctx: Any, g: Any) -> tuple:
        x, axes, y = ctx.saved
        kshape = kept_shape(x.shape, axes)
        return g.reshape(kshape) * np.exp(x - y.reshape(kshape)), None, None


def _reduce(cls: Any, name: str) -> Any:
    def reduce(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
        nd = x.data.ndim if isinstance(x, Tensor) else np.ndim(x)
        return cls.apply(x, normalize_axis(axis, nd, name), keepdims)

    reduce.__name__ = name
    reduce.__doc__ = cls.__doc__
    return reduce


sum = _reduce(Sum, "sum")  # noqa: A001  (the op's name)
mean = _reduce(Mean, "mean")
max = _reduce(Max, "max")  # noqa: A001
min = _reduce(Min, "min")  # noqa: A001
logsumexp = _reduce(LogSumExp, "logsumexp")


def var(x: Any, axis: Any = None, keepdims: bool = False, ddof: int = 0) -> Tensor:
    """Variance Σ (x - x̄)² / (n - ddof) over `axis`."""
    nd = x.data.ndim if isinstance(x, Tensor) else np.ndim(x)
    return Var.apply(x, normalize_axis(axis, nd, "var"), keepdims, ddof)


def std(x: Any, axis: Any = None, keepdims: bool = False, ddof: int = 0) -> Tensor:
    """Standard deviation √(Σ (x - x̄)² / (n - ddof)) over `axis`."""
    nd = x.data.ndim if isinstance(x, Tensor) else np.ndim(x)
    return Std.apply(x, normalize_axis(axis, nd, "std"), keepdims, ddof)


def argmax(x: Any, axis: int | None = None, keepdims: bool = False) -> Tensor:
    """Index of the largest element (no gradient)."""
    data = x.data if isinstance(x, Tensor) else np.asarray(x)
    return _make(np.argmax(data, axis=axis, keepdims=keepdims), None)


def argmin(x: Any, axis: int | None = None, keepdims: bool = False) -> Tensor:
    """Index of the smallest element (no gradient)."""
    data = x.data if isinstance(x, Tensor) else np.asarray(x)
    return _make(np.argmin(data, axis=axis, keepdims=keepdims), None)
