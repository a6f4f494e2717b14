"""Babysitting the learning process: sanity checks, then training while watching the loss,
the train/val accuracy and each layer's update-to-weight ratio (the notes want ~1e-3).

The notes' steps, on a two-layer network (50 hidden units, weights 1e-4·N(0, 1)):
1. the initial loss of 10 classes should be ln 10 ≈ 2.303, and rise when regularization is
   added; 2. the network must overfit 20 samples perfectly; 3. lr 1e-6 barely changes the
   loss (too low) and lr 1e6 makes it explode (too high); 4. train with a sensible rate and
   watch ‖ΔW‖/‖W‖ per layer: far below 1e-3 the rate is too low, far above too high.
"""
from __future__ import annotations

from pathlib import Path
import math
from typing import Any

# _common first: it limits BLAS threads, which must happen before NumPy loads.
from _common import (Progress, make_parser, positive_int, print_table, pyplot, result, save_figure,
                     setup)

import numpy as np

import autograd as ag
import nn
import optim
from _data import add_data_args, load, print_regime
from _training import dense_weights, evaluate, mlp, normal_init, train_step


def two_layer(data: Any, hidden: int) -> nn.Module:
    return mlp([data.n_features, hidden, data.n_classes], weight_init=normal_init(1e-4))


def short_run(data: Any, hidden: int, lr: float, steps: int, weight_decay: float,
              x: np.ndarray, y: np.ndarray, seed: int) -> tuple[nn.Module, list[float]]:
    """A fresh network after `steps` full-batch updates on (x, y), and the loss of each."""
    ag.manual_seed(seed)
    model = two_layer(data, hidden)
    opt = optim.Momentum(model.parameters(), lr=lr, momentum=0.9)
    with np.errstate(all="ignore"):  # lr 1e6 overflows on purpose
        return model, [train_step(model, opt, x, y, weight_decay) for _ in range(steps)]


def train(model: nn.Module, opt: Any, x: np.ndarray, y: np.ndarray, x_val: np.ndarray,
          y_val: np.ndarray, epochs: int, batch_size: int,
          seed: int) -> tuple[dict[str, list[float]], np.ndarray]:
    """Train; the history and ‖ΔW‖/‖W‖ of every Dense weight at every iteration."""
    weights = dense_weights(model)
    rng = np.random.default_rng(seed)
    history: dict[str, list[float]] = {"loss": [], "train_acc": [], "val_acc": []}
    ratios = []
    bar = Progress(epochs, "epochs")
    for epoch in range(epochs):
        model.train()
        order = rng.permutation(len(x))
        epoch_ratios = []
        for start in range(0, len(x), batch_size):
            idx = order[start:start + batch_size]
            before = [w.data.copy() for w in weights]
            history["loss"].append(train_step(model, opt, x[idx], y[idx]))
            epoch_ratios.append([np.linalg.norm(w.data - b) / np.linalg.norm(b)
                                 for w, b in zip(weights, before)])
        ratios += epoch_ratios
        history["train_acc"].append(evaluate(model, x, y)[1])
        history["val_acc"].append(evaluate(model, x_val, y_val)[1])
        mean_ratio = np.mean(epoch_ratios, axis=0)
        loss = np.mean(history["loss"][-len(epoch_ratios):])
        bar.update()
        bar.set_postfix(loss=f"{loss:.4f}", train_acc=f"{history['train_acc'][-1]:.3f}",
                        val_acc=f"{history['val_acc'][-1]:.3f}")
        bar.write(f"epoch {epoch + 1:3d}/{epochs}  loss {loss:.4f}  "
                  f"train acc {history['train_acc'][-1]:.4f}  "
                  f"val acc {history['val_acc'][-1]:.4f}  update/weight "
                  + "  ".join(f"L{i + 1} {r:.1e}" for i, r in enumerate(mean_ratio)))
    bar.close()
    return history, np.array(ratios)


def plot(history: dict[str, list[float]], ratios: np.ndarray, out_path: Path) -> None:
    plt = pyplot(out_path.name)
    if plt is None:
        return
    fig, axes = plt.subplots(1, 3, figsize=(14, 3.8))
    axes[0].plot(history["loss"])
    axes[0].set(title="training loss per iteration", xlabel="iteration", yscale="log")
    epochs = np.arange(1, len(history["train_acc"]) + 1)
    axes[1].plot(epochs, history["train_acc"], label="train")
    axes[1].plot(epochs, history["val_acc"], label="validation")
    axes[1].set(title="accuracy", xlabel="epoch")
    axes[1].legend()
    for layer in range(ratios.shape[1]):
        axes[2].plot(ratios[:, layer], label=f"layer {layer + 1}", linewidth=0.8)
    axes[2].axhline(1e-3, color="0.3", linestyle="--", linewidth=1)
    axes[2].set(title="update / weight ratio ‖ΔW‖/‖W‖ (dashed: 1e-3)", xlabel="iteration",
                yscale="log")
    axes[2].legend()
    save_figure(fig, out_path)


