"""NAdam: Adam with Nesterov momentum."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .optimizer import (Optimizer, ParamsT, _regularized_grad, _update_moments,
                        as_array, mark_changed)


def _nadam_update(
    params: list[np.ndarray],
    grads: list[np.ndarray],
    exp_avgs: list[np.ndarray],
    exp_avg_sqs: list[np.ndarray],
    mu_products: list[float],
    steps: list[int],
    *,
    lr: float,
    beta1: float,
    beta2: float,
    eps: float,
    weight_decay: float,
    momentum_decay: float,
    decoupled_weight_decay: bool,
    maximize: bool,
) -> None:
    """NAdam in place, at step t of each parameter θ:
    g ← ∇f(θ), plus λ·θ with L2 weight decay (decoupled: θ ← θ·(1 − α·λ) instead);
    μₜ = β₁·(1 − ½·0.96^(t·ψ)),  Πₜ = μ₁⋯μₜ (updated in `mu_products`);
    m ← β₁·m + (1−β₁)·g;  v ← β₂·v + (1−β₂)·g²;  v̂ = v/(1−β₂ᵗ);
    θ ← θ − α·(1−μₜ)/(1−Πₜ) · g/(√v̂ + ε) − α·μₜ₊₁/(1−Πₜ·μₜ₊₁) · m/(√v̂ + ε).
    """
    l2 = 0.0 if decoupled_weight_decay else weight_decay
    for i, theta in enumerate(params):
        t, m, v = steps[i], exp_avgs[i], exp_avg_sqs[i]
        if decoupled_weight_decay and weight_decay != 0:
            theta *= 1.0 - lr * weight_decay
        g = _regularized_grad(theta, grads[i], l2, maximize)
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (t * momentum_decay))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * momentum_decay))
        mu_product = mu_products[i] = mu_products[i] * mu
        scratch = _update_moments(g, m, v, beta1, beta2)
        np.divide(v, 1.0 - beta2**t, out=scratch)  # v̂
        np.sqrt(scratch, out=scratch)
        scratch += eps
        denom = scratch                             # √v̂ + ε
        step_dir = as_array(np.divide(g, denom))
        step_dir *= lr * (1.0 - mu) / (1.0 - mu_product)
        theta -= step_dir
        np.divide(m, denom, out=step_dir)
        step_dir *= lr * mu_next / (1.0 - mu_product * mu_next)
        theta -= step_dir


class NAdam(Optimizer):
    """NAdam: Adam whose momentum looks one step ahead, with the momentum schedule
    μₜ = β₁·(1 − ½·0.96^(t·momentum_decay)):
    p ← p − lr·[(1−μₜ)/(1−Πₜ)·g + μₜ₊₁/(1−Πₜ₊₁)·m] / (√v̂ + ε),  Πₜ = μ₁⋯μₜ.
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum_decay: float = 4e-3,
        decoupled_weight_decay: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        momentum_decay=momentum_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize)
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        super()._check_group(group)
        betas = group["betas"]
        self._require(len(betas) == 2 and all(0.0 <= b < 1.0 for b in betas), "betas", betas,
                      "need two values in [0, 1)")
        self._require(group["momentum_decay"] >= 0.0, "momentum_decay",
                      group["momentum_decay"], "must be >= 0")

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """One update of every parameter that has a gradient; returns `closure()` if given."""
        loss = self._eval_closure(closure)
        for group in self.param_groups:
            params, grads, states = self._gather(group, _new_state)
            mu_products = [st["mu_product"] for st in states]
            beta1, beta2 = group["betas"]
            _nadam_update(params, grads, [st["exp_avg"] for st in states],
                          [st["exp_avg_sq"] for st in states], mu_products,
                          [st["step"] for st in states], lr=group["lr"], beta1=beta1,
                          beta2=beta2, eps=group["eps"], weight_decay=group["weight_decay"],
                          momentum_decay=group["momentum_decay"],
                          decoupled_weight_decay=group["decoupled_weight_decay"],
                          maximize=group["maximize"])
            mark_changed(params)
            for st, mu_product in zip(states, mu_products):
                st["mu_product"] = mu_product
        return loss


def _new_state(data: np.ndarray) -> dict[str, Any]:
    return {"step": 0, "mu_product": 1.0, "exp_avg": np.zeros_like(data),
            "exp_avg_sq": np.zeros_like(data)}
