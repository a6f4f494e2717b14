"""Channel dropout: whole feature maps zeroed at once (PyTorch's dropout2d)."""
from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Tensor
from autograd.extend import default_generator

__all__ = ["dropout2d"]


def dropout2d(input: Any, p: float = 0.5, training: bool = True,
              inplace: bool = False) -> Tensor:
    """Channel dropout: y = x ⊙ M / (1 - p) with one M ~ Bernoulli(1 - p) per (sample,
    channel) of an (N, C, H, W) or (N, C, L) input, in training; y = x otherwise.
    `inplace=True` is refused: the result is always a new tensor."""
    if inplace:
        raise ValueError("dropout2d: inplace=True is not supported; use the returned tensor")
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout2d: drop probability p must be in [0, 1], got {p!r}")
    x = input if isinstance(input, Tensor) else Tensor(input)
    if x.ndim not in (3, 4):
        raise ValueError(f"dropout2d: expected an (N, C, H, W) or (N, C, L) input, got shape "
                         f"{x.shape}")
    if not training or p == 0.0:
        return x
    shape = x.shape[:2] + (1,) * (x.ndim - 2)
    if p == 1.0:
        return x * np.zeros(shape, x.dtype)
    keep = default_generator().random(shape) >= p
    return x * np.multiply(keep, 1.0 / (1.0 - p), dtype=x.dtype)
