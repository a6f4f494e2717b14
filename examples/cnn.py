"""Train the course notes' SimpleConvNet on images and show the filters it learns.

conv 5x5 (30 filters) → ReLU → max pool 2x2 → Dense(100) → ReLU → Dense(10), softmax
cross-entropy, Adam with a cosine learning-rate schedule. Data: scikit-learn's bundled 8x8
digits, each pixel repeated 2x2 and the image padded to 20x20 so that a 5x5 filter sees strokes
(a pixel's worth of random shift augments the training images), or MNIST read from the IDX
files in --data-dir (28x28, as the course notes use it). Output: the test accuracy and a plot
of the first layer's 5x5 filters before and after training (random noise becomes stroke and
edge detectors, as the notes show).
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

# _common first: it limits BLAS threads, which must happen before NumPy loads.
from _common import make_parser, positive_int, print_table, pyplot, result, save_figure, setup

import numpy as np

import autograd as ag
import mnist_idx
import nn
import optim
from _common import Progress
from _data import load_digits
from _training import evaluate, train_step


def parse_args() -> argparse.Namespace:
    parser = make_parser(__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="folder with MNIST's four IDX files (plain or .gz); without it, "
                             "scikit-learn's bundled digits")
    parser.add_argument("--epochs", type=positive_int, default=20)
    parser.add_argument("--batch-size", type=positive_int, default=32)
    parser.add_argument("--lr", type=float, default=3e-3, help="Adam's initial learning rate")
    parser.add_argument("--filters", type=positive_int, default=30,
                        help="number of 5x5 filters of the convolution")
    parser.add_argument("--hidden", type=positive_int, default=100,
                        help="units of the hidden Dense layer")
    parser.add_argument("--shift", type=int, default=2, choices=range(0, 5),
                        help="training images move by up to this many pixels (augmentation)")
    return parser.parse_args()


def synthetic_digits(n: int = 1800, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Stand-in 8x8 images in [0, 1] when scikit-learn is missing: ten fixed random stroke
    patterns, each drawn with a random intensity, noise and a one-pixel shift."""
    templates = np.random.default_rng(1234).random((10, 10, 10)) > 0.75
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, n)
    rows, cols = rng.integers(0, 3, n), rng.integers(0, 3, n)
    windows = np.lib.stride_tricks.sliding_window_view(templates, (8, 8), axis=(1, 2))
    images = windows[labels, rows, cols] * rng.uniform(0.6, 1.0, (n, 1, 1))
    images = np.clip(images + rng.normal(0.0, 0.1, images.shape), 0.0, 1.0)
    return images.reshape(n, 64).astype(np.float32), labels.astype(np.int64)


def load_images(args: argparse.Namespace) -> tuple[str, tuple, tuple]:
    """(name, (x_train, y_train), (x_test, y_test)) with x of shape (N, 1, H, W) in [0, 1]."""
    if args.data_dir is not None:
        try:
            (xa, ya), (xb, yb) = mnist_idx.load(args.data_dir)
        except mnist_idx.IdxError as exc:
            raise SystemExit(f"error: {exc}") from None
        if args.quick:
            xa, ya, xb, yb = xa[:2000], ya[:2000], xb[:1000], yb[:1000]
        to_float = [(a[:, None] / np.float32(255.0)).astype(np.float32) for a in (xa, xb)]
        return "mnist", (to_float[0], ya.astype(np.int64)), (to_float[1], yb.astype(np.int64))
    digits = load_digits()
    name = "digits"
    if digits is None:
        print("notice: scikit-learn is not installed, so its bundled digits are not available; "
              "using generated 8x8 stroke patterns instead (pip install scikit-learn)")
        digits, name = synthetic_digits(), "synthetic"
    x, y = digits
    images = x.reshape(-1, 1, 8, 8).repeat(2, axis=2).repeat(2, axis=3)  # 16x16
    images = np.pad(images, ((0, 0), (0, 0), (2, 2), (2, 2)))  # 20x20: strokes off the edge
    order = np.random.default_rng(0).permutation(len(x))  # a fixed split for every --seed
    n_test = int(round(0.2 * len(x)))
    test, train = order[:n_test], order[n_test:]
    if args.quick:
        train = train[:600]
    return name, (images[train], y[train]), (images[test], y[test])


