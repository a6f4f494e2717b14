"""The notes' regularizers side by side: L2, L1, elastic net, max-norm, dropout, DropConnect.

- L2 adds λ·½ΣW², L1 adds λ·Σ|W|, the notes' elastic net λ·Σ(βW² + |W|). Our
  `nn.utils.elastic_net_penalty(params, l1_ratio=r)` is r·Σ|W| + (1 - r)·ΣW²: the notes'
  form with β equals (1 + β)·(ours with r = 1/(1 + β)). (One of the notes' slides swaps the
  names: L1 is the lasso, L2 is ridge.)
- Max-norm: after every step each unit's incoming weight vector is rescaled to norm ≤ c.
- Dropout two ways. The notes' code takes p as the probability of KEEPING a unit; PyTorch's
  and our `nn.Dropout(p)` take the probability of DROPPING it. Vanilla dropout keeps units
  with probability p in training and multiplies by p at test; inverted dropout divides by p
  in training and does nothing at test. Both give the same expected activation.
- DropConnect drops weights instead of activations (`nn.DropConnect`).

Each trains the same network on 300 digits; the script prints train and test accuracy and
draws the first layer's weight histograms.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

# _common first: it limits BLAS threads, which must happen before NumPy loads.
from _common import (Progress, make_parser, positive_int, print_table, pyplot, result,
                     save_figure, setup)

import numpy as np

import autograd as ag
import nn
import optim
from _data import add_data_args, load, print_regime
from _training import accuracy, dense_weights


class VanillaDropout(nn.Module):
    """The notes' first dropout: keep each unit with probability `keep` in training (no
    rescaling); at test multiply every activation by `keep`."""

    def __init__(self, keep: float) -> None:
        super().__init__()
        self.keep = keep

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        if not self.training:
            return x * self.keep
        mask = (ag.rand(*x.shape).data < self.keep).astype(x.data.dtype)
        return x * ag.Tensor(mask)


def network(sizes: list[int], between: Callable[[], nn.Module] | None = None,
            dropconnect: float = 0.0) -> nn.Sequential:
    """Dense → ReLU → [between()] per hidden layer; each hidden Dense wrapped in DropConnect."""
    layers: list[nn.Module] = []
    for n_in, n_out in zip(sizes[:-2], sizes[1:-1]):
        dense = nn.Dense(n_in, n_out)
        layers += [nn.DropConnect(dense, dropconnect) if dropconnect else dense, nn.ReLU()]
        if between is not None:
            layers.append(between())
    layers.append(nn.Dense(sizes[-2], sizes[-1]))
    return nn.Sequential(*layers)


def variants(args: Any) -> dict[str, dict[str, Any]]:
    """name: network options and the penalty/constraint used in training."""
    keep = 1.0 - args.drop
    return {
        "none": {},
        f"L2 λ={args.l2:g}": {"penalty": lambda ws: 0.5 * args.l2 * nn.utils.l2_penalty(ws)},
        f"L1 λ={args.l1:g}": {"penalty": lambda ws: args.l1 * nn.utils.l1_penalty(ws)},
        f"elastic β={args.beta:g}": {"penalty": lambda ws: args.l1 * elastic_notes(ws, args.beta)},
        f"max-norm c={args.max_norm:g}": {"max_norm": args.max_norm},
        f"inverted dropout p_drop={args.drop:g}": {"between": lambda: nn.Dropout(args.drop)},
        f"vanilla dropout keep={keep:g}": {"between": lambda: VanillaDropout(keep)},
        f"DropConnect p={args.drop:g}": {"dropconnect": args.drop},
    }


def elastic_notes(weights: list[ag.Tensor], beta: float) -> ag.Tensor:
    """The notes' elastic net Σ(βW² + |W|), through our parametrisation."""
    return (1.0 + beta) * nn.utils.elastic_net_penalty(weights, l1_ratio=1.0 / (1.0 + beta))


def train(model: nn.Module, opt: Any, x: np.ndarray, y: np.ndarray, epochs: int, seed: int,
          options: dict[str, Any], bar: Any) -> None:
    """SGD in shuffled mini-batches of 50, adding a penalty or applying max-norm."""
    rng = np.random.default_rng(seed)
    weights = dense_weights(model)
    for _ in range(epochs):
        model.train()
        order = rng.permutation(len(x))
        for start in range(0, len(x), 50):
            idx = order[start:start + 50]
            opt.zero_grad()
            loss = nn.CrossEntropyLoss()(model(ag.Tensor(x[idx])), ag.Tensor(y[idx]))
            total = loss + options["penalty"](weights) if "penalty" in options else loss
            total.backward()
            opt.step()
            if "max_norm" in options:
                with ag.no_grad():
                    nn.utils.max_norm_(weights, options["max_norm"])
        bar.update()
        bar.set_postfix(loss=f"{loss.item():.3f}", refresh=False)


def checks(seed: int, beta: float, drop: float) -> dict[str, float]:
    """The two identities the notes rely on, measured."""
    rng = np.random.default_rng(seed)
    w = [ag.Tensor(rng.normal(size=(5, 4)))]
    direct = float(np.sum(beta * w[0].data ** 2 + np.abs(w[0].data)))
    mapped = elastic_notes(w, beta).item()
    ones = ag.Tensor(np.ones((20_000, 50)))
    keep, out = 1.0 - drop, {}
    for name, layer in (("vanilla", VanillaDropout(keep)), ("inverted", nn.Dropout(drop))):
        train_mean = float(layer.train()(ones).data.mean())
        test_mean = float(layer.eval()(ones).data.mean())
        out[f"{name}_train_mean"], out[f"{name}_test_mean"] = train_mean, test_mean
    return {"elastic_direct": direct, "elastic_mapped": mapped, **out}


