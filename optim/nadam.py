"""NAdam: Adam with Nesterov momentum."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .optimizer import (Optimizer, ParamsT, _regularized_grad, _update_moments,
                        mark_changed)


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
    """In place, at step t: p ← p·(1 − lr·wd) (decoupled) or g ← g + wd·p (L2);
    μₜ = β₁·(1 − ½·0.96^(t·ψ)),  Πₜ = μ₁⋯μₜ (updated in `mu_products`);
    m ← β₁·m + (1−β₁)·g;  v ← β₂·v + (1−β₂)·g²;  d = √(v/(1−β₂ᵗ)) + ε;
    p ← p − lr·(1−μₜ)/(1−Πₜ) · g/d − lr·μₜ₊₁/(1−Πₜ·μₜ₊₁) · m/d.
    """
    l2 = 0.0 if decoupled_weight_decay else weight_decay
    for i, p in enumerate(params):
        step = steps[i]
        if decoupled_weight_decay and weight_decay != 0:
            p *= 1.0 - lr * weight_decay
        g = _regularized_grad(p, grads[i], l2, maximize)
        m, v = exp_avgs[i], exp_avg_sqs[i]
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * momentum_decay))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * momentum_decay))
        mu_product = mu_products[i] = mu_products[i] * mu
        scratch = _update_moments(g, m, v, beta1, beta2)
        np.divide(v, 1.0 - beta2**step, out=scratch)
        np.sqrt(scratch, out=scratch)
        scratch += eps
        denom = scratch
        grad_coef = lr * (1.0 - mu) / (1.0 - mu_product)
        avg_coef = lr * mu_next / (1.0 - mu_product * mu_next)
        step_dir = np.divide(g, denom)
        step_dir *= grad_coef
        p -= step_dir
        np.divide(m, denom, out=step_dir)
        step_dir *= avg_coef
        p -= step_dir


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
        state = self.state
        for group in self.param_groups:
            params, grads, exp_avgs, exp_avg_sqs, mu_products, steps = [], [], [], [], [], []
            holders = []
            for p in group["params"]:
                if p.grad is None:
                    continue
                st = state.get(p)
                if st is None:
                    st = state[p] = {"step": 0, "mu_product": 1.0,
                                     "exp_avg": np.zeros_like(p.data),
                                     "exp_avg_sq": np.zeros_like(p.data)}
                st["step"] += 1
                holders.append(st)
                params.append(p.data)
                grads.append(p.grad.data)
                exp_avgs.append(st["exp_avg"])
                exp_avg_sqs.append(st["exp_avg_sq"])
                mu_products.append(st["mu_product"])
                steps.append(st["step"])
            beta1, beta2 = group["betas"]
            _nadam_update(params, grads, exp_avgs, exp_avg_sqs, mu_products, steps,
                          lr=group["lr"], beta1=beta1, beta2=beta2, eps=group["eps"],
                          weight_decay=group["weight_decay"],
                          momentum_decay=group["momentum_decay"],
                          decoupled_weight_decay=group["decoupled_weight_decay"],
                          maximize=group["maximize"])
            mark_changed(params)
            for st, mu_product in zip(holders, mu_products):
                st["mu_product"] = mu_product
        return loss
