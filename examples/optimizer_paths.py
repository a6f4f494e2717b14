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
FLIP_TOL = 1e-6  # |y| below this counts as having reached the valley floor

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
    fig, axes = plt.subplots(2, 4, figsize=(16, 6.8))
    rates = {name: opts["lr"] for name, _, opts in OPTIMIZERS}
    colors = dict(zip(paths, ["tab:red", "tab:blue", "tab:orange", "tab:green", "tab:purple",
                              "tab:brown"]))
    panels = list(paths.items()) + [("all", None)]
    for ax, (name, path) in zip(axes.flat, panels):
        ax.contour(xs, ys, zs, levels=np.geomspace(0.05, 25, 12), colors="0.8", linewidths=0.8)
        ax.plot(0, 0, "+", color="black", markersize=10)
        if path is not None:
            ax.plot(path[:, 0], path[:, 1], "o-", color=colors[name], markersize=3, linewidth=1)
            ax.set_title(f"{name} (lr {rates[name]:g})")
        else:  # all paths together; Momentum drawn last and dashed, so Nesterov can't hide it
            for other in [n for n in paths if n != "Momentum"] + ["Momentum"]:
                p = paths[other]
                ax.plot(p[:, 0], p[:, 1], "--" if other == "Momentum" else "-",
                        color=colors[other], linewidth=1.6 if other == "Momentum" else 1.1,
                        label=other)
            ax.legend(fontsize=7, loc="upper right", ncol=2)
            ax.set(title="all six paths (zoomed in)", xlim=(-8, 2), ylim=(-2.5, 2.5),
                   xlabel="x", ylabel="y")
            continue
        ax.set(xlim=(-10, 10), ylim=(-5, 5), xlabel="x", ylabel="y")
        ax.set_xticks([-10, -5, 0, 5, 10])
    ax = axes.flat[-1]
    for name, path in paths.items():
        values = path[:, 0] ** 2 / 20 + path[:, 1] ** 2
        ax.plot(np.arange(len(values)), values, color=colors[name], label=name,
                linestyle="--" if name == "Momentum" else "-")
    ax.set(yscale="log", xlabel="step", ylabel="f(x, y)", title="f along each path")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, ncol=2)
    fig.suptitle("Update paths on f(x, y) = x²/20 + y² from (-7, 2); + marks the minimum")
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
        # A flip counts only between values clearly off zero: a path that has reached
        # y = 0 to rounding error (|y| ~ 1e-11) wobbles in sign without zig-zagging.
        y_prev, y_next = path[:-1, 1], path[1:, 1]
        flips = int(np.sum((np.sign(y_next) != np.sign(y_prev)) & (np.abs(y_prev) > FLIP_TOL)
                           & (np.abs(y_next) > FLIP_TOL)))
        rows.append([name, opts["lr"], x, y, float(np.hypot(x, y)),
                     f(ag.Tensor(path[-1])).item(), flips])
    print_table(["optimizer", "lr", "end x", "end y", "distance to (0,0)", "f(end)",
                 f"y sign flips (|y| > {FLIP_TOL:g})"], rows,
                title=f"After {args.steps} steps from {START}:")
    for name, lr, x, y, dist, _, flips in rows:
        result(optimizer=name, lr=lr, steps=args.steps, x=x, y=y, distance=dist,
               y_sign_flips=flips)
    # The zig-zag in numbers: SGD's y coordinate step by step.
    print("PATH optimizer=SGD y=" + ",".join(f"{v:.6g}" for v in paths["SGD"][:, 1]))
    plot(paths, out / "optimizer_paths.png")


if __name__ == "__main__":
    main()
