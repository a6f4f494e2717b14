"""L-BFGS: a limited-memory quasi-Newton method for full-batch problems."""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Callable, NamedTuple

import numpy as np

from . import _checks
from .line_search import strong_wolfe
from .optimizer import Optimizer, ParamsT, mark_changed


def _lbfgs_direction(
    flat_grad: np.ndarray,
    grad_diffs: list[np.ndarray],
    steps: list[np.ndarray],
    rhos: list[float],
    h_diag: float,
) -> np.ndarray:
    """d = −H·g by the two-loop recursion over the pairs (sᵢ, yᵢ), ρᵢ = 1/(yᵢ·sᵢ):
    q ← −g; for i newest→oldest: aᵢ = ρᵢ·sᵢ·q, q ← q − aᵢ·yᵢ;  r ← γ·q;
    for i oldest→newest: bᵢ = ρᵢ·yᵢ·r, r ← r + (aᵢ − bᵢ)·sᵢ;  d = r,
    where γ = s·y/(y·y) of the newest pair scales the initial inverse Hessian.
    """
    q = np.negative(flat_grad)
    alphas = [0.0] * len(steps)
    for i in range(len(steps) - 1, -1, -1):
        alphas[i] = float(steps[i] @ q) * rhos[i]
        q -= alphas[i] * grad_diffs[i]
    q *= h_diag
    for i in range(len(steps)):
        beta = float(grad_diffs[i] @ q) * rhos[i]
        q += (alphas[i] - beta) * steps[i]
    return q


@dataclass
class _Memory:
    """What L-BFGS carries from one iteration to the next, and between step() calls in its
    state under these names: the direction d and step t, the pairs (s, y) with ρ = 1/(y·s)
    (`old_stps`, `old_dirs`, `ro`), the initial inverse-Hessian scale γ (`H_diag`), and the
    previous gradient and loss."""

    d: np.ndarray | None = None
    t: float | None = None
    old_dirs: list | None = None
    old_stps: list | None = None
    ro: list | None = None
    H_diag: float | None = None
    prev_flat_grad: np.ndarray | None = None
    prev_loss: float | None = None

    @classmethod
    def load(cls, state: dict[str, Any]) -> _Memory:
        return cls(**{f.name: state.get(f.name) for f in fields(cls)})

    def save(self, state: dict[str, Any]) -> None:
        state.update((f.name, getattr(self, f.name)) for f in fields(self))

    def next_direction(self, flat_grad: np.ndarray, first: bool, history_size: int) -> None:
        """d = −g on the very first iteration; otherwise remember the newest pair
        s = t·d, y = g − g_prev (only when y·s > 0, so H stays positive definite; the oldest
        pair goes beyond `history_size`) and take d = −H·g by the two-loop recursion."""
        if first:
            self.d = np.negative(flat_grad)
            self.old_dirs, self.old_stps, self.ro, self.H_diag = [], [], [], 1.0
            return
        y = flat_grad - self.prev_flat_grad
        s = self.d * self.t
        ys = float(y @ s)
        if ys > 1e-10:
            if len(self.old_dirs) == history_size:
                del self.old_dirs[0], self.old_stps[0], self.ro[0]
            self.old_dirs.append(y)
            self.old_stps.append(s)
            self.ro.append(1.0 / ys)
            self.H_diag = ys / float(y @ y)
        self.d = _lbfgs_direction(flat_grad, self.old_dirs, self.old_stps, self.ro,
                                  self.H_diag)


class _Settings(NamedTuple):
    lr: float
    max_iter: int
    max_eval: int
    tolerance_grad: float
    tolerance_change: float
    history_size: int
    line_search_fn: str | None


