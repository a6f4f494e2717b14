"""Programs written for PyTorch, ported by changing only the imports.

Each program is written once, PyTorch style, against a namespace `L` that holds what its
imports would: `L.torch` (`import torch` / `import autograd`), `L.nn`, `L.F`
(`torch.nn.functional` / `nn.functional`), `L.optim`, `L.autograd` (`torch.autograd` /
`autograd`), `L.data` (`torch.utils.data` / `nn.data`) and `L.save`/`L.load` (`torch.save` /
`nn.save`). Every program runs on our library alone and must learn; with PyTorch installed it
also runs on PyTorch from the same starting weights and data, in float64, and losses, weights
and gradients must agree after several steps.

The programs: the four polynomial fits of PyTorch's "Learning PyTorch with Examples" (tensors
and autograd, a custom autograd Function, an nn.Module, an optimizer), micrograd's two-moons
demo, a digits classifier (DataLoader, BatchNorm1d, Dropout, AdamW, an LR schedule,
clip_grad_norm_, resuming from checkpoints), Hessian-vector products by double backward, and
a WGAN-GP gradient penalty.

Notes on the port: `Tensor.size` is NumPy's element count (a deliberate difference in the
contract), so the programs write `x.shape[0]` where PyTorch code often writes `x.size(0)`.
Only the CPU exists here: `torch.device("cpu")` ports, other devices raise. Everything runs in
float64 (`dtype=torch.float64`, `model.double()`), in both libraries.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import pytest

import autograd
import nn
import nn.functional as F
import optim


@dataclass(frozen=True)
class Lib:
    """What a program's imports give it: the only thing that differs between the two runs."""

    name: str
    torch: Any
    nn: Any
    F: Any
    optim: Any
    autograd: Any
    data: Any
    save: Callable
    load: Callable


OURS = Lib("ours", autograd, nn, F, optim, autograd, nn.data, nn.save, nn.load)


def _pytorch(what: str) -> Lib:
    torch = pytest.importorskip("torch", reason=f"PyTorch is the oracle for {what}")
    return Lib("torch", torch, torch.nn, torch.nn.functional, torch.optim, torch.autograd,
               torch.utils.data, torch.save, torch.load)


def _np(t: Any) -> np.ndarray:
    """A tensor of either library (or an array) as a NumPy array."""
    t = t.detach() if hasattr(t, "detach") else t
    return np.asarray(t.numpy() if hasattr(t, "numpy") else t)


def _close(a: Any, b: Any, what: str, rtol: float = 1e-9, atol: float = 1e-11) -> None:
    np.testing.assert_allclose(_np(a), _np(b), rtol=rtol, atol=atol, err_msg=what)


def _same_state(ours: Any, ref: Any, rtol: float = 1e-9, atol: float = 1e-11) -> None:
    a, b = ours.state_dict(), ref.state_dict()
    assert list(a) == list(b)
    for name in a:
        _close(a[name], b[name], name, rtol, atol)


# --- Learning PyTorch with Examples: y = sin(x) on [-pi, pi] by a cubic -----------------------

DTYPE = "float64"  # the tutorial's float32, widened so the two libraries can agree tightly


def _sine(L: Lib) -> tuple[Any, Any]:
    dtype = getattr(L.torch, DTYPE)
    device = L.torch.device("cpu")
    x = L.torch.linspace(-math.pi, math.pi, 2000, device=device, dtype=dtype)
    return x, L.torch.sin(x)


def _coefficients(L: Lib, init: Any, fill: tuple) -> list:
    """randn(()) draws, unless `init` gives the values: the comparison feeds PyTorch's draws
    to both runs (the two libraries' generators differ, the programs do not)."""
    dtype = getattr(L.torch, DTYPE)
    device = L.torch.device("cpu")
    if init is None:
        return [L.torch.randn((), device=device, dtype=dtype, requires_grad=True) for _ in fill]
    return [L.torch.full((), float(v), device=device, dtype=dtype, requires_grad=True)
            for v in init]


