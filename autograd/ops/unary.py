"""Elementwise unary ops, each with its derivative beside it."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..complex_grad import real_part
from ..function import Op
from ..tensor import Tensor
from ._erf import erf as erf_array


def _read_only_one(dtype: Any) -> np.ndarray:
    one = np.ones((), dtype)
    one.flags.writeable = False
    return one


# 1 as a 0-d array of each float dtype: `_ONE.get(y.dtype, 1) - y` is exactly `1 - y` (NEP 50
# casts the 1 to y's dtype anyway), but NumPy takes an array operand about twice as fast as a
# Python number, and these backwards run once per activation.
_ONE = {np.dtype(t): _read_only_one(t) for t in (np.float16, np.float32, np.float64)}

# The public ops of this family (autograd and Tensor export them from here).
__all__ = [
    "exp", "log", "sqrt", "abs", "sin", "cos", "tanh", "sigmoid", "relu", "erf", "log1p",
    "expm1", "clip", "astype",
]


class Exp(Op):
    """y = eˣ; dx = g y"""

    complex_rule = "holomorphic"

    def forward(ctx: Any, x: Any) -> Any:
        y = np.exp(x)
        ctx.saved = (y,)
        return y

    def backward(ctx: Any, g: Any) -> tuple:
        return (g * ctx.saved[0],)


class Log(Op):
    """y = ln x; dx = g / x"""

    complex_rule = "holomorphic"

    def forward(ctx: Any, x: Any) -> Any:
        ctx.saved = (x,)
        return np.log(x)

    def backward(ctx: Any, g: Any) -> tuple:
        return (g / ctx.saved[0],)


class Sqrt(Op):
    """y = √x; dx = g / (2y)"""

    complex_rule = "holomorphic"

    def forward(ctx: Any, x: Any) -> Any:
        y = np.sqrt(x)
        ctx.saved = (y,)
        return y

    def backward(ctx: Any, g: Any) -> tuple:
        return (g * 0.5 / ctx.saved[0],)


class Abs(Op):
    """y = |x|; dx = g sign(x) (0 at 0); complex x: dx = g x / |x| (0 at 0, as PyTorch)"""

    def forward(ctx: Any, x: Any) -> Any:
        ctx.saved = (x,)
        if x.dtype.kind == "c":
            ctx.__class__ = ComplexAbs
        return np.abs(x)

    def backward(ctx: Any, g: Any) -> tuple:
        return (g * np.sign(ctx.saved[0]),)


class ComplexAbs(Abs):
    """y = |z|; dz = g z / |z| (0 at z = 0); written with recorded ops, unlike sign(z) (a
    constant under create_graph), so that it differentiates again"""

    def backward(ctx: Any, g: Any) -> tuple:
        z = ctx.saved[0]
        r = abs(z) if isinstance(z, Tensor) else np.abs(z)
        zero = (r.data if isinstance(r, Tensor) else r) == 0
        return (np.where(zero, 0, g * z / np.where(zero, 1, r)),)


class Sin(Op):
    """y = sin x; dx = g cos x"""

    complex_rule = "holomorphic"

    def forward(ctx: Any, x: Any) -> Any:
        ctx.saved = (x,)
        return np.sin(x)

    def backward(ctx: Any, g: Any) -> tuple:
        return (g * np.cos(ctx.saved[0]),)


class Cos(Op):
    """y = cos x; dx = -g sin x"""

    complex_rule = "holomorphic"

    def forward(ctx: Any, x: Any) -> Any:
        ctx.saved = (x,)
        return np.cos(x)

    def backward(ctx: Any, g: Any) -> tuple:
        return (-(g * np.sin(ctx.saved[0])),)


class Tanh(Op):
    """y = tanh x; dx = g (1 - y²)"""

    complex_rule = "holomorphic"

    def forward(ctx: Any, x: Any) -> Any:
        y = np.tanh(x)
        ctx.saved = (y,)
        return y

    def backward(ctx: Any, g: Any) -> tuple:
        y = ctx.saved[0]
        return (g * (_ONE.get(y.dtype, 1) - y * y),)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    """1 / (1 + e⁻ˣ), computed from e^(-|x|) so that no exp overflows."""
    e = np.exp(-np.abs(x))
    s = 1 / (1 + e)
    return np.where(x >= 0, s, e * s)


class Sigmoid(Op):
    """y = 1 / (1 + e⁻ˣ); dx = g y (1 - y)"""

    complex_rule = "holomorphic"

    def forward(ctx: Any, x: Any) -> Any:
        y = _sigmoid(x) if x.dtype.kind != "c" else 1 / (1 + np.exp(-x))
        ctx.saved = (y,)
        return y

    def backward(ctx: Any, g: Any) -> tuple:
        y = ctx.saved[0]
        return (g * (y * (_ONE.get(y.dtype, 1) - y)),)


class Relu(Op):
    """y = max(x, 0); dx = g where x > 0"""

    def forward(ctx: Any, x: Any) -> Any:
        y = np.maximum(x, 0)
        ctx.saved = (y,)
        return y

    def backward(ctx: Any, g: Any) -> tuple:
        return (g * (ctx.saved[0] > 0),)


_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


class Erf(Op):
    """y = erf x = 2/√π ∫₀ˣ e^(-t²) dt; dx = g 2/√π e^(-x²)"""

    def forward(ctx: Any, x: Any) -> Any:
        ctx.saved = (x,)
        if np.iscomplexobj(x):
            raise TypeError(f"erf: complex input (shape {np.shape(x)}, {x.dtype}) is not "
                            "supported (PyTorch refuses it too); apply it to z.real or abs(z)")
        return erf_array(np.asarray(x))

    def backward(ctx: Any, g: Any) -> tuple:
        x = ctx.saved[0]
        return (g * (_TWO_OVER_SQRT_PI * np.exp(-(x * x))),)


class Log1p(Op):
    """y = ln(1 + x); dx = g / (1 + x)"""

    complex_rule = "holomorphic"

    def forward(ctx: Any, x: Any) -> Any:
        ctx.saved = (x,)
        return np.log1p(x)

    def backward(ctx: Any, g: Any) -> tuple:
        return (g / (1 + ctx.saved[0]),)


class Expm1(Op):
    """y = eˣ - 1; dx = g (y + 1)"""

    complex_rule = "holomorphic"

    def forward(ctx: Any, x: Any) -> Any:
        y = np.expm1(x)
        ctx.saved = (y,)
        return y

    def backward(ctx: Any, g: Any) -> tuple:
        return (g * (ctx.saved[0] + 1),)


class Clip(Op):
    """y = min(max(x, lo), hi); dx = g where lo <= x <= hi; dlo = g where x < lo <= hi;
    dhi = g where max(x, lo) > hi (the bounds get theirs when they are Tensors, as PyTorch's)"""

    def forward(ctx: Any, x: Any, lo: Any, hi: Any) -> Any:
        ctx.saved = (x, lo, hi)
        return np.clip(x, lo, hi)

    def backward(ctx: Any, g: Any) -> tuple:
        x, lo, hi = ctx.saved
        gx = g if ctx.parents[0] is not None else None
        if gx is not None and lo is not None:
            gx = gx * (x >= lo)
        if gx is not None and hi is not None:
            gx = gx * (x <= hi)
        glo = ghi = None
        if ctx.parents[1] is not None:
            glo = g * (x < lo) if hi is None else g * (x < lo) * (lo <= hi)
        if ctx.parents[2] is not None:
            ghi = g * (x > hi) if lo is None else g * (np.maximum(x, lo) > hi)
        return gx, glo, ghi


class Cast(Op):
    """y = x as another dtype (complex to real keeps Re x); dx = g cast back (its real part
    for a real x)"""

    complex_rule = "own"

    def forward(ctx: Any, x: Any, dtype: Any) -> Any:
        ctx.saved = (x.dtype,)
        if x.dtype.kind == "c" and np.dtype(dtype).kind != "c":
            x = x.real  # NumPy would warn; PyTorch's cast and ours keep the real part
        return x.astype(dtype)

    def backward(ctx: Any, g: Any) -> tuple:
        return g.astype(ctx.saved[0]), None

    def complex_backward(ctx: Any, g: Any) -> tuple:
        dtype = ctx.saved[0]
        return (real_part(g) if dtype.kind != "c" else g).astype(dtype), None


exp = Exp.apply
log = Log.apply
sqrt = Sqrt.apply
abs = Abs.apply  # noqa: A001  (the op's name)
sin = Sin.apply
cos = Cos.apply
tanh = Tanh.apply
sigmoid = Sigmoid.apply
relu = Relu.apply
erf = Erf.apply
log1p = Log1p.apply
expm1 = Expm1.apply


def clip(x: Any, lo: Any = None, hi: Any = None) -> Tensor:
    """Limit values to [lo, hi] (either may be None); gradient passes where x is inside."""
    if lo is None and hi is None:
        raise ValueError("clip: at least one of lo and hi must be given")
    return Clip.apply(x, lo, hi)


def astype(x: Any, dtype: Any) -> Tensor:
    """Cast to `dtype`; the gradient is cast back to the input's dtype."""
    if isinstance(x, Tensor) and x.dtype == np.dtype(dtype):
        return x
    if isinstance(x, Tensor) and x.requires_grad and np.dtype(dtype).kind not in "fc":
        return Tensor(x.data.astype(dtype))
    return Cast.apply(x, dtype)
