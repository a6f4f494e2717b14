"""NumPy functions without a PyTorch name, reached only through NumPy's dispatch.
(Building and splitting arrays: numpy_shape.py; np.linalg: decompositions.py.)

`np.vstack(t)`, `np.linalg.inv(t)`, `np.logaddexp(a, b)`, ... on Tensors: most are built on
the other ops (their gradients, first and second, come from those); the inverse hyperbolic
functions are ops of their own. `DISPATCH_UFUNCS` and `DISPATCH_FUNCTIONS` are merged into
the tables of `numpy_interop.py`; nothing here is exported by `autograd`.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..complex_grad import refuse_ordering
from ..function import Op
from ..tensor import Tensor
from ._util import as_tensor
from . import arithmetic as ar
from . import complex_parts as cp
from . import shape as sh
from . import unary as un
from .catalog import moveaxis
from .contract import einsum, tensordot
from . import numpy_shape
from .indexing import take_along_axis


class Arcsinh(Op):
    """y = asinh x; dx = g / √(x² + 1)"""

    complex_rule = "holomorphic"

    def forward(ctx: Any, x: Any) -> Any:
        ctx.saved = (x,)
        return np.arcsinh(x)

    def backward(ctx: Any, g: Any) -> tuple:
        (x,) = ctx.saved
        return (g / np.sqrt(x * x + 1),)


class Arccosh(Op):
    """y = acosh x; dx = g / (√(x - 1) √(x + 1)) (= g / √(x² - 1) for real x > 1; right on
    the principal branch for complex x too)"""

    complex_rule = "holomorphic"

    def forward(ctx: Any, x: Any) -> Any:
        ctx.saved = (x,)
        return np.arccosh(x)

    def backward(ctx: Any, g: Any) -> tuple:
        (x,) = ctx.saved
        return (g / (np.sqrt(x - 1) * np.sqrt(x + 1)),)


class Arctanh(Op):
    """y = atanh x; dx = g / (1 - x²)"""

    complex_rule = "holomorphic"

    def forward(ctx: Any, x: Any) -> Any:
        ctx.saved = (x,)
        return np.arctanh(x)

    def backward(ctx: Any, g: Any) -> tuple:
        (x,) = ctx.saved
        return (g / (1 - x * x),)


def _common(a: Any, b: Any) -> tuple:
    """Both operands in their result dtype (NumPy computes mixed float32/64 in float64)."""
    a, b = as_tensor(a), as_tensor(b)
    dt = np.result_type(a.data, b.data)
    return un.astype(a, dt), un.astype(b, dt)


def logaddexp(a: Any, b: Any) -> Tensor:
    """log(eᵃ + eᵇ), computed as m + log(e^(a-m) + e^(b-m)) with m = max(a, b) a constant."""
    a, b = _common(a, b)
    m = np.maximum(a.data, b.data)
    m = np.where(np.isfinite(m), m, 0)
    return ar.add(un.log(ar.add(un.exp(ar.sub(a, m)), un.exp(ar.sub(b, m)))), m)


def logaddexp2(a: Any, b: Any) -> Tensor:
    """log₂(2ᵃ + 2ᵇ) = logaddexp(a ln 2, b ln 2) / ln 2."""
    ln2 = math.log(2.0)
    a, b = _common(a, b)
    return ar.div(logaddexp(ar.mul(a, ln2), ar.mul(b, ln2)), ln2)


def fmax(a: Any, b: Any) -> Tensor:
    """max(a, b), a NaN losing to a number; at ties the gradient goes to a (as PyTorch)."""
    a, b = as_tensor(a), as_tensor(b)
    refuse_ordering("fmax", a, b)
    return ar.where(np.logical_or(a.data >= b.data, np.isnan(b.data)), a, b)


def fmin(a: Any, b: Any) -> Tensor:
    """min(a, b), a NaN losing to a number; at ties the gradient goes to a (as PyTorch)."""
    a, b = as_tensor(a), as_tensor(b)
    refuse_ordering("fmin", a, b)
    return ar.where(np.logical_or(a.data <= b.data, np.isnan(b.data)), a, b)


def _scaled(k: float) -> Any:
    return lambda x: ar.mul(x, k)


def inner(a: Any, b: Any) -> Tensor:
    """Sum over the last axes of a and b (a product when either is a scalar)."""
    a, b = as_tensor(a), as_tensor(b)
    if a.ndim == 0 or b.ndim == 0:
        return ar.mul(a, b)
    return tensordot(a, b, axes=([-1], [-1]))


def kron(a: Any, b: Any) -> Tensor:
    """Kronecker product: blocks a[i] * b."""
    a, b = as_tensor(a), as_tensor(b)
    nd = max(a.ndim, b.ndim)
    a = sh.reshape(a, (1,) * (nd - a.ndim) + a.shape)
    b = sh.reshape(b, (1,) * (nd - b.ndim) + b.shape)
    pa = sh.reshape(a, tuple(d for s in a.shape for d in (s, 1)))
    pb = sh.reshape(b, tuple(d for s in b.shape for d in (1, s)))
    return sh.reshape(ar.mul(pa, pb), tuple(p * q for p, q in zip(a.shape, b.shape)))


def diff(x: Any, n: int = 1, axis: int = -1) -> Tensor:
    """n-th differences along `axis`."""
    x = as_tensor(x)
    axis = axis % x.ndim
    pre = (slice(None),) * axis
    for _ in range(n):
        x = ar.sub(sh.getitem(x, pre + (slice(1, None),)), sh.getitem(x, pre + (slice(None, -1),)))
    return x


def select(condlist: Any, choicelist: Any, default: Any = 0) -> Tensor:
    """The first choice whose condition holds, else `default`."""
    out = default
    for cond, choice in reversed(list(zip(condlist, choicelist))):
        out = ar.where(np.asarray(cond.data if isinstance(cond, Tensor) else cond), choice, out)
    return out


def partition(a: Any, kth: Any, axis: int = -1, kind: str = "introselect",
              order: Any = None) -> Tensor:
    """NumPy's partition: the same order as NumPy, the gradient follows the elements."""
    if order is not None:
        raise TypeError("np.partition on a Tensor: order= (structured arrays) is not supported")
    a = as_tensor(a)
    refuse_ordering("partition", a)
    return take_along_axis(a, np.argpartition(a.data, kth, axis=axis), axis)


