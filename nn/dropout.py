"""Inverted dropout: zero each element with probability p, scale the rest by 1 / (1 - p)."""
from __future__ import annotations

from typing import Any

from autograd import Tensor

from . import _checks
from .layers import _check_p, keep_mask
from .module import Module

__all__ = ["Dropout", "dropout"]


def dropout(x: Any, p: float = 0.5, training: bool = True) -> Tensor:
    """y = x ⊙ M / (1 - p) with M ~ Bernoulli(1 - p) from the default generator (training);
    y = x otherwise. The gradient is g ⊙ M / (1 - p)."""
    p = _check_p(p, "dropout")
    x = _checks.float_input("dropout", x)
    if not training or p == 0.0:
        return x
    return x * keep_mask(x.shape, p, x.dtype)


class Dropout(Module):
    """Inverted dropout in training (expected value unchanged); the identity in eval."""

    def __init__(self, p: float = 0.5) -> None:
        super().__init__()
        self.p = _check_p(p, "Dropout")

    def forward(self, x: Any) -> Tensor:
        return dropout(_checks.float_input("Dropout", x), self.p, self.training)

    def extra_repr(self) -> str:
        return f"p={self.p}"
