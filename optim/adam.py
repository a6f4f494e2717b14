"""Adam and AdamW: momentum and RMSprop scaling with bias correction."""
from __future__ import annotations

import math
from typing import Any, Callable, NamedTuple

import numpy as np

from .optimizer import (Optimizer, ParamsT, _regularized_grad, _update_moments,
                        mark_changed)


class _BiasCorrection(NamedTuple):
    """Step t's bias corrections, so that α·m̂/(√v̂ + ε) = m/(√v·scale + shift)·after.

    With m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ) and s = α/(1−β₁ᵗ): scale = 1/(√(1−β₂ᵗ)·s),
    shift = ε/s, after = 1, which folds s into the denominator and saves a pass over the
    arrays; when s is too small to divide by, scale = 1/√(1−β₂ᵗ), shift = ε and after = s.
    """

    scale: float
    shift: float
    after: float


def _bias_correction(t: int, lr: float, beta1: float, beta2: float,
                     eps: float) -> _BiasCorrection:
    step_size = lr / (1.0 - beta1**t)
    sqrt_bias2 = math.sqrt(1.0 - beta2**t)
    if step_size > 1e-30:
        return _BiasCorrection(1.0 / (sqrt_bias2 * step_size), eps / step_size, 1.0)
    return _BiasCorrection(1.0 / sqrt_bias2, eps, step_size)


def _adam_update(
    params: list[np.ndarray],
    grads: list[np.ndarray],
    exp_avgs: list[np.ndarray],
    exp_avg_sqs: list[np.ndarray],
    max_exp_avg_sqs: list[np.ndarray],
    steps: list[int],
    *,
    lr: float,
    beta1: float,
    beta2: float,
    eps: float,
    weight_decay: float,
    amsgrad: bool,
    maximize: bool,
    decoupled_weight_decay: bool,
) -> None:
    """Adam (Algorithm 1 of the paper) in place, at step t of each parameter θ:
    g ← ∇f(θ), plus λ·θ with L2 weight decay (AdamW instead shrinks θ ← θ·(1 − α·λ));
    m ← β₁·m + (1−β₁)·g;  v ← β₂·v + (1−β₂)·g²;  (amsgrad: v ← max(v_max, v));
    m̂ = m/(1−β₁ᵗ);  v̂ = v/(1−β₂ᵗ);  θ ← θ − α·m̂/(√v̂ + ε).
    """
    l2 = 0.0 if decoupled_weight_decay else weight_decay
    last_step = -1
    sqrt, divide = np.sqrt, np.divide  # looked up once: this loop is the optimizer's hot path
    for i, theta in enumerate(params):
        g, m, v = grads[i], exp_avgs[i], exp_avg_sqs[i]
        if decoupled_weight_decay and weight_decay != 0:
            theta *= 1.0 - lr * weight_decay
        if l2 != 0 or maximize:
            g = _regularized_grad(theta, g, l2, maximize)
        scratch = _update_moments(g, m, v, beta1, beta2)
        if amsgrad:
            v = np.maximum(max_exp_avg_sqs[i], v, out=max_exp_avg_sqs[i])
        if steps[i] != last_step:  # a group's parameters almost always share one step count
            last_step = steps[i]
            scale, shift, after = _bias_correction(last_step, lr, beta1, beta2, eps)
        sqrt(v, out=scratch)
        scratch *= scale
        scratch += shift                 # (√v̂ + ε)/s
        divide(m, scratch, out=scratch)  # s·m/(√v̂ + ε) = α·m̂/(√v̂ + ε)
        if after != 1.0:
            scratch *= after
        theta -= scratch


class Adam(Optimizer):
    """Adam: m ← β₁·m + (1−β₁)·g,  v ← β₂·v + (1−β₂)·g²,
    p ← p − lr·m̂/(√v̂ + ε) with m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ).

    `amsgrad` uses the running maximum of v; `weight_decay` adds wd·p to g, or with
    `decoupled_weight_decay` shrinks p ← p·(1 − lr·wd) before the step (AdamW).
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        decoupled_weight_decay: bool = False,
    ) -> None:
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        amsgrad=amsgrad, maximize=maximize,
                        decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        super()._check_group(group)
        betas = group["betas"]
        self._require(len(betas) == 2 and all(0.0 <= b < 1.0 for b in betas), "betas", betas,
                      "need two values in [0, 1)")

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """One update of every parameter that has a gradient; returns `closure()` if given."""
        loss = self._eval_closure(closure)
        for group in self.param_groups:
            amsgrad = group["amsgrad"]
            params, grads, states = self._gather(group, lambda data: _new_state(data, amsgrad))
            beta1, beta2 = group["betas"]
            _adam_update(params, grads, [st["exp_avg"] for st in states],
                         [st["exp_avg_sq"] for st in states],
                         [st["max_exp_avg_sq"] for st in states] if amsgrad else [],
                         [st["step"] for st in states],
                         lr=group["lr"], beta1=beta1, beta2=beta2, eps=group["eps"],
                         weight_decay=group["weight_decay"], amsgrad=amsgrad,
                         maximize=group["maximize"],
                         decoupled_weight_decay=group["decoupled_weight_decay"])
            mark_changed(params)
        return loss


def _new_state(data: np.ndarray, amsgrad: bool) -> dict[str, Any]:
    state = {"step": 0, "exp_avg": np.zeros_like(data), "exp_avg_sq": np.zeros_like(data)}
    if amsgrad:
        state["max_exp_avg_sq"] = np.zeros_like(data)
    return state


class AdamW(Adam):
    """Adam with decoupled weight decay: p ← p·(1 − lr·wd), then the Adam step on the plain
    gradient (the decay is not scaled by 1/√v̂ as an L2 term in g would be).
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                         amsgrad=amsgrad, maximize=maximize, decoupled_weight_decay=True)
