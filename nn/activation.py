"""Activations as modules: each holds its options and calls `nn.functional`."""
from __future__ import annotations

from typing import Any

from autograd import Tensor

from . import _checks
from . import functional as F
from .functional.probabilities import torch_dim
from .module import Module

__all__ = [
    "Step", "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "ELU", "SELU", "GELU", "SiLU", "Swish",
    "Mish", "Softplus", "Softmax", "LogSoftmax", "Identity",
]


class Step(Module):
    """1 where x > 0 else 0, with zero gradient (the perceptron's activation)."""

    def forward(self, x: Any) -> Tensor:
        return F.step(x)


class Sigmoid(Module):
    """1 / (1 + e⁻ˣ)."""

    def forward(self, x: Any) -> Tensor:
        return F.sigmoid(x)


class Tanh(Module):
    """tanh x."""

    def forward(self, x: Any) -> Tensor:
        return F.tanh(x)


class ReLU(Module):
    """max(x, 0)."""

    def forward(self, x: Any) -> Tensor:
        return F.relu(x)


class LeakyReLU(Module):
    """x where x > 0 else negative_slope·x."""

    def __init__(self, negative_slope: float = 0.01) -> None:
        super().__init__()
        self.negative_slope = _checks.real("LeakyReLU", "negative_slope", negative_slope)

    def forward(self, x: Any) -> Tensor:
        return F.leaky_relu(x, self.negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"


class ELU(Module):
    """x where x > 0 else α(eˣ - 1)."""

    def __init__(self, alpha: float = 1.0) -> None:
        super().__init__()
        self.alpha = _checks.real("ELU", "alpha", alpha)

    def forward(self, x: Any) -> Tensor:
        return F.elu(x, self.alpha)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}"


class SELU(Module):
    """λ·elu(x, α) with λ ≈ 1.0507, α ≈ 1.6733."""

    def forward(self, x: Any) -> Tensor:
        return F.selu(x)


class GELU(Module):
    """x Φ(x) (approximate='none') or its tanh approximation (approximate='tanh')."""

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        if not isinstance(approximate, str) or approximate not in ("none", "tanh"):
            raise ValueError(f"GELU: approximate must be 'none' or 'tanh'; got {approximate!r}")
        self.approximate = approximate

    def forward(self, x: Any) -> Tensor:
        return F.gelu(x, self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class SiLU(Module):
    """x σ(x), also called Swish."""

    def forward(self, x: Any) -> Tensor:
        return F.silu(x)


Swish = SiLU


class Mish(Module):
    """x tanh(softplus x)."""

    def forward(self, x: Any) -> Tensor:
        return F.mish(x)


class Softplus(Module):
    """ln(1 + e^(βx))/β, and x where βx > threshold."""

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        _checks.real("Softplus", "beta", beta)
        _checks.real("Softplus", "threshold", threshold, finite=False)
        if beta == 0:
            raise ValueError("Softplus: beta must be non-zero (it divides the result)")
        self.beta = beta
        self.threshold = threshold

    def forward(self, x: Any) -> Tensor:
        return F.softplus(x, self.beta, self.threshold)

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"


class Softmax(Module):
    """e^x / Σ e^x along `axis`."""

    def __init__(self, axis: int = -1, *, dim: int | None = None) -> None:
        super().__init__()
        self.axis = _checks.axis(type(self).__name__, "axis", torch_dim("Softmax", axis, dim))

    def forward(self, x: Any) -> Tensor:
        return F.softmax(x, self.axis)

    def extra_repr(self) -> str:
        return f"axis={self.axis}"


class LogSoftmax(Module):
    """x - logsumexp(x) along `axis`."""

    def __init__(self, axis: int = -1, *, dim: int | None = None) -> None:
        super().__init__()
        self.axis = _checks.axis(type(self).__name__, "axis", torch_dim("LogSoftmax", axis, dim))

    def forward(self, x: Any) -> Tensor:
        return F.log_softmax(x, self.axis)

    def extra_repr(self) -> str:
        return f"axis={self.axis}"


class Identity(Module):
    """Returns its input unchanged (a placeholder layer); extra arguments are ignored."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, x: Any) -> Any:
        return x
