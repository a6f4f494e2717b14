"""BatchNorm1d on (N, C) and (N, C, L), with PyTorch's running statistics.

Training: x̂ = (x - μ_B) / √(σ²_B + ε), y = γ x̂ + β, with μ_B and σ²_B (biased) over the batch
(and length) axes; running_mean ← (1 - m) running_mean + m μ_B and running_var ← (1 - m)
running_var + m σ²_B n / (n - 1) (unbiased). Eval: the running statistics replace μ_B, σ²_B.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograd import Tensor
from autograd.function import Op

from . import init
from .module import Module
from .parameter import Parameter

__all__ = ["BatchNorm1d", "batch_norm"]


def _channels(a: Any, ndim: int) -> Any:
    """A per-channel (C,) array shaped to broadcast against (N, C) or (N, C, L)."""
    return a if ndim == 2 else a.reshape((-1, 1))


class BatchNormOp(Op):
    """y = γ x̂ + β with batch statistics; with xc = x - μ_B, σ⁻¹ = 1/√(σ²_B + ε) and means
    over the batch and length axes: dx = γ σ⁻¹ (g - mean(g) - xc σ⁻² mean(g xc)),
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
        return centred

    def backward(ctx: Any, g: Any) -> tuple:
        x, weight, eps, axes = ctx.saved
        px, pw, pb = ctx.parents[:3]
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


def _axes(x: Any, who: str, num_features: int | None = None) -> tuple:
    shape = np.shape(x.data if isinstance(x, Tensor) else x)
    if len(shape) not in (2, 3):
        raise ValueError(f"{who}: expected input of shape (N, C) or (N, C, L), got {shape}")
    if num_features is not None and shape[1] != num_features:
        raise ValueError(
            f"{who}: input has {shape[1]} channels on axis 1 (shape {shape}) but the layer "
            f"was built for num_features={num_features}"
        )
    return (0,) if len(shape) == 2 else (0, 2)


def _values_per_channel(shape: tuple, who: str) -> int:
    n = math.prod(shape) // shape[1]
    if n <= 1:
        raise ValueError(
            f"{who}: expected more than 1 value per channel when training, got input of shape "
            f"{shape}; use a larger batch or eval()"
        )
    return n


def batch_norm(x: Any, running_mean: Any, running_var: Any, weight: Any = None,
               bias: Any = None, training: bool = False, momentum: float | None = 0.1,
               eps: float = 1e-5, num_batches_tracked: int = 0) -> Tensor:
    """Batch normalisation as PyTorch's `F.batch_norm`. In training the running statistics
    (Tensors, ndarrays, or None to skip) are blended with the batch's: a Tensor gets a new
    `.data` array, an ndarray is overwritten. `momentum=None` means a cumulative average over
    `num_batches_tracked` batches (this one included)."""
    if not isinstance(x, Tensor):
        x = Tensor(x)
    axes = _axes(x, "batch_norm")
    data = x.data
    if training:
        n = _values_per_channel(data.shape, "batch_norm")
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
    if running_mean is None or running_var is None:
        raise ValueError("batch_norm: eval mode needs running_mean and running_var")
    rm = running_mean.data if isinstance(running_mean, Tensor) else running_mean
    rv = running_var.data if isinstance(running_var, Tensor) else running_var
    # Eval is an affine map per channel: y = x · s + t with s = γ / √(σ² + ε), t = β - μ s.
    scale = Tensor(1.0 / np.sqrt(rv + eps))
    if weight is not None:
        scale = scale * weight
    shift = -(Tensor(rm) * scale)
    if bias is not None:
        shift = shift + bias
    if x.ndim == 3:
        scale, shift = scale.reshape((-1, 1)), shift.reshape((-1, 1))
    return x * scale + shift


def _blend(buf: Any, value: np.ndarray, m: float) -> None:
    arr = buf.data if isinstance(buf, Tensor) else buf
    new = ((1.0 - m) * arr + m * value).astype(arr.dtype, copy=False)
    if isinstance(buf, Tensor):
        buf.data = new  # a new array: state_dict copies handed out earlier stay intact
    else:
        arr[...] = new


class BatchNorm1d(Module):
    """Batch normalisation over the channels (axis 1) of (N, C) or (N, C, L) inputs."""

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True,
                 dtype: Any = np.float32) -> None:
        super().__init__()
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        if affine:
            self.weight = Parameter(np.ones(num_features, dtype))
            self.bias = Parameter(np.zeros(num_features, dtype))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", np.zeros(num_features, dtype))
            self.register_buffer("running_var", np.ones(num_features, dtype))
            self.register_buffer("num_batches_tracked", np.array(0, dtype=np.int64))
        else:
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(name, None)

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            self.running_mean.data = np.zeros_like(self.running_mean.data)
            self.running_var.data = np.ones_like(self.running_var.data)
            self.num_batches_tracked.data = np.array(0, dtype=np.int64)

    def reset_parameters(self) -> None:
        """Running statistics to (0, 1), γ to 1, β to 0."""
        self.reset_running_stats()
        if self.affine:
            init.ones_(self.weight)
            init.zeros_(self.bias)

    def forward(self, x: Any) -> Tensor:
        _axes(x, "BatchNorm1d", self.num_features)
        use_batch = self.training or not self.track_running_stats
        tracking = self.training and self.track_running_stats
        if use_batch:  # checked before the counter moves, so a refused batch leaves no trace
            _values_per_channel(np.shape(x.data if isinstance(x, Tensor) else x), "BatchNorm1d")
        if tracking:
            self.num_batches_tracked.data = self.num_batches_tracked.data + 1
        return batch_norm(
            x, self.running_mean if tracking or not use_batch else None,
            self.running_var if tracking or not use_batch else None, self.weight, self.bias,
            use_batch, self.momentum, self.eps,
            int(self.num_batches_tracked.data) if tracking else 0,
        )

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, track_running_stats={self.track_running_stats}")