class Sinc(Op):
    """y = sin(πx)/(πx), 1 at 0; dx = g (cos(πx) - y)/x, or g(-π²x/3 + π⁴x³/30) near 0 where
    the quotient cancels"""

    complex_rule = "holomorphic"

    def forward(ctx: Any, x: Any) -> Any:
        y = np.sinc(x)
        ctx.saved = (x, y)
        return y

    def backward(ctx: Any, g: Any) -> tuple:
        x, y = ctx.saved
        small = np.abs(getattr(x, "data", x)) < 1e-3
        safe = np.where(small, 1.0, x)
        k = math.pi ** 2
        series = x * (-k / 3 + (k * k / 30) * (x * x))
        return (g * np.where(small, series, (np.cos(math.pi * x) - y) / safe),)


def nan_to_num(x: Any, copy: bool = True, nan: float = 0.0, posinf: Any = None,
               neginf: Any = None) -> Tensor:
    """NaN and ±inf replaced by numbers (constants there); elsewhere x itself."""
    x = as_tensor(x)
    return ar.where(np.isfinite(x.data), x, np.nan_to_num(x.data, True, nan, posinf, neginf))


def linspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True,
             retstep: bool = False, dtype: Any = None, axis: int = 0) -> Any:
    """NumPy's linspace with Tensor ends: start + k (stop - start)/div, k = 0 … num-1; the
    samples lie along `axis` of the result. An integer `dtype` gives NumPy's (floored)
    constants: integers have no gradient."""
    start, stop = as_tensor(start), as_tensor(stop)
    if dtype is not None and np.dtype(dtype).kind not in "fc":
        out = Tensor(np.linspace(start.data, stop.data, num, endpoint, dtype=dtype, axis=axis))
        return (out, np.linspace(start.data, stop.data, num, endpoint, True)[1]) if retstep \
            else out
    div = (num - 1) if endpoint else num
    k = np.arange(num, dtype=np.result_type(start.data, stop.data, float))
    k = k.reshape((num,) + (1,) * max(start.ndim, stop.ndim))
    span = ar.sub(stop, start)
    step = ar.div(span, div) if div > 0 else ar.mul(span, np.nan)
    out = ar.add(ar.mul(k, step), start) if div > 0 else ar.add(ar.mul(k, span), start)
    if endpoint and num > 1:  # the last point is stop itself, as NumPy makes it
        out = sh.concatenate([sh.getitem(out, slice(0, num - 1)),
                              sh.expand_dims(ar.add(stop, ar.mul(start, 0.0)), 0)], 0)
    dt = np.dtype(dtype) if dtype is not None else np.result_type(start.data, stop.data)
    if dt.kind in "fc" and dt != out.dtype:  # computed in float64, returned in theirs
        out, step = un.astype(out, dt), un.astype(step, dt)
    if axis != 0:
        out = moveaxis(out, 0, axis)
    return (out, step) if retstep else out


