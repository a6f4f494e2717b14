"""Elementwise binary ops. Broadcasting is undone by the engine, not here."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..complex_grad import refuse_ordering
from ..function import Op
from ..tensor import Tensor, _make

# The public ops of this family (autograd and Tensor export them from here).
__all__ = [
    "add", "sub", "mul", "div", "pow", "neg", "maximum", "minimum", "where", "less",
    "less_equal", "greater", "greater_equal", "equal", "not_equal",
]


_F64 = np.dtype(np.float64)


def _keep_float(ctx: Any, out: Any, a: Any, b: Any, ufunc: Any, saves: bool) -> Any:
    """PyTorch's category rule, where NumPy widens: an integer or bool operand never changes a
    float tensor's dtype (float32 ** int64 is float32). Only float64 results get here."""
    da, db = getattr(a, "dtype", None), getattr(b, "dtype", None)
    if da is not None and db is not None:
        if da.kind == "f" and da.itemsize < 8 and db.kind in "biu":
            b = b.astype(da)
        elif db.kind == "f" and db.itemsize < 8 and da.kind in "biu":
            a = a.astype(db)
        else:
            return out
        out = ufunc(a, b)
        if saves:
            ctx.saved = (a, b, out) if ufunc is np.power else (a, b)
    return out


class Add(Op):
    """a + b; da = g, db = g"""

    complex_rule = "linear"

    broadcasts = True


    def forward(ctx: Any, a: Any, b: Any) -> Any:
        out = a + b
        return out if out.dtype is not _F64 else _keep_float(ctx, out, a, b, np.add, False)

    def backward(ctx: Any, g: Any) -> tuple:
        return g, g


class Sub(Op):
    """a - b; da = g, db = -g"""

    complex_rule = "linear"

    broadcasts = True


    def forward(ctx: Any, a: Any, b: Any) -> Any:
        out = a - b
        return out if out.dtype is not _F64 else _keep_float(ctx, out, a, b, np.subtract, False)

    def backward(ctx: Any, g: Any) -> tuple:
        return g, (-g if ctx._p1 is not None else None)  # needs_input_grad[1], read directly


class Mul(Op):
    """a * b; da = g b, db = g a"""

    complex_rule = "holomorphic"

    broadcasts = True


    def forward(ctx: Any, a: Any, b: Any) -> Any:
        if type(b) is float and type(a) is np.ndarray and a.dtype.kind == "f":
            # x * 0.5: the float as the 0-d array of x's dtype that NEP 50 casts it to anyway.
            # The result is the same, and NumPy multiplies by an array about twice as fast as
            # by a Python number: here and in backward's g * b.
            b = np.asarray(b, a.dtype)
        ctx.saved = (a, b)
        out = a * b
        return out if out.dtype is not _F64 else _keep_float(ctx, out, a, b, np.multiply, True)

    def backward(ctx: Any, g: Any) -> tuple:
        a, b = ctx.saved  # (needs_input_grad is read directly: this is the hottest backward)
        return (g * b if ctx._p0 is not None else None), (g * a if ctx._p1 is not None else None)


class Div(Op):
    """a / b; da = g / b, db = -g a / b²"""

    complex_rule = "holomorphic"

    broadcasts = True


    def forward(ctx: Any, a: Any, b: Any) -> Any:
        ctx.saved = (a, b)
        out = a / b
        return out if out.dtype is not _F64 else _keep_float(ctx, out, a, b, np.true_divide,
                                                             True)

    def backward(ctx: Any, g: Any) -> tuple:
        a, b = ctx.saved
        pa, pb = ctx.needs_input_grad
        ga = g / b if pa else None
        gb = -g * a / (b * b) if pb else None
        return ga, gb


