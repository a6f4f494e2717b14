"""The Tensor and the backward engine: dtype policy, accumulation, graph release, error
messages, deep graphs and memory. Grad mode is in test_autograd_grad_mode.py."""
from __future__ import annotations

import gc
import tracemalloc
import weakref
from typing import Any

import numpy as np
import pytest

import autograd as ag
from autograd import Tensor


# -- dtype policy ---------------------------------------------------------------------------
@pytest.mark.parametrize("data, dtype", [
    (1.5, np.float32), ([1.0, 2.0], np.float32), ([[1.0], [2.0]], np.float32),
    (np.array([1.0]), np.float64), (np.float64(2.0), np.float64),
    (np.array([1.0], dtype=np.float32), np.float32), (np.float16(1), np.float16),
    (3, np.int64), ([1, 2], np.int64), (np.arange(3, dtype=np.int32), np.int32), (True, np.bool_),
])
def test_dtype_policy(data: Any, dtype: Any) -> None:
    assert Tensor(data).dtype == dtype
    assert ag.tensor(data).dtype == dtype


def test_explicit_dtype_wins() -> None:
    assert Tensor(1.5, dtype=np.float64).dtype == np.float64
    assert Tensor(np.ones(2), dtype=np.float32).dtype == np.float32


@pytest.mark.parametrize("data", [3, [1, 2], np.arange(3), True, np.array([True])])
def test_integer_and_bool_tensors_cannot_require_grad(data: Any) -> None:
    with pytest.raises(TypeError, match="floating-point"):
        Tensor(data, requires_grad=True)
    with pytest.raises(TypeError, match="floating-point"):
        Tensor(data).requires_grad_()


def test_complex_tensors_can_require_grad() -> None:
    # PyTorch's convention: for L = Σ |z|², z.grad = 2z (tests/autograd/test_complex*.py)
    z = Tensor(np.array([1 + 2j]), requires_grad=True)
    assert z.requires_grad and z.dtype == np.complex128
    assert Tensor(np.array([1 + 2j], np.complex64)).requires_grad_().requires_grad
    (abs(z) ** 2).sum().backward()
    np.testing.assert_allclose(z.grad.data, [2 + 4j])


def test_array_is_wrapped_not_copied() -> None:
    a = np.ones(3)
    assert Tensor(a).data is a


# -- backward ---------------------------------------------------------------------------------
def test_backward_accumulates_into_grad() -> None:
    x = Tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    np.testing.assert_allclose(x.grad.data, [2.0, 4.0])
    (x * 3).sum().backward()
    np.testing.assert_allclose(x.grad.data, [5.0, 7.0])
    x.zero_grad()
    assert x.grad is None


def test_grad_handed_out_is_not_changed_by_later_backward() -> None:
    x = Tensor([1.0, 2.0], requires_grad=True)
    (x * 2).sum().backward()
    held = x.grad.data
    (x * 3).sum().backward()
    np.testing.assert_array_equal(held, [2.0, 2.0])


def test_retain_graph_allows_second_backward_and_default_forbids_it() -> None:
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = (ag.exp(x) * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad.data, 2 * np.exp([1.0, 2.0]) * [2.0, 3.0])
    with pytest.raises(RuntimeError, match=r"retain_graph=True"):
        y.backward()


def test_create_graph_retains_the_graph_by_default() -> None:
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = (x ** 3).sum()
    y.backward(create_graph=True)
    y.backward()  # retain_graph defaults to create_graph
    np.testing.assert_allclose(x.grad.data, 2 * 3 * np.array([1.0, 4.0]))


def test_backward_errors() -> None:
    x = Tensor(np.ones((2, 3)), requires_grad=True)
    with pytest.raises(RuntimeError, match=r"\(2, 3\).*gradient"):
        (x * 2).backward()
    with pytest.raises(RuntimeError, match=r"shape"):
        (x * 2).backward(np.ones(3))
    with pytest.raises(RuntimeError, match="does not require grad"):
        Tensor([1.0]).backward()


def test_backward_with_explicit_gradient_and_leaf_root() -> None:
    x = Tensor(np.ones((2, 3)), requires_grad=True)
    g = np.arange(6.0).reshape(2, 3)
    (x * 2).backward(g)
    np.testing.assert_array_equal(x.grad.data, 2 * g)
    leaf = Tensor([1.0, 2.0], requires_grad=True)
    seed = np.array([3.0, 4.0])
    leaf.backward(seed)
    np.testing.assert_array_equal(leaf.grad.data, seed)
    assert not np.shares_memory(leaf.grad.data, seed)


