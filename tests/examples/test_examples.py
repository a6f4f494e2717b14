"""Smoke test of examples/: every script runs with --quick into a temporary folder, and what
it printed (its RESULT lines) shows the effect the course notes describe."""
from __future__ import annotations

import importlib.util
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

BLOCKED = os.environ.get("SCRATCHGRAD_EXAMPLES_BLOCK", "")
SCRIPTS = sorted(p.name for p in EXAMPLES.glob("*.py")
                 if not p.name.startswith("_") and p.name != "mnist_idx.py")


def num(row: dict[str, str], key: str) -> float:
    return math.inf if row[key] == "none" else float(row[key])


def test_the_scripts_are_all_covered():
    """A new script must get a check below (and a line in the README)."""
    assert SCRIPTS == sorted([
        "activation_histograms.py", "activations.py", "babysitting.py", "backprop_graph.py",
        "batchnorm_effect.py", "cnn.py", "compare_inits.py", "compare_optimizers.py", "gates.py",
        "gradient_descent.py", "hyperparameter_search.py", "initialization.py", "losses.py",
        "lr_schedules.py", "mnist.py", "optimizer_paths.py", "overfitting.py",
        "regularization.py", "second_order.py", "train.py"])
    readme = (EXAMPLES.parent / "README.md").read_text()
    for script in SCRIPTS:
        assert f"examples/{script}" in readme, script


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


def test_backprop_graph(run_example, plotting):
    run = run_example("backprop_graph.py")
    # drawn by Graphviz when installed, else by matplotlib
    assert (run.out / "backprop_values.png").exists() == plotting
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
    assert int(rows["SGD"]["y_sign_flips"]) == 30
    for name in ("AdaGrad", "RMSProp"):  # they reach y = 0: rounding wobble is no zig-zag
        assert int(rows[name]["y_sign_flips"]) == 0
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
    assert run.stdout.startswith("data: runs on")  # says it is not the notes' MNIST
    loss = {r["optimizer"]: float(r["final_loss"]) for r in run.results()}
    assert sorted(loss) == sorted(["SGD", "Momentum", "Nesterov", "AdaGrad", "RMSProp",
                                   "AdaDelta", "Adam", "AdamW"])
    assert all(loss[name] < loss["SGD"] for name in loss if name != "SGD")  # SGD slowest
    assert float(run.result(optimizer="Adam")["test_acc"]) > 0.8
    assert {int(r["epochs"]) for r in run.results()} == {3}  # an epochs regime, as the notes


def test_compare_inits(run_example):
    run = run_example("compare_inits.py")
    small, he = run.result(init="std0.01"), run.result(init="He")
    assert abs(float(small["final_loss"]) - float(small["first_loss"])) < 0.05  # stuck
    assert float(he["final_loss"]) < float(small["final_loss"]) - 0.3  # He learns


def test_batchnorm_effect(run_example):
    run = run_example("batchnorm_effect.py")
    assert run.stdout.startswith("data: runs on")
    summary = run.result(summary="batchnorm")
    assert float(summary["mean_batchnorm_acc"]) > float(summary["mean_plain_acc"]) + 0.1
    scales = [r for r in run.results() if "std" in r and "diagnosis" not in r]
    assert len(scales) == int(summary["scales"]) == 3
    assert float(scales[0]["std"]) == 1 and float(scales[-1]["std"]) == 1e-4
    for row in scales:  # BatchNorm learns at every tested scale, from std 1 to 1e-4
        assert float(row["batchnorm_acc"]) > 0.5, row
    for std in ("1", "0.0001"):  # and the notes' lr 0.01 with eps 1e-5 is what stalls it
        stalled = run.result(diagnosis="notes_settings", std=std)
        assert float(stalled["batchnorm_acc"]) < 0.5
    assert "notes:" in run.stdout and "measured:" in run.stdout