def poly_tensors(L: Lib, steps: int, init: Any = None) -> tuple[list, list]:
    """Tensors and autograd: manual gradient descent under no_grad."""
    x, y = _sine(L)
    a, b, c, d = _coefficients(L, init, (0, 0, 0, 0))
    learning_rate = 1e-6
    losses = []
    for t in range(steps):
        y_pred = a + b * x + c * x ** 2 + d * x ** 3
        loss = (y_pred - y).pow(2).sum()
        losses.append(loss.item())
        loss.backward()
        with L.torch.no_grad():
            a -= learning_rate * a.grad
            b -= learning_rate * b.grad
            c -= learning_rate * c.grad
            d -= learning_rate * d.grad
            a.grad = None
            b.grad = None
            c.grad = None
            d.grad = None
    return losses, [a, b, c, d]


def poly_function(L: Lib, steps: int) -> tuple[list, list]:
    """A custom autograd Function: y = a + b P3(c + d x), P3 the Legendre polynomial."""

    class LegendrePolynomial3(L.autograd.Function):
        @staticmethod
        def forward(ctx, input):
            ctx.save_for_backward(input)
            return 0.5 * (5 * input ** 3 - 3 * input)

        @staticmethod
        def backward(ctx, grad_output):
            input, = ctx.saved_tensors
            return grad_output * 1.5 * (5 * input ** 2 - 1)

    x, y = _sine(L)
    a, b, c, d = _coefficients(L, (0.0, -1.0, 0.0, 0.3), (0, 0, 0, 0))
    learning_rate = 5e-6
    losses = []
    for t in range(steps):
        P3 = LegendrePolynomial3.apply
        y_pred = a + b * P3(c + d * x)
        loss = (y_pred - y).pow(2).sum()
        losses.append(loss.item())
        loss.backward()
        with L.torch.no_grad():
            for p in (a, b, c, d):
                p -= learning_rate * p.grad
                p.grad = None
    return losses, [a, b, c, d]


def polynomial3(L: Lib) -> Any:
    class Polynomial3(L.nn.Module):
        def __init__(self):
            super().__init__()
            self.a = L.nn.Parameter(L.torch.randn(()))
            self.b = L.nn.Parameter(L.torch.randn(()))
            self.c = L.nn.Parameter(L.torch.randn(()))
            self.d = L.nn.Parameter(L.torch.randn(()))

        def forward(self, x):
            return self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3

        def string(self):
            return (f"y = {self.a.item()} + {self.b.item()} x + {self.c.item()} x^2 + "
                    f"{self.d.item()} x^3")

    return Polynomial3().double()