def gradient(f: Any, *varargs: Any, axis: Any = None, edge_order: int = 1) -> Any:
    """NumPy's gradient with uniform spacing h (one number, or one per axis): central
    differences (f[i+1] - f[i-1]) / 2h inside; at the ends one-sided differences of first
    order, (f[1] - f[0]) / h, or of second order, (-3f[0] + 4f[1] - f[2]) / 2h."""
    f = as_tensor(f)
    axes = range(f.ndim) if axis is None else ([axis] if isinstance(axis, int) else axis)
    axes = [ax % f.ndim for ax in axes]
    spacing = _uniform_spacing(varargs, len(axes))
    if edge_order not in (1, 2):
        raise ValueError(f"np.gradient: edge_order must be 1 or 2, got {edge_order!r}")
    outs = []
    for ax, h in zip(axes, spacing):
        if f.shape[ax] < edge_order + 1:
            raise ValueError(f"np.gradient: each axis needs at least {edge_order + 1} elements "
                             f"(edge_order={edge_order}), got shape {f.shape}")
        pre = (slice(None),) * ax

        def part(lo: Any, hi: Any) -> Tensor:
            return sh.getitem(f, pre + (slice(lo, hi),))

        inner = ar.div(ar.sub(part(2, None), part(None, -2)), 2.0 * h)
        if edge_order == 1:
            first = ar.div(ar.sub(part(1, 2), part(0, 1)), h)
            last = ar.div(ar.sub(part(-1, None), part(-2, -1)), h)
        else:
            first = ar.div(ar.sub(ar.sub(ar.mul(part(1, 2), 4.0), ar.mul(part(0, 1), 3.0)),
                                  part(2, 3)), 2.0 * h)
            last = ar.div(ar.add(ar.sub(ar.mul(part(-1, None), 3.0), ar.mul(part(-2, -1), 4.0)),
                                 part(-3, -2)), 2.0 * h)
        outs.append(sh.concatenate([first, inner, last], ax))
    return outs[0] if len(outs) == 1 else tuple(outs)


def _uniform_spacing(varargs: tuple, n_axes: int) -> list[float]:
    """np.gradient's spacing arguments as one step per axis: none (1), one number for every
    axis, or one number per axis. Coordinate arrays (uneven spacing) are refused."""
    if not varargs:
        return [1.0] * n_axes
    if len(varargs) == 1 and n_axes != 1:
        varargs = varargs * n_axes
    if len(varargs) != n_axes:
        raise ValueError(f"np.gradient: {len(varargs)} spacings for {n_axes} axes")
    steps = []
    for h in varargs:
        if isinstance(h, Tensor) or np.ndim(h) != 0:
            raise NotImplementedError(
                "np.gradient on Tensors: spacing must be one number per axis (uniform); "
                "coordinate arrays are not supported")
        steps.append(float(h))
    return steps


