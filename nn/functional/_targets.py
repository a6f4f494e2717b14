"""Class-index targets shared by the classification losses: checks, layout and weights."""
from __future__ import annotations

import numpy as np

from autograd import Tensor


def as_rows(x: Tensor) -> Tensor:
    """(C,) → (1, C); (N, C) as is; (N, C, d1, ...) → (N·d1·..., C) with classes last."""
    if x.ndim == 1:
        return x.reshape(1, -1)
    if x.ndim == 2:
        return x
    axes = (0,) + tuple(range(2, x.ndim)) + (1,)
    return x.transpose(axes).reshape(-1, x.shape[1])


def batch_shape(shape: tuple) -> tuple:
    """The input's shape without its class axis (axis 1, or 0 when unbatched)."""
    return () if len(shape) == 1 else shape[:1] + shape[2:]


def class_indices(name: str, shape: tuple, target: np.ndarray, ignore_index: int | None
                  ) -> tuple[np.ndarray, np.ndarray | None]:
    """Checked class indices, flattened, with ignored entries set to 0; and the mask of the
    entries that count (None when all do)."""
    c = shape[1] if len(shape) > 1 else shape[0]
    expected = batch_shape(shape)
    if target.dtype.kind not in "iu":
        raise TypeError(
            f"{name}: class-index targets must be integers; got dtype {target.dtype} with "
            f"shape {target.shape} for input of shape {shape}. Convert labels with "
            f".astype(np.int64), or pass class probabilities of shape {shape}"
        )
    if target.shape != expected:
        raise ValueError(
            f"{name}: input of shape {shape} needs class indices of shape {expected} (or class "
            f"probabilities of shape {shape}); got target shape {target.shape} (mismatched "
            "batch sizes?)"
        )
    t = target.reshape(-1)
    if t.size == 0:
        return t, None
    if t.dtype.itemsize >= 4:
        # Seen as unsigned, negative labels become huge: one max checks both ends.
        out_of_range = int(t.view(f"u{t.dtype.itemsize}").max()) >= c
    else:
        out_of_range = int(t.min()) < 0 or int(t.max()) >= c
    if ignore_index is None or not (out_of_range or 0 <= ignore_index < c):
        if out_of_range:
            index_error(name, shape, t, c, ignore_index)
        return t, None
    valid = t != ignore_index
    counted = t[valid]
    if counted.size and (counted.min() < 0 or counted.max() >= c):
        index_error(name, shape, counted, c, ignore_index)
    return np.where(valid, t, 0), valid


class TargetIndexError(IndexError, ValueError):
    """A class-index target out of range: an IndexError as in PyTorch, and a ValueError (a
    bad value) like every other refused argument."""


def index_error(name: str, shape: tuple, t: np.ndarray, c: int, ignore_index: int | None
                ) -> None:
    """Raise an IndexError naming the out-of-range targets and the valid range."""
    bad = t[(t < 0) | (t >= c)]
    also = "" if ignore_index is None else f" (or ignore_index={ignore_index})"
    raise TargetIndexError(
        f"{name}: target values must be class indices in [0, {c}){also} for input of shape "
        f"{shape}; got {bad[:5].tolist()}. Check the labels and the number of classes of "
        "the last layer"
    )


def index_weights(t: np.ndarray, valid: np.ndarray | None, w: np.ndarray | None,
                  dtype: np.dtype) -> np.ndarray | None:
    """Per-row weight w[tᵢ] (1 without weights), 0 where ignored; None when all are 1."""
    if w is None and valid is None:
        return None
    a = np.ones(t.shape, dtype) if w is None else w[t]
    return a if valid is None else a * valid


def check_weight(name: str, w: np.ndarray | None, c: int) -> None:
    """Class weights need one entry per class."""
    if w is not None and w.shape != (c,):
        raise ValueError(f"{name}: weight must have one entry per class, shape ({c},); got "
                         f"shape {w.shape}")
