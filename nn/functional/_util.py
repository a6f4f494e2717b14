"""Helpers shared by the activation and loss functions.

Fused ops write their backward once, on operators that ndarrays and Tensors share, so that the
same formula runs on arrays (the fast path) and on Tensors (with create_graph=True). The few
primitives NumPy has no ufunc for (erf, a stable sigmoid) go through the `*_any` helpers here,
which pick the engine's array kernel (from `autograd.extend`) or the differentiable op by the
argument's type.
"""
from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

import autograd
from autograd import Tensor
from autograd.extend import data_of, erf_array, sigmoid_array

REDUCTIONS = ("mean", "sum", "none")
INV_SQRT2 = 1.0 / math.sqrt(2.0)
INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


def as_tensor(x: Any) -> Tensor:
    """`x` itself when it is a Tensor, else a constant Tensor (floats become float32)."""
    return x if isinstance(x, Tensor) else Tensor(x)


def like_input(target: Any, input: Any) -> Any:
    """The target in the input's float dtype (a Tensor keeps its graph), so a float64 target
    never promotes a float32 loss."""
    dtype = data_of(input).dtype
    if dtype.kind != "f":
        dtype = np.dtype(np.float32)
    if isinstance(target, Tensor):
        return target if target.dtype == dtype else target.astype(dtype)
    return data_of(target).astype(dtype, copy=False)


def as_float_array(x: Any, dtype: np.dtype, name: str, what: str) -> np.ndarray | None:
    """An optional constant (class weights and the like) as an array of `dtype`."""
    if x is None:
        return None
    arr = data_of(x)
    if arr.dtype.kind not in "fiub":
        raise TypeError(f"{name}: {what} must be numeric; got dtype {arr.dtype}")
    return arr.astype(dtype, copy=False)


def row_max(x: np.ndarray) -> np.ndarray:
    """max over axis 1 of a 2-D array, keeping the axis.

    NumPy reduces a short contiguous row at a time (about 90 ns a row); with few columns,
    reducing the transposed copy along axis 0 is vectorised across rows, ~6x faster for the
    (128, 10) logits of a classifier. Long rows already vectorise, so they stay as they are.
    """
    if x.shape[1] <= 32:
        return x.T.copy().max(axis=0)[:, None]
    return x.max(axis=1, keepdims=True)


def sigmoid_any(x: Any) -> Any:
    """σ(x): plain on an ndarray, the differentiable op on a Tensor."""
    return autograd.sigmoid(x) if isinstance(x, Tensor) else sigmoid_array(x)


def erf_any(x: Any) -> Any:
    """erf(x): plain on an ndarray, the differentiable op on a Tensor."""
    return autograd.erf(x) if isinstance(x, Tensor) else erf_array(x)


def softplus_any(x: Any) -> Any:
    """ln(1 + eˣ) = max(x, 0) + ln(1 + e^(-|x|)): no overflow; works on arrays and Tensors."""
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


def check_reduction(name: str, reduction: str, allowed: tuple[str, ...] = REDUCTIONS) -> None:
    """Raise a ValueError naming the function when `reduction` is not one it knows."""
    if reduction not in allowed:
        raise ValueError(
            f"{name}: reduction must be one of {', '.join(repr(r) for r in allowed)}; "
            f"got {reduction!r}"
        )


def reduce(loss: Tensor, reduction: str) -> Tensor:
    """Mean or sum of all elements, or the elementwise loss itself for 'none'."""
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def warn_if_broadcast(name: str, input: Any, target: Any) -> None:
    """Warn, as PyTorch does, when the target's shape differs from the input's."""
    ishape, tshape = np.shape(data_of(input)), np.shape(data_of(target))
    if ishape != tshape:
        warnings.warn(
            f"{name}: target shape {tshape} differs from input shape {ishape}; the two are "
            "broadcast, which is rarely intended (reshape the target to the input's shape)",
            UserWarning, stacklevel=3,
        )


def check_same_shape(name: str, input: Any, target: Any) -> None:
    """Raise when input and target shapes differ (losses that do not broadcast)."""
    ishape, tshape = np.shape(data_of(input)), np.shape(data_of(target))
    if ishape != tshape:
        raise ValueError(
            f"{name}: target shape {tshape} must equal input shape {ishape}; reshape the "
            "target (for instance t.reshape(input.shape))"
        )
