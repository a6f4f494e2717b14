"""Adagrad: per-coordinate step sizes shrinking with the accumulated squared gradient."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .optimizer import Optimizer, ParamsT, _regularized_grad, as_array, mark_changed


def _adagrad_update(
    params: list[np.ndarray],
    grads: list[np.ndarray],
    state_sums: list[np.ndarray],
    steps: list[int],
    *,
    lr: float,
    lr_decay: float,
    weight_decay: float,
    eps: float,
    maximize: bool,
) -> None:
    """In place: g ← g + wd·p;  G ← G + g²;  p ← p − lr/(1 + (t−1)·lr_decay) · g/(√G + ε)."""
    for i, p in enumerate(params):
        g = _regularized_grad(p, grads[i], weight_decay, maximize)
        state_sum = state_sums[i]
        clr = lr / (1 + (steps[i] - 1) * lr_decay)
        scratch = as_array(np.multiply(g, g))
        state_sum += scratch
        np.sqrt(state_sum, out=scratch)
        scratch += eps
        np.divide(g, scratch, out=scratch)
        scratch *= clr
        p -= scratch


class Adagrad(Optimizer):
    """Adagrad: G ← G + g²,  p ← p − lr_t·g/(√G + ε) with lr_t = lr/(1 + (t−1)·lr_decay).

    G starts at `initial_accumulator_value`; `weight_decay` adds wd·p to g.
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-2,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value,
                        maximize=maximize)
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        super()._check_group(group)
        self._require(group["lr_decay"] >= 0.0, "lr_decay", group["lr_decay"], "must be >= 0")
        init = group["initial_accumulator_value"]
        self._require(init >= 0.0, "initial_accumulator_value", init, "must be >= 0")

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """One update of every parameter that has a gradient; returns `closure()` if given."""
        loss = self._eval_closure(closure)
        for group in self.param_groups:
            init = group["initial_accumulator_value"]
            params, grads, states = self._gather(
                group, lambda data: {"step": 0, "sum": np.full_like(data, init)})
            _adagrad_update(params, grads, [st["sum"] for st in states],
                            [st["step"] for st in states], lr=group["lr"],
                            lr_decay=group["lr_decay"], weight_decay=group["weight_decay"],
                            eps=group["eps"], maximize=group["maximize"])
            mark_changed(params)
        return loss
