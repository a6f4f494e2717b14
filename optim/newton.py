"""Newton's method with the exact Hessian, for problems with few parameters."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

import autograd
from autograd import Tensor

from .optimizer import Optimizer, ParamsT, mark_changed


def _newton_update(
    params: list[np.ndarray],
    grad: np.ndarray,
    hessian: np.ndarray,
    *,
    lr: float,
    damping: float,
) -> None:
    """In place: solve (H + λI)·d = g, then p ← p − lr·d (p all parameters, flattened)."""
    system = hessian + damping * np.eye(len(grad), dtype=hessian.dtype) if damping else hessian
    try:
        direction = np.linalg.solve(system, grad)
    except np.linalg.LinAlgError:
        raise np.linalg.LinAlgError(
            f"Newton: the {len(grad)}x{len(grad)} Hessian{' + damping·I' if damping else ''} "
            "is singular; pass damping > 0 (e.g. damping=1e-3) to regularize it"
        ) from None
    offset = 0
    for p in params:
        n = p.size
        p -= lr * direction[offset:offset + n].reshape(p.shape)
        offset += n


def flat_gradient_and_hessian(
    loss: Tensor, params: list[Tensor]
) -> tuple[np.ndarray, np.ndarray]:
    """∇f and the exact Hessian ∇²f of a scalar loss, all parameters flattened in order.

    The gradient is taken with create_graph=True, so that differentiating its i-th entry once
    more (double backward) gives row i of the Hessian.
    """
    sizes = [p.size for p in params]
    n = sum(sizes)
    dtype = np.result_type(*[p.dtype for p in params])
    grads = autograd.grad(loss, params, create_graph=True, allow_unused=True)
    pieces = [g.reshape(-1) if g is not None else Tensor(np.zeros(s, dtype))
              for g, s in zip(grads, sizes)]
    flat = autograd.concatenate(pieces) if len(pieces) > 1 else pieces[0]
    hessian = np.zeros((n, n), dtype=dtype)
    if flat.requires_grad:  # otherwise the loss is linear: H = 0
        for i in range(n):
            row = autograd.grad(flat[i], params, retain_graph=True, allow_unused=True)
            offset = 0
            for r, s in zip(row, sizes):
                if r is not None:
                    hessian[i, offset:offset + s] = r.data.reshape(-1)
                offset += s
    return np.array(flat.data, dtype=dtype).reshape(-1), hessian


class Newton(Optimizer):
    """Newton's method: p ← p − lr·(H + λI)⁻¹·∇f, H = ∇²f the exact Hessian, λ = damping.

    `step(closure)` calls `closure()` for the loss (no backward() needed: Newton
    differentiates it twice itself, one backward pass per parameter for the Hessian).
    The dense Hessian has n² entries, so at most `max_params` parameters are accepted.
    On a convex quadratic one step with lr = 1 lands on the minimum.
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1.0,
        damping: float = 0.0,
        max_params: int = 1000,
    ) -> None:
        defaults = dict(lr=lr, damping=damping, max_params=max_params)
        super().__init__(params, defaults)

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Newton takes one group: the Hessian couples all parameters."""
        if self.param_groups:
            raise ValueError("Newton doesn't support parameter groups; pass all parameters "
                             "in one list")
        super().add_param_group(param_group)

    def _check_group(self, group: dict[str, Any]) -> None:
        super()._check_group(group)
        self._require(group["damping"] >= 0.0, "damping", group["damping"], "must be >= 0")
        n = sum(p.size for p in group["params"])
        if n > group["max_params"]:
            raise ValueError(
                f"Newton: {n} parameters need a dense {n}x{n} Hessian and {n} backward "
                f"passes per step, more than max_params={group['max_params']}; use LBFGS "
                "for problems this size, or raise max_params if you mean it"
            )

    def step(self, closure: Callable[[], Any] | None = None) -> Any:  # type: ignore[override]
        """One Newton step; `closure()` must return the scalar loss at the current point.
        Returns that loss."""
        if closure is None:
            raise TypeError("Newton.step() needs a closure that computes and returns the loss "
                            "(Newton differentiates it twice itself)")
        group = self.param_groups[0]
        params = group["params"]
        loss = self._eval_closure(closure)
        if not isinstance(loss, Tensor) or loss.size != 1:
            raise TypeError(f"Newton: the closure must return a scalar Tensor, got "
                            f"{type(loss).__name__} {getattr(loss, 'shape', '')}")
        with autograd.enable_grad():
            try:
                grad, hessian = flat_gradient_and_hessian(loss, params)
            except RuntimeError as e:
                if "second time" not in str(e):
                    raise
                raise RuntimeError(
                    "Newton: the loss's graph was already freed; the closure must only compute "
                    "and return the loss, without calling backward() (Newton differentiates "
                    f"it twice itself). {e}"
                ) from None
        _newton_update([p.data for p in params], grad, hessian, lr=group["lr"],
                       damping=group["damping"])
        mark_changed([p.data for p in params])
        state = self.state.setdefault(params[0], {"step": 0})
        state["step"] += 1
        return loss
