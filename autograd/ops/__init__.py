"""The ops, by family, bound onto `Tensor` as operators and methods."""
from __future__ import annotations

from typing import Any


from ..tensor import Tensor
from . import arithmetic, linalg
from .arithmetic import (add, div, equal, greater, greater_equal, less, less_equal, maximum,
                         minimum, mul, neg, not_equal, pow, sub, where)
from .linalg import dot, matmul
from .reduce import argmax, argmin, logsumexp, max, mean, min, std, sum, var
from .shape import (broadcast_to, concatenate, expand_dims, flatten, getitem, reshape, split,
                    squeeze, stack, swapaxes, transpose)
from .unary import (abs, astype, clip, cos, erf, exp, expm1, log, log1p, relu, sigmoid, sin,
                    sqrt, tanh)

__all__ = [
    "add", "sub", "mul", "div", "pow", "neg", "maximum", "minimum", "where",
    "less", "less_equal", "greater", "greater_equal", "equal", "not_equal",
    "exp", "log", "sqrt", "abs", "sin", "cos", "tanh", "sigmoid", "relu", "erf", "log1p",
    "expm1", "clip", "astype",
    "sum", "mean", "var", "std", "max", "min", "logsumexp", "argmax", "argmin",
    "reshape", "transpose", "swapaxes", "squeeze", "expand_dims", "broadcast_to", "flatten",
    "concatenate", "stack", "split", "getitem", "matmul", "dot",
]

_Add, _Sub, _Mul, _Div = arithmetic.Add.apply, arithmetic.Sub.apply, arithmetic.Mul.apply, \
    arithmetic.Div.apply
_Pow, _MatMul = arithmetic.Pow.apply, linalg.MatMul.apply


def _bind() -> None:
    T = Tensor
    T.__add__ = _Add
    T.__radd__ = lambda self, other: _Add(other, self)
    T.__sub__ = _Sub
    T.__rsub__ = lambda self, other: _Sub(other, self)
    T.__mul__ = _Mul
    T.__rmul__ = lambda self, other: _Mul(other, self)
    T.__truediv__ = _Div
    T.__rtruediv__ = lambda self, other: _Div(other, self)
    T.__pow__ = _Pow
    T.__rpow__ = lambda self, other: _Pow(other, self)
    T.__matmul__ = _MatMul
    T.__rmatmul__ = lambda self, other: _MatMul(other, self)
    T.__neg__ = neg
    T.__pos__ = lambda self: self
    T.__abs__ = abs
    T.__lt__ = less
    T.__le__ = less_equal
    T.__gt__ = greater
    T.__ge__ = greater_equal
    T.__eq__ = equal
    T.__ne__ = not_equal
    T.__getitem__ = getitem
    for name in ("exp", "log", "sqrt", "abs", "sin", "cos", "tanh", "sigmoid", "relu", "erf",
                 "log1p", "expm1", "clip", "astype", "sum", "mean", "var", "std", "max", "min",
                 "logsumexp", "argmax", "argmin", "reshape", "transpose", "swapaxes", "squeeze",
                 "expand_dims", "broadcast_to", "flatten", "matmul", "dot", "maximum",
                 "minimum"):
        setattr(T, name, globals()[name])


_bind()
