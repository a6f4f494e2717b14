"""Elementwise activations, each stable for large |x| in float32 and float64.

The ones autograd already has (sigmoid, tanh, relu) are re-exported; the others are fused ops
whose backward keeps only the input (or output) and recomputes the rest, so that it is a
formula in x and differentiates again under create_graph=True.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

import autograd
from autograd import Tensor
from autograd.extend import Op

from ._util import INV_SQRT2, INV_SQRT_2PI, erf_any, sigmoid_any, softplus_any

__all__ = [
    "step", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "gelu", "silu", "swish",
    "mish", "softplus", "identity",
]

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_GELU_CUBIC = 0.044715


class Step(Op):
    """y = 1 where x > 0 else 0; dx = 0"""

    def forward(ctx: Any, x: Any) -> Any:
        return (x > 0).astype(x.dtype)

    def backward(ctx: Any, g: Any) -> tuple:
        return (np.zeros_like(g),)


class LeakyRelu(Op):
    """y = x where x > 0 else a·x; dx = g where x > 0 else a·g"""

    def forward(ctx: Any, x: Any, slope: float) -> Any:
        ctx.saved = (x, slope)
        return np.where(x > 0, x, x * slope)

    def backward(ctx: Any, g: Any) -> tuple:
        x, slope = ctx.saved
        return np.where(x > 0, g, g * slope), None


class Elu(Op):
    """y = s·x where x > 0 else s·α(eˣ - 1); dx = s·g where x > 0 else g (y + s·α)"""

    def forward(ctx: Any, x: Any, alpha: float, scale: float) -> Any:
        # eˣ only of the non-positive part: e^1000 would overflow in the branch not taken.
        neg = np.expm1(np.minimum(x, 0)) * (alpha * scale)
        y = np.where(x > 0, x * scale if scale != 1.0 else x, neg)
        ctx.saved = (x, y, alpha, scale)
        return y

    def backward(ctx: Any, g: Any) -> tuple:
        x, y, alpha, scale = ctx.saved
        return np.where(x > 0, g * scale, g * (y + alpha * scale)), None, None


class Gelu(Op):
    """y = x Φ(x), Φ(x) = ½(1 + erf(x/√2)); dx = g (Φ(x) + x φ(x)), φ(x) = e^(-x²/2)/√(2π)"""

    def forward(ctx: Any, x: Any) -> Any:
        ctx.saved = (x,)
        return x * (0.5 * (1 + erf_any(x * INV_SQRT2)))

    def backward(ctx: Any, g: Any) -> tuple:
        (x,) = ctx.saved
        cdf = 0.5 * (1 + erf_any(x * INV_SQRT2))
        pdf = np.exp(-0.5 * (x * x)) * INV_SQRT_2PI
        return (g * (cdf + x * pdf),)


class GeluTanh(Op):
    """y = ½x(1 + tanh u), u = √(2/π)(x + 0.044715x³);
    dx = g (½(1 + tanh u) + ½x(1 - tanh² u) √(2/π)(1 + 3·0.044715x²))"""

    def forward(ctx: Any, x: Any) -> Any:
        ctx.saved = (x,)
        xc = _gelu_clip(x)
        return 0.5 * x * (1 + np.tanh(_SQRT_2_OVER_PI * (xc + _GELU_CUBIC * (xc * xc * xc))))

    def backward(ctx: Any, g: Any) -> tuple:
        (x,) = ctx.saved
        xc = _gelu_clip(x)
        x2 = xc * xc
        t = np.tanh(_SQRT_2_OVER_PI * (xc + _GELU_CUBIC * (x2 * xc)))
        du = _SQRT_2_OVER_PI * (1 + 3 * _GELU_CUBIC * x2)
        return (g * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du),)


def _gelu_clip(x: Any) -> Any:
    """x clipped to ±10 inside u: there tanh u is already ±1 exactly in every float dtype, so
    the values are unchanged, and x³ can no longer overflow (float16 does at |x| ≈ 40, which
    made the gradient (1 - tanh² u)·du = 0·inf a NaN)."""
    return np.clip(x, -10.0, 10.0)


class Silu(Op):
    """y = x σ(x); dx = g σ(x)(1 + x(1 - σ(x)))"""

    def forward(ctx: Any, x: Any) -> Any:
        ctx.saved = (x,)
        return x * sigmoid_any(x)

    def backward(ctx: Any, g: Any) -> tuple:
        (x,) = ctx.saved
        s = sigmoid_any(x)
        return (g * (s * (1 + x * (1 - s))),)


class Mish(Op):
    """y = x tanh(softplus x); dx = g (t + x (1 - t²) σ(x)), t = tanh(softplus x)"""

    def forward(ctx: Any, x: Any) -> Any:
        ctx.saved = (x,)
        return x * np.tanh(softplus_any(x))

    def backward(ctx: Any, g: Any) -> tuple:
        (x,) = ctx.saved
        t = np.tanh(softplus_any(x))
        return (g * (t + x * (1 - t * t) * sigmoid_any(x)),)


class Softplus(Op):
    """y = ln(1 + e^(βx))/β, or x where βx > threshold; dx = g (1 - e^(-βy)) (= g σ(βx)),
    or g where βx > threshold"""

    def forward(ctx: Any, x: Any, beta: float, threshold: float) -> Any:
        bx = x * beta
        soft = softplus_any(bx)
        y = np.where(bx > threshold, x, soft / beta if beta != 1.0 else soft)
        ctx.saved = (x, y, beta, threshold)
        return y

    def backward(ctx: Any, g: Any) -> tuple:
        # σ(βx) = 1 - e^(-βy) follows from e^(βy) = 1 + e^(βx): a formula in the output.
        x, y, beta, threshold = ctx.saved
        return np.where(x * beta > threshold, g, g * -np.expm1(-beta * y)), None, None


sigmoid = autograd.sigmoid
tanh = autograd.tanh
relu = autograd.relu


def step(x: Any) -> Tensor:
    """Heaviside step: 1 where x > 0 else 0, with zero gradient."""
    return Step.apply(x)


def leaky_relu(x: Any, negative_slope: float = 0.01) -> Tensor:
    """x where x > 0 else negative_slope·x."""
    return LeakyRelu.apply(x, float(negative_slope))


def elu(x: Any, alpha: float = 1.0) -> Tensor:
    """x where x > 0 else α(eˣ - 1)."""
    return Elu.apply(x, float(alpha), 1.0)


def selu(x: Any) -> Tensor:
    """λ·elu(x, α) with λ ≈ 1.0507 and α ≈ 1.6733 (self-normalising constants)."""
    return Elu.apply(x, SELU_ALPHA, SELU_SCALE)


def gelu(x: Any, approximate: str = "none") -> Tensor:
    """x Φ(x) with Φ the standard normal CDF; approximate='tanh' uses
    ½x(1 + tanh(√(2/π)(x + 0.044715x³)))."""
    if approximate == "none":
        return Gelu.apply(x)
    if approximate == "tanh":
        return GeluTanh.apply(x)
    raise ValueError(f"gelu: approximate must be 'none' or 'tanh'; got {approximate!r}")


def silu(x: Any) -> Tensor:
    """x σ(x) (also called swish)."""
    return Silu.apply(x)


swish = silu


def mish(x: Any) -> Tensor:
    """x tanh(ln(1 + eˣ))."""
    return Mish.apply(x)


def softplus(x: Any, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """ln(1 + e^(βx))/β, and x itself where βx > threshold (as PyTorch)."""
    if beta == 0:
        raise ValueError("softplus: beta must be non-zero (it divides the result)")
    return Softplus.apply(x, float(beta), float(threshold))


def identity(x: Any) -> Any:
    """x unchanged (the same object)."""
    return x
