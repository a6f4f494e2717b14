"""`Flatten`, `Unflatten` and `Dropout2d`, as in PyTorch."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograd import Tensor

from .functional.channel_dropout import dropout2d
from .module import Module

__all__ = ["Flatten", "Unflatten", "Dropout2d"]


def _int(value: Any, name: str, layer: str) -> int:
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool):
        raise TypeError(f"{layer}: {name} must be an int, got {value!r}")
    return int(value)


def _axis(dim: int, ndim: int, name: str, layer: str) -> int:
    if not -max(ndim, 1) <= dim < max(ndim, 1):
        raise IndexError(f"{layer}: {name}={dim} is out of range for an input with {ndim} "
                         "dimensions")
    return dim % max(ndim, 1)


class Flatten(Module):
    """Merge axes start_dim..end_dim into one: (N, C, H, W) → (N, C·H·W) by default."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = _int(start_dim, "start_dim", "Flatten")
        self.end_dim = _int(end_dim, "end_dim", "Flatten")

    def forward(self, x: Any) -> Tensor:
        x = x if isinstance(x, Tensor) else Tensor(x)
        if x.ndim == 0:
            return x.reshape((1,))
        s = _axis(self.start_dim, x.ndim, "start_dim", "Flatten")
        e = _axis(self.end_dim, x.ndim, "end_dim", "Flatten")
        if s > e:
            raise ValueError(f"Flatten: start_dim={self.start_dim} comes after "
                             f"end_dim={self.end_dim} for an input of shape {x.shape}")
        shape = x.shape
        return x.reshape(shape[:s] + (math.prod(shape[s:e + 1]),) + shape[e + 1:])

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Split axis `dim` into `unflattened_size` (one entry may be -1, inferred)."""

    def __init__(self, dim: int, unflattened_size: Any) -> None:
        super().__init__()
        self.dim = _int(dim, "dim", "Unflatten")
        try:
            sizes = tuple(_int(n, "unflattened_size", "Unflatten") for n in unflattened_size)
        except TypeError:
            raise TypeError(f"Unflatten: unflattened_size must be a sequence of ints, got "
                            f"{unflattened_size!r}") from None
        if not sizes or sum(n == -1 for n in sizes) > 1 or any(n < -1 or n == 0 for n in sizes):
            raise ValueError(f"Unflatten: unflattened_size must hold positive sizes (and at "
                             f"most one -1), got {unflattened_size!r}")
        self.unflattened_size = sizes

    def forward(self, x: Any) -> Tensor:
        x = x if isinstance(x, Tensor) else Tensor(x)
        d = _axis(self.dim, x.ndim, "dim", "Unflatten")
        n = x.shape[d]
        known = math.prod(s for s in self.unflattened_size if s != -1)
        sizes = tuple(n // known if s == -1 else s for s in self.unflattened_size)
        if math.prod(sizes) != n or (-1 in self.unflattened_size and n % known):
            raise ValueError(f"Unflatten: unflattened_size {self.unflattened_size} does not "
                             f"split axis {self.dim} of size {n} (input shape {x.shape})")
        return x.reshape(x.shape[:d] + sizes + x.shape[d + 1:])

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"


class Dropout2d(Module):
    """Channel dropout in training: each (sample, channel) map is zeroed with probability p,
    the others scaled by 1 / (1 - p); the identity in eval."""

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if inplace:
            raise ValueError("Dropout2d: inplace=True is not supported (the output is always "
                             "a new tensor)")
        if isinstance(p, bool) or not isinstance(p, (int, float)):
            raise TypeError(f"Dropout2d: p must be a number, got {p!r}")
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"Dropout2d: drop probability p must be in [0, 1], got {p}")
        self.p = float(p)

    def forward(self, x: Any) -> Tensor:
        return dropout2d(x, self.p, self.training)

    def extra_repr(self) -> str:
        return f"p={self.p}"
