"""tanh and sigmoid backward write 1 - y as a 0-d array of y's dtype minus y, not the Python
number 1 (NumPy's slow path). The gradient must be bit for bit the textbook formula in every
float dtype and layout, also in saturation, and differentiable again under create_graph."""
from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import autograd as ag
from autograd import Tensor
from autograd.testing import in_layout

X = np.array([[-12.0, -3.5, -0.25, 0.0], [1e-4, 0.75, 4.0, 15.0]])


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("name", ["tanh", "sigmoid"])
def test_gradient_is_the_textbook_formula_bit_for_bit(dtype: Any, name: str) -> None:
    g_up = np.linspace(-2, 2, X.size).reshape(X.shape).astype(dtype)
    for arr in (in_layout(X.astype(dtype), lay) for lay in ("C", "F", "strided", "reversed")):
        for g in (g_up, np.asfortranarray(g_up)):
            x = Tensor(arr, requires_grad=True)
            y = getattr(ag, name)(x)
            y.backward(g)
            yd = y.data
            want = g * (1 - yd * yd) if name == "tanh" else g * (yd * (1 - yd))
            assert x.grad.dtype == dtype
            np.testing.assert_array_equal(x.grad.data, want)


def test_the_shared_ones_cannot_be_changed() -> None:
    from autograd.ops.unary import _ONE
    for one in _ONE.values():
        assert one.shape == () and one == 1
        with pytest.raises(ValueError):
            one[...] = 2


@pytest.mark.parametrize("name", ["tanh", "sigmoid"])
def test_second_derivative_matches_pytorch(name: str) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle for this comparison")
    xs = X[1].astype(np.float64)
    x, tx = Tensor(xs, requires_grad=True), torch.tensor(xs, requires_grad=True)
    (g,) = ag.grad(getattr(ag, name)(x).sum(), x, create_graph=True)
    (tg,) = torch.autograd.grad(getattr(torch, name)(tx).sum(), tx, create_graph=True)
    np.testing.assert_allclose(g.data, tg.detach().numpy(), rtol=1e-12, atol=1e-300)
    (gg,) = ag.grad((g * g).sum(), x)
    (tgg,) = torch.autograd.grad((tg * tg).sum(), tx)
    np.testing.assert_allclose(gg.data, tgg.numpy(), rtol=1e-10, atol=1e-300)
