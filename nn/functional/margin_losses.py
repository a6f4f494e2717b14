"""Margin losses with PyTorch's names: multi-class hinge and cosine embedding."""
from __future__ import annotations

from typing import Any

import numpy as np

import autograd
from autograd import Tensor

from ._util import as_float_array, as_tensor, check_reduction, data_of, reduce
from ._targets import as_rows, batch_shape, check_weight, class_indices

__all__ = ["multi_margin_loss", "cosine_embedding_loss"]

_COSINE_EPS = 1e-12  # PyTorch adds it to both squared norms, so zero vectors give cos = 0


def multi_margin_loss(
    input: Any, target: Any, p: int = 1, margin: float = 1.0, weight: Any = None,
    reduction: str = "mean",
) -> Tensor:
    """Σ_{j ≠ y} w_y · max(0, margin - x_y + x_j)^p / C per sample (the multi-class SVM loss
    of the course notes, averaged over classes), for scores x of shape (N, C) or (C,)."""
    name = "multi_margin_loss"
    check_reduction(name, reduction)
    if p not in (1, 2):
        raise ValueError(f"{name}: p must be 1 or 2; got {p}")
    x = as_tensor(input)
    if x.ndim not in (1, 2):
        raise ValueError(f"{name}: input must have shape (N, C) or (C,); got {x.shape}")
    c = x.shape[-1]
    w = as_float_array(weight, x.dtype, name, "weight")
    check_weight(name, w, c)
    t, _ = class_indices(name, x.shape, data_of(target), None)
    rows = as_rows(x)
    idx = np.arange(t.shape[0])
    h = autograd.relu((margin - rows[idx, t]).reshape(-1, 1) + rows)
    if p == 2:
        h = h * h
    # The target's own column would add `margin` for nothing: leave it out.
    others = np.ones(rows.shape, dtype=x.dtype)
    others[idx, t] = 0
    if w is not None:
        others *= w[t][:, None]
    loss = (h * others).sum(axis=1) * (1.0 / c)
    return reduce(loss.reshape(batch_shape(x.shape)), reduction)


def cosine_embedding_loss(
    input1: Any, input2: Any, target: Any, margin: float = 0.0, reduction: str = "mean",
) -> Tensor:
    """1 - cos(x₁, x₂) where y = 1, max(0, cos(x₁, x₂) - margin) where y = -1; vectors along
    the last axis of (N, D) or (D,) inputs, y of shape (N,) or ()."""
    name = "cosine_embedding_loss"
    check_reduction(name, reduction)
    x1, x2 = as_tensor(input1), as_tensor(input2)
    y = data_of(target)
    if x1.shape != x2.shape or x1.ndim not in (1, 2) or y.shape != x1.shape[:-1]:
        raise ValueError(
            f"{name}: inputs of shape (N, D) (or (D,)) and a target of shape (N,) (or ()) are "
            f"needed; got {x1.shape}, {x2.shape} and target {y.shape}"
        )
    if y.size and not np.isin(y, (-1, 1)).all():
        raise ValueError(f"{name}: target values must be 1 or -1; got {np.unique(y)[:5]}")
    prod = (x1 * x2).sum(axis=-1)
    sq = ((x1 * x1).sum(axis=-1) + _COSINE_EPS) * ((x2 * x2).sum(axis=-1) + _COSINE_EPS)
    cos = prod / autograd.sqrt(sq)
    loss = autograd.where(y == 1, 1.0 - cos, 0.0) + \
        autograd.where(y == -1, autograd.clip(cos - margin, 0.0, None), 0.0)
    return reduce(loss, reduction)
