"""NumPy functions without a PyTorch name, reached only through NumPy's dispatch.

`np.vstack(t)`, `np.linalg.inv(t)`, `np.logaddexp(a, b)`, ... on Tensors: most are built on
the other ops (their gradients, first and second, come from those); the inverse hyperbolic
functions are ops of their own. `DISPATCH_UFUNCS` and `DISPATCH_FUNCTIONS` are merged into
the tables of `numpy_interop.py`; nothing here is exported by `autograd`.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..function import Op
from ..tensor import Tensor
from . import arithmetic as ar
from . import shape as sh
from . import unary as un
from .catalog import moveaxis
from .contract import einsum, tensordot
from .indexing import flip, take_along_axis


def _t(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(np.asarray(x))


class Arcsinh(Op):
    """y = asinh x; dx = g / √(x² + 1)"""

    def forward(ctx: Any, x: Any) -> Any:
        ctx.saved = (x,)
        return np.arcsinh(x)

    def backward(ctx: Any, g: Any) -> tuple:
        (x,) = ctx.saved
        return (g / np.sqrt(x * x + 1),)


class Arccosh(Op):
    """y = acosh x; dx = g / √(x² - 1)"""

    def forward(ctx: Any, x: Any) -> Any:
        ctx.saved = (x,)
        return np.arccosh(x)

    def backward(ctx: Any, g: Any) -> tuple:
        (x,) = ctx.saved
        return (g / np.sqrt(x * x - 1),)


class Arctanh(Op):
    """y = atanh x; dx = g / (1 - x²)"""

    def forward(ctx: Any, x: Any) -> Any:
        ctx.saved = (x,)
        return np.arctanh(x)

    def backward(ctx: Any, g: Any) -> tuple:
        (x,) = ctx.saved
        return (g / (1 - x * x),)


def _common(a: Any, b: Any) -> tuple:
    """Both operands in their result dtype (NumPy computes mixed float32/64 in float64)."""
    a, b = _t(a), _t(b)
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
    a, b = _t(a), _t(b)
    return ar.where(np.logical_or(a.data >= b.data, np.isnan(b.data)), a, b)


def fmin(a: Any, b: Any) -> Tensor:
    """min(a, b), a NaN losing to a number; at ties the gradient goes to a (as PyTorch)."""
    a, b = _t(a), _t(b)
    return ar.where(np.logical_or(a.data <= b.data, np.isnan(b.data)), a, b)


def _scaled(k: float) -> Any:
    return lambda x: ar.mul(x, k)


def atleast_1d(*xs: Any) -> Any:
    """Scalars become shape (1,)."""
    out = [sh.reshape(_t(x), 1) if _t(x).ndim == 0 else _t(x) for x in xs]
    return out[0] if len(out) == 1 else out


def atleast_2d(*xs: Any) -> Any:
    """(n,) becomes (1, n), scalars (1, 1)."""
    out = [_t(x) if _t(x).ndim >= 2 else sh.reshape(_t(x), 1, -1) for x in xs]
    return out[0] if len(out) == 1 else out


def atleast_3d(*xs: Any) -> Any:
    """(n,) becomes (1, n, 1), (m, n) becomes (m, n, 1), scalars (1, 1, 1)."""
    def one(x: Tensor) -> Tensor:
        if x.ndim >= 3:
            return x
        if x.ndim == 2:
            return sh.reshape(x, x.shape + (1,))
        return sh.reshape(x, (1, x.size, 1))

    out = [one(_t(x)) for x in xs]
    return out[0] if len(out) == 1 else out


def _cast(xs: list, dtype: Any, casting: str, name: str) -> list:
    """NumPy's dtype=/casting= of the stacking functions."""
    if dtype is None:
        return xs
    for x in xs:
        if not np.can_cast(x.dtype, dtype, casting):
            raise TypeError(f"np.{name}: cannot cast {x.dtype} to {np.dtype(dtype)} under "
                            f"casting={casting!r}")
    return [un.astype(x, dtype) for x in xs]


def vstack(tup: Any, *, dtype: Any = None, casting: str = "same_kind") -> Tensor:
    """Concatenate along axis 0 after atleast_2d."""
    return sh.concatenate(_cast([atleast_2d(x) for x in tup], dtype, casting, "vstack"), 0)