def plot(weights: dict[str, np.ndarray], accs: dict[str, tuple[float, float]],
         out_path: Path) -> None:
    plt = pyplot(out_path.name)
    if plt is None:
        return
    fig, axes = plt.subplots(2, 4, figsize=(15, 6.6))
    span = max(float(np.percentile(np.abs(w), 99.5)) for w in weights.values())
    for ax, (name, w) in zip(axes.flat, weights.items()):
        ax.hist(w.ravel(), bins=60, range=(-span, span), color="tab:blue")
        ax.set_yscale("log")
        ax.set_xlim(-span, span)
        tr, te = accs[name]
        ax.set(title=f"{name}\ntrain {tr:.3f}, test {te:.3f}", xlabel="first-layer weight",
               ylabel="count (log scale)")
        ax.title.set_fontsize(9)
    fig.suptitle("First-layer weights after training, and accuracy, per regularizer")
    save_figure(fig, out_path)


def main() -> None:
    parser = make_parser(__doc__.splitlines()[0])
    add_data_args(parser)
    parser.add_argument("--samples", type=positive_int, default=300, help="training samples")
    parser.add_argument("--epochs", type=positive_int, default=150)
    parser.add_argument("--lr", type=float, default=0.1)
    parser.add_argument("--l2", type=float, default=3e-3, help="λ of ½·λ·ΣW²")
    parser.add_argument("--l1", type=float, default=1e-3, help="λ of λ·Σ|W| (and elastic net)")
    parser.add_argument("--beta", type=float, default=5.0, help="β of the notes' elastic net")
    parser.add_argument("--max-norm", type=float, default=1.0, help="c of max-norm")
    parser.add_argument("--drop", type=float, default=0.2, help="probability of dropping")
    args = parser.parse_args()
    out = setup(args, __file__)
    epochs = min(args.epochs, 25) if args.quick else args.epochs
    data = load(args)
    x, y = data.x_train[:args.samples], data.y_train[:args.samples]
    print_regime(data, "its weight decay and dropout slides train on 300 images",
                 f"{len(x)} samples, 3 hidden layers "
                 f"of 100 ReLU units, SGD lr {args.lr:g}, {epochs} epochs")

    c = checks(args.seed, args.beta, args.drop)
    print(f"elastic net, notes' Σ(βW² + |W|) with β = {args.beta:g}: "
          f"{c['elastic_direct']:.6g}; "
          f"(1 + β)·elastic_net_penalty(l1_ratio = 1/(1 + β)): {c['elastic_mapped']:.6g}")
    print(f"dropout of a unit's activation 1, keep probability {1 - args.drop:g} (the notes' "
          f"p) = nn.Dropout({args.drop:g}): vanilla train mean {c['vanilla_train_mean']:.4f}, "
          f"test {c['vanilla_test_mean']:.4f}; inverted train mean "
          f"{c['inverted_train_mean']:.4f}, test {c['inverted_test_mean']:.4f}")
    result(check="identities", **c)

    sizes = [data.n_features, 100, 100, 100, data.n_classes]
    runs = variants(args)
    accs, weights, rows = {}, {}, []
    bar = Progress(len(runs) * epochs, "epochs")
    for name, options in runs.items():
        ag.manual_seed(args.seed)
        model = network(sizes, options.get("between"), options.get("dropconnect", 0.0))
        opt = optim.SGD(model.parameters(), lr=args.lr)
        train(model, opt, x, y, epochs, args.seed, options, bar)
        accs[name] = (accuracy(model, x, y), accuracy(model, data.x_test, data.y_test))
        ws = dense_weights(model)
        weights[name] = ws[0].data.copy()
        norms = max(float(np.linalg.norm(w.data, axis=0).max()) for w in ws[:-1])
        small = float(np.mean(np.abs(weights[name]) < 1e-3))
        rows.append([name, *accs[name], accs[name][0] - accs[name][1],
                     float(np.abs(weights[name]).mean()), small, norms])
    bar.close()
    print_table(["regularizer", "train acc", "test acc", "gap", "mean |W1|", "|W1| < 1e-3",
                 "largest unit norm"], rows,
                title=f"After {epochs} epochs on {len(x)} samples:")
    for name, tr, te, gap, mean_abs, small, norm in rows:
        result(variant=name.split()[0] + ("_" + name.split()[1] if "dropout" in name else ""),
               train_acc=tr, test_acc=te, gap=gap, mean_abs_w1=mean_abs, small_w1=small,
               max_unit_norm=norm)
    base = rows[0]
    print("notes: regularizers keep the model 'simple' so it works on test data; L1 drives "
          "weights to zero, max-norm caps each unit's norm.")
    print("measured: smaller train-test gap than none: "
          + (", ".join(r[0] for r in rows[1:] if r[3] < base[3]) or "none of them")
          + "; higher test accuracy: "
          + (", ".join(r[0] for r in rows[1:] if r[2] > base[2]) or "none of them")
          + f". |W1| < 1e-3: {base[5]:.1%} without, {rows[2][5]:.1%} with L1. (overfitting.py "
          "searches λ and the dropout ratio on a grid.)")
    plot(weights, accs, out / "regularization.png")


if __name__ == "__main__":
    main()
