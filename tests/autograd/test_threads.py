"""Several threads running backward() into shared leaves: no contribution is lost."""
from __future__ import annotations

import sys
import threading

import numpy as np
import pytest

import autograd as ag
from autograd.grad_mode import WATCH_BLOCKS
import nn


@pytest.fixture
def tiny_switch_interval():
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as the interpreter allows
    try:
        yield
    finally:
        sys.setswitchinterval(old)


def _run(workers: int, target, *args) -> None:
    errors = []

    def guarded(i: int) -> None:
        try:
            target(i, *args)
        except BaseException as e:  # surfaced below, so a failing thread fails the test
            errors.append(e)

    threads = [threading.Thread(target=guarded, args=(i,)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


@pytest.mark.usefixtures("tiny_switch_interval")
def test_shared_dense_layer_gets_every_contribution():
    ag.manual_seed(0)
    layer = nn.Dense(512, 512)
    rng = np.random.default_rng(0)
    batches = [rng.standard_normal((8, 512)).astype(np.float32) for _ in range(16)]

    def work(i: int, grads_on: bool) -> None:
        for b in batches[i::4]:
            (layer(ag.tensor(b)) ** 2).mean().backward()

    _run(4, work, True)
    threaded = [p.grad.data.copy() for p in layer.parameters()]
    layer.zero_grad()
    for b in batches:  # the sequential sum, in another order: equal up to rounding
        (layer(ag.tensor(b)) ** 2).mean().backward()
    for got, want in zip(threaded, (p.grad.data for p in layer.parameters())):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-6)


@pytest.mark.usefixtures("tiny_switch_interval")
def test_large_leaf_gets_every_contribution():
    # NumPy releases the GIL while it adds large arrays: the read-add-store must be atomic.
    w = ag.tensor(np.zeros((512, 512), np.float32), requires_grad=True)
    rounds = 40

    def work(i: int) -> None:
        for _ in range(rounds):
            (w * 1.0).sum().backward()

    _run(4, work)
    np.testing.assert_array_equal(w.grad.data, 4 * rounds)


@pytest.mark.usefixtures("tiny_switch_interval")
def test_many_small_backwards_into_one_leaf():
    w = ag.tensor(np.zeros(3), requires_grad=True)
    rounds = 300

    def work(i: int) -> None:
        for _ in range(rounds):
            ((w + float(i + 1)) * 1.0).sum().backward()
            (w * 1.0).sum().backward()  # the first accumulation into a fresh .grad races too

    _run(6, work)
    np.testing.assert_array_equal(w.grad.data, 6 * rounds * 2.0)


@pytest.mark.usefixtures("tiny_switch_interval")
def test_grad_mode_is_per_thread():
    w = ag.tensor(np.ones(3), requires_grad=True)
    seen = {}

    def work(i: int) -> None:
        if i == 0:
            with ag.no_grad():
                for _ in range(200):
                    seen.setdefault(0, set()).add((w * 2.0).requires_grad)
        else:
            for _ in range(200):
                seen.setdefault(1, set()).add((w * 2.0).requires_grad)

    _run(2, work)
    assert seen == {0: {False}, 1: {True}}


def test_anomaly_mode_is_per_thread():
    # One thread inside detect_anomaly: its ops check their results, the other thread's don't.
    x = ag.tensor(np.array([0.0, 1.0]), requires_grad=True)
    inside, outside = threading.Event(), threading.Event()
    seen = {}

    def checking() -> None:
        with ag.detect_anomaly(), np.errstate(divide="ignore"):
            inside.set()
            outside.wait(10)
            try:
                ag.log(x)
            except FloatingPointError as e:
                seen["checking"] = str(e)

    t = threading.Thread(target=checking)
    t.start()
    inside.wait(10)
    with np.errstate(divide="ignore"):
        y = ag.log(x)  # -inf, unchecked here while the other thread's block is open
    outside.set()
    t.join(10)
    assert y.data[0] == -np.inf and y.requires_grad and y.grad_fn is not None
    assert "log" in seen["checking"].lower()
    with pytest.raises(FloatingPointError), np.errstate(divide="ignore"):
        with ag.detect_anomaly():
            ag.log(x)
    with np.errstate(divide="ignore"):
        assert ag.log(x).data[0] == -np.inf
    assert WATCH_BLOCKS.n == 0  # every block closed, even after an error: ops skip the check