def main() -> None:
    parser = make_parser(__doc__.splitlines()[0])
    add_data_args(parser)
    parser.add_argument("--hidden", type=positive_int, default=50)
    parser.add_argument("--lr", type=float, default=0.01, help="SGD + momentum rate, step 4")
    parser.add_argument("--epochs", type=positive_int, default=30)
    parser.add_argument("--batch-size", type=positive_int, default=64)
    args = parser.parse_args()
    out = setup(args, __file__)
    epochs = min(args.epochs, 8) if args.quick else args.epochs
    data = load(args)
    (x_train, y_train), (x_val, y_val) = nn.data.train_val_split(
        data.x_train, data.y_train, val_fraction=0.2, seed=args.seed)
    print_regime(data, "CIFAR-10's 32x32 colour images, 3072 features", f"{data.n_features} "
                 "features; the checks are the same, train accuracy comes out higher",
                 notes_data="CIFAR-10")
    print(data.describe())
    expected = math.log(data.n_classes)

    # 1. the initial loss, without and with (strong) regularization
    ag.manual_seed(args.seed)
    model = two_layer(data, args.hidden)
    initial = evaluate(model, x_train, y_train)[0]
    with_reg = initial + 0.5 * 1e3 * nn.utils.l2_penalty(dense_weights(model)).item()
    # 2. overfit a tiny subset: 20 samples, no regularization
    small_x, small_y = x_train[:20], y_train[:20]
    small_model, small_losses = short_run(data, args.hidden, 0.5, 200, 0.0, small_x, small_y,
                                          args.seed)
    small_acc = evaluate(small_model, small_x, small_y)[1]
    # 3. learning rates far too low and far too high
    low = short_run(data, args.hidden, 1e-6, 20, 1e-6, x_train, y_train, args.seed)[1]
    high = short_run(data, args.hidden, 1e6, 20, 1e-6, x_train, y_train, args.seed)[1]
    print_table(["check", "value", "what to expect"], [
        ["initial loss", initial, f"ln {data.n_classes} = {expected:.4f}"],
        ["initial loss + ½·λ·ΣW², λ = 1e3", with_reg, "higher than without"],
        ["overfit 20 samples: final loss", small_losses[-1], "close to 0"],
        ["overfit 20 samples: train acc", small_acc, "1.0"],
        ["lr 1e-6: loss change in 20 steps", low[-1] - low[0], "about 0: lr too low"],
        ["lr 1e6: loss after 20 steps", high[-1], "nan or huge: lr too high"],
    ], title="Sanity checks before training:")

    # 4. the real run, watching the update-to-weight ratios. With inputs in [0, 1] and only
    # 64 of them, 1e-4 weights leave the gradients too small to get anywhere in a few
    # epochs, so this network starts from He init.
    print(f"\nTraining from He init with SGD + momentum, lr {args.lr}:")
    ag.manual_seed(args.seed)
    model = mlp([data.n_features, args.hidden, data.n_classes], weight_init="he")
    opt = optim.Momentum(model.parameters(), lr=args.lr, momentum=0.9)
    history, ratios = train(model, opt, x_train, y_train, x_val, y_val, epochs,
                            args.batch_size, args.seed)
    median = np.median(ratios, axis=0)
    print_table(["layer", "weight shape", "median ‖ΔW‖/‖W‖", "verdict"], [
        [i + 1, tuple(w.shape), r, "lr too low?" if r < 1e-4 else "lr too high?" if r > 1e-2
         else "fine (~1e-3)"] for i, (w, r) in enumerate(zip(dense_weights(model), median))
    ], title="Update-to-weight ratio over the run:")
    result(check="initial_loss", value=initial, expected=expected, with_reg=with_reg)
    result(check="overfit_small", samples=20, train_acc=small_acc, loss=small_losses[-1])
    result(check="lr_probe", low_lr_change=low[-1] - low[0], high_lr_loss=high[-1])
    for i, r in enumerate(median):
        result(check="update_ratio", layer=i + 1, median=r)
    result(check="training", epochs=epochs, train_acc=history["train_acc"][-1],
           val_acc=history["val_acc"][-1], final_loss=history["loss"][-1])
    plot(history, ratios, out / "babysitting.png")


if __name__ == "__main__":
    main()
