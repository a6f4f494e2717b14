"""MaxPool2d and AvgPool2d: PyTorch over Hypothesis-drawn geometries (ties routed to the first
maximum, NaNs, count_include_pad), second order, gradient checks, layouts, dtypes, errors."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import autograd
import nn
import nn.functional as F
from autograd import Tensor

from _layouts import layouts


@st.composite
def pool_cases(draw, dilation=True):
    """(input shape, kernel, stride or None, padding, dilation) with a non-empty output and
    padding at most half the kernel, as PyTorch requires."""
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = draw(st.one_of(st.none(), st.tuples(st.integers(1, 3), st.integers(1, 3))))
    dil = (draw(st.integers(1, 2)), draw(st.integers(1, 2))) if dilation else (1, 1)
    padding = tuple(draw(st.integers(0, k // 2)) for k in kernel)
    size = [draw(st.integers(max(1, d * (k - 1) + 1 - 2 * p), d * (k - 1) + 7))
            for k, p, d in zip(kernel, padding, dil)]
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 3)), *size)
    return shape, kernel, stride, padding, dil


def _torch():
    return pytest.importorskip("torch", reason="PyTorch is the oracle for pooling")


def _check(ours, theirs, x, g, rtol=1e-12, atol=1e-12):
    torch = _torch()
    xa, xt = Tensor(x, requires_grad=True), torch.tensor(np.array(x), requires_grad=True)
    ya, yt = ours(xa), theirs(xt)
    np.testing.assert_allclose(ya.data, yt.detach().numpy(), rtol=rtol, atol=atol)
    if g is None:
        g = np.random.default_rng(1).standard_normal(ya.shape).astype(x.dtype)
    ya.backward(g)
    yt.backward(torch.from_numpy(np.array(g)))
    np.testing.assert_allclose(xa.grad.data, xt.grad.numpy(), rtol=rtol, atol=atol)
    return ya


@given(pool_cases(), st.integers(0, 2 ** 16))
def test_max_pool_matches_pytorch_with_ties(case, seed):
    torch = _torch()
    shape, kernel, stride, padding, dil = case
    # Few distinct values: many windows hold several maxima, all routed as PyTorch routes.
    x = np.random.default_rng(seed).integers(-2, 3, shape).astype(np.float64)
    # A window that holds only padding gives -inf here and in PyTorch, whose CPU kernel
    # then writes that window's gradient to an index outside it: no reference to follow.
    assume(np.isfinite(F.max_pool2d(np.ones(shape), kernel, stride, padding, dil).data).all())
    _check(nn.MaxPool2d(kernel, stride, padding, dil),
           torch.nn.MaxPool2d(kernel, stride, padding, dil), x, None)


@given(pool_cases(dilation=False), st.booleans(), st.integers(0, 2 ** 16))
def test_avg_pool_matches_pytorch(case, count_include_pad, seed):
    torch = _torch()
    shape, kernel, stride, padding, _ = case
    x = np.random.default_rng(seed).standard_normal(shape)
    _check(nn.AvgPool2d(kernel, stride, padding, count_include_pad=count_include_pad),
           torch.nn.AvgPool2d(kernel, stride, padding, count_include_pad=count_include_pad),
           x, None)


def test_max_pool_nan_is_the_maximum_and_the_last_nan_gets_the_gradient():
    torch = _torch()
    x = np.array([[[[1.0, np.nan, np.nan, 2.0], [3.0, 4.0, np.nan, 1.0]]]])
    y = _check(nn.MaxPool2d(2), torch.nn.MaxPool2d(2), x, np.ones((1, 1, 1, 2)))
    assert np.isnan(y.data).all()


@pytest.mark.parametrize("pool", ["max", "avg"])
def test_second_order_matches_pytorch(pool):
    torch = _torch()
    x = np.random.default_rng(0).standard_normal((2, 2, 7, 6))
    ours = nn.MaxPool2d(3, 2, 1) if pool == "max" else nn.AvgPool2d(3, 2, 1, count_include_pad=False)
    ref = torch.nn.MaxPool2d(3, 2, 1) if pool == "max" else torch.nn.AvgPool2d(
        3, 2, 1, count_include_pad=False)
    xa, xt = Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    (ga,) = autograd.grad((ours(xa) ** 3).sum(), [xa], create_graph=True)
    (gt,) = torch.autograd.grad((ref(xt) ** 3).sum(), [xt], create_graph=True)
    (ha,) = autograd.grad((ga ** 2).sum(), [xa])
    (ht,) = torch.autograd.grad((gt ** 2).sum(), [xt])
    np.testing.assert_allclose(ha.data, ht.numpy(), rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("fn", [
    lambda x: F.max_pool2d(x, 2),
    lambda x: F.max_pool2d(x, (3, 2), stride=(1, 2), padding=1, dilation=(1, 2)),
    lambda x: F.avg_pool2d(x, 3, 2, 1),
    lambda x: F.avg_pool2d(x, 3, 1, 1, False, False),
])
def test_gradcheck(fn):
    # Distinct, well separated values: no window has a tie for central differences to cross.
    x = np.random.default_rng(0).permutation(2 * 3 * 6 * 6).reshape(2, 3, 6, 6) * 0.1
    assert autograd.gradcheck(fn, [Tensor(x.astype(np.float64), requires_grad=True)])


@pytest.mark.parametrize("layout", ["C", "F", "strided", "negative"])
@pytest.mark.parametrize("pool", ["max", "avg"])
def test_memory_layouts_of_input_and_upstream_gradient(layout, pool):
    torch = _torch()
    x = np.random.default_rng(0).integers(-3, 4, (2, 3, 8, 7)).astype(np.float64)
    g = np.random.default_rng(1).standard_normal((2, 3, 4, 4))
    if pool == "max":
        ours, ref = nn.MaxPool2d(3, 2, 1), torch.nn.MaxPool2d(3, 2, 1)
    else:
        ours, ref = nn.AvgPool2d(3, 2, 1), torch.nn.AvgPool2d(3, 2, 1)
    _check(ours, ref, layouts(x)[layout], layouts(g)[layout])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtypes_and_unbatched_input(dtype):
    torch = _torch()
    x = np.random.default_rng(0).standard_normal((3, 6, 5)).astype(dtype)
    for ours, ref in ((nn.MaxPool2d(2), torch.nn.MaxPool2d(2)),
                      (nn.AvgPool2d(2, 1), torch.nn.AvgPool2d(2, 1))):
        y = _check(ours, ref, x, None, rtol=1e-6, atol=1e-6)
        assert y.dtype == dtype and y.ndim == 3


@pytest.mark.parametrize("make,error,words", [
    (lambda: nn.MaxPool2d(0), ValueError, "MaxPool2d: kernel_size"),
    (lambda: nn.MaxPool2d(2.5), TypeError, "MaxPool2d: kernel_size"),
    (lambda: nn.MaxPool2d(2, stride=0), ValueError, "MaxPool2d: stride"),
    (lambda: nn.MaxPool2d(2, padding=2), ValueError, "MaxPool2d: padding"),
    (lambda: nn.MaxPool2d(2, dilation=0), ValueError, "MaxPool2d: dilation"),
    (lambda: nn.AvgPool2d(3, padding=-1), ValueError, "AvgPool2d: padding"),
    (lambda: nn.AvgPool2d(3, padding=2), ValueError, "AvgPool2d: padding"),
    (lambda: nn.AvgPool2d(3, count_include_pad="no"), TypeError, "count_include_pad"),
    (lambda: nn.MaxPool2d(2, ceil_mode=True), ValueError, "MaxPool2d: ceil_mode=True"),
    (lambda: nn.MaxPool2d(2, return_indices=True), ValueError, "MaxPool2d: return_indices"),
    (lambda: nn.AvgPool2d(2, ceil_mode=True), ValueError, "AvgPool2d: ceil_mode=True"),
    (lambda: nn.AvgPool2d(2, divisor_override=3), ValueError, "AvgPool2d: divisor_override"),
])
def test_bad_constructor_arguments_are_named(make, error, words):
    with pytest.raises(error, match=words):
        make()


def test_shape_errors_name_the_op_and_shape():
    with pytest.raises(ValueError, match=r"max_pool2d.*\(1, 1, 2, 2\).*smaller than the "
                                         r"kernel 3x3"):
        nn.MaxPool2d(3)(np.zeros((1, 1, 2, 2)))
    with pytest.raises(ValueError, match=r"avg_pool2d.*\(4, 4\)"):
        nn.AvgPool2d(2)(np.zeros((4, 4)))
    with pytest.raises(TypeError, match="max_pool2d.*int64"):
        F.max_pool2d(np.zeros((1, 1, 4, 4), np.int64), 2)


@pytest.mark.parametrize("shape,kernel,stride,padding", [
    ((2, 3, 8, 6), 2, None, 0),  # windows tile the input exactly
    ((2, 3, 9, 7), 2, 3, 1),  # disjoint windows with gaps and padding
    ((2, 3, 7, 7), 3, 2, 1),  # overlapping windows
])
def test_max_pool_after_relu_and_infinite_upstream_gradients(shape, kernel, stride, padding):
    torch = _torch()
    # After ReLU many windows are all zeros: the whole window ties, the first zero wins.
    x = np.maximum(np.random.default_rng(0).standard_normal(shape), 0.0)
    ours, ref = nn.MaxPool2d(kernel, stride, padding), torch.nn.MaxPool2d(kernel, stride, padding)
    out_shape = tuple(ref(torch.from_numpy(x)).shape)
    g = np.random.default_rng(1).standard_normal(out_shape)
    _check(ours, ref, x, g)
    g[0, 0, 0, 0], g[-1, -1, -1, -1] = np.inf, -np.inf  # 0 · inf must not leak NaN
    _check(ours, ref, x, g)


def test_float16_pooling_keeps_dtype_and_max_is_exact():
    x = np.random.default_rng(0).standard_normal((2, 3, 6, 6)).astype(np.float16)
    xt = Tensor(x, requires_grad=True)
    y = F.max_pool2d(xt, 2)
    assert y.dtype == np.float16
    np.testing.assert_array_equal(y.data, x.reshape(2, 3, 3, 2, 3, 2).max(axis=(3, 5)))
    y.sum().backward()
    assert xt.grad.dtype == np.float16 and xt.grad.data.sum() == 2 * 3 * 3 * 3
    z = F.avg_pool2d(xt, 3, 1, 1)
    assert z.dtype == np.float16
