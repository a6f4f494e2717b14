"""Optimizers and schedulers given careless or hostile input: named errors of PyTorch's types,
at construction and in load_state_dict; gradients of the wrong shape refused at step; schedules
resumed exactly in either order of construction and loading."""
from __future__ import annotations

import math

import numpy as np
import pytest

import optim
from autograd import Tensor
from optim import lr_scheduler as S


def param(shape=(3, 3)):
    return Tensor(np.ones(shape), requires_grad=True)


def sgd(lr=1.0):
    return optim.SGD([param()], lr=lr)


CONSTRUCTION = [
    (lambda: optim.SGD([param()], lr="0.1"), TypeError, "SGD: lr must be a real number"),
    (lambda: optim.SGD([param()], lr=math.nan), ValueError, "SGD: invalid lr=nan"),
    (lambda: optim.SGD([param()], lr=None), TypeError, "SGD: lr must be"),
    (lambda: optim.SGD([param()], momentum=-1), ValueError, "SGD: invalid momentum=-1"),
    (lambda: optim.SGD([param()], nesterov="yes"), TypeError, "SGD: nesterov must be a bool"),
    (lambda: optim.Adam([param()], betas=0.9), TypeError, "Adam: betas must be a pair"),
    (lambda: optim.Adam([param()], betas=(0.9, "a")), TypeError, r"Adam: betas\[1\]"),
    (lambda: optim.Adam([param()], eps=-1e-8), ValueError, "Adam: invalid eps"),
    (lambda: optim.Adam([param()], amsgrad=None), TypeError, "Adam: amsgrad must be a bool"),
    (lambda: optim.AdamW([param()], weight_decay=math.inf), ValueError, "weight_decay=inf"),
    (lambda: optim.RMSprop([param()], alpha="x"), TypeError, "RMSprop: alpha"),
    (lambda: optim.Adagrad([param()], initial_accumulator_value=-1), ValueError,
     "Adagrad: invalid initial_accumulator_value"),
    (lambda: optim.LBFGS([param()], max_iter=2.5), TypeError, "LBFGS: max_iter must be an int"),
    (lambda: optim.LBFGS([param()], history_size=0), ValueError, "LBFGS: invalid history_size"),
    (lambda: optim.Newton([param()], damping=-1.0), ValueError, "Newton: invalid damping"),
    (lambda: optim.SGD([{"params": [param()], "lr": -5}]), ValueError, "SGD: invalid lr=-5"),
    (lambda: S.StepLR(sgd(), step_size="2"), TypeError, "StepLR: step_size must be a positive"),
    (lambda: S.StepLR(sgd(), step_size=2.0), TypeError, "StepLR: step_size"),
    (lambda: S.StepLR(sgd(), step_size=2, gamma=-0.5), ValueError, "StepLR: gamma must be >= 0"),
    (lambda: S.MultiStepLR(sgd(), milestones=["a"]), TypeError, r"MultiStepLR: milestones\[0\]"),
    (lambda: S.MultiStepLR(sgd(), milestones=5), TypeError, "MultiStepLR: milestones must be"),
    (lambda: S.MultiStepLR(sgd(), milestones=[-2]), ValueError, "MultiStepLR: invalid milestones"),
    (lambda: S.CosineAnnealingLR(sgd(), T_max="10"), TypeError, "CosineAnnealingLR: T_max"),
    (lambda: S.CosineAnnealingLR(sgd(), T_max=10, eta_min=math.nan), ValueError, "eta_min"),
    (lambda: S.ExponentialLR(sgd(), gamma=None), TypeError, "ExponentialLR: gamma"),
    (lambda: S.LinearLR(sgd(), total_iters="5"), TypeError, "LinearLR: total_iters"),
    (lambda: S.LambdaLR(sgd(), lr_lambda=0.5), TypeError, "LambdaLR: lr_lambda must be"),
    (lambda: S.InverseTimeLR(sgd(), decay_rate="1"), TypeError, "InverseTimeLR: decay_rate"),
    (lambda: S.StepLR(sgd(), 2, last_epoch=-3), ValueError, "StepLR: last_epoch"),
    (lambda: _sequential([8, 3]), ValueError, "SequentialLR: milestones must be strictly"),
    (lambda: _sequential(["3", 8]), TypeError, r"SequentialLR: milestones\[0\]"),
    (lambda: S.ReduceLROnPlateau(sgd(), patience=-1), ValueError, "ReduceLROnPlateau: patience"),
    (lambda: S.ReduceLROnPlateau(sgd(), cooldown=1.5), TypeError, "ReduceLROnPlateau: cooldown"),
    (lambda: S.ReduceLROnPlateau(sgd(), min_lr="0"), TypeError, "ReduceLROnPlateau: min_lr"),
    (lambda: S.ReduceLROnPlateau(sgd()).step("low"), TypeError, "ReduceLROnPlateau.step"),
]


