"""Losses at the edges: stability at ±1000, PyTorch's log clamp, fused ops against the
composites they replace, and the errors users see for wrong arguments."""
from __future__ import annotations

import math
import warnings
from typing import Any, Callable

import numpy as np
import pytest

import autograd
import nn.functional as F
from autograd import Tensor


def _strict_run(fn: Callable[[], Any]) -> Any:
    """Run with warnings as errors and NumPy overflow/invalid/divide raising."""
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        return fn()


@pytest.mark.parametrize("pos_weight", [None, 3.0])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bce_with_logits_stable_at_extremes(dtype: Any, pos_weight: Any) -> None:
    x = Tensor(np.array([1000.0, -1000.0, 1000.0, -1000.0, 0.0], dtype), requires_grad=True)
    t = np.array([0.0, 1.0, 1.0, 0.0, 1.0], dtype)
    p = 1.0 if pos_weight is None else pos_weight
    pw = None if pos_weight is None else np.full(5, pos_weight, dtype)

    def run() -> Tensor:
        loss = F.binary_cross_entropy_with_logits(x, t, reduction="none", pos_weight=pw)
        loss.sum().backward()
        return loss

    loss = _strict_run(run)
    assert loss.dtype == dtype and x.grad.dtype == dtype
    # Wrong by 1000 in either direction costs 1000 (times pos_weight for a missed positive).
    np.testing.assert_allclose(loss.data, [1000, 1000 * p, 0, 0, p * math.log(2)], rtol=1e-6)
    # d/dx = (1 + (p - 1)t)σ(x) - p·t: saturates to exactly 1, -p, 0, 0.
    np.testing.assert_allclose(x.grad.data, [1, -p, 0, 0, p * 0.5 - p], rtol=1e-6, atol=0)


def test_bce_clamps_logs_at_minus_100_like_torch() -> None:
    x = Tensor(np.array([0.0, 1.0, 0.0, 1.0]), requires_grad=True)
    t = np.array([1.0, 0.0, 0.0, 1.0])
    loss = _strict_run(lambda: F.binary_cross_entropy(x, t, reduction="none"))
    np.testing.assert_array_equal(loss.data, [100, 100, 0, 0])
    _strict_run(lambda: loss.sum().backward())
    assert np.isfinite(x.grad.data).all()
    # (x - t) / max(x(1 - x), 1e-12): a certain mistake has gradient ±1e12, as in PyTorch.
    np.testing.assert_allclose(x.grad.data[:2], [-1e12, 1e12])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cross_entropy_stable_at_extremes(dtype: Any) -> None:
    x = Tensor(np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, 1000.0]], dtype),
               requires_grad=True)

    def run() -> Tensor:
        loss = F.cross_entropy(x, np.array([1, 2]), reduction="none")
        loss.sum().backward()
        return loss

    loss = _strict_run(run)
    np.testing.assert_allclose(loss.data, [2000.0, 0.0])
    np.testing.assert_allclose(x.grad.data, [[1, -1, 0], [0, 0, 0]], atol=0)


def _composite_bce(x: Tensor, t: Any) -> Tensor:
    return -(t * autograd.log(x) + (1 - t) * autograd.log(1 - x))


FUSED = [
    ("huber", lambda x, t: F.huber_loss(x, t, reduction="none", delta=0.8),
     lambda x, t: autograd.where(np.abs(x.data - t) < 0.8, 0.5 * (x - t) * (x - t),
                                 0.8 * (autograd.abs(x - t) - 0.4))),
    ("bce", lambda x, t: F.binary_cross_entropy(autograd.sigmoid(x), t, reduction="none"),
     lambda x, t: _composite_bce(autograd.sigmoid(x), t)),
    ("bce_with_logits", lambda x, t: F.binary_cross_entropy_with_logits(x, t, reduction="none"),
     lambda x, t: _composite_bce(autograd.sigmoid(x), t)),
    ("bce_with_logits_pos_weight",
     lambda x, t: F.binary_cross_entropy_with_logits(x, t, reduction="none", pos_weight=2.5),
     lambda x, t: -(2.5 * t * autograd.log(autograd.sigmoid(x))
                    + (1 - t) * autograd.log(1 - autograd.sigmoid(x)))),
]


