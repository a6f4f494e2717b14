"""Tensor factories; float32 unless `dtype` says otherwise."""
from __future__ import annotations

from typing import Any

import numpy as np

from .device import check_device
from .random import default_generator
from .tensor import Tensor, shape_tuple

DEFAULT_DTYPE = np.float32


def _new(data: np.ndarray, requires_grad: bool) -> Tensor:
    return Tensor(data, requires_grad=requires_grad)


def tensor(data: Any, requires_grad: bool = False, dtype: Any = None,
           device: Any = None) -> Tensor:
    """Build a Tensor (same as `Tensor(...)`)."""
    check_device(device, "tensor")
    return Tensor(data, requires_grad=requires_grad, dtype=dtype)


def zeros(*shape: Any, dtype: Any = DEFAULT_DTYPE,
          requires_grad: bool = False, device: Any = None) -> Tensor:
    """A tensor of zeros."""
    check_device(device, "zeros")
    return _new(np.zeros(shape_tuple(shape), dtype=dtype), requires_grad)


def ones(*shape: Any, dtype: Any = DEFAULT_DTYPE,
         requires_grad: bool = False, device: Any = None) -> Tensor:
    """A tensor of ones."""
    check_device(device, "ones")
    return _new(np.ones(shape_tuple(shape), dtype=dtype), requires_grad)


def full(shape: Any, fill_value: float, dtype: Any = DEFAULT_DTYPE,
         requires_grad: bool = False, device: Any = None) -> Tensor:
    """A tensor filled with `fill_value`."""
    check_device(device, "full")
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    return _new(np.full(shape, fill_value, dtype=dtype), requires_grad)


def empty(*shape: Any, dtype: Any = DEFAULT_DTYPE,
          requires_grad: bool = False, device: Any = None) -> Tensor:
    """A tensor with unspecified contents."""
    check_device(device, "empty")
    return _new(np.empty(shape_tuple(shape), dtype=dtype), requires_grad)


def _like_dtype(t: Any, dtype: Any) -> Any:
    if dtype is not None:
        return dtype
    return t.dtype if isinstance(t, (Tensor, np.ndarray)) else DEFAULT_DTYPE


def zeros_like(t: Any, dtype: Any = None,
               requires_grad: bool = False, device: Any = None) -> Tensor:
    """Zeros with the shape (and dtype) of `t`."""
    check_device(device, "zeros_like")
    return _new(np.zeros(np.shape(t), dtype=_like_dtype(t, dtype)), requires_grad)


def ones_like(t: Any, dtype: Any = None,
              requires_grad: bool = False, device: Any = None) -> Tensor:
    """Ones with the shape (and dtype) of `t`."""
    check_device(device, "ones_like")
    return _new(np.ones(np.shape(t), dtype=_like_dtype(t, dtype)), requires_grad)


def arange(start: float, stop: float | None = None, step: float = 1,
           dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """Evenly spaced values start, start + step, ... below stop.

    The dtype is inferred as PyTorch does: int64 when every argument is an integer, float32
    when any is a float (`dtype=` to choose).
    """
    check_device(device, "arange")
    if stop is None:
        start, stop = 0, start
    for name, v in (("start", start), ("stop", stop), ("step", step)):
        if not isinstance(v, (int, float, np.integer, np.floating)) or isinstance(v, bool):
            raise TypeError(f"arange: {name} must be a number, got {type(v).__name__} {v!r}")
    if step == 0 or step != step:
        raise ValueError(f"arange: step must be a nonzero number, got {step!r}")
    if dtype is None:
        ints = all(isinstance(v, (int, np.integer)) and not isinstance(v, bool)
                   for v in (start, stop, step))
        dtype = np.int64 if ints else DEFAULT_DTYPE
    return _new(np.arange(start, stop, step, dtype=dtype), requires_grad)


def eye(n: int, m: int | None = None, dtype: Any = DEFAULT_DTYPE,
        requires_grad: bool = False, device: Any = None) -> Tensor:
    """The identity matrix (n × m)."""
    check_device(device, "eye")
    return _new(np.eye(n, m, dtype=dtype), requires_grad)


def randn(*shape: Any, dtype: Any = DEFAULT_DTYPE,
          requires_grad: bool = False, device: Any = None) -> Tensor:
    """Standard normal samples from the default generator."""
    check_device(device, "randn")
    data = default_generator().standard_normal(shape_tuple(shape)).astype(dtype, copy=False)
    return _new(data, requires_grad)


def rand(*shape: Any, dtype: Any = DEFAULT_DTYPE,
         requires_grad: bool = False, device: Any = None) -> Tensor:
    """Uniform samples in [0, 1) from the default generator."""
    check_device(device, "rand")
    data = default_generator().random(shape_tuple(shape)).astype(dtype, copy=False)
    return _new(data, requires_grad)