def _sequential(milestones):
    opt = sgd()
    children = [S.ExponentialLR(opt, 0.9), S.StepLR(opt, 2), S.ExponentialLR(opt, 0.5)]
    return S.SequentialLR(opt, children, milestones=milestones)


@pytest.mark.parametrize("make, error, pattern", CONSTRUCTION)
def test_bad_hyperparameters_are_refused_at_construction(make, error, pattern):
    with pytest.raises(error, match=pattern):
        make()


OPTIMIZERS = [
    ("SGD", lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9)),
    ("Adam", lambda ps: optim.Adam(ps)), ("AdamW", lambda ps: optim.AdamW(ps)),
    ("NAdam", lambda ps: optim.NAdam(ps)), ("RMSprop", lambda ps: optim.RMSprop(ps)),
    ("Adagrad", lambda ps: optim.Adagrad(ps)), ("Adadelta", lambda ps: optim.Adadelta(ps)),
    ("LBFGS", lambda ps: optim.LBFGS(ps)),
]


@pytest.mark.parametrize("name, make", OPTIMIZERS)
def test_step_refuses_a_gradient_of_another_shape(name, make):
    p = param((3, 3))
    opt = make([p])
    p.grad = Tensor(np.ones(3))  # broadcasts to (3, 3), but is not p's gradient
    before = p.data.copy()
    with pytest.raises(RuntimeError, match=rf"{name}\.step.*shape \(3,\).*shape \(3, 3\)"):
        opt.step((lambda: Tensor(1.0)) if name == "LBFGS" else None)
    np.testing.assert_array_equal(p.data, before)

    p.grad = None

    def closure():  # a closure that leaves a wrongly shaped gradient is caught too
        p.grad = Tensor(np.ones((1, 3)))
        return Tensor(1.0)

    with pytest.raises(RuntimeError, match=r"shape \(1, 3\).*shape \(3, 3\)"):
        opt.step(closure)


def test_step_refusal_matches_pytorch():
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle for this check")
    p = torch.ones(3, 3, requires_grad=True)
    with pytest.raises(RuntimeError):
        p.grad = torch.ones(3)  # PyTorch refuses the assignment itself


def _trained_adam():
    p = param((2, 2))
    opt = optim.Adam([p], lr=0.1)
    p.grad = Tensor(np.full((2, 2), 0.5))
    opt.step()
    return p, opt


def _state(opt, **group_changes):
    state = opt.state_dict()
    state["param_groups"][0].update(group_changes)
    return state


LOADS = [
    (lambda opt: None, TypeError, "Adam.load_state_dict expects a dict"),
    (lambda opt: "state", TypeError, "Adam.load_state_dict expects a dict"),
    (lambda opt: {"state": [], "param_groups": []}, TypeError, "'state' must be a dict"),
    (lambda opt: _state(opt, lr=-5), ValueError, "Adam: invalid lr=-5"),
    (lambda opt: _state(opt, lr="fast"), TypeError, "Adam: lr must be a real number"),
    (lambda opt: _state(opt, betas=(0.9, 1.5)), ValueError, r"Adam: invalid betas\[1\]=1.5"),
    (lambda opt: optim.SGD([param((2, 2))], momentum=0.9).state_dict(), ValueError,
     "saved group 0 has option.*'dampening'.*another optimizer"),
    (lambda opt: {"state": {0: {"step": 1, "exp_avg": np.zeros(3), "exp_avg_sq": np.zeros(3)}},
                  "param_groups": opt.state_dict()["param_groups"]}, ValueError,
     r"state\[0\]\['exp_avg'\] has shape \(3,\) but the parameter has shape \(2, 2\)"),
    (lambda opt: {"state": {0: {"step": -1}}, "param_groups": opt.state_dict()["param_groups"]},
     ValueError, r"state\[0\]\['step'\]"),
    (lambda opt: {"state": {0: "x"}, "param_groups": opt.state_dict()["param_groups"]},
     TypeError, "state of parameter 0 must be a dict"),
]


@pytest.mark.parametrize("make_state, error, pattern", LOADS)
def test_load_state_dict_refuses_bad_state_and_changes_nothing(make_state, error, pattern):
    p, opt = _trained_adam()
    bad = make_state(opt)
    before = opt.state_dict()
    with pytest.raises(error, match=pattern):
        opt.load_state_dict(bad)
    after = opt.state_dict()
    assert after["param_groups"] == before["param_groups"]
    np.testing.assert_array_equal(after["state"][0]["exp_avg"], before["state"][0]["exp_avg"])


