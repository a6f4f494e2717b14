"""NumPy's protocols on Tensors: ufuncs and array functions called on Tensors (as backward
formulas do under create_graph=True) are routed to the differentiable ops; comparisons and
other ufuncs give constant Tensors, as NumPy would."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor, _make
from .arithmetic import add, div, maximum, minimum, mul, neg, pow, sub, where
from .linalg import dot, matmul
from .reduce import max, mean, min, std, sum, var
from .shape import (broadcast_to, concatenate, expand_dims, reshape, split, squeeze, stack,
                    swapaxes, transpose)
from .unary import abs, clip, cos, exp, expm1, log, log1p, sin, sqrt, tanh

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


def array_ufunc(ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
    """`Tensor.__array_ufunc__`: a differentiable op where one exists, else a constant."""
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


def array_function(func: Any, types: Any, args: Any, kwargs: Any) -> Any:
    """`Tensor.__array_function__`: a differentiable op where one exists, else a constant."""
    op = _FUNCTIONS.get(func)
    if op is not None:
        try:
            return op(*args, **kwargs)
        except TypeError:
            pass
    # Anything else runs on the plain arrays: a constant result, as NumPy would give.
    return func(*_plain(args), **{k: _plain(v) for k, v in kwargs.items()})
