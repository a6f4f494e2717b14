"""Smoke test of examples/cnn.py: the SimpleConvNet learns on the digits (or their generated
stand-in), on MNIST IDX files, with and without tqdm, and draws its filters."""
from __future__ import annotations


def test_cnn_learns_and_plots_its_filters(run_example, plotting):
    run = run_example("cnn.py")
    row = run.result()
    assert row["dataset"] in ("digits", "synthetic")  # synthetic without scikit-learn
    assert int(row["epochs"]) == 2
    assert float(row["test_acc"]) > 0.5  # ten classes: far above chance after two epochs
    assert (run.out / "cnn_filters.png").exists() == plotting


def test_cnn_without_tqdm_or_scikit_learn(run_example):
    run = run_example("cnn.py", "--shift", "0", block=("tqdm", "sklearn", "matplotlib"))
    row = run.result()
    assert row["dataset"] == "synthetic" and "scikit-learn is not installed" in run.stdout
    assert float(row["test_acc"]) > 0.5
    assert "training [" in run.stderr  # the plain progress bar's summary line
    assert not (run.out / "cnn_filters.png").exists()


def test_cnn_on_mnist_idx_files(run_example, mnist_dir):
    row = run_example("cnn.py", "--data-dir", str(mnist_dir)).result()
    assert row["dataset"] == "mnist" and int(row["train_samples"]) == 400
    assert float(row["test_acc"]) > 0.5
