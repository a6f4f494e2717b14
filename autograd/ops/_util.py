"""Small helpers shared by the op families."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor


def as_tensor(x: Any) -> Tensor:
    """A Tensor as it is; an array, list or number as a constant Tensor (dtypes kept)."""
    return x if isinstance(x, Tensor) else Tensor(np.asarray(x))


def normalize_axis(axis: Any, ndim: int, op: str) -> tuple[int, ...] | None:
    """`axis` as a sorted tuple of non-negative ints (None stays None)."""
    if axis is None:
        return None
    axes = (axis,) if isinstance(axis, (int, np.integer)) else axis
    if not isinstance(axes, (tuple, list)) or not all(
            isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in axes):
        raise TypeError(f"{op}: axis must be an int, a tuple of ints or None, got "
                        f"{type(axis).__name__} {axis!r}")
    out = []
    for a in axes:
        a = int(a)
        if not -ndim <= a < ndim:  # a 0-d tensor has no axis to name, as in NumPy
            valid = f"{-ndim}..{ndim - 1}, or None" if ndim else "only None"
            raise np.exceptions.AxisError(
                f"{op}: axis {a} is out of range for a tensor with {ndim} dimensions "
                f"(valid: {valid})"
            )
        out.append(a % ndim)
    if len(set(out)) != len(out):
        raise ValueError(f"{op}: axis {axis} names the same axis twice (ndim {ndim})")
    return tuple(sorted(out))


def kept_shape(shape: tuple[int, ...], axes: tuple[int, ...] | None) -> tuple[int, ...]:
    """The shape a reduction over `axes` has with keepdims=True."""
    if axes is None:
        return (1,) * len(shape)
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


def reduced_count(shape: tuple[int, ...], axes: tuple[int, ...] | None) -> int:
    """How many elements each output of a reduction over `axes` combines."""
    if axes is None:
        return int(np.prod(shape, dtype=np.int64))
    return int(np.prod([shape[a] for a in axes], dtype=np.int64))


def is_basic_index(idx: Any) -> bool:
    """True when indexing cannot repeat an element (ints, slices, None, Ellipsis, masks)."""
    items = idx if isinstance(idx, tuple) else (idx,)
    for it in items:
        if it is None or it is Ellipsis or isinstance(it, (int, np.integer, slice)):
            continue
        if isinstance(it, np.ndarray) and it.dtype == np.bool_:
            continue
        return False
    return True


_TORCH_AXIS_NAMES = {"dim": "axis", "dims": "axis", "keepdim": "keepdims"}


def rename_torch_axes(op: str, kwargs: dict) -> dict:
    """PyTorch's `dim=`/`dims=`/`keepdim=` renamed to `axis=`/`keepdims=`; TypeError when a
    call passes both spellings of one argument."""
    out = {}
    for key, value in kwargs.items():
        name = _TORCH_AXIS_NAMES.get(key, key)
        if name in out:
            raise TypeError(
                f"{op}() got both {name}= and its PyTorch spelling {key}=; pass only one"
            )
        out[name] = value
    return out


def torch_axes(op: str, torch_names: dict, axis: Any, keepdims: Any,
               axis_default: Any = None) -> tuple[Any, Any]:
    """(axis, keepdims) from PyTorch's `dim=`/`keepdim=` (TypeError for anything else, and
    when the NumPy spelling was given too)."""
    unknown = set(torch_names) - {"dim", "keepdim"}
    if unknown:
        raise TypeError(f"{op}() got an unexpected keyword argument {sorted(unknown)[0]!r}")
    if "dim" in torch_names:
        if axis is not axis_default and axis != axis_default:
            raise TypeError(f"{op}() got both axis= and its PyTorch spelling dim=; pass one")
        axis = torch_names["dim"]
    if "keepdim" in torch_names:
        if keepdims:
            raise TypeError(f"{op}() got both keepdims= and its PyTorch spelling keepdim=; "
                            "pass one")
        keepdims = torch_names["keepdim"]
    return axis, keepdims


def accepts_torch_axes(fn: Any) -> Any:
    """Let `fn` take `dim=`/`keepdim=` as aliases of `axis=`/`keepdims=` (rule 2 of the API
    contract). Calls without them pay one dict lookup per name."""
    import functools

    name = fn.__name__

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if kwargs and ("dim" in kwargs or "keepdim" in kwargs or "dims" in kwargs):
            kwargs = rename_torch_axes(name, kwargs)
        return fn(*args, **kwargs)

    wrapper.__wrapped_by_torch_axes__ = True
    return wrapper
