"""Train an MLP classifier (Dense, BatchNorm1d, ReLU, Dropout) with Adam and a learning-rate
schedule on handwritten digits, and report its test accuracy.

The data are scikit-learn's bundled 8x8 digits (1797 images, no download); without
scikit-learn, generated spirals; with --data-dir, MNIST or Fashion-MNIST IDX files. Each
epoch prints the training loss and the train and validation accuracy and saves a checkpoint
(model, optimizer, schedule and random state) with nn.save; --resume CHECKPOINT continues
from one exactly as if the run had not stopped.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

# _common first: it limits BLAS threads, which must happen before NumPy loads.
from _common import (Progress, make_parser, positive_int, print_table, pyplot, result, save_figure,
                     setup)

import numpy as np

import autograd as ag
import nn
import optim
from _data import add_data_args, load
from _training import evaluate, mlp, train_step

OPTIMIZERS = {"adam": optim.Adam, "adamw": optim.AdamW, "nadam": optim.NAdam,
              "sgd": optim.SGD, "momentum": optim.Momentum, "nesterov": optim.Nesterov,
              "rmsprop": optim.RMSprop, "adagrad": optim.Adagrad}
SCHEDULES = ("cosine", "step", "exponential", "inverse-time", "constant")
# Settings a resumed run takes from its checkpoint, so that it continues the same run.
RUN_SETTINGS = ("dataset", "data_dir", "hidden", "dropout", "batch_size", "optimizer", "lr",
                "schedule", "weight_decay", "val_fraction", "seed")


def parse_args() -> argparse.Namespace:
    parser = make_parser(__doc__.split("\n\n")[0].replace("\n", " "))
    add_data_args(parser)
    parser.add_argument("--epochs", type=positive_int, default=30,
                        help="total epochs (with --resume: train until this many)")
    parser.add_argument("--batch-size", type=positive_int, default=64,
                        help="examples per training step")
    parser.add_argument("--hidden", type=str, default="256,128",
                        help="hidden layer widths, comma-separated")
    parser.add_argument("--dropout", type=float, default=0.2, help="dropout probability")
    parser.add_argument("--optimizer", choices=sorted(OPTIMIZERS), default="adam",
                        help="update rule")
    parser.add_argument("--lr", type=float, default=3e-3, help="initial learning rate")
    parser.add_argument("--schedule", choices=SCHEDULES, default="cosine",
                        help="learning-rate schedule, stepped once per epoch")
    parser.add_argument("--weight-decay", type=float, default=1e-4,
                        help="the optimizer's weight_decay (decoupled for adamw)")
    parser.add_argument("--val-fraction", type=float, default=0.1,
                        help="share of the training data held out for validation")
    parser.add_argument("--profile", action="store_true",
                        help="print the per-op profile of the training loop")
    parser.add_argument("--resume", type=Path, default=None, metavar="CHECKPOINT",
                        help="continue a run from its checkpoint; its settings are reused, "
                             "only --epochs, --out and --quick apply")
    args = parser.parse_args()
    if not all(h.strip().isdigit() and int(h) > 0 for h in args.hidden.split(",") if h):
        parser.error(f"--hidden: expected positive widths separated by commas, e.g. 256,128; "
                     f"got {args.hidden!r}")
    if args.resume is not None and not args.resume.is_file():
        parser.error(f"--resume: no checkpoint file at {args.resume}")
    if args.quick and args.epochs == parser.get_default("epochs"):
        args.epochs = 6
    return args


def make_scheduler(name: str, opt: optim.Optimizer, epochs: int) -> Any:
    """The schedule, stepped once per epoch (None for a constant rate)."""
    sched = optim.lr_scheduler
    if name == "cosine":
        return sched.CosineAnnealingLR(opt, T_max=epochs)
    if name == "step":
        return sched.StepLR(opt, step_size=max(1, epochs // 3), gamma=0.1)
    if name == "exponential":
        return sched.ExponentialLR(opt, gamma=0.9)
    if name == "inverse-time":
        return sched.InverseTimeLR(opt, decay_rate=0.1)
    return None


def plot(history: dict[str, list[float]], out_path: Path) -> None:
    plt = pyplot(out_path.name)
    if plt is None:
        return
    epochs = np.arange(1, len(history["loss"]) + 1)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.8))
    ax1.plot(epochs, history["loss"], label="train (mini-batch mean)")
    ax1.plot(epochs, history["val_loss"], label="validation")
    ax1.set(title="loss", xlabel="epoch", ylabel="cross-entropy", yscale="log")
    ax1.legend()
    ax2.plot(epochs, history["train_acc"], label="train")
    ax2.plot(epochs, history["val_acc"], label="validation")
    ax2.set(title="accuracy", xlabel="epoch", ylabel="accuracy")
    ax2.legend()
    save_figure(fig, out_path)


def main() -> None:
    args = parse_args()
    out = setup(args, __file__)
    checkpoint = nn.load(args.resume) if args.resume is not None else None
    if checkpoint is not None:
        for key in RUN_SETTINGS:
            value = checkpoint["settings"][key]
            setattr(args, key, Path(value) if key == "data_dir" and value else value)
        args.download = False

    data = load(args)
    (x_train, y_train), (x_val, y_val) = nn.data.train_val_split(
        data.x_train, data.y_train, val_fraction=args.val_fraction, seed=args.seed)
    print(data.describe() + f"; {len(x_val)} of the training samples held out for validation")

    hidden = [int(h) for h in args.hidden.split(",") if h]
    model = mlp([data.n_features, *hidden, data.n_classes], batchnorm=True,
                dropout=args.dropout)
    opt = OPTIMIZERS[args.optimizer](model.parameters(), lr=args.lr,
                                     weight_decay=args.weight_decay)
    scheduler = make_scheduler(args.schedule, opt, args.epochs)
    history: dict[str, list[float]] = {k: [] for k in
                                       ("loss", "val_loss", "train_acc", "val_acc", "lr")}
    start_epoch = 0
    if checkpoint is not None:
        model.load_state_dict(checkpoint["model"])
        opt.load_state_dict(checkpoint["optimizer"])
        if scheduler is not None:
            scheduler.load_state_dict(checkpoint["scheduler"])
            if args.schedule == "cosine":
                scheduler.T_max = args.epochs  # the cosine ends at the new total
        ag.set_rng_state(checkpoint["rng"])
        history = {k: list(v) for k, v in checkpoint["history"].items()}
        start_epoch = int(checkpoint["epoch"])
        print(f"resumed from {args.resume} after epoch {start_epoch}")
    print(model)

    ckpt_path = out / "checkpoint.npz"
    started = time.perf_counter()
    bar = Progress((args.epochs - start_epoch) * -(-len(x_train) // args.batch_size), "training")
    # --profile: per-op calls and forward/backward times over the training loop.
    with ag.profiler.profile(enabled=args.profile) as prof:
        for epoch in range(start_epoch, args.epochs):
            model.train()
            # A fresh loader per epoch seeded by (seed, epoch): a resumed run sees the same order.
            loader = nn.data.DataLoader(x_train, y_train, batch_size=args.batch_size, shuffle=True,
                                        seed=args.seed * 100_003 + epoch)
            lr = opt.param_groups[0]["lr"]
            losses = []
            for xb, yb in loader:
                if len(xb) > 1:  # BatchNorm needs two samples to estimate a variance
                    losses.append(train_step(model, opt, xb.data, yb.data))
                bar.update()
                if losses:
                    bar.set_postfix(loss=f"{losses[-1]:.4f}", refresh=False)
            if scheduler is not None:
                scheduler.step()
            val_loss, val_acc = evaluate(model, x_val, y_val)
            train_acc = evaluate(model, x_train, y_train)[1]
            for key, value in zip(history, (float(np.mean(losses)), val_loss, train_acc, val_acc,
                                            lr)):
                history[key].append(value)
            bar.set_postfix(loss=f"{history['loss'][-1]:.4f}", train_acc=f"{train_acc:.3f}",
                            val_acc=f"{val_acc:.3f}")
            bar.write(f"epoch {epoch + 1:3d}/{args.epochs}  loss {history['loss'][-1]:.4f}  "
                      f"train acc {train_acc:.4f}  val acc {val_acc:.4f}  lr {lr:.3g}")
            nn.save({"settings": {k: str(v) if isinstance(v, Path) else v
                                  for k, v in vars(args).items() if k in RUN_SETTINGS},
                     "model": model.state_dict(), "optimizer": opt.state_dict(),
                     "scheduler": scheduler.state_dict() if scheduler is not None else None,
                     "rng": ag.get_rng_state(), "history": history, "epoch": epoch + 1},
                    ckpt_path)
    bar.close()
    if args.profile:
        print(prof.table(sort_by="total", row_limit=15))
    elapsed = time.perf_counter() - started

    test_loss, test_acc = evaluate(model, data.x_test, data.y_test)
    final = {k: v[-1] for k, v in history.items()} if history["loss"] else {}
    print_table(["data set", "epochs", "train acc", "val acc", "test acc", "test loss",
                 "seconds"],
                [[data.name, args.epochs, final.get("train_acc", float("nan")),
                  final.get("val_acc", float("nan")), test_acc, test_loss, elapsed]],
                title="Result:")
    print(f"wrote {ckpt_path} (continue with --resume {ckpt_path})")
    result(dataset=data.name, epochs=args.epochs, start_epoch=start_epoch,
           test_acc=test_acc, test_loss=test_loss, val_acc=final.get("val_acc", "none"),
           train_loss=final.get("loss", "none"))
    plot(history, out / "train_curves.png")


if __name__ == "__main__":
    main()
