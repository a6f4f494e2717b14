"""One table of first-order optimizers drives every trajectory check.

Each row: our class and options, the matching torch.optim class and options, and the update
rule written out in NumPy. The same 25-step problem runs through ours, through the written-out
rule (always) and through PyTorch (when installed), in float64.
"""
from __future__ import annotations

import inspect

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import optim
from autograd import Tensor

STEPS = 25
SHAPES = [(3, 2), (4,)]


# -- the update rules, written out (one step of one parameter; `s` holds the running state) --
def ref_sgd(x, g, s, t, lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0,
            nesterov=False, maximize=False):
    g = (-g if maximize else g) + weight_decay * x
    if momentum:
        s["b"] = g if t == 1 else momentum * s["b"] + (1 - dampening) * g
        g = g + momentum * s["b"] if nesterov else s["b"]
    return x - lr * g


def ref_momentum(x, g, s, t, lr=0.01, momentum=0.9):
    # the course notes' form: v ← μv − lr·g, x ← x + v
    s["v"] = momentum * s.get("v", 0.0) - lr * g
    return x + s["v"]


def ref_nesterov(x, g, s, t, lr=0.01, momentum=0.9):
    # gradient step from the look-ahead point: v ← μv − lr·g, x ← x + μv − lr·g
    s["v"] = momentum * s.get("v", 0.0) - lr * g
    return x + momentum * s["v"] - lr * g


def ref_adagrad(x, g, s, t, lr=0.01, lr_decay=0.0, weight_decay=0.0,
                initial_accumulator_value=0.0, eps=1e-10, maximize=False):
    g = (-g if maximize else g) + weight_decay * x
    s["G"] = s.get("G", initial_accumulator_value) + g * g
    return x - lr / (1 + (t - 1) * lr_decay) * g / (np.sqrt(s["G"]) + eps)


def ref_rmsprop(x, g, s, t, lr=0.01, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0,
                centered=False, maximize=False):
    g = (-g if maximize else g) + weight_decay * x
    s["v"] = alpha * s.get("v", 0.0) + (1 - alpha) * g * g
    v = s["v"]
    if centered:
        s["m"] = alpha * s.get("m", 0.0) + (1 - alpha) * g
        v = v - s["m"] ** 2
    step = g / (np.sqrt(v) + eps)
    if momentum > 0:
        s["b"] = momentum * s.get("b", 0.0) + step
        step = s["b"]
    return x - lr * step


def ref_adadelta(x, g, s, t, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.0, maximize=False):
    g = (-g if maximize else g) + weight_decay * x
    s["v"] = rho * s.get("v", 0.0) + (1 - rho) * g * g
    delta = np.sqrt(s.get("u", 0.0) + eps) / np.sqrt(s["v"] + eps) * g
    s["u"] = rho * s.get("u", 0.0) + (1 - rho) * delta * delta
    return x - lr * delta


def ref_adam(x, g, s, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
             amsgrad=False, maximize=False, decoupled_weight_decay=False):
    b1, b2 = betas
    g = -g if maximize else g
    if decoupled_weight_decay:
        x = x * (1 - lr * weight_decay)
    else:
        g = g + weight_decay * x
    s["m"] = b1 * s.get("m", 0.0) + (1 - b1) * g
    s["v"] = b2 * s.get("v", 0.0) + (1 - b2) * g * g
    v = s["v"]
    if amsgrad:
        s["vmax"] = v = np.maximum(s.get("vmax", 0.0), v)
    m_hat, v_hat = s["m"] / (1 - b1**t), v / (1 - b2**t)
    return x - lr * m_hat / (np.sqrt(v_hat) + eps)


def ref_adamw(x, g, s, t, weight_decay=1e-2, **kw):
    return ref_adam(x, g, s, t, weight_decay=weight_decay, decoupled_weight_decay=True, **kw)


def ref_nadam(x, g, s, t, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
              momentum_decay=4e-3, decoupled_weight_decay=False, maximize=False):
    b1, b2 = betas
    g = -g if maximize else g
    if decoupled_weight_decay:
        x = x * (1 - lr * weight_decay)
    else:
        g = g + weight_decay * x
    mu = [b1 * (1 - 0.5 * 0.96 ** (k * momentum_decay)) for k in (t, t + 1)]
    s["prod"] = s.get("prod", 1.0) * mu[0]
    s["m"] = b1 * s.get("m", 0.0) + (1 - b1) * g
    s["v"] = b2 * s.get("v", 0.0) + (1 - b2) * g * g
    denom = np.sqrt(s["v"] / (1 - b2**t)) + eps
    return (x - lr * (1 - mu[0]) / (1 - s["prod"]) * g / denom
            - lr * mu[1] / (1 - s["prod"] * mu[1]) * s["m"] / denom)


