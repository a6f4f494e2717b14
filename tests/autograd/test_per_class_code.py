"""The walk's per-node routines and each op's `apply` run code of their own per op class (see
function._PER_CLASS): every class, built-in, custom or derived, defined before or after the
engine was imported, must have its own copy, and the walk must give the same gradients through
all of them."""
from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import autograd as ag
from autograd import Function, Tensor
from autograd.function import _PER_CLASS, per_class
from autograd.ops.arithmetic import Mul


def _all_op_classes() -> list[type]:
    found, todo = [], [Function]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


def test_the_engine_registers_its_walk_routines() -> None:
    assert {"_engine_visit", "_engine_count"} <= set(_PER_CLASS)


@pytest.mark.parametrize("name", ["_engine_visit", "_engine_count"])
def test_every_op_class_owns_a_separate_copy(name: str) -> None:
    classes = _all_op_classes()
    assert len(classes) > 50
    codes = set()
    for cls in classes:
        assert name in cls.__dict__, f"{cls.__name__} runs an inherited {name}"
        codes.add(id(cls.__dict__[name].__code__))
    assert len(codes) == len(classes)


def test_every_apply_has_code_of_its_own() -> None:
    classes = _all_op_classes()
    assert len({id(cls.apply.__code__) for cls in classes}) == len(classes)


class _Cube(Function):
    def forward(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        return x ** 3

    def backward(ctx: Any, g: Any) -> Any:
        (x,) = ctx.saved_tensors
        return 3 * x ** 2 * g


class _MyMul(Mul):
    """A built-in op subclassed: it inherits forward/backward, not the per-class copies."""


def test_custom_and_derived_classes_made_after_import_get_copies_and_gradients() -> None:
    for cls in (_Cube, _MyMul):
        assert (cls.__dict__["_engine_visit"].__code__
                is not Function.__dict__["_engine_visit"].__code__)
    x = Tensor(np.array([0.5, -1.5, 2.0]), requires_grad=True)
    y = _MyMul.apply(_Cube.apply(x), x)  # x⁴
    (y * 2.0).sum().backward()
    np.testing.assert_allclose(x.grad.data, 8 * x.data ** 3)


def test_per_class_reaches_existing_classes_and_new_ones() -> None:
    def _probe(fn: Any) -> str:
        return type(fn).__name__

    per_class("_probe_for_test", _probe)
    try:
        class _Later(Function):
            pass

        for cls in (Mul, _Cube, _Later, Function):
            assert cls.__dict__["_probe_for_test"].__code__ is not _probe.__code__
        x = Tensor(np.ones(2), requires_grad=True)
        assert (x * 2.0).grad_fn._probe_for_test() == "Mul"
    finally:
        del _PER_CLASS["_probe_for_test"]
        for cls in _all_op_classes():
            if "_probe_for_test" in cls.__dict__:
                delattr(cls, "_probe_for_test")


def test_a_class_body_cannot_take_an_engine_routine_name() -> None:
    with pytest.raises(TypeError, match="_engine_visit is the engine's name"):
        class _Clash(Function):
            def _engine_visit(self, g: Any, walk: Any) -> None:
                pass


def test_a_graph_mixing_many_op_classes_matches_the_hand_derivative() -> None:
    """Every node type goes through its own copy of the walk in one backward pass."""
    x = Tensor(np.array([0.3, 0.7, 1.1]), requires_grad=True)
    y = (ag.exp(ag.tanh(x * 0.5)) - ag.sqrt(x) / (x + 1.0)).sum()
    y.backward()
    xd = x.data
    t = np.tanh(xd * 0.5)
    want = np.exp(t) * (1 - t ** 2) * 0.5 - (
        0.5 / np.sqrt(xd) / (xd + 1) - np.sqrt(xd) / (xd + 1) ** 2)
    np.testing.assert_allclose(x.grad.data, want, rtol=1e-12)
