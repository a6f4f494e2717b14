"""W9: PyTorch's manual update loop: an MLP 784-256-256-10 stepped with `p -= lr * p.grad`.

A step is zero_grad, forward, softmax cross-entropy on integer labels, backward, then
`with no_grad(): for p in parameters: p -= lr * p.grad` (an in-place update of each parameter,
which bumps its version). Times are printed as ratios to a hand-written NumPy implementation of
the same computation measured in the same run, and to PyTorch doing the same when it imports.
Everything runs on one thread.
Run: python benchmarks/bench_inplace.py [--rounds N]
"""
from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"  # before NumPy loads its BLAS

import argparse  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from typing import Callable  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import autograd  # noqa: E402
import nn  # noqa: E402
from benchmarks.nn_reference import NumpyMLP, init_weights  # noqa: E402
from benchmarks.registry import Workload  # noqa: E402

BATCH, SIZES, LR = 128, (784, 256, 256, 10), 0.01
STEPS_PER_SAMPLE = 10


def make_batch(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((BATCH, SIZES[0])).astype(np.float32)
    return x, rng.integers(0, SIZES[-1], BATCH)


def scratch_step() -> Callable[[], float]:
    weights = init_weights(SIZES)
    layers: list = []
    for i, (w, b) in enumerate(weights):
        dense = nn.Dense(w.shape[0], w.shape[1])
        dense.weight.data[...] = w
        dense.bias.data[...] = b
        layers += [dense, nn.ReLU()] if i < len(weights) - 1 else [dense]
    model = nn.Sequential(*layers)
    params = list(model.parameters())
    x, y = make_batch()
    xt = autograd.Tensor(x)

    def step() -> float:
        model.zero_grad()
        loss = nn.functional.cross_entropy(model(xt), y)
        loss.backward()
        with autograd.no_grad():
            for p in params:
                p -= LR * p.grad
        return loss.item()
    return step


def numpy_step() -> Callable[[], float]:
    mlp = NumpyMLP(SIZES, batchnorm=False)  # its step is this SGD update, lr 0.01
    x, y = make_batch()
    return lambda: mlp.step(x, y)


def torch_step() -> Callable[[], float] | None:
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    mods: list = []
    weights = init_weights(SIZES)
    for i, (w, b) in enumerate(weights):
        lin = torch.nn.Linear(w.shape[0], w.shape[1])
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(w.T.copy()))
            lin.bias.copy_(torch.from_numpy(b))
        mods += [lin, torch.nn.ReLU()] if i < len(weights) - 1 else [lin]
    model = torch.nn.Sequential(*mods)
    params = list(model.parameters())
    x, y = make_batch()
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)

    def step() -> float:
        model.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(xt), yt)
        loss.backward()
        with torch.no_grad():
            for p in params:
                p -= LR * p.grad
        return loss.item()
    return step


def per_step(fn: Callable[[], float]) -> float:
    start = time.perf_counter()
    for _ in range(STEPS_PER_SAMPLE):
        fn()
    return (time.perf_counter() - start) / STEPS_PER_SAMPLE


def check_same() -> float:
    """Largest difference between the NumPy and scratchgrad losses over three steps."""
    a, b = numpy_step(), scratch_step()
    return max(abs(a() - b()) for _ in range(3))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    print(f"W9 check: |loss_numpy - loss_scratchgrad| over 3 steps <= {check_same():.2e}")
    impls = {"numpy": numpy_step(), "scratchgrad": scratch_step()}
    torch_fn = torch_step()
    if torch_fn is not None:
        impls["torch"] = torch_fn
    for fn in impls.values():  # warm up caches and allocators
        for _ in range(5):
            fn()
    samples: dict[str, list[float]] = {k: [] for k in impls}
    for _ in range(args.rounds):  # interleaved, so drifts in machine load hit all alike
        for k, fn in impls.items():
            samples[k].append(per_step(fn))
    best = {k: min(v) for k, v in samples.items()}
    med = {k: statistics.median(v) for k, v in samples.items()}
    print(f"W9 manual update loop: ms/step over {args.rounds} samples of {STEPS_PER_SAMPLE} "
          "steps; ratios to NumPy")
    print(f"  {'':<12} {'best':>8}    {'ratio':>5}   {'median':>8}    {'ratio':>5}")
    for k in impls:
        print(f"  {k:<12} {best[k] * 1e3:8.3f} ms {best[k] / best['numpy']:5.2f}x  "
              f"{med[k] * 1e3:8.3f} ms {med[k] / med['numpy']:5.2f}x")
    if "torch" in impls:
        print(f"  scratchgrad / torch: {best['scratchgrad'] / best['torch']:.2f}x (best), "
              f"{med['scratchgrad'] / med['torch']:.2f}x (median)")


def _check() -> str:
    return f"|loss_numpy - loss_scratchgrad| over 3 steps <= {check_same():.2e}"


WORKLOADS = [
    Workload("W-manual", "3-layer MLP stepped by hand: `p -= lr * p.grad` under no_grad()",
             ours=scratch_step, numpy=numpy_step, torch=torch_step,
             number=STEPS_PER_SAMPLE, repeat=15, check=_check),
]


if __name__ == "__main__":
    main()
