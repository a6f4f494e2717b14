"""Hidden-layer activation histograms for weight inits × activations (the notes' experiment).

5 layers of 100 neurons, 1000 random inputs (standard normal), no bias. With sigmoid, weights
of std 1 push the activations to 0 and 1 (saturation: vanishing gradients) and std 0.01
squeezes them around 0.5 (every neuron says the same thing); Xavier, std √(1/n) ("lecun"),
keeps them spread. With ReLU only He, std √(2/n), keeps the spread layer after layer; with
std 0.01 the activations shrink towards 0 with depth.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

# _common first: it limits BLAS threads, which must happen before NumPy loads.
from _common import (make_parser, positive_int, print_table, progress, pyplot, result, save_figure,
                     setup)

import numpy as np

import autograd as ag
import nn
from _training import ACTIVATIONS, normal_init

INITS: dict[str, Any] = {"std 1": normal_init(1.0), "std 0.01": normal_init(0.01),
                         "Xavier": "lecun", "He": "he"}


def forward_activations(x: np.ndarray, activation: str, init: Any, layers: int,
                        width: int) -> list[np.ndarray]:
    """The activations of every hidden layer for input x."""
    outputs = []
    h = ag.Tensor(x)
    with ag.no_grad():
        for _ in range(layers):
            dense = nn.Dense(h.shape[1], width, bias=False, weight_init=init)
            h = ACTIVATIONS[activation]()(dense(h))
            outputs.append(h.data)
    return outputs


def extreme_fraction(a: np.ndarray, activation: str) -> float:
    """Share of saturated outputs (sigmoid, tanh) or of exact zeros (ReLU)."""
    if activation == "relu":
        return float(np.mean(a == 0))
    lo, hi = (0.01, 0.99) if activation == "sigmoid" else (-0.99, 0.99)
    return float(np.mean((a < lo) | (a > hi)))


def plot(activation: str, runs: dict[str, list[np.ndarray]], out_path: Path) -> None:
    plt = pyplot(out_path.name)
    if plt is None:
        return
    n_layers = len(next(iter(runs.values())))
    fig, axes = plt.subplots(len(runs), n_layers, figsize=(2.5 * n_layers, 2.0 * len(runs)),
                             sharey="row")
    for r, (init, acts) in enumerate(runs.items()):
        if activation == "relu":
            acts = [a[a > 0] for a in acts]  # half are exact zeros: they would hide the rest
            his = [float(np.percentile(a, 99)) if a.size else 0.0 for a in acts]
            his = [h or 1.0 for h in his]
            # One x range per row shows a spread shrinking layer by layer (Xavier); but where
            # the values grow or shrink ~7x a layer (std 1, std 0.01) one shared axis would
            # squash all layers but one into a single bar: each layer gets its own range.
            own_range = max(his) / min(his) > 20
        for c, a in enumerate(acts):
            if activation == "relu":
                span = (0.0, his[c] if own_range else max(his))
            else:
                span = (0.0, 1.0) if activation == "sigmoid" else (-1.0, 1.0)
            ax = axes[r, c]
            ax.hist(a.ravel(), bins=30, range=span, color="tab:blue")
            ax.set_xlim(*span)
            ax.tick_params(labelsize=7)
            ax.ticklabel_format(axis="x", style="sci", scilimits=(-2, 3))
            ax.xaxis.get_offset_text().set_fontsize(7)
            if r == 0:
                ax.set_title(f"layer {c + 1}", fontsize=9)
            if c == 0:
                ax.set_ylabel(f"{init}\ncount", fontsize=9)
            if r == len(runs) - 1:
                ax.set_xlabel("activation value", fontsize=8)
    note = (" (positive values, zeros left out)\nrows whose scale changes over 20x across "
            "layers: each layer on its own x range" if activation == "relu" else "")
    fig.suptitle(f"{activation} activations by layer and weight init{note}", fontsize=11)
    save_figure(fig, out_path)


def main() -> None:
    parser = make_parser(__doc__.splitlines()[0])
    parser.add_argument("--layers", type=positive_int, default=5)
    parser.add_argument("--width", type=positive_int, default=100, help="neurons per layer")
    parser.add_argument("--samples", type=positive_int, default=1000, help="random input vectors")
    args = parser.parse_args()
    out = setup(args, __file__)  # under a second of work: --quick runs it in full

    x = np.random.default_rng(args.seed).standard_normal((args.samples, args.width))
    x = x.astype(np.float32)
    rows, results = [], []
    for activation in progress(list(ACTIVATIONS), "activations"):  # drawing takes seconds
        runs = {name: forward_activations(x, activation, init, args.layers, args.width)
                for name, init in INITS.items()}
        for name, acts in runs.items():
            stds = [float(a.std()) for a in acts]
            extreme = extreme_fraction(acts[-1], activation)
            rows.append([activation, name, *stds, extreme])
            results.append(dict(activation=activation, init=name.replace(" ", ""),
                                **{f"std{i + 1}": s for i, s in enumerate(stds)},
                                extreme_last=extreme))
        plot(activation, runs, out / f"activation_histograms_{activation}.png")
    print_table(["activation", "init", *[f"std L{i + 1}" for i in range(args.layers)],
                 f"saturated/zero L{args.layers}"], rows,
                title="Standard deviation of each layer's activations:")
    for values in results:
        result(**values)


if __name__ == "__main__":
    main()
