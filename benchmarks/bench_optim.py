"""W8: one Adam step over 200 float32 parameters of shape (64, 64), gradients already set.

Times `optim.Adam.step()` against hand-written NumPy Adam loops measured in the same run
(the plain in-place loop is the baseline of the ratios; the one with out= scratch buffers is
shown too), and against torch.optim.Adam (foreach=False and default) when torch imports.
Everything runs on one thread. Run: python benchmarks/bench_optim.py [--rounds N]
"""
from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"  # before NumPy loads its BLAS

import argparse  # noqa: E402
import math  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from typing import Callable  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import optim  # noqa: E402
from autograd import Tensor  # noqa: E402

N_PARAMS, SHAPE = 200, (64, 64)
LR, BETA1, BETA2, EPS = 1e-3, 0.9, 0.999, 1e-8
STEPS_PER_SAMPLE = 20


def make_arrays(seed: int = 0) -> tuple[list[np.ndarray], list[np.ndarray]]:
    rng = np.random.default_rng(seed)
    params = [rng.standard_normal(SHAPE).astype(np.float32) for _ in range(N_PARAMS)]
    grads = [rng.standard_normal(SHAPE).astype(np.float32) for _ in range(N_PARAMS)]
    return params, grads


def numpy_plain() -> Callable[[], None]:
    """The loop one writes by hand: in-place updates of m, v and p, NumPy temporaries."""
    params, grads = make_arrays()
    ms = [np.zeros_like(p) for p in params]
    vs = [np.zeros_like(p) for p in params]
    t = [0]

    def step() -> None:
        t[0] += 1
        step_size = LR / (1 - BETA1 ** t[0])
        bias2 = math.sqrt(1 - BETA2 ** t[0])
        for p, g, m, v in zip(params, grads, ms, vs):
            m *= BETA1
            m += (1 - BETA1) * g
            v *= BETA2
            v += (1 - BETA2) * (g * g)
            p -= step_size * m / (np.sqrt(v) / bias2 + EPS)
    return step


def numpy_scratch() -> Callable[[], None]:
    """The same loop with every ufunc writing into one preallocated scratch array."""
    params, grads = make_arrays()
    ms = [np.zeros_like(p) for p in params]
    vs = [np.zeros_like(p) for p in params]
    buffer = np.empty(SHAPE, np.float32)
    t = [0]

    def step() -> None:
        scratch = buffer
        t[0] += 1
        step_size = LR / (1 - BETA1 ** t[0])
        bias2 = math.sqrt(1 - BETA2 ** t[0])
        for p, g, m, v in zip(params, grads, ms, vs):
            m *= BETA1
            np.multiply(g, 1 - BETA1, out=scratch)
            m += scratch
            v *= BETA2
            np.multiply(g, g, out=scratch)
            scratch *= 1 - BETA2
            v += scratch
            np.sqrt(v, out=scratch)
            scratch /= bias2
            scratch += EPS
            np.divide(m, scratch, out=scratch)
            scratch *= step_size
            p -= scratch
    return step


def ours() -> Callable[[], None]:
    params, grads = make_arrays()
    tensors = [Tensor(p, requires_grad=True) for p in params]
    for t, g in zip(tensors, grads):
        t.grad = Tensor(g)
    return optim.Adam(tensors, lr=LR, betas=(BETA1, BETA2), eps=EPS).step


def torch_adam(torch, foreach: bool | None) -> Callable[[], None]:
    params, grads = make_arrays()
    tensors = [torch.tensor(p, requires_grad=True) for p in params]
    for t, g in zip(tensors, grads):
        t.grad = torch.from_numpy(g)
    return torch.optim.Adam(tensors, lr=LR, betas=(BETA1, BETA2), eps=EPS,
                            foreach=foreach).step


def sample(step: Callable[[], None]) -> float:
    start = time.perf_counter()
    for _ in range(STEPS_PER_SAMPLE):
        step()
    return (time.perf_counter() - start) / STEPS_PER_SAMPLE


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="samples per contender")
    rounds = parser.parse_args().rounds

    contenders: dict[str, Callable[[], None]] = {
        "numpy loop (baseline)": numpy_plain(),
        "numpy loop, out= scratch": numpy_scratch(),
        "optim.Adam": ours(),
    }
    try:
        import torch
    except ImportError:
        print("torch not importable: PyTorch rows skipped")
    else:
        torch.set_num_threads(1)
        contenders["torch Adam foreach=False"] = torch_adam(torch, False)
        contenders["torch Adam default"] = torch_adam(torch, None)

    for step in contenders.values():  # warm caches and allocators
        sample(step)
    # Interleave the contenders round by round so drift in machine load hits all alike.
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, step in contenders.items():
            times[name].append(sample(step))

    base = statistics.median(times["numpy loop (baseline)"])
    print(f"W8: Adam step, {N_PARAMS} float32 parameters of shape {SHAPE}, 1 thread, "
          f"median of {rounds} x {STEPS_PER_SAMPLE} steps")
    for name, samples in times.items():
        median = statistics.median(samples)
        print(f"  {name:<26} {median * 1e3:8.3f} ms/step   {median / base:5.2f}x numpy")


if __name__ == "__main__":
    main()
