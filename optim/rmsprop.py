"""RMSprop: steps divided by a running root mean square of the gradient."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .optimizer import Optimizer, ParamsT, _regularized_grad, as_array, mark_changed


def _rmsprop_update(
    params: list[np.ndarray],
    grads: list[np.ndarray],
    square_avgs: list[np.ndarray],
    grad_avgs: list[np.ndarray | None],
    momentum_buffers: list[np.ndarray | None],
    *,
    lr: float,
    alpha: float,
    eps: float,
    weight_decay: float,
    momentum: float,
    centered: bool,
    maximize: bool,
) -> None:
    """In place: g ← g + wd·p;  v ← α·v + (1−α)·g²;  s = √v + ε, or √(v − ḡ²) + ε when centered
    with ḡ ← α·ḡ + (1−α)·g;  p ← p − lr·g/s, or with momentum b ← μ·b + g/s, p ← p − lr·b.
    """
    for i, p in enumerate(params):
        g = _regularized_grad(p, grads[i], weight_decay, maximize)
        v = square_avgs[i]
        scratch = as_array(np.multiply(g, g))
        scratch *= 1 - alpha
        v *= alpha
        v += scratch
        if centered:
            g_avg = grad_avgs[i]
            np.subtract(g, g_avg, out=scratch)
            scratch *= 1 - alpha
            g_avg += scratch
            np.multiply(g_avg, g_avg, out=scratch)
            np.subtract(v, scratch, out=scratch)
            np.sqrt(scratch, out=scratch)
        else:
            np.sqrt(v, out=scratch)
        scratch += eps
        np.divide(g, scratch, out=scratch)
        if momentum > 0:
            buf = momentum_buffers[i]
            buf *= momentum
            buf += scratch
            np.multiply(buf, lr, out=scratch)
        else:
            scratch *= lr
        p -= scratch


class RMSprop(Optimizer):
    """RMSprop: v ← α·v + (1−α)·g²,  p ← p − lr·g/(√v + ε).

    `centered` divides by the running standard deviation √(v − ḡ²) instead (ḡ the running
    mean of g); `momentum` μ > 0 keeps b ← μ·b + g/(√v + ε) and steps p ← p − lr·b.
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                        weight_decay=weight_decay, maximize=maximize)
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        super()._check_group(group)
        self._require(group["momentum"] >= 0.0, "momentum", group["momentum"], "must be >= 0")
        self._require(0.0 <= group["alpha"] <= 1.0, "alpha", group["alpha"],
                      "must be in [0, 1]")

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """One update of every parameter that has a gradient; returns `closure()` if given."""
        loss = self._eval_closure(closure)
        for group in self.param_groups:
            momentum, centered = group["momentum"], group["centered"]
            params, grads, states = self._gather(
                group, lambda data: _new_state(data, momentum, centered))
            _rmsprop_update(params, grads, [st["square_avg"] for st in states],
                            [st.get("grad_avg") for st in states],
                            [st.get("momentum_buffer") for st in states], lr=group["lr"],
                            alpha=group["alpha"], eps=group["eps"],
                            weight_decay=group["weight_decay"], momentum=momentum,
                            centered=centered, maximize=group["maximize"])
            mark_changed(params)
        return loss


def _new_state(data: np.ndarray, momentum: float, centered: bool) -> dict[str, Any]:
    state = {"step": 0, "square_avg": np.zeros_like(data)}
    if momentum > 0:
        state["momentum_buffer"] = np.zeros_like(data)
    if centered:
        state["grad_avg"] = np.zeros_like(data)
    return state
