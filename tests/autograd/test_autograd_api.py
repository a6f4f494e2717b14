"""Tensor attributes and methods, factories and seeding, tie rules, and error messages."""
from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import autograd as ag
from autograd import Tensor


def leaf(values: Any) -> Tensor:
    return Tensor(np.array(values, dtype=np.float64), requires_grad=True)


# -- attributes and methods ---------------------------------------------------------------------
def test_tensor_attributes() -> None:
    x = leaf(np.arange(6.0).reshape(2, 3))
    assert (x.shape, x.ndim, x.size, len(x), x.dtype) == ((2, 3), 2, 6, 2, np.float64)
    assert x.T.shape == (3, 2) and x.is_leaf and x.grad_fn is None and x.grad is None
    assert x.numpy() is x.data
    assert Tensor([2.5]).item() == 2.5
    with pytest.raises(ValueError, match=r"\(2, 3\)"):
        x.item()
    with pytest.raises(TypeError):
        len(Tensor(1.0))


def test_comparisons_give_boolean_tensors_without_grad() -> None:
    x = leaf([1.0, 2.0, 3.0])
    for result, expected in [(x < 2, [1, 0, 0]), (x <= 2, [1, 1, 0]), (x > 2, [0, 0, 1]),
                             (x >= 2, [0, 1, 1]), (x == 2, [0, 1, 0]), (x != 2, [1, 0, 1])]:
        assert result.dtype == np.bool_ and not result.requires_grad
        np.testing.assert_array_equal(result.data, np.array(expected, dtype=bool))


@pytest.mark.parametrize("name, kwargs", [
    ("exp", {}), ("log", {}), ("sqrt", {}), ("abs", {}), ("sin", {}), ("cos", {}),
    ("tanh", {}), ("sigmoid", {}), ("relu", {}), ("log1p", {}), ("expm1", {}),
    ("clip", {"lo": 0.5, "hi": 1.0}), ("sum", {"axis": 1}), ("mean", {"axis": 0}),
    ("var", {"axis": 1, "ddof": 1}), ("std", {"keepdims": True}), ("max", {"axis": 1}),
    ("min", {}), ("logsumexp", {"axis": -1}), ("argmax", {"axis": 1}), ("argmin", {}),
    ("flatten", {}), ("squeeze", {}), ("swapaxes", {"axis1": 0, "axis2": 1}),
])
def test_methods_match_functions(name: str, kwargs: dict) -> None:
    x = leaf([[0.7, 1.2, 0.9], [1.1, 0.6, 1.4]])
    by_method = getattr(x, name)(**kwargs)
    by_function = getattr(ag, name)(x, **kwargs)
    np.testing.assert_array_equal(by_method.data, by_function.data)


def test_argmax_argmin_have_no_grad() -> None:
    x = leaf([[1.0, 5.0], [7.0, 2.0]])
    assert not ag.argmax(x, axis=1).requires_grad
    np.testing.assert_array_equal(ag.argmax(x, axis=1).data, [1, 0])
    assert ag.argmin(x).item() == 0


def test_setitem_is_refused_on_tensors_in_a_graph() -> None:
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match="no_grad"):
        x[0] = 5.0
    with ag.no_grad():
        x[0] = 5.0
    np.testing.assert_array_equal(x.data, [5.0, 2.0])


def test_requires_grad_only_on_leaves() -> None:
    x = Tensor(np.ones(2)).requires_grad_()
    assert x.requires_grad
    with pytest.raises(RuntimeError, match="leaf"):
        (x * 2).requires_grad_(False)


# -- factories and seeding ----------------------------------------------------------------------
@pytest.mark.parametrize("make, shape", [
    (lambda: ag.zeros(2, 3), (2, 3)), (lambda: ag.ones((4,)), (4,)),
    (lambda: ag.full((2, 2), 7.0), (2, 2)), (lambda: ag.empty(3), (3,)),
    (lambda: ag.eye(3), (3, 3)), (lambda: ag.randn(2, 5), (2, 5)),
    (lambda: ag.rand((3,)), (3,)), (lambda: ag.arange(0.0, 1.0, 0.25), (4,)),
])
def test_factories_default_to_float32(make: Any, shape: tuple) -> None:
    t = make()
    assert t.dtype == np.float32 and t.shape == shape and not t.requires_grad


def test_factory_values_dtype_and_requires_grad() -> None:
    np.testing.assert_array_equal(ag.full((2,), 7.0).data, [7.0, 7.0])
    np.testing.assert_array_equal(ag.eye(2).data, [[1, 0], [0, 1]])
    assert ag.zeros(2, dtype=np.float64).dtype == np.float64
    assert ag.randn(3, dtype=np.float64).dtype == np.float64
    assert ag.ones(2, requires_grad=True).requires_grad
    assert ag.zeros_like(np.ones(3, dtype=np.float64)).dtype == np.float64
    assert ag.ones_like(Tensor(np.ones(2, dtype=np.float32))).shape == (2,)
    # arange infers its dtype as PyTorch does: all-integer arguments give int64, any float
    # argument float32 (contract revision 2; revision 1 pinned float32).
    assert ag.arange(5).dtype == np.int64
    assert ag.arange(0, 5, 2).dtype == np.int64
    assert ag.arange(5.0).dtype == np.float32
    assert ag.arange(0, 1, 0.25).dtype == np.float32
    assert ag.arange(5, dtype=np.float64).dtype == np.float64
    rand = ag.rand(1000).data
    assert rand.min() >= 0 and rand.max() < 1


