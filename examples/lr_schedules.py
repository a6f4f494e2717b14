"""Learning-rate schedules compared: constant, exponential, 1/t, step and cosine.

The same network (same initial weights, same mini-batches) is trained with SGD + momentum
under each schedule, stepped once per epoch: exponential lr₀·γᵗ (the notes' α₀·e^(-kt)),
1/t decay lr₀/(1 + k·t) (`InverseTimeLR`), step decay (×0.1 every third of the run) and
cosine annealing to 0. The default rate (0.1 with small mini-batches of 16) is large enough
that the updates stay noisy: at a constant rate the loss keeps bouncing, while the decaying
schedules let it settle much lower.
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
from _data import add_data_args, load
from _training import accuracy, evaluate, mlp, train_epoch

Sched = optim.lr_scheduler
SCHEDULES: dict[str, Callable[[optim.Optimizer, int], Any]] = {
    "constant": lambda opt, epochs: None,
    "exponential": lambda opt, epochs: Sched.ExponentialLR(opt, gamma=0.1 ** (1 / epochs)),
    "1/t": lambda opt, epochs: Sched.InverseTimeLR(opt, decay_rate=0.5),
    "step": lambda opt, epochs: Sched.StepLR(opt, step_size=max(epochs // 3, 1), gamma=0.1),
    "cosine": lambda opt, epochs: Sched.CosineAnnealingLR(opt, T_max=epochs),
}


def plot(history: dict[str, dict[str, list[float]]], out_path: Path) -> None:
    plt = pyplot(out_path.name)
    if plt is None:
        return
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
    for name, h in history.items():
        epochs = np.arange(1, len(h["lr"]) + 1)
        ax1.plot(epochs, h["lr"], label=name)
        ax2.plot(epochs, h["loss"], label=name)
    ax1.set(title="learning rate per epoch", xlabel="epoch", ylabel="lr")
    ax2.set(title="training loss", xlabel="epoch", ylabel="cross-entropy", yscale="log")
    ax1.legend()
    ax2.legend()
    save_figure(fig, out_path)


def main() -> None:
    parser = make_parser(__doc__.splitlines()[0])
    add_data_args(parser)
    parser.add_argument("--epochs", type=positive_int, default=30)
    parser.add_argument("--lr", type=float, default=0.1, help="initial learning rate")
    parser.add_argument("--batch-size", type=positive_int, default=16)
    args = parser.parse_args()
    out = setup(args, __file__)
    epochs = min(args.epochs, 6) if args.quick else args.epochs
    data = load(args)
    print(data.describe())

    history: dict[str, dict[str, list[float]]] = {}
    final = {}
    bar = Progress(len(SCHEDULES) * epochs, "epochs")
    for name, make in SCHEDULES.items():
        ag.manual_seed(args.seed)
        model = mlp([data.n_features, 100, 100, data.n_classes])
        opt = optim.Momentum(model.parameters(), lr=args.lr, momentum=0.9)
        scheduler = make(opt, epochs)
        rng = np.random.default_rng(args.seed)
        h: dict[str, list[float]] = {"lr": [], "loss": []}
        for _ in range(epochs):
            h["lr"].append(opt.param_groups[0]["lr"])
            h["loss"].append(train_epoch(model, opt, data.x_train, data.y_train,
                                         args.batch_size, rng))
            if scheduler is not None:
                scheduler.step()
            bar.update()
            bar.set_postfix(schedule=name, loss=f"{h['loss'][-1]:.4f}")
        history[name] = h
        final[name] = (evaluate(model, data.x_train, data.y_train)[0],
                       accuracy(model, data.x_test, data.y_test))
    bar.close()

    rows = [[name, h["lr"][0], h["lr"][-1], h["loss"][-1], *final[name]]
            for name, h in history.items()]
    print_table(["schedule", "first lr", "last lr", "last epoch loss", "train loss (eval)",
                 "test acc"], rows, title=f"SGD + momentum, {epochs} epochs on {data.name}:")
    for name, first_lr, last_lr, _, train_loss, test_acc in rows:
        result(schedule=name, first_lr=first_lr, last_lr=last_lr, train_loss=train_loss,
               test_acc=test_acc)
    plot(history, out / "lr_schedules.png")


if __name__ == "__main__":
    main()
