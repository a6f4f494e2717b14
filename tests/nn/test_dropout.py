"""Dropout: identity in eval, inverted-dropout statistics, gradient, seed repeatability."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
import nn
from autograd import Tensor
from nn.dropout import dropout


def test_eval_and_p_zero_are_identity():
    x = Tensor(np.random.default_rng(0).standard_normal((4, 5)).astype(np.float32))
    layer = nn.Dropout(0.5).eval()
    assert layer(x) is x
    assert nn.Dropout(0.0)(x) is x
    model = nn.Sequential(nn.Dense(5, 5), nn.Dropout(0.9))
    model.eval()
    np.testing.assert_array_equal(model(x).data, model[0](x).data)


@pytest.mark.parametrize("p", [0.1, 0.25, 0.5, 0.8])  # float, byte and bit draws
def test_statistics_of_the_mask(p):
    autograd.manual_seed(0)
    n = 200_000
    x = Tensor(np.full(n, 2.0, np.float32))
    y = nn.Dropout(p)(x).data
    dropped = y == 0
    assert abs(dropped.mean() - p) < 5 * math.sqrt(p * (1 - p) / n)
    np.testing.assert_allclose(y[~dropped], 2.0 / (1 - p), rtol=1e-6)
    # Inverted dropout keeps the expected value: the mean is 2 within 5 standard errors.
    se = 2.0 * math.sqrt(p / (1 - p) / n)
    assert abs(y.mean() - 2.0) < 5 * se


def test_p_one_drops_everything_and_bad_p_refused():
    y = nn.Dropout(1.0)(Tensor(np.ones(10, np.float32)))
    assert np.all(y.data == 0) and not np.any(np.isnan(y.data))
    for p in (-0.1, 1.5):
        with pytest.raises(ValueError, match=r"Dropout: drop probability p must be in \[0, 1\]"):
            nn.Dropout(p)


def test_gradient_is_the_scaled_mask():
    autograd.manual_seed(3)
    x = Tensor(np.random.default_rng(1).standard_normal((30, 40)), requires_grad=True)
    y = dropout(x, 0.25)
    y.sum().backward()
    mask = (y.data != 0).astype(np.float64)
    np.testing.assert_allclose(x.grad.data, mask / 0.75)
    np.testing.assert_allclose(y.data, x.data * mask / 0.75)


def test_seed_repeatability_and_fresh_masks():
    layer = nn.Dropout(0.5)
    x = Tensor(np.ones((64, 64), np.float32))
    autograd.manual_seed(11)
    a, b = layer(x).data, layer(x).data
    autograd.manual_seed(11)
    np.testing.assert_array_equal(layer(x).data, a)
    np.testing.assert_array_equal(layer(x).data, b)
    assert not np.array_equal(a, b)
    autograd.manual_seed(12)
    assert not np.array_equal(layer(x).data, a)


@given(st.sampled_from([np.float32, np.float64]), st.floats(0.0, 0.95),
       st.lists(st.integers(1, 5), min_size=1, max_size=3))
def test_property_dtype_shape_and_values(dtype, p, shape):
    """The output keeps dtype and shape; each element is 0 or x / (1 - p)."""
    x = np.random.default_rng(0).uniform(1, 2, size=shape).astype(dtype)
    y = nn.Dropout(p)(Tensor(x)).data
    assert y.dtype == dtype and y.shape == x.shape
    kept = y != 0
    np.testing.assert_allclose(y[kept], (x / (1 - p))[kept], rtol=1e-6)
