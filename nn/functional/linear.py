"""Affine maps: `dense` (the course's (in, out) weight) and `linear` (PyTorch's (out, in)).

Both run on one fused op; the only difference is which way the weight is read.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Tensor
from autograd.extend import Op

__all__ = ["dense", "linear"]


class AffineOp(Op):
    """y = x @ Wₓ + b with Wₓ = W (Dense, W of shape (in, out)) or Wᵀ (Linear, (out, in));
    dx = g @ Wₓᵀ, dWₓ = xᵀ @ g (transposed back to W's layout), db = Σ g over the batch axes"""

    def forward(ctx: Any, x: Any, w: Any, b: Any, transposed: bool) -> Any:
        ctx.saved = (x, w, transposed)  # w itself, not a view: create_graph maps it back
        try:
            y = x @ (w.T if transposed else w)
        except ValueError:
            raise ValueError(_mismatch(np.shape(x), np.shape(w), transposed)) from None
        if b is not None:
            if b.dtype is y.dtype or np.result_type(y, b) == y.dtype:
                y += b  # y is a fresh array: adding in place saves one pass and one allocation
            else:
                y = y + b
        return y

    def backward(ctx: Any, g: Any) -> tuple:
        x, w, transposed = ctx.saved
        px, pw, pb = ctx.parents[:3]
        w_in_out = w.T if transposed else w
        gx = g @ w_in_out.T if px is not None else None
        if g.ndim != 2:  # batch axes (none, or several) folded into one
            n_in, n_out = w_in_out.shape
            x, g = x.reshape((-1, n_in)), g.reshape((-1, n_out))
        gw = None
        if pw is not None:
            gw = g.T @ x if transposed else x.T @ g
        gb = g.sum(axis=0) if pb is not None else None
        return gx, gw, gb, None


def _layout(transposed: bool) -> str:
    return "(out_features, in_features)" if transposed else "(in_features, out_features)"


def _mismatch(x_shape: tuple, w_shape: tuple, transposed: bool) -> str:
    layer, n_in = ("Linear", w_shape[1]) if transposed else ("Dense", w_shape[0])
    return (f"{layer}: input of shape {x_shape} does not fit a weight of shape {w_shape} "
            f"{_layout(transposed)}; the input's last axis must have {n_in} features")


def _affine(x: Any, weight: Any, bias: Any, transposed: bool, who: str) -> Tensor:
    """Check the weight, bias and input rank (naming `who`), then apply the fused op, which
    names the layer when the input's features do not fit."""
    # Tensor and ndarray share .ndim and .shape; layers call this on every forward, so the
    # checks stay cheap.
    if not isinstance(x, (Tensor, np.ndarray)):
        x = Tensor(x)  # lists and numbers follow Tensor's dtype policy
    if not isinstance(weight, (Tensor, np.ndarray)):
        weight = Tensor(weight)
    w_shape = weight.shape
    if len(w_shape) != 2:
        raise ValueError(f"{who}: weight must be 2-D {_layout(transposed)}, got shape {w_shape}")
    if x.ndim == 0:
        raise ValueError(f"{who}: the input must have at least one axis (the features)")
    if bias is not None:
        if not isinstance(bias, (Tensor, np.ndarray)):
            bias = np.asarray(bias, dtype=weight.dtype)  # Python numbers take the weight's dtype
        n_out = w_shape[0] if transposed else w_shape[1]
        if bias.shape != (n_out,) and bias.shape != ():
            raise ValueError(
                f"{who}: bias of shape {bias.shape} does not match a weight of shape "
                f"{w_shape} {_layout(transposed)}; it needs shape ({n_out},)"
            )
    return AffineOp.apply(x, weight, bias, transposed)


def dense(x: Any, weight: Any, bias: Any = None) -> Tensor:
    """y = x @ weight + bias, weight of shape (in_features, out_features), as one fused op."""
    return _affine(x, weight, bias, False, "dense")


def linear(input: Any, weight: Any, bias: Any = None) -> Tensor:
    """y = input @ weightᵀ + bias, weight of shape (out_features, in_features) as in PyTorch's
    `F.linear`, as one fused op."""
    return _affine(input, weight, bias, True, "linear")
