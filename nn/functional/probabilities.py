"""Softmax and log-softmax along an axis, shifted by the maximum so no exp overflows."""
from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Tensor
from autograd.extend import Op, data_of, normalize_axis

from ._util import row_max

__all__ = ["softmax", "log_softmax"]


def _max(x: np.ndarray, axis: int | None) -> np.ndarray:
    """The shift that keeps exp from overflowing: the maximum along `axis`, kept."""
    if axis == 1 and x.ndim == 2:
        return row_max(x)
    return x.max(axis=axis, keepdims=True)


class Softmax(Op):
    """yᵢ = e^(xᵢ - m) / Σⱼ e^(xⱼ - m), m = max x; dx = y (g - Σ g y)"""

    def forward(ctx: Any, x: Any, axis: int | None) -> Any:
        e = np.asarray(np.exp(x - _max(x, axis)))
        e /= e.sum(axis=axis, keepdims=True)
        ctx.saved = (e, axis)
        return e

    def backward(ctx: Any, g: Any) -> tuple:
        y, axis = ctx.saved
        gy = g * y
        return gy - y * gy.sum(axis=axis, keepdims=True), None


class LogSoftmax(Op):
    """yᵢ = xᵢ - m - ln Σⱼ e^(xⱼ - m), m = max x; dx = g - e^y Σ g"""

    def forward(ctx: Any, x: Any, axis: int | None) -> Any:
        z = np.asarray(x - _max(x, axis))
        z -= np.log(np.exp(z).sum(axis=axis, keepdims=True))
        ctx.saved = (z, axis)
        return z

    def backward(ctx: Any, g: Any) -> tuple:
        y, axis = ctx.saved
        return g - np.exp(y) * g.sum(axis=axis, keepdims=True), None


def _axis(x: Any, axis: int, name: str) -> int | None:
    """`axis` as a non-negative int; None for a 0-d input (a single element, as torch)."""
    ndim = data_of(x).ndim
    if not isinstance(axis, (int, np.integer)):
        raise TypeError(f"{name}: axis must be one int; got {axis!r}")
    if ndim == 0 and axis in (0, -1):
        return None
    return normalize_axis(axis, ndim, name)[0]


def torch_dim(name: str, axis: int, dim: int | None) -> int:
    """PyTorch's `dim=` as an alias of `axis=` (passing both is a TypeError)."""
    if dim is None:
        return axis
    if axis != -1:
        raise TypeError(f"{name}() got both axis= and its PyTorch spelling dim=; pass one")
    return dim


def softmax(x: Any, axis: int = -1, *, dim: int | None = None) -> Tensor:
    """e^x / Σ e^x along `axis` (each slice sums to 1); `dim=` is PyTorch's spelling."""
    return Softmax.apply(x, _axis(x, torch_dim("softmax", axis, dim), "softmax"))


def log_softmax(x: Any, axis: int = -1, *, dim: int | None = None) -> Tensor:
    """x - logsumexp(x) along `axis`; more accurate than log(softmax(x))."""
    return LogSoftmax.apply(x, _axis(x, torch_dim("log_softmax", axis, dim), "log_softmax"))
