"""Batch, stochastic and mini-batch gradient descent; saddle points and local minima.

1. One problem (softmax regression on the digits), three ways to estimate the gradient: the
   whole training set per update (batch GD: one step an epoch), one sample per update
   (stochastic GD: N noisy steps an epoch) and mini-batches of 32. The full training loss is
   drawn against epochs and against wall time (updates only; evaluation is not timed).
2. The notes' pictures of where plain SGD stalls, with SGD and Momentum paths:
   - a saddle point: f(x, y) = x² + y⁴/4 - y²/2, flat along y at (0, 0); started next to
     the ridge, SGD creeps to the saddle and sits there, Momentum rolls off it to a minimum;
   - a local minimum: f(x, y) = (x² - 1)² + 0.3x + y², started at (2, 1); SGD stops in the
     nearer, higher valley at x ≈ 0.96, Momentum overshoots it into the lower one at -1.04.
3. The surface and gradient field of f(x, y) = x²/20 + y², the anisotropic function of the
   optimizer comparison: the arrows (-∇f) point mostly across the valley, not along it.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Callable

# _common first: it limits BLAS threads, which must happen before NumPy loads.
from _common import (Progress, make_parser, positive_int, print_table, pyplot, result,
                     save_figure, setup)

import numpy as np

import autograd as ag
import nn
import optim
from _data import add_data_args, load

SURFACES: dict[str, tuple[Callable, tuple[float, float], float]] = {
    # name: (f, start, lr); the lr is the same for SGD and Momentum (μ = 0.9)
    "saddle point": (lambda p: p[0] ** 2 + p[1] ** 4 / 4 - p[1] ** 2 / 2, (-1.5, 1e-3), 0.02),
    "local minimum": (lambda p: (p[0] ** 2 - 1) ** 2 + 0.3 * p[0] + p[1] ** 2, (2.0, 1.0), 0.02),
}


def descend(data: Any, batch_size: int, lr: float, epochs: int, seed: int,
            bar: Any) -> tuple[list[float], list[float], list[float]]:
    """(epoch, seconds of updates, full training loss) at ~10 points an epoch."""
    ag.manual_seed(seed)
    model = nn.Dense(data.n_features, data.n_classes, weight_init="zeros")
    opt = optim.SGD(model.parameters(), lr=lr)
    x, y = data.x_train, data.y_train
    n = len(x)
    every = max(n // batch_size // 10, 1)  # updates between two evaluations
    rng = np.random.default_rng(seed)
    loss_fn = nn.CrossEntropyLoss()

    def full_loss() -> float:
        with ag.no_grad():
            return loss_fn(model(ag.Tensor(x)), ag.Tensor(y)).item()

    points, seconds, losses, spent, step = [0.0], [0.0], [full_loss()], 0.0, 0
    for epoch in range(epochs):
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            idx = order[start:start + batch_size]
            began = time.perf_counter()
            opt.zero_grad()
            loss_fn(model(ag.Tensor(x[idx])), ag.Tensor(y[idx])).backward()
            opt.step()
            spent += time.perf_counter() - began
            step += 1
            if step % every == 0 or start + batch_size >= n:
                points.append(epoch + min(start + batch_size, n) / n)
                seconds.append(spent)
                losses.append(full_loss())
        bar.update()
        bar.set_postfix(batch=batch_size, loss=f"{losses[-1]:.3f}", refresh=False)
    return points, seconds, losses


def path(f: Callable, start: tuple[float, float], make: Callable, steps: int,
         **options: Any) -> np.ndarray:
    """The (steps + 1, 2) path of one optimizer on f from start."""
    p = ag.Tensor(np.array(start), requires_grad=True)
    opt = make([p], **options)
    points = [p.data.copy()]
    for _ in range(steps):
        opt.zero_grad()
        f(p).backward()
        opt.step()
        points.append(p.data.copy())
    return np.array(points)


def grid(f: Callable, xs: np.ndarray, ys: np.ndarray) -> tuple[np.ndarray, ...]:
    """f and its gradient on a grid, by autograd (one backward for the whole grid)."""
    gx, gy = np.meshgrid(xs, ys)
    p = ag.Tensor(np.stack([gx, gy]), requires_grad=True)
    z = f(p)
    z.sum().backward()
    return gx, gy, z.data, p.grad.data[0], p.grad.data[1]


def plot_descent(runs: dict[str, tuple], out_path: Path) -> None:
    plt = pyplot(out_path.name)
    if plt is None:
        return
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.5))
    for (name, (points, seconds, losses)), style in zip(runs.items(), ["o-", "-", "--"]):
        ax1.plot(points, losses, style, label=name, markersize=4)
        ax2.plot(seconds, losses, style, label=name, markersize=4)
    ax1.set(xlabel="epoch", ylabel="training loss (whole set)", yscale="log",
            title="Loss against epochs")
    ax2.set(xlabel="wall time of the updates (s)", ylabel="training loss (whole set)",
            yscale="log", title="Loss against time")
    for ax in (ax1, ax2):
        ax.grid(alpha=0.3, which="both")
        ax.legend()
    save_figure(fig, out_path)


def plot_surfaces(paths: dict[str, dict[str, np.ndarray]], out_path: Path) -> None:
    plt = pyplot(out_path.name)
    if plt is None:
        return
    fig = plt.figure(figsize=(16, 8.5))
    for i, (name, runs) in enumerate(paths.items()):
        f = SURFACES[name][0]
        gx, gy, z, _, _ = grid(f, np.linspace(-2.2, 2.2, 200), np.linspace(-1.6, 1.6, 200))
        ax = fig.add_subplot(2, 3, i + 1)
        contours = ax.contour(gx, gy, z, levels=25, cmap="viridis", linewidths=0.8)
        fig.colorbar(contours, ax=ax, label="f(x, y)")
        # SGD on top, thicker: its short path would hide under Momentum's
        ax.plot(runs["Momentum"][:, 0], runs["Momentum"][:, 1], ".--", color="tab:blue",
                markersize=2, linewidth=1, label="Momentum")
        ax.plot(runs["SGD"][:, 0], runs["SGD"][:, 1], ".-", color="tab:red", markersize=3,
                linewidth=2.2, label="SGD", zorder=3)
        ax.plot(*runs["SGD"][0], "ks", label="start", zorder=4)
        ax.set(title=f"{name}: {len(runs['SGD']) - 1} steps", xlabel="x", ylabel="y")
        ax.legend(fontsize=8, loc="lower left")
    f = lambda p: p[0] ** 2 / 20 + p[1] ** 2  # noqa: E731
    gx, gy, z, dx, dy = grid(f, np.linspace(-10, 10, 61), np.linspace(-5, 5, 61))
    ax = fig.add_subplot(2, 3, 3, projection="3d")
    ax.plot_surface(gx, gy, z, cmap="viridis", linewidth=0, alpha=0.9)
    ax.set(title="f(x, y) = x²/20 + y²", xlabel="x", ylabel="y", zlabel="f(x, y)")
    ax = fig.add_subplot(2, 3, 4)
    coarse = (slice(None, None, 4), slice(None, None, 4))
    size = np.hypot(dx, dy)[coarse] + 1e-12
    arrows = ax.quiver(gx[coarse], gy[coarse], -dx[coarse] / size, -dy[coarse] / size, size,
                       cmap="plasma", angles="xy", pivot="mid")
    fig.colorbar(arrows, ax=ax, label="|∇f|")
    ax.contour(gx, gy, z, levels=12, colors="0.7", linewidths=0.7)
    ax.set(title="direction of -∇f for x²/20 + y² (colour: its size)", xlabel="x",
           ylabel="y")
    for j, (name, runs) in enumerate(paths.items()):
        ax = fig.add_subplot(2, 3, 5 + j)
        for (opt, p), color in zip(runs.items(), ["tab:red", "tab:blue"]):
            ax.plot(np.arange(len(p)), SURFACES[name][0](p.T), color=color, label=opt)
        ax.set(title=f"{name}: f along the path", xlabel="step", ylabel="f(x, y)")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    save_figure(fig, out_path)


def main() -> None:
    parser = make_parser(__doc__.splitlines()[0])
    add_data_args(parser)
    parser.add_argument("--epochs", type=positive_int, default=10)
    parser.add_argument("--steps", type=positive_int, default=150, help="steps on the surfaces")
    args = parser.parse_args()
    out = setup(args, __file__)
    epochs = min(args.epochs, 3) if args.quick else args.epochs
    data = load(args)
    print(data.describe() + "; softmax regression (one Dense layer) for part 1")

    methods = {"batch GD (all samples, lr 0.5)": (len(data.x_train), 0.5),
               "stochastic GD (1 sample, lr 0.01)": (1, 0.01),
               "mini-batch GD (32 samples, lr 0.1)": (32, 0.1)}
    bar = Progress(len(methods) * epochs, "epochs")
    runs = {name: descend(data, bs, lr, epochs, args.seed, bar)
            for name, (bs, lr) in methods.items()}
    bar.close()
    rows = []
    for (name, (bs, lr)), (points, seconds, losses) in zip(methods.items(), runs.values()):
        rows.append([name, -(-len(data.x_train) // bs) * epochs, losses[-1], seconds[-1]])
        result(part="descent", method=name.split()[0], batch_size=bs, final_loss=losses[-1],
               seconds=seconds[-1])
    print_table(["method", "updates", f"loss after {epochs} epochs", "seconds of updates"],
                rows, title="1. Batch, stochastic and mini-batch gradient descent")

    paths: dict[str, dict[str, np.ndarray]] = {}
    rows = []
    for name, (f, start, lr) in SURFACES.items():
        paths[name] = {"SGD": path(f, start, optim.SGD, args.steps, lr=lr),
                       "Momentum": path(f, start, optim.Momentum, args.steps, lr=lr,
                                        momentum=0.9)}
        for opt, p in paths[name].items():
            end_f = float(f(p[-1]))
            rows.append([name, opt, lr, *p[-1], end_f])
            result(part="surface", surface=name.split()[0], optimizer=opt, x=p[-1][0],
                   y=p[-1][1], f=end_f)
    print_table(["surface", "optimizer", "lr", "end x", "end y", "f(end)"], rows,
                title=f"2. {args.steps} steps on a saddle point and a local minimum")
    print("notes: SGD stalls at saddle points and in local minima; momentum carries it "
          "through (see the table: SGD ends at the saddle and in the higher valley)")
    plot_descent(runs, out / "gradient_descent.png")
    plot_surfaces(paths, out / "gradient_descent_surfaces.png")


if __name__ == "__main__":
    main()