class Pow(Op):
    """a ** b; da = g b a^(b-1) (0 where b = 0), db = g a^b log a (0 where a = 0, Re b >= 0)"""

    complex_rule = "holomorphic"

    broadcasts = True


    def forward(ctx: Any, a: Any, b: Any) -> Any:
        out = a ** b
        ctx.saved = (a, b, out)
        return out if out.dtype is not _F64 else _keep_float(ctx, out, a, b, np.power, True)

    def backward(ctx: Any, g: Any) -> tuple:
        a, b, out = ctx.saved
        pa, pb = ctx.needs_input_grad
        ga = gb = None
        if pa:
            if isinstance(b, (int, float)):
                ga = g * (b * a ** (b - 1)) if b != 0 else g * 0
            else:
                ga = np.where(b == 0, 0, g * (b * a ** (b - 1)))
        if pb:
            # A ufunc rather than `&`: Tensors (create_graph=True) have no `&`, and the
            # mask is a constant either way.
            # log of a where a = 0 is replaced by log 1: the masked branch would otherwise
            # give 0 · -inf = nan in a second derivative.
            zero = np.logical_and(a == 0, np.real(b) >= 0)
            gb = np.where(zero, 0, g * (out * np.log(np.where(zero, 1, a))))
        return ga, gb


class Neg(Op):
    """-a; da = -g"""

    complex_rule = "linear"

    def forward(ctx: Any, a: Any) -> Any:
        return -a

    def backward(ctx: Any, g: Any) -> tuple:
        return (-g,)


class _Pick(Op):
    """Shared backward of maximum and minimum: the winner gets g, ties split it equally."""

    broadcasts = True

    _pick = staticmethod(np.maximum)
    _wins = staticmethod(np.greater)  # does a beat b?

    @classmethod
    def forward(cls, ctx: Any, a: Any, b: Any) -> Any:
        ctx.saved = (a, b)
        out = cls._pick(a, b)
        return out if out.dtype is not _F64 else _keep_float(ctx, out, a, b, cls._pick, True)

    @classmethod
    def backward(cls, ctx: Any, g: Any) -> tuple:
        a, b = ctx.saved
        pa, pb = ctx.needs_input_grad
        half = (g * 0.5) * (a == b)
        ga = g * cls._wins(a, b) + half if pa else None
        gb = g * cls._wins(b, a) + half if pb else None
        return ga, gb


class Maximum(_Pick):
    """max(a, b) elementwise; ties split the gradient equally"""



class Minimum(_Pick):
    """min(a, b) elementwise; ties split the gradient equally"""

    _pick = staticmethod(np.minimum)
    _wins = staticmethod(np.less)


class Where(Op):
    """cond ? a : b; da = g where cond, db = g elsewhere"""

    complex_rule = "linear"

    broadcasts = True


    def forward(ctx: Any, cond: Any, a: Any, b: Any) -> Any:
        ctx.saved = (cond,)
        return np.where(cond, a, b)

    def backward(ctx: Any, g: Any) -> tuple:
        (cond,) = ctx.saved
        pa, pb = ctx.parents[1:]
        ga = np.where(cond, g, 0) if pa is not None else None
        gb = np.where(cond, 0, g) if pb is not None else None
        return None, ga, gb


add = Add.apply
sub = Sub.apply
mul = Mul.apply
div = Div.apply
pow = Pow.apply  # noqa: A001  (the op's name)
neg = Neg.apply


def maximum(a: Any, b: Any) -> Tensor:
    """Elementwise maximum; where a == b each side gets half the gradient."""
    return Maximum.apply(a, b)


def minimum(a: Any, b: Any) -> Tensor:
    """Elementwise minimum; where a == b each side gets half the gradient."""
    return Minimum.apply(a, b)


def where(cond: Any, a: Any, b: Any) -> Tensor:
    """Elementwise `a if cond else b`; `cond` gets no gradient."""
    cond = np.asarray(cond.data if isinstance(cond, Tensor) else cond, dtype=bool)
    return Where.apply(cond, a, b)


def _data(x: Any) -> Any:
    return x.data if isinstance(x, Tensor) else x


def _compare(ufunc: Any) -> Any:
    ordering = ufunc not in (np.equal, np.not_equal)

    def compare(a: Any, b: Any) -> Tensor:
        if ordering:
            refuse_ordering(ufunc.__name__, a, b)
        return _make(ufunc(_data(a), _data(b)), None)

    compare.__name__ = ufunc.__name__
    compare.__doc__ = f"Elementwise {ufunc.__name__} (a boolean tensor, no gradient)."
    return compare


less = _compare(np.less)
less_equal = _compare(np.less_equal)
greater = _compare(np.greater)
greater_equal = _compare(np.greater_equal)
equal = _compare(np.equal)
not_equal = _compare(np.not_equal)
