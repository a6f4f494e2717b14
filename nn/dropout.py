"""Inverted dropout as a layer; the math is `nn.functional.dropout`."""
from __future__ import annotations

from typing import Any

from autograd import Tensor

from . import _checks
from .functional.dropout import check_p, dropout
from .module import Module

__all__ = ["Dropout", "dropout"]


class Dropout(Module):
    """Inverted dropout in training (expected value unchanged); the identity in eval."""

    def __init__(self, p: float = 0.5) -> None:
        super().__init__()
        self.p = check_p(p, "Dropout")

    def forward(self, x: Any) -> Tensor:
        return dropout(_checks.float_input("Dropout", x), self.p, self.training)

    def extra_repr(self) -> str:
        return f"p={self.p}"
