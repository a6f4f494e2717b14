"""Learning-rate schedules: each sets every group's "lr" from the step count.

Rates are computed in closed form from the group's starting rate ("initial_lr", recorded on
first use), so a schedule never drifts by accumulated rounding. A consequence: two schedules
stepping one optimizer do not multiply, the one stepped last sets the rate.
"""
from __future__ import annotations

import math
import types
from bisect import bisect_right
from collections import Counter
from typing import Any, Callable, Iterable

from . import _checks
from .optimizer import Optimizer
from .plateau import ReduceLROnPlateau
from .scheduler import LRScheduler

__all__ = [
    "LRScheduler", "LambdaLR", "StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR",
    "LinearLR", "InverseTimeLR", "SequentialLR", "ReduceLROnPlateau",
]


class LambdaLR(LRScheduler):
    """lr = lr₀ · λ(t), one λ for all groups or one per group."""

    def __init__(
        self,
        optimizer: Optimizer,
        lr_lambda: Callable[[int], float] | list[Callable[[int], float]],
        last_epoch: int = -1,
    ) -> None:
        n_groups = len(getattr(optimizer, "param_groups", ()))
        fns = lr_lambda if isinstance(lr_lambda, (list, tuple)) else [lr_lambda]
        for i, fn in enumerate(fns):
            if not callable(fn):
                raise TypeError(f"LambdaLR: lr_lambda must be a function of the step (or a list "
                                f"of them), got {type(fn).__name__} {fn!r} at position {i}")
        if isinstance(lr_lambda, (list, tuple)):
            if len(lr_lambda) != n_groups:
                raise ValueError(f"LambdaLR: expected {n_groups} lr_lambdas (one per "
                                 f"parameter group), got {len(lr_lambda)}")
            self.lr_lambdas = list(lr_lambda)
        else:
            self.lr_lambdas = [lr_lambda] * n_groups
        super().__init__(optimizer, last_epoch)

    def lr_at(self, epoch: int) -> list[float]:
        return [base * _checks.lambda_factor(fn, i, epoch)
                for i, (base, fn) in enumerate(zip(self.base_lrs, self.lr_lambdas))]

    def state_dict(self) -> dict[str, Any]:
        """Plain functions can't be saved; callable objects save their attributes."""
        state = {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "lr_lambdas")}
        state["lr_lambdas"] = [None if isinstance(fn, types.FunctionType) else dict(vars(fn))
                               for fn in self.lr_lambdas]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        _checks.check_scheduler_state(self, state_dict)
        state = dict(state_dict)
        saved_lambdas = state.pop("lr_lambdas", [])
        if not isinstance(saved_lambdas, list) or len(saved_lambdas) != len(self.lr_lambdas):
            raise ValueError(f"LambdaLR.load_state_dict: lr_lambdas must list one entry per "
                             f"parameter group ({len(self.lr_lambdas)}), got {saved_lambdas!r}")
        self.__dict__.update(state)
        for fn, saved in zip(self.lr_lambdas, saved_lambdas):
            if saved is not None:
                vars(fn).update(saved)
        self._apply(self.last_epoch)