def test_retain_grad_on_non_leaf() -> None:
    x = Tensor([1.0, 2.0], requires_grad=True)
    h = x * 3
    h.retain_grad()
    k = x * 4
    (h * k).sum().backward()
    np.testing.assert_allclose(h.grad.data, [4.0, 8.0])
    assert k.grad is None
    np.testing.assert_allclose(x.grad.data, [24.0, 48.0])


def test_detach_shares_data_and_cuts_the_graph() -> None:
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    d = y.detach()
    assert d.grad_fn is None and not d.requires_grad and np.shares_memory(d.data, y.data)
    (x * d).sum().backward()
    np.testing.assert_allclose(x.grad.data, [2.0, 4.0])  # d counts as a constant


# -- deep graphs --------------------------------------------------------------------------------
def test_backward_through_100000_op_chain() -> None:
    x = Tensor(np.array([0.5]), requires_grad=True)
    y = x
    for _ in range(50_000):  # two ops per step
        y = y * 1.0001 + 0.0001
    y.backward(np.ones(1))
    np.testing.assert_allclose(x.grad.data, [1.0001 ** 50_000], rtol=1e-9)


def test_dropping_a_100000_op_graph_without_backward() -> None:
    # Freeing a deep graph must not recurse once per node (the interpreter's stack would not
    # survive): Python's trashcan does this for Tensors and nodes, and nothing may defeat it.
    x = Tensor(np.array([0.5]), requires_grad=True)
    y = x
    for _ in range(100_000):
        y = ag.tanh(y * 0.5)
    ref = weakref.ref(y)
    del y
    gc.collect()
    assert ref() is None


class _Counted(ag.Function):
    """Identity whose backward counts its calls."""

    calls = 0

    @staticmethod
    def forward(ctx, x):
        return x.copy()

    @staticmethod
    def backward(ctx, g):
        _Counted.calls += 1
        return g


@pytest.mark.parametrize("n", [1000, 2000, 4000])
def test_each_node_is_visited_once(n: int) -> None:
    # Every node's output feeds the next node twice, so a walk that revisits shared nodes
    # would need 2**n visits; the engine's must be exactly n.
    x = Tensor([1.0], requires_grad=True)
    y = x
    for _ in range(n):
        y = _Counted.apply(y)
        y = (y + y) * 0.5
    _Counted.calls = 0
    y.backward(np.ones(1))
    assert _Counted.calls == n
    np.testing.assert_allclose(x.grad.data, [1.0])


# -- memory -----------------------------------------------------------------------------------
def test_saved_array_is_released_after_backward() -> None:
    def intermediate_ref(retain: bool) -> weakref.ref:
        x = Tensor(np.array([0.5, 1.0]), requires_grad=True)
        e = ag.exp(x * 2)  # Exp saves its output array for backward
        ref = weakref.ref(e.data)
        loss = (ag.tanh(e) * 3).sum()
        del e
        loss.backward(retain_graph=retain)
        assert ref() is not None or not retain
        return ref, loss

    ref, _kept_alive = intermediate_ref(retain=False)
    assert ref() is None
    ref, _kept_alive = intermediate_ref(retain=True)  # control: the graph still holds it
    assert ref() is not None


def test_a_recorded_chain_keeps_one_gc_tracked_object_per_op() -> None:
    # The cyclic collector rescans whatever the graph keeps alive while it is recorded: that
    # must be one node per op. A node holds an input made by a one-output op as that op's node,
    # so the chain's intermediate Tensors are freed by reference counting once dropped.
    x = Tensor(np.array([0.5]), requires_grad=True)
    y = x
    gc.collect()
    gc.disable()  # nothing below may depend on the collector
    try:
        before = len(gc.get_objects())
        for _ in range(1000):
            y = y * 1.0001 + 0.0001
        gc.collect()  # untracks the tuples of saved arrays (they hold no tracked object)
        growth = len(gc.get_objects()) - before
        refs = []
        for _ in range(100):
            y = y * 1.0001
            refs.append(weakref.ref(y))
        alive = [r() is not None for r in refs]
    finally:
        gc.enable()
    assert 2000 <= growth < 2000 + 20  # two ops per step; was two objects per op
    assert alive == [False] * 99 + [True]
    y.backward(np.ones(1))
    np.testing.assert_allclose(x.grad.data, [1.0001 ** 1100], rtol=1e-5)