# (id, our class, our options, torch class name, torch options (None: the same), rule)
TABLE = [
    ("sgd", optim.SGD, dict(lr=0.05), "SGD", None, ref_sgd),
    ("sgd-wd-maximize", optim.SGD, dict(lr=0.05, weight_decay=0.1, maximize=True), "SGD",
     None, ref_sgd),
    ("sgd-momentum", optim.SGD, dict(lr=0.05, momentum=0.9), "SGD", None, ref_sgd),
    ("sgd-dampening-wd", optim.SGD, dict(lr=0.05, momentum=0.8, dampening=0.3,
                                         weight_decay=0.05), "SGD", None, ref_sgd),
    ("sgd-nesterov-wd", optim.SGD, dict(lr=0.05, momentum=0.9, nesterov=True,
                                        weight_decay=0.05), "SGD", None, ref_sgd),
    ("momentum", optim.Momentum, dict(lr=0.05), "SGD", dict(lr=0.05, momentum=0.9),
     ref_momentum),
    ("nesterov", optim.Nesterov, dict(lr=0.05, momentum=0.8), "SGD",
     dict(lr=0.05, momentum=0.8, nesterov=True), ref_nesterov),
    ("adagrad", optim.Adagrad, dict(), "Adagrad", None, ref_adagrad),
    ("adagrad-decay-init-wd", optim.Adagrad, dict(lr=0.1, lr_decay=0.05, weight_decay=0.1,
                                                  initial_accumulator_value=0.5, eps=1e-6),
     "Adagrad", None, ref_adagrad),
    ("adagrad-maximize", optim.Adagrad, dict(lr=0.1, maximize=True), "Adagrad", None,
     ref_adagrad),
    ("rmsprop", optim.RMSprop, dict(), "RMSprop", None, ref_rmsprop),
    ("rmsprop-momentum-wd", optim.RMSprop, dict(lr=0.01, alpha=0.9, momentum=0.5,
                                                weight_decay=0.1), "RMSprop", None,
     ref_rmsprop),
    ("rmsprop-centered", optim.RMSprop, dict(lr=0.01, centered=True, eps=1e-6), "RMSprop",
     None, ref_rmsprop),
    ("rmsprop-centered-momentum-max", optim.RMSprop, dict(lr=0.01, centered=True, momentum=0.7,
                                                          maximize=True), "RMSprop", None,
     ref_rmsprop),
    ("adadelta", optim.Adadelta, dict(), "Adadelta", None, ref_adadelta),
    ("adadelta-rho-wd-max", optim.Adadelta, dict(lr=0.5, rho=0.95, eps=1e-5, weight_decay=0.1,
                                                 maximize=True), "Adadelta", None,
     ref_adadelta),
    ("adam", optim.Adam, dict(lr=0.05), "Adam", None, ref_adam),
    ("adam-betas-eps", optim.Adam, dict(lr=0.05, betas=(0.8, 0.99), eps=1e-6), "Adam", None,
     ref_adam),
    ("adam-amsgrad-wd", optim.Adam, dict(lr=0.05, amsgrad=True, weight_decay=0.1), "Adam",
     None, ref_adam),
    ("adam-decoupled-max", optim.Adam, dict(lr=0.05, weight_decay=0.1, maximize=True,
                                            decoupled_weight_decay=True), "Adam", None,
     ref_adam),
    ("adamw", optim.AdamW, dict(lr=0.05), "AdamW", None, ref_adamw),
    ("adamw-amsgrad", optim.AdamW, dict(lr=0.05, weight_decay=0.2, amsgrad=True), "AdamW",
     None, ref_adamw),
    ("nadam", optim.NAdam, dict(), "NAdam", None, ref_nadam),
    ("nadam-wd-decay", optim.NAdam, dict(lr=0.05, weight_decay=0.1, momentum_decay=0.01),
     "NAdam", None, ref_nadam),
    ("nadam-decoupled-max", optim.NAdam, dict(lr=0.05, weight_decay=0.1, maximize=True,
                                              decoupled_weight_decay=True), "NAdam", None,
     ref_nadam),
]
ROWS = [pytest.param(*row, id=row[0]) for row in TABLE]


def gradient(x: np.ndarray) -> np.ndarray:
    """∇ of Σ (k·x²/2 − cos x) + x: anisotropic, not quadratic, minimum not at zero."""
    k = np.arange(1, x.size + 1, dtype=x.dtype).reshape(x.shape)
    return k * x + np.sin(x) + 1.0


def start_point(seed: int = 0, dtype=np.float64) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.uniform(-2, 2, shape).astype(dtype) for shape in SHAPES]


def default_lr(cls) -> float:
    return inspect.signature(cls).parameters["lr"].default


def per_param_options(cls, options: dict) -> list[dict]:
    """The first parameter takes the options as given; the second sits in its own group
    at half the rate, so every row also checks per-group options."""
    lr = options.get("lr", default_lr(cls))
    return [dict(options), {**options, "lr": lr / 2}]


def groups_of(params, cls, options):
    second = per_param_options(cls, options)[1]
    return [{"params": [params[0]]}, {"params": [params[1]], "lr": second["lr"]}]


