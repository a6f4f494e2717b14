"""More elementwise ops: trigonometric, hyperbolic, logarithms, rounding, remainders.

Backward formulas use NumPy functions that Tensors also answer (through the NumPy dispatch
table), so they differentiate again under create_graph=True. Rounding ops have a zero
gradient, as in PyTorch.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..function import Op
from ..tensor import Tensor
from ._promote import promote_arrays

_LN2, _LN10 = math.log(2.0), math.log(10.0)


class Tan(Op):
    """y = tan x; dx = g (1 + y²)"""

    complex_rule = "holomorphic"

    def forward(ctx: Any, x: Any) -> Any:
        y = np.tan(x)
        ctx.saved = (y,)
        return y

    def backward(ctx: Any, g: Any) -> tuple:
        y = ctx.saved[0]
        return (g * (1 + y * y),)


class Arcsin(Op):
    """y = arcsin x; dx = g / √(1 - x²)"""

    complex_rule = "holomorphic"

    def forward(ctx: Any, x: Any) -> Any:
        ctx.saved = (x,)
        return np.arcsin(x)

    def backward(ctx: Any, g: Any) -> tuple:
        x = ctx.saved[0]
        return (g / np.sqrt(1 - x * x),)


class Arccos(Op):
    """y = arccos x; dx = -g / √(1 - x²)"""

    complex_rule = "holomorphic"

    def forward(ctx: Any, x: Any) -> Any:
        ctx.saved = (x,)
        return np.arccos(x)

    def backward(ctx: Any, g: Any) -> tuple:
        x = ctx.saved[0]
        return (-(g / np.sqrt(1 - x * x)),)


class Arctan(Op):
    """y = arctan x; dx = g / (1 + x²)"""

    complex_rule = "holomorphic"

    def forward(ctx: Any, x: Any) -> Any:
        ctx.saved = (x,)
        return np.arctan(x)

    def backward(ctx: Any, g: Any) -> tuple:
        x = ctx.saved[0]
        return (g / (1 + x * x),)


class Sinh(Op):
    """y = sinh x; dx = g cosh x"""

    complex_rule = "holomorphic"

    def forward(ctx: Any, x: Any) -> Any:
        ctx.saved = (x,)
        return np.sinh(x)

    def backward(ctx: Any, g: Any) -> tuple:
        return (g * np.cosh(ctx.saved[0]),)


class Cosh(Op):
    """y = cosh x; dx = g sinh x"""

    complex_rule = "holomorphic"

    def forward(ctx: Any, x: Any) -> Any:
        ctx.saved = (x,)
        return np.cosh(x)

    def backward(ctx: Any, g: Any) -> tuple:
        return (g * np.sinh(ctx.saved[0]),)


class Log2(Op):
    """y = log₂ x; dx = g / (x ln 2)"""

    complex_rule = "holomorphic"

    def forward(ctx: Any, x: Any) -> Any:
        ctx.saved = (x,)
        return np.log2(x)

    def backward(ctx: Any, g: Any) -> tuple:
        return (g / (ctx.saved[0] * _LN2),)


class Log10(Op):
    """y = log₁₀ x; dx = g / (x ln 10)"""

    complex_rule = "holomorphic"

    def forward(ctx: Any, x: Any) -> Any:
        ctx.saved = (x,)
        return np.log10(x)

    def backward(ctx: Any, g: Any) -> tuple:
        return (g / (ctx.saved[0] * _LN10),)


class Exp2(Op):
    """y = 2ˣ; dx = g y ln 2"""

    complex_rule = "holomorphic"

    def forward(ctx: Any, x: Any) -> Any:
        y = np.exp2(x)
        ctx.saved = (y,)
        return y

    def backward(ctx: Any, g: Any) -> tuple:
        return (g * (ctx.saved[0] * _LN2),)


class Square(Op):
    """y = x²; dx = 2 g x"""

    complex_rule = "holomorphic"

    def forward(ctx: Any, x: Any) -> Any:
        ctx.saved = (x,)
        return x * x

    def backward(ctx: Any, g: Any) -> tuple:
        return (g * (2 * ctx.saved[0]),)


class Reciprocal(Op):
    """y = 1 / x; dx = -g y²"""

    complex_rule = "holomorphic"

    def forward(ctx: Any, x: Any) -> Any:
        y = np.reciprocal(x) if x.dtype.kind == "f" else 1.0 / x
        ctx.saved = (y,)
        return y

    def backward(ctx: Any, g: Any) -> tuple:
        y = ctx.saved[0]
        return (-(g * (y * y)),)


class Rsqrt(Op):
    """y = 1 / √x; dx = -g y³ / 2"""

    complex_rule = "holomorphic"

    def forward(ctx: Any, x: Any) -> Any:
        y = 1 / np.sqrt(x)
        ctx.saved = (y,)
        return y

    def backward(ctx: Any, g: Any) -> tuple:
        y = ctx.saved[0]
        return (g * (-0.5 * (y * y * y)),)


class _Flat(Op):
    """A piecewise-constant op: its gradient is zero everywhere (as PyTorch defines it)."""

    _ufunc = staticmethod(np.sign)

    @classmethod
    def forward(cls, ctx: Any, x: Any) -> Any:
        return cls._ufunc(x)

    def backward(ctx: Any, g: Any) -> tuple:
        return (np.zeros_like(g),)


class Sign(_Flat):
    """y = sign x (0 at 0); dx = 0"""


class Floor(_Flat):
    """y = ⌊x⌋; dx = 0"""

    _ufunc = staticmethod(np.floor)


class Ceil(_Flat):
    """y = ⌈x⌉; dx = 0"""

    _ufunc = staticmethod(np.ceil)


class Round(_Flat):
    """y = x rounded half to even; dx = 0"""

    _ufunc = staticmethod(np.round)


class Trunc(_Flat):
    """y = x rounded toward zero; dx = 0"""

    _ufunc = staticmethod(np.trunc)


class Arctan2(Op):
    """y = atan2(a, b); da = g b / (a² + b²), db = -g a / (a² + b²)"""

    broadcasts = True

    def forward(ctx: Any, a: Any, b: Any) -> Any:
        a, b = promote_arrays(a, b)
        ctx.saved = (a, b)
        return np.arctan2(a, b)

    def backward(ctx: Any, g: Any) -> tuple:
        a, b = ctx.saved
        pa, pb = ctx.needs_input_grad
        r = g / (a * a + b * b)
        return (r * b if pa else None), (-(r * a) if pb else None)


class Hypot(Op):
    """y = √(a² + b²); da = g a / y, db = g b / y"""

    broadcasts = True

    def forward(ctx: Any, a: Any, b: Any) -> Any:
        a, b = promote_arrays(a, b)
        y = np.hypot(a, b)
        ctx.saved = (a, b, y)
        return y

    def backward(ctx: Any, g: Any) -> tuple:
        a, b, y = ctx.saved
        pa, pb = ctx.needs_input_grad
        r = g / y
        return (r * a if pa else None), (r * b if pb else None)


class Mod(Op):
    """y = a - ⌊a / b⌋ b (the sign of b, as Python and PyTorch's remainder); da = g,
    db = -g ⌊a / b⌋"""

    broadcasts = True

    def forward(ctx: Any, a: Any, b: Any) -> Any:
        a, b = promote_arrays(a, b)
        ctx.saved = (a, b)
        return np.mod(a, b)

    def backward(ctx: Any, g: Any) -> tuple:
        a, b = ctx.saved
        pa, pb = ctx.needs_input_grad
        gb = -(g * np.floor_divide(a, b)) if pb else None
        return (g if pa else None), gb


class Fmod(Op):
    """y = a - trunc(a / b) b (the sign of a, as C's fmod); da = g, db = -g trunc(a / b)"""

    broadcasts = True

    def forward(ctx: Any, a: Any, b: Any) -> Any:
        a, b = promote_arrays(a, b)
        ctx.saved = (a, b)
        return np.fmod(a, b)

    def backward(ctx: Any, g: Any) -> tuple:
        a, b = ctx.saved
        pa, pb = ctx.needs_input_grad
        gb = -(g * np.trunc(np.true_divide(a, b))) if pb else None
        return (g if pa else None), gb


tan = Tan.apply
arcsin = Arcsin.apply
arccos = Arccos.apply
arctan = Arctan.apply
sinh = Sinh.apply
cosh = Cosh.apply
log2 = Log2.apply
log10 = Log10.apply
exp2 = Exp2.apply
square = Square.apply
reciprocal = Reciprocal.apply
rsqrt = Rsqrt.apply
sign = Sign.apply
floor = Floor.apply
ceil = Ceil.apply
trunc = Trunc.apply
arctan2 = Arctan2.apply
hypot = Hypot.apply
mod = Mod.apply
remainder = Mod.apply
fmod = Fmod.apply


def round(x: Any, decimals: int = 0) -> Tensor:  # noqa: A001  (the op's name)
    """Round half to even (NumPy's and PyTorch's rule); zero gradient."""
    if decimals:
        scale = 10.0 ** decimals
        return Round.apply(x * scale) / scale
    return Round.apply(x)
