"""Datasets, mini-batches, a shuffled train/validation split and k-fold indices.

`DataLoader` takes arrays (`DataLoader(x, y, batch_size=...)`, each batch a tuple of Tensors)
or one PyTorch-style dataset: any object with `__len__` and `__getitem__` (such as
`TensorDataset` or a subclass of `Dataset`), whose samples are stacked into batches as
PyTorch's default collation does (a tuple of samples gives a tuple of Tensors, a dict a dict,
a single array a Tensor).

When no `seed` is given, shuffling draws from `autograd.default_generator()`, so
`autograd.manual_seed` makes it repeatable; a `seed` gives the object its own generator.
"""
from __future__ import annotations

import numbers
from typing import Any, Iterator

import numpy as np

from autograd import Tensor, default_generator

__all__ = ["Dataset", "TensorDataset", "DataLoader", "train_val_split", "kfold"]


def _as_array(a: Any, who: str, i: int) -> np.ndarray:
    if isinstance(a, Tensor):
        return a.data
    if isinstance(a, (dict, str, bytes)) or a is None:
        hint = "; for named arrays pass their values: (*d.values())" if isinstance(a, dict) \
            else ""
        raise TypeError(f"{who}: argument {i} must be an array, a Tensor or a list of numbers, "
                        f"got {type(a).__name__}{hint}")
    try:
        arr = np.asarray(a) if isinstance(a, np.ndarray) else Tensor(a).data
    except ValueError:
        raise ValueError(f"{who}: argument {i} is a ragged list (its rows have different "
                         "lengths); every sample must have the same shape") from None
    except (TypeError, RuntimeError) as e:  # RuntimeError: a list of Tensors requiring grad
        raise TypeError(f"{who}: argument {i} is not an array of numbers ({e})") from None
    if arr.dtype.hasobject:
        raise TypeError(f"{who}: argument {i} holds Python objects (dtype object); give "
                        "numeric arrays")
    return arr


def _arrays(arrays: tuple, who: str) -> list[np.ndarray]:
    if not arrays:
        raise ValueError(f"{who}: give at least one array")
    # Tensor's dtype policy: arrays keep their dtype, Python lists of floats become float32.
    out = [_as_array(a, who, i) for i, a in enumerate(arrays)]
    for a in out:
        if a.ndim == 0:
            raise ValueError(f"{who}: arrays need a first (sample) axis, got a 0-d array")
    lengths = [len(a) for a in out]
    if len(set(lengths)) != 1:
        raise ValueError(
            f"{who}: the arrays must have the same number of samples on axis 0, got {lengths}"
        )
    return out


def _check_seed(seed: Any, who: str) -> Any:
    if seed is None or isinstance(seed, np.random.Generator):
        return seed
    if not isinstance(seed, numbers.Integral) or isinstance(seed, (bool, np.bool_)):
        raise TypeError(f"{who}: seed must be None or an int >= 0, got "
                        f"{type(seed).__name__} {seed!r}")
    if seed < 0:
        raise ValueError(f"{who}: seed must be an int >= 0, got {seed}")
    return int(seed)


def _generator(seed: Any) -> np.random.Generator:
    return default_generator() if seed is None else np.random.default_rng(seed)


def _flag(value: Any, who: str, key: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{who}: {key} must be a bool, got {type(value).__name__} {value!r}")
    return bool(value)


class Dataset:
    """PyTorch's map-style dataset: subclasses define `__getitem__(index)` returning one
    sample and `__len__()` returning the number of samples."""

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__(index)")

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} must define __len__()")


class TensorDataset(Dataset):
    """Samples are rows of the given arrays: `dataset[i]` is `(a[i] for a in arrays)`."""

    def __init__(self, *tensors: Any) -> None:
        self.tensors = tuple(Tensor(a) for a in _arrays(tensors, "TensorDataset"))

    def __getitem__(self, index: Any) -> tuple[Tensor, ...]:
        return tuple(Tensor(t.data[index]) for t in self.tensors)

    def __len__(self) -> int:
        return len(self.tensors[0].data)


