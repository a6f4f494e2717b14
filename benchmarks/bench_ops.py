"""Op benchmarks W-einsum and W-cumsum: ratios to hand-written NumPy (and PyTorch), same run.

W-einsum: einsum("bij,bjk->bik") forward + backward on (32, 64, 64) operands.
W-cumsum: cumsum along axis 1 forward + backward on (256, 512).
Hand-written NumPy does the same forward and the same gradient formulas with np.einsum /
np.cumsum directly. Run: python benchmarks/bench_ops.py [--repeat N]
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
from benchmarks.registry import Workload  # noqa: E402

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


rng = np.random.default_rng(0)
# -- W-einsum -------------------------------------------------------------------------------------
SPEC = "bij,bjk->bik"
a_e = rng.standard_normal((32, 64, 64)).astype(np.float32)
b_e = rng.standard_normal((32, 64, 64)).astype(np.float32)
g_e = rng.standard_normal((32, 64, 64)).astype(np.float32)


def we_autograd() -> tuple:
    a = ag.Tensor(a_e, requires_grad=True)
    b = ag.Tensor(b_e, requires_grad=True)
    ag.einsum(SPEC, a, b).backward(g_e)
    return a.grad.data, b.grad.data


def we_numpy() -> tuple:
    np.einsum(SPEC, a_e, b_e)
    return np.einsum("bik,bjk->bij", g_e, b_e), np.einsum("bik,bij->bjk", g_e, a_e)


def we_torch() -> None:
    a = torch.tensor(a_e, requires_grad=True)
    b = torch.tensor(b_e, requires_grad=True)
    torch.einsum(SPEC, a, b).backward(torch.from_numpy(g_e))


# -- W-cumsum -------------------------------------------------------------------------------------
x_c = rng.standard_normal((256, 512)).astype(np.float32)
g_c = rng.standard_normal((256, 512)).astype(np.float32)


def wc_autograd() -> np.ndarray:
    x = ag.Tensor(x_c, requires_grad=True)
    ag.cumsum(x, axis=1).backward(g_c)
    return x.grad.data


def wc_numpy() -> np.ndarray:
    np.cumsum(x_c, axis=1)
    return np.cumsum(g_c[:, ::-1], axis=1)[:, ::-1]


def wc_torch() -> None:
    x = torch.tensor(x_c, requires_grad=True)
    torch.cumsum(x, 1).backward(torch.from_numpy(g_c))


def check_results() -> None:
    """The autograd workloads compute what the NumPy references compute."""
    for ours, ref in zip(we_autograd(), we_numpy()):
        np.testing.assert_allclose(ours, ref, rtol=1e-4, atol=1e-3)
    np.testing.assert_allclose(wc_autograd(), wc_numpy(), rtol=1e-5, atol=1e-4)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="timing rounds (best is kept)")
    args = parser.parse_args()
    check_results()
    rows = [("W-einsum", we_autograd, we_numpy, we_torch, 5),
            ("W-cumsum", wc_autograd, wc_numpy, wc_torch, 50)]
    print(f"{'workload':8} {'autograd':>12} {'numpy':>12} {'torch':>12} "
          f"{'ag/numpy':>9} {'torch/numpy':>11} {'ag/torch':>9}")
    for name, ours, ref, theirs, number in rows:
        t_ag = best_time(ours, args.repeat, number)
        t_np = best_time(ref, args.repeat, number)
        t_th = best_time(theirs, args.repeat, number) if torch is not None else float("nan")
        print(f"{name:8} {t_ag * 1e6:10.1f}us {t_np * 1e6:10.1f}us {t_th * 1e6:10.1f}us "
              f"{t_ag / t_np:9.2f} {t_th / t_np:11.2f} {t_ag / t_th:9.2f}")
    print("(times per forward + backward; ratios < 1 favour the left side)")


WORKLOADS = [
    Workload("W-einsum", f"einsum('{SPEC}') forward and backward on (32, 64, 64)",
             ours=lambda: we_autograd, numpy=lambda: we_numpy, torch=lambda: we_torch,
             number=5, repeat=15, check=check_results),
    Workload("W-cumsum", "cumsum forward and backward on (256, 512)",
             ours=lambda: wc_autograd, numpy=lambda: wc_numpy, torch=lambda: wc_torch,
             number=20, repeat=15),
]


if __name__ == "__main__":
    main()
