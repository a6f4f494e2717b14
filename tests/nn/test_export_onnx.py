"""nn.export_onnx: exported layers and models run in ONNX Runtime with our outputs."""
from __future__ import annotations

import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
import nn
from autograd import Function, Tensor
from nn.export._verify import run_graph

onnx = pytest.importorskip("onnx", reason="ONNX export tests need the export extra: "
                                          "pip install \".[export]\"")
ort = pytest.importorskip("onnxruntime", reason="ONNX export tests run the model in ONNX "
                                                "Runtime: pip install \".[export]\"")


def run_onnx(path, x):
    """ONNX Runtime's output, or the reference evaluator's where the runtime has no float64
    kernel (Erf)."""
    return run_graph(onnx.load(str(path)), x)


def ours(model, x):
    with autograd.no_grad():
        return model(Tensor(x)).data


def roundtrip(model, example, tmp_path, batches=(1, 3, 8), rtol=1e-5, atol=1e-6, **kw):
    """Export on `example`, check the file, then compare on new batches of other sizes."""
    path = tmp_path / "model.onnx"
    modes = [m.training for m in model.modules()]
    nn.export_onnx(model, example, path, **kw)
    assert [m.training for m in model.modules()] == modes  # each module's mode restored
    onnx.checker.check_model(onnx.load(str(path)), full_check=True)
    model.eval()
    rng = np.random.default_rng(7)
    for n in batches:
        if example.dtype.kind == "f":
            x = rng.normal(size=(n,) + example.shape[1:]).astype(example.dtype) * 2
        else:
            x = rng.integers(0, int(example.max()) + 1, size=(n,) + example.shape[1:])
            x = x.astype(example.dtype)
        got, want = run_onnx(path, x), ours(model, x)
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=rtol, atol=atol)
    return onnx.load(str(path))


def op_types(proto):
    return [n.op_type for n in proto.graph.node]


def warm_batchnorm(model, shape, steps=3):
    """Train-mode passes so that the running statistics are not the initial (0, 1)."""
    model.train()
    rng = np.random.default_rng(0)
    for _ in range(steps):
        model(Tensor((rng.normal(size=shape) * 3 + 1).astype(np.float32)))


def test_mlp_with_dense_linear_batchnorm_dropout(tmp_path):
    autograd.manual_seed(0)
    model = nn.Sequential(nn.Dense(6, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Dropout(0.4),
                          nn.Linear(16, 8), nn.Tanh(), nn.Dropout(0.2), nn.Dense(8, 3))
    warm_batchnorm(model, (32, 6))
    example = np.random.default_rng(1).normal(size=(5, 6)).astype(np.float32)
    proto = roundtrip(model, example, tmp_path)
    assert "BatchNormalization" in op_types(proto) and "Dropout" not in op_types(proto)
    names = {i.name for i in proto.graph.initializer}
    assert {"0.weight", "0.bias", "1.running_mean", "1.running_var", "4.weight"} <= names
    batch = proto.graph.input[0].type.tensor_type.shape.dim[0]
    assert batch.dim_param == "batch"
    assert proto.graph.output[0].type.tensor_type.shape.dim[0].dim_param == "batch"


def test_modes_restored_module_by_module(tmp_path):
    model = nn.Sequential(nn.Dense(3, 2), nn.BatchNorm1d(2))
    model[1].eval()
    nn.export_onnx(model, np.ones((2, 3), np.float32), tmp_path / "m.onnx")
    assert model.training and model[0].training and not model[1].training
    model.eval()
    nn.export_onnx(model, np.ones((2, 3), np.float32), tmp_path / "m.onnx")
    assert not any(m.training for m in model.modules())


def _activations():
    mods = [getattr(nn, name)() for name in nn.activation.__all__
            if name not in ("LeakyReLU", "ELU", "Softplus", "GELU", "Softmax", "LogSoftmax")]
    mods += [nn.LeakyReLU(), nn.LeakyReLU(0.3), nn.ELU(), nn.ELU(0.5), nn.Softplus(),
             nn.Softplus(beta=2.0, threshold=3.0), nn.GELU(), nn.GELU("tanh"),
             nn.Softmax(axis=-1), nn.Softmax(axis=1), nn.LogSoftmax(axis=-1),
             nn.LogSoftmax(axis=0)]
    return mods


@pytest.mark.parametrize("act", _activations(), ids=repr)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_every_activation(act, dtype, tmp_path):
    model = nn.Sequential(nn.Linear(4, 6, dtype=dtype), act)
    example = (np.random.default_rng(2).normal(size=(4, 4)) * 4).astype(dtype)
    if getattr(act, "axis", None) == 0:  # over the batch: compare at the example's size
        roundtrip(model, example, tmp_path, batches=(2, 5))
        return
    roundtrip(model, example, tmp_path)


def test_every_activation_module_is_covered():
    covered = {type(m) for m in _activations()}
    assert {getattr(nn, name) for name in nn.activation.__all__} <= covered


def test_maxout(tmp_path):
    autograd.manual_seed(3)
    model = nn.Sequential(nn.Maxout(5, 4, pieces=3), nn.Maxout(4, 2))
    roundtrip(model, np.ones((2, 5), np.float32) * np.arange(5, dtype=np.float32), tmp_path)


def test_convnet(tmp_path):
    autograd.manual_seed(4)
    model = nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 8, 3, padding="same", groups=2), nn.BatchNorm2d(8), nn.ELU(),
        nn.AvgPool2d(2), nn.Conv2d(8, 4, 2, stride=1, dilation=2), nn.Flatten(),
        nn.Linear(4, 10), nn.LogSoftmax(axis=-1),
    )
    warm_batchnorm(model, (8, 3, 12, 12))
    example = np.random.default_rng(5).normal(size=(2, 3, 12, 12)).astype(np.float32)
    proto = roundtrip(model, example, tmp_path, batches=(1, 5))
    for op in ("Conv", "BatchNormalization", "MaxPool", "AveragePool", "Reshape", "Gemm"):
        assert op in op_types(proto)


