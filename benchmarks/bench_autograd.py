"""Engine benchmarks W1, W5, W6: ratios to hand-written NumPy (and PyTorch) in the same run.

W1: 200 elementwise ops (mul, add, tanh, exp, sub in turn) on shape (4,), sum, backward.
W5: layer-norm-like forward + backward on x (256, 512), g and b (512,).
W6: 20,000 repetitions of x = x * 1.0001 + 0.0001 on shape (1,), then backward.
Run: python benchmarks/bench_autograd.py [--repeat N]
"""
from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import time  # noqa: E402
from typing import Callable  # noqa: E402

import numpy as np  # noqa: E402

import autograd as ag  # noqa: E402

try:
    import torch  # noqa: E402

    torch.set_num_threads(1)
except ImportError:
    torch = None


def best_time(fn: Callable[[], object], repeat: int, number: int) -> float:
    """Smallest mean time per call over `repeat` rounds of `number` calls (seconds)."""
    fn()
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - t0) / number)
    return best


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
W6_REPS = 20_000
x6 = np.array([0.5], dtype=np.float32)


def w6_autograd() -> None:
    x = ag.Tensor(x6, requires_grad=True)
    y = x
    for _ in range(W6_REPS):
        y = y * 1.0001 + 0.0001
    y.sum().backward()


def w6_numpy() -> np.ndarray:
    y = x6
    for _ in range(W6_REPS):
        y = y * np.float32(1.0001) + np.float32(0.0001)
    g = np.ones_like(y)
    for _ in range(W6_REPS):
        g = g * np.float32(1.0001)
    return g


def w6_torch() -> None:
    x = torch.tensor(x6, requires_grad=True)
    y = x
    for _ in range(W6_REPS):
        y = y * 1.0001 + 0.0001
    y.sum().backward()


def check_results() -> None:
    """The autograd workloads compute what the NumPy references compute."""
    x = ag.Tensor(x1, requires_grad=True)
    y = x
    c = ag.Tensor(c1)
    for _ in range(W1_OPS // 5):
        y = (((y * c) + c).tanh().exp()) - c
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, w1_numpy(), rtol=1e-4, atol=1e-6)
    x = ag.Tensor(x5, requires_grad=True)
    g = ag.Tensor(g5, requires_grad=True)
    b = ag.Tensor(b5, requires_grad=True)
    y = (x - x.mean(axis=1, keepdims=True)) / ag.sqrt(x.var(axis=1, keepdims=True) + 1e-5) * g + b
    (y * y).sum().backward()
    for ours, ref in zip((x.grad, g.grad, b.grad), w5_numpy()):
        np.testing.assert_allclose(ours.data, ref, rtol=2e-3, atol=2e-3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="timing rounds (best is kept)")
    args = parser.parse_args()
    check_results()
    rows = [
        ("W1", W1_OPS, w1_autograd, w1_numpy, w1_torch, 200),
        ("W5", 1, w5_autograd, w5_numpy, w5_torch, 20),
        ("W6", 2 * W6_REPS, w6_autograd, w6_numpy, w6_torch, 2),
    ]
    print(f"{'workload':8} {'autograd':>12} {'numpy':>12} {'torch':>12} "
          f"{'ag/numpy':>9} {'torch/numpy':>11} {'ag/torch':>9}")
    for name, ops, ours, ref, theirs, number in rows:
        t_ag = best_time(ours, args.repeat, number)
        t_np = best_time(ref, args.repeat, number)
        t_th = best_time(theirs, args.repeat, number) if torch is not None else float("nan")
        unit = 1e6 / ops
        print(f"{name:8} {t_ag * unit:10.3f}us {t_np * unit:10.3f}us {t_th * unit:10.3f}us "
              f"{t_ag / t_np:9.2f} {t_th / t_np:11.2f} {t_ag / t_th:9.2f}")
    print("(times per op for W1 and W6, per step for W5; ratios < 1 favour the left side)")


if __name__ == "__main__":
    main()