def cross(a: Any, b: Any, axisa: int = -1, axisb: int = -1, axisc: int = -1,
          axis: Any = None) -> Tensor:
    """The cross product of 3-vectors along the given axes (broadcast over the others)."""
    if axis is not None:
        axisa = axisb = axisc = axis
    a, b = moveaxis(as_tensor(a), axisa, -1), moveaxis(as_tensor(b), axisb, -1)
    if a.shape[-1] != 3 or b.shape[-1] != 3:
        raise NotImplementedError(f"np.cross on Tensors: only 3-vectors, got shapes {a.shape} "
                                  f"and {b.shape}")
    a0, a1, a2 = (sh.getitem(a, (Ellipsis, i)) for i in range(3))
    b0, b1, b2 = (sh.getitem(b, (Ellipsis, i)) for i in range(3))
    c = sh.stack([ar.sub(ar.mul(a1, b2), ar.mul(a2, b1)), ar.sub(ar.mul(a2, b0), ar.mul(a0, b2)),
                  ar.sub(ar.mul(a0, b1), ar.mul(a1, b0))], -1)
    return moveaxis(c, -1, axisc)


def _einsum(*args: Any, **kwargs: Any) -> Tensor:
    """np.einsum in either form: subscripts string, or operands with lists of axis numbers."""
    if args and isinstance(args[0], str):
        return einsum(*args, **kwargs)
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

    def sub(axes: Any) -> str:
        return "".join("..." if a is Ellipsis else letters[a] for a in axes)

    out = args[-1] if len(args) % 2 else None
    pairs = args[:-1] if len(args) % 2 else args
    ops, subs = list(pairs[0::2]), list(pairs[1::2])
    spec = ",".join(sub(s) for s in subs) + ("" if out is None else "->" + sub(out))
    return einsum(spec, *ops, **kwargs)


def _np_transpose(a: Any, axes: Any = None) -> Tensor:
    return sh.transpose(a) if axes is None else sh.transpose(a, *axes)


def _np_clip(a: Any, a_min: Any = None, a_max: Any = None, **kw: Any) -> Tensor:
    lo, hi = kw.pop("min", a_min), kw.pop("max", a_max)
    if kw:
        raise TypeError(f"np.clip on a Tensor takes a, a_min, a_max; got {sorted(kw)}")
    return un.clip(a, lo, hi)


DISPATCH_UFUNCS = {
    np.arcsinh: Arcsinh.apply, np.arccosh: Arccosh.apply, np.arctanh: Arctanh.apply,
    np.logaddexp: logaddexp, np.logaddexp2: logaddexp2, np.fmax: fmax, np.fmin: fmin,
    np.deg2rad: _scaled(np.pi / 180), np.radians: _scaled(np.pi / 180),
    np.rad2deg: _scaled(180 / np.pi), np.degrees: _scaled(180 / np.pi), np.fabs: un.abs,
    np.conjugate: cp.conj,
}

DISPATCH_FUNCTIONS = {
    **numpy_shape.DISPATCH_FUNCTIONS,
    np.inner: inner, np.kron: kron, np.diff: diff, np.select: select,
    np.partition: partition, np.sinc: Sinc.apply, np.nan_to_num: nan_to_num,
    np.einsum: _einsum, np.transpose: _np_transpose, np.clip: _np_clip,
    np.linspace: linspace, np.gradient: gradient, np.cross: cross,
    np.real: cp.real, np.real_if_close: cp.real_if_close, np.imag: cp.imag, np.angle: cp.angle,
}