def hstack(tup: Any, *, dtype: Any = None, casting: str = "same_kind") -> Tensor:
    """Concatenate along axis 1 (axis 0 for 1-D inputs)."""
    xs = _cast([atleast_1d(x) for x in tup], dtype, casting, "hstack")
    return sh.concatenate(xs, 0 if xs[0].ndim == 1 else 1)


def dstack(tup: Any) -> Tensor:
    """Concatenate along axis 2 after atleast_3d."""
    return sh.concatenate([atleast_3d(x) for x in tup], 2)


def column_stack(tup: Any) -> Tensor:
    """1-D inputs become columns; concatenate along axis 1."""
    cols = [sh.reshape(_t(x), -1, 1) if _t(x).ndim < 2 else _t(x) for x in tup]
    return sh.concatenate(cols, 1)


def array_split(x: Any, sections: Any, axis: int = 0) -> list:
    """NumPy's array_split: n nearly equal pieces (the first ones one longer), or at indices."""
    x = _t(x)
    axis = axis % x.ndim
    n = x.shape[axis]
    if isinstance(sections, (int, np.integer)):
        if sections <= 0:
            raise ValueError(f"array_split: number of sections must be larger than 0, got "
                             f"{sections}")
        size, extra = divmod(n, int(sections))
        bounds = np.cumsum([0] + [size + 1] * extra + [size] * (int(sections) - extra))
    else:
        bounds = [0, *sections, n]
    pre = (slice(None),) * axis
    return [sh.getitem(x, pre + (slice(lo, hi),)) for lo, hi in zip(bounds[:-1], bounds[1:])]


def _split_on(axis: int, name: str, min_nd: int) -> Any:
    def split(x: Any, sections: Any) -> list:
        x = _t(x)
        if x.ndim < min_nd:
            raise ValueError(f"{name} only works on arrays of {min_nd} or more dimensions, "
                             f"got shape {x.shape}")
        ax = 0 if (axis == 1 and x.ndim == 1) else axis
        return sh.split(x, sections, ax)

    split.__name__ = name
    return split


def rollaxis(x: Any, axis: int, start: int = 0) -> Tensor:
    """Move `axis` to before position `start` (NumPy's rollaxis)."""
    x = _t(x)
    nd = x.ndim
    axis, start = axis % nd, start % (nd + 1) if start != nd else nd
    order = list(range(nd))
    order.remove(axis)
    order.insert(start - 1 if axis < start else start, axis)
    return sh.transpose(x, *order)


def rot90(x: Any, k: int = 1, axes: tuple = (0, 1)) -> Tensor:
    """Rotate by 90° k times in the plane of `axes` (flips and a transpose)."""
    x, k = _t(x), k % 4
    a, b = axes
    if k == 0:
        return x
    if k == 2:
        return flip(flip(x, a), b)
    order = list(range(x.ndim))
    order[a], order[b] = order[b], order[a]
    return sh.transpose(flip(x, b), *order) if k == 1 else flip(sh.transpose(x, *order), b)


def inner(a: Any, b: Any) -> Tensor:
    """Sum over the last axes of a and b (a product when either is a scalar)."""
    a, b = _t(a), _t(b)
    if a.ndim == 0 or b.ndim == 0:
        return ar.mul(a, b)
    return tensordot(a, b, axes=([-1], [-1]))


def kron(a: Any, b: Any) -> Tensor:
    """Kronecker product: blocks a[i] * b."""
    a, b = _t(a), _t(b)
    nd = max(a.ndim, b.ndim)
    a = sh.reshape(a, (1,) * (nd - a.ndim) + a.shape)
    b = sh.reshape(b, (1,) * (nd - b.ndim) + b.shape)
    pa = sh.reshape(a, tuple(d for s in a.shape for d in (s, 1)))
    pb = sh.reshape(b, tuple(d for s in b.shape for d in (1, s)))
    return sh.reshape(ar.mul(pa, pb), tuple(p * q for p, q in zip(a.shape, b.shape)))


def diff(x: Any, n: int = 1, axis: int = -1) -> Tensor:
    """n-th differences along `axis`."""
    x = _t(x)
    axis = axis % x.ndim
    pre = (slice(None),) * axis
    for _ in range(n):
        x = ar.sub(sh.getitem(x, pre + (slice(1, None),)), sh.getitem(x, pre + (slice(None, -1),)))
    return x


