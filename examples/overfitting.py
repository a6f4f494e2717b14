"""Overfitting on 300 training samples, and two cures: weight decay and dropout.

The notes' experiment: a 7-layer network (6 hidden layers of 100 ReLU units) trained with SGD
on only 300 samples. It soon gets every training sample right while test accuracy stalls
well below: the gap is overfitting. Weight decay (½·λ·ΣW² added to the loss, so λ·W added to
the gradient) and dropout (after every hidden layer) shrink the gap and raise test accuracy.

λ and the dropout probability are searched on a small grid; each point is scored on a
validation set drawn from the other training samples (never the test set), and the test
accuracy of the best regularised point is set against the plain network's. The notes' rate
of 0.01 gives 600 steps in 200 epochs here, too few for a network with dropout to fit even
its training set (regularisation then only looks harmful), so this runs at lr 0.1.
"""
from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

# _common first: it limits BLAS threads, which must happen before NumPy loads.
from _common import (Progress, make_parser, positive_int, print_table, pyplot, result,
                     save_figure, setup)

import numpy as np

import autograd as ag
import optim
from _data import add_data_args, load, print_regime
from _training import accuracy, mlp, train_step


def floats(text: str) -> list[float]:
    """argparse type: comma-separated numbers."""
    return [float(v) for v in text.split(",")]


def train(model: Any, x: np.ndarray, y: np.ndarray, evals: dict[str, tuple], epochs: int,
          lr: float, weight_decay: float, seed: int, bar: Any) -> dict[str, list[float]]:
    """Accuracy on (x, y) and on every set in `evals` after each epoch."""
    opt = optim.SGD(model.parameters(), lr=lr)
    rng = np.random.default_rng(seed)  # the same batches for every grid point
    history: dict[str, list[float]] = {"train": [], **{k: [] for k in evals}}
    for _ in range(epochs):
        model.train()
        order = rng.permutation(len(x))
        for start in range(0, len(x), 100):
            idx = order[start:start + 100]
            loss = train_step(model, opt, x[idx], y[idx], weight_decay=weight_decay)
        history["train"].append(accuracy(model, x, y))
        for key, (xe, ye) in evals.items():
            history[key].append(accuracy(model, xe, ye))
        bar.update()
        bar.set_postfix(loss=f"{loss:.3f}", train_acc=f"{history['train'][-1]:.3f}",
                        val_acc=f"{history['val'][-1]:.3f}", refresh=False)
    return history


def plot(curves: dict[str, dict[str, list[float]]], out_path: Path) -> None:
    plt = pyplot(out_path.name)
    if plt is None:
        return
    fig, axes = plt.subplots(1, len(curves), figsize=(4.2 * len(curves), 3.8), sharey=True)
    for ax, (name, h) in zip(axes, curves.items()):
        epochs = np.arange(1, len(h["train"]) + 1)
        ax.plot(epochs, h["train"], label="train")
        ax.plot(epochs, h["test"], label="test")
        ax.set(title=f"{name}\ngap {h['train'][-1] - h['test'][-1]:.3f}, "
                     f"test {h['test'][-1]:.3f}", xlabel="epoch")
        ax.grid(alpha=0.3)
        ax.legend(loc="lower right")
    axes[0].set_ylabel("accuracy")
    save_figure(fig, out_path)


