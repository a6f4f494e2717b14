"""Smoke test of examples/: every script runs with --quick into a temporary folder, and what
it printed (its RESULT lines) shows the effect the course notes describe."""
from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

SCRIPTS = sorted(p.name for p in EXAMPLES.glob("*.py")
                 if not p.name.startswith("_") and p.name != "mnist_idx.py")


def num(row: dict[str, str], key: str) -> float:
    return math.inf if row[key] == "none" else float(row[key])


def test_the_scripts_are_all_covered():
    """A new script must get a check below (and a line in the README)."""
    assert SCRIPTS == sorted([
        "activation_histograms.py", "babysitting.py", "backprop_graph.py",
        "batchnorm_effect.py", "cnn.py", "compare_inits.py", "compare_optimizers.py", "gates.py",
        "hyperparameter_search.py", "lr_schedules.py", "mnist.py", "optimizer_paths.py",
        "overfitting.py", "second_order.py", "train.py"])


@pytest.mark.parametrize("script", SCRIPTS)
def test_help(script):
    proc = subprocess.run([sys.executable, str(EXAMPLES / script), "--help"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    for option in ("--quick", "--out", "--seed"):
        assert option in proc.stdout


def test_gates_xor(run_example, plotting):
    run = run_example("gates.py")
    for gate in ("AND", "NAND", "OR"):  # the notes' weights compute each gate
        assert float(run.result(gate=gate)["acc"]) == 1.0
    xor = run.result(gate="XOR")
    assert float(xor["single_grid_acc"]) <= 0.75  # no line separates XOR
    assert float(xor["single_trained_acc"]) <= 0.75
    assert float(xor["composed_acc"]) == 1.0
    assert float(xor["mlp_acc"]) == 1.0
    assert (run.out / "gates.png").exists() == plotting


def test_backprop_graph(run_example):
    run = run_example("backprop_graph.py")
    values = {k: float(v) for k, v in run.result().items()}
    assert values == {"f": -7, "wx": -10, "df_dw": 5, "df_dx": -2, "df_db": 1, "df_dwx": 1}
    dot = (run.out / "backprop_graph.dot").read_text()
    assert dot.startswith("digraph") and dot.count("->") == 5  # 3 leaves, mul, add → f
    assert "-7" in (run.out / "backprop_values.dot").read_text()


def test_optimizer_paths(run_example, plotting):
    run = run_example("optimizer_paths.py")
    rows = {r["optimizer"]: r for r in run.results()}
    assert sorted(rows) == ["AdaGrad", "Adam", "Momentum", "Nesterov", "RMSProp", "SGD"]
    path_line = next(line for line in run.stdout.splitlines() if line.startswith("PATH "))
    ys = [float(v) for v in path_line.split("y=")[1].split(",")]
    assert len(ys) == 31 and ys[0] == 2.0
    assert all(a * b < 0 for a, b in zip(ys, ys[1:])), ys  # the zig-zag: a flip every step
    assert abs(ys[-1]) < abs(ys[0])
    assert float(rows["AdaGrad"]["distance"]) < 0.2
    assert float(rows["SGD"]["distance"]) > float(rows["AdaGrad"]["distance"])
    assert (run.out / "optimizer_paths.png").exists() == plotting


def test_activation_histograms(run_example, plotting):
    run = run_example("activation_histograms.py")
    he = run.result(activation="relu", init="He")
    small = run.result(activation="relu", init="std0.01")
    assert num(he, "std5") > 0.5 * num(he, "std1")  # He keeps the spread to layer 5
    assert num(small, "std5") < 1e-3 * num(small, "std1")  # std 0.01 collapses
    assert num(small, "std5") < 1e-3 * num(he, "std5")
    saturated = run.result(activation="sigmoid", init="std1")
    assert float(saturated["extreme_last"]) > 0.3  # sigmoid outputs pushed to 0 and 1
    assert float(run.result(activation="sigmoid", init="Xavier")["extreme_last"]) < 0.05
    for name in ("relu", "sigmoid", "tanh"):
        assert (run.out / f"activation_histograms_{name}.png").exists() == plotting


def test_compare_optimizers(run_example):
    run = run_example("compare_optimizers.py")
    loss = {r["optimizer"]: float(r["final_loss"]) for r in run.results()}
    assert len(loss) == 6
    assert all(loss[name] < loss["SGD"] for name in loss if name != "SGD")
    assert float(run.result(optimizer="Adam")["test_acc"]) > 0.8


def test_compare_inits(run_example):
    run = run_example("compare_inits.py")
    small, he = run.result(init="std0.01"), run.result(init="He")
    assert abs(float(small["final_loss"]) - float(small["first_loss"])) < 0.05  # stuck
    assert float(he["final_loss"]) < float(small["final_loss"]) - 0.3  # He learns


def test_batchnorm_effect(run_example):
    run = run_example("batchnorm_effect.py")
    summary = run.result(summary="batchnorm")
    assert float(summary["mean_batchnorm_acc"]) > float(summary["mean_plain_acc"]) + 0.1
    assert int(summary["batchnorm_better"]) >= int(summary["scales"]) // 2


def test_overfitting_and_its_cures(run_example):
    run = run_example("overfitting.py")
    gap = {key: float(run.result(variant=key)["gap"]) for key in ("plain", "decay", "dropout")}
    assert float(run.result(variant="plain")["train_acc"]) > 0.8
    assert gap["plain"] > 0.03
    assert gap["decay"] < gap["plain"]
    assert gap["dropout"] < gap["plain"]


@pytest.mark.parametrize("folds", [0, 3])
def test_hyperparameter_search(run_example, folds):
    args = ["--trials", "3", "--folds", "3", "--epochs", "10"] if folds else []
    run = run_example("hyperparameter_search.py", *args)
    rows = run.results()
    assert [int(r["rank"]) for r in rows] == list(range(1, len(rows) + 1))
    accs = [float(r["val_acc"]) for r in rows]
    assert accs == sorted(accs, reverse=True)
    for r in rows:
        assert 1e-6 <= float(r["lr"]) <= 1e-2 and 1e-8 <= float(r["weight_decay"]) <= 1e-4
        assert int(r["folds"]) == max(folds, 1)
    if not folds:
        assert len(rows) == 5 and accs[0] > 0.3  # the better rates do learn


def test_lr_schedules(run_example):
    run = run_example("lr_schedules.py")
    rows = {r["schedule"]: r for r in run.results()}
    assert sorted(rows) == ["1/t", "constant", "cosine", "exponential", "step"]
    assert float(rows["constant"]["last_lr"]) == float(rows["constant"]["first_lr"])
    for name in ("exponential", "1/t", "step", "cosine"):
        assert float(rows[name]["last_lr"]) < float(rows[name]["first_lr"])
    for name in ("exponential", "cosine"):
        assert float(rows[name]["train_loss"]) < float(rows["constant"]["train_loss"])


def test_second_order(run_example):
    run = run_example("second_order.py")
    iters = {r["method"]: num(r, "iters") for r in run.results()}
    assert iters["Newton"] <= 10
    assert iters["Newton"] < iters["L-BFGS"] < iters["Adam"]
    assert iters["Newton"] < iters["SGD"]


def test_babysitting(run_example):
    run = run_example("babysitting.py")
    initial = run.result(check="initial_loss")
    assert abs(float(initial["value"]) - float(initial["expected"])) < 0.01  # ln 10
    assert float(initial["with_reg"]) > float(initial["value"])
    assert float(run.result(check="overfit_small")["train_acc"]) == 1.0
    probe = run.result(check="lr_probe")
    assert abs(float(probe["low_lr_change"])) < 1e-3
    high = float(probe["high_lr_loss"])
    assert not math.isfinite(high) or high > 10
    for row in run.results(check="update_ratio"):
        assert 1e-4 < float(row["median"]) < 1e-2  # near the notes' 1e-3
    assert float(run.result(check="training")["val_acc"]) > 0.5


def test_train_quick_and_resume(run_example, plotting):
    """Three epochs, then resumed to five, give exactly what five epochs in one go give."""
    first = run_example("train.py", "--schedule", "exponential", "--epochs", "3", out="a")
    a = first.result()
    assert a["dataset"] in ("digits", "spiral") and int(a["epochs"]) == 3
    assert float(a["test_acc"]) > 0.85  # a sensible accuracy after three epochs
    assert (first.out / "train_curves.png").exists() == plotting
    checkpoint = first.out / "checkpoint.npz"
    resumed = run_example("train.py", "--resume", str(checkpoint), "--epochs", "5", out="b")
    b = resumed.result()
    assert int(b["start_epoch"]) == 3 and "epoch   4/5" in resumed.stdout
    assert "epoch   1/5" not in resumed.stdout
    whole = run_example("train.py", "--schedule", "exponential", "--epochs", "5", out="c")
    c = whole.result()
    for key in ("test_acc", "test_loss", "val_acc", "train_loss"):
        assert b[key] == c[key], key


def test_train_without_scikit_learn_and_matplotlib(run_example):
    """The fallback path: generated spirals instead of digits, a notice instead of plots."""
    run = run_example("train.py", block=("sklearn", "matplotlib"))
    assert "scikit-learn is not installed" in run.stdout
    assert "matplotlib is not installed" in run.stdout
    result = run.result()
    assert result["dataset"] == "spiral" and float(result["test_acc"]) > 0.85
    assert not list(run.out.glob("*.png"))
    assert (run.out / "checkpoint.npz").exists()
    assert "training [" in run.stderr  # the progress bar's summary line


def test_mnist_from_idx_files(run_example, mnist_dir, plotting):
    run = run_example("mnist.py", "--data-dir", str(mnist_dir))
    assert "IDX files in" in run.stdout
    result = run.result()
    assert int(result["train_samples"]) == 400
    assert float(result["test_acc"]) > 0.5  # ten learnable classes: far above chance
    assert (run.out / "mnist_predictions.png").exists() == plotting


def test_mnist_needs_its_files(tmp_path):
    proc = subprocess.run([sys.executable, str(EXAMPLES / "mnist.py"), "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "--data-dir" in proc.stderr
    proc = subprocess.run([sys.executable, str(EXAMPLES / "mnist.py"), "--quick",
                           "--data-dir", str(tmp_path), "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and "error:" in proc.stderr
    assert "no file train-images-idx3-ubyte" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("script, args, message", [
    ("train.py", ["--batch-size", "0"], "--batch-size: must be at least 1"),
    ("train.py", ["--epochs", "0"], "--epochs: must be at least 1"),
    ("train.py", ["--hidden", "abc"], "--hidden"),
    ("train.py", ["--resume", "missing.npz"], "no checkpoint file"),
    ("lr_schedules.py", ["--epochs", "0"], "--epochs: must be at least 1"),
    ("gates.py", ["--steps", "x"], "--steps: expected a whole number"),
])
def test_bad_arguments_fail_with_a_clear_message(tmp_path, script, args, message):
    proc = subprocess.run([sys.executable, str(EXAMPLES / script), "--quick", "--out",
                           str(tmp_path), *args], capture_output=True, text=True, timeout=120,
                          cwd=tmp_path)
    assert proc.returncode == 2 and message in proc.stderr and "Traceback" not in proc.stderr


def test_compare_inits_on_mnist_files(run_example, mnist_dir):
    run = run_example("compare_inits.py", "--data-dir", str(mnist_dir), "--iterations", "100")
    assert "mnist: 400 training and 100 test samples, 784 features" in run.stdout
    small, he = run.result(init="std0.01"), run.result(init="He")
    assert float(he["final_loss"]) < float(small["final_loss"]) - 0.3
