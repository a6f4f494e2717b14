"""Learning-rate schedules: 50 steps against PyTorch's, and InverseTimeLR against its formula."""
from __future__ import annotations

import numpy as np
import pytest

import optim
from autograd import Tensor
from optim import lr_scheduler

STEPS = 50
GROUP_LRS = (0.1, 0.03)


def half(t):
    return 0.5 ** (t // 10)


# Each row builds a schedule from a module of schedulers (ours or torch's) and an optimizer.
SCHEDULES = [
    ("exponential", lambda m, o: m.ExponentialLR(o, gamma=0.9)),
    ("step", lambda m, o: m.StepLR(o, step_size=7, gamma=0.5)),
    ("step-default-gamma", lambda m, o: m.StepLR(o, step_size=3)),
    ("multistep", lambda m, o: m.MultiStepLR(o, milestones=[30, 5, 12, 12], gamma=0.3)),
    ("cosine", lambda m, o: m.CosineAnnealingLR(o, T_max=10, eta_min=1e-3)),
    ("cosine-long", lambda m, o: m.CosineAnnealingLR(o, T_max=35)),
    ("lambda", lambda m, o: m.LambdaLR(o, lambda t: 1.0 / (1.0 + 0.3 * t))),
    ("lambda-per-group", lambda m, o: m.LambdaLR(o, [half, lambda t: 0.97**t])),
    ("linear-warmup", lambda m, o: m.LinearLR(o, start_factor=0.25, total_iters=8)),
    ("linear-decay", lambda m, o: m.LinearLR(o, start_factor=1.0, end_factor=0.1,
                                             total_iters=20)),
    ("linear-default", lambda m, o: m.LinearLR(o)),
    ("sequential-warmup-exp", lambda m, o: m.SequentialLR(
        o, [m.LinearLR(o, start_factor=0.1, total_iters=5), m.ExponentialLR(o, gamma=0.9)],
        milestones=[5])),
    ("sequential-three", lambda m, o: m.SequentialLR(
        o, [m.ExponentialLR(o, gamma=0.8), m.StepLR(o, step_size=4, gamma=0.5),
            m.CosineAnnealingLR(o, T_max=12, eta_min=0.001)], milestones=[6, 20])),
]
ROWS = [pytest.param(build, id=name) for name, build in SCHEDULES]


def our_optimizer():
    return optim.SGD([{"params": [Tensor(np.zeros(2), requires_grad=True)], "lr": lr}
                      for lr in GROUP_LRS])


def run(module, optimizer, build, steps=STEPS):
    sched = build(module, optimizer)
    lrs = [list(sched.get_last_lr())]
    for _ in range(steps):
        optimizer.step()
        sched.step()
        lrs.append(list(sched.get_last_lr()))
        assert lrs[-1] == [g["lr"] for g in optimizer.param_groups]
    return np.array(lrs)


def torch_optimizer(torch):
    return torch.optim.SGD([{"params": [torch.zeros(2, requires_grad=True)], "lr": lr}
                            for lr in GROUP_LRS])


@pytest.mark.parametrize("build", ROWS)
def test_schedule_matches_pytorch(build):
    torch = pytest.importorskip("torch", reason="PyTorch cross-checks need torch installed")
    ours = run(lr_scheduler, our_optimizer(), build)
    theirs = run(torch.optim.lr_scheduler, torch_optimizer(torch), build)
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-15)


PLATEAUS = [
    ("min-rel", dict(patience=2)),
    ("min-rel-cooldown-minlr", dict(factor=0.5, patience=1, cooldown=2, min_lr=0.01)),
    ("min-abs-threshold", dict(threshold=0.05, threshold_mode="abs", patience=0)),
    ("max-rel", dict(mode="max", patience=3, factor=0.2)),
    ("max-abs-minlr-per-group", dict(mode="max", threshold_mode="abs", patience=1,
                                     min_lr=[0.02, 0.001])),
    ("eps-stops-tiny-changes", dict(patience=0, factor=0.5, eps=0.01)),
]

# A scripted loss: improves, plateaus with noise, improves a little, then worsens.
METRIC = np.concatenate([
    np.linspace(1.0, 0.5, 10),
    0.5 + 0.01 * np.sin(np.arange(15)),
    np.linspace(0.49, 0.45, 10),
    np.linspace(0.45, 0.8, 15),
])


@pytest.mark.parametrize("options", [pytest.param(o, id=n) for n, o in PLATEAUS])
def test_reduce_on_plateau_matches_pytorch(options):
    torch = pytest.importorskip("torch", reason="PyTorch cross-checks need torch installed")
    metric = -METRIC if options.get("mode") == "max" else METRIC
    results = []
    for module, opt in ((lr_scheduler, our_optimizer()),
                        (torch.optim.lr_scheduler, torch_optimizer(torch))):
        sched = module.ReduceLROnPlateau(opt, **options)
        lrs = []
        for value in metric:
            opt.step()
            sched.step(float(value))
            lrs.append(list(sched.get_last_lr()))
        results.append(np.array(lrs))
    np.testing.assert_allclose(results[0], results[1], rtol=1e-12)
    assert results[0][-1, 0] < GROUP_LRS[0]  # the script does trigger reductions