class StepLR(LRScheduler):
    """lr = lr₀ · γ^⌊t / step_size⌋."""

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1,
                 last_epoch: int = -1) -> None:
        _checks.scheduler_options("StepLR", step_size=step_size, gamma=gamma)
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def lr_at(self, epoch: int) -> list[float]:
        return [base * self.gamma ** (epoch // self.step_size) for base in self.base_lrs]


class MultiStepLR(LRScheduler):
    """lr = lr₀ · γ^(number of milestones ≤ t)."""

    def __init__(self, optimizer: Optimizer, milestones: Iterable[int], gamma: float = 0.1,
                 last_epoch: int = -1) -> None:
        _checks.scheduler_options("MultiStepLR", milestones=milestones, gamma=gamma)
        self.milestones = Counter(milestones)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def lr_at(self, epoch: int) -> list[float]:
        passed = bisect_right(sorted(self.milestones.elements()), epoch)
        return [base * self.gamma**passed for base in self.base_lrs]


class ExponentialLR(LRScheduler):
    """lr = lr₀ · γᵗ (the notes' α₀·e^(−kt) with γ = e^(−k))."""

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        _checks.scheduler_options("ExponentialLR", gamma=gamma)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def lr_at(self, epoch: int) -> list[float]:
        return [base * self.gamma**epoch for base in self.base_lrs]


class CosineAnnealingLR(LRScheduler):
    """lr = η_min + (lr₀ − η_min)·(1 + cos(π·t/T_max))/2; past T_max it rises again
    (period 2·T_max), as in PyTorch."""

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0,
                 last_epoch: int = -1) -> None:
        _checks.scheduler_options("CosineAnnealingLR", T_max=T_max, eta_min=eta_min)
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def lr_at(self, epoch: int) -> list[float]:
        cos_factor = (1 + math.cos(math.pi * epoch / self.T_max)) / 2
        return [self.eta_min + (base - self.eta_min) * cos_factor for base in self.base_lrs]


class LinearLR(LRScheduler):
    """lr = lr₀ · (s + (e − s)·min(t, T)/T): from start_factor s to end_factor e over
    T = total_iters steps, then constant (linear warm-up or decay)."""

    def __init__(self, optimizer: Optimizer, start_factor: float = 1.0 / 3,
                 end_factor: float = 1.0, total_iters: int = 5, last_epoch: int = -1) -> None:
        _checks.scheduler_options("LinearLR", start_factor=start_factor,
                                  end_factor=end_factor, total_iters=total_iters)
        if not 0 < start_factor <= 1:
            raise ValueError(f"LinearLR: start_factor must be in (0, 1], got {start_factor!r}")
        if not 0 <= end_factor <= 1:
            raise ValueError(f"LinearLR: end_factor must be in [0, 1], got {end_factor!r}")
        if not (isinstance(total_iters, int) and total_iters >= 1):
            raise ValueError(f"LinearLR: total_iters must be a positive int, got "
                             f"{total_iters!r}")
        self.start_factor = start_factor
        self.end_factor = end_factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def lr_at(self, epoch: int) -> list[float]:
        fraction = min(self.total_iters, epoch) / self.total_iters
        factor = self.start_factor + (self.end_factor - self.start_factor) * fraction
        return [base * factor for base in self.base_lrs]


class InverseTimeLR(LRScheduler):
    """lr = lr₀ / (1 + decay_rate·t): the course notes' 1/t decay α₀/(1 + kt)."""

    def __init__(self, optimizer: Optimizer, decay_rate: float, last_epoch: int = -1) -> None:
        _checks.scheduler_options("InverseTimeLR", decay_rate=decay_rate)
        if not decay_rate >= 0:
            raise ValueError(f"InverseTimeLR: decay_rate must be >= 0, got {decay_rate!r}")
        self.decay_rate = decay_rate
        super().__init__(optimizer, last_epoch)

    def lr_at(self, epoch: int) -> list[float]:
        return [base / (1.0 + self.decay_rate * epoch) for base in self.base_lrs]


class SequentialLR(LRScheduler):
    """Runs `schedulers[i]` between milestones i−1 and i; each one restarts from its own
    step 0 when its milestone is reached."""

    def __init__(self, optimizer: Optimizer, schedulers: list[LRScheduler],
                 milestones: list[int], last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"SequentialLR needs an Optimizer, got {type(optimizer).__name__}")
        if not isinstance(schedulers, (list, tuple)) or not schedulers:
            raise ValueError("SequentialLR needs a non-empty list of schedulers, got "
                             f"{schedulers!r}")
        _checks.scheduler_options("SequentialLR", _milestones=milestones,
                                  last_epoch=last_epoch)
        for i, sched in enumerate(schedulers):
            if isinstance(sched, ReduceLROnPlateau):
                raise ValueError(f"SequentialLR can't run ReduceLROnPlateau (scheduler {i}): "
                                 "its step() needs the metric")
            if getattr(sched, "optimizer", None) is not optimizer:
                raise ValueError(f"SequentialLR: scheduler {i} ({type(sched).__name__}) "
                                 "belongs to a different optimizer")
        if len(milestones) != len(schedulers) - 1:
            raise ValueError(f"SequentialLR needs one milestone fewer than schedulers: got "
                             f"{len(schedulers)} schedulers and {len(milestones)} milestones")
        self.optimizer = optimizer
        self._schedulers = list(schedulers)
        self._milestones = list(milestones)
        self.last_epoch = last_epoch + 1
        # Each child applied its own step 0 when built; start over with the first one.
        first = self._schedulers[bisect_right(self._milestones, 0)]
        first._apply(0)
        self._last_lr = first.get_last_lr()

    def step(self) -> None:
        """Advance one step; on a milestone the next schedule starts at its step 0."""
        self.last_epoch += 1
        idx = bisect_right(self._milestones, self.last_epoch)
        sched = self._schedulers[idx]
        if idx > 0 and self._milestones[idx - 1] == self.last_epoch:
            sched._apply(0)
        else:
            sched.step()
        self._last_lr = sched.get_last_lr()

    def state_dict(self) -> dict[str, Any]:
        state = {k: v for k, v in self.__dict__.items()
                 if k not in ("optimizer", "_schedulers")}
        state["_schedulers"] = [s.state_dict() for s in self._schedulers]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        if not isinstance(state_dict, dict):
            raise TypeError("SequentialLR.load_state_dict expects a dict from state_dict(), "
                            f"got {type(state_dict).__name__}")
        state = dict(state_dict)
        children = state.pop("_schedulers", None)
        if not isinstance(children, list) or len(children) != len(self._schedulers):
            raise ValueError(f"SequentialLR.load_state_dict: the saved state must hold one "
                             f"state per scheduler ({len(self._schedulers)})")
        _checks.check_scheduler_state(self, {**state, "_schedulers": []})
        for sched, saved in zip(self._schedulers, children):
            sched.load_state_dict(saved)
        self.__dict__.update(state)
        # Each child set its own rate; the one active at the restored step sets it last.
        active = self._schedulers[bisect_right(self._milestones, self.last_epoch)]
        active._apply(active.last_epoch)
        self._last_lr = active.get_last_lr()
