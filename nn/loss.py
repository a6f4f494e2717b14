"""Losses as modules, called `loss(input, target)` (prediction first); the math is in
`nn.functional`. The repr shows every option."""
from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Tensor

from . import _checks
from . import functional as F
from .functional._util import REDUCTIONS, check_reduction
from .module import Module

__all__ = [
    "MSELoss", "L1Loss", "HuberLoss", "SmoothL1Loss", "CrossEntropyLoss", "NLLLoss", "BCELoss",
    "BCEWithLogitsLoss", "MultiMarginLoss", "KLDivLoss", "PoissonNLLLoss",
    "CosineEmbeddingLoss", "HingeLoss", "SquaredHingeLoss", "CategoricalHingeLoss",
    "LogCoshLoss", "MAPELoss", "MSLELoss",
]


def _show(value: Any) -> str:
    if isinstance(value, (Tensor, np.ndarray)):
        return f"<{type(value).__name__} shape={tuple(value.shape)}>"
    return repr(value)


class _Loss(Module):
    """A loss with a `reduction` and further options, all shown by repr."""

    _allowed: tuple[str, ...] = REDUCTIONS
    _options: tuple[str, ...] = ()
    # Class weights are buffers, as in PyTorch: saved in state_dict, never trained.
    _buffer_options = ("weight", "pos_weight")

    def __init__(self, reduction: str = "mean", **options: Any) -> None:
        super().__init__()
        _checks.loss_options(type(self).__name__, reduction, options)
        check_reduction(type(self).__name__, reduction, self._allowed)
        self.reduction = reduction
        for name, value in options.items():
            if name in self._buffer_options:
                if isinstance(value, (list, tuple)):
                    value = np.asarray(value, dtype=np.float32)
                self.register_buffer(name, value)
            else:
                setattr(self, name, value)

    def extra_repr(self) -> str:
        opts = [f"{name}={_show(getattr(self, name))}" for name in self._options]
        return ", ".join(opts + [f"reduction={self.reduction!r}"])


class _Elementwise(_Loss):
    """A loss whose functional form is `fn(input, target, reduction=...)`."""

    _fn: Any = None

    def __init__(self, reduction: str = "mean") -> None:
        super().__init__(reduction)

    def forward(self, input: Any, target: Any) -> Tensor:
        return type(self)._fn(input, target, reduction=self.reduction)


class MSELoss(_Elementwise):
    """(input - target)²."""

    _fn = staticmethod(F.mse_loss)


class L1Loss(_Elementwise):
    """|input - target|."""

    _fn = staticmethod(F.l1_loss)


class HuberLoss(_Loss):
    """½d² where |d| < δ else δ(|d| - ½δ)."""

    _options = ("delta",)

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction, delta=delta)

    def forward(self, input: Any, target: Any) -> Tensor:
        return F.huber_loss(input, target, self.reduction, self.delta)


class SmoothL1Loss(_Loss):
    """½d²/β where |d| < β else |d| - ½β."""

    _options = ("beta",)

    def __init__(self, reduction: str = "mean", beta: float = 1.0) -> None:
        super().__init__(reduction, beta=beta)

    def forward(self, input: Any, target: Any) -> Tensor:
        return F.smooth_l1_loss(input, target, self.reduction, self.beta)


class CrossEntropyLoss(_Loss):
    """Softmax cross-entropy on logits; class-index or class-probability targets."""

    _options = ("weight", "ignore_index", "label_smoothing")

    def __init__(self, weight: Any = None, ignore_index: int = -100, reduction: str = "mean",
                 label_smoothing: float = 0.0) -> None:
        super().__init__(reduction, weight=weight, ignore_index=ignore_index,
                         label_smoothing=label_smoothing)

    def forward(self, input: Any, target: Any) -> Tensor:
        return F.cross_entropy(input, target, self.weight, self.ignore_index, self.reduction,
                               self.label_smoothing)


class NLLLoss(_Loss):
    """-w[t] · input[t] for log-probabilities."""

    _options = ("weight", "ignore_index")

    def __init__(self, weight: Any = None, ignore_index: int = -100, reduction: str = "mean"
                 ) -> None:
        super().__init__(reduction, weight=weight, ignore_index=ignore_index)

    def forward(self, input: Any, target: Any) -> Tensor:
        return F.nll_loss(input, target, self.weight, self.ignore_index, self.reduction)


