"""Linear, PyTorch's layer: (out, in) weight, x @ Wᵀ + b, PyTorch's initialisation, PyTorch
state_dicts loading as they are; `F.linear` against PyTorch, NumPy and its composite."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
import nn
import nn.functional as F
from autograd import Tensor
from autograd.testing import arrays, float_dtypes

from _helpers import LAYOUTS, in_layout


def _rand(*shape, seed=0, dtype=np.float64):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def test_shapes_defaults_and_repr():
    layer = nn.Linear(5, 3)
    assert layer.weight.shape == (3, 5) and layer.bias.shape == (3,)
    assert layer.weight.dtype == np.float32 and layer.bias.dtype == np.float32
    assert [n for n, _ in layer.named_parameters()] == ["weight", "bias"]
    assert nn.Linear(5, 3, bias=False).bias is None
    assert repr(layer) == "Linear(in_features=5, out_features=3, bias=True)"
    x = _rand(4, 5, dtype=np.float32)
    np.testing.assert_allclose(layer(Tensor(x)).data,
                               x @ layer.weight.data.T + layer.bias.data, rtol=1e-6)
    assert nn.Linear(5, 3, dtype=np.float64)(Tensor(_rand(2, 5))).dtype == np.float64


def test_dense_and_linear_share_one_fused_op():
    x = Tensor(_rand(2, 4), requires_grad=True)
    y_dense = nn.Dense(4, 3, dtype=np.float64)(x)
    y_linear = nn.Linear(4, 3, dtype=np.float64)(x)
    assert type(y_dense.grad_fn) is type(y_linear.grad_fn)


def _torch_mlp(torch, sizes, seed):
    torch.manual_seed(seed)
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers).double()


def _our_mlp(sizes):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1], dtype=np.float64))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


@pytest.mark.parametrize("sizes", [(4, 4, 4), (6, 5, 5, 3), (3, 7, 2)])
@pytest.mark.parametrize("as_torch", [True, False])
def test_pytorch_state_dict_loads_as_is_and_gives_its_outputs_and_gradients(sizes, as_torch):
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle for Linear")
    ref, ours = _torch_mlp(torch, sizes, seed=sum(sizes)), _our_mlp(sizes)
    state = ref.state_dict()
    assert list(ours.state_dict()) == list(state)
    ours.load_state_dict(state if as_torch else {k: v.numpy() for k, v in state.items()})
    x = _rand(5, sizes[0], seed=1)
    xa, xt = Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ya, yt = ours(xa), ref(xt)
    np.testing.assert_allclose(ya.data, yt.detach().numpy(), rtol=1e-12, atol=1e-12)
    (ya * ya).sum().backward()
    (yt * yt).sum().backward()
    np.testing.assert_allclose(xa.grad.data, xt.grad.numpy(), rtol=1e-12, atol=1e-12)
    for (name, p), (_, q) in zip(ours.named_parameters(), ref.named_parameters()):
        np.testing.assert_allclose(p.grad.data, q.grad.numpy(), rtol=1e-12, atol=1e-12,
                                   err_msg=name)
    back = {k: torch.from_numpy(v) for k, v in ours.state_dict().items()}
    ref.load_state_dict(back)  # and our state_dict loads into PyTorch as it is


@pytest.mark.parametrize("n_in, n_out", [(400, 300), (30, 2000)])
def test_initialisation_follows_pytorch(n_in, n_out):
    torch = pytest.importorskip("torch", reason="PyTorch's initialisation is the reference")
    autograd.manual_seed(0)
    ours = nn.Linear(n_in, n_out)
    torch.manual_seed(0)
    ref = torch.nn.Linear(n_in, n_out)
    bound = 1 / math.sqrt(n_in)
    for mine, theirs in ((ours.weight.data, ref.weight.detach().numpy()),
                         (ours.bias.data, ref.bias.detach().numpy())):
        assert mine.shape == theirs.shape
        assert np.abs(mine).max() <= bound and np.abs(theirs).max() <= bound
        n = mine.size  # U(±bound): mean 0, std bound/√3, max |w| near the bound
        assert abs(mine.mean()) < 4 * bound / math.sqrt(3 * n)
        assert abs(mine.std() / (bound / math.sqrt(3)) - 1) < 5 / math.sqrt(n) + 0.01
        assert abs(mine.std() / theirs.std() - 1) < 8 / math.sqrt(n) + 0.02
        assert np.abs(mine).max() > bound * (1 - 20 / n)
    before = ours.weight.data.copy()
    ours.reset_parameters()
    assert not np.array_equal(before, ours.weight.data)


@given(st.tuples(st.integers(1, 4), st.integers(1, 3)), st.integers(1, 6), st.integers(1, 6),
       st.booleans(), st.data())
def test_functional_linear_matches_numpy_and_pytorch(batch, n_in, n_out, with_bias, data):
    x = data.draw(arrays(batch + (n_in,), np.float64, -5, 5))
    w = data.draw(arrays((n_out, n_in), np.float64, -5, 5))
    b = data.draw(arrays((n_out,), np.float64, -5, 5)) if with_bias else None
    g = data.draw(arrays(batch + (n_out,), np.float64, -5, 5))
    xt, wt = Tensor(x, requires_grad=True), Tensor(w, requires_grad=True)
    bt = Tensor(b, requires_grad=True) if with_bias else None
    y = F.linear(xt, wt, bt)
    np.testing.assert_allclose(y.data, x @ w.T + (b if with_bias else 0), rtol=1e-12,
                               atol=1e-12)
    y.backward(g)
    batch_axes = list(range(len(batch)))
    np.testing.assert_allclose(xt.grad.data, g @ w, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(wt.grad.data, np.tensordot(g, x, axes=(batch_axes, batch_axes)),
                               rtol=1e-10, atol=1e-10)
    if with_bias:
        np.testing.assert_allclose(bt.grad.data, g.reshape(-1, n_out).sum(0), rtol=1e-12,
                                   atol=1e-12)
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle for F.linear")
    tx, tw = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    ty = torch.nn.functional.linear(tx, tw, None if b is None else torch.tensor(b))
    ty.backward(torch.from_numpy(g))
    np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(wt.grad.data, tw.grad.numpy(), rtol=1e-10, atol=1e-10)


@given(float_dtypes(), st.tuples(st.integers(1, 3), st.integers(1, 4)), st.integers(1, 5),
       st.integers(1, 5), st.data())
def test_linear_and_dense_keep_the_dtype_and_agree_with_each_other(dtype, batch, n_in, n_out,
                                                                   data):
    """Linear on W and Dense on Wᵀ are the same map, in float32 and float64."""
    x = data.draw(arrays(batch + (n_in,), dtype, -3, 3))
    w = data.draw(arrays((n_out, n_in), dtype, -3, 3))
    b = data.draw(arrays((n_out,), dtype, -3, 3))
    grads = []
    for fn, weight in ((F.linear, w), (F.dense, np.ascontiguousarray(w.T))):
        xt, wt = Tensor(x, requires_grad=True), Tensor(weight, requires_grad=True)
        y = fn(xt, wt, Tensor(b))
        assert y.dtype == dtype and y.shape == batch + (n_out,)
        (y * y).sum().backward()
        assert xt.grad.dtype == dtype and wt.grad.dtype == dtype
        grads.append((y.data, xt.grad.data, wt.grad.data))
    tol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(grads[0][0], grads[1][0], rtol=tol, atol=tol)
    np.testing.assert_allclose(grads[0][1], grads[1][1], rtol=tol, atol=tol * 10)
    np.testing.assert_allclose(grads[0][2], grads[1][2].T, rtol=tol, atol=tol * 10)


@pytest.mark.parametrize("shape", [(4, 5), (2, 3, 5), (5,)])
def test_gradcheck_float64(shape):
    ins = [Tensor(_rand(*shape), requires_grad=True), Tensor(_rand(3, 5, seed=1),
                                                             requires_grad=True),
           Tensor(_rand(3, seed=2), requires_grad=True)]
    assert autograd.gradcheck(F.linear, ins)
    assert autograd.gradcheck(lambda x, w: F.linear(x, w), ins[:2])


def test_fused_matches_composite_including_second_order():
    x0, w0, b0 = _rand(6, 4), _rand(3, 4, seed=1), _rand(3, seed=2)
    v = _rand(6, 4, seed=3)
    results = []
    for fused in (True, False):
        x, w, b = (Tensor(a, requires_grad=True) for a in (x0, w0, b0))
        y = F.linear(x, w, b) if fused else x @ w.T + b
        gx, gw, gb = autograd.grad((y * y * y).sum(), [x, w, b], create_graph=True)
        (hv,) = autograd.grad((gx * Tensor(v)).sum() + (gw * gw).sum(), [w])
        results.append([y.data, gx.data, gw.data, gb.data, hv.data])
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_memory_layouts_of_input_weight_and_gradient(layout):
    x, w, b, g = _rand(3, 2, 5), _rand(4, 5, seed=1), _rand(4, seed=2), _rand(3, 2, 4, seed=3)
    want = x @ w.T + b
    xt = Tensor(in_layout(x, layout), requires_grad=True)
    wt = Tensor(in_layout(w, layout), requires_grad=True)
    y = F.linear(xt, wt, Tensor(b))
    np.testing.assert_allclose(y.data, want, rtol=1e-12)
    y.backward(in_layout(g, layout))
    np.testing.assert_allclose(xt.grad.data, g @ w, rtol=1e-12)
    np.testing.assert_allclose(wt.grad.data, np.einsum("abo,abi->oi", g, x), rtol=1e-12)
    assert autograd.gradcheck(F.linear, [xt, wt])


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtypes_kept(dtype):
    layer = nn.Linear(4, 3, dtype=dtype)
    x = Tensor(_rand(2, 4, dtype=dtype), requires_grad=True)
    y = layer(x)
    y.sum().backward()
    assert y.dtype == dtype and x.grad.dtype == dtype and layer.weight.grad.dtype == dtype
    assert layer.weight.grad.shape == (3, 4) and layer.bias.grad.dtype == dtype


def test_errors_name_the_layer_and_shapes():
    with pytest.raises(ValueError, match=r"Linear: input of shape \(2, 4\).*\(2, 3\).*"
                                         r"\(out_features, in_features\).*3 features"):
        nn.Linear(3, 2)(Tensor(np.ones((2, 4), np.float32)))
    with pytest.raises(ValueError, match=r"linear: bias of shape \(3,\).*needs shape \(2,\)"):
        F.linear(Tensor(np.ones((2, 3))), np.ones((2, 3)), np.ones(3))
    with pytest.raises(ValueError, match=r"linear: weight must be 2-D \(out_features, in_f"):
        F.linear(Tensor(np.ones((2, 3))), np.ones(3))
    with pytest.raises(ValueError, match="linear: the input must have at least one axis"):
        F.linear(Tensor(np.float64(1.0)), np.ones((2, 1)))
    with pytest.raises(ValueError, match="Linear: in_features must be a positive int"):
        nn.Linear(0, 2)
    with pytest.raises(TypeError, match="Linear: out_features must be a positive int"):
        nn.Linear(2, 2.5)  # a wrong type: TypeError, as PyTorch raises


@pytest.mark.parametrize("fn, weight", [(F.linear, [[1.0, 2.0, 3.0], [0.5, 0.0, -1.0]]),
                                        (F.dense, [[1.0, 0.5], [2.0, 0.0], [3.0, -1.0]])])
def test_lists_as_input_or_weight(fn, weight):
    x = [[1.0, -2.0, 0.5]]
    want = np.array(x) @ np.array([[1.0, 0.5], [2.0, 0.0], [3.0, -1.0]])
    wt = Tensor(np.array(weight), requires_grad=True)
    y = fn(x, wt)
    np.testing.assert_allclose(y.data, want, rtol=1e-6)
    y.sum().backward()
    assert wt.grad.shape == wt.shape
    np.testing.assert_allclose(fn(Tensor(np.array(x)), weight).data, want, rtol=1e-6)


def test_a_dense_state_dict_does_not_load_into_linear_silently():
    dense, linear = nn.Dense(4, 3), nn.Linear(4, 3)
    with pytest.raises(RuntimeError, match=r"size mismatch for weight.*\(4, 3\).*\(3, 4\)"):
        linear.load_state_dict(dense.state_dict())
