"""Weight and bias initialisation: symmetry, bias 0 vs 0.01, and √(1/n) vs Glorot vs He.

1. All-zero or all-equal weights learn nothing useful: every unit of a layer computes the
   same thing and gets the same gradient, so the units stay equal however long one trains
   (with zeros and ReLU the hidden layers get no gradient at all).
2. Bias init for ReLU: 0 (the common choice) against 0.01 (reported to help; the notes say
   not reliably).
3. What the notes call "Xavier", std √(1/n_in), is LeCun's init (`"lecun"` here); Glorot's
   own (Xavier) init is std √(2/(n_in + n_out)) (`"xavier"`); He's is √(2/n_in) (`"he"`).
   Each in a 5-layer tanh and a 5-layer ReLU network: the activation std at the last hidden
   layer and the training loss.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

# _common first: it limits BLAS threads, which must happen before NumPy loads.
from _common import (Progress, make_parser, positive_int, print_table, pyplot, result,
                     save_figure, setup, smooth)

import numpy as np

import autograd as ag
import nn
import optim
from _data import add_data_args, load, print_regime
from _training import ACTIVATIONS, accuracy, train_step

INITS = {"notes' Xavier = LeCun √(1/n)": "lecun", "Glorot (Xavier) √(2/(n_in+n_out))": "xavier",
         "He √(2/n)": "he"}


def net(sizes: list[int], activation: str, weight_init: Any, bias: float = 0.0) -> nn.Sequential:
    """Dense → activation per hidden layer; every bias set to `bias`."""
    layers: list[nn.Module] = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        dense = nn.Dense(n_in, n_out, weight_init=weight_init)
        nn.init.constant_(dense.bias, bias)
        layers.append(dense)
        if i < len(sizes) - 2:
            layers.append(ACTIVATIONS[activation]())
    return nn.Sequential(*layers)


def fit(model: nn.Module, data: Any, epochs: int, lr: float, seed: int, bar: Any) -> list[float]:
    """SGD in shuffled mini-batches of 100; the loss of every step."""
    opt = optim.SGD(model.parameters(), lr=lr)
    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(epochs):
        model.train()
        order = rng.permutation(len(data.x_train))
        for start in range(0, len(order), 100):
            idx = order[start:start + 100]
            losses.append(train_step(model, opt, data.x_train[idx], data.y_train[idx]))
        bar.update()
        bar.set_postfix(loss=f"{losses[-1]:.3f}", refresh=False)
    return losses


def distinct_units(model: nn.Module) -> list[int]:
    """For each hidden Dense layer, how many different incoming weight vectors it has."""
    dense = [m for m in model.modules() if isinstance(m, nn.Dense)][:-1]
    return [np.unique(np.round(d.weight.data, 6), axis=1).shape[1] for d in dense]


def last_hidden_std(model: nn.Module, x: np.ndarray) -> float:
    """Std of the last hidden layer's activations on x, before training."""
    with ag.no_grad():
        h = ag.Tensor(x)
        for layer in list(model.children())[:-1]:
            h = layer(h)
    return float(h.data.std())


def plot(curves: dict[str, dict[str, list[float]]], steps_per_epoch: int, out_path: Path) -> None:
    plt = pyplot(out_path.name)
    if plt is None:
        return
    fig, axes = plt.subplots(2, 2, figsize=(12, 8))
    for ax, (title, runs) in zip(axes.flat, curves.items()):
        for style, (name, losses) in zip(["-", "--", ":", "-."], runs.items()):
            epochs = np.arange(1, len(losses) + 1) / steps_per_epoch
            ax.plot(epochs, smooth(losses, steps_per_epoch), style, label=name, linewidth=1.6)
        ax.set(title=title, xlabel="epoch", ylabel="training loss (moving average)",
               yscale="log")
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=8)
    save_figure(fig, out_path)


