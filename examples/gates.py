"""Logic gates with perceptrons: AND, NAND and OR with the course notes' weights; XOR, which
no single perceptron can compute, built from two layers and learned by a small MLP.

A perceptron outputs 1 when w1·x1 + w2·x2 > θ. The notes' (w1, w2, θ): AND (0.5, 0.5, 0.7),
NAND (-0.5, -0.5, -0.7), OR (0.5, 0.5, 0.2). XOR's outputs are not linearly separable: a
search over a grid of weights finds no line that gets more than 3 of its 4 cases right,
and neither does a trained single unit; XOR(x) = AND(NAND(x), OR(x)) does, and so does an
MLP with one hidden layer trained by backpropagation.
"""
from __future__ import annotations

from pathlib import Path

# _common first: it limits BLAS threads, which must happen before NumPy loads.
from _common import make_parser, positive_int, print_table, pyplot, result, save_figure, setup

import numpy as np

import autograd as ag
import nn
import optim

INPUTS = np.array([[0, 0], [1, 0], [0, 1], [1, 1]], dtype=np.float32)
TARGETS = {"AND": [0, 0, 0, 1], "NAND": [1, 1, 1, 0], "OR": [0, 1, 1, 1], "XOR": [0, 1, 1, 0]}
WEIGHTS = {"AND": (0.5, 0.5, 0.7), "NAND": (-0.5, -0.5, -0.7), "OR": (0.5, 0.5, 0.2)}


def perceptron(x: np.ndarray, w1: float, w2: float, theta: float) -> np.ndarray:
    """step(w1·x1 + w2·x2 - θ): 1 where the weighted sum exceeds the threshold θ."""
    weighted = ag.Tensor(x) @ ag.Tensor(np.array([w1, w2], dtype=np.float32)) - theta
    return nn.Step()(weighted).data.astype(int)


def best_single_perceptron(targets: np.ndarray) -> tuple[int, tuple[float, float, float]]:
    """Most cases any (w1, w2, θ) on a grid over [-1, 1]³ gets right, and those weights."""
    grid = np.round(np.linspace(-1, 1, 41), 2)
    w1, w2, th = np.meshgrid(grid, grid, grid, indexing="ij")
    sums = INPUTS[:, 0, None] * w1.ravel() + INPUTS[:, 1, None] * w2.ravel()
    correct = ((sums > th.ravel()).astype(int) == targets[:, None]).sum(axis=0)
    i = int(correct.argmax())
    return int(correct[i]), (float(w1.flat[i]), float(w2.flat[i]), float(th.flat[i]))


def train(model: nn.Module, steps: int, lr: float) -> float:
    """Fit XOR with binary cross-entropy; returns the final loss."""
    opt = optim.Adam(model.parameters(), lr=lr)
    x, y = ag.Tensor(INPUTS), ag.Tensor(np.array(TARGETS["XOR"], np.float32)[:, None])
    loss_fn = nn.BCEWithLogitsLoss()
    for _ in range(steps):
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
    return loss.item()


def predict(model: nn.Module, x: np.ndarray) -> np.ndarray:
    with ag.no_grad():
        return (model(ag.Tensor(x.astype(np.float32))).data[:, 0] > 0).astype(int)


def plot(mlp: nn.Module, out_path: Path) -> None:
    plt = pyplot(out_path.name)
    if plt is None:
        return
    grid = np.linspace(-0.5, 1.5, 201)
    gx, gy = np.meshgrid(grid, grid)
    points = np.stack([gx.ravel(), gy.ravel()], axis=1)
    fig, axes = plt.subplots(1, 4, figsize=(14, 3.6))
    panels = [(name, lambda p, w=WEIGHTS[name]: perceptron(p, *w)) for name in WEIGHTS]
    panels.append(("XOR (learned MLP)", lambda p: predict(mlp, p)))
    for ax, (title, fn) in zip(axes, panels):
        ax.contourf(gx, gy, fn(points).reshape(gx.shape), levels=[-0.5, 0.5, 1.5],
                    colors=["#f4d6d6", "#d6e4f4"])
        target = TARGETS[title.split()[0]]
        for (a, b), t in zip(INPUTS, target):
            ax.plot(a, b, "o" if t else "x", color="tab:blue" if t else "tab:red",
                    markersize=10, markeredgewidth=2)
        ax.set(title=title, xlabel="x1", ylabel="x2", aspect="equal")
    fig.suptitle("output 1 (blue) and 0 (red): one line suffices for AND, NAND, OR, not XOR")
    save_figure(fig, out_path)


def main() -> None:
    parser = make_parser(__doc__.splitlines()[0])
    parser.add_argument("--hidden", type=positive_int, default=4,
                        help="hidden units of the XOR MLP")
    parser.add_argument("--steps", type=positive_int, default=500, help="training steps for XOR")
    args = parser.parse_args()
    out = setup(args, __file__)  # a second of work: --quick runs it in full

    rows = [[f"{int(a)} {int(b)}"] for a, b in INPUTS]
    gate_accuracy = {}
    for name, weights in WEIGHTS.items():
        outputs = perceptron(INPUTS, *weights)
        gate_accuracy[name] = float(np.mean(outputs == TARGETS[name]))
        for row, value in zip(rows, outputs):
            row.append(value)
    composed = perceptron(np.stack([perceptron(INPUTS, *WEIGHTS["NAND"]),
                                    perceptron(INPUTS, *WEIGHTS["OR"])], axis=1).astype(
                                        np.float32), *WEIGHTS["AND"])
    for row, value, target in zip(rows, composed, TARGETS["XOR"]):
        row += [value, target]
    print_table(["x1 x2", "AND", "NAND", "OR", "AND(NAND, OR)", "XOR"], rows,
                title="Perceptrons with the notes' weights (w1, w2, θ):")

    xor = np.array(TARGETS["XOR"])
    grid_best, grid_weights = best_single_perceptron(xor)
    single = nn.Dense(2, 1, weight_init="xavier")
    single_loss = train(single, args.steps, lr=0.1)
    single_acc = float(np.mean(predict(single, INPUTS) == xor))
    mlp = nn.Sequential(nn.Dense(2, args.hidden, weight_init="xavier"), nn.Tanh(),
                        nn.Dense(args.hidden, 1, weight_init="xavier"))
    mlp_loss = train(mlp, args.steps, lr=0.1)
    mlp_acc = float(np.mean(predict(mlp, INPUTS) == xor))
    composed_acc = float(np.mean(composed == xor))
    print_table(["model for XOR", "cases right", "accuracy", "final loss"], [
        [f"best perceptron on a grid {grid_weights}", grid_best, grid_best / 4, "-"],
        ["single unit trained (Dense 2→1)", int(single_acc * 4), single_acc, single_loss],
        ["two layers: AND(NAND, OR)", int(composed_acc * 4), composed_acc, "-"],
        [f"MLP 2→{args.hidden}→1 (tanh) trained", int(mlp_acc * 4), mlp_acc, mlp_loss],
    ], title="XOR:")
    for name, acc in gate_accuracy.items():
        result(gate=name, weights=",".join(f"{w:g}" for w in WEIGHTS[name]), acc=acc)
    result(gate="XOR", single_grid_acc=grid_best / 4, single_trained_acc=single_acc,
           composed_acc=composed_acc, mlp_acc=mlp_acc, mlp_loss=mlp_loss)
    plot(mlp, out / "gates.png")


if __name__ == "__main__":
    main()
