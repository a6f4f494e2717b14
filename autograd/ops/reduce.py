"""Reductions. Each backward reshapes g to the kept shape and broadcasts it back."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..complex_grad import refuse_ordering
from ..function import Op
from ..tensor import Tensor, _make
from ._util import kept_shape, normalize_axis, reduced_count, torch_axes

# The public ops of this family (autograd and Tensor export them from here).
__all__ = [
    "sum", "mean", "var", "std", "max", "min", "logsumexp", "argmax", "argmin",
]


def _expand(g: Any, kshape: tuple, shape: tuple) -> Any:
    return np.broadcast_to(g.reshape(kshape), shape)


class Sum(Op):
    """y = Σ x over axes; dx = g broadcast back"""

    complex_rule = "linear"

    def forward(ctx: Any, x: Any, axes: Any, keepdims: bool) -> Any:
        ctx.saved = (x.shape, kept_shape(x.shape, axes))
        return x.sum(axis=axes, keepdims=keepdims)

    def backward(ctx: Any, g: Any) -> tuple:
        shape, kshape = ctx.saved
        return _expand(g, kshape, shape), None, None


class Mean(Op):
    """y = Σ x / n over axes; dx = g / n broadcast back"""

    complex_rule = "linear"

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
        if x.dtype == np.float16:  # squares overflow float16 from |x - x̄| = 256: use float32
            return np.asarray(x.var(axis=axes, keepdims=keepdims, ddof=ddof,
                                    dtype=np.float32)).astype(np.float16)
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
        acc = np.float32 if x.dtype == np.float16 else None  # as var: float16 squares overflow
        y = x.std(axis=axes, keepdims=keepdims, ddof=ddof, dtype=acc)
        if acc is not None:
            y = np.asarray(y).astype(x.dtype)
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
    def reduce(x: Any, axis: Any = None, keepdims: bool = False, **torch_names: Any) -> Tensor:
        if torch_names:  # dim=, keepdim=
            axis, keepdims = torch_axes(name, torch_names, axis, keepdims)
        nd = x.data.ndim if isinstance(x, Tensor) else np.ndim(x)
        axes = normalize_axis(axis, nd, name)
        if name in ("max", "min"):
            _refuse_empty(name, np.shape(x.data if isinstance(x, Tensor) else x), axes)
        return cls.apply(x, axes, keepdims)

    reduce.__name__ = name
    reduce.__doc__ = cls.__doc__
    return reduce


sum = _reduce(Sum, "sum")  # noqa: A001  (the op's name)
mean = _reduce(Mean, "mean")
max = _reduce(Max, "max")  # noqa: A001
min = _reduce(Min, "min")  # noqa: A001
logsumexp = _reduce(LogSumExp, "logsumexp")


def var(x: Any, axis: Any = None, keepdims: bool = False, ddof: int = 0,
        **torch_names: Any) -> Tensor:
    """Variance Σ (x - x̄)² / (n - ddof) over `axis`."""
    if torch_names:
        axis, keepdims = torch_axes("var", torch_names, axis, keepdims)
    nd = x.data.ndim if isinstance(x, Tensor) else np.ndim(x)
    return Var.apply(x, normalize_axis(axis, nd, "var"), keepdims, ddof)


def std(x: Any, axis: Any = None, keepdims: bool = False, ddof: int = 0,
        **torch_names: Any) -> Tensor:
    """Standard deviation √(Σ (x - x̄)² / (n - ddof)) over `axis`."""
    if torch_names:
        axis, keepdims = torch_axes("std", torch_names, axis, keepdims)
    nd = x.data.ndim if isinstance(x, Tensor) else np.ndim(x)
    return Std.apply(x, normalize_axis(axis, nd, "std"), keepdims, ddof)


def _refuse_empty(name: str, shape: tuple, axes: tuple | None) -> None:
    """max, min, argmax and argmin of nothing have no value (PyTorch and NumPy refuse too)."""
    reduced = range(len(shape)) if axes is None else axes
    if any(shape[a] == 0 for a in reduced) or (axes is None and 0 in shape):
        raise ValueError(f"{name}: the tensor of shape {shape} is empty along the reduced "
                         f"axis {'(all)' if axes is None else axes}, so it has no {name}")


def argmax(x: Any, axis: int | None = None, keepdims: bool = False,
           **torch_names: Any) -> Tensor:
    """Index of the largest element (no gradient)."""
    if torch_names:
        axis, keepdims = torch_axes("argmax", torch_names, axis, keepdims)
    refuse_ordering("argmax", x)
    data = x.data if isinstance(x, Tensor) else np.asarray(x)
    _refuse_empty("argmax", data.shape, normalize_axis(axis, data.ndim, "argmax"))
    return _make(np.argmax(data, axis=axis, keepdims=keepdims), None)


def argmin(x: Any, axis: int | None = None, keepdims: bool = False,
           **torch_names: Any) -> Tensor:
    """Index of the smallest element (no gradient)."""
    if torch_names:
        axis, keepdims = torch_axes("argmin", torch_names, axis, keepdims)
    refuse_ordering("argmin", x)
    data = x.data if isinstance(x, Tensor) else np.asarray(x)
    _refuse_empty("argmin", data.shape, normalize_axis(axis, data.ndim, "argmin"))
    return _make(np.argmin(data, axis=axis, keepdims=keepdims), None)
