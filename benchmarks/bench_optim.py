"""W8: one Adam step over 200 float32 parameters of shape (64, 64), gradients already set.

Times `optim.Adam.step()` against hand-written NumPy Adam loops measured in the same run
(the plain in-place loop is the baseline of the ratios; the one with out= scratch buffers is
shown too), and against torch.optim.Adam (foreach=False and default) when torch imports.
Everything runs on one thread.
Run: python -m benchmarks --only W8 (or python benchmarks/bench_optim.py [flags]).
"""
from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"  # before NumPy loads its BLAS

import math  # noqa: E402
import sys  # noqa: E402
from typing import Callable  # noqa: E402

import numpy as np  # noqa: E402

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import optim  # noqa: E402
from autograd import Tensor  # noqa: E402
from benchmarks.registry import Workload, load_torch  # noqa: E402

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


WORKLOADS = [
    Workload("W8", f"one Adam step over {N_PARAMS} float32 parameters of shape {SHAPE}, "
             "gradients set (numpy: the plain in-place loop; torch: default Adam)",
             ours=ours, numpy=numpy_plain, torch=lambda: torch_adam(load_torch(), None),
             number=STEPS_PER_SAMPLE, repeat=15,
             extras={"numpy loop, out= scratch": ("numpy", numpy_scratch),
                     "torch Adam foreach=False": ("torch",
                                                  lambda: torch_adam(load_torch(), False))}),
]


if __name__ == "__main__":
    from benchmarks.run import main

    sys.exit(main(["--only", ",".join(w.name for w in WORKLOADS), *sys.argv[1:]]))