def poly_module(L: Lib, model: Any, steps: int) -> list:
    """nn.Module with Parameters, MSELoss(reduction='sum') and SGD."""
    x, y = _sine(L)
    criterion = L.nn.MSELoss(reduction="sum")
    optimizer = L.optim.SGD(model.parameters(), lr=1e-6)
    losses = []
    for t in range(steps):
        y_pred = model(x)
        loss = criterion(y_pred, y)
        losses.append(loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return losses


def poly_linear(L: Lib) -> Any:
    return L.nn.Sequential(L.nn.Linear(3, 1), L.nn.Flatten(0, 1)).double()


def poly_optim(L: Lib, model: Any, steps: int) -> list:
    """x, x², x³ as features of a Linear layer, trained with RMSprop."""
    x, y = _sine(L)
    p = L.torch.tensor([1, 2, 3])
    xx = x.unsqueeze(-1).pow(p)
    loss_fn = L.nn.MSELoss(reduction="sum")
    optimizer = L.optim.RMSprop(model.parameters(), lr=1e-3)
    losses = []
    for t in range(steps):
        y_pred = model(xx)
        loss = loss_fn(y_pred, y)
        losses.append(loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    linear_layer = model[0]
    assert isinstance(linear_layer.bias[0].item(), float)
    assert isinstance(linear_layer.weight[:, 0].item(), float)
    return losses


def test_polynomial_tutorial_learns_on_our_library():
    autograd.manual_seed(0)
    losses, coeffs = poly_tensors(OURS, 2000)
    assert losses[-1] < losses[0] / 20 and losses[-1] < 20  # the tutorial ends near 9
    assert coeffs[3].item() == pytest.approx(-0.0928, abs=0.02)  # sin x ≈ x - 0.093 x³ here
    losses, coeffs = poly_function(OURS, 2000)
    assert losses[-1] < losses[0] / 10 and losses[-1] < 20
    model = polynomial3(OURS)
    losses = poly_module(OURS, model, 2000)
    assert losses[-1] < losses[0] / 20 and "x^3" in model.string()
    losses = poly_optim(OURS, poly_linear(OURS), 2000)
    assert losses[-1] < losses[0] / 20 and losses[-1] < 20


def test_polynomial_tutorial_matches_pytorch():
    """Same starting coefficients (PyTorch's draws, copied in), same steps, same results."""
    T = _pytorch("the polynomial tutorial")
    T.torch.manual_seed(0)
    init = [T.torch.randn((), dtype=T.torch.float64).item() for _ in range(4)]
    for program in (poly_tensors, lambda L, n: poly_function(L, n)):
        kwargs = {"init": init} if program is poly_tensors else {}
        ref_losses, ref_coeffs = program(T, 300, **kwargs)
        losses, coeffs = program(OURS, 300, **kwargs)
        _close(losses, ref_losses, "losses")
        for ours, ref in zip(coeffs, ref_coeffs):
            _close(ours, ref, "coefficient")
    for build, program in ((polynomial3, poly_module), (poly_linear, poly_optim)):
        ref = build(T)
        ours = build(OURS)
        ours.load_state_dict(ref.state_dict())
        _close(program(OURS, ours, 300), program(T, ref, 300), "losses")
        _same_state(ours, ref)


# --- micrograd's two-moons demo ---------------------------------------------------------------

def make_moons(n_samples: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved half circles (scikit-learn's make_moons, drawn with NumPy)."""
    rng = np.random.default_rng(seed)
    n_out, n_in = n_samples // 2, n_samples - n_samples // 2
    t_out, t_in = np.linspace(0, np.pi, n_out), np.linspace(0, np.pi, n_in)
    X = np.concatenate([np.stack([np.cos(t_out), np.sin(t_out)], 1),
                        np.stack([1 - np.cos(t_in), 0.5 - np.sin(t_in)], 1)])
    y = np.concatenate([np.zeros(n_out), np.ones(n_in)])
    return X + rng.normal(scale=noise, size=X.shape), y


def moons_mlp(L: Lib) -> Any:
    return L.nn.Sequential(L.nn.Linear(2, 16), L.nn.ReLU(), L.nn.Linear(16, 16), L.nn.ReLU(),
                           L.nn.Linear(16, 1)).double()


def moons_program(L: Lib, model: Any, X: np.ndarray, y: np.ndarray, steps: int = 100
                  ) -> tuple[list, list]:
    """The SVM max-margin loss plus L2, full-batch SGD with micrograd's decaying rate."""
    Xb = L.torch.tensor(X)
    yb = L.torch.tensor(y * 2 - 1).unsqueeze(1)  # labels -1 / +1
    alpha = 1e-4
    losses, accuracies = [], []
    for k in range(steps):
        scores = model(Xb)
        data_loss = L.F.relu(1 + -yb * scores).mean()
        reg_loss = alpha * sum((p * p).sum() for p in model.parameters())
        total_loss = data_loss + reg_loss
        accuracies.append(((yb > 0) == (scores > 0)).float().mean().item())
        model.zero_grad()
        total_loss.backward()
        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad
        losses.append(total_loss.item())
    return losses, accuracies


def test_moons_demo_learns_on_our_library():
    X, y = make_moons(100, 0.1, seed=1)
    autograd.manual_seed(1)
    losses, accuracies = moons_program(OURS, moons_mlp(OURS), X, y)
    assert losses[-1] < losses[0] / 5
    assert accuracies[-1] >= 0.95


def test_moons_demo_matches_pytorch():
    T = _pytorch("the moons demo")
    X, y = make_moons(100, 0.1, seed=2)
    T.torch.manual_seed(2)
    ref = moons_mlp(T)
    ours = moons_mlp(OURS)
    ours.load_state_dict(ref.state_dict())
    # 30 steps: ReLU kinks make a long run sensitive to the last bit, as between any two BLASes
    losses, accuracies = moons_program(OURS, ours, X, y, steps=30)
    ref_losses, ref_accuracies = moons_program(T, ref, X, y, steps=30)
    _close(losses, ref_losses, "losses", rtol=1e-8)
    assert accuracies == ref_accuracies
    _same_state(ours, ref, rtol=1e-7, atol=1e-9)
    for p, q in zip(ours.parameters(), ref.parameters()):
        _close(p.grad, q.grad, "gradient", rtol=1e-6, atol=1e-9)


# --- a digits classifier: DataLoader, BatchNorm1d, Dropout, AdamW, a schedule, resuming -------

def make_digits(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """8×8 'digits': ten noisy class prototypes, standardised (no scikit-learn needed)."""
    rng = np.random.default_rng(seed)
    prototypes = rng.uniform(0, 16, size=(10, 64))
    y = rng.integers(0, 10, size=n)
    X = prototypes[y] + rng.normal(scale=6.0, size=(n, 64))
    return (X - X.mean(0)) / X.std(0), y.astype(np.int64)


def digits_net(L: Lib, p_drop: float) -> Any:
    class Net(L.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = L.nn.Linear(64, 48)
            self.bn1 = L.nn.BatchNorm1d(48)
            self.drop = L.nn.Dropout(p_drop)
            self.fc2 = L.nn.Linear(48, 10)

        def forward(self, x):
            return self.fc2(self.drop(L.F.relu(self.bn1(self.fc1(x)))))

    return Net().double()


def digits_fit(L: Lib, model: Any, X: np.ndarray, y: np.ndarray, epochs: int,
               schedule: str = "step", sampler: Any = None, resume: Any = None,
               save_at: Any = None) -> tuple[list, list]:
    """Train with AdamW, StepLR or CosineAnnealingLR and gradient clipping; optionally resume
    from a checkpoint of the model, optimizer, scheduler and random state, or write one.
    Returns the batch losses and each epoch's learning rate."""
    loader = L.data.DataLoader(L.data.TensorDataset(L.torch.tensor(X), L.torch.tensor(y)),
                               batch_size=32, shuffle=sampler is None, sampler=sampler)
    optimizer = L.optim.AdamW(model.parameters(), lr=1e-2, weight_decay=1e-2)
    if schedule == "step":
        scheduler = L.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
    else:
        scheduler = L.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)
    start = 0
    if resume is not None:
        checkpoint = L.load(resume)
        model.load_state_dict(checkpoint["model"])
        optimizer.load_state_dict(checkpoint["optimizer"])
        scheduler.load_state_dict(checkpoint["scheduler"])
        L.torch.set_rng_state(checkpoint["rng"])
        start = checkpoint["epoch"]
    losses, rates = [], []
    for epoch in range(start, epochs):
        rates.append(scheduler.get_last_lr()[0])
        assert optimizer.param_groups[0]["lr"] == rates[-1]
        model.train()
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = L.F.cross_entropy(model(xb), yb)
            loss.backward()
            L.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
            optimizer.step()
            losses.append(loss.item())
        scheduler.step()
        if save_at is not None and epoch + 1 == save_at[0]:
            L.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                    "scheduler": scheduler.state_dict(), "rng": L.torch.get_rng_state(),
                    "epoch": epoch + 1}, save_at[1])
            return losses, rates
    return losses, rates


def digits_accuracy(L: Lib, model: Any, X: np.ndarray, y: np.ndarray) -> float:
    loader = L.data.DataLoader(L.data.TensorDataset(L.torch.tensor(X), L.torch.tensor(y)),
                               batch_size=100)
    model.eval()
    correct = total = 0
    with L.torch.no_grad():
        for xb, yb in loader:
            predictions = model(xb).argmax(dim=1)
            correct += (predictions == yb).sum().item()
            total += len(yb)
    return correct / total


class EpochPermutations:
    """A sampler both DataLoaders accept: pass k of the loader yields the permutation seeded by
    (seed, k). It stands in for shuffle=True where the two runs must see the same batches
    (their generators differ); `first_pass` lets a resumed run continue the sequence."""

    def __init__(self, n: int, seed: int, first_pass: int = 0) -> None:
        self.n, self.seed, self.passes = n, seed, first_pass

    def __iter__(self):
        order = np.random.default_rng((self.seed, self.passes)).permutation(self.n)
        self.passes += 1
        return iter(order.tolist())

    def __len__(self) -> int:
        return self.n


@pytest.mark.parametrize("schedule", ["step", "cosine"])
def test_digits_training_learns_and_resumes_on_our_library(tmp_path, schedule):
    """shuffle=True and Dropout(0.2) draw from our generator; the checkpoint holds its state
    (as a PyTorch script saves torch.get_rng_state()), so the resumed run is the same run."""
    X, y = make_digits(600, seed=3)
    X_train, y_train, X_test, y_test = X[:480], y[:480], X[480:], y[480:]
    autograd.manual_seed(3)
    model = digits_net(OURS, 0.2)
    initial = {k: np.array(v) for k, v in model.state_dict().items()}
    state = autograd.get_rng_state()
    losses, rates = digits_fit(OURS, model, X_train, y_train, 4, schedule)
    assert rates[0] == 1e-2 and rates[-1] < rates[0]
    assert np.mean(losses[-15:]) < np.mean(losses[:3]) / 4
    assert digits_accuracy(OURS, model, X_test, y_test) > 0.8

    again = digits_net(OURS, 0.2)
    again.load_state_dict(initial)
    autograd.set_rng_state(state)
    path = tmp_path / "checkpoint.npz"
    first, first_rates = digits_fit(OURS, again, X_train, y_train, 4, schedule,
                                    save_at=(2, path))
    resumed = digits_net(OURS, 0.2)  # fresh weights: the checkpoint must restore everything
    autograd.manual_seed(99)
    rest, rest_rates = digits_fit(OURS, resumed, X_train, y_train, 4, schedule, resume=path)
    np.testing.assert_array_equal(first + rest, losses)
    assert first_rates + rest_rates == rates
    _same_state(resumed, model, rtol=0, atol=0)


@pytest.mark.parametrize("schedule", ["step", "cosine"])
def test_digits_training_matches_pytorch_across_a_resume(tmp_path, schedule):
    """Same initial weights (PyTorch's, loaded), the same batches through a sampler both accept,
    and Dropout(p=0) in training mode (the masks would come from different generators; p=0
    keeps the layer in the program and BatchNorm in its batch-statistics mode). PyTorch runs
    uninterrupted; ours stops after two epochs, writes a checkpoint, and a fresh model,
    optimizer and scheduler resume from it."""
    T = _pytorch("the digits training script")
    X, y = make_digits(400, seed=4)
    T.torch.manual_seed(4)
    ref = digits_net(T, 0.0)
    ours = digits_net(OURS, 0.0)
    ours.load_state_dict(ref.state_dict())
    n = len(X)
    ref_losses, ref_rates = digits_fit(T, ref, X, y, 4, schedule,
                                       sampler=EpochPermutations(n, 7))
    path = tmp_path / "checkpoint.npz"
    first, first_rates = digits_fit(OURS, ours, X, y, 4, schedule,
                                    sampler=EpochPermutations(n, 7), save_at=(2, path))
    resumed = digits_net(OURS, 0.0)
    rest, rest_rates = digits_fit(OURS, resumed, X, y, 4, schedule,
                                  sampler=EpochPermutations(n, 7, first_pass=2), resume=path)
    _close(first_rates + rest_rates, ref_rates, "learning rates", rtol=1e-15, atol=0)
    assert len(first + rest) == len(ref_losses) == 4 * math.ceil(n / 32)
    _close(first + rest, ref_losses, "losses", rtol=1e-7)
    _same_state(resumed, ref, rtol=1e-6, atol=1e-8)
    for p, q in zip(resumed.parameters(), ref.parameters()):
        _close(p.grad, q.grad, "gradient (after clipping)", rtol=1e-5, atol=1e-8)
    assert digits_accuracy(OURS, resumed, X, y) == digits_accuracy(T, ref, X, y)


# --- double backward: Hessian-vector products and a WGAN-GP gradient penalty ------------------

def hvp_net(L: Lib) -> Any:
    return L.nn.Sequential(L.nn.Linear(3, 8), L.nn.Tanh(), L.nn.Linear(8, 8), L.nn.Softplus(),
                           L.nn.Linear(8, 1)).double()


def hessian_vector_product(L: Lib, model: Any, x: Any, y: Any, v: list) -> tuple[Any, list]:
    """H v for the loss's Hessian in the parameters: grad of (grad loss · v)."""
    params = list(model.parameters())
    loss = L.F.mse_loss(model(x), y)
    grads = L.autograd.grad(loss, params, create_graph=True)
    dot = sum((g * vi).sum() for g, vi in zip(grads, v))
    hv = L.autograd.grad(dot, params)
    return loss, [h.detach() for h in hv]


def newton_cg(L: Lib, model: Any, x: Any, y: Any, steps: int, iters: int = 10) -> list:
    """Damped truncated Newton: conjugate gradients on (H + λI) d = -g with Hessian-vector
    products; a step that raises the loss is undone and λ grows, else λ shrinks."""
    params = list(model.parameters())
    damping = 1.0
    losses = [L.F.mse_loss(model(x), y).item()]
    for _ in range(steps):
        loss = L.F.mse_loss(model(x), y)
        g = [gi.detach() for gi in L.autograd.grad(loss, params)]
        d = [L.torch.zeros_like(gi) for gi in g]
        r = [-gi for gi in g]
        p = [ri.clone() for ri in r]
        rr = sum((ri * ri).sum() for ri in r)
        for _ in range(iters):
            _, hp = hessian_vector_product(L, model, x, y, p)
            hp = [hi + damping * pi for hi, pi in zip(hp, p)]
            step = rr / sum((pi * hi).sum() for pi, hi in zip(p, hp))
            d = [di + step * pi for di, pi in zip(d, p)]
            r = [ri - step * hi for ri, hi in zip(r, hp)]
            rr_new = sum((ri * ri).sum() for ri in r)
            p = [ri + (rr_new / rr) * pi for ri, pi in zip(r, p)]
            rr = rr_new
        with L.torch.no_grad():
            for param, di in zip(params, d):
                param += di
            new_loss = L.F.mse_loss(model(x), y).item()
        if new_loss < losses[-1]:
            damping /= 2
            losses.append(new_loss)
        else:
            with L.torch.no_grad():
                for param, di in zip(params, d):
                    param -= di
            damping *= 4
            losses.append(losses[-1])
    return losses


def _regression(seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(64, 3))
    return x, np.sin(x @ np.array([[1.0], [-0.5], [0.3]]))


def test_hessian_vector_products_on_our_library():
    """H v agrees with central differences of the gradient, and drives a Newton-CG fit."""
    autograd.manual_seed(5)
    model = hvp_net(OURS)
    x, y = (autograd.tensor(a) for a in _regression(5))
    params = list(model.parameters())
    rng = np.random.default_rng(5)
    v = [autograd.tensor(rng.normal(size=p.shape)) for p in params]
    _, hv = hessian_vector_product(OURS, model, x, y, v)

    def gradient_at(sign: float) -> list:
        eps = 1e-5
        with autograd.no_grad():
            for p, vi in zip(params, v):
                p += sign * eps * vi
        loss = F.mse_loss(model(x), y)
        g = [gi.data.copy() for gi in autograd.grad(loss, params)]
        with autograd.no_grad():
            for p, vi in zip(params, v):
                p -= sign * eps * vi
        return g

    plus, minus = gradient_at(1.0), gradient_at(-1.0)
    for h, gp, gm in zip(hv, plus, minus):
        np.testing.assert_allclose(h.data, (gp - gm) / 2e-5, rtol=1e-5, atol=1e-7)
    losses = newton_cg(OURS, model, x, y, steps=8)
    assert losses[-1] < losses[0] / 20


def test_hessian_vector_products_match_pytorch():
    T = _pytorch("Hessian-vector products")
    T.torch.manual_seed(6)
    ref = hvp_net(T)
    ours = hvp_net(OURS)
    ours.load_state_dict(ref.state_dict())
    xa, ya = _regression(6)
    rng = np.random.default_rng(6)
    va = [rng.normal(size=tuple(p.shape)) for p in ref.parameters()]
    loss, hv = hessian_vector_product(OURS, ours, autograd.tensor(xa), autograd.tensor(ya),
                                      [autograd.tensor(a) for a in va])
    ref_loss, ref_hv = hessian_vector_product(T, ref, T.torch.tensor(xa), T.torch.tensor(ya),
                                              [T.torch.tensor(a) for a in va])
    _close(loss, ref_loss, "loss", rtol=1e-12)
    for ours_h, ref_h in zip(hv, ref_hv):
        _close(ours_h, ref_h, "Hessian-vector product", rtol=1e-9, atol=1e-12)
    losses = newton_cg(OURS, ours, autograd.tensor(xa), autograd.tensor(ya), steps=4)
    ref_losses = newton_cg(T, ref, T.torch.tensor(xa), T.torch.tensor(ya), steps=4)
    _close(losses, ref_losses, "Newton-CG losses", rtol=1e-7)
    _same_state(ours, ref, rtol=1e-6, atol=1e-9)


def wgan_critic(L: Lib) -> Any:
    return L.nn.Sequential(L.nn.Linear(2, 32), L.nn.LeakyReLU(0.2), L.nn.Linear(32, 32),
                           L.nn.Tanh(), L.nn.Linear(32, 1)).double()


def wgan_generator(L: Lib) -> Any:
    return L.nn.Sequential(L.nn.Linear(4, 32), L.nn.ReLU(), L.nn.Linear(32, 2)).double()


def gradient_penalty(L: Lib, D: Any, real: Any, fake: Any, alpha: Any) -> Any:
    """(‖∇ₓ D(x̂)‖₂ − 1)² at x̂ between real and fake samples, differentiable in D's weights."""
    x_hat = (alpha * real + (1 - alpha) * fake.detach()).requires_grad_(True)
    d_hat = D(x_hat)
    grads = L.autograd.grad(outputs=d_hat, inputs=x_hat, grad_outputs=L.torch.ones_like(d_hat),
                            create_graph=True, retain_graph=True)[0]
    return ((grads.norm(2, dim=1) - 1) ** 2).mean()


def wgan_gp(L: Lib, D: Any, G: Any, real_batches: list, draw: Callable, n_critic: int = 3,
            lambda_gp: float = 10.0, lr: float = 3e-4, betas: tuple = (0.0, 0.9)
            ) -> tuple[list, list]:
    """WGAN-GP: n_critic critic steps (Wasserstein loss plus the penalty) per generator step,
    Adam with the paper's β = (0, 0.9).
    `draw(n, k)` is `torch.rand(n, k)` or `torch.randn(n, k)`'s stand-in (see the tests)."""
    opt_D = L.optim.Adam(D.parameters(), lr=lr, betas=betas)
    opt_G = L.optim.Adam(G.parameters(), lr=lr, betas=betas)
    critic_losses, generator_losses = [], []
    for i, real_np in enumerate(real_batches):
        real = L.torch.tensor(real_np)
        n = real.shape[0]
        fake = G(draw("randn", n, 4))
        alpha = draw("rand", n, 1)  # broadcasts over the two coordinates
        gp = gradient_penalty(L, D, real, fake, alpha)
        loss_D = D(fake.detach()).mean() - D(real).mean() + lambda_gp * gp
        opt_D.zero_grad()
        loss_D.backward()
        opt_D.step()
        critic_losses.append(loss_D.item())
        if (i + 1) % n_critic == 0:
            loss_G = -D(G(draw("randn", n, 4))).mean()
            opt_G.zero_grad()
            loss_G.backward()
            opt_G.step()
            generator_losses.append(loss_G.item())
    return critic_losses, generator_losses


def _real_batches(count: int, seed: int) -> list:
    rng = np.random.default_rng(seed)
    return [rng.normal(loc=(2.0, -1.0), scale=0.3, size=(32, 2)) for _ in range(count)]


def _library_draws(L: Lib) -> Callable:
    return lambda kind, *shape: getattr(L.torch, kind)(*shape, dtype=L.torch.float64)


def test_wgan_gp_learns_on_our_library():
    """The generator's samples move onto the real data (mean (2, -1)), and the penalty keeps
    the critic's input gradient near norm 1."""
    autograd.manual_seed(7)
    D, G = wgan_critic(OURS), wgan_generator(OURS)
    draws = _library_draws(OURS)
    with autograd.no_grad():
        start = np.linalg.norm(G(draws("randn", 256, 4)).data.mean(0) - (2.0, -1.0))
    wgan_gp(OURS, D, G, _real_batches(1800, 7), draws)
    with autograd.no_grad():
        end = np.linalg.norm(G(draws("randn", 256, 4)).data.mean(0) - (2.0, -1.0))
    # a GAN's samples circle the target rather than settle: the margin allows for that
    assert end < start / 2.5
    real = autograd.tensor(_real_batches(1, 8)[0])
    penalty = gradient_penalty(OURS, D, real, G(draws("randn", 32, 4)), draws("rand", 32, 1))
    assert penalty.item() < 0.2


def test_wgan_gp_matches_pytorch():
    """Same weights (PyTorch's, loaded) and the same noise: the z and alpha draws come from one
    NumPy generator per run, made into each library's tensors (the libraries' own rand/randn
    streams differ; the program's calls do not)."""
    T = _pytorch("the WGAN-GP gradient penalty")
    T.torch.manual_seed(8)
    refs = wgan_critic(T), wgan_generator(T)
    ours = wgan_critic(OURS), wgan_generator(OURS)
    for a, b in zip(ours, refs):
        a.load_state_dict(b.state_dict())

    def numpy_draws(L: Lib) -> Callable:
        rng = np.random.default_rng(9)
        return lambda kind, *shape: L.torch.tensor(
            rng.random(shape) if kind == "rand" else rng.standard_normal(shape))

    batches = _real_batches(12, 9)
    critic, generator = wgan_gp(OURS, *ours, batches, numpy_draws(OURS))
    ref_critic, ref_generator = wgan_gp(T, *refs, batches, numpy_draws(T))
    _close(critic, ref_critic, "critic losses", rtol=1e-8, atol=1e-10)
    _close(generator, ref_generator, "generator losses", rtol=1e-8, atol=1e-10)
    for a, b in zip(ours, refs):
        _same_state(a, b, rtol=1e-7, atol=1e-10)
        for p, q in zip(a.parameters(), b.parameters()):
            _close(p.grad, q.grad, "gradient", rtol=1e-6, atol=1e-10)