def test_overfitting_and_its_cures(run_example, plotting):
    run = run_example("overfitting.py")
    assert run.stdout.startswith("data: runs on")
    assert len(run.results(grid="point")) == 4  # the whole grid is printed
    plain = run.result(variant="plain")
    assert float(plain["train_acc"]) == 1.0 and float(plain["gap"]) > 0.03  # overfits
    chosen = run.result(variant="regularised")  # chosen on validation, not on test
    assert float(chosen["weight_decay"]) > 0 or float(chosen["dropout"]) > 0
    assert float(chosen["test_acc"]) > float(plain["test_acc"])  # regularisation helps
    for key in ("decay", "dropout"):
        assert float(run.result(variant=key)["gap"]) < float(plain["gap"])
    assert (run.out / "overfitting.png").exists() == plotting


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
    if importlib.util.find_spec("tqdm") is not None and "tqdm" not in BLOCKED:
        # tqdm's bar on stderr, with the loss and accuracies in its postfix
        assert "training: 100%" in first.stderr and "val_acc=" in first.stderr
    checkpoint = first.out / "checkpoint.npz"
    resumed = run_example("train.py", "--resume", str(checkpoint), "--epochs", "5", out="b")
    b = resumed.result()
    assert int(b["start_epoch"]) == 3 and "epoch   4/5" in resumed.stdout
    assert "epoch   1/5" not in resumed.stdout
    whole = run_example("train.py", "--schedule", "exponential", "--epochs", "5", out="c")
    c = whole.result()
    for key in ("test_acc", "test_loss", "val_acc", "train_loss"):
        assert b[key] == c[key], key


def test_train_without_scikit_learn_matplotlib_and_tqdm(run_example):
    """The fallback path: generated spirals instead of digits, a notice instead of plots,
    the plain progress bar instead of tqdm's."""
    run = run_example("train.py", block=("sklearn", "matplotlib", "tqdm"))
    assert "scikit-learn is not installed" in run.stdout
    assert "matplotlib is not installed" in run.stdout
    result = run.result()
    assert result["dataset"] == "spiral" and float(result["test_acc"]) > 0.85
    assert not list(run.out.glob("*.png"))
    assert (run.out / "checkpoint.npz").exists()
    assert "training [" in run.stderr and "val_acc=" in run.stderr  # the plain bar's summary


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


def test_activations(run_example, plotting):
    run = run_example("activations.py")
    rows = {r["activation"]: r for r in run.results()}
    assert len(rows) == 13  # every activation of the notes
    for name, row in rows.items():
        assert float(row["grad_error"]) < 1e-6, name  # autograd's derivative is right
    assert float(rows["Leaky_ReLU_0.1"]["f_at_minus_1"]) == pytest.approx(-0.1)  # notes' slope
    for name in ("sigmoid", "tanh"):
        assert rows[name]["saturates"] == "both_ends"
    assert rows["tanh"]["zero_centred"] == "True" and rows["sigmoid"]["zero_centred"] == "False"
    assert rows["ReLU"]["zero_centred"] == "False"
    assert rows["Mish"]["monotone"] == "False" and rows["ReLU"]["monotone"] == "True"
    gelu, approx = rows["GELU_(erf)"], rows["GELU_(tanh)"]
    assert float(gelu["f_at_1"]) == pytest.approx(0.8413447, abs=1e-6)  # 1·Φ(1)
    assert float(approx["f_at_1"]) == pytest.approx(float(gelu["f_at_1"]), abs=1e-3)
    assert (run.out / "activations.png").exists() == plotting


def test_losses(run_example, plotting):
    run = run_example("losses.py")
    svm = {r["image"]: r for r in run.results(loss="svm")}
    for image, expected in (("cat", 2.9), ("car", 0.0), ("frog", 12.9)):  # the notes' values
        assert float(svm[image]["notes_sum"]) == pytest.approx(expected, abs=1e-9)
        assert float(svm[image]["multimargin"]) == pytest.approx(expected / 3, abs=1e-6)
    ce = run.result(loss="softmax_ce")
    assert float(ce["natural_log"]) == pytest.approx(2.04, abs=0.005)
    assert float(ce["log10"]) == pytest.approx(0.89, abs=0.005)  # the notes' base-10 slip
    mse = run.result(loss="mse")
    assert float(mse["half_sum"]) == pytest.approx(0.0975) and float(mse["mean"]) == \
        pytest.approx(0.0195)
    catalogue = run.result(loss="catalogue")
    assert int(catalogue["count"]) == 15 and catalogue["agree"] == catalogue["count"]
    grads = run.result(check="gradients")
    assert float(grads["softmax_ce"]) < 1e-12  # softmax + CE backward is (y - t)/N
    assert float(grads["affine"]) < 1e-12  # dX = dY·Wᵀ, dW = Xᵀ·dY, db = ΣdY
    assert (run.out / "losses.png").exists() == plotting


