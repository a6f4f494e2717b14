"""ReduceLROnPlateau: cut the learning rate when a watched metric stops improving."""
from __future__ import annotations

import math
from typing import Any, SupportsFloat

from . import _checks
from .optimizer import Optimizer
from .scheduler import LRScheduler


class ReduceLROnPlateau(LRScheduler):
    """lr ← max(lr·factor, min_lr) once the metric has not improved for more than `patience`
    steps; then wait `cooldown` steps before counting again.

    "Improved" means below best·(1 − threshold) in mode "min" with threshold_mode "rel"
    (best − threshold with "abs"; above best·(1 + threshold) or best + threshold in mode
    "max"). Changes smaller than `eps` are skipped. Unlike the other schedules it has no
    closed form: `step(metrics)` takes the metric, and the rate follows it.
    """

    def __init__(
        self,
        optimizer: Optimizer,
        mode: str = "min",
        factor: float = 0.1,
        patience: int = 10,
        threshold: float = 1e-4,
        threshold_mode: str = "rel",
        cooldown: int = 0,
        min_lr: list[float] | float = 0.0,
        eps: float = 1e-8,
    ) -> None:
        self._bind(optimizer)
        _checks.scheduler_options("ReduceLROnPlateau", factor=factor, patience=patience,
                                  threshold=threshold, cooldown=cooldown, min_lr=min_lr,
                                  eps=eps)
        if not factor < 1.0:
            raise ValueError(f"ReduceLROnPlateau: factor must be < 1.0, got {factor!r}")
        if mode not in ("min", "max"):
            raise ValueError(f"ReduceLROnPlateau: mode must be 'min' or 'max', got {mode!r}")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(f"ReduceLROnPlateau: threshold_mode must be 'rel' or 'abs', got "
                             f"{threshold_mode!r}")
        n_groups = len(optimizer.param_groups)
        if isinstance(min_lr, (list, tuple)):
            if len(min_lr) != n_groups:
                raise ValueError(f"ReduceLROnPlateau: expected {n_groups} min_lrs (one per "
                                 f"parameter group), got {len(min_lr)}")
            self.min_lrs = list(min_lr)
            self.default_min_lr = None
        else:
            self.min_lrs = [min_lr] * n_groups
            self.default_min_lr = min_lr
        self.mode = mode
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.threshold_mode = threshold_mode
        self.cooldown = cooldown
        self.eps = eps
        self.last_epoch = 0
        self.best = math.inf if mode == "min" else -math.inf
        self.num_bad_epochs = 0
        self.cooldown_counter = 0
        self._last_lr = [group["lr"] for group in optimizer.param_groups]

    def is_better(self, value: float, best: float) -> bool:
        """Whether `value` improves on `best` by more than the threshold."""
        if self.mode == "min":
            if self.threshold_mode == "rel":
                return value < best * (1.0 - self.threshold)
            return value < best - self.threshold
        if self.threshold_mode == "rel":
            return value > best * (1.0 + self.threshold)
        return value > best + self.threshold

    def lr_at(self, epoch: int) -> list[float]:
        """Refused: the rate at a step depends on the metrics seen, not on the step."""
        raise NotImplementedError(
            "ReduceLROnPlateau has no closed-form rate: it follows the metric passed to "
            "step(metrics); read the current rates with get_last_lr()"
        )

    def step(self, metrics: SupportsFloat) -> None:  # type: ignore[override]
        """Record one value of the metric; reduce the rates when it has plateaued."""
        try:
            current = float(metrics.item() if hasattr(metrics, "item") else metrics)
        except (TypeError, ValueError):
            raise TypeError(f"ReduceLROnPlateau.step: metrics must be a number or a scalar "
                            f"Tensor, got {type(metrics).__name__}") from None
        self.last_epoch += 1
        if self.is_better(current, self.best):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0  # bad steps during cooldown don't count
        if self.num_bad_epochs > self.patience:
            self._match_groups()
            for group, min_lr in zip(self.optimizer.param_groups, self.min_lrs):
                new_lr = max(group["lr"] * self.factor, min_lr)
                if group["lr"] - new_lr > self.eps:
                    group["lr"] = new_lr
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def _match_groups(self) -> None:
        n_groups = len(self.optimizer.param_groups)
        if len(self.min_lrs) == n_groups:
            return
        if self.default_min_lr is None:
            raise RuntimeError(
                f"ReduceLROnPlateau was given {len(self.min_lrs)} min_lrs but the optimizer now "
                f"has {n_groups} parameter groups (one was added); set .min_lrs to one value "
                "per group"
            )
        self.min_lrs = [self.default_min_lr] * n_groups

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore what `state_dict()` returned (the rates live in the optimizer's state)."""
        _checks.check_scheduler_state(self, state_dict)
        self.__dict__.update(state_dict)
