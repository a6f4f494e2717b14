"""Adadelta: step sizes in the units of the parameter, from two running averages."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .optimizer import Optimizer, ParamsT, _regularized_grad, as_array, mark_changed


def _adadelta_update(
    params: list[np.ndarray],
    grads: list[np.ndarray],
    square_avgs: list[np.ndarray],
    acc_deltas: list[np.ndarray],
    *,
    lr: float,
    rho: float,
    eps: float,
    weight_decay: float,
    maximize: bool,
) -> None:
    """In place: g ← g + wd·p;  v ← ρ·v + (1−ρ)·g²;  Δ = √(u + ε)/√(v + ε)·g;
    u ← ρ·u + (1−ρ)·Δ²;  p ← p − lr·Δ.
    """
    for i, p in enumerate(params):
        g = _regularized_grad(p, grads[i], weight_decay, maximize)
        v, u = square_avgs[i], acc_deltas[i]
        scratch = as_array(np.multiply(g, g))
        scratch *= 1 - rho
        v *= rho
        v += scratch
        delta = as_array(np.add(u, eps))
        np.sqrt(delta, out=delta)
        np.add(v, eps, out=scratch)
        np.sqrt(scratch, out=scratch)
        delta /= scratch
        delta *= g
        np.multiply(delta, delta, out=scratch)
        scratch *= 1 - rho
        u *= rho
        u += scratch
        delta *= lr
        p -= delta


class Adadelta(Optimizer):
    """Adadelta: v ← ρ·v + (1−ρ)·g²,  Δ = √(u + ε)/√(v + ε)·g,  u ← ρ·u + (1−ρ)·Δ²,
    p ← p − lr·Δ (lr = 1 is the method as published; no rate to tune).
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0.0,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize)
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        super()._check_group(group)
        self._require(0.0 <= group["rho"] <= 1.0, "rho", group["rho"], "must be in [0, 1]")

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """One update of every parameter that has a gradient; returns `closure()` if given."""
        loss = self._eval_closure(closure)
        for group in self.param_groups:
            params, grads, states = self._gather(group, _new_state)
            _adadelta_update(params, grads, [st["square_avg"] for st in states],
                             [st["acc_delta"] for st in states], lr=group["lr"],
                             rho=group["rho"], eps=group["eps"],
                             weight_decay=group["weight_decay"], maximize=group["maximize"])
            mark_changed(params)
        return loss


def _new_state(data: np.ndarray) -> dict[str, Any]:
    return {"step": 0, "square_avg": np.zeros_like(data), "acc_delta": np.zeros_like(data)}
