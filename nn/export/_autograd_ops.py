"""ONNX for autograd's own ops: elementwise math, matmul, reductions and shape ops.

Each handler takes the graph and the traced call and returns the name(s) of its output(s); it
sets `g.out_bdim` when the batch axis of its result is not where the default rule puts it.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from autograd.extend import arithmetic as A
from autograd.extend import elementwise as E
from autograd.extend import linalg as L
from autograd.extend import reduce as R
from autograd.extend import shape as S
from autograd.extend import unary as U

from ._graph import Graph

Handler = Callable[[Graph, Any], Any]


def _dtype(rec: Any) -> np.dtype:
    return rec.result.data.dtype


def _unary(op_type: str) -> Handler:
    def handler(g: Graph, rec: Any) -> str:
        return g.add(op_type, [g.arg(rec.args[0], _dtype(rec))])
    return handler


def _binary(op_type: str) -> Handler:
    def handler(g: Graph, rec: Any) -> str:
        dt = _dtype(rec)
        return g.add(op_type, [g.arg(a, dt) for a in rec.args])
    return handler


def _log1p(g: Graph, rec: Any) -> str:
    dt = _dtype(rec)
    return g.add("Log", [g.add("Add", [g.arg(rec.args[0], dt), g.scalar(1, dt)])])


def _expm1(g: Graph, rec: Any) -> str:
    dt = _dtype(rec)
    return g.add("Sub", [g.add("Exp", [g.arg(rec.args[0], dt)]), g.scalar(1, dt)])


def _square(g: Graph, rec: Any) -> str:
    x = g.arg(rec.args[0], _dtype(rec))
    return g.add("Mul", [x, x])


def _rsqrt(g: Graph, rec: Any) -> str:
    return g.add("Reciprocal", [g.add("Sqrt", [g.arg(rec.args[0], _dtype(rec))])])


def _where(g: Graph, rec: Any) -> str:
    cond, a, b = rec.args
    dt = _dtype(rec)
    return g.add("Where", [g.arg(cond, np.bool_), g.arg(a, dt), g.arg(b, dt)])


def _clip(g: Graph, rec: Any) -> str:
    x, lo, hi = rec.args
    dt = _dtype(rec)
    y = g.arg(x, dt)
    bounds = [v for v in (lo, hi) if v is not None]
    if all(g.info(v) is None and np.ndim(v) == 0 for v in bounds):  # Clip: scalar bounds
        ins = [y, "" if lo is None else g.scalar(lo, dt)]
        return g.add("Clip", ins + ([g.scalar(hi, dt)] if hi is not None else []))
    if lo is not None:
        y = g.add("Max", [y, g.arg(lo, dt)])
    return g.add("Min", [y, g.arg(hi, dt)]) if hi is not None else y


def _cast(g: Graph, rec: Any) -> str:
    return g.add("Cast", [g.arg(rec.args[0])], to=g.elem(_dtype(rec)))


def _matmul(g: Graph, rec: Any) -> str:
    dt = _dtype(rec)
    return g.add("MatMul", [g.arg(a, dt) for a in rec.args])


def _reduce_bdim(g: Graph, x: Any, axes: Any, keepdims: bool) -> None:
    b = g.bdim(x)
    if b is None or keepdims:
        g.out_bdim = b
    elif axes is None or b in axes:
        g.out_bdim = None
    else:
        g.out_bdim = b - sum(1 for a in axes if a < b)


def _reduction(op_type: str) -> Handler:
    def handler(g: Graph, rec: Any) -> str:
        x, axes, keepdims = rec.args
        _reduce_bdim(g, x, axes, keepdims)
        return g.reduce(op_type, g.arg(x, _dtype(rec)), axes, keepdims)
    return handler


def _moments(g: Graph, rec: Any) -> str:
    """var = mean((x - mean x)²) · n / (n - ddof); std = √var."""
    x, axes, keepdims, ddof = rec.args
    dt = _dtype(rec)
    xs = g.arg(x, dt)
    centred = g.add("Sub", [xs, g.reduce("ReduceMean", xs, axes, True)])
    var = g.reduce("ReduceMean", g.add("Mul", [centred, centred]), axes, keepdims)
    if ddof:
        b = g.bdim(x)
        if b is not None and (axes is None or b in axes):
            raise g.fail(f"ddof={ddof} over the batch axis would bake in the batch size")
        shape = g.info(x).shape if g.info(x) else np.shape(x)
        n = int(np.prod([shape[a] for a in (axes or range(len(shape)))]))
        var = g.add("Mul", [var, g.scalar(n / (n - ddof), dt)])
    _reduce_bdim(g, x, axes, keepdims)
    return g.add("Sqrt", [var]) if type(rec.op) is R.Std else var


def _logsumexp(g: Graph, rec: Any) -> str:
    """m + ln Σ e^(x - m), m = max x (kept dims), then the reduced axes dropped."""
    x, axes, keepdims = rec.args
    xs = g.arg(x, _dtype(rec))
    m = g.reduce("ReduceMax", xs, axes, True)
    total = g.reduce("ReduceSum", g.add("Exp", [g.add("Sub", [xs, m])]), axes, True)
    y = g.add("Add", [g.add("Log", [total]), m])
    _reduce_bdim(g, x, axes, keepdims)
    if keepdims:
        return y
    return g.add("Reshape", [y, g.ints(rec.result.shape)]) if g.out_bdim is None else \
        g.add("Squeeze", [y, g.ints(axes)])


def _reshape(g: Graph, rec: Any) -> str:
    x, target = rec.args
    v = g.info(x)
    shape = list(rec.result.shape)
    if v is not None and v.bdim is not None:
        n = v.shape[v.bdim]
        if (v.bdim != 0 or not target or target[0] not in (n, -1) or 0 in target
                or shape[0] != n or (target[0] == -1 and -1 in target[1:])):
            raise g.fail(f"reshape from {v.shape} to {tuple(target)} moves the batch axis "
                         f"(size {n}); only reshapes that keep it first can be exported")
        shape = [0] + list(target[1:])  # 0: copy the input's (dynamic) batch size
        g.out_bdim = 0
    return g.add("Reshape", [g.arg(x), g.ints(shape)])


def _transpose(g: Graph, rec: Any) -> str:
    x, axes = rec.args
    nd = rec.result.ndim
    perm = list(range(nd - 1, -1, -1)) if axes is None else [int(a) % nd for a in axes]
    b = g.bdim(x)
    g.out_bdim = None if b is None else perm.index(b)
    return g.add("Transpose", [g.arg(x)], perm=perm)


def _broadcast_to(g: Graph, rec: Any) -> str:
    x, shape = rec.args
    shape = list(shape)
    b = g.bdim(x)
    if b is not None:  # Expand broadcasts both ways: 1 keeps the (dynamic) batch size
        b += len(shape) - len(g.info(x).shape)
        shape[b] = 1
        g.out_bdim = b
    return g.add("Expand", [g.arg(x), g.ints(shape)])


def _concatenate(g: Graph, rec: Any) -> str:
    axis = rec.kwargs.get("axis", 0) % rec.result.ndim
    dt = _dtype(rec)
    return g.add("Concat", [g.arg(a, dt) for a in rec.args], axis=axis)


def _stack(g: Graph, rec: Any) -> str:
    axis = rec.kwargs.get("axis", 0) % rec.result.ndim
    dt = _dtype(rec)
    parts = [g.add("Unsqueeze", [g.arg(a, dt), g.ints([axis])]) for a in rec.args]
    b = next((g.bdim(a) for a in rec.args if g.bdim(a) is not None), None)
    g.out_bdim = None if b is None else b + (axis <= b)
    return g.add("Concat", parts, axis=axis)


def _split(g: Graph, rec: Any) -> list:
    x, _, axis = rec.args
    if g.bdim(x) == axis:
        raise g.fail("splitting along the batch axis would bake in the batch size")
    sizes = [t.shape[axis] for t in rec.result]
    return g.add("Split", [g.arg(x), g.ints(sizes)], n_out=len(sizes), axis=axis)


HANDLERS: dict[type, Handler] = {
    A.Add: _binary("Add"), A.Sub: _binary("Sub"), A.Mul: _binary("Mul"),
    A.Div: _binary("Div"), A.Pow: _binary("Pow"), A.Maximum: _binary("Max"),
    A.Minimum: _binary("Min"), A.Neg: _unary("Neg"), A.Where: _where,
    U.Exp: _unary("Exp"), U.Log: _unary("Log"), U.Sqrt: _unary("Sqrt"), U.Abs: _unary("Abs"),
    U.Sin: _unary("Sin"), U.Cos: _unary("Cos"), U.Tanh: _unary("Tanh"),
    U.Sigmoid: _unary("Sigmoid"), U.Relu: _unary("Relu"), U.Erf: _unary("Erf"),
    U.Log1p: _log1p, U.Expm1: _expm1, U.Clip: _clip, U.Cast: _cast,
    E.Tan: _unary("Tan"), E.Arcsin: _unary("Asin"), E.Arccos: _unary("Acos"),
    E.Arctan: _unary("Atan"), E.Sinh: _unary("Sinh"), E.Cosh: _unary("Cosh"),
    E.Reciprocal: _unary("Reciprocal"), E.Sign: _unary("Sign"), E.Floor: _unary("Floor"),
    E.Ceil: _unary("Ceil"), E.Round: _unary("Round"), E.Square: _square, E.Rsqrt: _rsqrt,
    L.MatMul: _matmul,
    R.Sum: _reduction("ReduceSum"), R.Mean: _reduction("ReduceMean"),
    R.Max: _reduction("ReduceMax"), R.Min: _reduction("ReduceMin"), R.Var: _moments,
    R.Std: _moments, R.LogSumExp: _logsumexp,
    S.Reshape: _reshape, S.Transpose: _transpose, S.BroadcastTo: _broadcast_to,
    S.Concatenate: _concatenate, S.Stack: _stack, S.Split: _split,
}
