"""Hypothesis strategies and a gradient assertion for property tests of code built on autograd.

Import this module explicitly (`from autograd import testing`): it needs Hypothesis, which
`import autograd` never loads. Example::

    from hypothesis import given
    import autograd
    from autograd import testing as agt

    @given(agt.tensors(shape=agt.shapes(max_dims=2, max_side=3), min_value=0.1, max_value=2))
    def test_log_gradient(x):
        agt.assert_grad_close(autograd.log, x)
"""
from __future__ import annotations

import math
from typing import Any, Callable, Sequence

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from .gradcheck import gradcheck
from .tensor import Tensor

__all__ = [
    "shapes", "broadcastable_shapes", "float_dtypes", "arrays", "tensors", "assert_grad_close",
    "LAYOUTS", "layouts", "in_layout", "arrays_in_layouts",
]

Shape = tuple[int, ...]


def _check_range(lo_name: str, lo: int, hi_name: str, hi: int) -> None:
    if lo < 0 or hi < lo:
        raise ValueError(f"need 0 <= {lo_name} <= {hi_name}; got {lo_name}={lo}, {hi_name}={hi}")


def shapes(
    min_dims: int = 0, max_dims: int = 4, min_side: int = 0, max_side: int = 5,
) -> st.SearchStrategy[Shape]:
    """Shapes with `min_dims`..`max_dims` axes, each of size `min_side`..`max_side`.

    With the default `min_side=0` empty axes occur; they shrink towards 0-d arrays.
    """
    _check_range("min_dims", min_dims, "max_dims", max_dims)
    _check_range("min_side", min_side, "max_side", max_side)
    sides = st.integers(min_side, max_side)
    return st.lists(sides, min_size=min_dims, max_size=max_dims).map(tuple)


def broadcastable_shapes(
    n: int = 2, min_dims: int = 0, max_dims: int = 4, min_side: int = 0, max_side: int = 5,
) -> st.SearchStrategy[tuple[Shape, ...]]:
    """Tuples of `n` shapes that broadcast together (NumPy's rules).

    A common shape is drawn; each member keeps a suffix of its axes (missing leading axes) and
    may turn any kept axis into size 1. Every member has at least `min_dims` axes.
    """
    if n < 1:
        raise ValueError(f"broadcastable_shapes needs n >= 1; got n={n}")

    @st.composite
    def build(draw: Any) -> tuple[Shape, ...]:
        common = draw(shapes(min_dims, max_dims, min_side, max_side))
        members = []
        for _ in range(n):
            lead = draw(st.integers(0, len(common) - min_dims))
            members.append(tuple(1 if draw(st.booleans()) else s for s in common[lead:]))
        return tuple(members)

    return build()


def float_dtypes() -> st.SearchStrategy[np.dtype]:
    """float32 or float64 (the dtypes that can require grad)."""
    return st.sampled_from([np.dtype(np.float32), np.dtype(np.float64)])


def _bound(value: float, dtype: np.dtype, up: bool) -> float:
    """`value` moved inwards to the nearest number `dtype` represents exactly."""
    v = dtype.type(value)
    if (float(v) < value) if up else (float(v) > value):
        v = np.nextafter(v, dtype.type(math.inf if up else -math.inf))
    return float(v)


def _elements(dtype: np.dtype, min_value: float, max_value: float) -> st.SearchStrategy:
    if dtype.kind == "f":
        return st.floats(
            _bound(min_value, dtype, up=True), _bound(max_value, dtype, up=False),
            width=8 * dtype.itemsize, allow_nan=False, allow_infinity=False,
            allow_subnormal=False,
        )
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        lo, hi = max(math.ceil(min_value), info.min), min(math.floor(max_value), info.max)
        return st.integers(lo, hi)
    if dtype.kind == "b":
        return st.booleans()
    raise ValueError(f"arrays: unsupported dtype {dtype}")


def arrays(
    shape: Shape | st.SearchStrategy[Shape],
    dtype: Any = np.float64,
    min_value: float = -10.0,
    max_value: float = 10.0,
    elements: st.SearchStrategy | None = None,
    unique: bool = False,
) -> st.SearchStrategy[np.ndarray]:
    """ndarrays of `shape` and `dtype` (each a value or a strategy).

    Floats are finite, normal and in [min_value, max_value]; integers are in that range too.
    `elements` replaces the value strategy (for instance a grid that keeps values apart);
    `unique=True` makes all elements of one array distinct.
    """
    if max_value < min_value:
        raise ValueError(f"arrays: min_value={min_value} exceeds max_value={max_value}")
    dtypes = dtype if isinstance(dtype, st.SearchStrategy) else st.just(np.dtype(dtype))

    def for_dtype(dt: np.dtype) -> st.SearchStrategy[np.ndarray]:
        dt = np.dtype(dt)
        elems = elements if elements is not None else _elements(dt, min_value, max_value)
        return hnp.arrays(dt, shape, elements=elems, unique=unique)

    return dtypes.flatmap(for_dtype)


