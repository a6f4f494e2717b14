"""`LRScheduler`, the base of every learning-rate schedule (the schedules themselves are in
`optim.lr_scheduler`)."""
from __future__ import annotations

from typing import Any

from . import _checks
from .optimizer import Optimizer

__all__ = ["LRScheduler"]


class LRScheduler:
    """Base of the schedules: `step()` advances `last_epoch` and sets each group's rate to
    `lr_at(last_epoch)`; construction applies the rate of step 0."""

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        self._bind(optimizer)
        _checks.scheduler_options(type(self).__name__, last_epoch=last_epoch)
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise _checks.MissingInitialLR(
                        f"{type(self).__name__}: param_groups[{i}] has no 'initial_lr', "
                        f"needed to resume a schedule at last_epoch={last_epoch}; load the "
                        "optimizer's state_dict first"
                    )
        self.base_lrs: list[float] = [g["initial_lr"] for g in optimizer.param_groups]
        self.last_epoch = last_epoch
        self.step()

    def _bind(self, optimizer: Optimizer) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(self).__name__} needs an Optimizer, got "
                            f"{type(optimizer).__name__}")
        self.optimizer = optimizer

    def lr_at(self, epoch: int) -> list[float]:
        """The rate of every group at step `epoch` (each schedule defines its closed form)."""
        raise NotImplementedError(
            f"{type(self).__name__} must define lr_at(epoch), its rate at each step"
        )

    def step(self) -> None:
        """Advance one step and set each group's "lr"."""
        self._apply(self.last_epoch + 1)

    def _apply(self, epoch: int) -> None:
        self.last_epoch = epoch
        for group, lr in zip(self.optimizer.param_groups, self.lr_at(epoch)):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def get_last_lr(self) -> list[float]:
        """The rates set by the last `step()`, one per group."""
        return self._last_lr

    def state_dict(self) -> dict[str, Any]:
        """Everything but the optimizer (which saves itself)."""
        return {k: v for k, v in self.__dict__.items() if k != "optimizer"}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore what `state_dict()` returned and set the rate of the restored step, so the
        schedule continues exactly whether the optimizer's state was loaded before or after."""
        _checks.check_scheduler_state(self, state_dict)
        self.__dict__.update(state_dict)
        self._apply(self.last_epoch)
