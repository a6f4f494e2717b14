"""Elementwise binary ops. Broadcasting is undone by the engine, not here."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Op
from ..tensor import Tensor, _make


def _check_broadcast(op: str, *operands: Any) -> None:
    """Raise a ValueError naming `op` and the shapes when the operands cannot broadcast."""
    shapes = [np.shape(x) for x in operands]
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        raise ValueError(
            f"{op}: shapes {' and '.join(map(str, shapes))} cannot be broadcast together (each "
            "trailing axis must match or be 1); reshape or expand_dims an operand so that they "
            "line up"
        ) from None


class Add(Op):
    """a + b; da = g, db = g"""

    __slots__ = ()

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> Any:
        try:
            return a + b
        except ValueError:
            _check_broadcast("add", a, b)
            raise

    @staticmethod
    def backward(ctx: Any, g: Any) -> tuple:
        return g, g


class Sub(Op):
    """a - b; da = g, db = -g"""

    __slots__ = ()

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> Any:
        try:
            return a - b
        except ValueError:
            _check_broadcast("sub", a, b)
            raise

    @staticmethod
    def backward(ctx: Any, g: Any) -> tuple:
        return g, (-g if ctx.parents[1] is not None else None)


class Mul(Op):
    """a * b; da = g b, db = g a"""

    __slots__ = ()

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> Any:
        ctx.saved = (a, b)
        try:
            return a * b
        except ValueError:
            _check_broadcast("mul", a, b)
            raise

    @staticmethod
    def backward(ctx: Any, g: Any) -> tuple:
        a, b = ctx.saved
        pa, pb = ctx.parents
        return (g * b if pa is not None else None), (g * a if pb is not None else None)


class Div(Op):
    """a / b; da = g / b, db = -g a / b²"""

    __slots__ = ()

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> Any:
        ctx.saved = (a, b)
        try:
            return a / b
        except ValueError:
            _check_broadcast("div", a, b)
            raise

    @staticmethod
    def backward(ctx: Any, g: Any) -> tuple:
        a, b = ctx.saved
        pa, pb = ctx.parents
        ga = g / b if pa is not None else None
        gb = -g * a / (b * b) if pb is not None else None
        return ga, gb


class Pow(Op):
    """a ** b; da = g b a^(b-1) (0 where b = 0), db = g a^b log a (0 where a = 0, b >= 0)"""

    __slots__ = ()

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> Any:
        try:
            out = np.asarray(a ** b)  # an array even when 0-d (see Exp)
        except ValueError:
            _check_broadcast("pow", a, b)
            raise
        ctx.saved = (a, b, out)
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> tuple:
        a, b, out = ctx.saved
        pa, pb = ctx.parents
        ga = gb = None
        if pa is not None:
            if isinstance(b, (int, float)):
                ga = g * (b * a ** (b - 1)) if b != 0 else g * 0
            else:
                ga = np.where(b == 0, 0, g * (b * a ** (b - 1)))
        if pb is not None:
            # A ufunc rather than `&`: Tensors (create_graph=True) have no `&`, and the
            # mask is a constant either way.
            gb = np.where(np.logical_and(a == 0, b >= 0), 0, g * (out * np.log(a)))
        return ga, gb


class Neg(Op):
    """-a; da = -g"""

    __slots__ = ()

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        return -a

    @staticmethod
    def backward(ctx: Any, g: Any) -> tuple:
        return (-g,)


class _Pick(Op):
    """Shared backward of maximum and minimum: the winner gets g, ties split it equally."""

    __slots__ = ()
    _pick = staticmethod(np.maximum)
    _wins = staticmethod(np.greater)  # does a beat b?

    @classmethod
    def forward(cls, ctx: Any, a: Any, b: Any) -> Any:
        ctx.saved = (a, b)
        try:
            return cls._pick(a, b)
        except ValueError:
            _check_broadcast(cls._pick.__name__, a, b)
            raise

    @classmethod
    def backward(cls, ctx: Any, g: Any) -> tuple:
        a, b = ctx.saved
        pa, pb = ctx.parents
        half = (g * 0.5) * (a == b)
        ga = g * cls._wins(a, b) + half if pa is not None else None
        gb = g * cls._wins(b, a) + half if pb is not None else None
        return ga, gb


class Maximum(_Pick):
    """max(a, b) elementwise; ties split the gradient equally"""

    __slots__ = ()


class Minimum(_Pick):
    """min(a, b) elementwise; ties split the gradient equally"""

    __slots__ = ()
    _pick = staticmethod(np.minimum)
    _wins = staticmethod(np.less)


class Where(Op):
    """cond ? a : b; da = g where cond, db = g elsewhere"""

    __slots__ = ()

    @staticmethod
    def forward(ctx: Any, cond: Any, a: Any, b: Any) -> Any:
        cond = np.asarray(cond, dtype=bool)
        ctx.saved = (cond,)
        try:
            return np.where(cond, a, b)
        except ValueError:
            _check_broadcast("where", cond, a, b)
            raise

    @staticmethod
    def backward(ctx: Any, g: Any) -> tuple:
        (cond,) = ctx.saved
        pa, pb = ctx.parents[1:]
        ga = np.where(cond, g, 0) if pa is not None else None
        gb = np.where(cond, 0, g) if pb is not None else None
        return None, ga, gb


add = Add._apply
sub = Sub._apply
mul = Mul._apply
div = Div._apply
pow = Pow._apply  # noqa: A001  (the op's name)
neg = Neg._apply


def maximum(a: Any, b: Any) -> Tensor:
    """Elementwise maximum; where a == b each side gets half the gradient."""
    return Maximum._apply(a, b)


def minimum(a: Any, b: Any) -> Tensor:
    """Elementwise minimum; where a == b each side gets half the gradient."""
    return Minimum._apply(a, b)


def where(cond: Any, a: Any, b: Any) -> Tensor:
    """Elementwise `a if cond else b`; `cond` gets no gradient."""
    if isinstance(cond, Tensor):
        cond = cond.data
    return Where._apply(cond, a, b)


def _data(x: Any) -> Any:
    return x.data if isinstance(x, Tensor) else x


def _compare(ufunc: Any) -> Any:
    def compare(a: Any, b: Any) -> Tensor:
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
