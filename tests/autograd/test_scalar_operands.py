"""A Python number beside a Tensor (x * 2.5, 1 - x, x / 3) in add, sub, mul and div: values,
dtypes and warnings are NumPy's on the arrays (NEP 50: the number takes the float Tensor's
dtype), gradients and second derivatives are right in every dtype and layout, and all of it is
PyTorch's. mul turns a Python float beside a float array into a 0-d array of its dtype (what
NEP 50 casts it to): nothing of that may show."""
from __future__ import annotations

import operator
import warnings
from typing import Any, Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd as ag
from autograd import Tensor
from autograd.testing import LAYOUTS, in_layout

OPS: dict[str, Callable[[Any, Any], Any]] = {
    "add": operator.add, "sub": operator.sub, "mul": operator.mul, "div": operator.truediv}
DTYPES = [np.float16, np.float32, np.float64]
NUMBERS = [2, 2.5, -0.0, 1e-3, 3 * 10 ** 20, -7]


def _expected_grad(op: str, left: bool, x: np.ndarray, s: Any) -> np.ndarray:
    """d/dx of sum(op(x, s)) (left: x op s) or sum(op(s, x)), computed by NumPy in x's dtype."""
    one = np.ones_like(x)
    with np.errstate(all="ignore"):
        if op == "add":
            return one
        if op == "sub":
            return one if left else -one
        if op == "mul":
            return one * s
        return one / s if left else -(one * s) / (x * x)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("op", sorted(OPS))
@pytest.mark.parametrize("left", [True, False], ids=["tensor-op-number", "number-op-tensor"])
def test_values_dtypes_and_gradients_match_the_plain_number(dtype: Any, op: str,
                                                           left: bool) -> None:
    f = OPS[op]
    base = np.array([[0.5, -1.25, 3.0], [2.0, 0.75, -4.0]], dtype=dtype)
    for arr in (in_layout(base, layout) for layout in LAYOUTS):
        for s in NUMBERS:
            with warnings.catch_warnings(record=True) as seen:
                warnings.simplefilter("always")
                want = f(arr, s) if left else f(s, arr)
            x = Tensor(arr, requires_grad=True)
            with warnings.catch_warnings(record=True) as got_seen:
                warnings.simplefilter("always")
                y = f(x, s) if left else f(s, x)
            assert y.dtype == want.dtype
            np.testing.assert_array_equal(y.data, want)
            assert [str(w.message) for w in got_seen] == [str(w.message) for w in seen]
            with np.errstate(all="ignore"):
                y.sum().backward()
            assert x.grad.dtype == dtype
            np.testing.assert_allclose(x.grad.data, _expected_grad(op, left, arr, s),
                                       rtol=2e-3 if dtype is np.float16 else 1e-6, atol=0)


def test_integer_tensors_keep_numpys_promotion() -> None:
    i = Tensor(np.arange(4))
    assert (i * 2).dtype == np.int64
    np.testing.assert_array_equal((i * 2).data, np.arange(4) * 2)
    assert (i + 0.5).dtype == (np.arange(4) + 0.5).dtype


def test_an_int_too_large_for_any_float_still_raises_overflow() -> None:
    with pytest.raises(OverflowError):
        Tensor(np.ones(2, np.float32)) * 10 ** 400


def test_second_derivative_through_a_number_operand() -> None:
    x = Tensor(np.array([0.5, 2.0], np.float32), requires_grad=True)
    y = (3.0 * x * x - 1.5 / x).sum()
    (g,) = ag.grad(y, x, create_graph=True)
    np.testing.assert_allclose(g.data, 6 * x.data + 1.5 / x.data ** 2, rtol=1e-6)
    (gg,) = ag.grad(g.sum(), x)
    assert gg.dtype == np.float32
    np.testing.assert_allclose(gg.data, 6 - 3.0 / x.data ** 3, rtol=1e-6)


@settings(max_examples=60, deadline=None)
@given(dtype=st.sampled_from(DTYPES), op=st.sampled_from(sorted(OPS)), left=st.booleans(),
       s=st.one_of(st.floats(-1e4, 1e4, allow_nan=False).filter(lambda v: abs(v) > 1e-2),
                   st.integers(-1000, 1000).filter(bool)),
       shape=st.sampled_from([(), (1,), (3,), (2, 3)]))
def test_property_same_as_numpy_on_the_arrays(dtype: Any, op: str, left: bool, s: Any,
                                              shape: tuple) -> None:
    arr = (np.linspace(0.5, 2.5, int(np.prod(shape))) * 1.5).reshape(shape).astype(dtype)
    f = OPS[op]
    with np.errstate(all="ignore"):
        want = f(arr, s) if left else f(s, arr)
        y = f(Tensor(arr), s) if left else f(s, Tensor(arr))
    assert y.dtype == np.asarray(want).dtype
    np.testing.assert_array_equal(y.data, want)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("op", sorted(OPS))
def test_against_pytorch(dtype: Any, op: str) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle for this comparison")
    f = OPS[op]
    arr = np.array([0.5, -1.25, 3.0, 2.0], dtype=dtype)
    for s in (2, 2.5, -7):
        for left in (True, False):
            x, tx = Tensor(arr, requires_grad=True), torch.tensor(arr, requires_grad=True)
            y = f(x, s) if left else f(s, x)
            ty = f(tx, s) if left else f(s, tx)
            assert str(ty.dtype).removeprefix("torch.") == y.dtype.name
            np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=1e-3 if
                                       dtype is np.float16 else 1e-6)
            (y * y).sum().backward()
            (ty * ty).sum().backward()
            np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-2 if
                                       dtype is np.float16 else 1e-5)