def main() -> None:
    parser = make_parser(__doc__.splitlines()[0])
    add_data_args(parser)
    parser.add_argument("--samples", type=positive_int, default=300, help="training samples")
    parser.add_argument("--val-samples", type=positive_int, default=500,
                        help="validation samples, taken from the rest of the training set")
    parser.add_argument("--epochs", type=positive_int, default=200)
    parser.add_argument("--lr", type=float, default=0.1, help="SGD rate (the notes: 0.01)")
    parser.add_argument("--weight-decays", type=floats, default=[0.0, 1e-3, 3e-3, 1e-2],
                        help="the grid's λ values (½·λ·ΣW²), comma-separated")
    parser.add_argument("--dropouts", type=floats, default=[0.0, 0.1, 0.2],
                        help="the grid's dropout probabilities, comma-separated")
    args = parser.parse_args()
    out = setup(args, __file__)
    epochs = min(args.epochs, 100) if args.quick else args.epochs
    decays = [0.0, 3e-3] if args.quick else sorted(set([0.0] + args.weight_decays))
    dropouts = [0.0, 0.2] if args.quick else sorted(set([0.0] + args.dropouts))
    data = load(args)
    x, y = data.x_train[:args.samples], data.y_train[:args.samples]
    rest = slice(args.samples, args.samples + args.val_samples)
    evals = {"val": (data.x_train[rest], data.y_train[rest]), "test": (data.x_test, data.y_test)}
    print_regime(data, "300 of 60,000 images, 784 features, lr 0.01, 201 epochs",
                 f"{len(x)} samples, {data.n_features} features, lr {args.lr:g}, {epochs} "
                 "epochs; expect a smaller gap than the notes' (~0.25), the digits are easier")
    print(data.describe() + f"; training on the first {len(x)} samples only, validating on "
          f"{len(evals['val'][0])} others")

    sizes = [data.n_features] + [100] * 6 + [data.n_classes]
    grid = list(itertools.product(decays, dropouts))
    histories = {}
    bar = Progress(len(grid) * epochs, "grid epochs")
    for weight_decay, dropout in grid:
        ag.manual_seed(args.seed)
        model = mlp(sizes, dropout=dropout)
        histories[weight_decay, dropout] = train(model, x, y, evals, epochs, args.lr,
                                                 weight_decay, args.seed, bar)
    bar.close()
    report(histories, epochs, len(x), out)


def report(histories: dict[tuple[float, float], dict[str, list[float]]], epochs: int,
           n: int, out: Path) -> None:
    """Print the grid, the chosen points and the notes' claim against the measurement."""
    rows = [[wd, p, h["train"][-1], h["val"][-1], h["test"][-1], h["train"][-1] - h["test"][-1]]
            for (wd, p), h in histories.items()]
    print_table(["λ", "dropout", "train acc", "val acc", "test acc", "gap"], rows,
                title=f"The grid after {epochs} epochs on {n} samples:")
    for wd, p, train_acc, val_acc, test_acc, gap in rows:
        result(grid="point", weight_decay=wd, dropout=p, train_acc=train_acc, val_acc=val_acc,
               test_acc=test_acc, gap=gap)

    def best(keep: Any) -> tuple[float, float]:  # highest validation accuracy, then smallest
        return max((k for k in histories if keep(*k)), key=lambda k: histories[k]["val"][-1])

    chosen = {"plain": (0.0, 0.0), "decay": best(lambda wd, p: wd > 0 and p == 0),
              "dropout": best(lambda wd, p: wd == 0 and p > 0),
              "regularised": best(lambda wd, p: wd > 0 or p > 0)}
    for key, (wd, p) in chosen.items():
        h = histories[wd, p]
        result(variant=key, weight_decay=wd, dropout=p, train_acc=h["train"][-1],
               val_acc=h["val"][-1], test_acc=h["test"][-1], gap=h["train"][-1] - h["test"][-1])
    plain, reg = histories[chosen["plain"]], histories[chosen["regularised"]]
    print("notes: the plain net reaches train accuracy 1.0 with a large gap; weight decay and "
          "dropout shrink the gap and raise test accuracy.")
    print(f"measured: plain train {plain['train'][-1]:.3f} test {plain['test'][-1]:.3f}; best "
          f"regularised by validation (λ {chosen['regularised'][0]:g}, dropout "
          f"{chosen['regularised'][1]:g}) train {reg['train'][-1]:.3f} "
          f"test {reg['test'][-1]:.3f}")
    names = {"plain": "plain", "decay": "weight decay λ {:g}", "dropout": "dropout {1:g}"}
    plot({names[k].format(*chosen[k]): histories[chosen[k]] for k in names},
         out / "overfitting.png")


if __name__ == "__main__":
    main()
