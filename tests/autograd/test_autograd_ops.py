"""Tests generated from the op table (op_table.ROWS): nothing here is written for one op.

For every row: forward vs the NumPy reference; gradients and second derivatives vs float64
central differences; Hypothesis properties over shapes up to 4-D (broadcasting, size-1 and
empty axes, float32 and float64 mixed, gradients vs central differences on small inputs); and
forward and gradient vs PyTorch when importable.
"""
from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd as ag
from autograd import Tensor, testing
from op_table import ROWS
from table_support import OpRow

CASES = [pytest.param(r, i, id=f"{r.name}-{i}") for r in ROWS for i in range(len(r.examples))]
ROW_PARAMS = [pytest.param(r, id=r.name) for r in ROWS]
GRADCHECK_MAX_SIZE = 32  # elements over all inputs; keeps the numerical check quick
TOLERANCE = {np.dtype(np.float32): {"rtol": 1e-5, "atol": 1e-6},
             np.dtype(np.float64): {"rtol": 1e-10, "atol": 1e-12}}


def sample(r: OpRow, shapes: Any, dtype: Any, seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [d.sample(rng, s, dtype) for d, s in zip(r.domain, shapes)]


def wrap(r: OpRow, arrays: list[np.ndarray]) -> list[Tensor]:
    return [Tensor(a, requires_grad=r.wants_grad(i)) for i, a in enumerate(arrays)]


def as_list(out: Any) -> list:
    return list(out) if isinstance(out, (list, tuple)) else [out]


def call(r: OpRow) -> Any:
    return lambda *xs: r.fn(*xs, **r.kwargs)


def weights(outs: list, seed: int = 1) -> list[np.ndarray]:
    """Random upstream gradients, one per output (so no gradient is trivially all-ones)."""
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(np.shape(o)).astype(o.dtype) for o in outs]


def assert_matches(ours: Tensor, expected: Any) -> None:
    expected = np.asarray(expected)
    assert ours.dtype == expected.dtype, f"dtype {ours.dtype}, NumPy gives {expected.dtype}"
    assert ours.shape == expected.shape, f"shape {ours.shape}, NumPy gives {expected.shape}"
    tol = TOLERANCE.get(expected.dtype, {"rtol": 0, "atol": 0})
    np.testing.assert_allclose(ours.data, expected, equal_nan=True, **tol)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("r, i", CASES)
def test_forward_matches_numpy(r: OpRow, i: int, dtype: Any) -> None:
    arrays = sample(r, r.examples[i], dtype)
    expected = as_list(r.ref(*[a.copy() for a in arrays], **r.kwargs))
    outs = as_list(r.fn(*wrap(r, arrays), **r.kwargs))
    assert len(outs) == len(expected)
    for o, e in zip(outs, expected):
        assert_matches(o, e)


@pytest.mark.parametrize("r, i", CASES)
def test_gradient_matches_central_differences(r: OpRow, i: int) -> None:
    assert ag.gradcheck(call(r), wrap(r, sample(r, r.examples[i], np.float64)), **r.check)


@pytest.mark.parametrize("r, i", CASES)
def test_second_derivative_matches_central_differences(r: OpRow, i: int) -> None:
    inputs = wrap(r, sample(r, r.examples[i], np.float64))
    diff = [j for j in range(r.arity) if r.wants_grad(j)]

    @ag.enable_grad()  # gradcheck evaluates under no_grad; this inner graph must record
    def first_derivative(*xs: Tensor) -> tuple:
        outs = as_list(r.fn(*xs, **r.kwargs))
        total = sum((o * w).sum() for o, w in zip(outs, weights(outs)))
        grads = ag.grad(total, [xs[j] for j in diff], create_graph=True, allow_unused=True)
        return tuple(g if g is not None else ag.zeros_like(xs[j]) for g, j in zip(grads, diff))

    assert ag.gradcheck(first_derivative, inputs, **r.check)


