"""Embedding lookup and channel dropout: y = W[index] and x ⊙ (one Bernoulli draw per
channel)."""
from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Tensor
from autograd.extend import Op, default_generator, scatter_add

__all__ = ["embedding", "dropout2d"]


class EmbeddingOp(Op):
    """y = W[index]; dW = Σ of g's rows added at their index (none at padding_idx)"""

    def forward(ctx: Any, weight: Any, index: Any, padding_idx: Any) -> Any:
        ctx.saved = (weight.shape, index, padding_idx)
        return np.take(weight, index, axis=0)

    def backward(ctx: Any, g: Any) -> tuple:
        shape, index, padding_idx = ctx.saved
        if isinstance(index, Tensor):  # create_graph: the indices are constants
            index = index.data
        if padding_idx is not None:
            g = g * (index != padding_idx)[..., None]
        return scatter_add(g, index, shape), None, None


def padding_index(padding_idx: Any, num_embeddings: int, op: str) -> int | None:
    """padding_idx as a non-negative row number (None stays None), checked as PyTorch does."""
    if padding_idx is None:
        return None
    if not isinstance(padding_idx, (int, np.integer)) or isinstance(padding_idx, bool):
        raise TypeError(f"{op}: padding_idx must be an int or None, got {padding_idx!r}")
    if not -num_embeddings <= padding_idx < num_embeddings:
        raise ValueError(f"{op}: padding_idx {padding_idx} must be within num_embeddings "
                         f"({num_embeddings})")
    return int(padding_idx) % num_embeddings


def embedding(input: Any, weight: Any, padding_idx: int | None = None) -> Tensor:
    """y[...] = weight[input[...]]: rows of the (num_embeddings, dim) weight picked by an
    integer index array; the row at `padding_idx` gets no gradient."""
    idx = input.data if isinstance(input, Tensor) else np.asarray(input)
    w = weight.data if isinstance(weight, Tensor) else np.asarray(weight)
    if w.ndim != 2:
        raise ValueError(f"embedding: weight must be 2-D (num_embeddings, embedding_dim), got "
                         f"shape {w.shape}")
    if idx.dtype.kind not in "iu":
        raise TypeError(f"embedding: indices must be integers, got dtype {idx.dtype}")
    if idx.size and (idx.min() < 0 or idx.max() >= w.shape[0]):
        bad = idx.min() if idx.min() < 0 else idx.max()
        raise IndexError(f"embedding: index {bad} is out of range for a weight of shape "
                         f"{w.shape} (valid 0..{w.shape[0] - 1})")
    padding_idx = padding_index(padding_idx, w.shape[0], "embedding")
    return EmbeddingOp.apply(weight, idx, padding_idx)


def dropout2d(input: Any, p: float = 0.5, training: bool = True,
              inplace: bool = False) -> Tensor:
    """Channel dropout: y = x ⊙ M / (1 - p) with one M ~ Bernoulli(1 - p) per (sample,
    channel) of an (N, C, H, W) or (N, C, L) input, in training; y = x otherwise.
    `inplace=True` is refused: the result is always a new tensor."""
    if inplace:
        raise ValueError("dropout2d: inplace=True is not supported; use the returned tensor")
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout2d: drop probability p must be in [0, 1], got {p!r}")
    x = input if isinstance(input, Tensor) else Tensor(input)
    if x.ndim not in (3, 4):
        raise ValueError(f"dropout2d: expected an (N, C, H, W) or (N, C, L) input, got shape "
                         f"{x.shape}")
    if not training or p == 0.0:
        return x
    shape = x.shape[:2] + (1,) * (x.ndim - 2)
    if p == 1.0:
        return x * np.zeros(shape, x.dtype)
    keep = default_generator().random(shape) >= p
    return x * np.multiply(keep, 1.0 / (1.0 - p), dtype=x.dtype)