def test_backward_leaves_the_cyclic_collector_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    # Pausing the collector is process-wide (every thread, and the caller's own setting), so
    # the walk must not: it frees the graph as it goes instead.
    calls = []
    for name in ("disable", "enable", "freeze", "set_threshold"):
        monkeypatch.setattr(gc, name, lambda *a, _n=name: calls.append(_n))
    x = Tensor(np.array([0.5, 1.5]), requires_grad=True)
    y = ag.tanh(x * x + 1).sum()
    y.backward(retain_graph=True)
    (gx,) = ag.grad(y, [x], create_graph=True)
    gx.sum().backward()
    assert calls == []
    assert x.grad is not None


def test_parents_rebuilds_the_input_tensors() -> None:
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    h = x * 2
    a, b = (h + x).grad_fn.parents
    assert a is not h and a.data is h.data and a.grad_fn is h.grad_fn and a.requires_grad
    assert b is x  # a leaf: the Tensor itself
    c, d = (h * 3).grad_fn.parents
    assert c.grad_fn is h.grad_fn and d is None
    assert (h * 3).grad_fn.needs_input_grad == (True, False)
    s0, s1 = ag.split(x, 2)
    assert (s0 * s1).grad_fn.parents[1] is s1  # one of several outputs: the Tensor itself
    assert (s0 * s1).grad_fn.needs_input_grad == (True, True)


def _mlp_step(params: list, x: np.ndarray, y: np.ndarray, lr: float) -> None:
    w1, b1, w2 = params
    pred = ag.tanh(Tensor(x) @ w1 + b1) @ w2
    loss = ((pred - Tensor(y)) ** 2).mean()
    loss.backward()
    with ag.no_grad():
        for p in params:
            p.data = p.data - lr * p.grad.data
            p.grad = None


def _numpy_data_bytes() -> int:
    """Bytes of array data alive now (NumPy traces its buffers in a domain of its own)."""
    only_numpy = tracemalloc.DomainFilter(True, np.lib.tracemalloc_domain)
    return sum(t.size for t in tracemalloc.take_snapshot().filter_traces([only_numpy]).traces)


def test_training_loop_does_not_leak() -> None:
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((16, 4)), rng.standard_normal((16, 1))
    params = [Tensor(rng.standard_normal(s) * 0.5, requires_grad=True)
              for s in [(4, 8), (8,), (8, 1)]]
    for _ in range(50):  # warm up caches before measuring
        _mlp_step(params, x, y, 0.05)
    gc.collect()
    gc.disable()  # anything the steps leave in cycles stays for gc.collect() to find
    tracemalloc.start()
    try:
        objects_before = len(gc.get_objects())
        memory_before = tracemalloc.get_traced_memory()[0]
        data_before = _numpy_data_bytes()
        for _ in range(1000):
            _mlp_step(params, x, y, 0.05)
        data_growth = _numpy_data_bytes() - data_before
        memory_growth = tracemalloc.get_traced_memory()[0] - memory_before
        object_growth = len(gc.get_objects()) - objects_before
    finally:
        tracemalloc.stop()
        gc.enable()
    assert gc.collect() == 0, "the steps created reference cycles"
    # Graph nodes and Tensors are tracked by gc: one left behind per step would add 1000.
    assert object_growth < 50
    # NumPy caches a few small buffers; even one leaked 0-d array per step would be 8 KB.
    assert data_growth < 4096
    # Python's free lists keep up to a few thousand small freed objects (~100 KB) counted as
    # allocated; one leaked 16x8 float64 array per step would be over 1 MB.
    assert memory_growth < 300_000


def test_create_graph_leaf_gradients_are_owned_by_each_leaf() -> None:
    # With create_graph=True, Add handed the same gradient Tensor to both leaves (and a leaf
    # root kept the caller's seed): changing one .grad in place changed the other, and the
    # arrays the new graph had saved.
    x = Tensor(np.ones(3), requires_grad=True)
    y = Tensor(np.full(3, 2.0), requires_grad=True)
    (x + y * y).sum().backward(create_graph=True)
    assert x.grad is not y.grad and not np.shares_memory(x.grad.data, y.grad.data)
    gy = y.grad
    x.grad.data[...] = 5.0  # must not touch y's gradient nor the graph behind it
    np.testing.assert_array_equal(gy.data, [4.0, 4.0, 4.0])
    (hy,) = ag.grad(gy.sum(), y)
    np.testing.assert_array_equal(hy.data, [2.0, 2.0, 2.0])
    seed = Tensor(np.array([3.0, 4.0]))
    leaf = Tensor([1.0, 2.0], requires_grad=True)
    leaf.backward(seed, create_graph=True)
    assert leaf.grad is not seed and not np.shares_memory(leaf.grad.data, seed.data)
    np.testing.assert_array_equal(leaf.grad.data, seed.data)