def shifted(x: np.ndarray, max_shift: int, rng: np.random.Generator) -> np.ndarray:
    """Each image moved by up to max_shift pixels in each direction (zeros fill in)."""
    if max_shift == 0:
        return x
    m = max_shift
    padded = np.pad(x, ((0, 0), (0, 0), (m, m), (m, m)))
    h, w = x.shape[2:]
    dy, dx = rng.integers(0, 2 * m + 1, len(x)), rng.integers(0, 2 * m + 1, len(x))
    rows = (dy[:, None] + np.arange(h))[:, None, :, None]
    cols = (dx[:, None] + np.arange(w))[:, None, None, :]
    return padded[np.arange(len(x))[:, None, None, None], 0, rows, cols]


def simple_convnet(size: int, filters: int, hidden: int, classes: int = 10) -> nn.Module:
    """conv 5x5 → ReLU → pool 2x2 → Dense → ReLU → Dense (Dense: the course's Affine)."""
    pooled = (size - 4) // 2
    return nn.Sequential(
        nn.Conv2d(1, filters, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Dense(filters * pooled * pooled, hidden), nn.ReLU(), nn.Dense(hidden, classes))


class Bar:
    """tqdm when it is installed, else the scripts' own text bar, behind one interface."""

    def __init__(self, total: int, label: str) -> None:
        try:
            from tqdm import tqdm
        except ImportError:
            self.tqdm, self.plain = None, Progress(total, label)
        else:
            self.tqdm, self.plain = tqdm(total=total, desc=label, unit="batch"), None

    def update(self, status: str) -> None:
        if self.tqdm is not None:
            self.tqdm.set_postfix_str(status, refresh=False)
            self.tqdm.update(1)
        else:
            self.plain.update(1, status)

    def write(self, text: str) -> None:
        if self.tqdm is not None:
            self.tqdm.write(text)
        else:
            self.plain.write(text)

    def close(self) -> None:
        (self.tqdm or self.plain).close()


def plot_filters(before: np.ndarray, after: np.ndarray, out_path: Path) -> None:
    """The first layer's filters as 5x5 gray images, before and after training."""
    plt = pyplot(out_path.name)
    if plt is None:
        return
    n = len(before)
    cols = min(n, 10)
    rows = -(-n // cols)
    fig = plt.figure(figsize=(cols * 0.9, rows * 2 * 0.9 + 0.8))
    for block, (weights, title) in enumerate(((before, "initial"), (after, "learned"))):
        for i, w in enumerate(weights):
            ax = fig.add_subplot(2 * rows, cols, block * rows * cols + i + 1)
            ax.imshow(w[0], cmap="gray_r", interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
            if i == 0:
                ax.set_ylabel(title, fontsize=9)
    fig.suptitle("first layer's 5x5 filters: initial (top) and learned (bottom)")
    save_figure(fig, out_path)


def main() -> None:
    args = parse_args()
    out = setup(args, __file__)
    name, (x, y), (x_test, y_test) = load_images(args)
    epochs = min(args.epochs, 2) if args.quick else args.epochs
    size = x.shape[-1]
    model = simple_convnet(size, args.filters, args.hidden)
    print(model)
    initial = model[0].weight.data.copy()
    opt = optim.Adam(model.parameters(), lr=args.lr)
    scheduler = optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs)
    rng = np.random.default_rng(args.seed)
    batches = -(-len(x) // args.batch_size)
    bar = Bar(epochs * batches, "training")
    start = time.perf_counter()
    for epoch in range(epochs):
        order = rng.permutation(len(x))
        losses = []
        for b in range(batches):
            idx = order[b * args.batch_size:(b + 1) * args.batch_size]
            losses.append(train_step(model, opt, shifted(x[idx], args.shift, rng), y[idx]))
            bar.update(f"loss {losses[-1]:.3f}")
        scheduler.step()
        test_loss, test_acc = evaluate(model, x_test, y_test)
        bar.write(f"epoch {epoch + 1:3d}/{epochs}  loss {np.mean(losses):.4f}  "
                  f"test loss {test_loss:.4f}  test acc {test_acc:.4f}")
    bar.close()
    seconds = time.perf_counter() - start
    train_acc = evaluate(model, x, y)[1]
    test_loss, test_acc = evaluate(model, x_test, y_test)
    print_table(["data", "image", "training images", "epochs", "train acc", "test acc",
                 "seconds"],
                [[name, f"{size}x{size}", len(x), epochs, train_acc, test_acc, seconds]],
                title="Result:")
    result(dataset=name, train_samples=len(x), epochs=epochs, train_acc=train_acc,
           test_acc=test_acc, test_loss=test_loss, seconds=seconds)
    plot_filters(initial, model[0].weight.data, out / "cnn_filters.png")


if __name__ == "__main__":
    main()
