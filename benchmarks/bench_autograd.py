"""Engine benchmarks W1, W5, W6: ratios to hand-written NumPy (and PyTorch) in the same run.

W1: 200 elementwise ops (mul, add, tanh, exp, sub in turn) on shape (4,), sum, backward.
W5: layer-norm-like forward + backward on x (256, 512), g and b (512,).
W6: 20,000 repetitions of x = x * 1.0001 + 0.0001 on shape (1,), then backward (W6-200k and
W6-1M: the same at 200,000 and 1,000,000 steps; long, so run only when named).
Run: python -m benchmarks --only W1,W5,W6 (or python benchmarks/bench_autograd.py [flags]).
"""
from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import sys  # noqa: E402
from typing import Callable  # noqa: E402

import numpy as np  # noqa: E402

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import autograd as ag  # noqa: E402
from benchmarks.registry import Workload, load_torch  # noqa: E402

torch = None  # set by the torch setups below, so listing or skipping PyTorch never imports it


def with_torch(fn: Callable[[], None]) -> Callable[[], Callable[[], None]]:
    """A setup that imports torch (one thread) for the w*_torch functions, then returns fn."""
    def setup() -> Callable[[], None]:
        global torch
        torch = load_torch()
        return fn
    return setup


# -- W1 ------------------------------------------------------------------------------------------
W1_OPS = 200
rng = np.random.default_rng(0)
x1 = rng.standard_normal(4).astype(np.float32) * 0.1
c1 = rng.standard_normal(4).astype(np.float32) * 0.1


