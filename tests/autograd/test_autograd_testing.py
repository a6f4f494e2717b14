"""The public testing module: its strategies draw what they promise, its assertion catches
wrong gradients, and `import autograd` does not need Hypothesis."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import find, given
from hypothesis import strategies as st

import autograd as ag
from autograd import Tensor, testing


def test_import_autograd_does_not_import_hypothesis() -> None:
    code = "import sys, autograd; sys.exit('hypothesis' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


@given(testing.shapes(min_dims=1, max_dims=3, min_side=2, max_side=4))
def test_shapes_respect_bounds(shape: tuple) -> None:
    assert 1 <= len(shape) <= 3
    assert all(2 <= n <= 4 for n in shape)


def test_shapes_reach_empty_axes_and_scalars() -> None:
    assert find(testing.shapes(), lambda s: 0 in s and len(s) >= 2)
    assert find(testing.shapes(), lambda s: s == ()) == ()


@pytest.mark.parametrize("kwargs", [{"min_dims": 3, "max_dims": 2}, {"min_side": -1},
                                    {"min_side": 4, "max_side": 3}])
def test_shapes_reject_bad_bounds(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        testing.shapes(**kwargs)


@given(testing.broadcastable_shapes(n=3, min_dims=1, max_dims=4, max_side=4))
def test_broadcastable_shapes_broadcast(shapes: tuple) -> None:
    assert len(shapes) == 3
    assert all(1 <= len(s) <= 4 and all(0 <= n <= 4 for n in s) for s in shapes)
    np.broadcast_shapes(*shapes)  # raises ValueError when they do not broadcast


def test_broadcastable_shapes_stretch_size_one_and_missing_axes() -> None:
    pairs = testing.broadcastable_shapes(2, max_side=3)
    # Each side stretches the other: neither shape is the broadcast result.
    both = find(pairs, lambda p: np.broadcast_shapes(*p) not in p)
    assert np.broadcast_shapes(*both) not in both
    fewer = find(pairs, lambda p: len(p[0]) < len(p[1]) and len(p[0]) > 0)
    assert 0 < len(fewer[0]) < len(fewer[1])
    with pytest.raises(ValueError):
        testing.broadcastable_shapes(n=0)


@given(testing.arrays(testing.shapes(max_dims=3), np.float32, min_value=0.1, max_value=0.3))
def test_arrays_respect_dtype_and_range(a: np.ndarray) -> None:
    # 0.1 and 0.3 are not float32 numbers: the bounds move inwards, never outwards.
    assert a.dtype == np.float32
    assert np.all((a >= 0.1) & (a <= 0.3))


@given(testing.arrays((3, 4), testing.float_dtypes(), unique=True))
def test_arrays_fixed_shape_unique_finite(a: np.ndarray) -> None:
    assert a.shape == (3, 4) and a.dtype in (np.float32, np.float64)
    assert np.all(np.isfinite(a)) and len(np.unique(a)) == a.size
    assert np.all(np.abs(a) <= 10)


@given(testing.arrays((5,), np.int64, min_value=-2.5, max_value=3.5))
def test_arrays_integers(a: np.ndarray) -> None:
    assert a.dtype == np.int64 and np.all((a >= -2) & (a <= 3))


@given(testing.arrays((4,), np.float64, elements=st.sampled_from([0.5, 1.5])))
def test_arrays_custom_elements(a: np.ndarray) -> None:
    assert set(a.tolist()) <= {0.5, 1.5}


@given(testing.tensors(shape=testing.shapes(max_dims=2), min_value=-1, max_value=1))
def test_tensors(t: Tensor) -> None:
    assert isinstance(t, Tensor) and t.requires_grad and t.is_leaf
    assert t.dtype in (np.float32, np.float64)
    assert np.all(np.abs(t.data) <= 1)


@given(testing.tensors(shape=(2,), dtype=np.int32, requires_grad=False))
def test_tensors_without_grad(t: Tensor) -> None:
    assert t.dtype == np.int32 and not t.requires_grad


def test_tensors_reject_integer_dtype_with_grad() -> None:
    with pytest.raises(ValueError, match="int64"):
        testing.tensors(dtype=np.int64)


def test_assert_grad_close_passes_for_a_correct_gradient() -> None:
    x = np.array([[0.5, 1.0], [2.0, 3.0]])
    y = Tensor(np.array([1.5, -0.5]), requires_grad=True)
    before = x.copy()
    testing.assert_grad_close(lambda a, b: (ag.log(a) * b).sum(axis=1), x, y)
    np.testing.assert_array_equal(x, before)


class _WrongSquare(ag.Function):
    """x²  with a derivative that is off by one at element 1 (so exactly one element fails)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        d = 2 * x
        d[1] += 1.0
        return g * d


def test_assert_grad_close_names_input_element_and_values() -> None:
    x = Tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
    c = Tensor(np.array([4.0]), requires_grad=True)
    with pytest.raises(AssertionError) as info:
        testing.assert_grad_close(lambda c, x: c * _WrongSquare.apply(x), c, x)
    message = str(info.value)
    assert "input 1" in message and "(1,)" in message
    # d/dx (c·x²)·w at x = 2 is 4cw; the wrong backward reports (4 + 1)cw: both numbers appear.
    analytic, numerical = (float(s.split()[0].rstrip(")").split("(")[-1])
                           for s in message.split("analytic ")[1].split(" vs numerical "))
    assert analytic == pytest.approx(numerical * 5 / 4, rel=1e-6)


@given(testing.tensors(shape=testing.shapes(max_dims=2, max_side=3), min_value=0.1,
                       max_value=2))
def test_module_docstring_example(x: Tensor) -> None:
    testing.assert_grad_close(ag.log, x)


@given(testing.arrays_in_layouts((3, 4), np.float32, min_value=-1, max_value=1))
def test_arrays_in_layouts_keep_shape_dtype_and_range(a):
    assert a.shape == (3, 4) and a.dtype == np.float32
    assert np.all((a >= -1) & (a <= 1))


@given(testing.arrays_in_layouts((2, 3), unique=True))
def test_arrays_in_layouts_unique_never_broadcasts(a):
    assert a.strides[0] != 0 and len(np.unique(a)) == a.size
