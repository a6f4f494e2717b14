"""Junk fed to every public constructor and function of nn, optim and nn.data.

Each call either works or raises TypeError, ValueError, RuntimeError or CheckpointError with a
message naming the callable; never another exception type, never a hang.
"""
from __future__ import annotations

import contextlib
import inspect
import math
import os
import signal
import sys
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
import optim
from autograd import Tensor
from nn import CheckpointError
from nn.parameter import Parameter
from optim import lr_scheduler


def _public(module) -> list:
    out = []
    for name in module.__all__:
        obj = getattr(module, name)
        if inspect.ismodule(obj) or (inspect.isclass(obj) and issubclass(obj, BaseException)):
            continue
        if callable(obj):
            out.append(pytest.param(obj, id=f"{module.__name__}.{name}"))
    return out


CALLABLES = (_public(nn) + _public(nn.init) + _public(nn.utils) + _public(nn.data)
             + _public(nn.functional) + _public(optim) + _public(lr_scheduler))


def _params():
    return [Parameter(np.ones((2, 2), np.float32)), Parameter(np.zeros(2, np.float32))]


# Factories, so that every call gets fresh objects (optimizers and layers are mutable).
PLAUSIBLE = [
    _params, lambda: optim.SGD(_params(), lr=0.1), lambda: nn.Dense(2, 2),
    lambda: np.ones((4, 2), np.float32), lambda: Tensor(np.full((4, 2), 0.5), True),
    lambda: np.array([0, 1, 1, 0]), lambda: 2, lambda: 0.5, lambda: "mean", lambda: "relu",
    lambda: True, lambda: False, lambda: [3, 5], lambda: nn.ReLU(),
]
JUNK = [
    lambda: None, lambda: "abc", lambda: "", lambda: math.nan, lambda: math.inf,
    lambda: -math.inf, lambda: -1, lambda: 0, lambda: 2**62, lambda: -(2**62),
    lambda: 1e308, lambda: 2.5, lambda: [], lambda: [1, "a"], lambda: [[1.0], [2.0, 3.0]],
    lambda: {}, lambda: {"a": 1}, lambda: object(), lambda: np.array([]),
    lambda: np.array([np.nan]), lambda: np.zeros((2, 0)), lambda: Tensor(np.arange(3)),
    lambda: (1, 2), lambda: (lambda *a: None), lambda: np.float64("nan"), lambda: b"x",
    lambda: np.array(["a", "b"]), lambda: np.array([{}], dtype=object), lambda: set(),
]
VALUES = st.sampled_from(PLAUSIBLE + JUNK).map(lambda make: make())
ALLOWED = (TypeError, ValueError, RuntimeError, CheckpointError)


class Hang(BaseException):
    """Raised by the alarm when one call runs too long."""


@contextlib.contextmanager
def _time_limit(seconds: float):
    if sys.platform == "win32" or not hasattr(signal, "setitimer"):
        yield
        return

    def on_alarm(signum, frame):
        raise Hang(f"the call ran for more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _arguments(fn, data) -> tuple[list, dict]:
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return [data.draw(VALUES) for _ in range(data.draw(st.integers(0, 3)))], {}
    args, kwargs = [], {}
    for p in sig.parameters.values():
        if p.kind is p.VAR_POSITIONAL:
            args += [data.draw(VALUES) for _ in range(data.draw(st.integers(0, 3)))]
        elif p.kind is p.VAR_KEYWORD:
            continue
        elif p.default is p.empty or data.draw(st.booleans()):
            value = data.draw(VALUES)
            if p.kind is p.KEYWORD_ONLY:
                kwargs[p.name] = value
            elif p.kind is p.POSITIONAL_ONLY or not kwargs:
                args.append(value)
            else:
                kwargs[p.name] = value
        elif p.kind is not p.KEYWORD_ONLY:
            # A skipped optional positional: later ones go by keyword.
            kwargs.setdefault("__switch__", True)
    kwargs.pop("__switch__", None)
    return args, kwargs


@pytest.mark.parametrize("fn", CALLABLES)
@given(data=st.data())
def test_junk_gets_a_named_error_of_an_allowed_type(fn, data, tmp_path_factory):
    args, kwargs = _arguments(fn, data)
    name = fn.__name__
    cwd = os.getcwd()
    os.chdir(tmp_path_factory.getbasetemp())  # a path-like junk value never writes here
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings(), _time_limit(10.0):
            warnings.simplefilter("ignore")  # junk may well deserve a warning; not the point
            result = fn(*args, **kwargs)
            if inspect.isgenerator(result):
                for _ in zip(range(3), result):
                    pass
    except ALLOWED as e:
        assert name in str(e), f"{name}: {type(e).__name__} does not name it: {e}"
    except Hang:
        pytest.fail(f"{name}(*{args!r}, **{kwargs!r}) did not finish")
    except Exception as e:  # noqa: BLE001 - the point of the test
        pytest.fail(f"{name}(*{args!r:.200}, **{kwargs!r:.200}) raised {type(e).__name__}: {e}")
    finally:
        os.chdir(cwd)
