"""Shape and indexing ops: flips, rolls, tiles, repeats, padding, gathers and sorting.

Most are compositions of differentiable ops (indexing, reshape, transpose), so they need no
backward of their own; those that are ops write backward with functions Tensors answer too.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..complex_grad import refuse_ordering
from ..function import Op
from ..tensor import Tensor, _make
from ._util import as_tensor, normalize_axis
from ._promote import promote_arrays
from .shape import getitem, reshape


def _data(x: Any) -> np.ndarray:
    return x.data if isinstance(x, Tensor) else np.asarray(x)


def _one_axis(axis: Any, ndim: int, op: str) -> int:
    if not isinstance(axis, (int, np.integer)):
        raise TypeError(f"{op}: axis must be one int, got {axis!r}")
    return normalize_axis(axis, ndim, op)[0]


class Flip(Op):
    """y = x reversed along axes; dx = g reversed along the same axes"""

    complex_rule = "linear"

    def forward(ctx: Any, x: Any, axes: Any) -> Any:
        ctx.saved = (axes,)
        return np.flip(x, axes)

    def backward(ctx: Any, g: Any) -> tuple:
        return np.flip(g, ctx.saved[0]), None


def flip(x: Any, axis: Any = None) -> Tensor:
    """Reverse the order of elements along `axis` (every axis when None)."""
    return Flip.apply(x, normalize_axis(axis, _data(x).ndim, "flip"))


class Roll(Op):
    """y = x shifted cyclically; dx = g shifted back"""

    complex_rule = "linear"

    def forward(ctx: Any, x: Any, shift: Any, axis: Any) -> Any:
        ctx.saved = (shift, axis)
        return np.roll(x, shift, axis)

    def backward(ctx: Any, g: Any) -> tuple:
        shift, axis = ctx.saved
        back = tuple(-s for s in shift) if isinstance(shift, tuple) else -shift
        return np.roll(g, back, axis), None, None


def roll(x: Any, shift: Any, axis: Any = None) -> Tensor:
    """Shift elements cyclically by `shift` along `axis` (the flattened tensor when None)."""
    shift = tuple(int(s) for s in shift) if isinstance(shift, (tuple, list)) else int(shift)
    if axis is not None:
        axis = tuple(int(a) for a in axis) if isinstance(axis, (tuple, list)) else int(axis)
    return Roll.apply(x, shift, axis)


class Tile(Op):
    """y = x repeated `reps` times per axis; dx = g summed over the copies"""

    complex_rule = "linear"

    def forward(ctx: Any, x: Any, reps: tuple) -> Any:
        y = np.tile(x, reps)
        d = y.ndim
        base = (1,) * (d - x.ndim) + x.shape
        full = (1,) * (d - len(reps)) + tuple(reps)
        ctx.saved = (x.shape, base, full)
        return y

    def backward(ctx: Any, g: Any) -> tuple:
        shape, base, full = ctx.saved
        split = tuple(n for pair in zip(full, base) for n in pair)
        summed = g.reshape(split).sum(axis=tuple(range(0, len(split), 2)))
        return summed.reshape(shape), None


def tile(x: Any, reps: Any) -> Tensor:
    """NumPy's tile: repeat the whole tensor `reps` times along each axis."""
    reps = (int(reps),) if isinstance(reps, (int, np.integer)) else tuple(int(r) for r in reps)
    if any(r < 0 for r in reps):
        raise ValueError(f"tile: reps {reps} must be non-negative")
    return Tile.apply(x, reps)


def repeat(x: Any, repeats: Any, axis: Any = None) -> Tensor:
    """NumPy's repeat (PyTorch's repeat_interleave): each element `repeats` times along
    `axis` (of the flattened tensor when None). `Tensor.repeat(*sizes)` is PyTorch's tile."""
    x = as_tensor(x)
    if axis is None:
        x, axis = reshape(x, -1), 0
    axis = _one_axis(axis, x.ndim, "repeat")
    reps = np.asarray(_data(repeats))
    n = x.shape[axis]
    if reps.ndim > 1 or (reps.ndim == 1 and reps.shape[0] not in (1, n)) or np.any(reps < 0):
        raise ValueError(
            f"repeat: repeats {reps.tolist()} must be a non-negative int or one count per "
            f"element of axis {axis} (size {n})"
        )
    index = np.repeat(np.arange(n), reps)
    return getitem(x, (slice(None),) * axis + (index,))


