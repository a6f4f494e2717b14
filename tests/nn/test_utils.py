"""nn.utils: penalties (values and gradients), clipping as PyTorch, max_norm_."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
import nn
from autograd import Tensor
from autograd.testing import arrays
from nn import utils


def _params(seed=0):
    rng = np.random.default_rng(seed)
    return [Tensor(rng.standard_normal(s), requires_grad=True) for s in [(3, 4), (4,), (2,)]]


def test_penalties_values_and_gradients():
    ps = _params()
    flat = np.concatenate([p.data.ravel() for p in ps])
    l1, l2 = utils.l1_penalty(ps), utils.l2_penalty(ps)
    assert l1.item() == pytest.approx(np.abs(flat).sum())
    assert l2.item() == pytest.approx((flat ** 2).sum())
    en = utils.elastic_net_penalty(ps, l1_ratio=0.3)
    assert en.item() == pytest.approx(0.3 * np.abs(flat).sum() + 0.7 * (flat ** 2).sum())
    en.backward()
    for p in ps:
        np.testing.assert_allclose(p.grad.data, 0.3 * np.sign(p.data) + 1.4 * p.data)
    assert utils.l2_penalty(ps[0]).item() == pytest.approx((ps[0].data ** 2).sum())


def test_penalties_gradcheck_and_in_a_model():
    assert autograd.gradcheck(lambda a, b: utils.elastic_net_penalty([a, b], 0.6), _params()[:2])
    model = nn.Dense(3, 2, dtype=np.float64)
    loss = model(Tensor(np.ones((1, 3)))).sum() + 0.1 * utils.l2_penalty(model.parameters())
    loss.backward()
    np.testing.assert_allclose(model.weight.grad.data, 1 + 0.2 * model.weight.data)


def test_penalty_errors():
    with pytest.raises(ValueError, match=r"l1_ratio must be in \[0, 1\]"):
        utils.elastic_net_penalty(_params(), 1.5)
    with pytest.raises(ValueError, match="no parameters"):
        utils.l1_penalty([])
    with pytest.raises(TypeError, match="Tensors or Parameters"):
        utils.l2_penalty([np.ones(2)])


def _with_grads(seed, scale):
    ps = _params(seed)
    rng = np.random.default_rng(seed + 100)
    for p in ps:
        p.grad = Tensor((rng.standard_normal(p.shape) * scale).astype(np.float32))
    return ps


@pytest.mark.parametrize("max_norm, norm_type", [(1.0, 2.0), (100.0, 2.0), (0.5, 1.0),
                                                 (0.3, math.inf), (2.0, 3.0)])
def test_clip_grad_norm_matches_pytorch(max_norm, norm_type):
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle for clip_grad_norm_")
    ps = _with_grads(0, 2.0)
    tps = [torch.zeros(p.shape, requires_grad=True) for p in ps]
    for p, t in zip(ps, tps):
        t.grad = torch.tensor(p.grad.data)
    old_arrays = [p.grad.data for p in ps]
    old_values = [a.copy() for a in old_arrays]
    total = utils.clip_grad_norm_(ps, max_norm, norm_type)
    t_total = torch.nn.utils.clip_grad_norm_(tps, max_norm, norm_type)
    assert float(total) == pytest.approx(float(t_total), rel=1e-5)
    for p, t in zip(ps, tps):
        np.testing.assert_allclose(p.grad.data, t.grad.numpy(), rtol=1e-5, atol=1e-7)
        assert p.grad.dtype == np.float32
    for a, v in zip(old_arrays, old_values):
        np.testing.assert_array_equal(a, v)  # the arrays handed out before were not touched


def test_clip_grad_norm_without_torch_and_nonfinite():
    ps = _with_grads(1, 5.0)
    norm = math.sqrt(sum(float((p.grad.data.astype(np.float64) ** 2).sum()) for p in ps))
    assert float(utils.clip_grad_norm_(ps, 1.0)) == pytest.approx(norm, rel=1e-6)
    after = math.sqrt(sum(float((p.grad.data.astype(np.float64) ** 2).sum()) for p in ps))
    assert after == pytest.approx(1.0, rel=1e-5)
    ps[0].grad.data = ps[0].grad.data.copy()
    ps[0].grad.data[0, 0] = np.nan
    with pytest.raises(RuntimeError, match="error_if_nonfinite=False"):
        utils.clip_grad_norm_(ps, 1.0, error_if_nonfinite=True)
    assert float(utils.clip_grad_norm_(_params(), 1.0)) == 0.0  # no gradients at all


def test_clip_grad_value_matches_pytorch_and_copies():
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle for clip_grad_value_")
    ps = _with_grads(2, 3.0)
    tps = [torch.zeros(p.shape, requires_grad=True) for p in ps]
    for p, t in zip(ps, tps):
        t.grad = torch.tensor(p.grad.data)
    held = ps[0].grad.data
    before = held.copy()
    utils.clip_grad_value_(ps, 0.7)
    torch.nn.utils.clip_grad_value_(tps, 0.7)
    for p, t in zip(ps, tps):
        np.testing.assert_array_equal(p.grad.data, t.grad.numpy())
    np.testing.assert_array_equal(held, before)


@given(st.integers(1, 5), st.integers(1, 5), st.floats(0.1, 3.0), st.data())
def test_max_norm_property(n_in, n_out, limit, data):
    """Every column ends with norm ≤ limit; columns already inside keep their values; every
    column keeps its direction; the bias is untouched."""
    layer = nn.Dense(n_in, n_out, dtype=np.float64)
    w = data.draw(arrays((n_in, n_out), np.float64, -4, 4))
    layer.weight.data = w.copy()
    layer.bias.data = np.full(n_out, 9.0)
    utils.max_norm_(layer.parameters(), limit)
    new = layer.weight.data
    norms, new_norms = np.linalg.norm(w, axis=0), np.linalg.norm(new, axis=0)
    assert np.all(new_norms <= limit * (1 + 1e-9))
    inside = norms <= limit
    np.testing.assert_array_equal(new[:, inside], w[:, inside])
    big = norms > 1e-3
    np.testing.assert_allclose(new[:, big] / new_norms[big], w[:, big] / norms[big],
                               rtol=1e-9, atol=1e-12)
    assert np.all(layer.bias.data == 9.0)


def test_max_norm_refuses_negative_limit_and_keeps_dtype():
    layer = nn.Dense(3, 2)
    layer.weight.data = np.full((3, 2), 10.0, np.float32)
    utils.max_norm_([layer.weight], 1.0)
    assert layer.weight.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(layer.weight.data, axis=0), 1.0, rtol=1e-6)
    with pytest.raises(ValueError, match="max_norm must be >= 0"):
        utils.max_norm_(layer.parameters(), -1.0)
