"""BatchNorm1d: PyTorch over several steps, the fused op against its composite, gradient
checks, properties, running statistics and errors."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
import nn
from autograd import Tensor
from autograd.testing import arrays
from nn.batchnorm import batch_norm

from _helpers import check_param_grads

SHAPES = [(8, 3), (5, 3, 4)]


def _rand(*shape, seed=0, dtype=np.float64, scale=1.0, shift=0.0):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(shape) * scale + shift).astype(dtype)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("kwargs", [{}, {"momentum": None}, {"momentum": 0.3, "eps": 1e-3},
                                    {"affine": False}, {"track_running_stats": False}])
def test_matches_pytorch_over_training_steps_then_eval(shape, kwargs):
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle for BatchNorm1d")
    c = shape[1]
    ours, ref = nn.BatchNorm1d(c, **kwargs), torch.nn.BatchNorm1d(c, **kwargs)
    if ours.affine:  # start from non-trivial affine parameters, the same in both
        ours.weight.data = _rand(c, seed=1, dtype=np.float32, shift=1.0)
        ours.bias.data = _rand(c, seed=2, dtype=np.float32)
        with torch.no_grad():
            ref.weight.copy_(torch.from_numpy(ours.weight.data))
            ref.bias.copy_(torch.from_numpy(ours.bias.data))
    for step in range(4):
        x = _rand(*shape, seed=10 + step, dtype=np.float32, scale=1 + step, shift=step - 1.5)
        g = _rand(*shape, seed=20 + step, dtype=np.float32)
        xa, xt = Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        ya, yt = ours(xa), ref(xt)
        ya.backward(g)
        yt.backward(torch.from_numpy(g))
        np.testing.assert_allclose(ya.data, yt.detach().numpy(), rtol=1e-5, atol=2e-6)
        np.testing.assert_allclose(xa.grad.data, xt.grad.numpy(), rtol=1e-4, atol=2e-6)
        if ours.affine:
            np.testing.assert_allclose(ours.weight.grad.data, ref.weight.grad.numpy(),
                                       rtol=1e-4, atol=1e-5)
            np.testing.assert_allclose(ours.bias.grad.data, ref.bias.grad.numpy(), rtol=1e-5,
                                       atol=1e-5)
            ours.zero_grad()
            ref.zero_grad()
        if ours.track_running_stats:
            np.testing.assert_allclose(ours.running_mean.data, ref.running_mean.numpy(),
                                       rtol=1e-5, atol=1e-6)
            np.testing.assert_allclose(ours.running_var.data, ref.running_var.numpy(),
                                       rtol=1e-5, atol=1e-6)
            assert ours.num_batches_tracked.item() == ref.num_batches_tracked.item() == step + 1
    ours.eval()
    ref.eval()
    x = _rand(*shape, seed=99, dtype=np.float32, scale=3.0)
    xa, xt = Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ya, yt = ours(xa), ref(xt)
    np.testing.assert_allclose(ya.data, yt.detach().numpy(), rtol=1e-5, atol=2e-6)
    (ya * ya).sum().backward()
    (yt * yt).sum().backward()
    np.testing.assert_allclose(xa.grad.data, xt.grad.numpy(), rtol=1e-4, atol=1e-5)
    if ours.affine:
        np.testing.assert_allclose(ours.weight.grad.data, ref.weight.grad.numpy(), rtol=1e-4)


def _composite(x, weight, bias, eps, axes):
    """Batch norm built from autograd ops (the reference for the fused op)."""
    mean = x.mean(axis=axes, keepdims=True)
    var = ((x - mean) * (x - mean)).mean(axis=axes, keepdims=True)
    xhat = (x - mean) / autograd.sqrt(var + eps)
    if x.ndim == 3:
        weight, bias = weight.reshape((-1, 1)), bias.reshape((-1, 1))
    return xhat * weight + bias


@pytest.mark.parametrize("shape", SHAPES)
def test_fused_op_matches_composite_to_second_order(shape):
    c, axes = shape[1], (0,) if len(shape) == 2 else (0, 2)
    arrs = [_rand(*shape, scale=2.0), _rand(c, seed=1, shift=1.0), _rand(c, seed=2)]
    gout, v = _rand(*shape, seed=3), _rand(*shape, seed=4)
    results = []
    for fused in (True, False):
        x, w, b = (Tensor(a, requires_grad=True) for a in arrs)
        y = (batch_norm(x, None, None, w, b, training=True) if fused
             else _composite(x, w, b, 1e-5, axes))
        grads = autograd.grad((y * Tensor(gout)).sum(), [x, w, b], create_graph=True)
        hv = autograd.grad((grads[0] * Tensor(v)).sum() + (grads[1] ** 2).sum(), [x, w])
        results.append([y.data] + [g.data for g in grads] + [h.data for h in hv])
    for got, want in zip(*results):
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-10)


@pytest.mark.parametrize("shape", SHAPES)
def test_gradcheck_functional_training_and_eval(shape):
    c = shape[1]
    ins = [Tensor(_rand(*shape, scale=3.0), requires_grad=True),
           Tensor(_rand(c, seed=1, shift=1.0), requires_grad=True),
           Tensor(_rand(c, seed=2), requires_grad=True)]
    train = lambda x, w, b: batch_norm(x, None, None, w, b, training=True)  # noqa: E731
    assert autograd.gradcheck(train, ins)
    assert autograd.gradcheck(lambda x: batch_norm(x, None, None, training=True), ins[:1])
    rm, rv = _rand(c, seed=5), np.abs(_rand(c, seed=6)) + 0.5
    evaluate = lambda x, w, b: batch_norm(x, rm, rv, w, b, training=False)  # noqa: E731
    assert autograd.gradcheck(evaluate, ins)


def test_module_parameter_gradients_numerically():
    bn = nn.BatchNorm1d(3, dtype=np.float64)
    bn.weight.data, bn.bias.data = _rand(3, seed=1, shift=1.0), _rand(3, seed=2)
    x, wts = Tensor(_rand(6, 3, 4, scale=2.0)), Tensor(_rand(6, 3, 4, seed=3))
    check_param_grads(lambda: (bn(x) * wts).sum(), [bn.weight, bn.bias])
    bn.eval()
    check_param_grads(lambda: (bn(x) * wts).sum(), [bn.weight, bn.bias])


@given(st.sampled_from([(6, 2), (4, 3, 5), (2, 1, 3)]), st.floats(0.5, 20.0),
       st.floats(-50.0, 50.0), st.data())
def test_property_normalised_and_invariant_to_affine_input(shape, scale, shift, data):
    """In training each channel comes out with mean 0 and variance var/(var + eps) (≈ 1);
    BN(a·x + b) = BN(x) for a > 0 up to eps; the gradient w.r.t. x sums to 0 per channel."""
    x = data.draw(arrays(shape, np.float64, -5, 5, elements=st.integers(-50, 50).map(float)))
    axes = (0,) if len(shape) == 2 else (0, 2)
    var = x.var(axis=axes)
    if np.any(var < 1.0):
        return  # nearly constant channels: eps dominates, nothing useful to compare
    y = batch_norm(Tensor(x), None, None, training=True, eps=1e-12).data
    np.testing.assert_allclose(y.mean(axis=axes), 0, atol=1e-9)
    np.testing.assert_allclose(y.var(axis=axes), 1, rtol=1e-9)
    y2 = batch_norm(Tensor(x * scale + shift), None, None, training=True, eps=1e-12).data
    np.testing.assert_allclose(y2, y, atol=1e-8)
    xt = Tensor(x, requires_grad=True)
    g = data.draw(arrays(shape, np.float64, -3, 3))
    batch_norm(xt, None, None, training=True).backward(g)
    np.testing.assert_allclose(xt.grad.data.sum(axis=axes), 0, atol=1e-9)


def test_running_stats_rule_and_eval_uses_them():
    bn = nn.BatchNorm1d(2, momentum=0.25, dtype=np.float64)
    x = np.array([[1.0, 10.0], [3.0, 20.0], [5.0, 60.0]])
    bn(Tensor(x))
    mean, var_unbiased = x.mean(0), x.var(0, ddof=1)
    np.testing.assert_allclose(bn.running_mean.data, 0.25 * mean)
    np.testing.assert_allclose(bn.running_var.data, 0.75 + 0.25 * var_unbiased)
    bn.eval()
    before = bn.state_dict()
    y = bn(Tensor(x)).data
    expected = (x - bn.running_mean.data) / np.sqrt(bn.running_var.data + 1e-5)
    np.testing.assert_allclose(y, expected)
    for k, v in bn.state_dict().items():
        np.testing.assert_array_equal(v, before[k])  # eval changes no statistics


def test_state_dict_layout_and_dtypes():
    bn = nn.BatchNorm1d(4)
    assert list(bn.state_dict()) == ["weight", "bias", "running_mean", "running_var",
                                     "num_batches_tracked"]
    assert [n for n, _ in bn.named_parameters()] == ["weight", "bias"]
    out = bn(Tensor(_rand(5, 4, dtype=np.float32)))
    assert out.dtype == np.float32 and bn.running_var.dtype == np.float32
    assert list(nn.BatchNorm1d(4, affine=False, track_running_stats=False).state_dict()) == []
    held = bn.state_dict()["running_mean"]
    bn(Tensor(_rand(5, 4, seed=1, dtype=np.float32)))
    assert not np.array_equal(held, bn.running_mean.data)  # the copy did not move with it
    bn.reset_parameters()
    assert np.all(bn.running_var.data == 1) and bn.num_batches_tracked.item() == 0


def test_errors_name_layer_shape_and_remedy():
    bn = nn.BatchNorm1d(3)
    with pytest.raises(ValueError, match=r"BatchNorm1d: input has 4 channels.*num_features=3"):
        bn(Tensor(np.zeros((2, 4), np.float32)))
    with pytest.raises(ValueError, match=r"\(N, C\) or \(N, C, L\), got \(3,\)"):
        bn(Tensor(np.zeros(3, np.float32)))
    with pytest.raises(ValueError, match="BatchNorm1d: expected more than 1 value per ch.*eval"):
        bn(Tensor(np.zeros((1, 3), np.float32)))
    assert bn.num_batches_tracked.item() == 0 and np.all(bn.running_var.data == 1)
    bn.eval()
    assert bn(Tensor(np.zeros((1, 3), np.float32))).shape == (1, 3)
    with pytest.raises(ValueError, match="momentum=None.*num_batches_tracked >= 1"):
        batch_norm(Tensor(np.ones((2, 3))), np.zeros(3), np.ones(3), training=True,
                   momentum=None)
    with pytest.raises(ValueError, match="eval mode needs running_mean"):
        batch_norm(Tensor(np.ones((2, 3))), None, None, training=False)
