"""Training with and without batch normalization over a range of initial weight scales.

The notes' experiment: 5 hidden layers of 100 ReLU units, 1000 training samples, SGD with
lr 0.01, mini-batches of 100, 20 epochs, initial weights drawn with std from 1 down to 1e-4.
Without BatchNorm training only gets going for a narrow band of scales (too large: the
signal explodes; too small: it vanishes); with BatchNorm after every hidden Dense layer it
learns, and faster, at almost every scale.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

# _common first: it limits BLAS threads, which must happen before NumPy loads.
from _common import (Progress, make_parser, positive_int, print_table, pyplot, result, save_figure,
                     setup)

import numpy as np

import autograd as ag
import optim
from _data import add_data_args, load
from _training import accuracy, mlp, normal_init, train_step


def train(model: Any, x: np.ndarray, y: np.ndarray, epochs: int, batch_size: int, lr: float,
          seed: int, bar: Progress) -> list[float]:
    """Train accuracy after each epoch (epoch = len(x) / batch_size random mini-batches)."""
    opt = optim.SGD(model.parameters(), lr=lr)
    rng = np.random.default_rng(seed)  # the same batches for both networks
    accs = []
    for _ in range(epochs):
        model.train()
        for _ in range(max(len(x) // batch_size, 1)):
            idx = rng.choice(len(x), batch_size, replace=False)
            train_step(model, opt, x[idx], y[idx])
        accs.append(accuracy(model, x, y))
        bar.update()
    return accs


def plot(curves: dict[float, dict[str, list[float]]], out_path: Path) -> None:
    plt = pyplot(out_path.name)
    if plt is None:
        return
    n = len(curves)
    cols = int(np.ceil(np.sqrt(n)))
    rows = int(np.ceil(n / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(2.6 * cols, 2.2 * rows), sharex=True,
                             sharey=True, squeeze=False)
    for ax, (std, runs) in zip(axes.flat, curves.items()):
        epochs = np.arange(1, len(runs["BatchNorm"]) + 1)
        ax.plot(epochs, runs["BatchNorm"], "-", color="tab:blue", label="BatchNorm")
        ax.plot(epochs, runs["plain"], "--", color="tab:orange", label="without")
        ax.set_title(f"std {std:.2g}", fontsize=9)
        ax.set_ylim(0, 1.02)
    for ax in axes.flat[n:]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=7, loc="lower right")
    fig.suptitle("train accuracy per epoch (solid: BatchNorm, dashed: without)", fontsize=11)
    save_figure(fig, out_path)


def main() -> None:
    parser = make_parser(__doc__.splitlines()[0])
    add_data_args(parser)
    parser.add_argument("--scales", type=positive_int, default=16,
                        help="number of weight scales, log-spaced from 1 to 1e-4")
    parser.add_argument("--epochs", type=positive_int, default=20)
    parser.add_argument("--samples", type=positive_int, default=1000, help="training samples used")
    parser.add_argument("--lr", type=float, default=0.01)
    args = parser.parse_args()
    out = setup(args, __file__)
    n_scales = min(args.scales, 5) if args.quick else args.scales
    epochs = min(args.epochs, 10) if args.quick else args.epochs
    data = load(args)
    x, y = data.x_train[:args.samples], data.y_train[:args.samples]
    print(data.describe() + f"; training on {len(x)} samples")

    sizes = [data.n_features, 100, 100, 100, 100, 100, data.n_classes]
    curves: dict[float, dict[str, list[float]]] = {}
    bar = Progress(n_scales * 2 * epochs, "epochs")
    for std in np.logspace(0, -4, n_scales):
        curves[float(std)] = {}
        for name, batchnorm in (("BatchNorm", True), ("plain", False)):
            ag.manual_seed(args.seed)  # both networks start from the same weights
            model = mlp(sizes, weight_init=normal_init(float(std)), batchnorm=batchnorm)
            curves[float(std)][name] = train(model, x, y, epochs, 100, args.lr, args.seed, bar)
    bar.close()

    rows = [[std, runs["BatchNorm"][-1], runs["plain"][-1],
             runs["BatchNorm"][-1] - runs["plain"][-1]] for std, runs in curves.items()]
    print_table(["weight std", "train acc BatchNorm", "train acc without", "difference"], rows,
                title=f"Train accuracy after {epochs} epochs:")
    for std, with_bn, without, _ in rows:
        result(std=std, batchnorm_acc=with_bn, plain_acc=without)
    wins = sum(with_bn > without for _, with_bn, without, _ in rows)
    result(summary="batchnorm", scales=len(rows), batchnorm_better=wins,
           mean_batchnorm_acc=float(np.mean([r[1] for r in rows])),
           mean_plain_acc=float(np.mean([r[2] for r in rows])))
    plot(curves, out / "batchnorm_effect.png")


if __name__ == "__main__":
    main()
