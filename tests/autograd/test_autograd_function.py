"""Custom ops (autograd.Function), gradcheck, to_dot and detect_anomaly."""
from __future__ import annotations

import re

import numpy as np
import pytest

import autograd as ag
from autograd import Tensor


def leaf(values: object) -> Tensor:
    return Tensor(np.array(values, dtype=np.float64), requires_grad=True)


class Cube(ag.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return 3 * x ** 2 * g


class MulAdd(ag.Function):
    """Two outputs, (x·w, x + w); records which inputs backward was asked for."""

    seen: list = []

    @staticmethod
    def forward(ctx, x, w):
        ctx.save_for_backward(x, w)
        return x * w, x + w

    @staticmethod
    def backward(ctx, g_prod, g_sum):
        x, w = ctx.saved_tensors
        MulAdd.seen.append(ctx.needs_input_grad)
        gx = g_prod * w + g_sum
        gw = g_prod * x + g_sum if ctx.needs_input_grad[1] else None
        return gx, gw


def test_custom_function_forward_and_backward() -> None:
    x = leaf([1.0, -2.0, 3.0])
    y = Cube.apply(x)
    assert isinstance(y, Tensor) and y.grad_fn is not None
    np.testing.assert_allclose(y.data, [1.0, -8.0, 27.0])
    y.backward(np.array([1.0, 2.0, 3.0]))
    np.testing.assert_allclose(x.grad.data, 3 * np.array([1.0, 4.0, 9.0]) * [1.0, 2.0, 3.0])
    assert ag.gradcheck(Cube.apply, [leaf([0.5, -1.5])])


def test_custom_function_records_nothing_without_grad() -> None:
    y = Cube.apply(Tensor(np.array([2.0])))
    assert y.grad_fn is None and not y.requires_grad
    with ag.no_grad():
        assert Cube.apply(leaf([2.0])).grad_fn is None


def test_needs_input_grad_and_multiple_outputs() -> None:
    x, w = leaf([2.0, 3.0]), Tensor(np.array([5.0, 7.0]))
    MulAdd.seen.clear()
    prod, total = MulAdd.apply(x, w)
    np.testing.assert_allclose(prod.data, [10.0, 21.0])
    np.testing.assert_allclose(total.data, [7.0, 10.0])
    (prod * 2 + total).sum().backward()
    np.testing.assert_allclose(x.grad.data, 2 * w.data + 1)
    assert MulAdd.seen == [(True, False)]
    w = leaf([5.0, 7.0])
    x.grad = None
    prod, total = MulAdd.apply(x, w)
    (prod * 2 + total * 3).sum().backward()
    np.testing.assert_allclose(x.grad.data, 2 * w.data + 3)
    np.testing.assert_allclose(w.grad.data, 2 * x.data + 3)
    assert MulAdd.seen[-1] == (True, True)
    assert ag.gradcheck(MulAdd.apply, [leaf([0.5, 1.5]), leaf([-1.0, 2.0])])


def test_unused_output_gets_a_zero_gradient() -> None:
    x, w = leaf([2.0, 3.0]), leaf([5.0, 7.0])
    prod, _ = MulAdd.apply(x, w)
    prod.sum().backward()
    np.testing.assert_allclose(x.grad.data, w.data)
    np.testing.assert_allclose(w.grad.data, x.data)


class _ReadsNeedsInputGradInForward(ag.Function):
    @staticmethod
    def forward(ctx, x, w):
        ctx.flags = ctx.needs_input_grad
        return x * w

    @staticmethod
    def backward(ctx, g):
        return g, None


def test_needs_input_grad_inside_forward() -> None:
    y = _ReadsNeedsInputGradInForward.apply(leaf([1.0]), Tensor(np.array([2.0])))
    assert y.grad_fn.flags == (True, False)


def test_custom_function_is_differentiable_once() -> None:
    x = leaf([2.0])
    (g,) = ag.grad(Cube.apply(x).sum(), x, create_graph=True)
    np.testing.assert_allclose(g.data, [12.0])
    with pytest.raises(RuntimeError, match="Cube.*differentiable once"):
        ag.grad(g.sum(), x)


def test_saved_tensors_are_released_after_backward() -> None:
    x = leaf([2.0])
    y = Cube.apply(x)
    y.backward(np.ones(1))
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.grad_fn.saved_tensors  # noqa: B018  (the property raises)


# -- gradcheck ----------------------------------------------------------------------------------
class _WrongAt12(ag.Function):
    """2x with the derivative at element (1, 2) off by 0.5."""

    @staticmethod
    def forward(ctx, x):
        return 2 * x

    @staticmethod
    def backward(ctx, g):
        d = np.full(g.shape, 2.0)
        d[1, 2] = 2.5
        return g * d


def test_gradcheck_names_input_element_and_both_values() -> None:
    ok, bad = leaf(np.ones(2)), leaf(np.arange(6.0).reshape(2, 3))
    with pytest.raises(ag.GradcheckError) as info:
        ag.gradcheck(lambda a, b: a.sum() * _WrongAt12.apply(b), [ok, bad])
    message = str(info.value)
    assert isinstance(info.value, AssertionError)
    assert "input 1" in message and "(1, 2)" in message
    numbers = [float(n) for n in re.findall(r"-?\d+\.\d+(?:e-?\d+)?", message)]
    # Σa = 2 scales both; the wrong backward's value is 2.5/2 times the true one.
    assert any(np.isclose(a, 1.25 * n) for a in numbers for n in numbers if n)


def test_gradcheck_needs_an_input_that_requires_grad() -> None:
    with pytest.raises(ValueError, match="requires grad"):
        ag.gradcheck(ag.exp, [Tensor(np.ones(2))])


def test_gradcheck_does_not_touch_the_inputs() -> None:
    x = Tensor(np.array([0.5, 1.5], dtype=np.float32), requires_grad=True)
    before = x.data.copy()
    assert ag.gradcheck(lambda t: ag.exp(t) * t, [x])
    assert x.grad is None and x.dtype == np.float32
    np.testing.assert_array_equal(x.data, before)


# -- to_dot -------------------------------------------------------------------------------------
def test_to_dot_names_ops_and_shapes() -> None:
    x = leaf(np.ones((2, 3)))
    y = (Cube.apply(ag.exp(x)) @ Tensor(np.ones(3))).sum()
    dot = ag.to_dot(y)
    assert dot.startswith("digraph") and dot.rstrip().endswith("}")
    for name in ("Exp", "Cube", "MatMul", "Sum", "(2, 3)", "(2,)"):
        assert name in dot, name
    assert dot.count("->") >= 4


def test_to_dot_of_a_leaf() -> None:
    dot = ag.to_dot(leaf(np.ones((4, 1))))
    assert "(4, 1)" in dot and "->" not in dot


# -- detect_anomaly -----------------------------------------------------------------------------
def test_detect_anomaly_names_first_forward_op() -> None:
    x = leaf(-np.ones((2, 3)))
    with ag.detect_anomaly(), np.errstate(all="ignore"):
        y = x * 2  # finite
        with pytest.raises(FloatingPointError) as info:
            ag.log(y) * 3  # log of negatives: NaN, the first non-finite result
    message = str(info.value)
    assert "Log" in message and "forward" in message and "(2, 3)" in message
    with np.errstate(all="ignore"):
        assert np.isnan(ag.log(x).data).all()  # outside the block nothing is checked


def test_detect_anomaly_names_first_backward_op_of_single_elements() -> None:
    # a / b with b = 1e-170: the quotient is finite, but b² underflows to 0 in backward.
    a, b = leaf([1e-200]), leaf([1e-170])
    with ag.detect_anomaly(), np.errstate(all="ignore"):
        loss = ((a / b) * 3).sum()
        with pytest.raises(FloatingPointError) as info:
            loss.backward()
    message = str(info.value)
    assert "Div" in message and "backward" in message and "(1,)" in message


def test_detect_anomaly_names_first_backward_op_with_create_graph() -> None:
    x = leaf(np.zeros((2, 3)))
    with ag.detect_anomaly(), np.errstate(all="ignore"):
        loss = (ag.sqrt(x) * 3).sum()  # √0 is fine; its derivative 1/(2√0) is not
        with pytest.raises(FloatingPointError) as info:
            ag.grad(loss, x, create_graph=True)
    message = str(info.value)
    assert "Sqrt" in message and "backward" in message and "(2, 3)" in message


def test_detect_anomaly_names_first_backward_op() -> None:
    x = leaf(np.zeros((2, 3)))
    with ag.detect_anomaly(), np.errstate(all="ignore"):
        loss = (ag.sqrt(x) * 3).sum()
        with pytest.raises(FloatingPointError, match=r"Sqrt backward.*\(2, 3\)"):
            loss.backward()


def test_detect_anomaly_allows_ops_without_grad() -> None:
    with ag.detect_anomaly():
        y = ag.exp(Tensor(np.ones(2)))
    np.testing.assert_allclose(y.data, np.e)


class _TransposeForgotten(ag.Function):
    """Transposes in forward but returns the gradient untransposed: a wrong shape."""

    @staticmethod
    def forward(ctx, x):
        return x.T.copy()

    @staticmethod
    def backward(ctx, g):
        return g


class _WrongSize(ag.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return np.ones(g.size + 1)


def test_backward_of_the_wrong_size_is_an_error() -> None:
    with pytest.raises(RuntimeError, match=r"_WrongSize.*\(7,\).*\(2, 3\)"):
        _WrongSize.apply(leaf(np.ones((2, 3)))).backward(np.ones((2, 3)))


def test_backward_of_the_wrong_shape_is_an_error() -> None:
    x = leaf(np.arange(6.0).reshape(2, 3))
    y = _TransposeForgotten.apply(x)
    with pytest.raises(RuntimeError, match=r"_TransposeForgotten.*\(3, 2\).*\(2, 3\)"):
        y.backward(np.arange(6.0).reshape(3, 2))