def test_regularization(run_example, plotting):
    run = run_example("regularization.py")
    ids = run.result(check="identities")
    # the notes' elastic net Σ(βW² + |W|) is (1 + β)·elastic_net_penalty(l1_ratio=1/(1 + β))
    assert float(ids["elastic_mapped"]) == pytest.approx(float(ids["elastic_direct"]), rel=1e-6)
    # vanilla dropout (scale at test) and inverted dropout (scale in training) agree in mean
    for name in ("vanilla", "inverted"):
        assert float(ids[f"{name}_train_mean"]) == pytest.approx(
            float(ids[f"{name}_test_mean"]), rel=0.01)
    assert float(ids["vanilla_test_mean"]) == pytest.approx(0.8)  # keep probability 0.8
    rows = {r["variant"]: r for r in run.results() if "variant" in r}
    assert len(rows) == 8
    assert float(rows["L1"]["small_w1"]) > 5 * float(rows["none"]["small_w1"])  # sparsity
    assert float(rows["L2"]["mean_abs_w1"]) < float(rows["none"]["mean_abs_w1"])
    assert float(rows["max-norm"]["max_unit_norm"]) <= 1.0 + 1e-5
    assert float(rows["none"]["max_unit_norm"]) > 1.0
    for name in ("inverted_dropout", "vanilla_dropout"):
        assert float(rows[name]["gap"]) < float(rows["none"]["gap"])
    for row in rows.values():
        assert float(row["test_acc"]) > 0.8  # every variant still learns
    assert (run.out / "regularization.png").exists() == plotting


def test_initialization(run_example, plotting):
    run = run_example("initialization.py")
    assert run.stdout.startswith("data: runs on")
    for init in ("zeros", "all", "He"):
        assert run.results(part="symmetry", init=init)
    for row in run.results(part="symmetry"):
        if row["init"] == "He":
            assert int(row["distinct_units"]) == 50  # random init breaks the symmetry
        else:  # zero or constant init: every unit of a layer stays the same
            assert int(row["distinct_units"]) == 1
            assert float(row["test_acc"]) < 0.3  # and the net learns next to nothing
    assert len(run.results(part="bias")) == 2
    inits = {(r["activation"], r["init"]): r for r in run.results(part="init")}
    relu_he, relu_lecun = inits["relu", "he"], inits["relu", "lecun"]
    # the notes' √(1/n) shrinks ReLU activations layer by layer; He keeps their spread
    assert float(relu_lecun["last_hidden_std"]) < 0.5 * float(relu_he["last_hidden_std"])
    assert float(relu_he["final_loss"]) < float(relu_lecun["final_loss"])
    assert (run.out / "initialization.png").exists() == plotting


def test_gradient_descent(run_example, plotting):
    run = run_example("gradient_descent.py")
    loss = {r["method"]: float(r["final_loss"]) for r in run.results(part="descent")}
    assert sorted(loss) == ["batch", "mini-batch", "stochastic"]
    # per epoch, many small steps beat one exact step
    assert loss["stochastic"] < loss["batch"] and loss["mini-batch"] < loss["batch"]
    assert all(float(r["seconds"]) > 0 for r in run.results(part="descent"))  # no timing claim
    end = {(r["surface"], r["optimizer"]): r for r in run.results(part="surface")}
    # SGD sits at the saddle (0, 0); Momentum rolls off it to a minimum at y = ±1
    assert abs(float(end["saddle", "SGD"]["y"])) < 0.1
    assert abs(abs(float(end["saddle", "Momentum"]["y"])) - 1) < 0.05
    # SGD stops in the nearer, higher valley; Momentum reaches the lower one
    assert float(end["local", "SGD"]["x"]) == pytest.approx(0.96, abs=0.01)
    assert float(end["local", "Momentum"]["x"]) == pytest.approx(-1.04, abs=0.01)
    assert float(end["local", "Momentum"]["f"]) < float(end["local", "SGD"]["f"])
    for name in ("gradient_descent.png", "gradient_descent_surfaces.png"):
        assert (run.out / name).exists() == plotting
