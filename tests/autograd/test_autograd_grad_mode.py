"""Grad mode: no_grad, enable_grad and set_grad_enabled as context managers and decorators,
kept per thread; and that no graph is recorded when it is off or nothing needs a gradient."""
from __future__ import annotations

import threading

import pytest

import autograd as ag
from autograd import Tensor


def test_no_node_under_no_grad_or_without_grad_inputs() -> None:
    x = Tensor([1.0, 2.0], requires_grad=True)
    with ag.no_grad():
        y = ag.exp(x * 2)
    assert y.grad_fn is None and not y.requires_grad and y.is_leaf
    z = ag.exp(Tensor([1.0, 2.0]) * 2) + Tensor([3.0, 4.0])
    assert z.grad_fn is None and not z.requires_grad
    w = x * 2
    assert w.grad_fn is not None and w.requires_grad and not w.is_leaf


def test_no_grad_and_enable_grad_nest_and_restore() -> None:
    x = Tensor([1.0], requires_grad=True)
    with ag.no_grad():
        assert not ag.is_grad_enabled()
        with ag.enable_grad():
            assert ag.is_grad_enabled() and (x * 2).requires_grad
        assert not (x * 2).requires_grad
    assert ag.is_grad_enabled()
    with pytest.raises(KeyError), ag.no_grad():
        raise KeyError("an exception inside the block")
    assert ag.is_grad_enabled()
    with ag.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert ag.is_grad_enabled()


def test_no_grad_and_enable_grad_as_decorators() -> None:
    x = Tensor([1.0], requires_grad=True)

    @ag.no_grad()
    def frozen() -> Tensor:
        return x * 2

    @ag.enable_grad()
    def recorded() -> Tensor:
        return x * 2

    @ag.no_grad()
    def failing() -> None:
        raise KeyError("raised under no_grad")

    assert frozen.__name__ == "frozen"
    assert not frozen().requires_grad and ag.is_grad_enabled()
    with ag.no_grad():
        assert recorded().requires_grad
        assert not ag.is_grad_enabled()
    with pytest.raises(KeyError):
        failing()
    assert ag.is_grad_enabled()


def test_grad_mode_is_per_thread() -> None:
    x = Tensor([1.0], requires_grad=True)
    inside, checked = threading.Event(), threading.Event()
    seen: dict = {}

    def holder() -> None:
        with ag.no_grad():
            inside.set()
            checked.wait(10)
            seen["holder"] = ag.is_grad_enabled()

    def other() -> None:
        inside.wait(10)
        seen["other"] = ag.is_grad_enabled()
        seen["other records"] = (x * 2).requires_grad
        checked.set()

    threads = [threading.Thread(target=holder), threading.Thread(target=other)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert seen == {"holder": False, "other": True, "other records": True}
    # A thread started from inside no_grad starts with grad mode on.
    with ag.no_grad():
        t = threading.Thread(target=lambda: seen.update(fresh=ag.is_grad_enabled()))
        t.start()
        t.join(10)
    assert seen["fresh"] is True


def test_bare_decorators() -> None:
    x = Tensor([1.0], requires_grad=True)

    @ag.no_grad
    def frozen() -> Tensor:
        return x * 2

    assert not frozen().requires_grad and ag.is_grad_enabled()
