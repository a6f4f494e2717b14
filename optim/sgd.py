"""Stochastic gradient descent, with classical or Nesterov momentum."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .optimizer import Optimizer, ParamsT, _regularized_grad, mark_changed


def _sgd_update(
    params: list[np.ndarray],
    grads: list[np.ndarray],
    momentum_buffers: list[np.ndarray | None],
    *,
    lr: float,
    momentum: float,
    dampening: float,
    nesterov: bool,
    weight_decay: float,
    maximize: bool,
) -> None:
    """In place: g ← g + wd·p;  b ← μ·b + (1−τ)·g (b ← g at the first step);
    p ← p − lr·(g + μ·b) with nesterov, p ← p − lr·b without (p ← p − lr·g when μ = 0).

    New momentum buffers are written into `momentum_buffers`.
    """
    for i, p in enumerate(params):
        g = _regularized_grad(p, grads[i], weight_decay, maximize)
        if momentum != 0:
            buf = momentum_buffers[i]
            if buf is None:
                buf = momentum_buffers[i] = np.array(g, dtype=p.dtype, copy=True)
            else:
                buf *= momentum
                if dampening == 0:
                    buf += g
                else:
                    buf += (1 - dampening) * g
            if nesterov:
                direction = np.multiply(buf, momentum)
                direction += g
                g = direction
            else:
                g = buf
        p -= lr * g


class SGD(Optimizer):
    """Gradient descent: p ← p − lr·d, where d is the gradient, or with momentum μ
    b ← μ·b + (1−dampening)·g and d = b (classical) or d = g + μ·b (nesterov).

    `weight_decay` adds wd·p to the gradient (L2 penalty ½·wd·‖p‖²).
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening,
                        weight_decay=weight_decay, nesterov=nesterov, maximize=maximize)
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        super()._check_group(group)
        self._require(group["momentum"] >= 0.0, "momentum", group["momentum"], "must be >= 0")
        if group["nesterov"]:
            self._require(group["momentum"] > 0 and group["dampening"] == 0, "nesterov", True,
                          "Nesterov momentum needs momentum > 0 and dampening = 0")

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """One update of every parameter that has a gradient; returns `closure()` if given."""
        loss = self._eval_closure(closure)
        for group in self.param_groups:
            momentum = group["momentum"]
            # The momentum buffer is made from the first gradient, so a new state starts empty.
            params, grads, states = self._gather(group, _no_buffer if momentum else None)
            buffers = [st.get("momentum_buffer") for st in states] or [None] * len(params)
            _sgd_update(params, grads, buffers, lr=group["lr"], momentum=momentum,
                        dampening=group["dampening"], nesterov=group["nesterov"],
                        weight_decay=group["weight_decay"], maximize=group["maximize"])
            mark_changed(params)
            for st, buf in zip(states, buffers):
                st["momentum_buffer"] = buf
        return loss


def _no_buffer(data: np.ndarray) -> dict[str, Any]:
    return {}


class Momentum(SGD):
    """SGD with classical momentum, as the course notes name it:
    v ← μ·v + g,  p ← p − lr·v (the same trajectory as v ← μ·v − lr·g, p ← p + v).
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 0.01,
        momentum: float = 0.9,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(params, lr=lr, momentum=momentum, dampening=dampening,
                         weight_decay=weight_decay, nesterov=False, maximize=maximize)


class Nesterov(SGD):
    """SGD with Nesterov accelerated gradient (NAG), as the course notes name it:
    v ← μ·v + g,  p ← p − lr·(g + μ·v): the gradient step taken from the look-ahead point.
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 0.01,
        momentum: float = 0.9,
        weight_decay: float = 0.0,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(params, lr=lr, momentum=momentum, dampening=0.0,
                         weight_decay=weight_decay, nesterov=True, maximize=maximize)