def test_pooling_options_and_even_same_padding(tmp_path):
    autograd.manual_seed(6)
    model = nn.Sequential(
        nn.Conv2d(2, 3, 4, padding="same"), nn.MaxPool2d(3, stride=2, padding=1, dilation=1),
        nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False),
        nn.AvgPool2d(2, padding=1), nn.Flatten(), nn.Dense(3 * 4 * 4, 2),
    )
    example = np.random.default_rng(8).normal(size=(3, 2, 11, 11)).astype(np.float32)
    proto = roundtrip(model, example, tmp_path)
    assert "Pad" in op_types(proto)  # the odd part of "same" padding for an even kernel


def test_layernorm_and_embedding(tmp_path):
    autograd.manual_seed(9)
    model = nn.Sequential(nn.Embedding(10, 6), nn.LayerNorm(6), nn.Flatten(),
                          nn.Linear(18, 2))
    example = np.array([[1, 2, 3], [9, 0, 4]], dtype=np.int64)
    proto = roundtrip(model, example, tmp_path)
    assert {"Gather", "LayerNormalization"} <= set(op_types(proto))


def test_float64_model(tmp_path):
    model = nn.Sequential(nn.Dense(3, 4, dtype=np.float64), nn.Sigmoid())
    proto = roundtrip(model, np.ones((2, 3)), tmp_path, rtol=1e-12, atol=1e-14)
    assert proto.graph.input[0].type.tensor_type.elem_type == onnx.TensorProto.DOUBLE


class Cube(Function):
    def forward(ctx, x):
        return x ** 3

    def backward(ctx, g):
        return g


class Cubed(nn.Module):
    def forward(self, x):
        return Cube.apply(x)


def test_unmapped_op_names_the_op_and_module(tmp_path):
    model = nn.Sequential(nn.Dense(3, 3), Cubed())
    with pytest.raises(nn.ExportError, match=r"Cube.*#2 of 2.*module '1' \(Cubed\)"):
        nn.export_onnx(model, np.ones((2, 3), np.float32), tmp_path / "m.onnx")
    assert not (tmp_path / "m.onnx").exists()
    assert issubclass(nn.ExportError, RuntimeError)


def test_batch_statistics_in_eval_are_refused(tmp_path):
    model = nn.Sequential(nn.BatchNorm1d(3, track_running_stats=False))
    with pytest.raises(nn.ExportError, match="BatchNormOp.*BatchNorm1d"):
        nn.export_onnx(model, np.ones((2, 3), np.float32), tmp_path / "m.onnx")


class Peeks(nn.Module):
    """Computes a value from x.data with NumPy: invisible to the trace."""

    def forward(self, x):
        return x * Tensor(x.data.max())


def test_value_baked_from_data_is_caught(tmp_path):
    with pytest.raises(nn.ExportError, match="baked in as a constant"):
        nn.export_onnx(Peeks(), np.arange(6, dtype=np.float32).reshape(2, 3),
                       tmp_path / "m.onnx")


class MergesBatch(nn.Module):
    def forward(self, x):
        return x.reshape(-1)


def test_reshape_across_the_batch_axis_raises(tmp_path):
    with pytest.raises(nn.ExportError, match=r"Reshape.*batch axis"):
        nn.export_onnx(MergesBatch(), np.ones((2, 3), np.float32), tmp_path / "m.onnx")


@pytest.mark.parametrize("bad", [np.ones((1, 3), np.float32), np.float32(1.0)])
def test_example_needs_two_rows(bad, tmp_path):
    with pytest.raises(ValueError, match="at least 2 rows"):
        nn.export_onnx(nn.Dense(3, 2), bad, tmp_path / "m.onnx")


@pytest.mark.parametrize("opset", [12, 99, "17"])
def test_opset_checked(opset, tmp_path):
    with pytest.raises(ValueError, match="opset"):
        nn.export_onnx(nn.Dense(3, 2), np.ones((2, 3), np.float32), tmp_path / "m.onnx",
                       opset=opset)