class BCELoss(_Loss):
    """-w(t ln x + (1 - t) ln(1 - x)) for probabilities."""

    _options = ("weight",)

    def __init__(self, weight: Any = None, reduction: str = "mean") -> None:
        super().__init__(reduction, weight=weight)

    def forward(self, input: Any, target: Any) -> Tensor:
        return F.binary_cross_entropy(input, target, self.weight, self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy on logits, stable for large |x|."""

    _options = ("weight", "pos_weight")

    def __init__(self, weight: Any = None, reduction: str = "mean", pos_weight: Any = None
                 ) -> None:
        super().__init__(reduction, weight=weight, pos_weight=pos_weight)

    def forward(self, input: Any, target: Any) -> Tensor:
        return F.binary_cross_entropy_with_logits(input, target, self.weight, self.reduction,
                                                  self.pos_weight)


class MultiMarginLoss(_Loss):
    """Multi-class hinge: Σ_{j ≠ y} w_y max(0, margin - x_y + x_j)^p / C."""

    _options = ("p", "margin", "weight")

    def __init__(self, p: int = 1, margin: float = 1.0, weight: Any = None,
                 reduction: str = "mean") -> None:
        super().__init__(reduction, p=p, margin=margin, weight=weight)
        if p not in (1, 2):
            raise ValueError(f"MultiMarginLoss: p must be 1 or 2; got {p}")

    def forward(self, input: Any, target: Any) -> Tensor:
        return F.multi_margin_loss(input, target, self.p, self.margin, self.weight,
                                   self.reduction)


class KLDivLoss(_Loss):
    """t (ln t - x) for log-probability inputs; 'mean' averages over all elements."""

    _allowed = ("mean", "batchmean", "sum", "none")
    _options = ("log_target",)

    def __init__(self, reduction: str = "mean", log_target: bool = False) -> None:
        super().__init__(reduction, log_target=log_target)

    def forward(self, input: Any, target: Any) -> Tensor:
        return F.kl_div(input, target, self.reduction, self.log_target)


class PoissonNLLLoss(_Loss):
    """eˣ - t·x (log_input) or x - t ln(x + eps); full adds Stirling's term."""

    _options = ("log_input", "full", "eps")

    def __init__(self, log_input: bool = True, full: bool = False, eps: float = 1e-8,
                 reduction: str = "mean") -> None:
        super().__init__(reduction, log_input=log_input, full=full, eps=eps)

    def forward(self, input: Any, target: Any) -> Tensor:
        return F.poisson_nll_loss(input, target, self.log_input, self.full, self.eps,
                                  self.reduction)


class CosineEmbeddingLoss(_Loss):
    """1 - cos(x₁, x₂) for y = 1, max(0, cos - margin) for y = -1; called (x₁, x₂, y)."""

    _options = ("margin",)

    def __init__(self, margin: float = 0.0, reduction: str = "mean") -> None:
        super().__init__(reduction, margin=margin)

    def forward(self, input1: Any, input2: Any, target: Any) -> Tensor:
        return F.cosine_embedding_loss(input1, input2, target, self.margin, self.reduction)


class HingeLoss(_Elementwise):
    """Keras' hinge: mean(max(1 - t·x, 0)) per sample."""

    _fn = staticmethod(F.hinge_loss)


class SquaredHingeLoss(_Elementwise):
    """Keras' squared hinge: mean(max(1 - t·x, 0)²) per sample."""

    _fn = staticmethod(F.squared_hinge_loss)


class CategoricalHingeLoss(_Elementwise):
    """Keras' categorical hinge: max(max((1 - t)x) - Σ t·x + 1, 0) per sample."""

    _fn = staticmethod(F.categorical_hinge_loss)


class LogCoshLoss(_Elementwise):
    """Keras' log-cosh: mean(ln cosh(x - t)) per sample."""

    _fn = staticmethod(F.log_cosh_loss)


class MAPELoss(_Elementwise):
    """Keras' mean absolute percentage error: 100·mean(|t - x| / max(|t|, 1e-7))."""

    _fn = staticmethod(F.mape_loss)


class MSLELoss(_Elementwise):
    """Keras' mean squared logarithmic error: mean((ln(1 + x) - ln(1 + t))²)."""

    _fn = staticmethod(F.msle_loss)