def repeat_interleave(x: Any, repeats: Any, dim: Any = None) -> Tensor:
    """PyTorch's name for NumPy's repeat."""
    return repeat(x, repeats, dim)


def tile_like_torch(x: Any, *sizes: Any) -> Tensor:
    """`Tensor.repeat(*sizes)` as in PyTorch: tile with at least as many sizes as axes."""
    sizes = tuple(sizes[0]) if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)) \
        else sizes
    if len(sizes) < _data(x).ndim:
        raise ValueError(
            f"repeat: {len(sizes)} sizes for a tensor with {_data(x).ndim} dimensions; "
            "PyTorch's Tensor.repeat needs at least one per axis (NumPy's repeat is "
            "autograd.repeat)"
        )
    return tile(x, sizes)


class Pad(Op):
    """y = x surrounded by a constant; dx = the middle of g"""

    complex_rule = "linear"

    def forward(ctx: Any, x: Any, width: tuple, value: Any) -> Any:
        ctx.saved = (tuple(slice(lo, lo + n) for (lo, _), n in zip(width, x.shape)),)
        return np.pad(x, width, mode="constant", constant_values=value)

    def backward(ctx: Any, g: Any) -> tuple:
        return g[ctx.saved[0]], None, None


# Modes whose padding repeats x's own elements: the padded array is x indexed along each axis.
_INDEX_MODES = ("edge", "reflect", "symmetric", "wrap")


def pad(x: Any, pad_width: Any, mode: str = "constant", constant_values: Any = 0) -> Tensor:
    """NumPy's pad. mode="constant" surrounds x with a value (no gradient there); "edge",
    "reflect", "symmetric" and "wrap" repeat x's own elements, so they are x indexed along each
    axis, and a repeated element's gradient is the sum over its copies."""
    if mode != "constant" and mode not in _INDEX_MODES:
        raise NotImplementedError(
            f"pad: mode={mode!r} is not available; differentiable modes here are 'constant', "
            f"{', '.join(repr(m) for m in _INDEX_MODES)}"
        )
    nd = _data(x).ndim
    if nd == 0:
        return as_tensor(x)
    width = np.broadcast_to(np.asarray(pad_width, dtype=np.int64), (nd, 2))
    if np.any(width < 0):
        raise ValueError(f"pad: pad_width {np.asarray(pad_width).tolist()} has negative sizes")
    if mode == "constant":
        return Pad.apply(x, tuple((int(a), int(b)) for a, b in width), constant_values)
    x = as_tensor(x)
    for ax, (lo, hi) in enumerate(width):
        if lo or hi:  # NumPy's own rule for which element goes where, applied to positions
            if x.shape[ax] == 0:
                raise ValueError(f"pad: mode={mode!r} cannot extend the empty axis {ax} of "
                                 f"shape {x.shape}; use mode='constant'")
            index = np.pad(np.arange(x.shape[ax]), (int(lo), int(hi)), mode=mode)
            x = getitem(x, (slice(None),) * ax + (index,))
    return x


def _full_index(index: np.ndarray, axis: int, sizes: Sequence[int]) -> tuple:
    """Integer arrays selecting `index` along `axis` and positions 0..sizes[d]-1 elsewhere."""
    nd = index.ndim
    out = []
    for d in range(nd):
        if d == axis:
            out.append(index)
        else:
            shape = [1] * nd
            shape[d] = sizes[d]
            out.append(np.arange(sizes[d]).reshape(shape))
    return tuple(out)


def _index_array(index: Any, ndim: int, op: str) -> np.ndarray:
    idx = _data(index)
    if idx.dtype.kind not in "iu":
        raise TypeError(f"{op}: index must hold integers, got dtype {idx.dtype}")
    if idx.ndim != ndim:
        raise ValueError(f"{op}: index has {idx.ndim} dimensions, the tensor {ndim}")
    return idx


def take_along_axis(x: Any, indices: Any, axis: Any) -> Tensor:
    """NumPy's take_along_axis: y[…, i, …] = x[…, indices[…, i, …], …]."""
    x = as_tensor(x)
    if axis is None:
        x, axis = reshape(x, -1), 0
    axis = _one_axis(axis, x.ndim, "take_along_axis")
    idx = _index_array(indices, x.ndim, "take_along_axis")
    shape = np.broadcast_shapes(
        tuple(1 if d == axis else n for d, n in enumerate(x.shape)),
        tuple(1 if d == axis else n for d, n in enumerate(idx.shape)))
    full = _full_index(idx, axis, shape)
    return getitem(x, full)


