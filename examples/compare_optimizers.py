"""Training loss of SGD, Momentum, Nesterov, AdaGrad, RMSProp, AdaDelta, Adam and AdamW.

The notes' MNIST comparison: a 5-layer ReLU network (4 hidden layers of 100 units, He init),
mini-batches drawn at random and the same for every optimizer, each at the rate of the course
code (RMSProp with the notes' γ = 0.9, η = 0.001; AdaDelta needs no rate and takes 1.0, as
PyTorch's default; AdamW decouples a weight decay of 0.01 from the gradient). The notes ran
2000 iterations of 128 = about 4 epochs of MNIST's 60,000 images: this script matches that
in epochs (5), not iterations. SGD is by far the slowest; momentum and the adaptive methods
drop the loss much faster. Digits by default; MNIST with --data-dir.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

# _common first: it limits BLAS threads, which must happen before NumPy loads.
from _common import (make_parser, positive_int, print_table, pyplot, result, save_figure,
                     setup, smooth)

import numpy as np

import autograd as ag
import optim
from _data import add_data_args, load, print_regime
from _training import accuracy, compare, mlp

# (name, optimizer class, options)
OPTIMIZERS: list[tuple[str, Callable[..., optim.Optimizer], dict[str, Any]]] = [
    ("SGD", optim.SGD, {"lr": 0.01}),
    ("Momentum", optim.Momentum, {"lr": 0.01, "momentum": 0.9}),
    ("Nesterov", optim.Nesterov, {"lr": 0.01, "momentum": 0.9}),
    ("AdaGrad", optim.Adagrad, {"lr": 0.01}),
    ("RMSProp", optim.RMSprop, {"lr": 0.001, "alpha": 0.9}),
    ("AdaDelta", optim.Adadelta, {"lr": 1.0, "rho": 0.9}),
    ("Adam", optim.Adam, {"lr": 0.001}),
    ("AdamW", optim.AdamW, {"lr": 0.001, "weight_decay": 0.01}),
]
NOTES_EPOCHS = 2000 * 128 / 60_000  # the notes' iterations × batch size / MNIST's size


def plot(losses: dict[str, list[float]], steps_per_epoch: int, out_path: Path,
         title: str) -> None:
    """Smoothed training loss of every optimizer against epochs, on a log scale."""
    plt = pyplot(out_path.name)
    if plt is None:
        return
    fig, ax = plt.subplots(figsize=(7.5, 4.8))
    styles = ["-", "--", ":", "-."]
    for i, (name, values) in enumerate(losses.items()):
        epochs = np.arange(1, len(values) + 1) / steps_per_epoch
        ax.plot(epochs, smooth(values, max(steps_per_epoch // 2, 1)), styles[i % 4], label=name)
    ax.set(title=title, xlabel="epoch", yscale="log",
           ylabel="training loss (moving average over half an epoch)")
    ax.legend(ncol=2, fontsize=8)
    ax.grid(alpha=0.3, which="both")
    save_figure(fig, out_path)


def main() -> None:
    parser = make_parser(__doc__.splitlines()[0])
    add_data_args(parser)
    parser.add_argument("--epochs", type=positive_int, default=5,
                        help=f"passes over the training set (the notes: {NOTES_EPOCHS:.1f})")
    parser.add_argument("--batch-size", type=positive_int, default=32,
                        help="mini-batch size (the notes: 128, on 42x more data)")
    args = parser.parse_args()
    out = setup(args, __file__)
    epochs = min(args.epochs, 3) if args.quick else args.epochs
    data = load(args)
    steps = -(-len(data.x_train) // args.batch_size)
    iterations = epochs * steps
    print_regime(data, f"2000 iterations of 128 = {NOTES_EPOCHS:.1f} epochs of 60,000 images",
                 f"{epochs} epochs of {len(data.x_train)} in batches of {args.batch_size} = "
                 f"{iterations} iterations (batches of 128 would give only "
                 f"{-(-len(data.x_train) // 128)} steps an epoch)")
    print(data.describe())

    runs = {}
    for name, make, options in OPTIMIZERS:
        ag.manual_seed(args.seed)  # the same initial weights for every optimizer
        model = mlp([data.n_features, 100, 100, 100, 100, data.n_classes], weight_init="he")
        runs[name] = (model, make(model.parameters(), **options))
    losses = compare(runs, data.x_train, data.y_train, iterations, args.batch_size,
                     np.random.default_rng(args.seed), report_every=steps)

    rows = []
    for (name, _, options), (model, _) in zip(OPTIMIZERS, runs.values()):
        rows.append([name, options["lr"], losses[name][0], float(np.mean(losses[name][-steps:])),
                     accuracy(model, data.x_test, data.y_test)])
    print_table(["optimizer", "lr", "first loss", "loss (last epoch)", "test acc"],
                rows, title=f"After {epochs} epochs ({iterations} iterations) on {data.name}:")
    for name, lr, _, final_loss, test_acc in rows:
        result(optimizer=name, lr=lr, epochs=epochs, iterations=iterations,
               final_loss=final_loss, test_acc=test_acc)
    slowest = max(rows, key=lambda r: r[3])[0]
    print(f"notes: SGD is by far the slowest. measured: the highest last-epoch loss is "
          f"{slowest}'s.")
    plot(losses, steps, out / "compare_optimizers.png",
         f"Training loss of eight optimizers on {data.name}")


if __name__ == "__main__":
    main()
