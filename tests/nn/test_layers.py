"""Dense (fused op), DropConnect and Maxout: forward, gradients, properties, PyTorch."""
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
from nn.layers import dense

from _helpers import check_param_grads


def _rand(*shape, seed=0, dtype=np.float64):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


# -- Dense -------------------------------------------------------------------------------------
def test_dense_shapes_defaults_and_not_linear():
    layer = nn.Dense(5, 3)
    assert nn.Linear is not nn.Dense  # Linear is PyTorch's (out, in) layer
    assert layer.weight.shape == (5, 3) and layer.bias.shape == (3,)
    assert layer.weight.dtype == np.float32 and np.all(layer.bias.data == 0)
    assert [n for n, _ in layer.named_parameters()] == ["weight", "bias"]
    assert nn.Dense(5, 3, bias=False).bias is None
    assert [n for n, _ in nn.Dense(5, 3, bias=False).named_parameters()] == ["weight"]
    x = _rand(4, 5, dtype=np.float32)
    np.testing.assert_allclose(layer(Tensor(x)).data, x @ layer.weight.data, rtol=1e-6)
    assert layer(Tensor(x)).dtype == np.float32


@pytest.mark.parametrize("shape", [(4, 5), (2, 3, 5), (5,)])
def test_dense_gradcheck_float64(shape):
    x, w, b = _rand(*shape), _rand(5, 3, seed=1), _rand(3, seed=2)
    ins = [Tensor(x, requires_grad=True), Tensor(w, requires_grad=True),
           Tensor(b, requires_grad=True)]
    assert autograd.gradcheck(dense, ins)
    assert autograd.gradcheck(lambda x, w: dense(x, w), ins[:2])


def test_dense_fused_matches_composite_including_second_order():
    x0, w0, b0 = _rand(6, 4), _rand(4, 3, seed=1), _rand(3, seed=2)
    v = _rand(6, 4, seed=3)
    results = []
    for fused in (True, False):
        x, w, b = (Tensor(a, requires_grad=True) for a in (x0, w0, b0))
        y = dense(x, w, b) if fused else x @ w + b
        loss = (y * y * y).sum()
        gx, gw, gb = autograd.grad(loss, [x, w, b], create_graph=True)
        # A Hessian-vector product through the backward of the op.
        (hv,) = autograd.grad((gx * Tensor(v)).sum(), [w])
        results.append([y.data, gx.data, gw.data, gb.data, hv.data])
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


@given(st.tuples(st.integers(1, 4), st.integers(1, 3)), st.integers(1, 6), st.integers(1, 6),
       st.data())
