"""Every first-order optimizer on 0-d parameters (PyTorch and the written-out rules), the
state each one keeps, and ReduceLROnPlateau as an LRScheduler."""
from __future__ import annotations

import numpy as np
import pytest

import optim
from autograd import Tensor
from optim import lr_scheduler

from test_optim_table import ROWS, gradient, per_param_options

STEPS = 6


def _run_ours(cls, options, start):
    params = [Tensor(x.copy(), requires_grad=True) for x in start]
    second = per_param_options(cls, options)[1]
    opt = cls([{"params": [params[0]]}, {"params": [params[1]], "lr": second["lr"]}],
              **options)
    for _ in range(STEPS):
        for p in params:
            p.grad = Tensor(gradient(p.data))
        opt.step()
    return params, opt


@pytest.mark.parametrize("name, cls, options, torch_name, torch_options, rule", ROWS)
def test_scalar_parameters_follow_the_written_out_rule(name, cls, options, torch_name,
                                                       torch_options, rule):
    """A 0-d parameter (a learned temperature, a scale) steps like any other."""
    start = [np.array(0.7), np.array(-1.3)]
    ours, opt = _run_ours(cls, options, start)
    xs, states = [x.copy() for x in start], [{}, {}]
    for t in range(1, STEPS + 1):
        xs = [rule(x, gradient(x), s, t, **o)
              for x, s, o in zip(xs, states, per_param_options(cls, options))]
    for mine, ref in zip(ours, xs):
        assert mine.shape == () and mine.dtype == np.float64
        np.testing.assert_allclose(mine.data, ref, rtol=1e-9, atol=1e-12)
    for p in ours:  # the state's arrays are 0-d arrays too, as the parameter
        for value in opt.state.get(p, {}).values():
            assert not isinstance(value, np.ndarray) or value.shape == ()


@pytest.mark.parametrize("name, cls, options, torch_name, torch_options, rule", ROWS)
def test_scalar_parameters_match_pytorch(name, cls, options, torch_name, torch_options, rule):
    torch = pytest.importorskip("torch", reason="PyTorch cross-checks need torch installed")
    start = [np.array(0.7), np.array(-1.3)]
    ours, _ = _run_ours(cls, options, start)
    params = [torch.tensor(x, requires_grad=True) for x in start]
    second = per_param_options(cls, options)[1]
    opt = getattr(torch.optim, torch_name)(
        [{"params": [params[0]]}, {"params": [params[1]], "lr": second["lr"]}],
        **(torch_options or options))
    for _ in range(STEPS):
        for p in params:
            p.grad = torch.from_numpy(np.asarray(gradient(p.detach().numpy())))
        opt.step()
    for mine, theirs in zip(ours, params):
        np.testing.assert_allclose(mine.data, theirs.detach().numpy(), rtol=1e-6, atol=1e-12)


@pytest.mark.parametrize("name, cls, options, torch_name, torch_options, rule", ROWS)
def test_state_is_kept_only_for_parameters_with_a_gradient(name, cls, options, torch_name,
                                                           torch_options, rule):
    a, b = Tensor(np.ones(3), requires_grad=True), Tensor(np.ones(2), requires_grad=True)
    opt = cls([a, b], **options)
    a.grad = Tensor(np.full(3, 0.5))
    before = b.data.copy()
    opt.step()
    opt.step()
    np.testing.assert_array_equal(b.data, before)
    assert b not in opt.state
    keeps_state = options.get("momentum", 0.0) != 0 or cls not in (optim.SGD,)
    assert (a in opt.state) == keeps_state
    if "step" in opt.state.get(a, {}):
        assert opt.state[a]["step"] == 2


def _sgd():
    return optim.SGD([Tensor(np.ones(2), requires_grad=True)], lr=0.1)


def test_reduce_on_plateau_is_an_lr_scheduler():
    opt = _sgd()
    sched = lr_scheduler.ReduceLROnPlateau(opt, patience=0, factor=0.5)
    assert isinstance(sched, lr_scheduler.LRScheduler)
    assert "initial_lr" not in opt.param_groups[0]  # it does not start a closed-form schedule
    assert sched.get_last_lr() == [0.1]
    sched.step(1.0)
    sched.step(2.0)
    assert sched.get_last_lr() == [0.05] and opt.param_groups[0]["lr"] == 0.05
    saved = sched.state_dict()
    assert "optimizer" not in saved
    other = lr_scheduler.ReduceLROnPlateau(_sgd(), patience=0, factor=0.5)
    other.load_state_dict(saved)
    assert other.best == 1.0 and other.get_last_lr() == [0.05]
    with pytest.raises(NotImplementedError, match="ReduceLROnPlateau has no closed-form rate"):
        sched.lr_at(3)
    with pytest.raises(TypeError, match="ReduceLROnPlateau needs an Optimizer, got list"):
        lr_scheduler.ReduceLROnPlateau([])