def test_manual_seed_makes_random_factories_repeatable() -> None:
    ag.manual_seed(123)
    first = (ag.randn(3, 4).data, ag.rand(5).data)
    ag.manual_seed(123)
    second = (ag.randn(3, 4).data, ag.rand(5).data)
    ag.manual_seed(124)
    other = ag.randn(3, 4).data
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])
    assert not np.array_equal(first[0], other)
    state = ag.get_rng_state()
    after = ag.rand(3).data
    ag.set_rng_state(state)
    np.testing.assert_array_equal(ag.rand(3).data, after)


# -- ties -----------------------------------------------------------------------------------------
def test_max_and_min_ties_share_the_gradient() -> None:
    x = leaf([1.0, 3.0, 3.0, 2.0])
    ag.max(x).backward()
    np.testing.assert_allclose(x.grad.data, [0.0, 0.5, 0.5, 0.0])
    y = leaf([[1.0, 1.0, 1.0], [2.0, 0.0, 2.0]])
    ag.min(y, axis=1).sum().backward()
    np.testing.assert_allclose(y.grad.data, [[1 / 3, 1 / 3, 1 / 3], [0.0, 1.0, 0.0]])


def test_maximum_and_minimum_ties_share_the_gradient() -> None:
    a, b = leaf([1.0, 2.0, 5.0]), leaf([1.0, 3.0, 4.0])
    ag.maximum(a, b).sum().backward()
    np.testing.assert_allclose(a.grad.data, [0.5, 0.0, 1.0])
    np.testing.assert_allclose(b.grad.data, [0.5, 1.0, 0.0])
    a.grad = b.grad = None
    ag.minimum(a, b).sum().backward()
    np.testing.assert_allclose(a.grad.data, [0.5, 1.0, 0.0])
    np.testing.assert_allclose(b.grad.data, [0.5, 0.0, 1.0])


# -- error messages -----------------------------------------------------------------------------
@pytest.mark.parametrize("op, name", [
    (lambda a, b: a + b, "add"), (lambda a, b: a - b, "sub"), (lambda a, b: a * b, "mul"),
    (lambda a, b: a / b, "div"), (lambda a, b: a ** b, "pow"), (ag.maximum, "maximum"),
    (ag.minimum, "minimum"), (lambda a, b: ag.where(a > 0, a, b), "where"),
])
def test_binary_shape_mismatch_names_op_and_shapes(op: Any, name: str) -> None:
    a, b = leaf(np.ones((2, 3))), leaf(np.ones(4))
    with pytest.raises(ValueError, match=rf"^{name}: .*\(2, 3\).*\(4,\)"):
        op(a, b)


def test_matmul_mismatch_names_op_and_shapes() -> None:
    with pytest.raises(ValueError, match=r"matmul.*\(2, 3\).*\(4, 5\)"):
        leaf(np.ones((2, 3))) @ leaf(np.ones((4, 5)))
    with pytest.raises(ValueError, match=r"dot"):
        ag.dot(leaf(np.ones((2, 2, 2))), leaf(np.ones(2)))


@pytest.mark.parametrize("call, pattern", [
    (lambda x: ag.reshape(x, 4, 2), r"reshape.*\(2, 3\).*\(4, 2\)"),
    (lambda x: ag.squeeze(x, 0), r"squeeze.*\(2, 3\)"),
    (lambda x: ag.split(x, 4, axis=1), r"split.*\(2, 3\)"),
    (lambda x: ag.concatenate([x, leaf(np.ones((3, 2)))]), r"concatenate.*\(2, 3\).*\(3, 2\)"),
    (lambda x: ag.stack([x, leaf(np.ones(3))]), r"stack.*\(2, 3\).*\(3,\)"),
    (lambda x: ag.broadcast_to(x, (4, 2)), r"broadcast_to.*\(2, 3\).*\(4, 2\)"),
    (lambda x: x[5], r"\(2, 3\)"),
    (lambda x: ag.transpose(x, 0, 0), r"transpose.*\(2, 3\)"),
    (lambda x: ag.sum(x, axis=2), r"sum.*axis 2"),
    (lambda x: ag.clip(x), r"clip"),
])
def test_shape_errors_name_op_and_shapes(call: Any, pattern: str) -> None:
    with pytest.raises((ValueError, IndexError), match=pattern):
        call(leaf(np.ones((2, 3))))
