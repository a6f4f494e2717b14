"""autograd.profiler.profile: counts, times, table, and that nothing stays patched."""
from __future__ import annotations

import numpy as np
import pytest

import autograd as ag
from autograd import profiler
from autograd.function import Function
from autograd.ops.arithmetic import Mul


class Cube(Function):
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return 3 * x ** 2 * g


def work() -> ag.Tensor:
    x = ag.tensor(np.linspace(-1, 1, 12).reshape(3, 4), requires_grad=True)
    for _ in range(3):
        y = (x * x).tanh().sum()
        y.backward()
    Cube.apply(x).sum().backward()
    return x


def snapshot() -> list:
    """What the profiler swaps: each op's forward cell and its own backward entry."""
    out = []
    for cls in profiler._op_classes():
        out.append((cls, profiler._forward_cell(cls).cell_contents,
                    cls.__dict__.get("backward")))
    return out


def test_counts_calls_and_backward_calls_per_op() -> None:
    with profiler.profile() as prof:
        work()
    rows = {e.name: e for e in prof.events()}
    assert rows["Mul"].calls == 3 and rows["Mul"].backward_calls == 3
    assert rows["Tanh"].calls == 3 and rows["Sum"].calls == 4
    assert rows["Cube"].calls == 1 and rows["Cube"].backward_calls == 1
    for e in rows.values():
        assert e.forward_time >= 0 and e.backward_time >= 0
        assert e.total_time == pytest.approx(e.forward_time + e.backward_time)
        assert e.mean_forward_time == pytest.approx(e.forward_time / e.calls)
    totals = [e.total_time for e in prof.events()]
    assert totals == sorted(totals, reverse=True)


def test_results_are_unchanged_and_everything_is_restored() -> None:
    before = snapshot()
    plain = work().grad.data
    with profiler.profile():
        profiled = work().grad.data
    np.testing.assert_array_equal(plain, profiled)
    assert snapshot() == before
    assert "backward" in Mul.__dict__


def test_restored_after_an_exception_and_no_nesting() -> None:
    before = snapshot()
    with pytest.raises(ZeroDivisionError):
        with profiler.profile():
            1 / 0
    assert snapshot() == before
    with profiler.profile():
        with pytest.raises(RuntimeError, match="already active"):
            profiler.profile().__enter__()
    assert snapshot() == before


def test_disabled_profile_records_nothing() -> None:
    with profiler.profile(enabled=False) as prof:
        work()
    assert prof.events() == []


def test_table_lists_ops_and_sorts() -> None:
    with profiler.profile() as prof:
        work()
    text = prof.table(sort_by="calls")
    lines = text.splitlines()
    assert "Name" in lines[1] and "Forward total" in lines[1] and "Backward total" in lines[1]
    names = [line.split()[0] for line in lines[3:-2]]
    assert names[0] == "Sum" and set(names) >= {"Mul", "Tanh", "Cube"}
    assert prof.table(sort_by="name").splitlines()[3].split()[0] == sorted(names)[0]
    with pytest.raises(ValueError, match="sort_by"):
        prof.table(sort_by="bogus")
