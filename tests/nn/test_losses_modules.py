"""Loss modules: each equals its functional form with the same options, shows the options in
its repr, keeps class weights as buffers, and (default options) equals torch.nn's module."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pytest

import nn.functional as F
import nn.loss as L
from autograd import Tensor

RNG = np.random.default_rng(0)
X = RNG.standard_normal((4, 3))
P = RNG.uniform(0.1, 0.9, (4, 3))
LABELS = np.array([0, 2, 1, 2])
W = np.array([0.5, 1.0, 2.0])


def _pair(t: Any) -> Callable[[], tuple]:
    return lambda: (Tensor(X), t)


# (module, its functional equivalent, inputs, expected repr)
CASES: list[tuple[Any, Callable, Callable[[], tuple], str]] = [
    (L.MSELoss(), F.mse_loss, _pair(P), "MSELoss(reduction='mean')"),
    (L.L1Loss("sum"), lambda x, t: F.l1_loss(x, t, "sum"), _pair(P), "L1Loss(reduction='sum')"),
    (L.HuberLoss(delta=0.5), lambda x, t: F.huber_loss(x, t, delta=0.5), _pair(P),
     "HuberLoss(delta=0.5, reduction='mean')"),
    (L.SmoothL1Loss(beta=0.3), lambda x, t: F.smooth_l1_loss(x, t, beta=0.3), _pair(P),
     "SmoothL1Loss(beta=0.3, reduction='mean')"),
    (L.CrossEntropyLoss(label_smoothing=0.1, ignore_index=2),
     lambda x, t: F.cross_entropy(x, t, ignore_index=2, label_smoothing=0.1), _pair(LABELS),
     "CrossEntropyLoss(weight=None, ignore_index=2, label_smoothing=0.1, reduction='mean')"),
    (L.CrossEntropyLoss(weight=W, reduction="none"),
     lambda x, t: F.cross_entropy(x, t, weight=W, reduction="none"), _pair(LABELS),
     "CrossEntropyLoss(weight=<Tensor shape=(3,)>, ignore_index=-100, label_smoothing=0.0, "
     "reduction='none')"),
    (L.NLLLoss(weight=W), lambda x, t: F.nll_loss(x, t, weight=W), _pair(LABELS),
     "NLLLoss(weight=<Tensor shape=(3,)>, ignore_index=-100, reduction='mean')"),
    (L.BCELoss(), F.binary_cross_entropy, lambda: (Tensor(P), P[::-1].copy()),
     "BCELoss(weight=None, reduction='mean')"),
    (L.BCEWithLogitsLoss(pos_weight=W),
     lambda x, t: F.binary_cross_entropy_with_logits(x, t, pos_weight=W), _pair(P),
     "BCEWithLogitsLoss(weight=None, pos_weight=<Tensor shape=(3,)>, reduction='mean')"),
    (L.MultiMarginLoss(p=2, margin=0.5), lambda x, t: F.multi_margin_loss(x, t, 2, 0.5),
     _pair(LABELS), "MultiMarginLoss(p=2, margin=0.5, weight=None, reduction='mean')"),
    (L.KLDivLoss("batchmean", log_target=True),
     lambda x, t: F.kl_div(x, t, "batchmean", log_target=True), _pair(np.log(P)),
     "KLDivLoss(log_target=True, reduction='batchmean')"),
    (L.PoissonNLLLoss(full=True), lambda x, t: F.poisson_nll_loss(x, t, full=True),
     _pair(P * 5), "PoissonNLLLoss(log_input=True, full=True, eps=1e-08, reduction='mean')"),
    (L.CosineEmbeddingLoss(margin=0.1),
     lambda a, b, y: F.cosine_embedding_loss(a, b, y, margin=0.1),
     lambda: (Tensor(X), Tensor(P), np.array([1, -1, 1, -1])),
     "CosineEmbeddingLoss(margin=0.1, reduction='mean')"),
    (L.HingeLoss(), F.hinge_loss, _pair(np.sign(P - 0.5)), "HingeLoss(reduction='mean')"),
    (L.SquaredHingeLoss("none"), lambda x, t: F.squared_hinge_loss(x, t, "none"),
     _pair(np.sign(P - 0.5)), "SquaredHingeLoss(reduction='none')"),
    (L.CategoricalHingeLoss(), F.categorical_hinge_loss, _pair(np.eye(3)[LABELS]),
     "CategoricalHingeLoss(reduction='mean')"),
    (L.LogCoshLoss(), F.log_cosh_loss, _pair(P), "LogCoshLoss(reduction='mean')"),
    (L.MAPELoss(), F.mape_loss, _pair(P), "MAPELoss(reduction='mean')"),
    (L.MSLELoss(), F.msle_loss, lambda: (Tensor(P), P[::-1].copy()), "MSLELoss(reduction='mean')"),
]


@pytest.mark.parametrize("module, functional, inputs, text", CASES,
                         ids=[type(c[0]).__name__ for c in CASES])
def test_module_equals_functional_and_shows_options(module: Any, functional: Callable,
                                                    inputs: Callable, text: str) -> None:
    np.testing.assert_array_equal(module(*inputs()).data, functional(*inputs()).data)
    assert repr(module) == text
    assert list(module.parameters()) == []


def test_class_weights_are_buffers_in_the_state_dict() -> None:
    loss = L.CrossEntropyLoss(weight=[1.0, 2.0, 3.0])
    state = loss.state_dict()
    assert list(state) == ["weight"]
    np.testing.assert_array_equal(np.asarray(state["weight"]), [1, 2, 3])
    assert list(L.CrossEntropyLoss().state_dict()) == []
    assert list(L.BCEWithLogitsLoss(pos_weight=W).state_dict()) == ["pos_weight"]


def test_unknown_reduction_is_rejected_at_construction() -> None:
    with pytest.raises(ValueError, match="MSELoss: reduction must be one of"):
        L.MSELoss(reduction="batchmean")
    with pytest.raises(ValueError, match="MultiMarginLoss: p must be 1 or 2"):
        L.MultiMarginLoss(p=3)
    assert L.KLDivLoss(reduction="batchmean").reduction == "batchmean"
    with pytest.raises(TypeError):
        L.MSELoss(delta=1.0)  # an option the loss does not have is not silently kept


# Default construction, next to torch.nn's; each called on (X-like input, target).
TORCH_TWINS = [
    ("MSELoss", lambda x: (x, P)), ("L1Loss", lambda x: (x, P)),
    ("HuberLoss", lambda x: (x, P * 3)), ("SmoothL1Loss", lambda x: (x, P * 3)),
    ("CrossEntropyLoss", lambda x: (x, LABELS)), ("NLLLoss", lambda x: (x, LABELS)),
    ("BCEWithLogitsLoss", lambda x: (x, P)), ("MultiMarginLoss", lambda x: (x, LABELS)),
    ("KLDivLoss", lambda x: (x, P)), ("PoissonNLLLoss", lambda x: (x, P * 4)),
]


@pytest.mark.filterwarnings("ignore:reduction. 'mean' divides the total loss")  # torch's kl_div
@pytest.mark.parametrize("name, args", TORCH_TWINS, ids=[n for n, _ in TORCH_TWINS])
def test_defaults_match_torch_modules(name: str, args: Callable) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is the optional reference")
    ours = getattr(L, name)()(*args(Tensor(X)))
    theirs = getattr(torch.nn, name)()(*(torch.tensor(a) for a in args(X)))
    np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-12)


def test_every_exported_name_is_a_module_class() -> None:
    from nn.module import Module

    assert len(L.__all__) == 18
    for name in L.__all__:
        assert issubclass(getattr(L, name), Module)
