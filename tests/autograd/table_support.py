"""Building blocks of the op table: input domains, row type and input-shape strategies."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
from hypothesis import strategies as st

from autograd import testing

Shape = tuple[int, ...]
# Hypothesis input shapes of a row, given the largest side to use.
ShapeStrategy = Callable[[int], st.SearchStrategy]

KINK_GAP = 0.1  # central differences with eps=1e-6 never straddle a kink this far away


@dataclass(frozen=True)
class Domain:
    """Where an op's input values come from.

    Values lie in [low, high], at least KINK_GAP from every point of `kinks`. With `grid`, they
    sit on `offset + grid·k`, so two inputs with different offsets never tie, and `unique`
    keeps one array's values distinct (max/min without ties).
    """

    low: float = -2.0
    high: float = 2.0
    kinks: tuple[float, ...] = ()
    grid: float = 0.0
    offset: float = 0.0
    unique: bool = False

    def _grid_range(self) -> tuple[int, int]:
        return (math.ceil((self.low - self.offset) / self.grid),
                math.floor((self.high - self.offset) / self.grid))

    def _push(self, x: Any) -> Any:
        for k in self.kinks:
            near = np.abs(x - k) < KINK_GAP
            x = np.where(near, np.where(x >= k, k + KINK_GAP, k - KINK_GAP), x)
        return x

    def sample(self, rng: np.random.Generator, shape: Shape, dtype: Any) -> np.ndarray:
        """A deterministic array for the fixed-example tests."""
        if self.grid:
            lo, hi = self._grid_range()
            ks = rng.choice(np.arange(lo, hi + 1), size=shape, replace=not self.unique)
            return np.asarray(self.offset + self.grid * ks, dtype=dtype)
        return np.asarray(self._push(rng.uniform(self.low, self.high, size=shape)), dtype=dtype)

    def elements(self, dtype: Any) -> st.SearchStrategy:
        """Hypothesis elements for arrays of `dtype`."""
        cast = np.dtype(dtype).type
        if self.grid:
            lo, hi = self._grid_range()
            return st.integers(lo, hi).map(lambda k: float(cast(self.offset + self.grid * k)))
        return st.floats(self.low, self.high).map(lambda v: float(cast(self._push(v))))


REAL = Domain()
POSITIVE = Domain(0.5, 3.0)
NONZERO = Domain(kinks=(0.0,))
DISTINCT = Domain(grid=2.0 ** -9, unique=True)
EVEN_GRID = Domain(grid=0.02)
ODD_GRID = Domain(grid=0.02, offset=0.01)


@dataclass(frozen=True)
class OpRow:
    """One op to test: ours, NumPy's, how to draw its inputs, and PyTorch's (or None)."""

    name: str
    fn: Callable[..., Any]
    ref: Callable[..., Any]
    arity: int
    domain: tuple[Domain, ...]
    kwargs: dict = field(default_factory=dict)
    torch: Callable[..., Any] | None = None
    examples: tuple[tuple[Shape, ...], ...] = ()
    shapes: ShapeStrategy | None = None
    differentiable: tuple[bool, ...] = ()
    check: dict = field(default_factory=dict)  # gradcheck options (eps, atol, rtol)

    def wants_grad(self, i: int) -> bool:
        return self.differentiable[i] if self.differentiable else True


def row(name: str, fn: Callable, ref: Callable, arity: int, domain: Any = REAL,
        kwargs: dict | None = None, torch: Callable | None = None, *,
        examples: Any, shapes: ShapeStrategy, differentiable: tuple[bool, ...] = (),
        check: dict | None = None) -> OpRow:
    domains = domain if isinstance(domain, tuple) else (domain,) * arity
    assert len(domains) == arity, name
    return OpRow(name, fn, ref, arity, domains, dict(kwargs or {}), torch, tuple(examples),
                 shapes, differentiable, dict(check or {}))


# -- input shapes ---------------------------------------------------------------------------
def broadcast(n: int, min_dims: int = 0) -> ShapeStrategy:
    """n mutually broadcastable shapes."""
    return lambda side: testing.broadcastable_shapes(n, min_dims=min_dims, max_side=side)


def single(min_dims: int = 0, at_least: dict | None = None, fixed: dict | None = None,
           times: dict | None = None) -> ShapeStrategy:
    """One shape; `at_least`, `fixed` and `times` map axes to a minimum size, an exact size
    or a factor the size is multiplied by."""
    def adjust(shape: Shape) -> tuple[Shape]:
        s = list(shape)
        for ax, n in (at_least or {}).items():
            s[ax] = max(s[ax], n)
        for ax, n in (fixed or {}).items():
            s[ax] = n
        for ax, n in (times or {}).items():
            s[ax] *= n
        return (tuple(s),)

    return lambda side: testing.shapes(min_dims=min_dims, max_side=side).map(adjust)


def same(n: int, min_dims: int = 0, free_axis: int | None = None) -> ShapeStrategy:
    """n equal shapes, except along `free_axis` where each has its own size."""
    @st.composite
    def build(draw: Any, side: int) -> tuple[Shape, ...]:
        base = list(draw(testing.shapes(min_dims=min_dims, max_side=side)))
        out = []
        for _ in range(n):
            if free_axis is not None:
                base[free_axis] = draw(st.integers(0, side))
            out.append(tuple(base))
        return tuple(out)

    return lambda side: build(side)


def matmul_shapes(side: int) -> st.SearchStrategy:
    """Operands of matmul: 1-D or stacks of matrices with broadcast batch axes."""
    @st.composite
    def build(draw: Any) -> tuple[Shape, Shape]:
        n, k, m = (draw(st.integers(0, side)) for _ in range(3))
        batch_a, batch_b = draw(testing.broadcastable_shapes(2, max_dims=2, max_side=side))
        a = (k,) if draw(st.booleans()) else batch_a + (n, k)
        b = (k,) if draw(st.booleans()) else batch_b + (k, m)
        return a, b

    return build()


def dot_shapes(side: int) -> st.SearchStrategy:
    """Operands of dot: 0-, 1- or 2-D with matching inner sizes."""
    @st.composite
    def build(draw: Any) -> tuple[Shape, Shape]:
        n, k, m = (draw(st.integers(0, side)) for _ in range(3))
        kind = draw(st.sampled_from(["scalar", "vv", "mv", "vm", "mm"]))
        return {"scalar": ((), (n, m)), "vv": ((k,), (k,)), "mv": ((n, k), (k,)),
                "vm": ((k,), (k, m)), "mm": ((n, k), (k, m))}[kind]

    return build()