def main() -> None:
    parser = make_parser(__doc__.splitlines()[0])
    add_data_args(parser)
    parser.add_argument("--epochs", type=positive_int, default=30)
    parser.add_argument("--lr", type=float, default=0.05, help="SGD learning rate")
    args = parser.parse_args()
    out = setup(args, __file__)
    epochs = min(args.epochs, 4) if args.quick else args.epochs
    data = load(args)
    print_regime(data, "weight-init comparison on 60,000 images", f"{len(data.x_train)} "
                 f"samples, SGD lr {args.lr:g}, {epochs} epochs of batches of 100")
    n_in, n_out = data.n_features, data.n_classes
    steps = -(-len(data.x_train) // 100)
    plan = 4 + 2 + 2 * len(INITS)
    bar = Progress(plan * epochs, "epochs")
    curves: dict[str, dict[str, list[float]]] = {}

    # 1. symmetry
    sym_rows, sym = [], {}
    for name, init, act in (("zeros", "zeros", "relu"), ("all 0.5", lambda w: nn.init.constant_(
            w, 0.5), "relu"), ("all 0.05 (tanh)", lambda w: nn.init.constant_(w, 0.05), "tanh"),
            ("He (random)", "he", "relu")):
        ag.manual_seed(args.seed)
        model = net([n_in, 50, 50, n_out], act, init)
        sym[name] = fit(model, data, epochs, args.lr, args.seed, bar)
        units = distinct_units(model)
        acc = accuracy(model, data.x_test, data.y_test)
        sym_rows.append([name, act, *units, acc])
        result(part="symmetry", init=name.split()[0], distinct_units=min(units), test_acc=acc)
    curves["1. all-equal weights: the units stay equal"] = sym
    print_table(["init", "activation", "distinct units L1 (of 50)", "distinct units L2 (of 50)",
                 "test acc"], sym_rows, title="1. Symmetry: equal weights stay equal")

    # 2. bias init for ReLU
    bias_rows, biases = [], {}
    for bias in (0.0, 0.01):
        ag.manual_seed(args.seed)
        model = net([n_in, 100, 100, 100, 100, n_out], "relu", "he", bias)
        losses = fit(model, data, epochs, args.lr, args.seed, bar)
        biases[f"bias {bias:g}"] = losses
        acc = accuracy(model, data.x_test, data.y_test)
        bias_rows.append([bias, losses[0], float(np.mean(losses[-steps:])), acc])
        result(part="bias", bias=bias, final_loss=float(np.mean(losses[-steps:])), test_acc=acc)
    curves["2. bias init, ReLU net, He weights"] = biases
    print_table(["bias", "first loss", "last-epoch loss", "test acc"], bias_rows,
                title="2. Bias init in a ReLU network (notes: 0 is the usual choice)")

    # 3. the three named inits
    init_rows = []
    for act in ("tanh", "relu"):
        runs = {}
        for name, init in INITS.items():
            ag.manual_seed(args.seed)
            model = net([n_in] + [100] * 5 + [n_out], act, init)
            std = last_hidden_std(model, data.x_train[:500])
            runs[name] = fit(model, data, epochs, args.lr, args.seed, bar)
            final = float(np.mean(runs[name][-steps:]))
            init_rows.append([act, name, std, final, accuracy(model, data.x_test, data.y_test)])
            result(part="init", activation=act, init=init, last_hidden_std=std, final_loss=final)
        curves[f"3. named inits, 5-layer {act} net"] = runs
    bar.close()
    print_table(["activation", "init", "std of layer-5 activations at init", "last-epoch loss",
                 "test acc"], init_rows, title="3. The notes' 'Xavier', Glorot and He")
    print("notes: Xavier for sigmoid/tanh, He for ReLU; with ReLU the √(1/n) init shrinks "
          "the activations layer by layer, He keeps their spread.")
    best = {act: min((r for r in init_rows if r[0] == act), key=lambda r: r[3])[1]
            for act in ("tanh", "relu")}
    relu = {r[1]: r[2] for r in init_rows if r[0] == "relu"}
    print(f"measured: ReLU layer-5 std {relu[next(iter(INITS))]:.3g} with √(1/n) against "
          f"{relu[list(INITS)[-1]]:.3g} with He; lowest loss: tanh {best['tanh']}, "
          f"ReLU {best['relu']}")
    plot(curves, steps, out / "initialization.png")


if __name__ == "__main__":
    main()
