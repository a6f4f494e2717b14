"""Adam and AdamW: momentum and RMSprop scaling with bias correction."""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from .optimizer import (Optimizer, ParamsT, _regularized_grad, _update_moments,
                        mark_changed)


def _adam_update(
    params: list[np.ndarray],
    grads: list[np.ndarray],
    exp_avgs: list[np.ndarray],
    exp_avg_sqs: list[np.ndarray],
    max_exp_avg_sqs: list[np.ndarray | None],
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
    """In place, at step t: p ← p·(1 − lr·wd) (decoupled) or g ← g + wd·p (L2);
    m ← β₁·m + (1−β₁)·g;  v ← β₂·v + (1−β₂)·g²;  v̂ ← max(v̂, v) with amsgrad, else v̂ = v;
    p ← p − lr/(1−β₁ᵗ) · m / (√v̂/√(1−β₂ᵗ) + ε).
    """
    l2 = 0.0 if decoupled_weight_decay else weight_decay
    shrink = 1.0 - lr * weight_decay
    last_step = -1
    sqrt, divide, maximum = np.sqrt, np.divide, np.maximum
    for i in range(len(params)):
        p, m, v = params[i], exp_avgs[i], exp_avg_sqs[i]
        step = steps[i]
        if step != last_step:
            # Parameters of a group almost always share one step count: compute once.
            last_step = step
            step_size = lr / (1.0 - beta1**step)
            sqrt_bias2 = math.sqrt(1.0 - beta2**step)
            # m/((√v/√(1−β₂ᵗ) + ε)/step_size) folds the step size into the denominator and
            # saves a pass over the array; a tiny (or zero) step stays apart, as 1/step_size
            # would overflow.
            fold = step_size > 1e-30
            scale = 1.0 / (sqrt_bias2 * step_size) if fold else 1.0 / sqrt_bias2
            shift = eps / step_size if fold else eps
        if decoupled_weight_decay and weight_decay != 0:
            p *= shrink
        g = grads[i]
        if l2 != 0 or maximize:
            g = _regularized_grad(p, g, l2, maximize)
        scratch = _update_moments(g, m, v, beta1, beta2)
        if amsgrad:
            v = maximum(max_exp_avg_sqs[i], v, out=max_exp_avg_sqs[i])
        sqrt(v, out=scratch)
        scratch *= scale
        scratch += shift
        divide(m, scratch, out=scratch)
        if not fold:
            scratch *= step_size
        p -= scratch


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
        state = self.state
        for group in self.param_groups:
            amsgrad = group["amsgrad"]
            params, grads, exp_avgs, exp_avg_sqs, max_sqs, steps = [], [], [], [], [], []
            for p in group["params"]:
                grad = p.grad
                if grad is None:
                    continue
                st = state.get(p)
                if st is None:
                    st = state[p] = _new_state(p.data, amsgrad)
                step = st["step"] = st["step"] + 1
                params.append(p.data)
                grads.append(grad.data)
                exp_avgs.append(st["exp_avg"])
                exp_avg_sqs.append(st["exp_avg_sq"])
                if amsgrad:
                    max_sqs.append(st["max_exp_avg_sq"])
                steps.append(step)
            beta1, beta2 = group["betas"]
            _adam_update(params, grads, exp_avgs, exp_avg_sqs, max_sqs, steps,
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