def run_ours(cls, options, start, steps=STEPS):
    params = [Tensor(x.copy(), requires_grad=True) for x in start]
    opt = cls(groups_of(params, cls, options), **options)
    for _ in range(steps):
        for p in params:
            p.grad = Tensor(gradient(p.data))
        opt.step()
    return params, opt


def run_reference(rule, cls, options, start, steps=STEPS):
    xs, states = [x.copy() for x in start], [{} for _ in start]
    per_param = per_param_options(cls, options)
    for t in range(1, steps + 1):
        xs = [rule(x, gradient(x), s, t, **o) for x, s, o in zip(xs, states, per_param)]
    return xs


@pytest.mark.parametrize("name, cls, options, torch_name, torch_options, rule", ROWS)
def test_trajectory_matches_pytorch(name, cls, options, torch_name, torch_options, rule):
    torch = pytest.importorskip("torch", reason="PyTorch cross-checks need torch installed")
    start = start_point()
    ours, _ = run_ours(cls, options, start)
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)  # torch's scalar state (NAdam's μ product) too
    try:
        params = [torch.tensor(x, requires_grad=True) for x in start]
        torch_options = torch_options or options
        opt = getattr(torch.optim, torch_name)(groups_of(params, cls, options),
                                               **torch_options)
        for _ in range(STEPS):
            for p in params:
                p.grad = torch.from_numpy(gradient(p.detach().numpy()))
            opt.step()
    finally:
        torch.set_default_dtype(previous)
    for mine, theirs in zip(ours, params):
        np.testing.assert_allclose(mine.data, theirs.detach().numpy(), rtol=1e-6, atol=1e-12)


@pytest.mark.parametrize("name, cls, options, torch_name, torch_options, rule", ROWS)
def test_trajectory_matches_written_out_rule(name, cls, options, torch_name, torch_options,
                                             rule):
    start = start_point()
    ours, _ = run_ours(cls, options, start)
    for mine, ref in zip(ours, run_reference(rule, cls, options, start)):
        np.testing.assert_allclose(mine.data, ref, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name, cls, options, torch_name, torch_options, rule", ROWS)
@given(seed=st.integers(0, 2**32 - 1), lr_scale=st.floats(0.1, 2.0))
def test_random_start_and_rate_match_written_out_rule(name, cls, options, torch_name,
                                                      torch_options, rule, seed, lr_scale):
    options = {**options, "lr": options.get("lr", default_lr(cls)) * lr_scale}
    start = start_point(seed)
    ours, _ = run_ours(cls, options, start, steps=5)
    for mine, ref in zip(ours, run_reference(rule, cls, options, start, steps=5)):
        np.testing.assert_allclose(mine.data, ref, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name, cls, options, torch_name, torch_options, rule", ROWS)
def test_float32_stays_float32_in_place_and_grads_untouched(name, cls, options, torch_name,
                                                            torch_options, rule):
    params = [Tensor(x, requires_grad=True) for x in start_point(dtype=np.float32)]
    arrays = [p.data for p in params]
    opt = cls(params, **options)
    for _ in range(3):
        grads = [gradient(p.data) for p in params]
        before = [g.copy() for g in grads]
        for p, g in zip(params, grads):
            p.grad = Tensor(g)
        opt.step()
        for g, b in zip(grads, before):  # the engine may share gradient arrays
            np.testing.assert_array_equal(g, b)
    for p, arr in zip(params, arrays):
        assert p.data is arr and p.dtype == np.float32
        assert np.all(np.isfinite(p.data))
        for value in opt.state.get(p, {}).values():
            if isinstance(value, np.ndarray):
                assert value.dtype == np.float32 and value.shape == p.shape


@pytest.mark.parametrize("name, cls, options, torch_name, torch_options, rule", ROWS)
def test_parameters_without_grad_are_skipped(name, cls, options, torch_name, torch_options,
                                             rule):
    used, unused = Tensor(np.ones(3), True), Tensor(np.ones(2), True)
    opt = cls([used, unused], **options)
    used.grad = Tensor(np.full(3, 0.5))
    opt.step()
    np.testing.assert_array_equal(unused.data, np.ones(2))
    assert unused not in opt.state
    assert not np.array_equal(used.data, np.ones(3))


@pytest.mark.parametrize("name, cls, options, torch_name, torch_options, rule", ROWS)
def test_state_dict_round_trip_continues_bit_for_bit(name, cls, options, torch_name,
                                                     torch_options, rule):
    params, opt = run_ours(cls, options, start_point(), steps=7)
    saved = opt.state_dict()
    clones = [Tensor(p.data.copy(), requires_grad=True) for p in params]
    resumed = cls([{"params": [c]} for c in clones])  # default options until loaded
    resumed.load_state_dict(saved)
    for _ in range(7):
        for a, b in zip(params, clones):
            a.grad, b.grad = Tensor(gradient(a.data)), Tensor(gradient(b.data))
        opt.step()
        resumed.step()
    for a, b in zip(params, clones):
        np.testing.assert_array_equal(a.data, b.data)