@pytest.mark.parametrize("opset", [13, 17, 18, 20])
def test_opsets(opset, tmp_path):
    model = nn.Sequential(nn.Linear(4, 5), nn.GELU(), nn.Linear(5, 3), nn.Softmax())
    proto = roundtrip(model, np.ones((2, 4), np.float32), tmp_path, opset=opset)
    assert proto.opset_import[0].version == opset


def test_missing_onnx_says_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "onnx", None)
    with pytest.raises(ImportError, match=r'pip install "\.\[export\]"'):
        nn.export_onnx(nn.Dense(3, 2), np.ones((2, 3), np.float32), tmp_path / "m.onnx")


@settings(max_examples=8)
@given(widths=st.lists(st.integers(1, 7), min_size=2, max_size=4),
       n=st.integers(2, 6), m=st.integers(1, 9), layer=st.sampled_from(["dense", "linear"]))
def test_random_mlps(widths, n, m, layer, tmp_path_factory):
    autograd.manual_seed(sum(widths))
    make = nn.Dense if layer == "dense" else nn.Linear
    layers = []
    for a, b in zip(widths, widths[1:]):
        layers += [make(a, b), nn.BatchNorm1d(b), nn.SiLU()]
    model = nn.Sequential(*layers)
    warm_batchnorm(model, (8, widths[0]))
    example = np.random.default_rng(n).normal(size=(n, widths[0])).astype(np.float32)
    roundtrip(model, example, tmp_path_factory.mktemp("mlp"), batches=(m,))


def test_readme_export_example_runs(tmp_path, monkeypatch):
    import pathlib
    import re

    readme = (pathlib.Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Export"):]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    monkeypatch.chdir(tmp_path)
    printed = []
    exec(compile(code, "README.md", "exec"), {"print": lambda *a: printed.append(a)})
    assert printed == [((5, 3), True)]


@pytest.mark.parametrize("kind", ["list", "fortran", "strided", "tensor_requires_grad",
                                  "negative_strides"])
def test_example_input_layouts(kind, tmp_path):
    autograd.manual_seed(11)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    base = np.random.default_rng(3).normal(size=(6, 6)).astype(np.float32)
    example = {
        "list": base[:3, :3].tolist(),
        "fortran": np.asfortranarray(base[:4, :3]),
        "strided": base[::2, ::2],
        "tensor_requires_grad": Tensor(base[:2, :3], requires_grad=True),
        "negative_strides": base[::-1, 2::-1],
    }[kind]
    path = tmp_path / "m.onnx"
    nn.export_onnx(model, example, path)
    x = np.asarray(example.data if isinstance(example, Tensor) else example, np.float32)
    np.testing.assert_allclose(run_onnx(path, np.ascontiguousarray(x)), ours(model, x),
                               rtol=1e-5, atol=1e-6)


def test_model_must_be_a_module(tmp_path):
    with pytest.raises(TypeError, match="nn.Module"):
        nn.export_onnx(lambda x: x, np.ones((2, 3), np.float32), tmp_path / "m.onnx")


def test_nested_module_names_in_the_error(tmp_path):
    model = nn.Sequential(nn.Dense(3, 3), nn.Sequential(nn.ReLU(), Cubed()))
    with pytest.raises(nn.ExportError, match=r"module '1\.1' \(Cubed\)"):
        nn.export_onnx(model, np.ones((2, 3), np.float32), tmp_path / "m.onnx")


def test_unflatten_dropout2d_dropconnect(tmp_path):
    autograd.manual_seed(12)
    model = nn.Sequential(
        nn.DropConnect(nn.Dense(12, 48), p=0.3), nn.Unflatten(1, (3, 4, 4)),
        nn.Dropout2d(0.5), nn.Conv2d(3, 2, 3), nn.Flatten(), nn.Dense(8, 2),
    )
    example = np.random.default_rng(13).normal(size=(3, 12)).astype(np.float32)
    proto = roundtrip(model, example, tmp_path)
    assert "Dropout" not in op_types(proto)


def test_float16_model(tmp_path):
    autograd.manual_seed(14)
    model = nn.Sequential(nn.Linear(4, 5, dtype=np.float16), nn.GELU(),
                          nn.BatchNorm1d(5, dtype=np.float16), nn.Softmax())
    example = np.random.default_rng(15).normal(size=(3, 4)).astype(np.float16)
    proto = roundtrip(model, example, tmp_path, rtol=2e-3, atol=2e-3)
    assert proto.graph.output[0].type.tensor_type.elem_type == onnx.TensorProto.FLOAT16


class SideValue(nn.Module):
    """Computes a value the output does not use, with an op that has no mapping."""

    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(3, 2)

    def forward(self, x):
        self.unused = Cube.apply(x)
        return self.lin(x)


def test_values_the_output_does_not_use_are_dropped(tmp_path):
    proto = roundtrip(SideValue(), np.ones((2, 3), np.float32), tmp_path)
    assert op_types(proto) == ["Gemm", "Identity"]
