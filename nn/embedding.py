"""`Embedding`: a lookup table of learned vectors, as PyTorch's (math in
nn.functional.embedding)."""
from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Tensor

from . import init
from .functional.sparse import embedding, padding_index
from .module import Module
from .parameter import Parameter

__all__ = ["Embedding"]


def _count(value: Any, name: str) -> int:
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool):
        raise TypeError(f"Embedding: {name} must be an int, got {value!r}")
    if value < 1:
        raise ValueError(f"Embedding: {name} must be positive, got {value}")
    return int(value)


class Embedding(Module):
    """y = weight[index] with weight of shape (num_embeddings, embedding_dim), drawn from
    N(0, 1); the row at `padding_idx` starts at zero and never gets a gradient."""

    def __init__(self, num_embeddings: int, embedding_dim: int, padding_idx: int | None = None,
                 dtype: Any = np.float32) -> None:
        super().__init__()
        self.num_embeddings = _count(num_embeddings, "num_embeddings")
        self.embedding_dim = _count(embedding_dim, "embedding_dim")
        self.padding_idx = padding_index(padding_idx, self.num_embeddings, "Embedding")
        self.weight = Parameter(np.empty((self.num_embeddings, self.embedding_dim),
                                         np.dtype(dtype)))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """weight ~ N(0, 1); the padding row zeroed."""
        init.normal_(self.weight)
        if self.padding_idx is not None:
            self.weight.data[self.padding_idx] = 0

    @classmethod
    def from_pretrained(cls, embeddings: Any, freeze: bool = True,
                        padding_idx: int | None = None) -> Embedding:
        """An Embedding holding a copy of the 2-D `embeddings`; frozen unless freeze=False."""
        arr = np.array(embeddings.data if isinstance(embeddings, Tensor) else embeddings)
        if arr.ndim != 2:
            raise ValueError(f"Embedding.from_pretrained: embeddings must be 2-D, got shape "
                             f"{arr.shape}")
        layer = cls(arr.shape[0], arr.shape[1], padding_idx, dtype=arr.dtype)
        layer.weight.data = arr
        layer.weight.requires_grad = not freeze
        return layer

    def forward(self, index: Any) -> Tensor:
        return embedding(index, self.weight, self.padding_idx)

    def extra_repr(self) -> str:
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        return text if self.padding_idx is None else text + f", padding_idx={self.padding_idx}"
