"""BatchNorm1d on (N, C) and (N, C, L) and BatchNorm2d on (N, C, H, W), with PyTorch's running
statistics; the math is `nn.functional.batch_norm`."""
from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Tensor
from autograd.extend import data_of

from . import _checks, init
from .functional.normalization import batch_norm, reduced_axes, values_per_channel
from .module import Module
from .parameter import Parameter

__all__ = ["BatchNorm1d", "BatchNorm2d", "batch_norm"]


class _BatchNorm(Module):
    """Batch normalisation over the channels (axis 1); subclasses fix the input's rank."""

    _ndims: tuple = ()
    _expected = ""

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True,
                 dtype: Any = np.float32) -> None:
        super().__init__()
        _checks.batch_norm_options(type(self).__name__, num_features, eps, momentum, affine,
                                   track_running_stats, dtype)
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        if affine:
            self.weight = Parameter(np.empty(num_features, dtype))
            self.bias = Parameter(np.empty(num_features, dtype))
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
        self.reset_parameters()

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
        name = type(self).__name__
        shape = np.shape(data_of(x))
        reduced_axes(shape, name, self._ndims, self.num_features, self._expected)
        use_batch = self.training or not self.track_running_stats
        tracking = self.training and self.track_running_stats
        if use_batch:  # checked before the counter moves, so a refused batch leaves no trace
            values_per_channel(shape, name)
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


class BatchNorm1d(_BatchNorm):
    """Batch normalisation over the channels (axis 1) of (N, C) or (N, C, L) inputs."""

    _ndims = (2, 3)
    _expected = "(N, C) or (N, C, L)"


class BatchNorm2d(_BatchNorm):
    """Batch normalisation over the channels (axis 1) of (N, C, H, W) inputs: statistics per
    channel over the batch and both spatial axes."""

    _ndims = (4,)
    _expected = "(N, C, H, W)"
