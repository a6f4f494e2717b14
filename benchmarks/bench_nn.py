"""W2 and W4: one training step of an MLP 784-256-256-10 on a float32 batch of 128.

W2: Dense-ReLU-Dense-ReLU-Dense, softmax cross-entropy on integer labels, SGD lr 0.01.
W4: the same with BatchNorm1d + ReLU + Dropout(0.5) after each hidden Dense, Adam lr 1e-3.
A step is zero_grad, forward, backward, optimizer step. Times are printed as ratios to a
hand-written NumPy implementation of the same computation measured in the same run (and to
PyTorch when it imports). Everything runs on one thread.
Run: python -m benchmarks --only W2,W4 (or python benchmarks/bench_nn.py [flags]).
"""
from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"  # before NumPy loads its BLAS

import sys  # noqa: E402
from typing import Callable  # noqa: E402

import numpy as np  # noqa: E402

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import autograd  # noqa: E402
import nn  # noqa: E402
import optim  # noqa: E402
from benchmarks.nn_reference import NumpyMLP, init_weights  # noqa: E402
from benchmarks.registry import Workload, training_step  # noqa: E402

BATCH, SIZES = 128, (784, 256, 256, 10)
STEPS_PER_SAMPLE = 10


def make_batch(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((BATCH, SIZES[0])).astype(np.float32)
    y = rng.integers(0, SIZES[-1], size=BATCH)
    return x, y


def scratch_model(batchnorm: bool) -> nn.Module:
    layers: list = []
    for i in range(len(SIZES) - 1):
        layers.append(nn.Dense(SIZES[i], SIZES[i + 1]))
        if i < len(SIZES) - 2:
            if batchnorm:
                layers += [nn.BatchNorm1d(SIZES[i + 1]), nn.ReLU(), nn.Dropout(0.5)]
            else:
                layers.append(nn.ReLU())
    model = nn.Sequential(*layers)
    weights = init_weights(SIZES)
    with autograd.no_grad():
        for layer, (w, b) in zip([m for m in model if isinstance(m, nn.Dense)], weights):
            layer.weight.data = w.copy()
            layer.bias.data = b.copy()
    return model


def scratch_step(batchnorm: bool) -> Callable[[], float]:
    model = scratch_model(batchnorm)
    loss_fn = nn.CrossEntropyLoss()
    if batchnorm:
        opt = optim.Adam(model.parameters(), lr=1e-3)
    else:
        opt = optim.SGD(model.parameters(), lr=0.01)
    xa, ya = make_batch()
    x, y = autograd.Tensor(xa), autograd.Tensor(ya)
    return training_step(model, loss_fn, opt, x, y)


def numpy_step(batchnorm: bool) -> Callable[[], float]:
    mlp = NumpyMLP(SIZES, batchnorm=batchnorm, seed=1)
    x, y = make_batch()
    return lambda: mlp.step(x, y)


def torch_step(batchnorm: bool) -> Callable[[], float] | None:
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    layers: list = []
    for i in range(len(SIZES) - 1):
        layers.append(torch.nn.Linear(SIZES[i], SIZES[i + 1]))
        if i < len(SIZES) - 2:
            if batchnorm:
                layers += [torch.nn.BatchNorm1d(SIZES[i + 1]), torch.nn.ReLU(),
                           torch.nn.Dropout(0.5)]
            else:
                layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    linears = [m for m in model if isinstance(m, torch.nn.Linear)]
    with torch.no_grad():
        for layer, (w, b) in zip(linears, init_weights(SIZES)):
            layer.weight.copy_(torch.from_numpy(w.T.copy()))
            layer.bias.copy_(torch.from_numpy(b))
    loss_fn = torch.nn.CrossEntropyLoss()
    if batchnorm:
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    else:
        opt = torch.optim.SGD(model.parameters(), lr=0.01)
    xa, ya = make_batch()
    x, y = torch.from_numpy(xa), torch.from_numpy(ya)
    return training_step(model, loss_fn, opt, x, y)


def check_same(batchnorm: bool) -> float:
    """Largest difference between the NumPy and scratchgrad losses over three steps (W2 only:
    W4's dropout masks differ between the two)."""
    a, b = numpy_step(batchnorm), scratch_step(batchnorm)
    return max(abs(a() - b()) for _ in range(3))


def check_w2() -> str:
    """W2 computes the NumPy baseline's losses; the note gives the largest difference."""
    diff = check_same(False)
    if not diff <= 1e-4:
        raise AssertionError(f"W2: scratchgrad and NumPy losses differ by {diff:.2e} over 3 steps")
    return f"|loss_numpy - loss_scratchgrad| over 3 steps <= {diff:.2e}"


WORKLOADS = [
    Workload("W2", "MLP 784-256-256-10 training step, batch 128, cross-entropy, SGD",
             ours=lambda: scratch_step(False), numpy=lambda: numpy_step(False),
             torch=lambda: torch_step(False), number=STEPS_PER_SAMPLE, repeat=30,
             check=check_w2),
    Workload("W4", "the W2 MLP with BatchNorm1d + ReLU + Dropout(0.5), Adam",
             ours=lambda: scratch_step(True), numpy=lambda: numpy_step(True),
             torch=lambda: torch_step(True), number=STEPS_PER_SAMPLE, repeat=30),
]


if __name__ == "__main__":
    from benchmarks.run import main

    sys.exit(main(["--only", ",".join(w.name for w in WORKLOADS), *sys.argv[1:]]))
