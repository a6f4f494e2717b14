"""Strong-Wolfe line search with cubic interpolation (bracketing, then zoom)."""
from __future__ import annotations

import math
from typing import Callable, NamedTuple

import numpy as np


class _Trial(NamedTuple):
    """One evaluated point along the search direction: step, loss, gradient, slope g·d."""

    t: float
    f: float
    g: np.ndarray
    slope: float


def cubic_minimizer(
    t1: float, f1: float, s1: float, t2: float, f2: float, s2: float,
    bounds: tuple[float, float] | None = None,
) -> float:
    """Minimizer of the cubic matching values f1, f2 and slopes s1, s2 at t1, t2, clipped to
    `bounds` (default: between t1 and t2); the middle of the bounds when it has no minimum.

    With a = s1 + s2 − 3(f1 − f2)/(t1 − t2) and b = √(a² − s1·s2), the minimizer is
    t2 − (t2 − t1)·(s2 + b − a)/(s2 − s1 + 2b) for t1 ≤ t2 (symmetric otherwise).
    """
    lo, hi = bounds if bounds is not None else (min(t1, t2), max(t1, t2))
    a = s1 + s2 - 3.0 * (f1 - f2) / (t1 - t2)
    b_squared = a * a - s1 * s2
    if b_squared < 0:
        return (lo + hi) / 2.0
    b = math.sqrt(b_squared)
    if t1 <= t2:
        t = t2 - (t2 - t1) * ((s2 + b - a) / (s2 - s1 + 2.0 * b))
    else:
        t = t1 - (t1 - t2) * ((s1 + b - a) / (s1 - s2 + 2.0 * b))
    return min(max(t, lo), hi)


class _Search:
    """The line's fixed data and the evaluation counter shared by both phases."""

    def __init__(self, evaluate: Callable[[float], tuple[float, np.ndarray]], d: np.ndarray,
                 f0: float, slope0: float, c1: float, c2: float) -> None:
        self.evaluate, self.d, self.f0, self.slope0 = evaluate, d, f0, slope0
        self.c1, self.c2 = c1, c2
        self.n_evals = 0

    def probe(self, step: float) -> _Trial:
        f, g = self.evaluate(step)
        self.n_evals += 1
        return _Trial(step, f, g, float(g @ self.d))

    def too_high(self, trial: _Trial) -> bool:
        """Sufficient decrease fails: f(t) > f0 + c1·t·slope0."""
        return trial.f > self.f0 + self.c1 * trial.t * self.slope0

    def curvature_ok(self, trial: _Trial) -> bool:
        """|g(t)·d| ≤ c2·|slope0|."""
        return abs(trial.slope) <= -self.c2 * self.slope0


def strong_wolfe(
    evaluate: Callable[[float], tuple[float, np.ndarray]],
    t: float,
    d: np.ndarray,
    f0: float,
    g0: np.ndarray,
    slope0: float,
    c1: float = 1e-4,
    c2: float = 0.9,
    tolerance_change: float = 1e-9,
    max_ls: int = 25,
) -> tuple[float, np.ndarray, float, int]:
    """A step t meeting the strong Wolfe conditions along d, starting from the guess `t`:
    f(t) ≤ f0 + c1·t·slope0 (sufficient decrease) and |g(t)·d| ≤ c2·|slope0| (curvature).

    `evaluate(t)` returns the loss and flat gradient at x + t·d. Phase one grows t (cubic
    extrapolation within [t + 0.01·(t − t_prev), 10·t]) until an interval brackets an
    acceptable step; phase two shrinks the bracket by cubic interpolation, keeping each trial
    at least a tenth of the bracket away from its ends. At most `max_ls` further evaluations.
    Returns (loss, gradient, t, number of evaluations).
    """
    search = _Search(evaluate, d, f0, slope0, c1, c2)
    start = _Trial(0.0, f0, g0, slope0)
    accepted, bracket, n_iter = _grow(search, start, t, max_ls)
    if accepted is None:
        accepted = _zoom(search, bracket, n_iter, max_ls, tolerance_change,
                         float(np.abs(d).max()))
    return accepted.f, accepted.g, accepted.t, search.n_evals


def _grow(search: _Search, start: _Trial, t: float,
          max_ls: int) -> tuple[_Trial | None, list[_Trial], int]:
    """Phase one: an acceptable trial, or a bracket [prev, cur] holding one; and the number
    of iterations spent."""
    prev, cur = start, search.probe(t)
    n_iter = 0
    while n_iter < max_ls:
        if search.too_high(cur) or (n_iter > 1 and cur.f >= prev.f):
            return None, [prev, cur], n_iter
        if search.curvature_ok(cur):
            return cur, [], n_iter
        if cur.slope >= 0:
            return None, [prev, cur], n_iter
        grown = cubic_minimizer(prev.t, prev.f, prev.slope, cur.t, cur.f, cur.slope,
                                bounds=(cur.t + 0.01 * (cur.t - prev.t), cur.t * 10))
        prev, cur = cur, search.probe(grown)
        n_iter += 1
    return None, [start, cur], n_iter  # out of evaluations while still growing


def _zoom(search: _Search, bracket: list[_Trial], n_iter: int, max_ls: int,
          tolerance_change: float, d_norm: float) -> _Trial:
    """Phase two: shrink the bracket until a trial meets both conditions (or the budget or
    the bracket's width runs out, giving its lower end)."""
    low = 0 if bracket[0].f <= bracket[1].f else 1
    stalled = False
    while n_iter < max_ls:
        left, right = sorted((bracket[0].t, bracket[1].t))
        if (right - left) * d_norm < tolerance_change:
            break
        a, b = bracket
        t = cubic_minimizer(a.t, a.f, a.slope, b.t, b.f, b.slope)
        t, stalled = _keep_inside(t, left, right, stalled)
        new = search.probe(t)
        n_iter += 1
        high = 1 - low
        if search.too_high(new) or new.f >= bracket[low].f:
            bracket[high] = new
            low = 0 if bracket[0].f <= bracket[1].f else 1
        else:
            if search.curvature_ok(new):
                return new
            if new.slope * (bracket[high].t - bracket[low].t) >= 0:
                bracket[high] = bracket[low]
            bracket[low] = new
    return bracket[low]


def _keep_inside(t: float, left: float, right: float, stalled: bool) -> tuple[float, bool]:
    """A trial too close to an end of [left, right] makes little progress: after twice in a
    row (or when it falls outside), move it a tenth of the bracket inwards."""
    margin = 0.1 * (right - left)
    if min(right - t, t - left) >= margin:
        return t, False
    if stalled or t >= right or t <= left:
        return (right - margin if abs(t - right) < abs(t - left) else left + margin), False
    return t, True
