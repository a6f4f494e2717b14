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
    with pytest.raises(ValueError, match="Dropout2d: inplace=True"):
        nn.Dropout2d(0.5, inplace=True)
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


def test_gradcheck_of_flatten_unflatten_and_dropout2d():
    x = Tensor(np.random.default_rng(0).standard_normal((2, 3, 2, 2)), requires_grad=True)
    assert autograd.gradcheck(lambda x: nn.Flatten(0, 2)(x), [x])
    assert autograd.gradcheck(lambda x: nn.Unflatten(1, (3, 1))(x), [x])

    def drop(x):
        autograd.manual_seed(3)  # the same channel mask on every evaluation
        return F.dropout2d(x, 0.4)
    assert autograd.gradcheck(drop, [x])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dropout2d_keeps_dtype_and_layouts(dtype):
    from _layouts import layouts

    x = np.random.default_rng(0).standard_normal((3, 4, 5, 2)).astype(dtype)
    for name, arr in layouts(x).items():
        autograd.manual_seed(1)
        y = F.dropout2d(Tensor(arr), 0.5)
        autograd.manual_seed(1)
        ref = F.dropout2d(Tensor(x), 0.5)
        assert y.dtype == dtype
        np.testing.assert_array_equal(y.data, ref.data, err_msg=name)


def _lenet(nn_, F_):
    """PyTorch-style model code, written once and run with either library's nn and F."""
    class Net(nn_.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn_.Conv2d(1, 6, 5, padding=2)
            self.bn1 = nn_.BatchNorm2d(6)
            self.conv2 = nn_.Conv2d(6, 16, 5)
            self.drop = nn_.Dropout2d(0.25)
            self.head = nn_.ModuleDict({"flat": nn_.Flatten(), "norm": nn_.LayerNorm(16 * 25),
                                        "fc": nn_.Linear(16 * 25, 10)})

        def forward(self, x):
            x = F_.max_pool2d(F_.relu(self.bn1(self.conv1(x))), 2)
            x = F_.avg_pool2d(F_.relu(self.drop(self.conv2(x))), 2)
            return self.head["fc"](self.head["norm"](self.head["flat"](x)))
    return Net()


def test_a_pytorch_cnn_ports_by_changing_the_imports():
    torch = _torch("the port")
    ref, ours = _lenet(torch.nn, torch.nn.functional), _lenet(nn, F)
    ref.double().eval()
    ours.double().eval()
    ours.load_state_dict(ref.state_dict())
    assert list(ours.state_dict()) == list(ref.state_dict())
    x = np.random.default_rng(0).standard_normal((3, 1, 28, 28))
    xt = torch.tensor(x, requires_grad=True)
    yt = ref(xt)
    ya = ours(Tensor(x))
    np.testing.assert_allclose(ya.data, yt.detach().numpy(), rtol=1e-10, atol=1e-10)
    g = np.random.default_rng(1).standard_normal(ya.shape)
    ya.backward(g)
    yt.backward(torch.from_numpy(g))
    for (name, p), (_, q) in zip(ours.named_parameters(), ref.named_parameters()):
        np.testing.assert_allclose(p.grad.data, q.grad.numpy(), rtol=1e-9, atol=1e-10,
                                   err_msg=name)


def _mlp(nn_):
    """A PyTorch MLP, written once for either library."""
    return nn_.Sequential(nn_.Linear(6, 16), nn_.BatchNorm1d(16), nn_.ReLU(),
                          nn_.Linear(16, 16), nn_.Tanh(), nn_.Linear(16, 3))


def test_a_pytorch_mlp_and_cnn_train_alike_after_changing_the_imports():
    """Training mode too: BatchNorm's batch statistics and running buffers, the gradients of
    every Linear, and SGD with momentum stepping both models from the same weights."""
    torch = _torch("the port")
    import optim
    for build, shape in ((_mlp, (8, 6)), (None, (4, 1, 28, 28))):
        ref = build(torch.nn) if build else _lenet(torch.nn, torch.nn.functional)
        ours = build(nn) if build else _lenet(nn, F)
        ref.double().train()
        ours.double().train()
        if build is None:  # dropout draws differ between the libraries: switch it off alike
            ref.drop.p = ours.drop.p = 0.0
        ours.load_state_dict(ref.state_dict())
        opt_ref = torch.optim.SGD(ref.parameters(), lr=0.1, momentum=0.9)
        opt = optim.SGD(ours.parameters(), lr=0.1, momentum=0.9)
        rng = np.random.default_rng(2)
        for _ in range(3):
            x = rng.standard_normal(shape)
            target = rng.standard_normal((shape[0], 3 if build else 10))
            opt_ref.zero_grad()
            loss_ref = ((ref(torch.from_numpy(x)) - torch.from_numpy(target)) ** 2).mean()
            loss_ref.backward()
            opt_ref.step()
            opt.zero_grad()
            loss = ((ours(Tensor(x)) - Tensor(target)) ** 2).mean()
            loss.backward()
            opt.step()
            np.testing.assert_allclose(loss.item(), loss_ref.item(), rtol=1e-9)
        for (name, a), (_, b) in zip(ours.state_dict().items(), ref.state_dict().items()):
            np.testing.assert_allclose(np.asarray(a.data if hasattr(a, "data") else a),
                                       b.numpy(), rtol=1e-8, atol=1e-10, err_msg=name)
