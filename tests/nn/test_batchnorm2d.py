"""BatchNorm2d on NCHW: PyTorch over training steps and eval, Hypothesis over shapes, the
fused op against its composite, gradient checks, memory layouts, dtypes and errors."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
import nn
import nn.functional as F
from autograd import Tensor
from autograd.testing import arrays

from _helpers import LAYOUTS, check_param_grads, in_layout

AXES = (0, 2, 3)


def _rand(*shape, seed=0, dtype=np.float64, scale=1.0, shift=0.0):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(shape) * scale + shift).astype(dtype)


def _torch_pair(c, kwargs, torch):
    ours, ref = nn.BatchNorm2d(c, **kwargs), torch.nn.BatchNorm2d(c, **kwargs)
    if ours.affine:  # start from non-trivial affine parameters, the same in both
        ours.weight.data = _rand(c, seed=1, dtype=np.float32, shift=1.0)
        ours.bias.data = _rand(c, seed=2, dtype=np.float32)
        with torch.no_grad():
            ref.weight.copy_(torch.from_numpy(ours.weight.data))
            ref.bias.copy_(torch.from_numpy(ours.bias.data))
    return ours, ref


def _assert_stats_equal(ours, ref, steps):
    np.testing.assert_allclose(ours.running_mean.data, ref.running_mean.numpy(), rtol=1e-5,
                               atol=1e-6)
    np.testing.assert_allclose(ours.running_var.data, ref.running_var.numpy(), rtol=1e-5,
                               atol=1e-6)
    assert ours.num_batches_tracked.item() == ref.num_batches_tracked.item() == steps


@pytest.mark.parametrize("shape", [(4, 3, 5, 6), (2, 2, 1, 3)])
@pytest.mark.parametrize("kwargs", [{}, {"momentum": None}, {"momentum": 0.3, "eps": 1e-3},
                                    {"affine": False}, {"track_running_stats": False}])
def test_matches_pytorch_over_training_steps_then_eval(shape, kwargs):
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle for BatchNorm2d")
    ours, ref = _torch_pair(shape[1], kwargs, torch)
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
            _assert_stats_equal(ours, ref, step + 1)
    ours.eval()
    ref.eval()
    x = _rand(*shape, seed=99, dtype=np.float32, scale=3.0)
    xa, xt = Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ya, yt = ours(xa), ref(xt)
    np.testing.assert_allclose(ya.data, yt.detach().numpy(), rtol=1e-5, atol=2e-6)
    (ya * ya).sum().backward()
    (yt * yt).sum().backward()
    np.testing.assert_allclose(xa.grad.data, xt.grad.numpy(), rtol=1e-4, atol=1e-5)


@given(st.tuples(st.integers(1, 4), st.integers(1, 4), st.integers(1, 4), st.integers(1, 4)),
       st.sampled_from(LAYOUTS), st.data())
def test_hypothesis_shapes_and_layouts_match_pytorch_float64(shape, layout, data):
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle for BatchNorm2d")
    if shape[0] * shape[2] * shape[3] < 2:
        return  # one value per channel: refused in training (tested below)
    c = shape[1]
    ours, ref = nn.BatchNorm2d(c, momentum=0.2, dtype=np.float64), torch.nn.BatchNorm2d(
        c, momentum=0.2, dtype=torch.float64)
    x = data.draw(arrays(shape, np.float64, -4, 4))
    g = data.draw(arrays(shape, np.float64, -2, 2))
    xa = Tensor(in_layout(x, layout), requires_grad=True)
    xt = torch.tensor(x, requires_grad=True)
    ya, yt = ours(xa), ref(xt)
    ya.backward(in_layout(g, layout))
    yt.backward(torch.from_numpy(g))
    np.testing.assert_allclose(ya.data, yt.detach().numpy(), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(xa.grad.data, xt.grad.numpy(), rtol=1e-7, atol=1e-8)
    np.testing.assert_allclose(ours.weight.grad.data, ref.weight.grad.numpy(), rtol=1e-9,
                               atol=1e-9)
    _assert_stats_equal(ours, ref, 1)
    ours.eval()
    ref.eval()
    np.testing.assert_allclose(ours(Tensor(in_layout(x, layout))).data,
                               ref(torch.from_numpy(x)).detach().numpy(), rtol=1e-9, atol=1e-9)


def _composite(x, weight, bias, eps):
    """Batch norm built from autograd ops (the reference for the fused op)."""
    mean = x.mean(axis=AXES, keepdims=True)
    var = ((x - mean) * (x - mean)).mean(axis=AXES, keepdims=True)
    xhat = (x - mean) / autograd.sqrt(var + eps)
    return xhat * weight.reshape((-1, 1, 1)) + bias.reshape((-1, 1, 1))


def test_fused_op_matches_composite_to_second_order():
    shape = (3, 2, 4, 5)
    arrs = [_rand(*shape, scale=2.0), _rand(2, seed=1, shift=1.0), _rand(2, seed=2)]
    gout, v = _rand(*shape, seed=3), _rand(*shape, seed=4)
    results = []
    for fused in (True, False):
        x, w, b = (Tensor(a, requires_grad=True) for a in arrs)
        y = (F.batch_norm(x, None, None, w, b, training=True) if fused
             else _composite(x, w, b, 1e-5))
        grads = autograd.grad((y * Tensor(gout)).sum(), [x, w, b], create_graph=True)
        hv = autograd.grad((grads[0] * Tensor(v)).sum() + (grads[1] ** 2).sum(), [x, w])
        results.append([y.data] + [g.data for g in grads] + [h.data for h in hv])
    for got, want in zip(*results):
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-10)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_gradcheck_training_and_eval_in_every_layout(layout):
    shape, c = (2, 3, 3, 2), 3
    ins = [Tensor(in_layout(_rand(*shape, scale=3.0), layout), requires_grad=True),
           Tensor(_rand(c, seed=1, shift=1.0), requires_grad=True),
           Tensor(_rand(c, seed=2), requires_grad=True)]
    train = lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True)  # noqa: E731
    assert autograd.gradcheck(train, ins)
    assert autograd.gradcheck(lambda x: F.batch_norm(x, None, None, training=True), ins[:1])
    rm, rv = _rand(c, seed=5), np.abs(_rand(c, seed=6)) + 0.5
    evaluate = lambda x, w, b: F.batch_norm(x, rm, rv, w, b, training=False)  # noqa: E731
    assert autograd.gradcheck(evaluate, ins)


def test_module_parameter_gradients_numerically():
    bn = nn.BatchNorm2d(2, dtype=np.float64)
    bn.weight.data, bn.bias.data = _rand(2, seed=1, shift=1.0), _rand(2, seed=2)
    x, wts = Tensor(_rand(3, 2, 3, 2, scale=2.0)), Tensor(_rand(3, 2, 3, 2, seed=3))
    check_param_grads(lambda: (bn(x) * wts).sum(), [bn.weight, bn.bias])
    bn.eval()
    check_param_grads(lambda: (bn(x) * wts).sum(), [bn.weight, bn.bias])


@given(st.sampled_from([(4, 2, 3, 3), (2, 3, 1, 5), (1, 1, 2, 2)]), st.floats(0.5, 20.0),
       st.floats(-50.0, 50.0), st.data())
def test_property_normalised_and_invariant_to_affine_input(shape, scale, shift, data):
    """Each channel comes out with mean 0 and variance ≈ 1 over (N, H, W); BN(a·x + b) = BN(x)
    for a > 0; the gradient w.r.t. x sums to 0 per channel."""
    x = data.draw(arrays(shape, np.float64, -5, 5, elements=st.integers(-50, 50).map(float)))
    if np.any(x.var(axis=AXES) < 1.0):
        return  # nearly constant channels: eps dominates, nothing useful to compare
    y = F.batch_norm(Tensor(x), None, None, training=True, eps=1e-12).data
    np.testing.assert_allclose(y.mean(axis=AXES), 0, atol=1e-9)
    np.testing.assert_allclose(y.var(axis=AXES), 1, rtol=1e-9)
    y2 = F.batch_norm(Tensor(x * scale + shift), None, None, training=True, eps=1e-12).data
    np.testing.assert_allclose(y2, y, atol=1e-8)
    xt = Tensor(x, requires_grad=True)
    F.batch_norm(xt, None, None, training=True).backward(
        data.draw(arrays(shape, np.float64, -3, 3)))
    np.testing.assert_allclose(xt.grad.data.sum(axis=AXES), 0, atol=1e-9)


def test_running_stats_rule_uses_the_unbiased_variance_over_n_h_w():
    bn = nn.BatchNorm2d(2, momentum=0.25, dtype=np.float64)
    x = _rand(3, 2, 2, 4, scale=2.0, shift=1.0)
    bn(Tensor(x))
    per_channel = x.transpose(1, 0, 2, 3).reshape(2, -1)
    np.testing.assert_allclose(bn.running_mean.data, 0.25 * per_channel.mean(1))
    np.testing.assert_allclose(bn.running_var.data, 0.75 + 0.25 * per_channel.var(1, ddof=1))


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtypes_kept(dtype):
    bn = nn.BatchNorm2d(2, dtype=dtype)
    x = Tensor(_rand(2, 2, 3, 3, dtype=dtype), requires_grad=True)
    y = bn(x)
    y.sum().backward()
    assert y.dtype == dtype and x.grad.dtype == dtype and bn.weight.grad.dtype == dtype
    assert bn.running_mean.dtype == dtype and bn.running_var.dtype == dtype
    bn.eval()
    assert bn(x).dtype == dtype


def test_state_dict_matches_pytorch_keys_and_loads_pytorch_buffers():
    torch = pytest.importorskip("torch", reason="PyTorch's state_dict is the reference")
    ref = torch.nn.BatchNorm2d(3)
    ref(torch.randn(4, 3, 2, 2))
    ours = nn.BatchNorm2d(3)
    assert list(ours.state_dict()) == list(ref.state_dict())
    ours.load_state_dict({k: v.numpy() for k, v in ref.state_dict().items()})
    ours.eval()
    ref.eval()
    x = _rand(2, 3, 4, 4, dtype=np.float32)
    np.testing.assert_allclose(ours(Tensor(x)).data, ref(torch.from_numpy(x)).detach().numpy(),
                               rtol=1e-5, atol=1e-6)


def test_errors_name_the_layer_and_shapes():
    with pytest.raises(ValueError, match=r"BatchNorm2d: expected input of shape \(N, C, H, W\), "
                                         r"got \(2, 3, 4\)"):
        nn.BatchNorm2d(3)(Tensor(np.ones((2, 3, 4))))
    with pytest.raises(ValueError, match=r"BatchNorm2d: input has 4 channels.*num_features=3"):
        nn.BatchNorm2d(3)(Tensor(np.ones((2, 4, 2, 2))))
    bn = nn.BatchNorm2d(3)
    with pytest.raises(ValueError, match="BatchNorm2d: expected more than 1 value per ch.*eval"):
        bn(Tensor(np.ones((1, 3, 1, 1))))
    assert bn.num_batches_tracked.item() == 0  # the refused batch left no trace
    bn.eval()
    assert bn(Tensor(np.ones((1, 3, 1, 1), np.float32))).shape == (1, 3, 1, 1)
    with pytest.raises(ValueError, match=r"BatchNorm1d: expected input of shape \(N, C\) or "
                                         r"\(N, C, L\)"):
        nn.BatchNorm1d(3)(Tensor(np.ones((2, 3, 4, 4))))
    with pytest.raises(ValueError, match=r"batch_norm: expected input of shape \(N, C, \.\.\.\)"):
        F.batch_norm(Tensor(np.ones(3)), None, None, training=True)


@pytest.mark.parametrize("name", ["running_mean", "running_var", "weight", "bias"])
@pytest.mark.parametrize("training", [True, False])
def test_per_channel_arrays_of_the_wrong_shape_are_refused(name, training):
    """A (1,) array would broadcast over every channel and give a silently wrong result."""
    args = {"running_mean": np.zeros(3), "running_var": np.ones(3), "weight": np.ones(3),
            "bias": np.zeros(3)}
    args[name] = np.ones(1)
    with pytest.raises(ValueError, match=rf"batch_norm: {name} of shape \(1,\) does not "
                                         r"match the 3 channels.*needs shape \(3,\)"):
        F.batch_norm(Tensor(np.ones((2, 3, 2, 2))), training=training, **args)
