"""Mini-batches, a shuffled train/validation split and k-fold indices.

When no `seed` is given, shuffling draws from `autograd.default_generator()`, so
`autograd.manual_seed` makes it repeatable; a `seed` gives the object its own generator.
"""
from __future__ import annotations

from typing import Any, Iterator

import numpy as np

from autograd import Tensor, default_generator

__all__ = ["DataLoader", "train_val_split", "kfold"]


def _arrays(arrays: tuple, who: str) -> list[np.ndarray]:
    if not arrays:
        raise ValueError(f"{who}: give at least one array")
    # Tensor's dtype policy: arrays keep their dtype, Python lists of floats become float32.
    out = [a.data if isinstance(a, Tensor) else Tensor(a).data for a in arrays]
    for a in out:
        if a.ndim == 0:
            raise ValueError(f"{who}: arrays need a first (sample) axis, got a 0-d array")
    lengths = [len(a) for a in out]
    if len(set(lengths)) != 1:
        raise ValueError(
            f"{who}: the arrays must have the same number of samples on axis 0, got {lengths}"
        )
    return out


def _generator(seed: int | None) -> np.random.Generator:
    return default_generator() if seed is None else np.random.default_rng(seed)


class DataLoader:
    """Iterate over mini-batches: each item is a tuple with one Tensor per array.

    `shuffle` draws a new order each epoch; `drop_last` skips a final short batch.
    """

    def __init__(self, *arrays: Any, batch_size: int = 1, shuffle: bool = False,
                 drop_last: bool = False, seed: int | None = None) -> None:
        self.arrays = _arrays(arrays, "DataLoader")
        if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
            raise ValueError(f"DataLoader: batch_size must be a positive int, got {batch_size!r}")
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self.drop_last = drop_last
        self.seed = seed
        self._rng = None if seed is None else np.random.default_rng(seed)

    @property
    def num_samples(self) -> int:
        return len(self.arrays[0])

    def __len__(self) -> int:
        n, b = self.num_samples, self.batch_size
        return n // b if self.drop_last else -(-n // b)

    def __iter__(self) -> Iterator[tuple[Tensor, ...]]:
        n, b = self.num_samples, self.batch_size
        order = None
        if self.shuffle:
            rng = self._rng if self._rng is not None else default_generator()
            order = rng.permutation(n)
        for k in range(len(self)):
            if order is None:  # slices are views: no copy of the data
                yield tuple(Tensor(a[k * b:(k + 1) * b]) for a in self.arrays)
            else:
                idx = order[k * b:(k + 1) * b]
                yield tuple(Tensor(a[idx]) for a in self.arrays)


def train_val_split(*arrays: Any, val_fraction: float = 0.2, seed: int | None = None
                    ) -> tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]]:
    """Shuffle the samples once and hold out round(n · val_fraction) of them for validation.

    Returns (train_arrays, val_arrays), each a tuple with one array per input array.
    """
    data = _arrays(arrays, "train_val_split")
    n = len(data[0])
    if not 0.0 < val_fraction < 1.0:
        raise ValueError(f"train_val_split: val_fraction must be in (0, 1), got {val_fraction}")
    n_val = int(round(n * val_fraction))
    if n_val == 0 or n_val == n:
        raise ValueError(
            f"train_val_split: {n} samples with val_fraction={val_fraction} leave "
            f"{n - n_val} for training and {n_val} for validation; both must be non-empty"
        )
    order = _generator(seed).permutation(n)
    val_idx, train_idx = order[:n_val], order[n_val:]
    return tuple(a[train_idx] for a in data), tuple(a[val_idx] for a in data)


def kfold(n: int, k: int, seed: int | None = None
          ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield k (train_idx, val_idx) pairs over a shuffled range(n); the validation folds are
    disjoint and cover every index once (the first n mod k folds have one index more)."""
    if not isinstance(k, (int, np.integer)) or not 2 <= k <= n:
        raise ValueError(f"kfold: need 2 <= k <= n, got k={k!r}, n={n}")
    order = _generator(seed).permutation(n)
    sizes = np.full(k, n // k)
    sizes[: n % k] += 1
    starts = np.concatenate([[0], np.cumsum(sizes)])
    # A generator expression, so the checks and the shuffle above happen at the call.
    return ((np.concatenate([order[:a], order[b:]]), order[a:b])
            for a, b in zip(starts[:-1], starts[1:]))
