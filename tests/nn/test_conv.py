"""Conv2d and F.conv2d: PyTorch over Hypothesis-drawn geometries (forward, both gradients,
second order), the fused op against a composite of autograd ops, gradient checks, memory
layouts, dtypes, initialisation, PyTorch state_dicts and errors."""
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

from _layouts import layouts


@st.composite
def conv_cases(draw):
    """(input shape, Conv2d keyword arguments) for a geometry whose output is not empty."""
    groups = draw(st.sampled_from([1, 1, 2, 3]))
    cin, cout = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 3))
    kernel = (draw(st.integers(1, 4)), draw(st.integers(1, 3)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    padding = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    dilation = (draw(st.integers(1, 3)), draw(st.integers(1, 2)))
    size = []
    for k, p, d in zip(kernel, padding, dilation):
        smallest = max(1, d * (k - 1) + 1 - 2 * p)
        size.append(draw(st.integers(smallest, smallest + 6)))
    n = draw(st.integers(1, 3))
    kwargs = dict(in_channels=cin, out_channels=cout, kernel_size=kernel, stride=stride,
                  padding=padding, dilation=dilation, groups=groups,
                  bias=draw(st.booleans()))
    return (n, cin, *size), kwargs


def _torch_pair(shape, kwargs, seed=0, dtype=np.float64):
    """Our Conv2d and PyTorch's with the same (our) weights, and an input."""
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle for Conv2d")
    ours = nn.Conv2d(**kwargs, dtype=dtype)
    ref = torch.nn.Conv2d(**kwargs, dtype=getattr(torch, np.dtype(dtype).name))
    ref.load_state_dict({k: torch.from_numpy(v) for k, v in ours.state_dict().items()})
    x = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    return torch, ours, ref, x


def _compare(torch, ours, ref, x, g, rtol=1e-10, atol=1e-12):
    xa, xt = Tensor(x, requires_grad=True), torch.tensor(np.array(x), requires_grad=True)
    ya, yt = ours(xa), ref(xt)
    np.testing.assert_allclose(ya.data, yt.detach().numpy(), rtol=rtol, atol=atol)
    ya.backward(g)
    yt.backward(torch.from_numpy(np.array(g)))
    np.testing.assert_allclose(xa.grad.data, xt.grad.numpy(), rtol=rtol, atol=atol)
    np.testing.assert_allclose(ours.weight.grad.data, ref.weight.grad.numpy(), rtol=rtol,
                               atol=atol)
    if ours.bias is not None:
        np.testing.assert_allclose(ours.bias.grad.data, ref.bias.grad.numpy(), rtol=rtol,
                                   atol=atol)


@given(conv_cases(), st.integers(0, 2 ** 16))
def test_matches_pytorch_forward_and_backward(case, seed):
    shape, kwargs = case
    torch, ours, ref, x = _torch_pair(shape, kwargs, seed)
    out_shape = ref(torch.from_numpy(x)).shape
    g = np.random.default_rng(seed + 1).standard_normal(tuple(out_shape))
    _compare(torch, ours, ref, x, g)


@given(conv_cases())
def test_second_order_matches_pytorch(case):
    shape, kwargs = case
    torch, ours, ref, x = _torch_pair(shape, kwargs, seed=3)
    xa, xt = Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ga = autograd.grad((ours(xa) ** 2).sum(), [xa, ours.weight], create_graph=True)
    gt = torch.autograd.grad((ref(xt) ** 2).sum(), [xt, ref.weight], create_graph=True)
    ha = autograd.grad(sum((g * g).sum() for g in ga), [xa, ours.weight])
    ht = torch.autograd.grad(sum((g * g).sum() for g in gt), [xt, ref.weight])
    for a, t in zip(ha, ht):
        np.testing.assert_allclose(a.data, t.numpy(), rtol=1e-9, atol=1e-9)


def _composite_conv(x, w, stride, padding, dilation):
    """Convolution written out with autograd ops: zero padding by concatenation, one
    strided slice per kernel tap, and a weighted sum (the reference for the fused op)."""
    n, c, h, wd = x.shape
    ph, pw = padding
    if ph:
        z = autograd.zeros((n, c, ph, wd), dtype=x.dtype)
        x = autograd.concatenate([z, x, z], axis=2)
    if pw:
        z = autograd.zeros((n, c, x.shape[2], pw), dtype=x.dtype)
        x = autograd.concatenate([z, x, z], axis=3)
    kh, kw = w.shape[2:]
    oh = (x.shape[2] - dilation[0] * (kh - 1) - 1) // stride[0] + 1
    ow = (x.shape[3] - dilation[1] * (kw - 1) - 1) // stride[1] + 1
    out = 0
    for i in range(kh):
        for j in range(kw):
            r, q = i * dilation[0], j * dilation[1]
            tap = x[:, :, r:r + stride[0] * (oh - 1) + 1:stride[0],
                    q:q + stride[1] * (ow - 1) + 1:stride[1]]  # (N, C, OH, OW)
            wij = w[:, :, i, j]  # (O, C)
            out = out + (wij @ tap.reshape((n, c, oh * ow))).reshape((n, -1, oh, ow))
    return out


@pytest.mark.parametrize("stride,padding,dilation", [((1, 1), (0, 0), (1, 1)),
                                                     ((2, 1), (1, 2), (2, 1))])
def test_fused_op_matches_its_composite(stride, padding, dilation):
    rng = np.random.default_rng(0)
    x = Tensor(rng.standard_normal((2, 3, 7, 8)), requires_grad=True)
    w = Tensor(rng.standard_normal((4, 3, 3, 2)), requires_grad=True)
    fused = F.conv2d(x, w, None, stride, padding, dilation)
    comp = _composite_conv(x, w, stride, padding, dilation)
    np.testing.assert_allclose(fused.data, comp.data, rtol=1e-12, atol=1e-12)
    g = rng.standard_normal(fused.shape)
    gf = autograd.grad(fused, [x, w], g)
    gc = autograd.grad(comp, [x, w], g)
    for a, b in zip(gf, gc):
        np.testing.assert_allclose(a.data, b.data, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("kwargs", [
    dict(stride=1, padding=0, dilation=1, groups=1),
    dict(stride=(2, 1), padding=(1, 2), dilation=(1, 2), groups=2),
])
def test_gradcheck(kwargs):
    rng = np.random.default_rng(1)
    x = Tensor(rng.standard_normal((2, 4, 6, 5)), requires_grad=True)
    w = Tensor(rng.standard_normal((4, 4 // kwargs["groups"], 3, 2)), requires_grad=True)
    b = Tensor(rng.standard_normal(4), requires_grad=True)
    assert autograd.gradcheck(lambda x, w, b: F.conv2d(x, w, b, **kwargs), [x, w, b])


def test_second_order_gradcheck():
    rng = np.random.default_rng(2)
    x = Tensor(rng.standard_normal((1, 2, 5, 5)), requires_grad=True)
    w = Tensor(rng.standard_normal((3, 2, 2, 2)), requires_grad=True)

    def grad_sq(x, w):
        with autograd.enable_grad():  # gradcheck's numerical pass runs under no_grad
            y = F.conv2d(x, w, stride=2, padding=1)
            gx, gw = autograd.grad((y * y).sum(), [x, w], create_graph=True)
            return (gx * gx).sum() + (gw * gw).sum()
    assert autograd.gradcheck(grad_sq, [x, w])


@pytest.mark.parametrize("layout", ["C", "F", "strided", "negative"])
def test_memory_layouts_of_input_and_upstream_gradient(layout):
    torch, ours, ref, x = _torch_pair((2, 4, 9, 7), dict(
        in_channels=4, out_channels=6, kernel_size=(3, 2), stride=(2, 1), padding=1,
        dilation=(1, 2), groups=2))
    g = np.random.default_rng(5).standard_normal((2, 6, 5, 7))
    _compare(torch, ours, ref, layouts(x)[layout], layouts(g)[layout])


def test_float32_matches_pytorch_and_keeps_dtype():
    torch, ours, ref, x = _torch_pair((3, 2, 10, 10), dict(
        in_channels=2, out_channels=5, kernel_size=3, padding=1), dtype=np.float32)
    xa = Tensor(x, requires_grad=True)
    y = ours(xa)
    assert y.dtype == np.float32
    y.sum().backward()
    assert xa.grad.dtype == ours.weight.grad.dtype == np.float32
    g = np.ones(y.shape, np.float32)
    ours.zero_grad()
    _compare(torch, ours, ref, x, g, rtol=1e-5, atol=1e-5)


def test_mixed_dtypes_give_gradients_in_each_inputs_dtype():
    layer = nn.Conv2d(2, 3, 3, dtype=np.float32)
    x = Tensor(np.random.default_rng(0).standard_normal((1, 2, 5, 5)), requires_grad=True)
    y = layer(x)
    assert y.dtype == np.float64
    y.sum().backward()
    assert x.grad.dtype == np.float64 and layer.weight.grad.dtype == np.float32


@pytest.mark.filterwarnings("ignore:Using padding='same'")
def test_padding_same_valid_and_unbatched_input():
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle for Conv2d")
    for kwargs in (dict(kernel_size=(4, 3), padding="same", dilation=(1, 2)),
                   dict(kernel_size=3, padding="valid")):
        ours = nn.Conv2d(2, 3, dtype=np.float64, **kwargs)
        ref = torch.nn.Conv2d(2, 3, dtype=torch.float64, **kwargs)
        ref.load_state_dict({k: torch.from_numpy(v) for k, v in ours.state_dict().items()})
        x = np.random.default_rng(0).standard_normal((2, 7, 6))  # unbatched (C, H, W)
        xa, xt = Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        ya, yt = ours(xa), ref(xt)
        assert ya.shape == tuple(yt.shape)
        np.testing.assert_allclose(ya.data, yt.detach().numpy(), rtol=1e-10, atol=1e-12)
        (ya ** 2).sum().backward()
        (yt ** 2).sum().backward()
        np.testing.assert_allclose(xa.grad.data, xt.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_initialisation_follows_pytorch_bounds():
    autograd.manual_seed(0)
    layer = nn.Conv2d(6, 66, (5, 3), groups=3)
    fan_in = 2 * 5 * 3
    bound = 1 / math.sqrt(fan_in)  # Kaiming-uniform with a = √5
    w, b = layer.weight.data, layer.bias.data
    assert w.shape == (66, 2, 5, 3) and w.dtype == np.float32
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.9 * bound
    assert abs(w.std() - bound / math.sqrt(3)) < 0.1 * bound
    assert np.abs(b).max() <= bound and b.std() > 0.2 * bound
    assert nn.Conv2d(1, 2, 3, bias=False).bias is None


def test_pytorch_state_dict_loads_and_gives_pytorch_outputs():
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle for Conv2d")
    ref = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3, padding=1), torch.nn.ReLU(),
                              torch.nn.MaxPool2d(2), torch.nn.Conv2d(4, 2, 2, groups=2))
    ours = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(4, 2, 2, groups=2))
    ours.load_state_dict(ref.state_dict())
    x = np.random.default_rng(0).standard_normal((2, 3, 8, 8)).astype(np.float32)
    np.testing.assert_allclose(ours(x).data, ref(torch.from_numpy(x)).detach().numpy(),
                               rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("args,kwargs,error,words", [
    ((0, 4, 3), {}, ValueError, "in_channels"),
    ((2.0, 4, 3), {}, TypeError, "in_channels"),
    ((2, 4, 0), {}, ValueError, "kernel_size"),
    ((2, 4, (3, 3, 3)), {}, TypeError, "kernel_size"),
    ((2, 4, 3), {"stride": 0}, ValueError, "stride"),
    ((2, 4, 3), {"padding": -1}, ValueError, "padding"),
    ((2, 4, 3), {"padding": "full"}, ValueError, "padding"),
    ((2, 4, 3), {"padding": "same", "stride": 2}, ValueError, "same"),
    ((2, 4, 3), {"dilation": 0}, ValueError, "dilation"),
    ((3, 4, 3), {"groups": 2}, ValueError, "groups"),
    ((2, 3, 3), {"groups": 2}, ValueError, "groups"),
    ((2, 4, 3), {"groups": 0}, ValueError, "groups"),
    ((2, 4, 3), {"padding_mode": "reflect"}, ValueError, "padding_mode"),
    ((2, 4, 3), {"bias": "yes"}, TypeError, "bias"),
])
def test_bad_constructor_arguments_are_named(args, kwargs, error, words):
    with pytest.raises(error, match=words) as info:
        nn.Conv2d(*args, **kwargs)
    assert "Conv2d" in str(info.value)


def test_shape_mismatches_name_the_op_and_shapes():
    layer = nn.Conv2d(3, 4, 5)
    with pytest.raises(ValueError, match=r"conv2d.*\(2, 2, 8, 8\).*3 channels|"
                                         r"conv2d.*\(2, 2, 8, 8\).*expects 3"):
        layer(np.zeros((2, 2, 8, 8), np.float32))
    with pytest.raises(ValueError, match=r"conv2d.*\(1, 3, 4, 4\).*smaller than the kernel"):
        layer(np.zeros((1, 3, 4, 4), np.float32))
    with pytest.raises(ValueError, match=r"conv2d.*3-D.*4-D.*\(3, 8\)"):
        layer(np.zeros((3, 8), np.float32))
    with pytest.raises(TypeError, match="conv2d.*int64"):
        layer(np.zeros((1, 3, 8, 8), np.int64))
    with pytest.raises(ValueError, match=r"conv2d: bias of shape \(3,\)"):
        F.conv2d(np.zeros((1, 3, 8, 8)), np.zeros((4, 3, 2, 2)), np.zeros(3))
    with pytest.raises(ValueError, match="conv2d: weight must be 4-D"):
        F.conv2d(np.zeros((1, 3, 8, 8)), np.zeros((4, 3, 2)))


def test_repr_and_no_grad_records_nothing():
    layer = nn.Conv2d(1, 2, 3, stride=2, padding=1, bias=False)
    assert repr(layer) == ("Conv2d(1, 2, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), "
                           "bias=False)")
    with autograd.no_grad():
        y = layer(np.ones((1, 1, 5, 5), np.float32))
    assert y.grad_fn is None and not y.requires_grad


@pytest.mark.parametrize("wrt", ["input", "weight"])
def test_second_order_when_only_one_operand_requires_grad(wrt):
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle for Conv2d")
    rng = np.random.default_rng(4)
    x, w = rng.standard_normal((2, 2, 6, 5)), rng.standard_normal((3, 2, 3, 2))
    ours = [Tensor(x, requires_grad=wrt == "input"), Tensor(w, requires_grad=wrt == "weight")]
    ref = [torch.tensor(x, requires_grad=wrt == "input"),
           torch.tensor(w, requires_grad=wrt == "weight")]
    k = 0 if wrt == "input" else 1
    (ga,) = autograd.grad((F.conv2d(*ours, padding=1) ** 2).sum(), [ours[k]], create_graph=True)
    (gt,) = torch.autograd.grad((torch.nn.functional.conv2d(*ref, padding=1) ** 2).sum(),
                                [ref[k]], create_graph=True)
    (ha,) = autograd.grad((ga ** 2).sum(), [ours[k]])
    (ht,) = torch.autograd.grad((gt ** 2).sum(), [ref[k]])
    np.testing.assert_allclose(ha.data, ht.numpy(), rtol=1e-10, atol=1e-9)


@pytest.mark.parametrize("layout", ["F", "strided", "negative"])
def test_weight_and_bias_in_any_layout(layout):
    rng = np.random.default_rng(6)
    x = rng.standard_normal((2, 4, 7, 6))
    w, b = rng.standard_normal((6, 2, 3, 2)), rng.standard_normal(6)
    g = rng.standard_normal((2, 6, 3, 5))
    ref = [Tensor(a, requires_grad=True) for a in (x, w, b)]
    odd = [Tensor(x, requires_grad=True)] + [Tensor(layouts(a)[layout], requires_grad=True)
                                             for a in (w, b)]
    ya = F.conv2d(*ref, stride=(2, 1), groups=2)
    yb = F.conv2d(*odd, stride=(2, 1), groups=2)
    np.testing.assert_allclose(yb.data, ya.data, rtol=1e-13, atol=1e-13)
    for a, c in zip(autograd.grad(ya, ref, g), autograd.grad(yb, odd, g)):
        np.testing.assert_allclose(c.data, a.data, rtol=1e-13, atol=1e-13)


def test_float16_runs_in_float16_close_to_float64():
    rng = np.random.default_rng(7)
    x, w = rng.standard_normal((2, 3, 6, 6)), rng.standard_normal((4, 3, 3, 3)) * 0.2
    x16 = Tensor(x.astype(np.float16), requires_grad=True)
    w16 = Tensor(w.astype(np.float16), requires_grad=True)
    y16 = F.conv2d(x16, w16, padding=1)
    assert y16.dtype == np.float16
    y16.sum().backward()
    assert x16.grad.dtype == w16.grad.dtype == np.float16
    y64 = F.conv2d(x.astype(np.float16).astype(np.float64),
                   w.astype(np.float16).astype(np.float64), padding=1)
    np.testing.assert_allclose(y16.data, y64.data, rtol=1e-2, atol=1e-2)
