"""Regression and binary-classification losses, as torch.nn.functional computes them.

Each returns the mean, the sum or (reduction='none') the elementwise loss. Elementwise fused
ops keep their inputs only, so their backward is a formula in them and differentiates again.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

import autograd
from autograd import Tensor
from autograd.extend import Op

from .. import _checks
from ._util import (as_float_array, as_tensor, check_reduction, check_same_shape, like_input,
                    reduce, sigmoid_any, softplus_any, warn_if_broadcast)

__all__ = [
    "mse_loss", "l1_loss", "huber_loss", "smooth_l1_loss", "binary_cross_entropy",
    "binary_cross_entropy_with_logits", "kl_div", "poisson_nll_loss",
]

_LOG_FLOOR = -100.0  # PyTorch clamps BCE's logarithms here, so a certain mistake costs 100
_BCE_EPS = 1e-12  # and floors x(1 - x) in the gradient


class Huber(Op):
    """d = x - t: ℓ = ½d² where |d| < δ else δ(|d| - ½δ); dx = g clip(d, -δ, δ), dt = -dx"""

    def forward(ctx: Any, x: Any, t: Any, delta: float) -> Any:
        ctx.saved = (x, t, delta)
        d = x - t
        ad = np.abs(d)
        return np.where(ad < delta, 0.5 * (d * d), delta * (ad - 0.5 * delta))

    def backward(ctx: Any, g: Any) -> tuple:
        x, t, delta = ctx.saved
        gd = g * np.clip(x - t, -delta, delta)
        return gd, (-gd if ctx.parents[1] is not None else None), None


class BinaryCrossEntropy(Op):
    """ℓ = -w(t ln x + (1 - t) ln(1 - x)), logs floored at -100;
    dx = g w (x - t) / max(x(1 - x), 1e-12), dt = g w (ln(1 - x) - ln x)"""

    def forward(ctx: Any, x: Any, t: Any, w: Any) -> Any:
        ctx.saved = (x, t, w)
        log_x, log_1mx = _bce_logs(x)
        loss = -(t * log_x + (1 - t) * log_1mx)
        return loss if w is None else loss * w

    def backward(ctx: Any, g: Any) -> tuple:
        x, t, w = ctx.saved
        gw = g if w is None else g * w
        gx = gt = None
        if ctx.parents[0] is not None:
            gx = gw * (x - t) / np.maximum(x * (1 - x), _BCE_EPS)
        if ctx.parents[1] is not None:
            log_x, log_1mx = _bce_logs(x)
            gt = gw * (log_1mx - log_x)
        return gx, gt, None


def _bce_logs(x: Any) -> tuple:
    with np.errstate(divide="ignore"):  # ln 0 = -inf, floored just below
        return np.maximum(np.log(x), _LOG_FLOOR), np.maximum(np.log1p(-x), _LOG_FLOOR)


class BinaryCrossEntropyWithLogits(Op):
    """ℓ = w((1 - t)x + l·softplus(-x)), l = 1 + (p - 1)t (p = pos_weight);
    dx = g w (l σ(x) - p t), dt = g w ((p - 1) softplus(-x) - x)"""

    def forward(ctx: Any, x: Any, t: Any, w: Any, pw: Any) -> Any:
        ctx.saved = (x, t, w, pw)
        sp = softplus_any(-x)  # ln(1 + e⁻ˣ) without overflow at x = -1000
        loss = (1 - t) * x + (sp if pw is None else (1 + (pw - 1) * t) * sp)
        return loss if w is None else loss * w

    def backward(ctx: Any, g: Any) -> tuple:
        x, t, w, pw = ctx.saved
        gw = g if w is None else g * w
        gx = gt = None
        if ctx.parents[0] is not None:
            s = sigmoid_any(x)
            gx = gw * (s - t) if pw is None else gw * ((1 + (pw - 1) * t) * s - pw * t)
        if ctx.parents[1] is not None:
            gt = -(gw * x) if pw is None else gw * ((pw - 1) * softplus_any(-x) - x)
        return gx, gt, None, None


def mse_loss(input: Any, target: Any, reduction: str = "mean") -> Tensor:
    """(input - target)² elementwise, then reduced."""
    check_reduction("mse_loss", reduction)
    warn_if_broadcast("mse_loss", input, target)
    x = as_tensor(input)
    d = x - like_input(target, x)
    return reduce(d * d, reduction)


def l1_loss(input: Any, target: Any, reduction: str = "mean") -> Tensor:
    """|input - target| elementwise, then reduced (gradient 0 where they are equal)."""
    check_reduction("l1_loss", reduction)
    warn_if_broadcast("l1_loss", input, target)
    x = as_tensor(input)
    return reduce(autograd.abs(x - like_input(target, x)), reduction)


def huber_loss(input: Any, target: Any, reduction: str = "mean", delta: float = 1.0) -> Tensor:
    """½d² where |d| < δ else δ(|d| - ½δ), d = input - target."""
    check_reduction("huber_loss", reduction)
    if delta <= 0:
        raise ValueError(f"huber_loss: delta must be positive; got {delta}")
    warn_if_broadcast("huber_loss", input, target)
    x = as_tensor(input)
    return reduce(Huber.apply(x, like_input(target, x), float(delta)), reduction)


def smooth_l1_loss(input: Any, target: Any, reduction: str = "mean", beta: float = 1.0
                   ) -> Tensor:
    """½d²/β where |d| < β else |d| - ½β (= huber/β; plain L1 when β = 0)."""
    check_reduction("smooth_l1_loss", reduction)
    if beta < 0:
        raise ValueError(f"smooth_l1_loss: beta must be non-negative; got {beta}")
    warn_if_broadcast("smooth_l1_loss", input, target)
    x = as_tensor(input)
    t = like_input(target, x)
    if beta == 0:
        return reduce(autograd.abs(x - t), reduction)
    return reduce(Huber.apply(x, t, float(beta)) * (1.0 / beta), reduction)


def _bce_weight(name: str, weight: Any, x: Tensor, what: str = "weight") -> np.ndarray | None:
    w = as_float_array(weight, x.dtype, name, what)
    if w is not None:
        try:
            np.broadcast_shapes(w.shape, x.shape)
        except ValueError:
            raise ValueError(f"{name}: {what} of shape {w.shape} does not broadcast to the "
                             f"input's shape {x.shape}") from None
    return w


def binary_cross_entropy(input: Any, target: Any, weight: Any = None, reduction: str = "mean"
                         ) -> Tensor:
    """-w(t ln x + (1 - t) ln(1 - x)) for probabilities x in [0, 1]; logs floored at -100."""
    name = "binary_cross_entropy"
    check_reduction(name, reduction)
    check_same_shape(name, input, target)
    x = as_tensor(input)
    _checks.probabilities(name, "input", x, ". For logits use "
                          "binary_cross_entropy_with_logits (or apply sigmoid first)")
    _checks.probabilities(name, "target", target)
    w = _bce_weight(name, weight, x)
    return reduce(BinaryCrossEntropy.apply(x, like_input(target, x), w), reduction)


def binary_cross_entropy_with_logits(
    input: Any, target: Any, weight: Any = None, reduction: str = "mean",
    pos_weight: Any = None,
) -> Tensor:
    """binary_cross_entropy(sigmoid(x), t) computed from the logits x without overflow;
    pos_weight p scales the positive term: w(p·t·softplus(-x) + (1 - t)(x + softplus(-x)))."""
    name = "binary_cross_entropy_with_logits"
    check_reduction(name, reduction)
    check_same_shape(name, input, target)
    x = as_tensor(input)
    w = _bce_weight(name, weight, x)
    pw = _bce_weight(name, pos_weight, x, "pos_weight")
    loss = BinaryCrossEntropyWithLogits.apply(x, like_input(target, x), w, pw)
    return reduce(loss, reduction)


def kl_div(input: Any, target: Any, reduction: str = "mean", log_target: bool = False
           ) -> Tensor:
    """t (ln t - x) elementwise (0 where t = 0), input x holding log-probabilities; with
    log_target, eᵗ (t - x). 'mean' averages over all elements, 'batchmean' over the batch."""
    name = "kl_div"
    check_reduction(name, reduction, ("mean", "batchmean", "sum", "none"))
    warn_if_broadcast(name, input, target)
    x = as_tensor(input)
    t = like_input(target, x)
    if not log_target:
        _checks.non_negative(name, "target", t, " (probabilities; pass log_target=True for "
                             "log-probabilities)")
    if log_target:
        loss = autograd.exp(t) * (t - x)
    else:
        # t ln t is taken as 0 at t = 0; ln is applied to 1 there so nothing warns.
        pos = t > 0
        loss = t * autograd.log(autograd.where(pos, t, 1.0)) - t * x
    if reduction == "batchmean":
        return loss.sum() * (1.0 / (x.shape[0] if x.ndim else 1))
    return reduce(loss, reduction)


def poisson_nll_loss(
    input: Any, target: Any, log_input: bool = True, full: bool = False, eps: float = 1e-8,
    reduction: str = "mean",
) -> Tensor:
    """Negative log-likelihood of a Poisson target: eˣ - t·x (log_input) or x - t ln(x + eps);
    full adds Stirling's t ln t - t + ½ ln(2πt) where t > 1."""
    name = "poisson_nll_loss"
    check_reduction(name, reduction)
    warn_if_broadcast(name, input, target)
    x = as_tensor(input)
    t = like_input(target, x)
    if log_input:
        loss = autograd.exp(x) - t * x
    else:
        loss = x - t * autograd.log(x + eps)
    if full:
        big = t > 1
        ts = autograd.where(big, t, 1.0)
        stirling = ts * autograd.log(ts) - ts + 0.5 * autograd.log(ts * (2.0 * math.pi))
        loss = loss + autograd.where(big, stirling, 0.0)
    return reduce(loss, reduction)
