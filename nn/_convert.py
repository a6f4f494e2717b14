"""`Module.to(dtype)`: convert a module's floating-point parameters and buffers in place."""
from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Tensor, device as _device


def _parse(args: tuple, kwargs: dict) -> Any:
    """The dtype among PyTorch's spellings to(dtype), to(device), to(device, dtype) and
    to(dtype=..., device=...); None when only a device is given. Only the CPU exists."""
    unknown = set(kwargs) - {"dtype", "device", "non_blocking", "copy"}
    if unknown or len(args) > 2:
        raise TypeError(f"Module.to: unexpected arguments {sorted(unknown) or args}")
    dtype, device = kwargs.get("dtype"), kwargs.get("device")
    for a in args:
        if isinstance(a, _device) or (isinstance(a, str)
                                      and a.split(":")[0] in ("cpu", "cuda", "mps", "meta")):
            device = a
        else:
            dtype = a
    if device is not None and str(device).split(":")[0] != "cpu":
        raise ValueError(f"Module.to: only the 'cpu' device exists here, got {device!r}")
    if dtype is None:
        return None
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"Module.to: {dtype!r} is not a dtype") from None
    if dtype.kind != "f":
        raise TypeError(f"Module.to: only floating-point dtypes are accepted, got {dtype}")
    return dtype


def _cast(t: Tensor, dtype: np.dtype) -> None:
    if t.data.dtype.kind == "f" and t.data.dtype != dtype:
        t.data = t.data.astype(dtype)
    if t.grad is not None and t.grad.data.dtype.kind == "f" and t.grad.data.dtype != dtype:
        t.grad.data = t.grad.data.astype(dtype)


def module_to(module: Any, *args: Any, **kwargs: Any) -> Any:
    """Cast every floating-point parameter (and its gradient) and buffer of `module` and its
    descendants to the dtype, in place: the Parameter objects stay the same, so an optimizer
    built earlier still updates them. Integer buffers (counters) are left alone."""
    dtype = _parse(args, kwargs)
    if dtype is None:
        return module
    for m in module.modules():
        for p in m._parameters.values():
            if p is not None:
                _cast(p, dtype)
        for b in m._buffers.values():
            if b is not None:
                _cast(b, dtype)
        if isinstance(m.__dict__.get("dtype"), np.dtype):
            m.__dict__["dtype"] = dtype  # layers that remember the dtype they were built in
    return module
