"""Optimizers on nn models: training lowers the loss; checkpoints through nn.save/nn.load."""
from __future__ import annotations

import numpy as np
import pytest

import autograd
import optim
from autograd import Tensor

nn = pytest.importorskip("nn", reason="the nn package is not importable")

OPTIMIZERS = [
    (optim.SGD, dict(lr=0.05)),
    (optim.Momentum, dict(lr=0.02)),
    (optim.Nesterov, dict(lr=0.02)),
    (optim.Adagrad, dict(lr=0.1)),
    (optim.RMSprop, dict(lr=0.01)),
    (optim.Adadelta, dict()),
    (optim.Adam, dict(lr=0.02)),
    (optim.AdamW, dict(lr=0.02)),
    (optim.NAdam, dict(lr=0.02)),
]


def regression_data(seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((32, 3))
    y = x @ np.array([[1.0], [-2.0], [0.5]]) + 0.3
    return Tensor(x), Tensor(y)


def model(seed=0):
    autograd.manual_seed(seed)
    return nn.Sequential(nn.Dense(3, 8, weight_init="xavier"), nn.Dense(8, 1))


def mse(net, x, y):
    return ((net(x) - y) ** 2).mean()


@pytest.mark.parametrize("cls, options", OPTIMIZERS, ids=[c.__name__ for c, _ in OPTIMIZERS])
def test_training_an_nn_model_lowers_the_loss(cls, options):
    x, y = regression_data()
    net = model()
    opt = cls(net.parameters(), **options)
    first = mse(net, x, y).item()
    for _ in range(40):
        opt.zero_grad()
        loss = mse(net, x, y)
        loss.backward()
        opt.step()
    assert mse(net, x, y).item() < 0.7 * first


def test_lbfgs_fits_an_nn_model():
    x, y = regression_data()
    net = model()
    opt = optim.LBFGS(net.parameters(), line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = mse(net, x, y)
        loss.backward()
        return loss

    for _ in range(5):
        opt.step(closure)
    assert mse(net, x, y).item() < 1e-6


@pytest.mark.parametrize("cls, options", [
    (optim.Adam, dict(lr=0.02, amsgrad=True)),
    (optim.LBFGS, dict(history_size=5, max_iter=3, line_search_fn="strong_wolfe")),
], ids=["Adam", "LBFGS"])
def test_checkpoint_through_nn_save_continues_bit_for_bit(cls, options, tmp_path):
    x, y = regression_data()

    def train(net, opt, steps):
        def closure():
            opt.zero_grad()
            loss = mse(net, x, y)
            loss.backward()
            return loss
        for _ in range(steps):
            opt.step(closure)

    net = model()
    opt = cls(net.parameters(), **options)
    train(net, opt, 3)
    path = tmp_path / "checkpoint"
    nn.save({"model": net.state_dict(), "optimizer": opt.state_dict()}, str(path))
    saved = nn.load(str(path))
    net2 = model(seed=1)
    net2.load_state_dict(saved["model"])
    opt2 = cls(net2.parameters())
    opt2.load_state_dict(saved["optimizer"])
    train(net, opt, 3)
    train(net2, opt2, 3)
    for a, b in zip(net.parameters(), net2.parameters()):
        np.testing.assert_array_equal(a.data, b.data)
