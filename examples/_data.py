"""Data sets of the examples: scikit-learn's bundled 8x8 digits, MNIST from IDX files, or
generated spirals when neither is at hand. Nothing here touches the network unless the user
asks for `--download`.
"""
from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import mnist_idx
import numpy as np

DATASETS = ("digits", "spiral", "mnist")


@dataclass
class Dataset:
    """Train and test arrays (x float32 of shape (N, features), y int64 class indices)."""

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    n_classes: int

    @property
    def n_features(self) -> int:
        return self.x_train.shape[1]

    def describe(self) -> str:
        return (f"{self.name}: {len(self.x_train)} training and {len(self.x_test)} test "
                f"samples, {self.n_features} features, {self.n_classes} classes")


def add_data_args(parser: argparse.ArgumentParser) -> None:
    """--dataset, --data-dir and --download."""
    parser.add_argument("--dataset", choices=DATASETS, default="digits",
                        help="digits: scikit-learn's bundled 8x8 digits (spirals when "
                             "scikit-learn is missing); mnist: IDX files from --data-dir")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="folder with the MNIST or Fashion-MNIST IDX files "
                             "(plain or .gz); implies --dataset mnist")
    parser.add_argument("--download", action="store_true",
                        help="download MNIST into --data-dir (default ~/.cache/scratchgrad) "
                             "first, verifying SHA-256 sums; needs the network")


def make_spiral(n_per_class: int, n_classes: int = 3, noise: float = 0.2, radius: float = 1.0,
                dims: int = 2, dim_noise: float = 0.0,
                seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Interleaved spiral arms out to `radius`, one per class; not linearly separable.

    With dims > 2 the plane of the spiral is turned at random into `dims` dimensions and
    every coordinate gets N(0, dim_noise²) noise: features that carry nothing but noise, as
    most pixels of a small image set do, give a large network something to overfit.
    """
    rng = np.random.default_rng(seed)
    xs, ys = [], []
    for c in range(n_classes):
        r = np.linspace(0.05, 1.0, n_per_class) * radius
        theta = (np.linspace(c * 4.0, (c + 1) * 4.0, n_per_class)
                 + rng.normal(0.0, noise, n_per_class))
        xs.append(np.stack([r * np.sin(theta), r * np.cos(theta)], axis=1))
        ys.append(np.full(n_per_class, c))
    x = np.concatenate(xs)
    if dims > 2:
        basis = np.linalg.qr(rng.normal(size=(dims, 2)))[0]  # orthonormal columns
        x = x @ basis.T + rng.normal(0.0, dim_noise, (len(x), dims))
    return x.astype(np.float32), np.concatenate(ys).astype(np.int64)


def _split(x: np.ndarray, y: np.ndarray, test_fraction: float, name: str,
           n_classes: int) -> Dataset:
    """A fixed shuffled split (seed 0), so every --seed sees the same test set."""
    order = np.random.default_rng(0).permutation(len(x))
    n_test = int(round(len(x) * test_fraction))
    test, train = order[:n_test], order[n_test:]
    return Dataset(name, x[train], y[train], x[test], y[test], n_classes)


def load_digits() -> tuple[np.ndarray, np.ndarray] | None:
    """scikit-learn's 1797 8x8 digit images scaled to [0, 1], or None without scikit-learn."""
    try:
        from sklearn.datasets import load_digits as sklearn_digits
    except ImportError:
        return None
    bunch = sklearn_digits()  # ships inside the scikit-learn package: no download
    return (bunch.data / 16.0).astype(np.float32), bunch.target.astype(np.int64)


def load(args: argparse.Namespace, test_fraction: float = 0.2) -> Dataset:
    """The data set the command line asks for (see add_data_args)."""
    name = "mnist" if args.data_dir is not None or args.download else args.dataset
    if name == "mnist":
        folder = args.data_dir
        if folder is None and not args.download:
            raise SystemExit("--dataset mnist needs --data-dir DIR (the folder with the IDX "
                             "files) or --download")
        try:
            if args.download:
                folder = mnist_idx.download(folder or Path.home() / ".cache" / "scratchgrad")
            (xa, ya), (xb, yb) = mnist_idx.load(folder)
        except mnist_idx.IdxError as exc:
            raise SystemExit(f"error: {exc}") from None
        flat = [a.reshape(len(a), -1).astype(np.float32) / 255.0 for a in (xa, xb)]
        return Dataset("mnist", flat[0], ya.astype(np.int64), flat[1], yb.astype(np.int64),
                       10)
    if name == "digits":
        digits = load_digits()
        if digits is not None:
            return _split(*digits, test_fraction, "digits", 10)
        print("notice: scikit-learn is not installed, so its bundled digits are not "
              "available; using generated spiral data instead: 3 classes, 64 features "
              "(pip install scikit-learn)")
    # 64 features as the digits have; most of them noise, as most pixels are.
    x, y = make_spiral(600, n_classes=3, radius=4.0, dims=64, dim_noise=0.2)
    return _split(x, y, test_fraction, "spiral", 3)


def print_regime(data: Dataset, notes: str, here: str, notes_data: str = "MNIST") -> None:
    """One line at the start of a script whose experiment the notes ran on other data:
    which data this run uses and how the notes' regime differs (`notes`, `here`)."""
    if data.name == "mnist":
        print(f"data: MNIST-style IDX files, as the notes' {notes_data} run ({notes}); "
              f"here: {here}")
        return
    source = ("scikit-learn's bundled 8x8 digits (1797 images, 64 features)"
              if data.name == "digits" else "generated spirals (scikit-learn is missing)")
    print(f"data: runs on {source}, not the notes' {notes_data} ({notes}); here: {here}; "
          "pass --data-dir DIR for MNIST")
