"""NumPy's array-building and splitting functions on Tensors, built on concatenate, split,
getitem, reshape and transpose (their gradients come from those): atleast_nd, the stack and
split families, rollaxis, rot90, append. Reached only through NumPy's dispatch.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor
from ._util import as_tensor
from . import shape as sh
from . import unary as un
from .indexing import flip


def atleast_1d(*xs: Any) -> Any:
    """Scalars become shape (1,)."""
    out = [sh.reshape(t, 1) if t.ndim == 0 else t for t in map(as_tensor, xs)]
    return out[0] if len(out) == 1 else out


def atleast_2d(*xs: Any) -> Any:
    """(n,) becomes (1, n), scalars (1, 1)."""
    out = [t if t.ndim >= 2 else sh.reshape(t, 1, -1) for t in map(as_tensor, xs)]
    return out[0] if len(out) == 1 else out


def atleast_3d(*xs: Any) -> Any:
    """(n,) becomes (1, n, 1), (m, n) becomes (m, n, 1), scalars (1, 1, 1)."""
    def one(x: Tensor) -> Tensor:
        if x.ndim >= 3:
            return x
        if x.ndim == 2:
            return sh.reshape(x, x.shape + (1,))
        return sh.reshape(x, (1, x.size, 1))

    out = [one(t) for t in map(as_tensor, xs)]
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
    cols = [sh.reshape(t, -1, 1) if t.ndim < 2 else t for t in map(as_tensor, tup)]
    return sh.concatenate(cols, 1)


def array_split(x: Any, sections: Any, axis: int = 0) -> list:
    """NumPy's array_split: n nearly equal pieces (the first ones one longer), or at indices."""
    x = as_tensor(x)
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
        x = as_tensor(x)
        if x.ndim < min_nd:
            raise ValueError(f"{name} only works on arrays of {min_nd} or more dimensions, "
                             f"got shape {x.shape}")
        ax = 0 if (axis == 1 and x.ndim == 1) else axis
        return sh.split(x, sections, ax)

    split.__name__ = name
    return split


def rollaxis(x: Any, axis: int, start: int = 0) -> Tensor:
    """Move `axis` to before position `start` (NumPy's rollaxis)."""
    x = as_tensor(x)
    nd = x.ndim
    axis, start = axis % nd, start % (nd + 1) if start != nd else nd
    order = list(range(nd))
    order.remove(axis)
    order.insert(start - 1 if axis < start else start, axis)
    return sh.transpose(x, *order)


def rot90(x: Any, k: int = 1, axes: tuple = (0, 1)) -> Tensor:
    """Rotate by 90° k times in the plane of `axes` (flips and a transpose)."""
    x, k = as_tensor(x), k % 4
    a, b = axes
    if k == 0:
        return x
    if k == 2:
        return flip(flip(x, a), b)
    order = list(range(x.ndim))
    order[a], order[b] = order[b], order[a]
    return sh.transpose(flip(x, b), *order) if k == 1 else flip(sh.transpose(x, *order), b)


def append(arr: Any, values: Any, axis: Any = None) -> Tensor:
    """Concatenate `values` after `arr` (both flattened when axis is None)."""
    if axis is None:
        return sh.concatenate([sh.reshape(as_tensor(arr), -1),
                               sh.reshape(as_tensor(values), -1)], 0)
    return sh.concatenate([as_tensor(arr), as_tensor(values)], axis)


DISPATCH_FUNCTIONS = {
    np.atleast_1d: atleast_1d, np.atleast_2d: atleast_2d, np.atleast_3d: atleast_3d,
    np.vstack: vstack, np.hstack: hstack, np.dstack: dstack, np.column_stack: column_stack,
    np.array_split: array_split, np.vsplit: _split_on(0, "vsplit", 2),
    np.hsplit: _split_on(1, "hsplit", 1), np.dsplit: _split_on(2, "dsplit", 3),
    np.rollaxis: rollaxis, np.rot90: rot90, np.append: append,
}
