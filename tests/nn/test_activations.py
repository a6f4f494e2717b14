"""Activations of nn.functional, driven by one table: NumPy formula, PyTorch name, limits.

Each row is checked for its forward against the formula written out in NumPy (Hypothesis:
shapes, float32/float64), its gradient against central differences (float64), its forward,
gradient and second derivative against torch.nn.functional, and its behaviour at ±1000.
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd
import nn.functional as F
from autograd import Tensor

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946
_erf = np.vectorize(math.erf, otypes=[np.float64])


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def _softplus(x: np.ndarray, beta: float = 1.0, threshold: float = 20.0) -> np.ndarray:
    return np.where(beta * x > threshold, x, np.log1p(np.exp(beta * x)) / beta)


def _softmax(x: np.ndarray, axis: int) -> np.ndarray:
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _gelu_tanh(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))


@dataclass(frozen=True)
class Act:
    name: str
    fn: Callable[[Any], Any]
    ref: Callable[[np.ndarray], np.ndarray]  # the formula, in float64 NumPy
    torch: Callable[[Any, Any], Any] | None  # (torch.nn.functional, x) -> y
    limits: tuple[float, float] | None = None  # f(-1000), f(1000) for elementwise ones
    differentiable: bool = True  # torch can differentiate it


ACTS = [
    Act("step", F.step, lambda x: (x > 0).astype(x.dtype), None, (0.0, 1.0), False),
    Act("sigmoid", F.sigmoid, _sigmoid, lambda T, x: T.sigmoid(x), (0.0, 1.0)),
    Act("tanh", F.tanh, np.tanh, lambda T, x: T.tanh(x), (-1.0, 1.0)),
    Act("relu", F.relu, lambda x: np.maximum(x, 0), lambda T, x: T.relu(x), (0.0, 1000.0)),
    Act("leaky_relu", lambda x: F.leaky_relu(x, 0.1), lambda x: np.where(x > 0, x, 0.1 * x),
        lambda T, x: T.leaky_relu(x, 0.1), (-100.0, 1000.0)),
    Act("elu", lambda x: F.elu(x, 0.7), lambda x: np.where(x > 0, x, 0.7 * (np.exp(x) - 1)),
        lambda T, x: T.elu(x, 0.7), (-0.7, 1000.0)),
    Act("selu", F.selu,
        lambda x: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * (np.exp(x) - 1)),
        lambda T, x: T.selu(x), (-SELU_SCALE * SELU_ALPHA, SELU_SCALE * 1000)),
    Act("gelu", F.gelu, lambda x: 0.5 * x * (1 + _erf(x / math.sqrt(2))),
        lambda T, x: T.gelu(x), (0.0, 1000.0)),
    Act("gelu_tanh", lambda x: F.gelu(x, approximate="tanh"), _gelu_tanh,
        lambda T, x: T.gelu(x, approximate="tanh"), (0.0, 1000.0)),
    Act("silu", F.silu, lambda x: x * _sigmoid(x), lambda T, x: T.silu(x), (0.0, 1000.0)),
    Act("mish", F.mish, lambda x: x * np.tanh(np.log1p(np.exp(x))), lambda T, x: T.mish(x),
        (0.0, 1000.0)),
    Act("softplus", F.softplus, _softplus, lambda T, x: T.softplus(x), (0.0, 1000.0)),
    Act("softplus_beta", lambda x: F.softplus(x, beta=2.0, threshold=3.0),
        lambda x: _softplus(x, 2.0, 3.0), lambda T, x: T.softplus(x, beta=2.0, threshold=3.0),
        (0.0, 1000.0)),
    Act("identity", F.identity, lambda x: x, lambda T, x: x * 1, (-1000.0, 1000.0)),
    Act("softmax", F.softmax, lambda x: _softmax(x, -1), lambda T, x: T.softmax(x, dim=-1)),
    Act("softmax_axis0", lambda x: F.softmax(x, axis=0), lambda x: _softmax(x, 0),
        lambda T, x: T.softmax(x, dim=0)),
    Act("log_softmax", F.log_softmax, lambda x: np.log(_softmax(x, -1)),
        lambda T, x: T.log_softmax(x, dim=-1)),
    Act("log_softmax_axis0", lambda x: F.log_softmax(x, axis=0), lambda x: np.log(_softmax(x, 0)),
        lambda T, x: T.log_softmax(x, dim=0)),
]
IDS = [a.name for a in ACTS]
# Values kept clear of the kinks at 0 (and of softplus_beta's switch at x = 1.5), where
# central differences straddle two branches.
GRID = np.array([[-2.3, -0.7, -0.15, 0.2], [0.9, 1.7, 2.6, -4.1]])


def _torch() -> Any:
    return pytest.importorskip("torch", reason="PyTorch is the optional reference")


def _tol(dtype: np.dtype) -> dict:
    return {"rtol": 1e-12, "atol": 1e-13} if dtype == np.float64 else \
        {"rtol": 2e-5, "atol": 2e-6}


@pytest.mark.parametrize("act", ACTS, ids=IDS)
@given(data=st.data())
def test_forward_matches_formula(act: Act, data: st.DataObject) -> None:
    dtype = data.draw(st.sampled_from([np.float32, np.float64]))
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=3, max_side=4))
    x = data.draw(hnp.arrays(dtype, shape, elements=st.floats(-30, 30, width=32)))
    t = Tensor(x, requires_grad=True)
    y = act.fn(t)
    assert y.shape == x.shape and y.dtype == x.dtype
    tol = {"rtol": 1e-10, "atol": 1e-12} if dtype == np.float64 else \
        {"rtol": 1e-5, "atol": 1e-6}
    np.testing.assert_allclose(y.data, act.ref(x.astype(np.float64)), **tol)
    y.sum().backward()
    assert t.grad.shape == x.shape and t.grad.dtype == x.dtype
    assert np.isfinite(t.grad.data).all()


@pytest.mark.parametrize("act", [a for a in ACTS if a.name not in ("step", "identity")],
                         ids=[n for n in IDS if n not in ("step", "identity")])
def test_gradcheck_float64(act: Act) -> None:
    assert autograd.gradcheck(act.fn, [Tensor(GRID.copy(), requires_grad=True)])


def test_step_gradient_is_zero() -> None:
    x = Tensor(GRID.copy(), requires_grad=True)
    (F.step(x) * 3.0).sum().backward()
    assert x.grad is not None and not x.grad.data.any()


def test_identity_returns_its_input() -> None:
    x = Tensor(GRID.copy(), requires_grad=True)
    assert F.identity(x) is x


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("act", [a for a in ACTS if a.torch], ids=[a.name for a in ACTS
                                                                   if a.torch])
def test_matches_torch(act: Act, dtype: type) -> None:
    torch = _torch()
    x = (np.random.default_rng(1).standard_normal((3, 5)) * 3).astype(dtype)
    w = np.random.default_rng(2).standard_normal((3, 5)).astype(dtype)
    t = Tensor(x, requires_grad=True)
    (act.fn(t) * w).sum().backward()
    tx = torch.tensor(x, requires_grad=True)
    ty = act.torch(torch.nn.functional, tx)
    (ty * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(act.fn(Tensor(x)).data, ty.detach().numpy(), **_tol(x.dtype))
    np.testing.assert_allclose(t.grad.data, tx.grad.numpy(), **_tol(x.dtype))


def test_step_matches_torch_heaviside() -> None:
    torch = _torch()
    x = np.array([-2.0, -0.0, 0.0, 1e-30, 3.0])
    expected = torch.heaviside(torch.tensor(x), torch.tensor(0.0, dtype=torch.float64))
    np.testing.assert_array_equal(F.step(Tensor(x)).data, expected.numpy())


@pytest.mark.parametrize("act", [a for a in ACTS if a.torch and a.differentiable],
                         ids=[a.name for a in ACTS if a.torch and a.differentiable])
def test_second_derivative_matches_torch(act: Act) -> None:
    """Hessian-vector product through the fused backward (create_graph=True)."""
    torch = _torch()
    w = np.random.default_rng(3).standard_normal(GRID.shape)
    t = Tensor(GRID.copy(), requires_grad=True)
    (g,) = autograd.grad((act.fn(t) * w).sum(), t, create_graph=True)
    tx = torch.tensor(GRID, requires_grad=True)
    (tg,) = torch.autograd.grad((act.torch(torch.nn.functional, tx) * torch.tensor(w)).sum(),
                                tx, create_graph=True)
    np.testing.assert_allclose(g.data, tg.detach().numpy(), rtol=1e-10, atol=1e-12)
    # A piecewise-linear function's gradient may come back as a constant (no graph): its
    # second derivative is zero, whichever way each library records it.
    ours = np.zeros(GRID.shape)
    if g.requires_grad:
        (g * g).sum().backward()
        ours = t.grad.data
    theirs = np.zeros(GRID.shape)
    if tg.requires_grad:
        (tg * tg).sum().backward()
        theirs = tx.grad.numpy() if tx.grad is not None else theirs
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-11)


EXTREMES = np.array([-1000.0, -100.0, -20.0, -1.0, 0.0, 1.0, 20.0, 100.0, 1000.0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("act", ACTS, ids=IDS)
def test_stable_at_extremes(act: Act, dtype: type) -> None:
    x = np.stack([EXTREMES, -EXTREMES[::-1] * 0.5]).astype(dtype)
    t = Tensor(x, requires_grad=True)
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        y = act.fn(t)
        (y * 1.0).sum().backward()
    assert y.dtype == dtype and t.grad.dtype == dtype
    assert np.isfinite(y.data).all() and np.isfinite(t.grad.data).all()
    if act.limits is not None:
        lo, hi = act.limits
        np.testing.assert_allclose(y.data[0, [0, -1]], [lo, hi], rtol=1e-6, atol=1e-30)


def test_softmax_at_extremes_saturates() -> None:
    x = np.array([[-1000.0, 0.0, 1000.0], [1000.0, 1000.0, -1000.0]], dtype=np.float32)
    np.testing.assert_array_equal(F.softmax(Tensor(x)).data, [[0, 0, 1], [0.5, 0.5, 0]])
    np.testing.assert_array_equal(F.log_softmax(Tensor(x)).data[0], [-2000, -1000, 0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_logsumexp_stable_at_extremes(dtype: type) -> None:
    x = Tensor(np.array([[-1000.0, 1000.0, 999.0]], dtype=dtype), requires_grad=True)
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        y = autograd.logsumexp(x, axis=1)
        y.sum().backward()
    np.testing.assert_allclose(y.data, [1000 + math.log1p(math.exp(-1))], rtol=1e-6)
    # e^(x - y) with y ≈ 1000 rounded to float32 (ulp 6e-5) is only that accurate.
    expected = [0.0, 1 / (1 + math.exp(-1)), 1 / (1 + math.exp(1))]
    np.testing.assert_allclose(x.grad.data[0], expected, rtol=1e-4 if dtype == np.float32
                               else 1e-12)
