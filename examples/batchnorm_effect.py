"""Training with and without batch normalization over a range of initial weight scales.

The notes' experiment: 5 hidden layers of 100 ReLU units, 1000 training samples, SGD,
mini-batches of 100, 20 epochs, initial weights drawn with std from 1 down to 1e-4. Without
BatchNorm training only gets going for a narrow band of scales (too large: the signal
explodes; too small: it vanishes); with BatchNorm after every hidden Dense layer it learns,
and faster, at every scale.

Why the notes' settings (lr 0.01, eps 1e-5 or the book's 1e-6) fail at both ends here,
measured by the diagnosis table this script prints:
- BatchNorm makes a hidden layer blind to the scale of its weights, so a step of lr moves
  them by about lr/‖w‖² in relative terms: tiny at std 1 (‖w‖² ≈ fan_in), and the
  output layer, which has no BatchNorm after it, starts with logits of std ~7 (loss ~10).
  In the 200 steps of 20 epochs of 1000 samples, lr 0.01 is too short a walk; lr 0.1 is not.
- eps is added to the variance of the pre-activations, which at std 1e-4 is ~1e-7 on the
  64 digit features: eps 1e-5 then dominates it, and BatchNorm no longer normalises.
So this run uses lr 0.1 and eps 1e-8 for both networks. In the diagnosis table, at std 1
only the larger rate helps; at std 1e-4 each helps, and both together most.
"""
from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

# _common first: it limits BLAS threads, which must happen before NumPy loads.
from _common import (Progress, make_parser, positive_int, print_table, pyplot, result,
                     save_figure, setup)

import numpy as np

import autograd as ag
import nn
import optim
from _data import add_data_args, load, print_regime
from _training import accuracy, normal_init, train_step

NOTES_LR, NOTES_EPS = 0.01, 1e-5


def make_net(sizes: list[int], std: float, batchnorm: bool, eps: float) -> nn.Sequential:
    """Dense → [BatchNorm1d(eps)] → ReLU per hidden layer, all weights N(0, std²)."""
    layers: list[nn.Module] = []
    for n_in, n_out in zip(sizes[:-2], sizes[1:-1]):
        layers.append(nn.Dense(n_in, n_out, weight_init=normal_init(std)))
        if batchnorm:
            layers.append(nn.BatchNorm1d(n_out, eps=eps))
        layers.append(nn.ReLU())
    layers.append(nn.Dense(sizes[-2], sizes[-1], weight_init=normal_init(std)))
    return nn.Sequential(*layers)


