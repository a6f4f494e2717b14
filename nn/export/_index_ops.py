"""ONNX for indexing: basic indexing (Slice, Gather of one index, Unsqueeze), a row lookup
by an integer array (Gather) and the zero padding `scatter_add` builds (Pad)."""
from __future__ import annotations

from typing import Any

import numpy as np

from autograd.extend import shape as S

from ._graph import Graph

_BEFORE_START = -(2**63)  # an end that clamps to "before the first element" (negative steps)


def _shape(g: Graph, x: Any) -> tuple:
    v = g.info(x)
    return v.shape if v is not None else np.shape(x.data if hasattr(x, "data") else x)


def _expand_ellipsis(items: tuple, ndim: int) -> list:
    """The index with `...` (or the missing trailing axes) spelled out as full slices."""
    fill = [slice(None)] * (ndim - sum(1 for it in items if it is not None and it is not ...))
    out: list = []
    for it in items:
        if it is Ellipsis:
            out, fill = out + fill, []
        else:
            out.append(it)
    return out + fill


def _gather_rows(g: Graph, rec: Any, idx: np.ndarray) -> str:
    x = rec.args[0]
    if g.bdim(x) is not None:
        raise g.fail("picking rows of a batched value by an index array would bake in the "
                     "example's indices")
    g.out_bdim = g.bdim(idx)
    return g.add("Gather", [g.arg(x), g.arg(idx, np.int64)], axis=0)


def _getitem(g: Graph, rec: Any) -> str:
    x, index = rec.args
    items = index if isinstance(index, tuple) else (index,)
    if len(items) == 1 and isinstance(items[0], np.ndarray) and items[0].dtype.kind in "iu":
        return _gather_rows(g, rec, items[0])
    for it in items:
        if not (it is None or it is Ellipsis or isinstance(it, (int, np.integer, slice))):
            raise g.fail(f"indexing with {type(it).__name__} (index {index!r}) has no "
                         "mapping; only ints, slices, None and ... do")
    shape = _shape(g, x)
    items = _expand_ellipsis(items, len(shape))
    b = g.bdim(x)
    starts, ends, axes, steps, picks, nones = [], [], [], [], [], []
    axis = out_pos = 0
    out_bdim = None
    for it in items:
        if it is None:
            nones.append(out_pos)
            out_pos += 1
            continue
        n = shape[axis]
        if axis == b:
            if it != slice(None):
                raise g.fail(f"index {index!r} selects along the batch axis")
            out_bdim = out_pos
        elif isinstance(it, slice):
            start, stop, step = it.indices(n)
            if (start, stop, step) != (0, n, 1):
                starts.append(start)
                ends.append(_BEFORE_START if step < 0 and stop < 0 else stop)
                axes.append(axis)
                steps.append(step)
        else:
            picks.append((axis, int(it) % n))
        out_pos += 0 if isinstance(it, (int, np.integer)) else 1
        axis += 1
    y = g.arg(x)
    if axes:
        y = g.add("Slice", [y, g.ints(starts), g.ints(ends), g.ints(axes), g.ints(steps)])
    for a, i in reversed(picks):  # from the last axis, so earlier axes keep their numbers
        y = g.add("Gather", [y, g.const(np.asarray(i, np.int64), "index")], axis=a)
    if nones:
        y = g.add("Unsqueeze", [y, g.ints(nones)])
    g.out_bdim = out_bdim
    return y


def _pad(g: Graph, rec: Any) -> str:
    """zeros(shape) with x written at a block of slices: zero padding."""
    x, index, shape = rec.args
    items = list(index if isinstance(index, tuple) else (index,))
    items += [slice(None)] * (len(shape) - len(items))
    in_shape = _shape(g, x)
    if len(items) != len(shape) or len(in_shape) != len(shape) or not all(
            isinstance(it, slice) and it.step in (None, 1) for it in items):
        raise g.fail(f"scatter_add at {index!r} into {shape} is not a zero padding")
    begins, ends = [], []
    for it, n, m in zip(items, shape, in_shape):
        start, stop, _ = it.indices(n)
        if stop - start != m:
            raise g.fail(f"scatter_add at {index!r} into {shape} is not a zero padding")
        begins.append(start)
        ends.append(n - stop)
    b = g.bdim(x)
    if b is not None and (begins[b] or ends[b]):
        raise g.fail("padding the batch axis would bake in the batch size")
    return g.add("Pad", [g.arg(x), g.ints(begins + ends)])


HANDLERS = {S.GetItem: _getitem, S.ScatterAdd: _pad}
