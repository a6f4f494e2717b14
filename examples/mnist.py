"""Train an MLP on MNIST or Fashion-MNIST read from the standard IDX files.

Point --data-dir at a folder with train-images-idx3-ubyte, train-labels-idx1-ubyte,
t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (each plain or .gz), or pass --download
to fetch them once into a cache folder (SHA-256 checked). The files are verified (magic
numbers, counts, 28x28 shapes) before training an MLP (Dense, BatchNorm1d, ReLU, Dropout)
with Adam and a cosine schedule; test accuracy and a grid of test images with their
predicted labels are the output.
"""
from __future__ import annotations

import argparse
from pathlib import Path

# _common first: it limits BLAS threads, which must happen before NumPy loads.
from _common import (Progress, make_parser, positive_int, print_table, pyplot, result, save_figure,
                     setup)

import numpy as np

import autograd as ag
import mnist_idx
import optim
from _training import evaluate, mlp, train_epoch

FASHION_LABELS = ("T-shirt", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
                  "Sneaker", "Bag", "Boot")


def parse_args() -> argparse.Namespace:
    parser = make_parser(__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="folder with the four IDX files (plain or .gz)")
    parser.add_argument("--download", choices=sorted(mnist_idx.SOURCES), nargs="?",
                        const="mnist", default=None,
                        help="fetch the files (default: mnist) into --data-dir or "
                             "~/.cache/scratchgrad, verifying SHA-256 sums")
    parser.add_argument("--fashion", action="store_true",
                        help="label the plot with Fashion-MNIST's class names")
    parser.add_argument("--epochs", type=positive_int, default=10)
    parser.add_argument("--batch-size", type=positive_int, default=128)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--train-samples", type=int, default=0,
                        help="use only the first N training images (0: all)")
    args = parser.parse_args()
    if args.data_dir is None and args.download is None:
        parser.error("the IDX files are needed: --data-dir DIR, or --download to fetch them "
                     "(needs the network)")
    return args


def plot(images: np.ndarray, labels: np.ndarray, predicted: np.ndarray,
         names: tuple[str, ...] | None, out_path: Path) -> None:
    plt = pyplot(out_path.name)
    if plt is None:
        return
    n = min(len(images), 24)
    fig, axes = plt.subplots(3, 8, figsize=(12, 5))
    for ax in axes.flat:
        ax.axis("off")
    for ax, image, label, guess in zip(axes.flat, images[:n], labels[:n], predicted[:n]):
        ax.imshow(image, cmap="gray_r")
        text = names[guess] if names else str(guess)
        ax.set_title(text, fontsize=9, color="tab:green" if guess == label else "tab:red")
    fig.suptitle("test images and predicted labels (red: wrong)")
    save_figure(fig, out_path)


def main() -> None:
    args = parse_args()
    out = setup(args, __file__)
    folder = args.data_dir
    try:
        if args.download is not None:
            folder = mnist_idx.download(folder or Path.home() / ".cache" / "scratchgrad",
                                        args.download)
        (train_images, train_labels), (test_images, test_labels) = mnist_idx.load(folder)
    except mnist_idx.IdxError as exc:
        raise SystemExit(f"error: {exc}") from None
    print_table(["split", "images", "shape", "labels", "images per class"], [
        [name, len(im), "x".join(map(str, im.shape[1:])), len(lb),
         " ".join(str(c) for c in np.bincount(lb, minlength=10))]
        for name, im, lb in (("train", train_images, train_labels),
                             ("t10k", test_images, test_labels))
    ], title=f"IDX files in {folder} (verified):")

    limit = args.train_samples or len(train_images)
    if args.quick:
        limit = min(limit, 5000)
    epochs = min(args.epochs, 2) if args.quick else args.epochs
    x = train_images[:limit].reshape(-1, 784).astype(np.float32) / 255.0
    y = train_labels[:limit].astype(np.int64)
    x_test = test_images.reshape(-1, 784).astype(np.float32) / 255.0
    y_test = test_labels.astype(np.int64)

    model = mlp([784, 256, 128, 10], batchnorm=True, dropout=0.2)
    opt = optim.Adam(model.parameters(), lr=args.lr)
    scheduler = optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs)
    rng = np.random.default_rng(args.seed)
    bar = Progress(epochs, "epochs")
    for epoch in range(epochs):
        loss = train_epoch(model, opt, x, y, args.batch_size, rng)
        scheduler.step()
        test_loss, test_acc = evaluate(model, x_test, y_test)
        bar.update()
        bar.set_postfix(loss=f"{loss:.4f}", test_acc=f"{test_acc:.3f}")
        bar.write(f"epoch {epoch + 1:3d}/{epochs}  loss {loss:.4f}  test loss {test_loss:.4f}  "
                  f"test acc {test_acc:.4f}")
    bar.close()

    train_acc = evaluate(model, x, y)[1]
    test_loss, test_acc = evaluate(model, x_test, y_test)
    print_table(["training images", "epochs", "train acc", "test acc", "test loss"],
                [[len(x), epochs, train_acc, test_acc, test_loss]], title="Result:")
    result(train_samples=len(x), epochs=epochs, train_acc=train_acc, test_acc=test_acc,
           test_loss=test_loss)
    model.eval()
    with ag.no_grad():
        predicted = model(ag.Tensor(x_test[:24])).data.argmax(axis=1)
    plot(test_images, test_labels, predicted, FASHION_LABELS if args.fashion else None,
         out / "mnist_predictions.png")


if __name__ == "__main__":
    main()
