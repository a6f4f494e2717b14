"""Training loss of SGD, Momentum, Nesterov, AdaGrad, RMSProp and Adam on handwritten digits.

The notes' MNIST comparison: a 5-layer ReLU network (4 hidden layers of 100 units, He init),
mini-batches of 128 drawn at random and the same for every optimizer, each at the rate of the
course code (RMSProp with the notes' γ = 0.9, η = 0.001). SGD is by far the slowest; momentum
and the adaptive methods drop the loss much faster. Digits by default; MNIST with --data-dir.
"""
from __future__ import annotations

from typing import Any, Callable

# _common first: it limits BLAS threads, which must happen before NumPy loads.
from _common import make_parser, plot_loss_curves, positive_int, print_table, result, setup

import numpy as np

import autograd as ag
import optim
from _data import add_data_args, load
from _training import accuracy, compare, mlp

# (name, optimizer class, options)
OPTIMIZERS: list[tuple[str, Callable[..., optim.Optimizer], dict[str, Any]]] = [
    ("SGD", optim.SGD, {"lr": 0.01}),
    ("Momentum", optim.Momentum, {"lr": 0.01, "momentum": 0.9}),
    ("Nesterov", optim.Nesterov, {"lr": 0.01, "momentum": 0.9}),
    ("AdaGrad", optim.Adagrad, {"lr": 0.01}),
    ("RMSProp", optim.RMSprop, {"lr": 0.001, "alpha": 0.9}),
    ("Adam", optim.Adam, {"lr": 0.001}),
]


def main() -> None:
    parser = make_parser(__doc__.splitlines()[0])
    add_data_args(parser)
    parser.add_argument("--iterations", type=positive_int, default=2000)
    parser.add_argument("--batch-size", type=positive_int, default=128)
    args = parser.parse_args()
    out = setup(args, __file__)
    iterations = min(args.iterations, 300) if args.quick else args.iterations
    data = load(args)
    print(data.describe())

    runs = {}
    for name, make, options in OPTIMIZERS:
        ag.manual_seed(args.seed)  # the same initial weights for every optimizer
        model = mlp([data.n_features, 100, 100, 100, 100, data.n_classes], weight_init="he")
        runs[name] = (model, make(model.parameters(), **options))
    losses = compare(runs, data.x_train, data.y_train, iterations, args.batch_size,
                     np.random.default_rng(args.seed), report_every=max(iterations // 10, 1))

    window = max(iterations // 20, 1)
    rows = []
    for (name, _, options), (model, _) in zip(OPTIMIZERS, runs.values()):
        rows.append([name, options["lr"], losses[name][0], float(np.mean(losses[name][-window:])),
                     accuracy(model, data.x_test, data.y_test)])
    print_table(["optimizer", "lr", "first loss", f"loss (last {window} it.)", "test acc"],
                rows, title=f"After {iterations} iterations on {data.name}:")
    for name, lr, _, final_loss, test_acc in rows:
        result(optimizer=name, lr=lr, iterations=iterations, final_loss=final_loss,
               test_acc=test_acc)
    plot_loss_curves(losses, out / "compare_optimizers.png", f"optimizers on {data.name}",
                     log_scale=True)


if __name__ == "__main__":
    main()
