"""Activation modules: each computes its functional form with its options, shows the options
in its repr, holds no parameters, and matches torch.nn's module of the same name."""
from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import nn.activation as A
import nn.functional as F
from autograd import Tensor

X = np.array([[-3.0, -0.5, 0.0, 0.4, 2.5], [1.0, -1.2, 30.0, -30.0, 0.1]])

# (module, the functional call it must equal, expected repr)
MODULES: list[tuple[Any, Any, str]] = [
    (A.Step(), F.step, "Step()"),
    (A.Sigmoid(), F.sigmoid, "Sigmoid()"),
    (A.Tanh(), F.tanh, "Tanh()"),
    (A.ReLU(), F.relu, "ReLU()"),
    (A.LeakyReLU(), lambda x: F.leaky_relu(x, 0.01), "LeakyReLU(negative_slope=0.01)"),
    (A.LeakyReLU(0.2), lambda x: F.leaky_relu(x, 0.2), "LeakyReLU(negative_slope=0.2)"),
    (A.ELU(), lambda x: F.elu(x, 1.0), "ELU(alpha=1.0)"),
    (A.ELU(alpha=0.5), lambda x: F.elu(x, 0.5), "ELU(alpha=0.5)"),
    (A.SELU(), F.selu, "SELU()"),
    (A.GELU(), F.gelu, "GELU(approximate='none')"),
    (A.GELU("tanh"), lambda x: F.gelu(x, "tanh"), "GELU(approximate='tanh')"),
    (A.SiLU(), F.silu, "SiLU()"),
    (A.Swish(), F.silu, "SiLU()"),
    (A.Mish(), F.mish, "Mish()"),
    (A.Softplus(), F.softplus, "Softplus(beta=1.0, threshold=20.0)"),
    (A.Softplus(beta=2, threshold=5), lambda x: F.softplus(x, 2, 5),
     "Softplus(beta=2, threshold=5)"),
    (A.Softmax(), lambda x: F.softmax(x, -1), "Softmax(axis=-1)"),
    (A.Softmax(axis=0), lambda x: F.softmax(x, 0), "Softmax(axis=0)"),
    (A.LogSoftmax(), lambda x: F.log_softmax(x, -1), "LogSoftmax(axis=-1)"),
    (A.LogSoftmax(axis=0), lambda x: F.log_softmax(x, 0), "LogSoftmax(axis=0)"),
    (A.Identity(), F.identity, "Identity()"),
]
IDS = [r for _, _, r in MODULES]


@pytest.mark.parametrize("module, functional, text", MODULES, ids=IDS)
def test_module_equals_functional_and_shows_options(module: Any, functional: Any,
                                                    text: str) -> None:
    x = Tensor(X.copy(), requires_grad=True)
    y = module(x)
    np.testing.assert_array_equal(y.data, functional(Tensor(X.copy())).data)
    assert repr(module) == text
    assert list(module.parameters()) == [] and list(module.state_dict()) == []
    y.sum().backward()
    assert x.grad.shape == X.shape


# The torch module each one mirrors, built with the same options.
TORCH_TWINS = {
    "Sigmoid()": lambda nn: nn.Sigmoid(), "Tanh()": lambda nn: nn.Tanh(),
    "ReLU()": lambda nn: nn.ReLU(), "SELU()": lambda nn: nn.SELU(),
    "LeakyReLU(negative_slope=0.2)": lambda nn: nn.LeakyReLU(0.2),
    "ELU(alpha=0.5)": lambda nn: nn.ELU(alpha=0.5),
    "GELU(approximate='tanh')": lambda nn: nn.GELU(approximate="tanh"),
    "GELU(approximate='none')": lambda nn: nn.GELU(),
    "SiLU()": lambda nn: nn.SiLU(), "Mish()": lambda nn: nn.Mish(),
    "Softplus(beta=2, threshold=5)": lambda nn: nn.Softplus(beta=2, threshold=5),
    "Softmax(axis=0)": lambda nn: nn.Softmax(dim=0),
    "LogSoftmax(axis=-1)": lambda nn: nn.LogSoftmax(dim=-1),
}


@pytest.mark.parametrize("module, functional, text",
                         [m for m in MODULES if m[2] in TORCH_TWINS],
                         ids=[r for r in IDS if r in TORCH_TWINS])
def test_module_matches_torch_module(module: Any, functional: Any, text: str) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is the optional reference")
    twin = TORCH_TWINS[text](torch.nn)
    np.testing.assert_allclose(module(Tensor(X)).data, twin(torch.tensor(X)).numpy(),
                               rtol=1e-12, atol=1e-14)


def test_identity_passes_the_same_object_and_ignores_arguments() -> None:
    x = Tensor(X)
    assert A.Identity(54, unused=True)(x) is x


def test_module_options_are_validated() -> None:
    with pytest.raises(ValueError, match="approximate"):
        A.GELU("fast")
    with pytest.raises(ValueError, match="beta"):
        A.Softplus(beta=0)


def test_every_exported_name_is_a_module_class() -> None:
    from nn.module import Module

    assert set(A.__all__) >= {"Step", "SiLU", "Swish", "Softmax", "Identity"}
    for name in A.__all__:
        assert issubclass(getattr(A, name), Module)
