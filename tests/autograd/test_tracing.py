"""autograd.extend.tracing: a callback after every op, with its full arguments."""
from __future__ import annotations

import numpy as np
import pytest

import autograd
from autograd import Tensor
from autograd.extend import tracing
from autograd.grad_mode import STATE


def test_records_every_op_with_constants_and_kwargs():
    calls = []
    x = Tensor(np.ones((2, 3), np.float32))  # needs no gradient: still traced
    with tracing(lambda *c: calls.append(c)):
        y = autograd.concatenate([x * 2, x], axis=1).sum(axis=0)
    names = [type(node).__name__ for node, *_ in calls]
    assert names == ["Mul", "Concatenate", "Sum"]
    node, args, kwargs, result = calls[0]
    assert args[0] is x and args[1] == 2 and kwargs == {}
    assert calls[1][2] == {"axis": 1}
    assert calls[-1][3] is y
    assert not y.requires_grad


def test_tuple_results_and_grad_recording_unchanged():
    calls = []
    x = Tensor(np.arange(4.0), requires_grad=True)
    with tracing(lambda *c: calls.append(c)):
        a, b = autograd.split(x, 2)
        (a * b).sum().backward()
    assert isinstance(calls[0][3], tuple) and calls[0][3][0] is a
    np.testing.assert_array_equal(x.grad, [2.0, 3.0, 0.0, 1.0])


def test_restored_after_the_block_and_on_error():
    assert STATE.tracer is None and not STATE.watched
    with pytest.raises(ZeroDivisionError):
        with tracing(lambda *c: None):
            assert STATE.watched
            raise ZeroDivisionError
    assert STATE.tracer is None and not STATE.watched
    with autograd.detect_anomaly():
        with tracing(lambda *c: None):
            pass
        assert STATE.watched  # anomaly mode still needs the checked path
    assert not STATE.watched


def test_anomaly_still_raises_while_tracing():
    calls = []
    with tracing(lambda *c: calls.append(c)), autograd.detect_anomaly():
        with pytest.raises(FloatingPointError, match="Log forward"), np.errstate(invalid="ignore"):
            autograd.log(Tensor(np.array([-1.0])))
        autograd.exp(Tensor(np.array([1.0])))
    assert [type(c[0]).__name__ for c in calls] == ["Exp"]
