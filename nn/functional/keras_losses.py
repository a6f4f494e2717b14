"""Losses PyTorch lacks, following Keras' formulas (the loss catalogue of the course notes).

Keras computes one value per sample by averaging over the last axis; here the first axis is
the batch and every other axis is averaged, so reduction='none' always gives shape (N,) (an
input of shape (N,) holds one value per sample). 'mean' and 'sum' reduce those N values.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

import autograd
from autograd import Tensor

from ._util import as_tensor, check_reduction, check_same_shape, data_of, like_input, reduce
from ._util import softplus_any

__all__ = [
    "hinge_loss", "squared_hinge_loss", "categorical_hinge_loss", "log_cosh_loss",
    "mape_loss", "msle_loss",
]

KERAS_EPSILON = 1e-7  # Keras' backend.epsilon(), the floor of MAPE's and MSLE's divisors
_LOG2 = math.log(2.0)


def _per_sample(name: str, v: Tensor) -> Tensor:
    """Mean over every axis but the first: one value per sample."""
    if v.ndim == 0:
        raise ValueError(f"{name}: inputs need a batch axis, shape (N, ...); got a 0-d input "
                         "(reshape it to (1,))")
    return v.mean(axis=tuple(range(1, v.ndim))) if v.ndim > 1 else v


def _prepare(name: str, input: Any, target: Any, reduction: str) -> tuple:
    check_reduction(name, reduction)
    check_same_shape(name, input, target)
    x = as_tensor(input)
    return x, like_input(target, x)


def _hinge_labels(t: Any) -> Any:
    """Labels in {0, 1} become {-1, 1}, as Keras does; others (already ±1) are kept."""
    td = data_of(t)
    if td.size and np.isin(td, (0, 1)).all():
        return 2.0 * t - 1.0
    return t


def hinge_loss(input: Any, target: Any, reduction: str = "mean") -> Tensor:
    """mean(max(1 - t·x, 0)) per sample; t in {-1, 1} (or {0, 1}, mapped to ±1)."""
    x, t = _prepare("hinge_loss", input, target, reduction)
    margin = autograd.relu(1.0 - _hinge_labels(t) * x)
    return reduce(_per_sample("hinge_loss", margin), reduction)


def squared_hinge_loss(input: Any, target: Any, reduction: str = "mean") -> Tensor:
    """mean(max(1 - t·x, 0)²) per sample; t in {-1, 1} (or {0, 1}, mapped to ±1)."""
    x, t = _prepare("squared_hinge_loss", input, target, reduction)
    margin = autograd.relu(1.0 - _hinge_labels(t) * x)
    return reduce(_per_sample("squared_hinge_loss", margin * margin), reduction)


def categorical_hinge_loss(input: Any, target: Any, reduction: str = "mean") -> Tensor:
    """max(neg - pos + 1, 0) with pos = Σ t·x and neg = max((1 - t)·x) over the class axis
    (the last); t one-hot, input of shape (N, C) (or (N, ..., C), averaged over the middle)."""
    name = "categorical_hinge_loss"
    x, t = _prepare(name, input, target, reduction)
    if x.ndim < 2:
        raise ValueError(f"{name}: input must have shape (N, C) with classes last; got "
                         f"{x.shape} (reshape a single sample to (1, C))")
    pos = (t * x).sum(axis=-1)
    neg = ((1.0 - t) * x).max(axis=-1)
    return reduce(_per_sample(name, autograd.relu(neg - pos + 1.0)), reduction)


def log_cosh_loss(input: Any, target: Any, reduction: str = "mean") -> Tensor:
    """mean(ln cosh(x - t)) per sample, as d + softplus(-2d) - ln 2 so cosh never overflows."""
    x, t = _prepare("log_cosh_loss", input, target, reduction)
    d = x - t
    return reduce(_per_sample("log_cosh_loss", d + softplus_any(-2.0 * d) - _LOG2), reduction)


def mape_loss(input: Any, target: Any, reduction: str = "mean") -> Tensor:
    """100 · mean(|t - x| / max(|t|, 1e-7)) per sample (mean absolute percentage error)."""
    x, t = _prepare("mape_loss", input, target, reduction)
    ratio = autograd.abs(t - x) / autograd.maximum(autograd.abs(t), KERAS_EPSILON)
    return reduce(_per_sample("mape_loss", ratio) * 100.0, reduction)


def msle_loss(input: Any, target: Any, reduction: str = "mean") -> Tensor:
    """mean((ln(1 + max(x, 1e-7)) - ln(1 + max(t, 1e-7)))²) per sample (mean squared
    logarithmic error)."""
    x, t = _prepare("msle_loss", input, target, reduction)
    d = autograd.log1p(autograd.maximum(x, KERAS_EPSILON)) - \
        autograd.log1p(autograd.maximum(t, KERAS_EPSILON))
    return reduce(_per_sample("msle_loss", d * d), reduction)