@pytest.mark.parametrize("name, fused, composite", FUSED, ids=[f[0] for f in FUSED])
def test_fused_loss_matches_composite(name: str, fused: Callable, composite: Callable) -> None:
    rng = np.random.default_rng(4)
    x0, t = rng.uniform(-4, 4, (3, 5)), rng.uniform(0, 1, (3, 5))
    results = []
    for fn in (fused, composite):
        x = Tensor(x0.copy(), requires_grad=True)
        y = fn(x, t)
        (g,) = autograd.grad(y.sum(), x, create_graph=True)
        (g * g).sum().backward()
        results.append((y.data, g.data, x.grad.data))
    for ours, ref in zip(*results):
        np.testing.assert_allclose(ours, ref, rtol=1e-9, atol=1e-12)


def test_float64_target_does_not_promote_a_float32_loss() -> None:
    x = Tensor(np.ones((2, 3), np.float32), requires_grad=True)
    t = np.zeros((2, 3))  # float64
    for fn in (F.mse_loss, F.l1_loss, F.huber_loss, F.binary_cross_entropy_with_logits,
               F.kl_div, F.poisson_nll_loss):
        assert fn(x, t).dtype == np.float32, fn.__name__


def test_broadcast_target_warns_like_torch() -> None:
    x = Tensor(np.ones((4, 1)))
    with pytest.warns(UserWarning, match=r"mse_loss: target shape \(4,\) differs"):
        loss = F.mse_loss(x, np.zeros(4), reduction="none")
    assert loss.shape == (4, 4)  # what broadcasting gives, as in PyTorch


@pytest.mark.parametrize("fn", [F.mse_loss, F.l1_loss, F.huber_loss, F.smooth_l1_loss,
                                F.binary_cross_entropy, F.poisson_nll_loss])
def test_unknown_reduction_is_rejected_with_the_function_name(fn: Callable) -> None:
    with pytest.raises(ValueError, match=f"{fn.__name__}: reduction must be one of"):
        fn(Tensor(np.full(3, 0.5)), np.full(3, 0.5), reduction="average")


def test_argument_errors_name_the_function_and_the_remedy() -> None:
    half = Tensor(np.full((2, 3), 0.5))
    with pytest.raises(ValueError, match=r"binary_cross_entropy: input must hold prob.*logits"):
        F.binary_cross_entropy(Tensor(np.array([0.5, 1.5])), np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match=r"target shape \(3,\) must equal input shape \(2, 3\)"):
        F.binary_cross_entropy_with_logits(half, np.zeros(3))
    with pytest.raises(ValueError, match="huber_loss: delta must be positive"):
        F.huber_loss(half, half, delta=0)
    with pytest.raises(ValueError, match="multi_margin_loss: p must be 1 or 2"):
        F.multi_margin_loss(half, np.array([0, 1]), p=3)
    with pytest.raises(IndexError, match=r"multi_margin_loss: .*\[0, 3\).*got \[3\]"):
        F.multi_margin_loss(half, np.array([0, 3]))
    with pytest.raises(ValueError, match="cosine_embedding_loss: target values must be 1 or"):
        F.cosine_embedding_loss(half, half, np.array([1, 0]))
    with pytest.raises(ValueError, match=r"cosine_embedding_loss: .*got \(2, 3\), \(2, 3\)"):
        F.cosine_embedding_loss(half, half, np.array([1, 1, -1]))
    with pytest.raises(ValueError, match="kl_div: reduction must be one of"):
        F.kl_div(half, half, reduction="batch")