def train(model: Any, x: np.ndarray, y: np.ndarray, epochs: int, lr: float, seed: int,
          bar: Any) -> list[float]:
    """Train accuracy after each epoch (epoch = len(x) / 100 random mini-batches of 100)."""
    opt = optim.SGD(model.parameters(), lr=lr)
    rng = np.random.default_rng(seed)  # the same batches for every network
    accs = []
    with warnings.catch_warnings():  # a diverging plain net overflows: its accuracy says so
        warnings.simplefilter("ignore", RuntimeWarning)
        for _ in range(epochs):
            model.train()
            for _ in range(max(len(x) // 100, 1)):
                idx = rng.choice(len(x), 100, replace=False)
                loss = train_step(model, opt, x[idx], y[idx])
            accs.append(accuracy(model, x, y))
            bar.update()
            bar.set_postfix(loss=f"{loss:.3g}", acc=f"{accs[-1]:.3f}", refresh=False)
    return accs


def plot(curves: dict[float, dict[str, list[float]]], out_path: Path) -> None:
    plt = pyplot(out_path.name)
    if plt is None:
        return
    n = len(curves)
    cols = min(n, 4)
    rows = int(np.ceil(n / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(3.0 * cols, 2.5 * rows + 0.6), sharex=True,
                             sharey=True, squeeze=False)
    for ax, (std, runs) in zip(axes.flat, curves.items()):
        epochs = np.arange(1, len(runs["BatchNorm"]) + 1)
        ax.plot(epochs, runs["BatchNorm"], "-", color="tab:blue", label="with BatchNorm")
        ax.plot(epochs, runs["plain"], "--", color="tab:orange", label="without")
        ax.set_title(f"weight std {std:.2g}", fontsize=9)
        ax.set_ylim(0, 1.02)
    for ax in axes.flat[n:]:
        ax.axis("off")
    for ax in axes[-1]:
        ax.set_xlabel("epoch")
    for ax in axes[:, 0]:
        ax.set_ylabel("train accuracy")
    axes.flat[0].legend(fontsize=7, loc="lower right")
    fig.suptitle("Train accuracy with and without BatchNorm, by initial weight std")
    save_figure(fig, out_path)


def diagnose(sizes: list[int], x: np.ndarray, y: np.ndarray, epochs: int, settings: list,
             args: Any, bar: Any) -> list[list[Any]]:
    """BatchNorm's train accuracy at the extreme scales under each (lr, eps) setting."""
    rows = []
    for std in (1.0, 1e-4):
        for lr, eps, why in settings:
            ag.manual_seed(args.seed)
            acc = train(make_net(sizes, std, True, eps), x, y, epochs, lr, args.seed, bar)[-1]
            rows.append([std, lr, eps, why, acc])
            result(diagnosis=why.replace(" ", "_"), std=std, lr=lr, eps=eps, batchnorm_acc=acc)
    return rows


def main() -> None:
    parser = make_parser(__doc__.splitlines()[0])
    add_data_args(parser)
    parser.add_argument("--scales", type=positive_int, default=16,
                        help="number of weight scales, log-spaced from 1 to 1e-4")
    parser.add_argument("--epochs", type=positive_int, default=20)
    parser.add_argument("--samples", type=positive_int, default=1000,
                        help="training samples used")
    parser.add_argument("--lr", type=float, default=0.1, help="SGD learning rate (notes: 0.01)")
    parser.add_argument("--eps", type=float, default=1e-8,
                        help="BatchNorm's eps (notes' book: 1e-6; PyTorch's default: 1e-5)")
    args = parser.parse_args()
    out = setup(args, __file__)
    n_scales = min(args.scales, 3) if args.quick else args.scales
    epochs = min(args.epochs, 8) if args.quick else args.epochs
    data = load(args)
    x, y = data.x_train[:args.samples], data.y_train[:args.samples]
    print_regime(data, "1000 of 60,000 images, 784 features, lr 0.01, 20 epochs",
                 f"{len(x)} samples, {data.n_features} features, lr {args.lr:g}, "
                 f"eps {args.eps:g}, {epochs} epochs")
    print(data.describe() + f"; training on {len(x)} samples")

    sizes = [data.n_features, 100, 100, 100, 100, 100, data.n_classes]
    settings = [(NOTES_LR, NOTES_EPS, "notes settings"), (args.lr, args.eps, "this run")]
    if not args.quick:
        settings[1:1] = [(NOTES_LR, args.eps, "small eps only"), (args.lr, NOTES_EPS, "lr only")]
    curves: dict[float, dict[str, list[float]]] = {}
    bar = Progress((n_scales * 2 + 2 * (len(settings) - 1)) * epochs, "epochs")
    for std in np.logspace(0, -4, n_scales):
        curves[float(std)] = {}
        for name, batchnorm in (("BatchNorm", True), ("plain", False)):
            ag.manual_seed(args.seed)  # both networks start from the same weights
            model = make_net(sizes, float(std), batchnorm, args.eps)
            curves[float(std)][name] = train(model, x, y, epochs, args.lr, args.seed, bar)
    diagnosis = diagnose(sizes, x, y, epochs, settings[:-1], args, bar)
    bar.close()
    for std in (1.0, 1e-4):
        nearest = min(curves, key=lambda s: abs(np.log(s / std)))
        diagnosis.append([std, args.lr, args.eps, "this run", curves[nearest]["BatchNorm"][-1]])
    diagnosis.sort(key=lambda r: -r[0])

    rows = [[std, runs["BatchNorm"][-1], runs["plain"][-1],
             runs["BatchNorm"][-1] - runs["plain"][-1]] for std, runs in curves.items()]
    print_table(["weight std", "train acc BatchNorm", "train acc without", "difference"], rows,
                title=f"Train accuracy after {epochs} epochs (lr {args.lr:g}, eps {args.eps:g}):")
    print_table(["weight std", "lr", "eps", "setting", "train acc BatchNorm"], diagnosis,
                title="Why the notes' settings stall here: BatchNorm at the extreme scales")
    for std, with_bn, without, _ in rows:
        result(std=std, batchnorm_acc=with_bn, plain_acc=without)
    learns = sum(with_bn >= 0.5 for _, with_bn, _, _ in rows)
    plain_learns = sum(without >= 0.5 for _, _, without, _ in rows)
    result(summary="batchnorm", scales=len(rows), batchnorm_better=sum(r[3] > 0 for r in rows),
           batchnorm_learns=learns, plain_learns=plain_learns,
           mean_batchnorm_acc=float(np.mean([r[1] for r in rows])),
           mean_plain_acc=float(np.mean([r[2] for r in rows])))
    print("notes: with BatchNorm the net learns at every weight scale from 1 to 1e-4, faster; "
          "without it, only in a narrow band.")
    print(f"measured: with BatchNorm train acc >= 0.5 at {learns} of {len(rows)} scales, "
          f"without at {plain_learns}; with the notes' lr 0.01 and eps 1e-5 it stalls at the "
          "ends (see the diagnosis table and this script's docstring).")
    plot(curves, out / "batchnorm_effect.png")


if __name__ == "__main__":
    main()
