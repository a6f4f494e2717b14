"""Embedding lookup, y = W[index], as one fused op (PyTorch keeps it among its "sparse"
layers)."""
from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Tensor
from autograd.extend import Op, scatter_add

__all__ = ["embedding"]


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
