"""Batch normalisation over the channel axis (axis 1) of (N, C, *spatial) inputs.

Training: x̂ = (x - μ_B) / √(σ²_B + ε), y = γ x̂ + β, with μ_B and σ²_B (biased) over every axis
but the channels; running_mean ← (1 - m) running_mean + m μ_B and running_var ← (1 - m)
running_var + m σ²_B n / (n - 1) (unbiased, n values per channel). Eval: the running statistics
replace μ_B and σ²_B.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograd import Tensor
from autograd.extend import Op, data_of

__all__ = ["batch_norm", "reduced_axes", "values_per_channel"]


def _channels(a: Any, ndim: int) -> Any:
    """A per-channel (C,) array shaped to broadcast against an (N, C, *spatial) input."""
    return a if ndim == 2 else a.reshape((-1,) + (1,) * (ndim - 2))


class BatchNormOp(Op):
    """y = γ x̂ + β with batch statistics; with xc = x - μ_B, σ⁻¹ = 1/√(σ²_B + ε) and means
    over every axis but the channels: dx = γ σ⁻¹ (g - mean(g) - xc σ⁻² mean(g xc)),
    dγ = σ⁻¹ Σ g xc, dβ = Σ g"""

    def forward(ctx: Any, x: Any, weight: Any, bias: Any, centred: Any, var: Any, eps: float,
                axes: tuple) -> Any:
        # The caller computes x - μ_B and σ²_B (kept dims) because it also needs them for the
        # running statistics, and hands over `centred` to be scaled in place. Backward
        # recomputes both from x, so that it stays differentiable under create_graph.
        ctx.saved = (x, weight, eps, axes)
        scale = 1.0 / np.sqrt(var + eps)
        if weight is not None:
            scale = scale * _channels(weight, x.ndim)
        centred *= scale
        if bias is not None:
            centred += _channels(bias, x.ndim)
        return centred.astype(x.dtype, copy=False)  # float16 was normalised in float32

    def backward(ctx: Any, g: Any) -> tuple:
        x, weight, eps, axes = ctx.saved
        px, pw, pb = ctx.parents[:3]
        if x.dtype == np.float16:  # float16 squares overflow: accumulate in float32
            x, g = x.astype(np.float32), g.astype(np.float32)
        xc = x - x.mean(axis=axes, keepdims=True)
        inv_std = 1.0 / np.sqrt((xc * xc).mean(axis=axes, keepdims=True) + eps)
        sum_g = g.sum(axis=axes, keepdims=True)
        sum_gxc = (g * xc).sum(axis=axes, keepdims=True)
        gw = (sum_gxc * inv_std).reshape((-1,)) if pw is not None else None
        gb = sum_g.reshape((-1,)) if pb is not None else None
        gx = None
        if px is not None:
            inv_n = x.shape[1] / x.size  # 1 / the number of values per channel
            scale = inv_std if weight is None else inv_std * _channels(weight, x.ndim)
            proj = inv_std * inv_std * sum_gxc * inv_n
            gx = (g - sum_g * inv_n - xc * proj) * scale
        return gx, gw, gb, None, None, None, None


def reduced_axes(shape: tuple, who: str, ndims: tuple = (), num_features: int | None = None,
                 expected: str = "") -> tuple:
    """The axes batch statistics reduce over: every axis but the channels (axis 1).

    `ndims` lists the ranks `who` accepts (any rank from 2 when empty), `expected` describes
    them for the error; `num_features` is checked against the channel axis.
    """
    if len(shape) < 2 or (ndims and len(shape) not in ndims):
        raise ValueError(f"{who}: expected input of shape {expected or '(N, C, ...)'}, "
                         f"got {shape}")
    if num_features is not None and shape[1] != num_features:
        raise ValueError(
            f"{who}: input has {shape[1]} channels on axis 1 (shape {shape}) but the layer "
            f"was built for num_features={num_features}"
        )
    return (0,) + tuple(range(2, len(shape)))


def values_per_channel(shape: tuple, who: str) -> int:
    """n = N·(spatial size), refused when 1 or less (no variance to take in training)."""
    n = math.prod(shape) // shape[1] if shape[1] else 0
    if n <= 1:
        raise ValueError(
            f"{who}: expected more than 1 value per channel when training, got input of shape "
            f"{shape}; use a larger batch or eval()"
        )
    return n


def _blend(buf: Any, value: np.ndarray, m: float) -> None:
    """buf ← (1 - m) buf + m value in buf's dtype: a Tensor gets a new `.data` array (state
    copies handed out earlier stay intact), an ndarray is overwritten."""
    arr = data_of(buf)
    new = ((1.0 - m) * arr + m * value).astype(arr.dtype, copy=False)
    if isinstance(buf, Tensor):
        buf.data = new
    else:
        arr[...] = new


def _train(x: Tensor, axes: tuple, running_mean: Any, running_var: Any, weight: Any,
           bias: Any, momentum: float | None, eps: float, num_batches_tracked: int) -> Tensor:
    data = x.data
    n = values_per_channel(data.shape, "batch_norm")
    if data.dtype == np.float16:  # statistics in float32, as PyTorch: squares overflow
        data = data.astype(np.float32)
    mean = data.mean(axis=axes, keepdims=True)
    centred = data - mean
    var = np.square(centred).mean(axis=axes, keepdims=True)
    if running_mean is not None:
        if momentum is None and num_batches_tracked < 1:
            raise ValueError(
                "batch_norm: momentum=None (a cumulative average) needs "
                f"num_batches_tracked >= 1 counting this batch, got {num_batches_tracked}"
            )
        m = 1.0 / num_batches_tracked if momentum is None else momentum
        _blend(running_mean, mean.reshape(-1), m)
        _blend(running_var, var.reshape(-1) * (n / (n - 1)), m)
    return BatchNormOp.apply(x, weight, bias, centred, var, eps, axes)


def _evaluate(x: Tensor, running_mean: Any, running_var: Any, weight: Any, bias: Any,
              eps: float) -> Tensor:
    """Eval is an affine map per channel: y = x · s + t with s = γ / √(σ² + ε), t = β - μ s."""
    if running_mean is None or running_var is None:
        raise ValueError("batch_norm: eval mode needs running_mean and running_var")
    scale = Tensor(1.0 / np.sqrt(data_of(running_var) + eps))
    if weight is not None:
        scale = scale * weight
    shift = -(Tensor(data_of(running_mean)) * scale)
    if bias is not None:
        shift = shift + bias
    if x.ndim > 2:
        spread = (-1,) + (1,) * (x.ndim - 2)
        scale, shift = scale.reshape(spread), shift.reshape(spread)
    return x * scale + shift


def _check_per_channel(x_shape: tuple, **per_channel: Any) -> None:
    """Each given per-channel array must have shape (C,): a (1,) array would broadcast
    silently."""
    for name, value in per_channel.items():
        if value is not None and np.shape(data_of(value)) != (x_shape[1],):
            raise ValueError(
                f"batch_norm: {name} of shape {np.shape(data_of(value))} does not match the "
                f"{x_shape[1]} channels of an input of shape {x_shape}; it needs shape "
                f"({x_shape[1]},)"
            )


def batch_norm(x: Any, running_mean: Any, running_var: Any, weight: Any = None,
               bias: Any = None, training: bool = False, momentum: float | None = 0.1,
               eps: float = 1e-5, num_batches_tracked: int = 0) -> Tensor:
    """Batch normalisation as PyTorch's `F.batch_norm`, on (N, C, *spatial) inputs. In
    training the running statistics (Tensors, ndarrays, or None to skip) are blended with the
    batch's: a Tensor gets a new `.data` array, an ndarray is overwritten. `momentum=None`
    means a cumulative average over `num_batches_tracked` batches (this one included)."""
    if not isinstance(x, Tensor):
        x = Tensor(x)
    axes = reduced_axes(x.shape, "batch_norm")
    _check_per_channel(x.shape, running_mean=running_mean, running_var=running_var,
                       weight=weight, bias=bias)
    if training:
        return _train(x, axes, running_mean, running_var, weight, bias, momentum, eps,
                      num_batches_tracked)
    return _evaluate(x, running_mean, running_var, weight, bias, eps)
