"""Random search for the learning rate and weight decay on a validation split (or k folds).

The notes' recipe: sample lr = 10^U(-6, -2) and weight decay λ = 10^U(-8, -4) on a log
scale, train briefly (a 7-layer ReLU network with SGD on 500 samples, 20% held out for
validation), and print the best five; then narrow the ranges and search again. With
--folds k each trial is scored by k-fold cross-validation instead. The test set is never
looked at. Rates below ~1e-4 barely train in so few epochs: the search shows where to look.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

# _common first: it limits BLAS threads, which must happen before NumPy loads.
from _common import (Progress, make_parser, positive_int, print_table, pyplot, result, save_figure,
                     setup)

import numpy as np

import autograd as ag
import nn
import optim
from _data import add_data_args, load, print_regime
from _training import accuracy, mlp, train_step


def score(sizes: list[int], x: np.ndarray, y: np.ndarray, splits: list[tuple[Any, Any]],
          lr: float, weight_decay: float, epochs: int, seed: int) -> float:
    """Mean validation accuracy over the (train_idx, val_idx) splits."""
    accs = []
    for train_idx, val_idx in splits:
        ag.manual_seed(seed)
        model = mlp(sizes)
        opt = optim.SGD(model.parameters(), lr=lr)
        rng = np.random.default_rng(seed)
        xt, yt = x[train_idx], y[train_idx]
        for _ in range(epochs):
            order = rng.permutation(len(xt))
            for start in range(0, len(xt), 100):
                idx = order[start:start + 100]
                train_step(model, opt, xt[idx], yt[idx], weight_decay=weight_decay)
        accs.append(accuracy(model, x[val_idx], y[val_idx]))
    return float(np.mean(accs))


def plot(trials: list[tuple[float, float, float]], out_path: Path, what: str) -> None:
    plt = pyplot(out_path.name)
    if plt is None:
        return
    lr, wd, acc = (np.array(v) for v in zip(*trials))
    fig, ax = plt.subplots(figsize=(6.5, 5))
    points = ax.scatter(lr, wd, c=acc, cmap="viridis", s=40, edgecolors="k", linewidths=0.4)
    best = np.argsort(acc)[::-1][:5]
    ax.scatter(lr[best], wd[best], s=160, facecolors="none", edgecolors="red",
               label="best 5")
    ax.set(xscale="log", yscale="log", xlabel="learning rate", ylabel="weight decay λ",
           title=f"random search: {what}")
    fig.colorbar(points, ax=ax, label="validation accuracy")
    ax.legend(loc="upper left")
    save_figure(fig, out_path)


def main() -> None:
    parser = make_parser(__doc__.splitlines()[0])
    add_data_args(parser)
    parser.add_argument("--trials", type=positive_int, default=100)
    parser.add_argument("--epochs", type=positive_int, default=50, help="epochs per trial")
    parser.add_argument("--samples", type=positive_int, default=500, help="training samples used")
    parser.add_argument("--folds", type=int, default=0,
                        help="k > 1: score each trial by k-fold cross-validation")
    parser.add_argument("--lr-range", type=float, nargs=2, default=(-6.0, -2.0),
                        metavar=("LO", "HI"), help="lr = 10^U(LO, HI)")
    parser.add_argument("--wd-range", type=float, nargs=2, default=(-8.0, -4.0),
                        metavar=("LO", "HI"), help="weight decay = 10^U(LO, HI)")
    args = parser.parse_args()
    out = setup(args, __file__)
    # --quick draws fewer settings but trains each as long: in fewer epochs no rate learns.
    trials = min(args.trials, 8) if args.quick else args.trials
    epochs = args.epochs
    data = load(args)
    x, y = data.x_train[:args.samples], data.y_train[:args.samples]
    if args.folds > 1:
        splits = list(nn.data.kfold(len(x), args.folds, seed=args.seed))
        what = f"{args.folds}-fold cross-validation"
    else:
        order = np.random.default_rng(args.seed).permutation(len(x))
        n_val = int(round(0.2 * len(x)))
        splits = [(order[n_val:], order[:n_val])]
        what = "20% validation split"
    print_regime(data, "500 images of 784 features, 100 trials of 50 epochs",
                 f"{len(x)} samples of {data.n_features} features, {trials} trials of "
                 f"{epochs} epochs; expect higher validation accuracy than the notes' 0.84")
    print(data.describe() + f"; searching on {len(x)} samples, {what}")

    rng = np.random.default_rng(args.seed)
    sizes = [data.n_features] + [100] * 6 + [data.n_classes]
    results = []
    bar = Progress(trials, "trials")
    for _ in range(trials):
        weight_decay = 10 ** rng.uniform(*args.wd_range)
        lr = 10 ** rng.uniform(*args.lr_range)
        acc = score(sizes, x, y, splits, lr, weight_decay, epochs, args.seed)
        results.append((lr, weight_decay, acc))
        bar.update()
        bar.set_postfix(val_acc=f"{acc:.3f}", best=f"{max(r[2] for r in results):.3f}")
    bar.close()

    ranked = sorted(results, key=lambda r: -r[2])
    print("\n=========== Hyper-Parameter Optimization Result ===========")
    for i, (lr, weight_decay, acc) in enumerate(ranked[:5], start=1):
        print(f"Best-{i}(val acc:{acc:.4f}) | lr:{lr:.4g}, weight decay:{weight_decay:.4g}")
    print_table(["rank", "val acc", "lr", "weight decay"],
                [[i, acc, lr, wd] for i, (lr, wd, acc) in enumerate(ranked[:5], start=1)],
                title=f"Best {min(5, trials)} of {trials} trials ({epochs} epochs each, {what}):")
    for i, (lr, weight_decay, acc) in enumerate(ranked[:5], start=1):
        result(rank=i, val_acc=acc, lr=lr, weight_decay=weight_decay, trials=trials,
               folds=max(args.folds, 1))
    plot(results, out / "hyperparameter_search.png", what)


if __name__ == "__main__":
    main()
