"""DLPack: the ndarray's own protocol, so `torch.from_dlpack(t)` shares a Tensor's memory and
`autograd.from_dlpack(x)` shares another library's, with no copy either way."""
from __future__ import annotations

from typing import Any

import numpy as np

from .tensor import Tensor, _make

__all__ = ["from_dlpack"]


def tensor_dlpack(self: Tensor, *, stream: Any = None, max_version: Any = None,
                  dl_device: Any = None, copy: bool | None = None) -> Any:
    """`Tensor.__dlpack__`: the ndarray's DLPack capsule (no copy). Arrays with negative
    strides or that are read-only are refused (BufferError) unless `copy=True`: PyTorch
    mishandles the first and ignores the read-only flag of the second."""
    data = self.data
    if copy is not True:
        why = ("has negative strides" if any(s < 0 for s in data.strides)
               else "is read-only" if not data.flags.writeable else None)
        if why is not None:
            raise BufferError(
                f"__dlpack__: the tensor's array (shape {data.shape}, strides {data.strides}) "
                f"{why}, which a consumer could not share safely; pass copy=True, or share "
                "Tensor(np.ascontiguousarray(t.data)) or a writeable copy instead"
            )
    kwargs = {k: v for k, v in (("stream", stream), ("max_version", max_version),
                                ("dl_device", dl_device), ("copy", copy)) if v is not None}
    return data.__dlpack__(**kwargs)


def tensor_dlpack_device(self: Tensor) -> tuple:
    """`Tensor.__dlpack_device__`: (device type, id) of the ndarray, (1, 0) for the CPU."""
    return self.data.__dlpack_device__()


def from_dlpack(obj: Any, requires_grad: bool = False) -> Tensor:
    """A Tensor sharing memory with `obj`, any CPU DLPack producer (a torch tensor, an
    ndarray, a Tensor). Strides are kept (no copy); an array exported read-only stays
    read-only. A torch tensor that requires grad is refused, as its `.numpy()` is: pass
    `t.detach()` (gradients do not flow between the two libraries)."""
    if getattr(obj, "requires_grad", False) is True and not isinstance(obj, Tensor):
        raise RuntimeError(
            f"from_dlpack: the {type(obj).__module__}.{type(obj).__name__} requires grad; "
            "pass .detach() of it "
            "(it shares the same memory; gradients do not flow between libraries)"
        )
    try:
        arr = np.from_dlpack(obj)
    except (RuntimeError, BufferError, TypeError) as e:
        dtype = getattr(obj, "dtype", None)
        raise type(e)(f"from_dlpack: cannot share {type(obj).__name__} of dtype {dtype} with "
                      f"NumPy: {e}") from None
    t = _make(arr, None)
    if requires_grad:
        t.requires_grad_(True)
    return t