# Memory layouts users hand in: C order, Fortran order, every other element of a larger array,
# negative strides, and a broadcast view (stride 0, read-only).
LAYOUTS = ("C", "F", "strided", "reversed", "broadcast")


def in_layout(a: np.ndarray, layout: str) -> np.ndarray:
    """`a`'s values in another memory layout (a new array or view; `a` is not changed).

    "broadcast" keeps the values only where they already repeat along axis 0: it returns
    `a[:1]` broadcast to `a.shape`, a read-only view with stride 0 on that axis.
    """
    a = np.asarray(a)
    if layout not in LAYOUTS:
        raise ValueError(f"in_layout: unknown layout {layout!r}; use one of {LAYOUTS}")
    if a.ndim == 0:  # one element has no layout (and NumPy's layout functions make it 1-D)
        return a.copy()
    if layout == "C":
        return np.ascontiguousarray(a)
    if layout == "F":
        return np.asfortranarray(a)
    if layout == "strided":
        big = np.zeros(tuple(2 * n for n in a.shape), dtype=a.dtype)
        every_other = tuple(slice(None, None, 2) for _ in a.shape)
        big[every_other] = a
        return big[every_other]
    if layout == "reversed":
        return np.flip(np.flip(a).copy())
    return np.broadcast_to(a[:1], a.shape) if a.shape[0] else a  # "broadcast"


def layouts(broadcast: bool = True) -> st.SearchStrategy[str]:
    """One of `LAYOUTS` (without "broadcast" when the values must stay as drawn)."""
    return st.sampled_from([x for x in LAYOUTS if broadcast or x != "broadcast"])


def arrays_in_layouts(
    shape: Shape | st.SearchStrategy[Shape],
    dtype: Any = np.float64,
    min_value: float = -10.0,
    max_value: float = 10.0,
    elements: st.SearchStrategy | None = None,
    unique: bool = False,
) -> st.SearchStrategy[np.ndarray]:
    """`arrays(...)` handed over in any memory layout of `LAYOUTS` (no broadcast views when
    `unique`, as those repeat values)."""
    drawn = arrays(shape, dtype, min_value, max_value, elements=elements, unique=unique)
    return st.tuples(drawn, layouts(broadcast=not unique)).map(lambda al: in_layout(*al))


def tensors(
    shape: Shape | st.SearchStrategy[Shape] | None = None,
    dtype: Any = None,
    min_value: float = -10.0,
    max_value: float = 10.0,
    requires_grad: bool = True,
    elements: st.SearchStrategy | None = None,
    unique: bool = False,
) -> st.SearchStrategy[Tensor]:
    """Tensors built from `arrays(...)`; the shape defaults to `shapes()`, the dtype to
    `float_dtypes()`. Integer and bool dtypes need `requires_grad=False`."""
    if shape is None:
        shape = shapes()
    if dtype is None:
        dtype = float_dtypes()
    elif not isinstance(dtype, st.SearchStrategy) and requires_grad \
            and np.dtype(dtype).kind != "f":
        raise ValueError(f"tensors: dtype {np.dtype(dtype)} cannot require grad")
    data = arrays(shape, dtype, min_value, max_value, elements=elements, unique=unique)
    return data.map(lambda a: Tensor(a, requires_grad=requires_grad))


def assert_grad_close(
    fn: Callable[..., Any], *inputs: Any, eps: float = 1e-6, atol: float = 1e-5,
    rtol: float = 1e-3,
) -> None:
    """Assert that backward's gradients of `fn(*inputs)` match float64 central differences.

    `inputs` are Tensors (those with requires_grad are checked) or arrays (wrapped as Tensors
    that require grad when they are floating point); other values pass through as constants.
    The inputs are not modified. Raises AssertionError naming the input, the element and both
    values when |analytic - numerical| > atol + rtol·|numerical| anywhere.
    """
    wrapped: Sequence[Any] = [
        Tensor(x, requires_grad=x.dtype.kind == "f") if isinstance(x, np.ndarray) else x
        for x in inputs
    ]
    gradcheck(fn, list(wrapped), eps=eps, atol=atol, rtol=rtol)