def _is_dataset(obj: Any) -> bool:
    return (not isinstance(obj, (np.ndarray, Tensor, list, tuple, dict, str, bytes))
            and hasattr(obj, "__len__") and hasattr(obj, "__getitem__"))


def _collate(samples: list, who: str) -> Any:
    """Stack samples as PyTorch's default collation: tuples and lists position by position,
    dicts key by key, arrays and numbers along a new first axis."""
    first = samples[0]
    if isinstance(first, (tuple, list)):
        if any(not isinstance(s, (tuple, list)) or len(s) != len(first) for s in samples):
            raise ValueError(f"{who}: the dataset's samples have different structures; "
                             "every sample must hold the same number of fields")
        return tuple(_collate([s[j] for s in samples], f"{who} field {j}")
                     for j in range(len(first)))
    if isinstance(first, dict):
        if any(not isinstance(s, dict) or s.keys() != first.keys() for s in samples):
            raise ValueError(f"{who}: the dataset's samples have different keys")
        return {k: _collate([s[k] for s in samples], f"{who} key {k!r}") for k in first}
    arrays = []
    for s in samples:
        try:
            arr = s.data if isinstance(s, Tensor) else np.asarray(s)
        except RuntimeError as e:  # a list of Tensors that require grad
            raise TypeError(f"{who}: a sample is not an array of numbers ({e})") from None
        if arr.dtype.kind not in "biuf":
            raise TypeError(f"{who}: a sample holds {type(s).__name__} of dtype {arr.dtype}; "
                            "samples must be numeric arrays, Tensors or numbers")
        arrays.append(arr)
    shapes = {a.shape for a in arrays}
    if len(shapes) != 1:
        raise ValueError(f"{who}: the batch's samples have shapes {sorted(shapes)}; a batch "
                         "stacks samples of one shape")
    return Tensor(np.stack(arrays))


def _check_sampler(sampler: Any, shuffle: bool) -> Any:
    if sampler is None:
        return None
    if shuffle:
        raise ValueError("DataLoader: sampler option is mutually exclusive with shuffle")
    if not hasattr(sampler, "__iter__") or not hasattr(sampler, "__len__"):
        raise TypeError(f"DataLoader: sampler must be an iterable of indices with __len__, "
                        f"got {type(sampler).__name__}")
    return sampler


def _sampled_indices(sampler: Any, n: int) -> np.ndarray:
    """The indices one pass over `sampler` yields, checked to be ints in [0, n)."""
    order = np.asarray(list(iter(sampler)))
    if order.size == 0:
        return np.zeros(0, dtype=np.int64)
    if order.ndim != 1 or order.dtype.kind not in "iu":
        raise TypeError(f"DataLoader: sampler must yield int indices, got {order.dtype} "
                        f"values of shape {order.shape}")
    if order.min() < -n or order.max() >= n:
        raise IndexError(f"DataLoader: sampler index out of range for a dataset of {n} "
                         f"samples (min {order.min()}, max {order.max()})")
    return order.astype(np.int64)


