"""Layer normalisation over the trailing axes, as one fused op.

With x̂ = (x - μ) / √(σ² + ε), μ and σ² (biased) over the normalised axes of each sample:
y = γ x̂ + β. The backward pass recomputes x̂ from x, so the same formula runs on Tensors
under create_graph and is differentiable again.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Tensor
from autograd.extend import Op

__all__ = ["layer_norm"]


def _normalize(x: Any, axes: tuple, eps: float) -> tuple:
    xc = x - x.mean(axis=axes, keepdims=True)
    inv_std = 1.0 / np.sqrt((xc * xc).mean(axis=axes, keepdims=True) + eps)
    return xc * inv_std, inv_std


class LayerNormOp(Op):
    """y = γ x̂ + β; with ĝ = g γ and means over the normalised axes:
    dx = σ⁻¹ (ĝ - mean(ĝ) - x̂ mean(ĝ x̂)), dγ = Σ g x̂, dβ = Σ g over the batch axes"""

    def forward(ctx: Any, x: Any, weight: Any, bias: Any, axes: tuple, eps: float) -> Any:
        ctx.saved = (x, weight, axes, eps)
        y, _ = _normalize(x, axes, eps)
        if weight is not None:
            y = y * weight
        if bias is not None:
            y = y + bias
        return y

    def backward(ctx: Any, g: Any) -> tuple:
        x, weight, axes, eps = ctx.saved
        px, pw, pb = ctx.parents[:3]
        xhat, inv_std = _normalize(x, axes, eps)
        batch = tuple(range(x.ndim - len(axes)))
        gw = (g * xhat).sum(axis=batch) if pw is not None else None
        gb = g.sum(axis=batch) if pb is not None else None
        gx = None
        if px is not None:
            gh = g * weight if weight is not None else g
            gx = inv_std * (gh - gh.mean(axis=axes, keepdims=True)
                            - xhat * (gh * xhat).mean(axis=axes, keepdims=True))
        return gx, gw, gb, None, None


def normalized_shape_tuple(shape: Any, op: str) -> tuple[int, ...]:
    """An int or a sequence of positive ints as a tuple (TypeError/ValueError naming `op`)."""
    items = (shape,) if isinstance(shape, (int, np.integer)) else shape
    try:
        items = tuple(items)
    except TypeError:
        raise TypeError(f"{op}: normalized_shape must be an int or a sequence of ints, got "
                        f"{shape!r}") from None
    if not items or not all(isinstance(n, (int, np.integer)) and not isinstance(n, bool)
                            for n in items):
        raise TypeError(f"{op}: normalized_shape must be an int or a non-empty sequence of "
                        f"ints, got {shape!r}")
    if any(n < 1 for n in items):
        raise ValueError(f"{op}: normalized_shape must hold positive sizes, got {shape!r}")
    return tuple(int(n) for n in items)


def layer_norm(input: Any, normalized_shape: Any, weight: Any = None, bias: Any = None,
               eps: float = 1e-5) -> Tensor:
    """y = (x - μ) / √(σ² + ε) · γ + β, with μ and σ² (biased) over the trailing axes given by
    `normalized_shape`, as PyTorch's `F.layer_norm`."""
    shape = normalized_shape_tuple(normalized_shape, "layer_norm")
    data = input.data if isinstance(input, Tensor) else np.asarray(input)
    d = len(shape)
    if data.dtype.kind != "f":
        raise TypeError(f"layer_norm: expected a floating-point input, got dtype {data.dtype}")
    if data.shape[data.ndim - d:] != shape or data.ndim < d:
        raise ValueError(f"layer_norm: normalized_shape {shape} expects an input of shape "
                         f"(*, {', '.join(map(str, shape))}), got {data.shape}")
    for name, p in (("weight", weight), ("bias", bias)):
        if p is not None and np.shape(p.data if isinstance(p, Tensor) else p) != shape:
            raise ValueError(f"layer_norm: {name} of shape {np.shape(p)} does not match "
                             f"normalized_shape {shape}")
    if not (isinstance(eps, (int, float)) and eps >= 0):
        raise ValueError(f"layer_norm: eps must be a number >= 0, got {eps!r}")
    axes = tuple(range(data.ndim - d, data.ndim))
    return LayerNormOp.apply(input, weight, bias, axes, float(eps))
