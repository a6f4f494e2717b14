"""The ops, by family, bound onto `Tensor` as operators and methods."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor, _make
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
    T.__array_ufunc__ = _array_ufunc
    T.__array_function__ = _array_function


# NumPy functions called on Tensors (as backward formulas do under create_graph=True) are
# routed to the differentiable ops; comparisons and other ufuncs give constant Tensors.
_UFUNCS = {
    np.add: add, np.subtract: sub, np.multiply: mul, np.true_divide: div, np.power: pow,
    np.negative: neg, np.exp: exp, np.log: log, np.sqrt: sqrt, np.absolute: abs, np.sin: sin,
    np.cos: cos, np.tanh: tanh, np.log1p: log1p, np.expm1: expm1, np.maximum: maximum,
    np.minimum: minimum, np.matmul: matmul, np.square: lambda x: mul(x, x),
    np.reciprocal: lambda x: div(1.0, x), np.positive: lambda x: x,
}


def _plain(x: Any) -> Any:
    if isinstance(x, Tensor):
        return x.data
    if isinstance(x, (list, tuple)):
        return type(x)(_plain(i) for i in x)
    return x


def _array_ufunc(self: Tensor, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
    if method == "__call__" and not kwargs:
        op = _UFUNCS.get(ufunc)
        if op is not None:
            return op(*inputs)
    if kwargs.get("out") is not None:
        return NotImplemented
    result = getattr(ufunc, method)(*_plain(inputs), **kwargs)
    if isinstance(result, tuple):
        return tuple(_make(r, None) for r in result)
    return _make(result, None) if isinstance(result, np.ndarray) or np.isscalar(result) \
        else result


_FUNCTIONS = {
    np.where: where, np.broadcast_to: broadcast_to, np.concatenate: concatenate,
    np.stack: stack, np.expand_dims: expand_dims, np.squeeze: squeeze, np.reshape: reshape,
    np.transpose: transpose, np.swapaxes: swapaxes, np.sum: sum, np.mean: mean, np.max: max,
    np.min: min, np.amax: max, np.amin: min, np.split: split, np.dot: dot, np.clip: clip,
    np.var: var, np.std: std, np.matmul: matmul, np.maximum: maximum, np.minimum: minimum,
}


def _array_function(self: Tensor, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
    op = _FUNCTIONS.get(func)
    if op is not None:
        try:
            return op(*args, **kwargs)
        except TypeError:
            pass
    # Anything else runs on the plain arrays: a constant result, as NumPy would give.
    return func(*_plain(args), **{k: _plain(v) for k, v in kwargs.items()})


_bind()
