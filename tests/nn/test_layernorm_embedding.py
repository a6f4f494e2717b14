"""LayerNorm and Embedding: PyTorch over drawn shapes (forward, gradients, second order),
the fused LayerNorm against its composite, gradient checks, layouts, dtypes and errors."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
import nn
import nn.functional as F
from autograd import Tensor

from _layouts import layouts


def _torch(what):
    return pytest.importorskip("torch", reason=f"PyTorch is the oracle for {what}")


@st.composite
def layer_norm_cases(draw):
    batch = draw(st.lists(st.integers(1, 3), min_size=0, max_size=2))
    normalized = draw(st.lists(st.integers(1, 4), min_size=1, max_size=2))
    if sum(normalized) == len(normalized):  # a single value per sample: var 0, still valid
        normalized[-1] += draw(st.integers(0, 2))
    return tuple(batch + normalized), tuple(normalized)


@given(layer_norm_cases(), st.booleans(), st.booleans(), st.integers(0, 2 ** 16))
def test_layer_norm_matches_pytorch(case, affine, bias, seed):
    torch = _torch("LayerNorm")
    shape, normalized = case
    rng = np.random.default_rng(seed)
    ours = nn.LayerNorm(normalized, eps=1e-3, elementwise_affine=affine, bias=bias,
                        dtype=np.float64)
    ref = torch.nn.LayerNorm(normalized, eps=1e-3, elementwise_affine=affine, bias=bias,
                             dtype=torch.float64)
    if affine:  # non-trivial affine parameters, the same in both
        ours.weight.data = rng.standard_normal(normalized) + 1.0
        if bias:
            ours.bias.data = rng.standard_normal(normalized)
        ref.load_state_dict({k: torch.from_numpy(v) for k, v in ours.state_dict().items()})
    x = rng.standard_normal(shape) * 3 + 1
    g = rng.standard_normal(shape)
    xa, xt = Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ya, yt = ours(xa), ref(xt)
    np.testing.assert_allclose(ya.data, yt.detach().numpy(), rtol=1e-10, atol=1e-12)
    ya.backward(g)
    yt.backward(torch.from_numpy(g))
    np.testing.assert_allclose(xa.grad.data, xt.grad.numpy(), rtol=1e-9, atol=1e-11)
    for name, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.data, getattr(ref, name).grad.numpy(), rtol=1e-10,
                                   atol=1e-11)


def test_layer_norm_second_order_matches_pytorch():
    torch = _torch("LayerNorm")
    rng = np.random.default_rng(0)
    x, w, b = rng.standard_normal((3, 2, 4)), rng.standard_normal((2, 4)), rng.standard_normal(
        (2, 4))
    ins = [Tensor(a, requires_grad=True) for a in (x, w, b)]
    tins = [torch.tensor(a, requires_grad=True) for a in (x, w, b)]
    ga = autograd.grad((F.layer_norm(ins[0], (2, 4), ins[1], ins[2]) ** 3).sum(), ins,
                       create_graph=True)
    gt = torch.autograd.grad((torch.nn.functional.layer_norm(tins[0], (2, 4), tins[1],
                                                             tins[2]) ** 3).sum(), tins,
                             create_graph=True)
    ha = autograd.grad(sum((g * g).sum() for g in ga), ins)
    ht = torch.autograd.grad(sum((g * g).sum() for g in gt), tins)
    for a, t in zip(ha, ht):
        np.testing.assert_allclose(a.data, t.numpy(), rtol=1e-9, atol=1e-9)


def test_layer_norm_fused_op_matches_its_composite_and_gradcheck():
    rng = np.random.default_rng(1)
    x = Tensor(rng.standard_normal((4, 5)), requires_grad=True)
    w = Tensor(rng.standard_normal(5), requires_grad=True)
    b = Tensor(rng.standard_normal(5), requires_grad=True)
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    comp = (x - mean) / autograd.sqrt(var + 1e-5) * w + b
    fused = F.layer_norm(x, 5, w, b)
    np.testing.assert_allclose(fused.data, comp.data, rtol=1e-12, atol=1e-12)
    g = rng.standard_normal((4, 5))
    for a, c in zip(autograd.grad(fused, [x, w, b], g), autograd.grad(comp, [x, w, b], g)):
        np.testing.assert_allclose(a.data, c.data, rtol=1e-10, atol=1e-12)
    assert autograd.gradcheck(lambda x, w, b: F.layer_norm(x, (5,), w, b), [x, w, b])


@pytest.mark.parametrize("layout", ["C", "F", "strided", "negative"])
def test_layer_norm_layouts_and_float32(layout):
    torch = _torch("LayerNorm")
    rng = np.random.default_rng(2)
    x = rng.standard_normal((3, 4, 6)).astype(np.float32)
    g = rng.standard_normal((3, 4, 6)).astype(np.float32)
    ours, ref = nn.LayerNorm((4, 6)), torch.nn.LayerNorm((4, 6))
    xa = Tensor(layouts(x)[layout], requires_grad=True)
    xt = torch.tensor(x, requires_grad=True)
    ya, yt = ours(xa), ref(xt)
    assert ya.dtype == np.float32
    np.testing.assert_allclose(ya.data, yt.detach().numpy(), rtol=1e-5, atol=1e-5)
    ya.backward(layouts(g)[layout])
    yt.backward(torch.from_numpy(g))
    assert xa.grad.dtype == np.float32
    np.testing.assert_allclose(xa.grad.data, xt.grad.numpy(), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("make,error,words", [
    (lambda: nn.LayerNorm(0), ValueError, "LayerNorm: normalized_shape"),
    (lambda: nn.LayerNorm(2.5), TypeError, "LayerNorm: normalized_shape"),
    (lambda: nn.LayerNorm(()), TypeError, "LayerNorm: normalized_shape"),
    (lambda: nn.LayerNorm(4, eps=-1.0), ValueError, "LayerNorm: eps"),
    (lambda: nn.LayerNorm(4, eps="small"), TypeError, "LayerNorm: eps"),
    (lambda: nn.LayerNorm(4, elementwise_affine=1), TypeError, "elementwise_affine"),
])
def test_layer_norm_bad_arguments(make, error, words):
    with pytest.raises(error, match=words):
        make()


def test_layer_norm_shape_mismatch_names_op_and_shapes():
    with pytest.raises(ValueError, match=r"layer_norm.*\(4, 5\).*\(2, 3, 4\)"):
        nn.LayerNorm((4, 5))(np.zeros((2, 3, 4)))
    with pytest.raises(ValueError, match=r"layer_norm: weight of shape \(3,\)"):
        F.layer_norm(np.zeros((2, 4)), 4, np.ones(3))


def test_layer_norm_defaults_and_repr():
    layer = nn.LayerNorm([3, 2])
    assert layer.normalized_shape == (3, 2) and layer.eps == 1e-5
    assert np.all(layer.weight.data == 1) and np.all(layer.bias.data == 0)
    assert nn.LayerNorm(4, elementwise_affine=False).weight is None
    assert list(dict(layer.named_parameters())) == ["weight", "bias"]


# -- Embedding ---------------------------------------------------------------------------------
@given(st.integers(1, 8), st.integers(1, 5), st.lists(st.integers(1, 4), max_size=2),
       st.one_of(st.none(), st.integers(-8, 7)), st.integers(0, 2 ** 16))
def test_embedding_matches_pytorch(num, dim, index_shape, padding_idx, seed):
    torch = _torch("Embedding")
    if padding_idx is not None and not -num <= padding_idx < num:
        padding_idx = None
    rng = np.random.default_rng(seed)
    ours = nn.Embedding(num, dim, padding_idx, dtype=np.float64)
    ref = torch.nn.Embedding(num, dim, padding_idx, dtype=torch.float64)
    ref.load_state_dict({k: torch.from_numpy(v) for k, v in ours.state_dict().items()})
    idx = rng.integers(0, num, tuple(index_shape))
    g = rng.standard_normal(tuple(index_shape) + (dim,))
    ya, yt = ours(idx), ref(torch.from_numpy(idx))
    np.testing.assert_array_equal(ya.data, yt.detach().numpy())
    ya.backward(g)
    yt.backward(torch.from_numpy(g))
    np.testing.assert_allclose(ours.weight.grad.data, ref.weight.grad.numpy(), rtol=1e-12,
                               atol=1e-12)
    if padding_idx is not None:
        assert np.all(ours.weight.data[padding_idx] == 0)
        assert np.all(ours.weight.grad.data[padding_idx] == 0)


def test_embedding_init_is_standard_normal_and_gradcheck():
    autograd.manual_seed(0)
    layer = nn.Embedding(400, 50)
    assert layer.weight.dtype == np.float32
    assert abs(layer.weight.data.mean()) < 0.02 and abs(layer.weight.data.std() - 1) < 0.02
    w = Tensor(np.random.default_rng(0).standard_normal((5, 3)), requires_grad=True)
    idx = np.array([[0, 4, 4], [2, 0, 1]])
    assert autograd.gradcheck(lambda w: F.embedding(idx, w), [w])
    # With padding_idx the padding row is held constant, as in PyTorch: no gradient there.
    w.grad = None
    F.embedding(idx, w, padding_idx=4).sum().backward()
    assert np.all(w.grad.data[4] == 0) and np.all(w.grad.data[0] == 2)


def test_embedding_second_order_and_layouts():
    w = Tensor(np.random.default_rng(0).standard_normal((6, 3)), requires_grad=True)
    idx = np.array([[1, 5, 1, 0]])
    (g,) = autograd.grad((F.embedding(idx, w) ** 3).sum(), [w], create_graph=True)
    (h,) = autograd.grad(g.sum(), [w])  # d/dw Σ 3 (count) w² = 6 count w on used rows
    counts = np.bincount(idx.ravel(), minlength=6)[:, None]
    np.testing.assert_allclose(h.data, 6 * counts * w.data, rtol=1e-12)
    for name, arr in layouts(np.array([[3, 1], [0, 2], [5, 5]])).items():
        np.testing.assert_array_equal(F.embedding(arr, w).data, w.data[np.array(arr)],
                                      err_msg=name)


def test_embedding_from_pretrained():
    weights = np.arange(6, dtype=np.float64).reshape(3, 2)
    layer = nn.Embedding.from_pretrained(weights)
    assert not layer.weight.requires_grad and layer.weight.dtype == np.float64
    np.testing.assert_array_equal(layer(np.array([2, 0])).data, [[4, 5], [0, 1]])
    assert nn.Embedding.from_pretrained(weights, freeze=False).weight.requires_grad


@pytest.mark.parametrize("make,error,words", [
    (lambda: nn.Embedding(0, 3), ValueError, "Embedding: num_embeddings"),
    (lambda: nn.Embedding(3, 2.0), TypeError, "Embedding: embedding_dim"),
    (lambda: nn.Embedding(3, 2, padding_idx=3), ValueError, "Embedding: padding_idx"),
    (lambda: nn.Embedding(3, 2, padding_idx=-4), ValueError, "Embedding: padding_idx"),
    (lambda: nn.Embedding(3, 2, padding_idx=1.0), TypeError, "Embedding: padding_idx"),
])
def test_embedding_bad_arguments(make, error, words):
    with pytest.raises(error, match=words):
        make()


def test_embedding_bad_indices_are_refused_never_wrapped():
    layer = nn.Embedding(4, 2)
    with pytest.raises(IndexError, match=r"embedding: index 4 .*\(4, 2\)"):
        layer(np.array([0, 4]))
    with pytest.raises(IndexError, match="embedding: index -1"):
        layer(np.array([-1, 2]))
    with pytest.raises(TypeError, match="embedding: indices must be integers.*float"):
        layer(np.array([0.0, 1.0]))