def w1_autograd() -> None:
    x = ag.Tensor(x1, requires_grad=True)
    c = ag.Tensor(c1)
    y = x
    for _ in range(W1_OPS // 5):
        y = (((y * c) + c).tanh().exp()) - c
    y.sum().backward()


def w1_numpy() -> np.ndarray:
    y, c = x1, c1
    saved = []
    for _ in range(W1_OPS // 5):
        t = np.tanh(y * c + c)
        e = np.exp(t)
        saved.append((t, e))
        y = e - c
    g = np.ones_like(y)
    for t, e in reversed(saved):
        g = g * e
        g = g * (1 - t * t)
        g = g * c
    return g


def w1_torch() -> None:
    x = torch.tensor(x1, requires_grad=True)
    c = torch.tensor(c1)
    y = x
    for _ in range(W1_OPS // 5):
        y = (((y * c) + c).tanh().exp()) - c
    y.sum().backward()


# -- W5 ------------------------------------------------------------------------------------------
x5 = rng.standard_normal((256, 512)).astype(np.float32)
g5 = rng.standard_normal(512).astype(np.float32)
b5 = rng.standard_normal(512).astype(np.float32)


def w5_autograd() -> None:
    x = ag.Tensor(x5, requires_grad=True)
    g = ag.Tensor(g5, requires_grad=True)
    b = ag.Tensor(b5, requires_grad=True)
    y = (x - x.mean(axis=1, keepdims=True)) / ag.sqrt(x.var(axis=1, keepdims=True) + 1e-5) * g + b
    (y * y).sum().backward()


def w5_numpy() -> tuple:
    x, g, b = x5, g5, b5
    n = x.shape[1]
    mu = x.mean(axis=1, keepdims=True)
    xc = x - mu
    var = (xc * xc).mean(axis=1, keepdims=True)
    inv = 1.0 / np.sqrt(var + 1e-5)
    xh = xc * inv
    y = xh * g + b
    dy = 2 * y
    db = dy.sum(axis=0)
    dg = (dy * xh).sum(axis=0)
    dxh = dy * g
    dx = inv / n * (n * dxh - dxh.sum(axis=1, keepdims=True)
                    - xh * (dxh * xh).sum(axis=1, keepdims=True))
    return dx, dg, db


def w5_torch() -> None:
    x = torch.tensor(x5, requires_grad=True)
    g = torch.tensor(g5, requires_grad=True)
    b = torch.tensor(b5, requires_grad=True)
    y = (x - x.mean(dim=1, keepdim=True)) / torch.sqrt(
        x.var(dim=1, keepdim=True, unbiased=False) + 1e-5) * g + b
    (y * y).sum().backward()


# -- W6 ------------------------------------------------------------------------------------------
# The chain at 20,000 steps (W6), and at 200,000 and 1,000,000 (W6-200k, W6-1M, long: run only
# when named with --only or with --long), to see whether the per-op cost stays flat as the
# recorded graph grows. Past ~90,000 steps the value overflows float32 to inf; the arithmetic
# and the graph are the same, so the timing still is.
W6_REPS = 20_000
x6 = np.array([0.5], dtype=np.float32)


def w6_autograd(steps: int = W6_REPS) -> Callable[[], None]:
    def run() -> None:
        x = ag.Tensor(x6, requires_grad=True)
        y = x
        with np.errstate(over="ignore"):
            for _ in range(steps):
                y = y * 1.0001 + 0.0001
            y.sum().backward()
    return run


def w6_numpy(steps: int = W6_REPS) -> Callable[[], np.ndarray]:
    def run() -> np.ndarray:
        y = x6
        with np.errstate(over="ignore"):
            for _ in range(steps):
                y = y * np.float32(1.0001) + np.float32(0.0001)
            g = np.ones_like(y)
            for _ in range(steps):
                g = g * np.float32(1.0001)
        return g
    return run


def w6_torch(steps: int = W6_REPS) -> Callable[[], None]:
    def run() -> None:
        x = torch.tensor(x6, requires_grad=True)
        y = x
        for _ in range(steps):
            y = y * 1.0001 + 0.0001
        y.sum().backward()
    return run


def w6_workload(name: str, steps: int, number: int, repeat: int, long: bool) -> Workload:
    """W6 at `steps` steps (two ops each)."""
    return Workload(name, f"{steps:,}-step chain x = x * 1.0001 + 0.0001 on shape (1,), "
                    "backward", ours=lambda: w6_autograd(steps), numpy=lambda: w6_numpy(steps),
                    torch=lambda: with_torch(w6_torch(steps))(), number=number, repeat=repeat,
                    ops=2 * steps, long=long)


def check_w1() -> None:
    """W1's gradient is the hand-written NumPy one."""
    x = ag.Tensor(x1, requires_grad=True)
    y = x
    c = ag.Tensor(c1)
    for _ in range(W1_OPS // 5):
        y = (((y * c) + c).tanh().exp()) - c
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, w1_numpy(), rtol=1e-4, atol=1e-6)


def check_w5() -> None:
    """W5's gradients are the hand-written NumPy ones."""
    x = ag.Tensor(x5, requires_grad=True)
    g = ag.Tensor(g5, requires_grad=True)
    b = ag.Tensor(b5, requires_grad=True)
    y = (x - x.mean(axis=1, keepdims=True)) / ag.sqrt(x.var(axis=1, keepdims=True) + 1e-5) * g + b
    (y * y).sum().backward()
    for ours, ref in zip((x.grad, g.grad, b.grad), w5_numpy()):
        np.testing.assert_allclose(ours.data, ref, rtol=2e-3, atol=2e-3)


WORKLOADS = [
    Workload("W1", "200 elementwise ops (mul, add, tanh, exp, sub) on shape (4,), sum, "
             "backward: per-op overhead", ours=lambda: w1_autograd, numpy=lambda: w1_numpy,
             torch=with_torch(w1_torch), number=200, repeat=7, ops=W1_OPS, check=check_w1),
    Workload("W5", "layer-norm-like forward + backward on (256, 512)",
             ours=lambda: w5_autograd, numpy=lambda: w5_numpy, torch=with_torch(w5_torch),
             number=20, repeat=7, check=check_w5),
    w6_workload("W6", W6_REPS, number=2, repeat=7, long=False),
    w6_workload("W6-200k", 200_000, number=1, repeat=3, long=True),
    w6_workload("W6-1M", 1_000_000, number=1, repeat=3, long=True),
]


if __name__ == "__main__":
    from benchmarks.run import main

    sys.exit(main(["--only", ",".join(w.name for w in WORKLOADS), *sys.argv[1:]]))
