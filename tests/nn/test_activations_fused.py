"""Fused activation ops against the composites of autograd primitives they replace: forward,
gradient and second derivative must agree wherever the composite itself is accurate."""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np
import pytest

import autograd
import nn.functional as F
from autograd import Tensor


def _ag_softplus(x: Tensor) -> Tensor:
    return autograd.log1p(autograd.exp(x))


COMPOSITES: list[tuple[str, Callable[[Any], Any], Callable[[Tensor], Tensor]]] = [
    ("softmax", lambda x: F.softmax(x, axis=1),
     lambda x: autograd.exp(x - autograd.logsumexp(x, axis=1, keepdims=True))),
    ("log_softmax", lambda x: F.log_softmax(x, axis=0),
     lambda x: x - autograd.logsumexp(x, axis=0, keepdims=True)),
    ("silu", F.silu, lambda x: x * autograd.sigmoid(x)),
    ("mish", F.mish, lambda x: x * autograd.tanh(_ag_softplus(x))),
    ("softplus", F.softplus, _ag_softplus),
    ("softplus_beta", lambda x: F.softplus(x, beta=0.5),
     lambda x: _ag_softplus(x * 0.5) * 2.0),
    ("elu", lambda x: F.elu(x, 0.7),
     lambda x: autograd.where(x.data > 0, x, autograd.expm1(x) * 0.7)),
    ("selu", F.selu,
     lambda x: autograd.where(x.data > 0, x, autograd.expm1(x) * 1.6732632423543772)
     * 1.0507009873554805),
    ("leaky_relu", lambda x: F.leaky_relu(x, 0.2),
     lambda x: autograd.where(x.data > 0, x, x * 0.2)),
    ("gelu", F.gelu, lambda x: x * (0.5 * (1 + autograd.erf(x * (1 / math.sqrt(2)))))),
    ("gelu_tanh", lambda x: F.gelu(x, approximate="tanh"),
     lambda x: 0.5 * x * (1 + autograd.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))),
]


@pytest.mark.parametrize("name, fused, composite", COMPOSITES, ids=[c[0] for c in COMPOSITES])
def test_fused_matches_composite(name: str, fused: Callable, composite: Callable) -> None:
    rng = np.random.default_rng(5)
    x0 = rng.uniform(-6, 6, (4, 5))
    w = rng.standard_normal((4, 5))
    results = []
    for fn in (fused, composite):
        x = Tensor(x0.copy(), requires_grad=True)
        y = fn(x)
        (g,) = autograd.grad((y * w).sum(), x, create_graph=True)
        # A piecewise-linear function's gradient may be a constant: second derivative 0.
        second = np.zeros_like(x0)
        if g.requires_grad:
            (g * g).sum().backward()
            second = x.grad.data
        results.append((y.data, g.data, second))
    for ours, ref in zip(*results):
        np.testing.assert_allclose(ours, ref, rtol=1e-10, atol=1e-12)


def test_log_softmax_equals_log_of_softmax() -> None:
    x = np.random.default_rng(6).standard_normal((3, 7)) * 4
    np.testing.assert_allclose(F.log_softmax(Tensor(x)).data,
                               np.log(F.softmax(Tensor(x)).data), rtol=1e-12)


def test_softmax_rows_sum_to_one_and_keep_order() -> None:
    x = np.random.default_rng(7).standard_normal((5, 9)).astype(np.float32) * 10
    p = F.softmax(Tensor(x), axis=1).data
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-6)
    assert (np.argsort(p, axis=1) == np.argsort(x, axis=1)).all()


def test_softmax_gradient_of_a_sum_is_zero() -> None:
    # Σ softmax = 1 whatever x is, so its gradient vanishes.
    x = Tensor(np.random.default_rng(8).standard_normal((2, 6)), requires_grad=True)
    F.softmax(x).sum().backward()
    np.testing.assert_allclose(x.grad.data, 0.0, atol=1e-15)


def test_gelu_rejects_unknown_approximation() -> None:
    with pytest.raises(ValueError, match="approximate"):
        F.gelu(Tensor(np.ones(2)), approximate="erf")


def test_softplus_rejects_zero_beta() -> None:
    with pytest.raises(ValueError, match="beta"):
        F.softplus(Tensor(np.ones(2)), beta=0)


def test_softmax_rejects_axis_out_of_range() -> None:
    with pytest.raises(ValueError, match="softmax"):
        F.softmax(Tensor(np.ones((2, 3))), axis=2)


def test_softmax_of_a_scalar_is_one() -> None:
    x = Tensor(np.array(2.5), requires_grad=True)
    y = F.softmax(x)
    y.backward()
    assert y.item() == 1.0 and x.grad.item() == 0.0
    assert F.log_softmax(Tensor(np.array(-7.0))).item() == 0.0
