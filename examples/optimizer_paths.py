"""Update paths of six optimizers on f(x, y) = x²/20 + y², starting from (-7, 2).

The function is 20 times steeper along y than along x, so plain SGD zig-zags across the
valley (y flips sign every step) while creeping along x; momentum overshoots and swings back;
AdaGrad, RMSProp and Adam rescale each coordinate and head for the minimum at (0, 0).
Learning rates are the course notes' (SGD 0.95, Momentum 0.1, AdaGrad 1.5, Adam 0.3);
Nesterov uses Momentum's rate and RMSProp the notes' decay γ = 0.9.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

# _common first: it limits BLAS threads, which must happen before NumPy loads.
from _common import make_parser, positive_int, print_table, pyplot, result, save_figure, setup

import numpy as np

import autograd as ag
import optim

START = (-7.0, 2.0)

# (name, optimizer class, options) in the order of the notes' figure
OPTIMIZERS: list[tuple[str, Callable[..., optim.Optimizer], dict[str, Any]]] = [
    ("SGD", optim.SGD, {"lr": 0.95}),
    ("Momentum", optim.Momentum, {"lr": 0.1, "momentum": 0.9}),
    ("Nesterov", optim.Nesterov, {"lr": 0.1, "momentum": 0.9}),
    ("AdaGrad", optim.Adagrad, {"lr": 1.5}),
    ("RMSProp", optim.RMSprop, {"lr": 0.3, "alpha": 0.9}),
    ("Adam", optim.Adam, {"lr": 0.3}),
]


def f(p: ag.Tensor) -> ag.Tensor:
    """f(x, y) = x²/20 + y²."""
    return p[0] ** 2 / 20.0 + p[1] ** 2


def run(make: Callable[..., optim.Optimizer], options: dict[str, Any], steps: int) -> np.ndarray:
    """The (steps + 1, 2) path of one optimizer from START."""
    point = ag.Tensor(np.array(START), requires_grad=True)  # float64: paths to full precision
    opt = make([point], **options)
    path = [point.data.copy()]
    for _ in range(steps):
        opt.zero_grad()
        f(point).backward()
        opt.step()
        path.append(point.data.copy())
    return np.array(path)


def plot(paths: dict[str, np.ndarray], out_path: Path) -> None:
    plt = pyplot(out_path.name)
    if plt is None:
        return
    xs, ys = np.meshgrid(np.linspace(-10, 10, 200), np.linspace(-5, 5, 200))
    zs = xs ** 2 / 20 + ys ** 2
    fig, axes = plt.subplots(2, 3, figsize=(12, 6.5), sharex=True, sharey=True)
    rates = {name: opts["lr"] for name, _, opts in OPTIMIZERS}
    for ax, (name, path) in zip(axes.flat, paths.items()):
        ax.contour(xs, ys, zs, levels=np.geomspace(0.05, 25, 12), colors="0.75", linewidths=0.8)
        ax.plot(path[:, 0], path[:, 1], "o-", color="tab:red", markersize=3, linewidth=1)
        ax.plot(0, 0, "+", color="black", markersize=10)
        ax.set_title(f"{name} (lr {rates[name]:g})")
        ax.set_xticks([-10, -5, 0, 5, 10])
        ax.set_xlim(-10, 10)
        ax.set_ylim(-5, 5)
    fig.suptitle("f(x, y) = x²/20 + y² from (-7, 2)")
    save_figure(fig, out_path)


def main() -> None:
    parser = make_parser(__doc__.splitlines()[0])
    parser.add_argument("--steps", type=positive_int, default=30, help="updates per optimizer")
    args = parser.parse_args()
    out = setup(args, __file__)
    # The whole experiment takes well under a second, so --quick runs it in full.
    paths = {name: run(make, opts, args.steps) for name, make, opts in OPTIMIZERS}

    rows = []
    for (name, _, opts), path in zip(OPTIMIZERS, paths.values()):
        x, y = path[-1]
        flips = int(np.sum(np.sign(path[1:, 1]) != np.sign(path[:-1, 1])))
        rows.append([name, opts["lr"], x, y, float(np.hypot(x, y)),
                     f(ag.Tensor(path[-1])).item(), flips])
    print_table(["optimizer", "lr", "end x", "end y", "distance to (0,0)", "f(end)",
                 "y sign flips"], rows, title=f"After {args.steps} steps from {START}:")
    for name, lr, x, y, dist, _, flips in rows:
        result(optimizer=name, lr=lr, steps=args.steps, x=x, y=y, distance=dist,
               y_sign_flips=flips)
    # The zig-zag in numbers: SGD's y coordinate step by step.
    print("PATH optimizer=SGD y=" + ",".join(f"{v:.6g}" for v in paths["SGD"][:, 1]))
    plot(paths, out / "optimizer_paths.png")


if __name__ == "__main__":
    main()
