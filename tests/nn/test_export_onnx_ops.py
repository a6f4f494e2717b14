"""nn.export_onnx on autograd's ops written by hand in a forward: each maps to ONNX nodes that
give our outputs at other batch sizes."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
import nn
from autograd import Tensor

onnx = pytest.importorskip("onnx", reason="ONNX export tests need the export extra: "
                                          "pip install \".[export]\"")
pytest.importorskip("onnxruntime", reason="ONNX export tests run the model in ONNX Runtime: "
                                          "pip install \".[export]\"")

from nn.export._verify import run_graph  # noqa: E402


class Fn(nn.Module):
    """A module around a function of x, with one parameter `w` of shape (3,)."""

    def __init__(self, fn, name):
        super().__init__()
        self.fn, self.name = fn, name
        self.w = nn.Parameter(np.array([0.5, -1.5, 2.0], np.float32))

    def forward(self, x):
        return self.fn(x, self.w)

    def extra_repr(self):
        return self.name


C = np.array([[1.0], [2.0], [-1.0]], np.float32)  # a constant (3, 1)

CASES = {
    "arith": lambda x, w: (x + w) * 2 - w / 3 + 1 / (x * x + 1) - (-x) ** 2,
    "pow_param": lambda x, w: abs(x) ** abs(w),
    "unary": lambda x, w: autograd.exp(x * 0.1) + autograd.log(abs(x) + 1)
    + autograd.sqrt(abs(x)) + autograd.sin(x) + autograd.cos(x) + autograd.erf(x)
    + autograd.log1p(abs(x)) + autograd.expm1(x * 0.1) + autograd.sigmoid(x) + x.relu(),
    "clip": lambda x, w: x.clip(-0.5, 0.7) + x.clip(lo=0.1) + x.clip(hi=w),
    "max_min": lambda x, w: autograd.maximum(x, w) - autograd.minimum(x, 0.2),
    "where": lambda x, w: autograd.where(np.array([True, False, True]), x, w),
    "reduce": lambda x, w: x.sum(axis=1) + x.mean(axis=-1) + x.max(axis=1) - x.min(axis=1),
    "reduce_keep": lambda x, w: x - x.mean(axis=1, keepdims=True) + x.sum(axis=(1,),
                                                                         keepdims=True),
    "moments": lambda x, w: x.var(axis=1) + x.std(axis=1, ddof=1) + x.var(axis=1, ddof=1),
    "logsumexp": lambda x, w: x.logsumexp(axis=1) + x.logsumexp(axis=1, keepdims=True)[:, 0],
    "matmul": lambda x, w: x @ C + x.dot(C) + autograd.matmul(x, w),
    "shape": lambda x, w: x.reshape(-1, 3, 1).transpose(0, 2, 1).squeeze(1)
    + x.expand_dims(1).swapaxes(1, 2)[:, :, 0],
    "broadcast": lambda x, w: x[:, :1].broadcast_to(x.shape) + w.broadcast_to((2, 3))[0],
    "concat_stack": lambda x, w: autograd.concatenate(
        [x, autograd.stack([x, x * w], axis=1).sum(axis=1)], axis=1),
    "split": lambda x, w: sum(autograd.split(autograd.concatenate([x, x], axis=1), 2, axis=1)),
    "index": lambda x, w: x[:, 1:].sum(axis=1) + x[:, ::-1][:, 0] + x[..., 2]
    + x[:, None, 0][:, 0] + x[:, -1] + x[:, -2::-1].sum(axis=1),
    "cast": lambda x, w: x.astype(np.float64).exp().astype(np.float32),
    "numpy_funcs": lambda x, w: np.tanh(x) + np.square(x) + np.mean(x, axis=1, keepdims=True),
    "elementwise": lambda x, w: autograd.tan(x * 0.5) + autograd.arcsin(x * 0.1)
    + autograd.arccos(x * 0.1) + autograd.arctan(x) + autograd.sinh(x) + autograd.cosh(x)
    + autograd.reciprocal(abs(x) + 1) + autograd.rsqrt(abs(x) + 1) + autograd.square(x),
    "rounding": lambda x, w: autograd.sign(x) + autograd.floor(x * 3) + autograd.ceil(x * 3)
    + autograd.round(x * 3),
    "rsub_rdiv": lambda x, w: 1 - x + 2 / (abs(x) + 1) + 2 ** x,
    "stack_batch_last": lambda x, w: autograd.stack([x, x + 1], axis=-1).reshape(-1, 6),
    "concat_batch": lambda x, w: autograd.concatenate([x, x * 2], axis=0),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_op_maps(name, tmp_path):
    model = Fn(CASES[name], name)
    example = np.random.default_rng(0).normal(size=(4, 3)).astype(np.float32)
    path = tmp_path / "m.onnx"
    nn.export_onnx(model, example, path)
    proto = onnx.load(str(path))
    onnx.checker.check_model(proto, full_check=True)
    for n in (2, 5):
        x = np.random.default_rng(n).normal(size=(n, 3)).astype(np.float32)
        with autograd.no_grad():
            want = model(Tensor(x)).data
        got = run_graph(proto, x)
        assert got.shape == want.shape and got.dtype == want.dtype
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("fn, what", [
    (lambda x, w: x[:1], "batch axis"),
    (lambda x, w: autograd.split(x, 2, axis=0)[0], "batch"),
    (lambda x, w: x[np.array([0, 1])], "index array"),
    (lambda x, w: x.var(axis=0, ddof=1), "ddof"),
])
def test_batch_dependent_ops_raise(fn, what, tmp_path):
    with pytest.raises(nn.ExportError, match=what):
        nn.export_onnx(Fn(fn, what), np.ones((4, 3), np.float32), tmp_path / "m.onnx")


@settings(max_examples=10)
@given(n=st.integers(2, 5), m=st.integers(1, 6), axis=st.sampled_from([1, -1, (1,), None]),
       keep=st.booleans(), op=st.sampled_from(["sum", "mean", "max", "min", "logsumexp"]))
def test_reductions_property(n, m, axis, keep, op, tmp_path_factory):
    def fn(x, w):
        y = getattr(x, op)(axis=axis, keepdims=keep)
        return y if axis is not None else x * y  # all axes, the batch's too: still dynamic

    model = Fn(fn, op)
    rng = np.random.default_rng(n * 10 + m)
    path = tmp_path_factory.mktemp("red") / "m.onnx"
    example = rng.normal(size=(n, 3)).astype(np.float32)
    nn.export_onnx(model, example, path)
    x = rng.normal(size=(m, 3)).astype(np.float32)
    with autograd.no_grad():
        want = model(Tensor(x)).data
    np.testing.assert_allclose(run_graph(onnx.load(str(path)), x), want, rtol=1e-5,
                               atol=1e-5)
