"""nn given careless or hostile input: constructors check their arguments when called, layers
refuse non-float input, losses refuse inputs PyTorch refuses, and float16 normalises as
PyTorch does (statistics in float32)."""
from __future__ import annotations

import math

import numpy as np
import pytest

import nn
from autograd import Tensor
from nn import functional as F
from nn.dropout import dropout

NAN = math.nan

CONSTRUCTORS = [
    (lambda: nn.BatchNorm1d(3, eps=-1), ValueError, "BatchNorm1d: eps must be >= 0"),
    (lambda: nn.BatchNorm1d(0), ValueError, "BatchNorm1d: num_features must be a positive"),
    (lambda: nn.BatchNorm1d(-1), ValueError, "BatchNorm1d: num_features.*-1"),
    (lambda: nn.BatchNorm1d(2.5), TypeError, "BatchNorm1d: num_features.*2.5"),
    (lambda: nn.BatchNorm1d(3, momentum=1.5), ValueError, "BatchNorm1d: momentum"),
    (lambda: nn.BatchNorm1d(3, affine="yes"), TypeError, "BatchNorm1d: affine must be a bool"),
    (lambda: nn.BatchNorm1d(3, dtype=np.int64), TypeError, "BatchNorm1d: dtype"),
    (lambda: nn.HuberLoss(delta=NAN), ValueError, "HuberLoss: delta must be a finite"),
    (lambda: nn.HuberLoss(delta=0.0), ValueError, "HuberLoss: delta must be > 0"),
    (lambda: nn.SmoothL1Loss(beta=-1.0), ValueError, "SmoothL1Loss: beta must be >= 0"),
    (lambda: nn.LeakyReLU("a"), TypeError, "LeakyReLU: negative_slope must be a real number"),
    (lambda: nn.ELU(alpha=None), TypeError, "ELU: alpha must be a real number.*None"),
    (lambda: nn.Softplus(beta="2"), TypeError, "Softplus: beta"),
    (lambda: nn.Softmax(axis=1.5), TypeError, "Softmax: axis must be an int"),
    (lambda: nn.GELU(approximate=None), ValueError, "GELU: approximate"),
    (lambda: nn.CrossEntropyLoss(label_smoothing=1.5), ValueError,
     "CrossEntropyLoss: label_smoothing must be in"),
    (lambda: nn.CrossEntropyLoss(reduction="avg"), ValueError, "CrossEntropyLoss: reduction"),
    (lambda: nn.CrossEntropyLoss(reduction=None), TypeError, "CrossEntropyLoss: reduction"),
    (lambda: nn.CrossEntropyLoss(weight="abc"), TypeError, "CrossEntropyLoss: weight"),
    (lambda: nn.NLLLoss(ignore_index=0.5), TypeError, "NLLLoss: ignore_index must be an int"),
    (lambda: nn.BCEWithLogitsLoss(pos_weight=[1.0, NAN]), ValueError,
     "BCEWithLogitsLoss: pos_weight holds NaN"),
    (lambda: nn.KLDivLoss(log_target="no"), TypeError, "KLDivLoss: log_target must be a bool"),
    (lambda: nn.PoissonNLLLoss(eps=-1.0), ValueError, "PoissonNLLLoss: eps"),
    (lambda: nn.MultiMarginLoss(p=1.0), TypeError, "MultiMarginLoss: p"),
    (lambda: nn.CosineEmbeddingLoss(margin="0"), TypeError, "CosineEmbeddingLoss: margin"),
    (lambda: nn.Dense(2.5, 3), TypeError, "Dense: in_features must be a positive int"),
    (lambda: nn.Dense(2, 3, bias="no"), TypeError, "Dense: bias must be a bool"),
    (lambda: nn.Dense(2, 3, dtype="int32"), TypeError, "Dense: dtype"),
    (lambda: nn.Dropout("0.5"), TypeError, "Dropout: drop probability p must be a real"),
    (lambda: nn.Dropout(NAN), ValueError, "Dropout: drop probability p"),
    (lambda: nn.Maxout(3, 2, pieces=0), ValueError, "Maxout: pieces"),
]


@pytest.mark.parametrize("make, error, pattern", CONSTRUCTORS)
def test_constructors_check_arguments_when_called(make, error, pattern):
    with pytest.raises(error, match=pattern):
        make()


def _torch():
    return pytest.importorskip("torch", reason="PyTorch is the oracle for this check")