@pytest.mark.parametrize("r, i", CASES)
def test_matches_pytorch(r: OpRow, i: int) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle for these cross-checks")
    if r.torch is None:
        pytest.skip(f"{r.name} has no PyTorch equivalent")
    arrays = sample(r, r.examples[i], np.float64)
    ours_in = wrap(r, arrays)
    theirs_in = [torch.tensor(a, requires_grad=r.wants_grad(j)) for j, a in enumerate(arrays)]
    ours = as_list(r.fn(*ours_in, **r.kwargs))
    theirs = as_list(r.torch(*theirs_in, **r.kwargs))
    assert len(ours) == len(theirs)
    ws = weights(ours)
    for o, t in zip(ours, theirs):
        np.testing.assert_allclose(o.data, t.detach().numpy(), rtol=1e-10, atol=1e-12)
    diff = [j for j in range(r.arity) if r.wants_grad(j)]
    total = sum((o * w).sum() for o, w in zip(ours, ws))
    ours_g = ag.grad(total, [ours_in[j] for j in diff], allow_unused=True)
    total_t = sum((t * torch.tensor(w)).sum() for t, w in zip(theirs, ws))
    theirs_g = torch.autograd.grad(total_t, [theirs_in[j] for j in diff], allow_unused=True)
    for j, g, tg in zip(diff, ours_g, theirs_g):
        expected = np.zeros(arrays[j].shape) if tg is None else tg.numpy()
        got = np.zeros(arrays[j].shape) if g is None else g.data
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12,
                                   err_msg=f"gradient of input {j}")


def draw_inputs(data: Any, r: OpRow, max_side: int, dtypes: Any) -> list[np.ndarray]:
    shapes = data.draw(r.shapes(max_side), label="shapes")
    arrays = []
    for j, (shape, dom) in enumerate(zip(shapes, r.domain)):
        dt = data.draw(dtypes, label=f"dtype {j}")
        # Any memory layout, as users hand arrays in (C, Fortran, strided, reversed, broadcast).
        arrays.append(data.draw(testing.arrays_in_layouts(shape, dt, elements=dom.elements(dt),
                                                          unique=dom.unique),
                                label=f"input {j}"))
    return arrays


# Empty and ddof-less slices give NaN with RuntimeWarnings, in NumPy and here alike.
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("r", ROW_PARAMS)
@given(data=st.data())
def test_properties(r: OpRow, data: Any) -> None:
    """Forward dtype/shape/values follow NumPy; grads have the input's shape and dtype and
    match central differences; no input or caller's array is mutated; gradients never alias
    each other or the caller's arrays."""
    arrays = draw_inputs(data, r, 3, testing.float_dtypes())
    grad_layout = data.draw(testing.layouts(), label="upstream gradient layout")
    with np.errstate(all="ignore"):
        check_properties(r, arrays, grad_layout)


def check_properties(r: OpRow, arrays: list[np.ndarray], grad_layout: str = "C") -> None:
    originals = [a.copy() for a in arrays]
    try:
        expected = as_list(r.ref(*originals, **r.kwargs))
    except (ValueError, IndexError) as exc:  # ours must refuse the same inputs
        with pytest.raises(type(exc)):
            r.fn(*wrap(r, arrays), **r.kwargs)
        return
    inputs = wrap(r, arrays)
    outs = as_list(r.fn(*inputs, **r.kwargs))
    assert len(outs) == len(expected)
    for o, e in zip(outs, expected):
        assert_matches(o, e)
    ws = [testing.in_layout(w, grad_layout) for w in weights(outs)]
    ws_before = [w.copy() for w in ws]
    if len(outs) == 1:
        outs[0].backward(ws[0])
    else:
        sum((o * w).sum() for o, w in zip(outs, ws)).backward()
    caller_arrays = arrays + ws
    for j, (t, a, orig) in enumerate(zip(inputs, arrays, originals)):
        np.testing.assert_array_equal(a, orig, err_msg=f"input {j} was mutated")
        if not r.wants_grad(j):
            assert t.grad is None
            continue
        g = t.grad.data
        assert g.shape == a.shape and g.dtype == a.dtype, f"grad {j}: {g.shape} {g.dtype}"
        for c in caller_arrays:
            assert not np.shares_memory(g, c), f"grad of input {j} aliases a caller's array"
    for w, before in zip(ws, ws_before):
        np.testing.assert_array_equal(w, before, err_msg="the caller's gradient was mutated")
    grads = [t.grad.data for t in inputs if t.grad is not None]
    for g1, g2 in itertools.combinations(grads, 2):
        assert not np.shares_memory(g1, g2), "two inputs' gradients share memory"
    # Central differences (in float64, as gradcheck copies) where they are cheap and defined:
    # NaN/inf outputs (empty max, ddof-less var) have no derivative to compare.
    if sum(a.size for a in arrays) <= GRADCHECK_MAX_SIZE and all(
            np.all(np.isfinite(o.data)) for o in outs):
        assert ag.gradcheck(call(r), wrap(r, arrays), **r.check)