def gather(x: Any, dim: int, index: Any) -> Tensor:
    """PyTorch's gather: y[i][j] = x[index[i][j]][j] (for dim 0); index may be smaller than
    x along the other axes."""
    x = as_tensor(x)
    axis = _one_axis(dim, x.ndim, "gather")
    idx = _index_array(index, x.ndim, "gather")
    for d, (n, m) in enumerate(zip(x.shape, idx.shape)):
        if d != axis and m > n:
            raise ValueError(f"gather: index shape {idx.shape} exceeds input shape {x.shape} "
                             f"along axis {d}")
    return getitem(x, _full_index(idx, axis, idx.shape))


class ScatterAddAlong(Op):
    """y = base with src added at index along axis; dbase = g, dsrc = g gathered at index"""

    complex_rule = "linear"

    def forward(ctx: Any, base: Any, src: Any, full: tuple) -> Any:
        base, src = promote_arrays(base, src)
        out = np.array(base, dtype=np.result_type(base, src))
        np.add.at(out, full, src)
        ctx.saved = (full,)
        return out

    def backward(ctx: Any, g: Any) -> tuple:
        return g, g[ctx.saved[0]], None


def scatter_add(x: Any, dim: int, index: Any, src: Any) -> Tensor:
    """PyTorch's scatter_add (out of place): y = x; y[index[i][j]][j] += src[i][j] (dim 0)."""
    x = as_tensor(x)
    axis = _one_axis(dim, x.ndim, "scatter_add")
    idx = _index_array(index, x.ndim, "scatter_add")
    src = as_tensor(src)
    if src.ndim != x.ndim or any(m > n for m, n in zip(idx.shape, src.shape)):
        raise ValueError(f"scatter_add: index shape {idx.shape} must fit in src shape "
                         f"{src.shape} (same number of dimensions as the input {x.shape})")
    if idx.size and (idx.min() < -x.shape[axis] or idx.max() >= x.shape[axis]):
        raise IndexError(f"scatter_add: index out of range for axis {axis} of size "
                         f"{x.shape[axis]}")
    if src.shape != idx.shape:
        src = getitem(src, tuple(slice(0, m) for m in idx.shape))
    return ScatterAddAlong.apply(x, src, _full_index(idx, axis, idx.shape))


def sort(x: Any, axis: int = -1, descending: bool = False, stable: bool = False) -> tuple:
    """(values, indices) sorted along `axis`, as PyTorch's sort; indices are int64 and carry
    no gradient, values pass gradients back to where they came from."""
    x = as_tensor(x)
    refuse_ordering("sort", x)
    if x.ndim == 0:
        return x, _make(np.zeros((), dtype=np.int64), None)
    axis = _one_axis(axis, x.ndim, "sort")
    d = x.data
    idx = np.argsort(-d if descending and d.dtype.kind == "f" else d, axis=axis, kind="stable")
    if descending and d.dtype.kind != "f":
        idx = np.flip(np.argsort(d, axis=axis, kind="stable"), axis)
    idx = idx.astype(np.int64)
    return take_along_axis(x, idx, axis), _make(idx, None)


def topk(x: Any, k: int, axis: int = -1, largest: bool = True, sorted: bool = True) -> tuple:
    """The k largest (or smallest) values along `axis` and their int64 indices (PyTorch's
    topk); values are differentiable."""
    x = as_tensor(x)
    refuse_ordering("topk", x)
    axis = _one_axis(axis, max(x.ndim, 1), "topk") if x.ndim else 0
    n = x.shape[axis] if x.ndim else 1
    if not 0 <= int(k) <= n:
        raise ValueError(f"topk: k={k} is out of range for axis {axis} of size {n}")
    values, idx = sort(x, axis, descending=largest)
    if x.ndim == 0:
        return values, idx
    keep = (slice(None),) * axis + (slice(0, int(k)),)
    return getitem(values, keep), _make(np.ascontiguousarray(idx.data[keep]), None)


def argsort(x: Any, axis: int = -1) -> Tensor:
    """Indices that sort x along `axis` (NumPy's argsort; no gradient)."""
    refuse_ordering("argsort", x)
    return _make(np.argsort(_data(x), axis=axis, kind="stable"), None)