def append(arr: Any, values: Any, axis: Any = None) -> Tensor:
    """Concatenate `values` after `arr` (both flattened when axis is None)."""
    if axis is None:
        return sh.concatenate([sh.reshape(_t(arr), -1), sh.reshape(_t(values), -1)], 0)
    return sh.concatenate([_t(arr), _t(values)], axis)


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
    a = _t(a)
    return take_along_axis(a, np.argpartition(a.data, kth, axis=axis), axis)


class Sinc(Op):
    """y = sin(πx)/(πx), 1 at 0; dx = g (cos(πx) - y)/x, or g(-π²x/3 + π⁴x³/30) near 0 where
    the quotient cancels"""

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
    x = _t(x)
    return ar.where(np.isfinite(x.data), x, np.nan_to_num(x.data, True, nan, posinf, neginf))


def linspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True,
             retstep: bool = False, dtype: Any = None, axis: int = 0) -> Any:
    """NumPy's linspace with Tensor ends: start + k (stop - start)/div, k = 0 … num-1."""
    if dtype is not None or axis != 0:
        raise NotImplementedError("np.linspace on Tensors: dtype= and axis= are not supported")
    start, stop = _t(start), _t(stop)
    div = (num - 1) if endpoint else num
    k = np.arange(num, dtype=np.result_type(start.data, stop.data, float))
    k = k.reshape((num,) + (1,) * max(start.ndim, stop.ndim))
    span = ar.sub(stop, start)
    step = ar.div(span, div) if div > 0 else ar.mul(span, np.nan)
    out = ar.add(ar.mul(k, step), start) if div > 0 else ar.add(ar.mul(k, span), start)
    if endpoint and num > 1:  # the last point is stop itself, as NumPy makes it
        out = sh.concatenate([sh.getitem(out, slice(0, num - 1)),
                              sh.expand_dims(ar.add(stop, ar.mul(start, 0.0)), 0)], 0)
    dt = np.result_type(start.data, stop.data)  # computed in float64, returned in theirs
    if dt.kind == "f" and dt != out.dtype:
        out, step = un.astype(out, dt), un.astype(step, dt)
    return (out, step) if retstep else out


def gradient(f: Any, *varargs: Any, axis: Any = None, edge_order: int = 1) -> Any:
    """Central differences inside, one-sided at the ends (unit spacing, edge_order=1)."""
    if varargs or edge_order != 1:
        raise NotImplementedError("np.gradient on Tensors: only unit spacing and edge_order=1")
    f = _t(f)
    axes = range(f.ndim) if axis is None else ([axis] if isinstance(axis, int) else axis)
    outs = []
    for ax in axes:
        ax = ax % f.ndim
        if f.shape[ax] < 2:
            raise ValueError("np.gradient: each axis needs at least 2 elements (edge_order=1), "
                             f"got shape {f.shape}")
        pre = (slice(None),) * ax

        def part(lo: Any, hi: Any) -> Tensor:
            return sh.getitem(f, pre + (slice(lo, hi),))

        inner = ar.div(ar.sub(part(2, None), part(None, -2)), 2.0)
        first, last = ar.sub(part(1, 2), part(0, 1)), ar.sub(part(-1, None), part(-2, -1))
        outs.append(sh.concatenate([first, inner, last], ax))
    return outs[0] if len(outs) == 1 else tuple(outs)


def cross(a: Any, b: Any, axisa: int = -1, axisb: int = -1, axisc: int = -1,
          axis: Any = None) -> Tensor:
    """The cross product of 3-vectors along the given axes (broadcast over the others)."""
    if axis is not None:
        axisa = axisb = axisc = axis
    a, b = moveaxis(_t(a), axisa, -1), moveaxis(_t(b), axisb, -1)
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
}

DISPATCH_FUNCTIONS = {
    np.atleast_1d: atleast_1d, np.atleast_2d: atleast_2d, np.atleast_3d: atleast_3d,
    np.vstack: vstack, np.hstack: hstack, np.dstack: dstack, np.column_stack: column_stack,
    np.array_split: array_split, np.vsplit: _split_on(0, "vsplit", 2),
    np.hsplit: _split_on(1, "hsplit", 1), np.dsplit: _split_on(2, "dsplit", 3),
    np.rollaxis: rollaxis, np.rot90: rot90, np.inner: inner, np.kron: kron, np.diff: diff,
    np.append: append, np.select: select, np.partition: partition, np.sinc: Sinc.apply,
    np.nan_to_num: nan_to_num, np.einsum: _einsum, np.transpose: _np_transpose,
    np.clip: _np_clip, np.linspace: linspace, np.gradient: gradient, np.cross: cross,
}
