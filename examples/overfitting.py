"""Overfitting on 300 training samples, and two cures: weight decay and dropout.

The notes' experiment: a 7-layer network (6 hidden layers of 100 ReLU units) trained with SGD
(lr 0.01, mini-batches of 100) on only 300 samples. It soon gets every training sample right
while test accuracy stalls well below: the gap is overfitting. Weight decay (½·λ·ΣW² added to
the loss, λ = 0.1) and dropout (after every hidden layer) both shrink the gap.
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
from _training import accuracy, mlp, train_step


def train(model: Any, data: Any, x: np.ndarray, y: np.ndarray, epochs: int, lr: float,
          weight_decay: float, seed: int, bar: Progress) -> tuple[list[float], list[float]]:
    """Train and test accuracy after each epoch."""
    opt = optim.SGD(model.parameters(), lr=lr)
    rng = np.random.default_rng(seed)
    train_accs, test_accs = [], []
    for _ in range(epochs):
        model.train()
        order = rng.permutation(len(x))
        for start in range(0, len(x), 100):
            idx = order[start:start + 100]
            train_step(model, opt, x[idx], y[idx], weight_decay=weight_decay)
        train_accs.append(accuracy(model, x, y))
        test_accs.append(accuracy(model, data.x_test, data.y_test))
        bar.update()
    return train_accs, test_accs


def plot(curves: dict[str, tuple[list[float], list[float]]], out_path: Path) -> None:
    plt = pyplot(out_path.name)
    if plt is None:
        return
    fig, axes = plt.subplots(1, len(curves), figsize=(4.2 * len(curves), 3.6), sharey=True)
    for ax, (name, (train_accs, test_accs)) in zip(axes, curves.items()):
        epochs = np.arange(1, len(train_accs) + 1)
        ax.plot(epochs, train_accs, label="train")
        ax.plot(epochs, test_accs, label="test")
        ax.set(title=f"{name}: gap {train_accs[-1] - test_accs[-1]:.3f}", xlabel="epoch")
        ax.legend(loc="lower right")
    axes[0].set_ylabel("accuracy")
    save_figure(fig, out_path)


def main() -> None:
    parser = make_parser(__doc__.splitlines()[0])
    add_data_args(parser)
    parser.add_argument("--samples", type=positive_int, default=300, help="training samples")
    parser.add_argument("--epochs", type=positive_int, default=200)
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--weight-decay", type=float, default=0.1, help="λ of ½·λ·ΣW²")
    parser.add_argument("--dropout", type=float, default=0.2, help="dropout probability")
    args = parser.parse_args()
    out = setup(args, __file__)
    epochs = min(args.epochs, 100) if args.quick else args.epochs
    data = load(args)
    x, y = data.x_train[:args.samples], data.y_train[:args.samples]
    print(data.describe() + f"; training on the first {len(x)} samples only")

    variants = {"plain": (0.0, 0.0),  # name: (weight decay λ, dropout probability)
                f"weight decay {args.weight_decay:g}": (args.weight_decay, 0.0),
                f"dropout {args.dropout:g}": (0.0, args.dropout)}
    sizes = [data.n_features] + [100] * 6 + [data.n_classes]
    curves = {}
    bar = Progress(len(variants) * epochs, "epochs")
    for name, (weight_decay, dropout) in variants.items():
        ag.manual_seed(args.seed)
        model = mlp(sizes, dropout=dropout)
        curves[name] = train(model, data, x, y, epochs, args.lr, weight_decay, args.seed, bar)
    bar.close()

    rows = [[name, tr[-1], te[-1], tr[-1] - te[-1], max(te)] for name, (tr, te) in curves.items()]
    print_table(["variant", "train acc", "test acc", "gap", "best test acc"], rows,
                title=f"After {epochs} epochs on {len(x)} samples:")
    for (name, train_acc, test_acc, gap, _), key in zip(rows, ("plain", "decay", "dropout")):
        result(variant=key, name=name, train_acc=train_acc, test_acc=test_acc, gap=gap)
    plot(curves, out / "overfitting.png")


if __name__ == "__main__":
    main()