BAD_LOSS_INPUTS = [
    ("binary_cross_entropy", "target", [0.5, 0.5], [2.0, 0.5]),
    ("binary_cross_entropy", "target", [0.5, 0.5], [-0.1, 0.5]),
    ("binary_cross_entropy", "target", [0.5, 0.5], [NAN, 0.5]),
    ("binary_cross_entropy", "input", [NAN, 0.5], [1.0, 0.5]),
    ("binary_cross_entropy", "input", [1.5, 0.5], [1.0, 0.5]),
    ("kl_div", "target", [-1.0, -2.0], [-0.5, 0.5]),
]


@pytest.mark.parametrize("fn, which, x, t", BAD_LOSS_INPUTS)
def test_bad_loss_inputs_are_refused(fn, which, x, t):
    x, t = np.array(x), np.array(t)
    with pytest.raises(ValueError, match=f"{fn}: {which} must"):
        getattr(F, fn)(Tensor(x), Tensor(t))
    module = {"binary_cross_entropy": nn.BCELoss, "kl_div": nn.KLDivLoss}[fn]()
    with pytest.raises(ValueError, match=which):
        module(Tensor(x), Tensor(t))


def test_bce_refusals_match_pytorch():
    torch = _torch()
    for fn, _, x, t in BAD_LOSS_INPUTS:
        if fn == "binary_cross_entropy":  # PyTorch returns NaN for negative KL targets
            with pytest.raises(RuntimeError, match="between 0 and 1"):
                torch.nn.functional.binary_cross_entropy(torch.tensor(x), torch.tensor(t))


NON_FLOAT_INPUTS = [
    (lambda x: nn.Dense(3, 2)(x), "Dense"),
    (lambda x: nn.Dropout()(x), "Dropout"),
    (lambda x: nn.Dropout().eval()(x), "Dropout"),
    (lambda x: dropout(x), "dropout"),
]


@pytest.mark.parametrize("call, owner", NON_FLOAT_INPUTS)
@pytest.mark.parametrize("bad", [np.arange(3), np.array(["a", "b", "c"]), "abc", [1, 2, 3],
                                 None, {"x": 1}, Tensor(np.arange(3))],
                         ids=["int-array", "str-array", "str", "int-list", "None", "dict",
                              "int-Tensor"])
def test_layers_refuse_non_float_input(call, owner, bad):
    with pytest.raises(TypeError, match=f"{owner}: the input"):
        call(bad)


def test_non_float_input_is_refused_by_pytorch_too():
    torch = _torch()
    with pytest.raises(RuntimeError):
        torch.nn.Linear(3, 2)(torch.arange(3))
    with pytest.raises(RuntimeError):
        torch.nn.Dropout()(torch.arange(3))


@pytest.mark.parametrize("fill", [nn.init.kaiming_normal_, nn.init.kaiming_uniform_,
                                  nn.init.xavier_normal_, nn.init.xavier_uniform_,
                                  nn.init.lecun_normal_, nn.init.normal_, nn.init.uniform_])
def test_random_inits_refuse_integer_arrays(fill):
    w = np.zeros((3, 3), dtype=np.int64)
    with pytest.raises(TypeError, match=f"nn.init.{fill.__name__}: cannot fill.*int64"):
        fill(w)
    assert not w.any()
    nn.init.constant_(w, 2)  # a constant fill is exact, so it stays allowed
    assert (w == 2).all()


BAD_STATES = [
    (None, TypeError, "Dense.load_state_dict expects a dict.*NoneType"),
    ("weights", TypeError, "Dense.load_state_dict expects a dict.*str"),
    ([("weight", np.zeros((3, 2)))], TypeError, "expects a dict.*list"),
    ({"weight": object(), "bias": np.zeros(2)}, RuntimeError, "weight: expected an array.*object"),
    ({"weight": "abc", "bias": np.zeros(2)}, RuntimeError, "weight: expected an array.*str"),
    ({"weight": np.full((3, 2), "x"), "bias": np.zeros(2)}, RuntimeError, "dtype <U1"),
    ({"weight": None, "bias": np.zeros(2)}, RuntimeError, "weight: expected an array"),
]


@pytest.mark.parametrize("state, error, pattern", BAD_STATES)
def test_load_state_dict_refuses_non_arrays_and_changes_nothing(state, error, pattern):
    layer = nn.Dense(3, 2)
    before = layer.weight.data.copy()
    with pytest.raises(error, match=pattern):
        layer.load_state_dict(state)
    np.testing.assert_array_equal(layer.weight.data, before)


