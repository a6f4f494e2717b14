"""Shape ops and indexing: they move elements, so backward moves gradients back."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..function import Op
from ..tensor import Tensor, shape_tuple
from ..versions import Watch, _owner
from ._util import is_basic_index, normalize_axis, torch_axes

# The public ops of this family (autograd and Tensor export them from here).
__all__ = [
    "reshape", "transpose", "swapaxes", "squeeze", "expand_dims", "broadcast_to", "flatten",
    "concatenate", "stack", "split",
]


class Reshape(Op):
    """y = x viewed with a new shape; dx = g reshaped back"""

    complex_rule = "linear"

    def forward(ctx: Any, x: Any, shape: tuple) -> Any:
        ctx.saved = (x.shape,)
        try:
            return x.reshape(shape)
        except ValueError:
            raise ValueError(
                f"reshape: cannot reshape a tensor of shape {x.shape} ({x.size} elements) "
                f"into shape {shape}"
            ) from None

    def backward(ctx: Any, g: Any) -> tuple:
        return g.reshape(ctx.saved[0]), None


class Transpose(Op):
    """y = x with axes permuted; dx = g with the inverse permutation"""

    complex_rule = "linear"

    def forward(ctx: Any, x: Any, axes: Any) -> Any:
        if axes is None:
            axes = tuple(range(x.ndim - 1, -1, -1))
        else:  # the inverse permutation below needs axes counted from the front
            axes = tuple(int(a) % x.ndim for a in axes) if x.ndim else tuple(axes)
        ctx.saved = (tuple(int(i) for i in np.argsort(axes)),)
        return x.transpose(axes)

    def backward(ctx: Any, g: Any) -> tuple:
        return g.transpose(ctx.saved[0]), None


class BroadcastTo(Op):
    """y = x broadcast to `shape`; dx = g summed back (by the engine's unbroadcast)"""

    complex_rule = "linear"

    def forward(ctx: Any, x: Any, shape: tuple) -> Any:
        try:
            return np.broadcast_to(x, shape)
        except ValueError:
            raise ValueError(
                f"broadcast_to: cannot broadcast shape {np.shape(x)} to {shape}"
            ) from None

    def backward(ctx: Any, g: Any) -> tuple:
        return g, None


def _slicer(axis: int, sl: Any) -> tuple:
    return (slice(None),) * axis + (sl,)


class Concatenate(Op):
    """y = [x₁ x₂ …] along axis; dxᵢ = the matching slice of g"""

    complex_rule = "linear"

    def forward(ctx: Any, *arrays: Any, axis: int = 0) -> Any:
        try:
            out = np.concatenate(arrays, axis=axis)
        except ValueError as e:
            shapes = [np.shape(a) for a in arrays]
            raise ValueError(f"concatenate along axis {axis}: shapes {shapes}: {e}") from None
        axis = axis % out.ndim
        ctx.saved = (axis, np.cumsum([0] + [np.shape(a)[axis] for a in arrays]))
        return out

    def backward(ctx: Any, g: Any) -> tuple:
        axis, bounds = ctx.saved
        return tuple(
            g[_slicer(axis, slice(int(lo), int(hi)))] if p is not None else None
            for p, lo, hi in zip(ctx.parents, bounds[:-1], bounds[1:])
        )


class Stack(Op):
    """y = xᵢ stacked on a new axis; dxᵢ = g[…, i, …]"""

    complex_rule = "linear"

    def forward(ctx: Any, *arrays: Any, axis: int = 0) -> Any:
        try:
            out = np.stack(arrays, axis=axis)
        except ValueError as e:
            shapes = [np.shape(a) for a in arrays]
            raise ValueError(f"stack: shapes {shapes}: {e}") from None
        ctx.saved = (axis % out.ndim,)
        return out

    def backward(ctx: Any, g: Any) -> tuple:
        axis = ctx.saved[0]
        return tuple(
            g[_slicer(axis, i)] if p is not None else None for i, p in enumerate(ctx.parents)
        )


class Split(Op):
    """(y₁, y₂, …) = pieces of x along axis; dx = [g₁ g₂ …] (zeros for unused pieces)"""

    complex_rule = "linear"

    def forward(ctx: Any, x: Any, sections: Any, axis: int) -> Any:
        ctx.saved = (axis,)
        return tuple(np.split(x, sections, axis=axis))

    def backward(ctx: Any, *grads: Any) -> tuple:
        return np.concatenate(grads, axis=ctx.saved[0]), None, None


class GetItem(Op):
    """y = x[index]; dx = g scattered into zeros (summed where an index repeats)"""

    complex_rule = "linear"

    def forward(ctx: Any, x: Any, index: Any) -> Any:
        try:
            out = x[index]
        except IndexError as e:
            raise IndexError(f"indexing a tensor of shape {x.shape}: {e}") from None
        # The output is saved only for its version: a view changed behind its back (its
        # base changed in place after indexing) must not pass for the value indexed.
        ctx.saved = (x.shape, x.dtype, index, Watch(out))
        return out

    def backward(ctx: Any, g: Any) -> tuple:
        shape, dtype, index, _ = ctx.saved
        return scatter_add(g, index, shape), None


class ScatterAdd(Op):
    """y = zeros(shape) with g added at index; dg = y-gradient gathered at index"""

    complex_rule = "linear"

    def forward(ctx: Any, g: Any, index: Any, shape: tuple) -> Any:
        ctx.saved = (index,)
        return _scatter_add_array(g, index, shape)

    def backward(ctx: Any, gg: Any) -> tuple:
        return gg[ctx.saved[0]], None, None


def _scatter_add_array(g: np.ndarray, index: Any, shape: tuple) -> np.ndarray:
    out = np.zeros(shape, dtype=g.dtype)
    if is_basic_index(index):
        out[index] = g
    else:
        np.add.at(out, index, g)
    return out


def scatter_add(g: Any, index: Any, shape: tuple) -> Any:
    """zeros(shape) with g added at `index` (ndarray in, ndarray out; Tensor in, Tensor out)."""
    if isinstance(g, Tensor):
        return ScatterAdd.apply(g, index, shape)
    return _scatter_add_array(g, index, shape)


def _index_arrays(index: Any) -> Any:
    if isinstance(index, Tensor):
        return index.data
    if isinstance(index, tuple):
        return tuple(i.data if isinstance(i, Tensor) else i for i in index)
    if isinstance(index, list):
        return np.asarray(index)
    return index


def getitem(x: Any, index: Any) -> Tensor:
    """x[index] with basic, integer-array or boolean indexing."""
    index = _index_arrays(index)
    out = GetItem.apply(x, index)
    if isinstance(x, Tensor) and out.data.base is not None and _owner(out.data) is _owner(x.data):
        out._base = x  # a view: in-place changes to it reach x (see inplace.py)
        out._key = index
    return out


def _ndim(x: Any) -> int:
    return x.data.ndim if isinstance(x, Tensor) else np.ndim(x)


def _shape(x: Any) -> tuple:
    return x.data.shape if isinstance(x, Tensor) else np.shape(x)


def reshape(x: Any, *shape: Any) -> Tensor:
    """View with a new shape (one entry may be -1); `reshape(2, 3)` or `reshape((2, 3))`."""
    return Reshape.apply(x, shape_tuple(shape))


def transpose(x: Any, *axes: Any) -> Tensor:
    """Permute axes (reverse them when none are given)."""
    axes = shape_tuple(axes) if axes and axes[0] is not None else None
    if axes is not None and sorted(a % max(_ndim(x), 1) for a in axes) != list(range(_ndim(x))):
        raise ValueError(f"transpose: axes {axes} are not a permutation for shape {_shape(x)}")
    return Transpose.apply(x, axes)


def swapaxes(x: Any, axis1: int, axis2: int) -> Tensor:
    """Exchange two axes."""
    perm = list(range(_ndim(x)))
    a1, a2 = normalize_axis(axis1, len(perm), "swapaxes")[0], normalize_axis(
        axis2, len(perm), "swapaxes")[0]
    perm[a1], perm[a2] = perm[a2], perm[a1]
    return Transpose.apply(x, tuple(perm))


def squeeze(x: Any, axis: Any = None, **torch_names: Any) -> Tensor:
    """Drop size-1 axes (all of them, or those named)."""
    if torch_names:
        axis, _ = torch_axes("squeeze", torch_names, axis, False)
    shape = _shape(x)
    axes = normalize_axis(axis, len(shape), "squeeze")
    if axes is None:
        new = tuple(n for n in shape if n != 1)
    else:
        for a in axes:
            if shape[a] != 1:
                raise ValueError(f"squeeze: axis {a} of shape {shape} has size {shape[a]}, not 1")
        new = tuple(n for i, n in enumerate(shape) if i not in axes)
    return Reshape.apply(x, new)


def expand_dims(x: Any, axis: Any = None, **torch_names: Any) -> Tensor:
    """Insert size-1 axes at the given positions (NumPy's meaning)."""
    if torch_names:
        axis, _ = torch_axes("expand_dims", torch_names, axis, False)
    if axis is None:
        raise TypeError("expand_dims() missing the axis (dim=) argument")
    return Reshape.apply(x, np.expand_dims(np.empty(_shape(x), dtype=bool), axis).shape)


def flatten(x: Any) -> Tensor:
    """A 1-D view of all elements."""
    return Reshape.apply(x, (-1,))


def broadcast_to(x: Any, *shape: Any) -> Tensor:
    """Repeat size-1 and missing leading axes to reach `shape`."""
    return BroadcastTo.apply(x, shape_tuple(shape))


def concatenate(seq: Sequence[Any], axis: int = 0, **torch_names: Any) -> Tensor:
    """Join tensors along an existing axis."""
    if torch_names:
        axis, _ = torch_axes("concatenate", torch_names, axis, False, axis_default=0)
    if len(seq) == 0:
        raise ValueError("concatenate: need at least one tensor")
    return Concatenate.apply(*seq, axis=axis)


def stack(seq: Sequence[Any], axis: int = 0, **torch_names: Any) -> Tensor:
    """Join same-shaped tensors along a new axis."""
    if torch_names:
        axis, _ = torch_axes("stack", torch_names, axis, False, axis_default=0)
    if len(seq) == 0:
        raise ValueError("stack: need at least one tensor")
    return Stack.apply(*seq, axis=axis)


def split(x: Any, indices_or_sections: Any, axis: int = 0, **torch_names: Any) -> list:
    """Split into pieces along `axis` (NumPy's meaning of `indices_or_sections`)."""
    if torch_names:
        axis, _ = torch_axes("split", torch_names, axis, False, axis_default=0)
    shape = _shape(x)
    axis = normalize_axis(axis, len(shape), "split")[0]
    if isinstance(indices_or_sections, (int, np.integer)) and (
        indices_or_sections <= 0 or shape[axis] % indices_or_sections
    ):
        raise ValueError(
            f"split: axis {axis} of shape {shape} cannot be split into "
            f"{indices_or_sections} equal sections"
        )
    return list(Split.apply(x, indices_or_sections, axis))
