"""The Keras-named losses against Keras' formulas written out in NumPy (one value per sample,
the mean over the non-batch axes), plus gradients, reductions and stability."""
from __future__ import annotations

import warnings
from typing import Any, Callable

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
import nn.functional as F
from autograd import Tensor

EPS = 1e-7  # Keras' backend.epsilon()


def _rows(v: np.ndarray) -> np.ndarray:
    """Keras averages over the last axis; for (N, ...) inputs we average every non-batch axis."""
    return v.reshape(v.shape[0], -1).mean(axis=1)


def _as_pm1(t: np.ndarray) -> np.ndarray:
    return 2 * t - 1 if np.isin(t, (0, 1)).all() else t


def np_hinge(x: np.ndarray, t: np.ndarray) -> np.ndarray:
    return _rows(np.maximum(1 - _as_pm1(t) * x, 0))


def np_squared_hinge(x: np.ndarray, t: np.ndarray) -> np.ndarray:
    return _rows(np.square(np.maximum(1 - _as_pm1(t) * x, 0)))


def np_categorical_hinge(x: np.ndarray, t: np.ndarray) -> np.ndarray:
    pos = np.sum(t * x, axis=-1)
    neg = np.max((1 - t) * x, axis=-1)
    return _rows(np.maximum(neg - pos + 1, 0).reshape(x.shape[0], -1))


def np_log_cosh(x: np.ndarray, t: np.ndarray) -> np.ndarray:
    return _rows(np.log(np.cosh(x - t)))


def np_mape(x: np.ndarray, t: np.ndarray) -> np.ndarray:
    return 100 * _rows(np.abs((t - x) / np.maximum(np.abs(t), EPS)))


def np_msle(x: np.ndarray, t: np.ndarray) -> np.ndarray:
    return _rows(np.square(np.log(np.maximum(x, EPS) + 1) - np.log(np.maximum(t, EPS) + 1)))


def _signs(rng: np.random.Generator, shape: tuple) -> np.ndarray:
    return rng.choice([-1.0, 1.0], shape)


def _one_hot(rng: np.random.Generator, shape: tuple) -> np.ndarray:
    return np.eye(shape[-1])[rng.integers(0, shape[-1], shape[:-1])]


def _positive(rng: np.random.Generator, shape: tuple) -> np.ndarray:
    return rng.uniform(0.2, 4, shape)


def _normal(rng: np.random.Generator, shape: tuple) -> np.ndarray:
    return rng.standard_normal(shape) * 2


# (name, ours, NumPy formula, prediction sampler, target sampler)
ROWS: list[tuple[str, Callable, Callable, Callable, Callable]] = [
    ("hinge", F.hinge_loss, np_hinge, _normal, _signs),
    ("squared_hinge", F.squared_hinge_loss, np_squared_hinge, _normal, _signs),
    ("categorical_hinge", F.categorical_hinge_loss, np_categorical_hinge, _normal, _one_hot),
    ("log_cosh", F.log_cosh_loss, np_log_cosh, _normal, _normal),
    ("mape", F.mape_loss, np_mape, _normal, _normal),
    ("msle", F.msle_loss, np_msle, _positive, _positive),
]
IDS = [r[0] for r in ROWS]


# Every row on every shape, except categorical hinge on (N,): it needs a class axis.
SHAPED = [(row, shape) for row in ROWS for shape in [(5, 3), (4, 2, 3), (6,)]
          if not (row[0] == "categorical_hinge" and len(shape) == 1)]


