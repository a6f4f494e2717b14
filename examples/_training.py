"""Model building and training loops shared by the classification examples."""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np
from _common import Progress

import autograd as ag
import nn

ACTIVATIONS: dict[str, Callable[[], nn.Module]] = {
    "relu": lambda: nn.ReLU(),
    "sigmoid": lambda: nn.Sigmoid(),
    "tanh": lambda: nn.Tanh(),
}


def normal_init(std: float) -> Callable[[ag.Tensor], Any]:
    """A Dense `weight_init` drawing N(0, std²) (the notes' fixed-std experiments)."""
    return lambda weight: nn.init.normal_(weight, 0.0, std)


def mlp(sizes: Sequence[int], activation: str = "relu", weight_init: Any = "he",
        batchnorm: bool = False, dropout: float = 0.0) -> nn.Sequential:
    """Dense → [BatchNorm1d] → activation → [Dropout] for each hidden layer, then a Dense
    output layer; `sizes` = (inputs, hidden..., outputs)."""
    layers: list[nn.Module] = []
    for n_in, n_out in zip(sizes[:-2], sizes[1:-1]):
        layers.append(nn.Dense(n_in, n_out, weight_init=weight_init))
        if batchnorm:
            layers.append(nn.BatchNorm1d(n_out))
        layers.append(ACTIVATIONS[activation]())
        if dropout > 0:
            layers.append(nn.Dropout(dropout))
    layers.append(nn.Dense(sizes[-2], sizes[-1], weight_init=weight_init))
    return nn.Sequential(*layers)


def dense_weights(model: nn.Module) -> list[ag.Tensor]:
    """The weights of every Dense layer (what weight decay acts on; biases are left alone)."""
    return [m.weight for m in model.modules() if isinstance(m, nn.Dense)]


def evaluate(model: nn.Module, x: np.ndarray, y: np.ndarray,
             batch_size: int = 2048) -> tuple[float, float]:
    """(mean cross-entropy loss, accuracy) in eval mode, without recording a graph."""
    was_training = model.training
    model.eval()
    loss_fn = nn.CrossEntropyLoss(reduction="sum")
    total_loss, correct = 0.0, 0
    with ag.no_grad():
        for start in range(0, len(x), batch_size):
            xb, yb = x[start:start + batch_size], y[start:start + batch_size]
            logits = model(ag.Tensor(xb))
            total_loss += loss_fn(logits, ag.Tensor(yb)).item()
            correct += int(np.sum(logits.data.argmax(axis=1) == yb))
    model.train(was_training)
    return total_loss / len(x), correct / len(x)


def accuracy(model: nn.Module, x: np.ndarray, y: np.ndarray) -> float:
    return evaluate(model, x, y)[1]


def train_step(model: nn.Module, opt: Any, xb: np.ndarray, yb: np.ndarray,
               weight_decay: float = 0.0) -> float:
    """One update on a mini-batch; returns the data loss (without the decay term).

    `weight_decay` adds the notes' ½·λ·ΣW² over the Dense weights to the loss (so λ·W to
    their gradients), rather than the optimizer's decay, which would also shrink biases.
    """
    opt.zero_grad()
    loss = nn.CrossEntropyLoss()(model(ag.Tensor(xb)), ag.Tensor(yb))
    total = loss
    if weight_decay:
        total = loss + 0.5 * weight_decay * nn.utils.l2_penalty(dense_weights(model))
    total.backward()
    opt.step()
    return loss.item()


def train_epoch(model: nn.Module, opt: Any, x: np.ndarray, y: np.ndarray, batch_size: int,
                rng: np.random.Generator, weight_decay: float = 0.0) -> float:
    """One pass over (x, y) in shuffled mini-batches; returns the mean mini-batch loss."""
    model.train()
    order = rng.permutation(len(x))
    losses = []
    for start in range(0, len(x), batch_size):
        idx = order[start:start + batch_size]
        if len(idx) < 2:  # a lone last sample: BatchNorm cannot take a variance of one value
            continue
        losses.append(train_step(model, opt, x[idx], y[idx], weight_decay))
    return float(np.mean(losses))


def random_batches(n: int, batch_size: int, iterations: int,
                   rng: np.random.Generator) -> list[np.ndarray]:
    """Index arrays of `iterations` mini-batches drawn at random, as the notes' loops do."""
    return [rng.choice(n, size=min(batch_size, n), replace=False) for _ in range(iterations)]


def compare(runs: dict[str, tuple[nn.Module, Any]], x: np.ndarray, y: np.ndarray,
            iterations: int, batch_size: int, rng: np.random.Generator,
            label: str = "iterations", report_every: int = 0) -> dict[str, list[float]]:
    """Train several (model, optimizer) pairs on the same random mini-batches; the loss of
    every iteration per run. `report_every` > 0 prints the losses every so many iterations."""
    losses: dict[str, list[float]] = {name: [] for name in runs}
    for model, _ in runs.values():
        model.train()
    bar = Progress(iterations, label)
    for it, idx in enumerate(random_batches(len(x), batch_size, iterations, rng), start=1):
        for name, (model, opt) in runs.items():
            losses[name].append(train_step(model, opt, x[idx], y[idx]))
        bar.update()
        if it % 10 == 0:
            bar.set_postfix(refresh=False, **{name: f"{v[-1]:.3f}" for name, v in losses.items()})
        if report_every and (it % report_every == 0 or it == iterations):
            bar.write(f"iteration {it:5d}: " + "  ".join(
                f"{name} {np.mean(v[-report_every:]):.4f}" for name, v in losses.items()))
    bar.close()
    return losses
