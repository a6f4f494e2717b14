"""Flatten, Unflatten, Dropout2d, ModuleDict and Module.to/float/double, as in PyTorch."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
import nn
import nn.functional as F
import optim
from autograd import Tensor


def _torch(what):
    return pytest.importorskip("torch", reason=f"PyTorch is the oracle for {what}")


@given(st.lists(st.integers(1, 3), min_size=1, max_size=4), st.data())
def test_flatten_and_unflatten_match_pytorch(shape, data):
    torch = _torch("Flatten")
    nd = len(shape)
    start = data.draw(st.integers(-nd, nd - 1))
    end = data.draw(st.integers(-nd, nd - 1))
    x = np.random.default_rng(0).standard_normal(shape)
    if start % nd > end % nd:
        with pytest.raises(ValueError, match="Flatten: start_dim"):
            nn.Flatten(start, end)(x)
        return
    y = nn.Flatten(start, end)(Tensor(x, requires_grad=True))
    assert y.shape == tuple(torch.nn.Flatten(start, end)(torch.from_numpy(x)).shape)
    dim = data.draw(st.integers(-nd, nd - 1))
    n = shape[dim]
    sizes = data.draw(st.sampled_from([(n,), (1, n), (n, 1), (-1, 1), (1, -1)]))
    ya = nn.Unflatten(dim, sizes)(x)
    yt = torch.nn.Unflatten(dim, sizes)(torch.from_numpy(x))
    np.testing.assert_array_equal(ya.data, yt.numpy())


def test_flatten_gradient_and_errors():
    x = Tensor(np.arange(24.0).reshape(2, 3, 4), requires_grad=True)
    y = nn.Flatten()(x)
    assert y.shape == (2, 12)
    y.backward(np.arange(24.0).reshape(2, 12))
    np.testing.assert_array_equal(x.grad.data, x.data)
    with pytest.raises(IndexError, match="Flatten: start_dim=3"):
        nn.Flatten(3)(x)
    with pytest.raises(TypeError, match="Flatten: start_dim"):
        nn.Flatten(1.0)
    with pytest.raises(ValueError, match=r"Unflatten: unflattened_size \(2, 2\).*size 3"):
        nn.Unflatten(1, (2, 2))(x)
    for bad in ((-1, -1), (0, 3), ()):
        with pytest.raises(ValueError, match="Unflatten: unflattened_size"):
            nn.Unflatten(1, bad)
    with pytest.raises(TypeError, match="Unflatten: unflattened_size"):
        nn.Unflatten(1, 3)


@pytest.mark.parametrize("shape", [(20, 30, 3, 2), (20, 30, 5)])
def test_dropout2d_zeroes_whole_channels(shape):
    autograd.manual_seed(0)
    x = Tensor(np.ones(shape), requires_grad=True)
    layer = nn.Dropout2d(0.3)
    y = layer(x)
    per_channel = y.data.reshape(shape[0], shape[1], -1)
    assert np.all((per_channel == 0) | np.isclose(per_channel, 1 / 0.7))
    assert np.all(per_channel.min(axis=-1) == per_channel.max(axis=-1))  # whole maps
    dropped = (per_channel[..., 0] == 0).mean()
    assert 0.2 < dropped < 0.4
    y.backward(np.ones(shape))
    np.testing.assert_allclose(x.grad.data, y.data)  # the same mask scales the gradient
    layer.eval()
    assert layer(x) is x or np.array_equal(layer(x).data, x.data)
    assert np.all(nn.Dropout2d(1.0)(x).data == 0)
    assert F.dropout2d(x, 0.5, training=False) is x


def test_dropout2d_errors():
    for bad in (-0.1, 1.5):
        with pytest.raises(ValueError, match="Dropout2d: drop probability"):
            nn.Dropout2d(bad)
    with pytest.raises(TypeError, match="Dropout2d: p"):
        nn.Dropout2d("0.5")
    with pytest.raises(ValueError, match=r"dropout2d.*\(3, 4\)"):
        nn.Dropout2d()(np.ones((3, 4)))


def test_module_dict_registers_and_behaves_like_pytorchs():
    d = nn.ModuleDict({"conv": nn.Conv2d(1, 2, 3), "act": nn.ReLU()})
    d["pool"] = nn.MaxPool2d(2)
    d.update([("fc", nn.Dense(2, 3))])
    assert list(d.keys()) == ["conv", "act", "pool", "fc"] and len(d) == 4
    assert "conv" in d and isinstance(d["fc"], nn.Dense)
    names = [n for n, _ in d.named_parameters()]
    assert names == ["conv.weight", "conv.bias", "fc.weight", "fc.bias"]
    assert list(d.state_dict()) == names
    assert isinstance(d.pop("act"), nn.ReLU) and "act" not in d
    del d["pool"]
    assert list(d) == ["conv", "fc"]
    with pytest.raises(KeyError, match="ModuleDict has no key 'nope'"):
        d["nope"]
    with pytest.raises(TypeError, match="ModuleDict\\['x'\\]: int is not a Module"):
        d["x"] = 3
    with pytest.raises(TypeError, match="keys must be strings"):
        d[1] = nn.ReLU()
    with pytest.raises(KeyError, match="shadow"):
        d["train"] = nn.ReLU()
    d.clear()
    assert len(d) == 0 and list(d.parameters()) == []


def test_module_dict_loads_a_pytorch_state_dict():
    torch = _torch("ModuleDict")
    ref = torch.nn.ModuleDict({"emb": torch.nn.Embedding(5, 3), "norm": torch.nn.LayerNorm(3)})
    ours = nn.ModuleDict({"emb": nn.Embedding(5, 3), "norm": nn.LayerNorm(3)})
    ours.load_state_dict(ref.state_dict())
    idx = np.array([[0, 4], [2, 2]])
    expect = ref["norm"](ref["emb"](torch.from_numpy(idx))).detach().numpy()
    np.testing.assert_allclose(ours["norm"](ours["emb"](idx)).data, expect, rtol=1e-5,
                               atol=1e-6)


def test_module_to_converts_in_place_and_keeps_parameters_for_the_optimizer():
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm1d(2), nn.LayerNorm(2),
                          nn.Embedding(3, 2))
    params = list(model.parameters())
    opt = optim.SGD(model.parameters(), lr=0.1)
    model[0].weight.grad = Tensor(np.ones((2, 1, 3, 3), np.float32))
    assert model.double() is model
    assert [p is q for p, q in zip(model.parameters(), params)] == [True] * len(params)
    assert all(p.dtype == np.float64 for p in model.parameters())
    assert model[0].weight.grad.dtype == np.float64
    bn = model[1]
    assert bn.running_mean.dtype == np.float64
    assert bn.num_batches_tracked.dtype == np.int64  # counters are not floating point
    before = model[0].weight.data.copy()
    opt.step()
    np.testing.assert_allclose(model[0].weight.data, before - 0.1)
    model.float()
    assert all(p.dtype == np.float32 for p in model.parameters())
    model.to(np.float16)
    assert model[2].weight.dtype == np.float16
    model.to("cpu", dtype="float64")
    assert model[3].weight.dtype == np.float64
    assert model.to("cpu") is model
    with pytest.raises(TypeError, match="Module.to: only floating-point dtypes.*int32"):
        model.to(np.int32)
    with pytest.raises(ValueError, match="Module.to: only the 'cpu' device"):
        model.to("cuda")


def test_float64_model_trains_like_pytorchs():
    torch = _torch("Module.double")
    ref = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.ReLU(),
                              torch.nn.AvgPool2d(2), torch.nn.Flatten()).double()
    ours = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.AvgPool2d(2), nn.Flatten()).double()
    ours.load_state_dict(ref.state_dict())
    x = np.random.default_rng(0).standard_normal((2, 1, 6, 6))
    np.testing.assert_allclose(ours(x).data, ref(torch.from_numpy(x)).detach().numpy(),
                               rtol=1e-12, atol=1e-12)