@pytest.mark.parametrize("row, shape", SHAPED, ids=[f"{r[0]}-{s}" for r, s in SHAPED])
def test_matches_keras_formula(row: tuple, shape: tuple) -> None:
    name, ours, formula, pred, targ = row
    rng = np.random.default_rng(len(name))
    x, t = pred(rng, shape), targ(rng, shape)
    per_sample = formula(x, t)
    none = ours(Tensor(x), t, reduction="none")
    assert none.shape == (shape[0],)
    np.testing.assert_allclose(none.data, per_sample, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(ours(Tensor(x), t).data, per_sample.mean(), rtol=1e-12)
    np.testing.assert_allclose(ours(Tensor(x), t, reduction="sum").data, per_sample.sum(),
                               rtol=1e-12)


@pytest.mark.parametrize("name, ours, formula, pred, targ", ROWS, ids=IDS)
def test_gradcheck_float64(name: str, ours: Callable, formula: Callable, pred: Callable,
                           targ: Callable) -> None:
    rng = np.random.default_rng(7)
    x, t = pred(rng, (3, 4)), targ(rng, (3, 4))
    assert autograd.gradcheck(lambda a: ours(a, t, reduction="none"),
                              [Tensor(x, requires_grad=True)])
    if name in ("log_cosh", "mape", "msle"):  # smooth in the target as well
        assert autograd.gradcheck(lambda b: ours(Tensor(x), b), [Tensor(t, requires_grad=True)])


@pytest.mark.parametrize("name, ours, formula, pred, targ", ROWS, ids=IDS)
@given(n=st.integers(1, 4), d=st.integers(2, 4), seed=st.integers(0, 2**16),
       dtype=st.sampled_from([np.float32, np.float64]),
       reduction=st.sampled_from(["mean", "sum", "none"]))
def test_properties(name: str, ours: Callable, formula: Callable, pred: Callable,
                    targ: Callable, n: int, d: int, seed: int, dtype: Any,
                    reduction: str) -> None:
    rng = np.random.default_rng(seed)
    x0, t = pred(rng, (n, d)).astype(dtype), targ(rng, (n, d)).astype(dtype)
    x = Tensor(x0, requires_grad=True)
    y = ours(x, t, reduction=reduction)
    assert y.dtype == dtype and y.shape == ((n,) if reduction == "none" else ())
    assert (y.data >= 0).all() and np.isfinite(y.data).all()
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    expected = formula(x0.astype(np.float64), t.astype(np.float64))
    expected = {"mean": expected.mean(), "sum": expected.sum()}.get(reduction, expected)
    np.testing.assert_allclose(y.data, expected, rtol=rtol, atol=rtol)
    y.sum().backward()
    assert x.grad.dtype == dtype and np.isfinite(x.grad.data).all()


def test_hinge_maps_zero_one_labels_to_plus_minus_one() -> None:
    x = Tensor(np.array([[0.3, -2.0, 1.5], [-0.2, 0.8, 0.1]]))
    t01 = np.array([[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]])
    for fn in (F.hinge_loss, F.squared_hinge_loss):
        np.testing.assert_array_equal(fn(x, t01, reduction="none").data,
                                      fn(x, 2 * t01 - 1, reduction="none").data)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_log_cosh_is_stable_at_extremes(dtype: Any) -> None:
    x = Tensor(np.array([[1000.0, -1000.0]], dtype), requires_grad=True)
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        y = F.log_cosh_loss(x, np.zeros((1, 2), dtype))
        y.backward()
    np.testing.assert_allclose(y.data, 1000 - np.log(2), rtol=1e-6)
    np.testing.assert_allclose(x.grad.data, [[0.5, -0.5]])  # tanh(±1000) / 2 samples' mean


def test_mape_and_msle_floor_their_divisor_and_log_argument() -> None:
    x = Tensor(np.array([[2.0, -3.0]]))
    zero = np.zeros((1, 2))
    np.testing.assert_allclose(F.mape_loss(x, zero).data, 100 * 2.5 / EPS)
    np.testing.assert_allclose(F.msle_loss(x, zero).data, np.log1p(2.0) ** 2 / 2, rtol=1e-6)


def test_shape_errors_say_what_is_expected() -> None:
    with pytest.raises(ValueError, match=r"hinge_loss: target shape \(3,\) must equal"):
        F.hinge_loss(Tensor(np.ones((2, 3))), np.ones(3))
    with pytest.raises(ValueError, match=r"categorical_hinge_loss: input must have shape"):
        F.categorical_hinge_loss(Tensor(np.ones(3)), np.ones(3))
    with pytest.raises(ValueError, match="log_cosh_loss: inputs need a batch axis"):
        F.log_cosh_loss(Tensor(np.array(1.0)), np.array(0.0))
