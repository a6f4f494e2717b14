"""Second-order methods (Newton, L-BFGS) against Adam and SGD on the Rosenbrock function.

f(x, y) = (1 - x)² + 100·(y - x²)² has its minimum f = 0 at (1, 1) at the end of a long,
curved, flat-bottomed valley. Newton uses the exact Hessian (by double backward) and gets
there in a handful of steps; L-BFGS builds a curvature estimate from recent gradients; the
first-order methods need thousands of steps. Counted: iterations until f < 1e-8.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

# _common first: it limits BLAS threads, which must happen before NumPy loads.
from _common import (Progress, make_parser, positive_int, print_table, pyplot, result, save_figure,
                     setup)

import numpy as np

import autograd as ag
import optim

START = (-1.2, 1.0)
TARGET = 1e-8

# (name, optimizer class, options, whether step() takes the closure)
METHODS: list[tuple[str, Callable[..., optim.Optimizer], dict[str, Any], bool]] = [
    ("Newton", optim.Newton, {"lr": 1.0}, True),
    # One iteration per step() call so iterations can be counted; max_eval also bounds the
    # strong-Wolfe line search's function evaluations, so leave it room.
    ("L-BFGS", optim.LBFGS,
     {"lr": 1.0, "max_iter": 1, "max_eval": 25, "line_search_fn": "strong_wolfe"}, True),
    ("Adam", optim.Adam, {"lr": 0.02}, False),
    ("SGD", optim.SGD, {"lr": 0.002}, False),
]


def rosenbrock(p: ag.Tensor) -> ag.Tensor:
    """f(x, y) = (1 - x)² + 100·(y - x²)²."""
    return (1.0 - p[0]) ** 2 + 100.0 * (p[1] - p[0] ** 2) ** 2


def run(make: Callable[..., optim.Optimizer], options: dict[str, Any], uses_closure: bool,
        max_iters: int, bar: Any) -> dict[str, Any]:
    """Iterate until f < TARGET or max_iters; the path, f per iteration and evaluations."""
    point = ag.Tensor(np.array(START), requires_grad=True)
    opt = make([point], **options)
    evals = 0
    differentiate = make is not optim.Newton  # Newton differentiates the loss itself

    def closure() -> ag.Tensor:
        nonlocal evals
        evals += 1
        opt.zero_grad()
        loss = rosenbrock(point)
        if differentiate:
            loss.backward()
        return loss

    path, values = [point.data.copy()], [rosenbrock(ag.Tensor(point.data)).item()]
    reached = None
    for it in range(1, max_iters + 1):
        if uses_closure:
            opt.step(closure)
        else:
            closure()
            opt.step()
        path.append(point.data.copy())
        values.append(rosenbrock(ag.Tensor(point.data)).item())
        bar.update()
        if values[-1] < TARGET:
            reached = it
            break
    bar.update(max_iters - (reached or max_iters))  # skipped iterations count as done
    return {"path": np.array(path), "values": np.array(values), "iters": reached,
            "evals": evals}


def plot(runs: dict[str, dict[str, Any]], out_path: Path) -> None:
    plt = pyplot(out_path.name)
    if plt is None:
        return
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12, 5))
    points = np.concatenate([r["path"] for r in runs.values()])
    lo = np.minimum(points.min(axis=0), (-2.0, -1.0)) - 0.2
    hi = np.maximum(points.max(axis=0), (2.0, 3.0)) + 0.2
    xs, ys = np.meshgrid(np.linspace(lo[0], hi[0], 300), np.linspace(lo[1], hi[1], 300))
    zs = (1 - xs) ** 2 + 100 * (ys - xs ** 2) ** 2
    ax.contour(xs, ys, zs, levels=np.geomspace(0.1, 2000, 15), colors="0.75", linewidths=0.8)
    # The slow methods first, so the short second-order paths stay visible on top.
    for name, run_ in reversed(list(runs.items())):
        path = run_["path"]
        ax.plot(path[:, 0], path[:, 1], ".-", markersize=3, linewidth=1, label=name)
        ax2.semilogy(np.maximum(run_["values"], 1e-16), label=name)
    ax.plot(1, 1, "k*", markersize=12)
    ax.set(title="paths from (-1.2, 1) to the minimum (1, 1)", xlabel="x", ylabel="y")
    ax.legend()
    ax2.axhline(TARGET, color="0.5", linestyle="--", linewidth=1)
    ax2.set_xscale("symlog", linthresh=10)
    ax2.set_xlim(left=0)
    ax2.set(title="f per iteration (dashed: 1e-8)", xlabel="iteration", ylabel="f(x, y)")
    ax2.legend()
    save_figure(fig, out_path)


def main() -> None:
    parser = make_parser(__doc__.splitlines()[0])
    parser.add_argument("--max-iters", type=positive_int, default=20000,
                        help="iteration budget per method")
    args = parser.parse_args()
    out = setup(args, __file__)
    max_iters = min(args.max_iters, 4000) if args.quick else args.max_iters

    bar = Progress(max_iters * len(METHODS), "iterations")
    runs = {name: run(make, opts, closure, max_iters, bar) for name, make, opts, closure in METHODS}
    bar.close()

    rows = []
    for (name, _, opts, _), run_ in zip(METHODS, runs.values()):
        reached = run_["iters"]
        end = run_["path"][-1]
        rows.append([name, opts["lr"], reached if reached else f"> {max_iters}", run_["evals"],
                     run_["values"][-1], float(np.hypot(*(end - 1.0)))])
    print_table(["method", "lr", "iterations to 1e-8", "f evaluations", "final f",
                 "distance to (1,1)"], rows, title=f"Rosenbrock from {START}:")
    for (name, _, _, _), run_ in zip(METHODS, runs.values()):
        result(method=name, iters=run_["iters"] if run_["iters"] else "none",
               max_iters=max_iters, evals=run_["evals"], final_f=run_["values"][-1])
    plot(runs, out / "second_order.png")


if __name__ == "__main__":
    main()
