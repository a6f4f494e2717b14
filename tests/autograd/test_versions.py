"""Saved tensors changed in place after the forward: backward raises, as PyTorch does."""
from __future__ import annotations

import numpy as np
import pytest

import autograd as ag
import nn
import optim

TORCH_REASON = "PyTorch cross-checks need torch installed"


def _x() -> np.ndarray:
    return np.array([0.5, 1.0, 2.0])


def _setitem_under_no_grad(lib, t):
    x = t(_x(), requires_grad=True)
    y = x * 1.0
    z = (y * y).sum()
    with lib.no_grad():
        y[0] = 5.0
    return z


def _leaf_under_no_grad(lib, t):
    w = t(_x(), requires_grad=True)
    z = (w * w).sum()
    with lib.no_grad():
        w -= 0.1
    return z


def _through_detach(lib, t):
    w = t(_x(), requires_grad=True)
    z = (w * w).sum()
    w.detach()[1] = 3.0
    return z


def _non_leaf_recorded(lib, t):
    x = t(_x(), requires_grad=True)
    y = x.exp()
    y += 1
    return y.sum()


def _basic_view_of_saved(lib, t):
    x = t(_x(), requires_grad=True)
    y = x * 1.0
    z = (y * y).sum()
    v = y.detach()[1:]
    v *= 2
    return z


SCENARIOS = {
    "setitem_under_no_grad": _setitem_under_no_grad,
    "leaf_under_no_grad": _leaf_under_no_grad,
    "write_through_detach": _through_detach,
    "exp_then_iadd": _non_leaf_recorded,
    "view_of_detach": _basic_view_of_saved,
}


@pytest.mark.parametrize("name", SCENARIOS)
def test_stale_saved_tensor_raises(name):
    z = SCENARIOS[name](ag, ag.tensor)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.backward()


@pytest.mark.parametrize("name", SCENARIOS)
def test_torch_raises_too(name):
    torch = pytest.importorskip("torch", reason=TORCH_REASON)
    z = SCENARIOS[name](torch, torch.tensor)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.backward()


def test_error_names_op_and_shape():
    x = ag.tensor(np.ones((2, 3)), requires_grad=True)
    y = x.tanh()
    y.mul_(2.0)
    with pytest.raises(RuntimeError, match=r"Tanh \(shape \(2, 3\)"):
        y.sum().backward()


def test_grad_also_checks():
    w = ag.tensor(_x(), requires_grad=True)
    z = (w * w).sum()
    with ag.no_grad():
        w.zero_()
    with pytest.raises(RuntimeError, match="Mul"):
        ag.grad(z, w)


def test_unsaved_input_may_change():
    # Add saves nothing: changing its input afterwards is harmless (PyTorch agrees).
    w = ag.tensor(_x(), requires_grad=True)
    z = (w + 1.0).sum()
    with ag.no_grad():
        w += 1.0
    z.backward()
    np.testing.assert_array_equal(w.grad.data, 1.0)


def test_optimizer_step_between_retained_backwards():
    torch = pytest.importorskip("torch", reason=TORCH_REASON)
    model = nn.Dense(3, 2)
    opt = optim.SGD(model.parameters(), lr=0.1)
    x = ag.tensor(np.ones((4, 3), np.float32), requires_grad=True)  # so W is saved
    loss = (model(x) ** 2).sum()
    loss.backward(retain_graph=True)
    opt.step()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        loss.backward()
    tw = torch.ones(3, 2, requires_grad=True)
    tloss = ((torch.ones(4, 3, requires_grad=True) @ tw) ** 2).sum()
    tloss.backward(retain_graph=True)
    torch.optim.SGD([tw], lr=0.1).step()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        tloss.backward()


@pytest.mark.parametrize("opt_name", ["SGD", "Adam", "RMSprop", "Adagrad", "Adadelta", "NAdam"])
def test_every_optimizer_bumps(opt_name):
    p = nn.Parameter(np.ones(3, np.float32)) if hasattr(nn, "Parameter") else None
    p = ag.tensor(np.ones(3, np.float32), requires_grad=True) if p is None else p
    p.grad = ag.tensor(np.ones(3, np.float32))
    v = p._version
    getattr(optim, opt_name)([p], lr=0.1).step()
    assert p._version == v + 1


@pytest.mark.parametrize("init", ["zeros_", "ones_", "normal_", "uniform_", "xavier_normal_",
                                  "kaiming_uniform_"])
def test_in_place_init_bumps(init):
    w = ag.tensor(np.ones((3, 4), np.float32), requires_grad=True)
    z = (w * w).sum()
    v = w._version
    getattr(nn.init, init)(w)
    assert w._version == v + 1
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.backward()


def test_views_share_the_version():
    x = ag.tensor(np.zeros((3, 4)))
    d, v = x.detach(), x[1:, ::2]
    d += 1.0
    assert x._version == d._version == v._version == 1
    v.fill_(2.0)
    assert x._version == 2 and x.data[1, 0] == 2.0
    other = ag.tensor(np.zeros((3, 4)))
    assert other._version == 0
    other.data[0, 0] = 1.0  # direct writes to .data are not tracked, as in PyTorch
    assert other._version == 0


def test_changes_after_backward_are_fine():
    w = ag.tensor(_x(), requires_grad=True)
    for _ in range(3):
        z = (w * w).sum()
        z.backward()
        with ag.no_grad():
            w -= 0.1 * w.grad
        w.grad = None
    np.testing.assert_allclose(w.data, _x() * 0.8 ** 3)
