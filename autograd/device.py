"""PyTorch's `device`, for programs that pass `device=` around: only the CPU exists here
(tensors are NumPy arrays), so every other device is refused by name, never ignored."""
from __future__ import annotations

from typing import Any

__all__ = ["device"]

_OTHER_DEVICES = ("cuda", "mps", "xpu", "meta", "hip", "xla", "ipu", "hpu", "mtia", "vulkan")


class device:  # noqa: N801  (PyTorch's name)
    """`device("cpu")`, `device("cpu:0")` or `device("cpu", 0)`: the one place tensors live."""

    def __init__(self, type: Any = "cpu", index: int | None = None) -> None:
        if isinstance(type, device):
            type, index = type.type, type.index if index is None else index
        if not isinstance(type, str):
            raise TypeError(f"device: expected a device name such as 'cpu', got "
                            f"{type.__class__.__name__} {type!r}")
        name, _, idx = type.partition(":")
        if name in _OTHER_DEVICES:
            raise RuntimeError(f"device({type!r}): tensors here are NumPy arrays on the CPU; "
                               "only 'cpu' exists")
        if name != "cpu" or (idx and not idx.isdigit()):
            raise RuntimeError(f"device({type!r}): expected 'cpu' or 'cpu:<index>'")
        if idx and index is not None:
            raise RuntimeError(f"device({type!r}, {index!r}): the index is given twice")
        self.type = "cpu"
        self.index = int(idx) if idx else index

    def __repr__(self) -> str:
        index = "" if self.index is None else f", index={self.index}"
        return f"device(type='cpu'{index})"

    def __str__(self) -> str:
        return "cpu" if self.index is None else f"cpu:{self.index}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))


def check_device(value: Any, who: str) -> None:
    """Accept None, 'cpu', 'cpu:<n>' or a `device`; raise naming `who` for anything else."""
    if value is None or isinstance(value, device):
        return
    if not isinstance(value, str):
        raise TypeError(f"{who}: device must be None, a device or a name such as 'cpu', got "
                        f"{type(value).__name__} {value!r}")
    try:
        device(value)
    except RuntimeError as err:
        raise RuntimeError(f"{who}: {err}") from None