def test_dense_property_matches_numpy(batch, n_in, n_out, data):
    """Forward is x @ W + b; gradients are g Wᵀ, xᵀ g summed over batch axes and Σ g."""
    x = data.draw(arrays(batch + (n_in,), np.float64, -5, 5))
    w = data.draw(arrays((n_in, n_out), np.float64, -5, 5))
    b = data.draw(arrays((n_out,), np.float64, -5, 5))
    g = data.draw(arrays(batch + (n_out,), np.float64, -5, 5))
    xt, wt, bt = (Tensor(a, requires_grad=True) for a in (x, w, b))
    y = dense(xt, wt, bt)
    np.testing.assert_allclose(y.data, x @ w + b, rtol=1e-12, atol=1e-12)
    y.backward(g)
    np.testing.assert_allclose(xt.grad.data, g @ w.T, rtol=1e-12, atol=1e-12)
    batch_axes = list(range(len(batch)))
    np.testing.assert_allclose(wt.grad.data, np.tensordot(x, g, axes=(batch_axes, batch_axes)),
                               rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(bt.grad.data, g.reshape(-1, n_out).sum(0), rtol=1e-12,
                               atol=1e-12)


def test_dense_matches_torch_linear():
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle for this cross-check")
    layer = nn.Dense(6, 4, dtype=np.float64)
    layer.bias.data = _rand(4, seed=5)
    x = _rand(3, 6)
    y = layer(Tensor(x))
    (y * y).sum().backward()
    wt = torch.tensor(layer.weight.data.T.copy(), requires_grad=True)
    bt = torch.tensor(layer.bias.data.copy(), requires_grad=True)
    yt = torch.nn.functional.linear(torch.tensor(x), wt, bt)
    (yt * yt).sum().backward()
    np.testing.assert_allclose(y.data, yt.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(layer.weight.grad.data, wt.grad.numpy().T, rtol=1e-12)
    np.testing.assert_allclose(layer.bias.grad.data, bt.grad.numpy(), rtol=1e-12)


def test_dense_no_grad_records_nothing_and_input_grad_skipped():
    layer = nn.Dense(3, 2)
    with autograd.no_grad():
        assert layer(Tensor(np.ones((1, 3), np.float32))).grad_fn is None
    out = layer(Tensor(np.ones((1, 3), np.float32)))  # input needs no grad
    out.sum().backward()
    assert layer.weight.grad.shape == (3, 2) and layer.weight.grad.dtype == np.float32


def test_dense_errors_name_layer_and_shapes():
    with pytest.raises(ValueError, match=r"Dense: input of shape \(2, 4\).*\(3, 2\).*3 feat"):
        nn.Dense(3, 2)(Tensor(np.ones((2, 4), np.float32)))
    with pytest.raises(ValueError, match=r"dense: bias of shape \(3,\).*needs shape \(2,\)"):
        dense(Tensor(np.ones((2, 3))), np.ones((3, 2)), np.ones(3))
    with pytest.raises(ValueError, match="weight must be 2-D"):
        dense(Tensor(np.ones((2, 3))), np.ones(3))
    with pytest.raises(ValueError, match="out_features must be a positive int"):
        nn.Dense(3, 0)
    with pytest.raises(ValueError, match="unknown weight_init 'glorot'"):
        nn.Dense(3, 2, weight_init="glorot")


@pytest.mark.parametrize("name, std", [
    ("he", lambda i, o: math.sqrt(2 / i)), ("xavier", lambda i, o: math.sqrt(2 / (i + o))),
    ("lecun", lambda i, o: math.sqrt(1 / i)), ("normal", lambda i, o: 0.01),
])
def test_dense_weight_init_names(name, std):
    autograd.manual_seed(0)
    layer = nn.Dense(400, 300, weight_init=name)
    w = layer.weight.data
    assert abs(w.mean()) < 0.02 * std(400, 300)
    assert abs(w.std() / std(400, 300) - 1) < 0.02


def test_dense_weight_init_zeros_callable_and_reset():
    assert np.all(nn.Dense(3, 2, weight_init="zeros").weight.data == 0)
    layer = nn.Dense(3, 2, weight_init=lambda w: nn.init.constant_(w, 0.5))
    assert np.all(layer.weight.data == 0.5)
    layer = nn.Dense(3, 2, weight_init=lambda w: np.full(w.shape, 2.0))
    assert np.all(layer.weight.data == 2.0)
    with pytest.raises(ValueError, match=r"returned shape \(2,\)"):
        nn.Dense(3, 2, weight_init=lambda w: np.ones(2))
    autograd.manual_seed(4)
    layer = nn.Dense(3, 2)
    first = layer.weight.data.copy()
    layer.bias.data[...] = 1
    autograd.manual_seed(4)
    layer.reset_parameters()
    np.testing.assert_array_equal(layer.weight.data, first)
    assert np.all(layer.bias.data == 0)


# -- DropConnect -------------------------------------------------------------------------------
def test_dropconnect_eval_is_the_plain_layer():
    layer = nn.DropConnect(nn.Dense(4, 3), p=0.5)
    layer.dense.bias.data[...] = 0.25
    x = Tensor(_rand(2, 4, dtype=np.float32))
    layer.eval()
    np.testing.assert_array_equal(layer(x).data, layer.dense(x).data)
    assert [n for n, _ in layer.named_parameters()] == ["dense.weight", "dense.bias"]


def test_dropconnect_masks_weights_with_fresh_scaled_masks():
    autograd.manual_seed(0)
    layer = nn.DropConnect(nn.Dense(50, 40, dtype=np.float64), p=0.3)
    w = layer.dense.weight.data
    eye = Tensor(np.eye(50))  # row i of the output is row i of the masked weight
    outs = [layer(eye).data for _ in range(200)]
    for out in outs[:3]:
        kept = out != 0
        np.testing.assert_allclose(out[kept], w[kept] / 0.7, rtol=1e-12)
    drop_rate = np.mean([np.mean(o == 0) for o in outs])
    assert abs(drop_rate - 0.3) < 4 * math.sqrt(0.3 * 0.7 / (2000 * 200))
    assert not np.array_equal(outs[0], outs[1])
    # The masked weight is unbiased: each entry's mean over 200 masks is w ± 5.5 σ.
    sigma = np.abs(w) * math.sqrt(0.3 / 0.7 / 200)
    assert np.all(np.abs(np.mean(outs, axis=0) - w) <= 5.5 * sigma + 1e-12)


def test_dropconnect_gradcheck_and_gradient_is_masked():
    layer = nn.DropConnect(nn.Dense(4, 5, dtype=np.float64), p=0.5)
    layer.dense.bias.data = _rand(5, seed=2)
    x, wts = _rand(3, 4), _rand(3, 5, seed=3)

    def run(x):
        autograd.manual_seed(7)  # the same mask at every evaluation
        return layer(x)

    assert autograd.gradcheck(run, [Tensor(x, requires_grad=True)])
    check_param_grads(lambda: (run(Tensor(x)) * Tensor(wts)).sum(), list(layer.parameters()))
    # Dropped weights get no gradient; kept ones get 1/(1-p) times the plain layer's.
    layer.zero_grad()
    run(Tensor(x)).sum().backward()
    kept = run(Tensor(np.eye(4))).data - layer.dense.bias.data != 0
    g = layer.dense.weight.grad.data
    assert np.all(g[~kept] == 0) and 0 < kept.mean() < 1
    plain = x.sum(axis=0)[:, None] * np.ones((1, 5))
    np.testing.assert_allclose(g[kept], (plain / 0.5)[kept], rtol=1e-12)


@given(st.integers(1, 5), st.integers(1, 5), st.sampled_from([0.0, 0.2, 0.5, 0.9, 1.0]),
       st.integers(0, 2 ** 31))
def test_dropconnect_property_entries_are_dropped_or_scaled(n_in, n_out, p, seed):
    """Fed the identity, the layer returns its masked weight (plus bias): each entry is 0 or
    w / (1 - p); the same mask is shared by every sample of one forward."""
    autograd.manual_seed(seed)
    layer = nn.DropConnect(nn.Dense(n_in, n_out, dtype=np.float64), p=p)
    layer.dense.bias.data = np.full(n_out, 0.5)
    w = layer.dense.weight.data
    x = np.concatenate([np.eye(n_in), np.eye(n_in)])
    out = layer(Tensor(x)).data - 0.5
    assert out.shape == (2 * n_in, n_out)
    np.testing.assert_array_equal(out[:n_in], out[n_in:])
    if p == 1.0:
        assert np.all(out == 0)
    else:
        first = out[:n_in]
        kept = first != 0
        np.testing.assert_allclose(first[kept], w[kept] / (1 - p), rtol=1e-12, atol=1e-15)
        if p == 0.0:
            assert np.all(kept | (w == 0))


def test_dropconnect_seed_repeatable_and_checks():
    layer = nn.DropConnect(nn.Dense(6, 6), p=0.5)
    x = Tensor(np.ones((2, 6), np.float32))
    autograd.manual_seed(3)
    a = layer(x).data
    autograd.manual_seed(3)
    np.testing.assert_array_equal(a, layer(x).data)
    with pytest.raises(ValueError, match=r"p must be in \[0, 1\]"):
        nn.DropConnect(nn.Dense(2, 2), p=1.5)
    with pytest.raises(TypeError, match="wraps a Dense"):
        nn.DropConnect(nn.Dropout())


# -- Maxout ------------------------------------------------------------------------------------
def test_maxout_is_max_over_pieces():
    layer = nn.Maxout(4, 3, pieces=2)
    x = _rand(5, 4, dtype=np.float32)
    w, b = layer.linear.weight.data, layer.linear.bias.data
    z = x @ w + b
    expected = np.maximum(z[:, 0::2], z[:, 1::2])
    np.testing.assert_allclose(layer(Tensor(x)).data, expected, rtol=1e-6)
    single = nn.Maxout(4, 3, pieces=1)
    np.testing.assert_allclose(single(Tensor(x)).data, single.linear(Tensor(x)).data)


def test_maxout_gradcheck_float64():
    layer = nn.Maxout(4, 3, pieces=3, dtype=np.float64)

    def fn(x, w, b):
        z = dense(x, w, b)
        return z.reshape((z.shape[0], 3, 3)).max(axis=-1)

    x = Tensor(_rand(5, 4), requires_grad=True)
    ins = [x, Tensor(_rand(4, 9, seed=1), requires_grad=True),
           Tensor(_rand(9, seed=2), requires_grad=True)]
    assert autograd.gradcheck(fn, ins)
    layer.linear.weight.data = ins[1].data.copy()
    layer.linear.bias.data = ins[2].data.copy()
    np.testing.assert_array_equal(layer(x).data, fn(*ins).data)
    assert autograd.gradcheck(lambda x: layer(x), [Tensor(_rand(2, 3, 4), requires_grad=True)])


@given(st.integers(1, 4), st.integers(1, 4), st.integers(1, 4), st.data())
def test_maxout_property_bounds_and_gradient_routing(n_in, n_out, pieces, data):
    """The output is one of its pieces and no smaller than any; the gradient of Σy reaches
    only the winning piece's column (ties share it)."""
    layer = nn.Maxout(n_in, n_out, pieces, dtype=np.float64)
    layer.linear.weight.data = data.draw(arrays((n_in, n_out * pieces), np.float64, -3, 3))
    x = data.draw(arrays((3, n_in), np.float64, -3, 3))
    y = layer(Tensor(x))
    z = (x @ layer.linear.weight.data).reshape(3, n_out, pieces)
    assert np.all(y.data[..., None] >= z - 1e-12)
    assert np.all(np.min(np.abs(z - y.data[..., None]), axis=-1) <= 1e-12)
    y.sum().backward()
    gb = layer.linear.bias.grad.data.reshape(n_out, pieces)
    np.testing.assert_allclose(gb.sum(axis=-1), 3.0)  # each unit passes 1 per sample