class DataLoader:
    """Iterate over mini-batches of arrays (each batch a tuple of Tensors) or of a dataset.

    `shuffle` draws a new order each epoch; `drop_last` skips a final short batch. `sampler`,
    as in PyTorch, is an iterable of sample indices (with `__len__`) iterated afresh each
    epoch in place of `shuffle`.
    """

    def __init__(self, *arrays: Any, batch_size: int = 1, shuffle: bool = False,
                 sampler: Any = None, drop_last: bool = False,
                 seed: int | None = None) -> None:
        if len(arrays) == 1 and _is_dataset(arrays[0]):
            self.dataset = arrays[0]
            n = len(self.dataset)
            if not isinstance(n, numbers.Integral) or n < 0:
                raise TypeError(f"DataLoader: len(dataset) must be an int >= 0, got {n!r}")
            tensors = getattr(self.dataset, "tensors", None)
            self.arrays = ([t.data for t in tensors] if isinstance(self.dataset, TensorDataset)
                           else None)
        else:
            self.arrays = _arrays(arrays, "DataLoader")
            self.dataset = TensorDataset(*self.arrays)
        if (not isinstance(batch_size, numbers.Integral)
                or isinstance(batch_size, (bool, np.bool_))):
            raise TypeError(f"DataLoader: batch_size must be a positive int, got "
                            f"{type(batch_size).__name__} {batch_size!r}")
        if batch_size < 1:
            raise ValueError(f"DataLoader: batch_size must be a positive int, got {batch_size!r}")
        self.batch_size = int(batch_size)
        self.shuffle = _flag(shuffle, "DataLoader", "shuffle")
        self.drop_last = _flag(drop_last, "DataLoader", "drop_last")
        self.seed = _check_seed(seed, "DataLoader")
        self.sampler = _check_sampler(sampler, self.shuffle)
        self._rng = None if self.seed is None else np.random.default_rng(self.seed)

    @property
    def num_samples(self) -> int:
        if self.sampler is not None:
            return len(self.sampler)
        return len(self.arrays[0]) if self.arrays is not None else len(self.dataset)

    def __len__(self) -> int:
        n, b = self.num_samples, self.batch_size
        return n // b if self.drop_last else -(-n // b)

    def __iter__(self) -> Iterator[Any]:
        n, b = self.num_samples, self.batch_size
        order = None
        if self.shuffle:
            rng = self._rng if self._rng is not None else default_generator()
            order = rng.permutation(n)
        elif self.sampler is not None:
            order = _sampled_indices(self.sampler, len(self.dataset))
            n = len(order)
        for k in range(-(-n // b) if not self.drop_last else n // b):
            idx = slice(k * b, (k + 1) * b) if order is None else order[k * b:(k + 1) * b]
            if self.arrays is not None:  # slices are views: no copy of the data
                yield tuple(Tensor(a[idx]) for a in self.arrays)
            else:
                indices = range(n)[idx] if order is None else idx.tolist()
                yield _collate([self.dataset[i] for i in indices], "DataLoader")


def train_val_split(*arrays: Any, val_fraction: float = 0.2, seed: int | None = None
                    ) -> tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]]:
    """Shuffle the samples once and hold out round(n · val_fraction) of them for validation.

    Returns (train_arrays, val_arrays), each a tuple with one array per input array.
    """
    data = _arrays(arrays, "train_val_split")
    n = len(data[0])
    if not isinstance(val_fraction, numbers.Real) or isinstance(val_fraction, (bool, np.bool_)):
        raise TypeError(f"train_val_split: val_fraction must be a number in (0, 1), got "
                        f"{type(val_fraction).__name__} {val_fraction!r}")
    if not 0.0 < val_fraction < 1.0:
        raise ValueError(f"train_val_split: val_fraction must be in (0, 1), got {val_fraction}")
    seed = _check_seed(seed, "train_val_split")
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
    for name, v in (("n", n), ("k", k)):
        if not isinstance(v, numbers.Integral) or isinstance(v, (bool, np.bool_)):
            hint = (f" of shape {v.shape}; pass the number of samples, len(data)"
                    if isinstance(v, (np.ndarray, Tensor)) else f" {v!r:.40}")
            raise TypeError(f"kfold: {name} must be an int, got {type(v).__name__}{hint}")
    if not 2 <= k <= n:
        raise ValueError(f"kfold: need 2 <= k <= n, got k={k!r}, n={n}")
    try:
        np.empty(n, np.int64)
    except (MemoryError, ValueError):
        raise ValueError(f"kfold: n={n} indices cannot be allocated") from None
    order = _generator(_check_seed(seed, "kfold")).permutation(n)
    sizes = np.full(k, n // k)
    sizes[: n % k] += 1
    starts = np.concatenate([[0], np.cumsum(sizes)])
    # A generator expression, so the checks and the shuffle above happen at the call.
    return ((np.concatenate([order[:a], order[b:]]), order[a:b])
            for a, b in zip(starts[:-1], starts[1:]))
