"""Training loss with weight inits std 0.01, Xavier and He in a ReLU network on digits.

The notes' MNIST experiment: 4 hidden layers of 100 ReLU units, SGD with lr 0.01, random
mini-batches of 128, the same batches for each init. With std 0.01 the signal (and so the
gradient) all but vanishes and the loss hardly moves from ln 10 ≈ 2.30; Xavier (std √(1/n),
`lecun`) learns, He (std √(2/n)) learns fastest. Digits by default; MNIST with --data-dir.
"""
from __future__ import annotations

from typing import Any

# _common first: it limits BLAS threads, which must happen before NumPy loads.
from _common import make_parser, plot_loss_curves, positive_int, print_table, result, setup

import numpy as np

import autograd as ag
import optim
from _data import add_data_args, load, print_regime
from _training import accuracy, compare, mlp, normal_init

INITS: dict[str, Any] = {"std 0.01": normal_init(0.01), "Xavier": "lecun", "He": "he"}


def main() -> None:
    parser = make_parser(__doc__.splitlines()[0])
    add_data_args(parser)
    parser.add_argument("--iterations", type=positive_int, default=2000)
    parser.add_argument("--batch-size", type=positive_int, default=128)
    parser.add_argument("--lr", type=float, default=0.01, help="SGD learning rate")
    args = parser.parse_args()
    out = setup(args, __file__)
    iterations = min(args.iterations, 400) if args.quick else args.iterations
    data = load(args)
    print_regime(data, "2000 iterations of 128 ≈ 4 epochs of 60,000 images",
                 f"{iterations} iterations of {args.batch_size} ≈ "
                 f"{iterations * args.batch_size / len(data.x_train):.0f} epochs of "
                 f"{len(data.x_train)}; the ranking std 0.01 < Xavier < He is the same")
    print(data.describe())

    runs = {}
    for name, init in INITS.items():
        ag.manual_seed(args.seed)
        model = mlp([data.n_features, 100, 100, 100, 100, data.n_classes], weight_init=init)
        runs[name] = (model, optim.SGD(model.parameters(), lr=args.lr))
    losses = compare(runs, data.x_train, data.y_train, iterations, args.batch_size,
                     np.random.default_rng(args.seed), report_every=max(iterations // 10, 1))

    window = max(iterations // 20, 1)
    rows = [[name, losses[name][0], float(np.mean(losses[name][-window:])),
             accuracy(model, data.x_test, data.y_test)] for name, (model, _) in runs.items()]
    print_table(["init", "first loss", f"loss (last {window} it.)", "test acc"], rows,
                title=f"ReLU network, SGD lr {args.lr}, {iterations} iterations on {data.name}:")
    for name, first, final, test_acc in rows:
        result(init=name.replace(" ", ""), iterations=iterations, first_loss=first,
               final_loss=final, test_acc=test_acc)
    plot_loss_curves(losses, out / "compare_inits.png",
                     f"weight init, ReLU network on {data.name}")


if __name__ == "__main__":
    main()