@pytest.mark.parametrize("bad", [NAN, math.inf], ids=["nan", "inf"])
@pytest.mark.parametrize("norm_type", [2.0, 1.0, math.inf])
def test_clip_grad_norm_with_a_nonfinite_gradient_matches_pytorch(bad, norm_type):
    torch = _torch()
    grads = [np.array([bad, 1.0, 2.0]), np.array([3.0, 4.0])]
    ours = [Tensor(np.ones(3), requires_grad=True), Tensor(np.ones(2), requires_grad=True)]
    theirs = [torch.ones(3, dtype=torch.float64, requires_grad=True),
              torch.ones(2, dtype=torch.float64, requires_grad=True)]
    for p, q, g in zip(ours, theirs, grads):
        p.grad, q.grad = Tensor(g.copy()), torch.tensor(g)
    total = nn.utils.clip_grad_norm_(ours, 1.0, norm_type=norm_type)
    expected = torch.nn.utils.clip_grad_norm_(theirs, 1.0, norm_type=norm_type)
    np.testing.assert_array_equal(total.data, expected.numpy())
    for p, q in zip(ours, theirs):
        np.testing.assert_allclose(p.grad.data, q.grad.numpy(), rtol=1e-12, equal_nan=True)


UTILS = [
    (lambda: nn.utils.clip_grad_norm_(3.0, 1.0), TypeError, "clip_grad_norm_: params"),
    (lambda: nn.utils.clip_grad_norm_([Tensor(np.ones(2))], "1"), TypeError,
     "clip_grad_norm_: max_norm"),
    (lambda: nn.utils.clip_grad_norm_([Tensor(np.ones(2))], 1.0, norm_type="two"), TypeError,
     "clip_grad_norm_: norm_type"),
    (lambda: nn.utils.clip_grad_value_([Tensor(np.ones(2))], None), TypeError,
     "clip_grad_value_: clip_value"),
    (lambda: nn.utils.max_norm_([Tensor(np.ones((2, 2)))], NAN), ValueError, "max_norm_"),
    (lambda: nn.utils.l1_penalty([np.ones(2)]), TypeError, "l1_penalty: expected Tensors"),
    (lambda: nn.utils.elastic_net_penalty([Tensor(np.ones(2))], "0.5"), TypeError,
     "elastic_net_penalty: l1_ratio"),
]


@pytest.mark.parametrize("call, error, pattern", UTILS)
def test_utils_name_their_arguments(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()


def test_float16_batchnorm_accumulates_in_float32_as_pytorch():
    torch = _torch()
    rng = np.random.default_rng(0)
    x = (rng.standard_normal((16, 3)) * 400).astype(np.float16)  # squares overflow float16
    upstream = (rng.standard_normal((16, 3))).astype(np.float16)
    ours, theirs = nn.BatchNorm1d(3, dtype=np.float16), torch.nn.BatchNorm1d(3).half()
    xt, tx = Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    y, ty = ours(xt), theirs(tx)
    (y * Tensor(upstream)).sum().backward()
    (ty * torch.tensor(upstream)).sum().backward()
    assert y.dtype == np.float16 and xt.grad.dtype == np.float16
    assert np.all(np.isfinite(y.data)) and np.abs(y.data).max() > 0.5
    np.testing.assert_allclose(y.data, ty.detach().numpy(), atol=4e-3)
    np.testing.assert_allclose(xt.grad.data, tx.grad.numpy(), atol=2e-4)
    np.testing.assert_allclose(ours.running_var.data, theirs.running_var.numpy(), rtol=2e-3)
    np.testing.assert_allclose(ours.weight.grad.data, theirs.weight.grad.numpy(), rtol=5e-3)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_gelu_tanh_gradient_is_finite_at_large_inputs(dtype):
    torch = _torch()
    x = np.array([-6e4, -400, -300, -12, -3, 0, 2.5, 9.9, 300, 400, 6e4]).astype(dtype)
    xt = Tensor(x, requires_grad=True)
    y = F.gelu(xt, approximate="tanh")
    y.backward(Tensor(np.ones_like(x)))
    assert np.all(np.isfinite(xt.grad.data))
    tx = torch.tensor(x.astype(np.float64), requires_grad=True)
    ty = torch.nn.functional.gelu(tx, approximate="tanh")
    ty.backward(torch.ones_like(tx))
    tol = {np.float16: 2e-2, np.float32: 1e-5, np.float64: 1e-12}[dtype]
    np.testing.assert_allclose(y.data.astype(np.float64), ty.detach().numpy(), rtol=tol,
                               atol=tol)
    np.testing.assert_allclose(xt.grad.data.astype(np.float64), tx.grad.numpy(), rtol=tol,
                               atol=tol)