def test_reduce_on_plateau_by_hand():
    opt = our_optimizer()
    sched = lr_scheduler.ReduceLROnPlateau(opt, patience=1, factor=0.5)
    for value in [1.0, 1.0, 1.0, 0.5, 0.6, 0.6]:
        sched.step(value)
    # bad steps: 1, 2 -> cut (0.05); improvement at 0.5; bad 1, 2 -> cut again
    assert sched.get_last_lr() == [0.025, 0.0075]


@pytest.mark.parametrize("decay_rate", [0.0, 0.1, 1.5])
def test_inverse_time_follows_its_formula(decay_rate):
    opt = our_optimizer()
    lrs = run(lr_scheduler, opt, lambda m, o: m.InverseTimeLR(o, decay_rate=decay_rate))
    t = np.arange(STEPS + 1)[:, None]
    np.testing.assert_allclose(lrs, np.array(GROUP_LRS) / (1 + decay_rate * t), rtol=1e-15)


def test_inverse_time_equals_pytorch_lambda_of_the_same_formula():
    torch = pytest.importorskip("torch", reason="PyTorch cross-checks need torch installed")
    ours = run(lr_scheduler, our_optimizer(), lambda m, o: m.InverseTimeLR(o, 0.2))
    theirs = run(torch.optim.lr_scheduler, torch_optimizer(torch),
                 lambda m, o: m.LambdaLR(o, lambda t: 1 / (1 + 0.2 * t)))
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)


@pytest.mark.parametrize("build", ROWS + [pytest.param(
    lambda m, o: m.InverseTimeLR(o, 0.3), id="inverse-time")])
def test_state_dict_round_trip_resumes_the_schedule(build):
    straight = run(lr_scheduler, our_optimizer(), build)
    opt = our_optimizer()
    sched = build(lr_scheduler, opt)
    for _ in range(20):
        opt.step()
        sched.step()
    opt_state, sched_state = opt.state_dict(), sched.state_dict()
    opt2 = our_optimizer()
    sched2 = build(lr_scheduler, opt2)
    opt2.load_state_dict(opt_state)
    sched2.load_state_dict(sched_state)
    resumed = [list(sched2.get_last_lr())]
    for _ in range(STEPS - 20):
        opt2.step()
        sched2.step()
        resumed.append(list(sched2.get_last_lr()))
    np.testing.assert_array_equal(np.array(resumed), straight[20:])


def test_plateau_state_dict_round_trip():
    opt = our_optimizer()
    sched = lr_scheduler.ReduceLROnPlateau(opt, patience=2, cooldown=1)
    for value in METRIC[:20]:
        sched.step(value)
    opt2 = our_optimizer()
    sched2 = lr_scheduler.ReduceLROnPlateau(opt2)
    opt2.load_state_dict(opt.state_dict())
    sched2.load_state_dict(sched.state_dict())
    for value in METRIC[20:]:
        sched.step(value)
        sched2.step(value)
        assert sched.get_last_lr() == sched2.get_last_lr()


def test_scheduler_errors_are_clear():
    opt = our_optimizer()
    with pytest.raises(TypeError, match="needs an Optimizer"):
        lr_scheduler.StepLR(object(), step_size=2)
    with pytest.raises(ValueError, match="step_size must be a positive int"):
        lr_scheduler.StepLR(opt, step_size=0)
    with pytest.raises(ValueError, match="expected 2 lr_lambdas"):
        lr_scheduler.LambdaLR(opt, [half])
    with pytest.raises(ValueError, match="start_factor"):
        lr_scheduler.LinearLR(opt, start_factor=0.0)
    with pytest.raises(ValueError, match="T_max must be > 0"):
        lr_scheduler.CosineAnnealingLR(opt, T_max=0)
    with pytest.raises(ValueError, match="decay_rate must be >= 0"):
        lr_scheduler.InverseTimeLR(opt, decay_rate=-1.0)
    with pytest.raises(ValueError, match="one milestone fewer"):
        lr_scheduler.SequentialLR(opt, [lr_scheduler.StepLR(opt, 2)], milestones=[3])
    with pytest.raises(ValueError, match="different optimizer"):
        lr_scheduler.SequentialLR(opt, [lr_scheduler.StepLR(our_optimizer(), 2)], [])
    with pytest.raises(ValueError, match="factor must be < 1.0"):
        lr_scheduler.ReduceLROnPlateau(opt, factor=1.0)
    with pytest.raises(ValueError, match="mode must be 'min' or 'max'"):
        lr_scheduler.ReduceLROnPlateau(opt, mode="lowest")
    with pytest.raises(KeyError, match="initial_lr"):
        lr_scheduler.StepLR(optim.SGD([Tensor(np.zeros(1), True)]), 2, last_epoch=4)