def test_lbfgs_closure_returning_none_is_named():
    opt = optim.LBFGS([param()])
    with pytest.raises(TypeError, match="LBFGS.step: the closure must return the loss.*None"):
        opt.step(lambda: None)


SCHEDULER_LOADS = [
    (lambda s: None, TypeError, "StepLR.load_state_dict expects a dict"),
    (lambda s: {**s.state_dict(), "T_max": 3}, ValueError, "StepLR.*T_max.*another scheduler"),
    (lambda s: {**s.state_dict(), "step_size": "2"}, TypeError, "StepLR: step_size"),
    (lambda s: {**s.state_dict(), "base_lrs": [1.0, 2.0]}, ValueError, "base_lrs has 2 values"),
    (lambda s: {**s.state_dict(), "last_epoch": 2.5}, TypeError, "last_epoch"),
]


@pytest.mark.parametrize("make_state, error, pattern", SCHEDULER_LOADS)
def test_scheduler_load_state_dict_refuses_bad_state(make_state, error, pattern):
    sched = S.StepLR(sgd(), step_size=2)
    with pytest.raises(error, match=pattern):
        sched.load_state_dict(make_state(sched))
    assert sched.last_epoch == 0


RESUMABLE = [
    ("StepLR", lambda m, o: m.StepLR(o, step_size=1, gamma=0.1)),
    ("CosineAnnealingLR", lambda m, o: m.CosineAnnealingLR(o, T_max=10)),
    ("ExponentialLR", lambda m, o: m.ExponentialLR(o, gamma=0.5)),
    ("MultiStepLR", lambda m, o: m.MultiStepLR(o, milestones=[1, 2], gamma=0.1)),
    ("LinearLR", lambda m, o: m.LinearLR(o, start_factor=0.2, total_iters=6)),
    ("LambdaLR", lambda m, o: m.LambdaLR(o, lambda t: 1 / (1 + t))),
    ("SequentialLR", lambda m, o: m.SequentialLR(
        o, [m.LinearLR(o, start_factor=0.5, total_iters=2), m.ExponentialLR(o, 0.8)], [2])),
]


def _resume(module, make_opt, build, order, trained=3, after=4):
    """Train `trained` steps, save both states, rebuild in `order`, return the rates used by
    the next `after` optimizer steps of the resumed run."""
    opt = make_opt()
    sched = build(module, opt)
    for _ in range(trained):
        opt.step()
        sched.step()
    opt_state, sched_state = opt.state_dict(), sched.state_dict()
    opt2 = make_opt()
    if order == "scheduler first":
        sched2 = build(module, opt2)
        opt2.load_state_dict(opt_state)
    else:
        opt2.load_state_dict(opt_state)
        sched2 = build(module, opt2)
    sched2.load_state_dict(sched_state)
    rates = []
    for _ in range(after):
        rates.append(opt2.param_groups[0]["lr"])
        opt2.step()
        sched2.step()
    return rates


def _uninterrupted(module, opt, build, trained=3, after=4):
    sched = build(module, opt)
    rates = []
    for t in range(trained + after):
        if t >= trained:
            rates.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return rates


@pytest.mark.parametrize("order", ["scheduler first", "optimizer first"])
@pytest.mark.parametrize("name, build", RESUMABLE)
def test_schedules_resume_exactly_in_either_order(name, build, order):
    def make():
        return optim.SGD([param((2,))], lr=1.0)

    expected = _uninterrupted(S, make(), build)
    assert _resume(S, make, build, order) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("order", ["scheduler first", "optimizer first"])
@pytest.mark.parametrize("name, build", RESUMABLE)
def test_resumed_rates_match_pytorch(name, build, order):
    """Our resumed run follows PyTorch's uninterrupted one. PyTorch itself resumes exactly in
    both orders for StepLR, MultiStepLR, CosineAnnealingLR and ExponentialLR (there the
    resumed runs agree too); its LinearLR, LambdaLR and SequentialLR built after loading the
    optimizer apply their step-0 factor again, which ours do not."""
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle for this check")

    def make_torch():
        return torch.optim.SGD([torch.zeros(2, requires_grad=True)], lr=1.0)

    ours = _resume(S, lambda: optim.SGD([param((2,))], lr=1.0), build, order)
    np.testing.assert_allclose(ours, _uninterrupted(torch.optim.lr_scheduler, make_torch(),
                                                    build), rtol=1e-12)
    if name in ("StepLR", "MultiStepLR", "CosineAnnealingLR", "ExponentialLR"):
        theirs = _resume(torch.optim.lr_scheduler, make_torch, build, order)
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)
