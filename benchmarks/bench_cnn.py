"""W9 and W10: convolutional networks.

W9: one training step of the course notes' SimpleConvNet on a float32 batch of 64 1x28x28
images: Conv2d(1, 30, 5) → ReLU → MaxPool2d(2) → Dense(4320, 100) → ReLU → Dense(100, 10),
softmax cross-entropy on integer labels, Adam lr 1e-3. A step is zero_grad, forward,
backward, optimizer step.
W10: Conv2d(8, 16, 3, padding=1) forward and backward alone (input and weight gradients) on
a batch of 16 images of 16x16, 32x32 and 64x64, to show how the cost grows with image size.
Times are printed as ratios to a hand-written NumPy im2col implementation measured in the
same run (and to PyTorch when it imports). Everything runs on one thread.
Run: python benchmarks/bench_cnn.py [--rounds N] [--only W9|W10] [--profile]
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
import optim  # noqa: E402
from cnn_reference import NumpyConvNet, col2im, im2col, init_convnet  # noqa: E402

BATCH, SIZE, FILTERS, KERNEL, HIDDEN, CLASSES = 64, 28, 30, 5, 100, 10
W10_BATCH, W10_IN, W10_OUT, W10_SIZES = 16, 8, 16, (16, 32, 64)
STEPS_PER_SAMPLE = 5


def make_batch(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.random((BATCH, 1, SIZE, SIZE), dtype=np.float32)
    return x, rng.integers(0, CLASSES, size=BATCH)


def _params() -> list[np.ndarray]:
    return init_convnet(1, SIZE, FILTERS, KERNEL, HIDDEN, CLASSES)


def scratch_model() -> nn.Module:
    pooled = (SIZE - KERNEL + 1) // 2
    model = nn.Sequential(
        nn.Conv2d(1, FILTERS, KERNEL), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Dense(FILTERS * pooled * pooled, HIDDEN), nn.ReLU(), nn.Dense(HIDDEN, CLASSES))
    for p, value in zip(model.parameters(), _params()):
        p.data = value.copy()
    return model


def scratch_step() -> Callable[[], float]:
    model = scratch_model()
    loss_fn = nn.CrossEntropyLoss()
    opt = optim.Adam(model.parameters(), lr=1e-3)
    xa, ya = make_batch()
    x, y = autograd.Tensor(xa), autograd.Tensor(ya)

    def step() -> float:
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()
    return step


def numpy_step() -> Callable[[], float]:
    net = NumpyConvNet(_params())
    x, y = make_batch()
    return lambda: net.step(x, y)


def torch_step() -> Callable[[], float] | None:
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    pooled = (SIZE - KERNEL + 1) // 2
    model = torch.nn.Sequential(
        torch.nn.Conv2d(1, FILTERS, KERNEL), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(FILTERS * pooled * pooled, HIDDEN),
        torch.nn.ReLU(), torch.nn.Linear(HIDDEN, CLASSES))
    with torch.no_grad():
        for p, value in zip(model.parameters(), _params()):
            p.copy_(torch.from_numpy(value.T.copy() if value.ndim == 2 else value))
    loss_fn = torch.nn.CrossEntropyLoss()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    xa, ya = make_batch()
    x, y = torch.from_numpy(xa), torch.from_numpy(ya)

    def step() -> float:
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()
    return step


def conv_inputs(size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(size)
    x = rng.standard_normal((W10_BATCH, W10_IN, size, size)).astype(np.float32)
    w = (rng.standard_normal((W10_OUT, W10_IN, 3, 3)) * 0.1).astype(np.float32)
    b = np.zeros(W10_OUT, np.float32)
    g = rng.standard_normal((W10_BATCH, W10_OUT, size, size)).astype(np.float32)
    return x, w, b, g


def conv_numpy(size: int) -> Callable[[], float]:
    x, w, b, g = conv_inputs(size)

    def run() -> float:
        xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
        col = im2col(xp, 3, 3)
        y = (col @ w.reshape(W10_OUT, -1).T + b).reshape(
            W10_BATCH, size, size, W10_OUT).transpose(0, 3, 1, 2)
        dy = g.transpose(0, 2, 3, 1).reshape(-1, W10_OUT)
        dw = (col.T @ dy).T.reshape(w.shape)
        dx = col2im(dy @ w.reshape(W10_OUT, -1), xp.shape, 3, 3)[:, :, 1:-1, 1:-1]
        return float(y[0, 0, 0, 0] + dw[0, 0, 0, 0] + dx[0, 0, 0, 0])
    return run


def conv_scratch(size: int) -> Callable[[], float]:
    xa, w, b, g = conv_inputs(size)
    layer = nn.Conv2d(W10_IN, W10_OUT, 3, padding=1)
    layer.weight.data, layer.bias.data = w.copy(), b.copy()
    x = autograd.Tensor(xa, requires_grad=True)

    def run() -> float:
        layer.zero_grad()
        x.grad = None
        y = layer(x)
        y.backward(g)
        return float(y.data[0, 0, 0, 0] + layer.weight.grad.data[0, 0, 0, 0]
                     + x.grad.data[0, 0, 0, 0])
    return run


def conv_torch(size: int) -> Callable[[], float] | None:
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    xa, w, b, g = conv_inputs(size)
    layer = torch.nn.Conv2d(W10_IN, W10_OUT, 3, padding=1)
    with torch.no_grad():
        layer.weight.copy_(torch.from_numpy(w))
        layer.bias.copy_(torch.from_numpy(b))
    x = torch.from_numpy(xa).requires_grad_()
    gt = torch.from_numpy(g)

    def run() -> float:
        layer.zero_grad()
        x.grad = None
        y = layer(x)
        y.backward(gt)
        return float((y[0, 0, 0, 0] + layer.weight.grad[0, 0, 0, 0] + x.grad[0, 0, 0, 0])
                     .detach())
    return run


def per_step(fn: Callable[[], float]) -> float:
    start = time.perf_counter()
    for _ in range(STEPS_PER_SAMPLE):
        fn()
    return (time.perf_counter() - start) / STEPS_PER_SAMPLE


def compare(name: str, impls: dict, rounds: int) -> None:
    impls = {k: fn for k, fn in impls.items() if fn is not None}
    for fn in impls.values():  # warm up caches and allocators
        for _ in range(3):
            fn()
    samples: dict[str, list[float]] = {k: [] for k in impls}
    for _ in range(rounds):  # interleaved, so drifts in machine load hit all alike
        for k, fn in impls.items():
            samples[k].append(per_step(fn))
    best = {k: min(v) for k, v in samples.items()}
    med = {k: statistics.median(v) for k, v in samples.items()}
    # Ratios use the best sample of each: on a shared machine other load only ever adds time.
    print(f"{name}: ms/step over {rounds} samples of {STEPS_PER_SAMPLE} steps; ratios to NumPy")
    print(f"  {'':<12} {'best':>8}    {'ratio':>5}   {'median':>8}    {'ratio':>5}")
    for k in impls:
        print(f"  {k:<12} {best[k] * 1e3:8.3f} ms {best[k] / best['numpy']:5.2f}x  "
              f"{med[k] * 1e3:8.3f} ms {med[k] / med['numpy']:5.2f}x")
    if "torch" in best:
        print(f"  scratchgrad / torch: {best['scratchgrad'] / best['torch']:.2f}x (best)")


def check_same() -> float:
    """Largest difference between the NumPy and scratchgrad losses over three steps."""
    a, b = numpy_step(), scratch_step()
    return max(abs(a() - b()) for _ in range(3))


def profile_w9(steps: int = 20) -> None:
    """Where W9's time goes, op by op (forward and backward), from cProfile."""
    import cProfile
    import pstats

    step = scratch_step()
    step()
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(steps):
        step()
    prof.disable()
    pstats.Stats(prof).sort_stats("tottime").print_stats(14)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--profile", action="store_true", help="also profile W9's step")
    parser.add_argument("--only", choices=["W9", "W10"], default=None,
                        help="run one workload only")
    args = parser.parse_args()
    if args.only != "W10":
        run_w9(args.rounds)
    if args.only != "W9":
        run_w10(args.rounds)
    if args.profile:
        profile_w9()


def run_w9(rounds: int) -> None:
    print(f"W9 check: |loss_numpy - loss_scratchgrad| over 3 steps <= {check_same():.2e}")
    compare("W9 SimpleConvNet step (64x1x28x28, conv 30@5x5, pool 2, Dense 100, Dense 10, "
            "Adam)", {"numpy": numpy_step(), "scratchgrad": scratch_step(),
                      "torch": torch_step()}, rounds)


def run_w10(rounds: int) -> None:
    for size in W10_SIZES:
        compare(f"W10 Conv2d(8, 16, 3, padding=1) forward+backward, 16x8x{size}x{size}",
                {"numpy": conv_numpy(size), "scratchgrad": conv_scratch(size),
                 "torch": conv_torch(size)}, rounds)


if __name__ == "__main__":
    main()