class LBFGS(Optimizer):
    """L-BFGS: p ← p + t·d with d = −H·g, H the inverse-Hessian estimate built from the last
    `history_size` pairs s = Δp, y = Δg (see `_lbfgs_direction`).

    The step t is lr (the first ever: lr·min(1, 1/‖g‖₁)), or found by a strong-Wolfe line
    search with `line_search_fn="strong_wolfe"`. One `step(closure)` runs up to `max_iter`
    iterations and `max_eval` closure calls; it stops early when max|g| ≤ tolerance_grad or the
    change of loss or parameters falls below tolerance_change. Parameters form one group.
    """

    _flat_state = True  # the history holds flat vectors over all parameters

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1.0,
        max_iter: int = 20,
        max_eval: int | None = None,
        tolerance_grad: float = 1e-7,
        tolerance_change: float = 1e-9,
        history_size: int = 100,
        line_search_fn: str | None = None,
    ) -> None:
        if max_eval is None:
            max_eval = _checks.integer("LBFGS", "max_iter", max_iter, 1) * 5 // 4
        defaults = dict(lr=lr, max_iter=max_iter, max_eval=max_eval,
                        tolerance_grad=tolerance_grad, tolerance_change=tolerance_change,
                        history_size=history_size, line_search_fn=line_search_fn)
        super().__init__(params, defaults)

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """LBFGS takes one group: the search direction spans all parameters together."""
        if self.param_groups:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups); "
                             "pass all parameters in one list")
        super().add_param_group(param_group)

    def _check_group(self, group: dict[str, Any]) -> None:
        super()._check_group(group)
        fn = group["line_search_fn"]
        self._require(fn in (None, "strong_wolfe"), "line_search_fn", fn,
                      "only None or 'strong_wolfe' are supported")
        self._require(group["history_size"] >= 1, "history_size", group["history_size"],
                      "must be >= 1")

    # -- flat views of the parameters ---------------------------------------------------------
    def _params(self) -> list:
        return self.param_groups[0]["params"]

    def _flat_grad(self) -> np.ndarray:
        return np.concatenate([
            p.grad.data.reshape(-1) if p.grad is not None else np.zeros(p.size, p.dtype)
            for p in self._params()
        ])

    def _add_to_params(self, t: float, d: np.ndarray) -> None:
        offset = 0
        for p in self._params():
            n = p.size
            data = p.data  # updated in place: p.data stays the same array
            data += t * d[offset:offset + n].reshape(p.shape)
            offset += n
        mark_changed([p.data for p in self._params()])

    def _evaluate_at(self, closure: Callable[[], Any], origin: list[np.ndarray], t: float,
                     d: np.ndarray) -> tuple[float, np.ndarray]:
        """Loss and flat gradient at origin + t·d; the parameters are put back afterwards."""
        self._add_to_params(t, d)
        loss = _checks.loss_value("LBFGS", self._eval_closure(closure))
        flat_grad = self._flat_grad()
        for p, x in zip(self._params(), origin):
            p.data[...] = x
        mark_changed([p.data for p in self._params()])
        return loss, flat_grad

    # -- the step ------------------------------------------------------------------------------
    def step(self, closure: Callable[[], Any] | None = None) -> Any:  # type: ignore[override]
        """Run up to max_iter iterations; `closure` must zero the gradients, compute the loss,
        call backward() and return the loss. Returns the loss of the first evaluation."""
        if closure is None:
            raise TypeError("LBFGS.step() needs a closure that zeroes the gradients, computes "
                            "the loss, calls loss.backward() and returns the loss")
        group = self.param_groups[0]
        cfg = _Settings(*(group[k] for k in _Settings._fields))
        state = self.state.setdefault(self._params()[0], {})
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)

        orig_loss = self._eval_closure(closure)
        loss = _checks.loss_value("LBFGS", orig_loss)
        state["func_evals"] += 1
        flat_grad = self._flat_grad()
        if np.abs(flat_grad).max() <= cfg.tolerance_grad:
            return orig_loss
        memory = _Memory.load(state)
        evals, n_iter = 1, 0  # closure calls in this step, and iterations
        while n_iter < cfg.max_iter:
            n_iter += 1
            state["n_iter"] += 1
            first = state["n_iter"] == 1
            memory.next_direction(flat_grad, first, cfg.history_size)
            memory.prev_flat_grad, memory.prev_loss = flat_grad, loss
            # Without curvature information yet, keep the first step short.
            memory.t = cfg.lr * (min(1.0, 1.0 / float(np.abs(flat_grad).sum())) if first else 1)
            slope = float(flat_grad @ memory.d)
            if slope > -cfg.tolerance_change:
                break  # not a descent direction any more
            loss, flat_grad, used, converged = self._move(
                closure, cfg, memory, loss, flat_grad, slope, evals,
                last=n_iter == cfg.max_iter)
            evals += used
            state["func_evals"] += used
            if self._stop(cfg, memory, n_iter, evals, converged, loss):
                break
        memory.save(state)
        return orig_loss

    def _move(self, closure: Callable[[], Any], cfg: _Settings, memory: _Memory, loss: float,
              flat_grad: np.ndarray, slope: float, evals: int,
              last: bool) -> tuple[float, np.ndarray, int, bool]:
        """Step along memory.d, by a strong-Wolfe search or by memory.t; returns the loss and
        flat gradient there (unchanged when the last iteration skips evaluating), the number
        of closure calls and whether the gradient is below tolerance_grad."""
        d = memory.d
        if cfg.line_search_fn is not None:
            origin = [p.data.copy() for p in self._params()]
            loss, flat_grad, memory.t, used = strong_wolfe(
                lambda step: self._evaluate_at(closure, origin, step, d),
                memory.t, d, loss, flat_grad, slope, max_ls=cfg.max_eval - evals)
            self._add_to_params(memory.t, d)
            return loss, flat_grad, used, np.abs(flat_grad).max() <= cfg.tolerance_grad
        self._add_to_params(memory.t, d)
        if last:
            return loss, flat_grad, 0, False
        loss = _checks.loss_value("LBFGS", self._eval_closure(closure))
        flat_grad = self._flat_grad()
        return loss, flat_grad, 1, np.abs(flat_grad).max() <= cfg.tolerance_grad

    @staticmethod
    def _stop(cfg: _Settings, memory: _Memory, n_iter: int, evals: int, converged: bool,
              loss: float) -> bool:
        """Out of iterations or evaluations, converged, or the step or the loss barely moved."""
        if n_iter == cfg.max_iter or evals >= cfg.max_eval or converged:
            return True
        if np.abs(memory.d).max() * abs(memory.t) <= cfg.tolerance_change:
            return True
        return abs(loss - memory.prev_loss) < cfg.tolerance_change
