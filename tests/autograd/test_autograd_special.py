"""Values and gradients at kinks, ties, zeros and extremes match PyTorch's conventions.

The op table keeps its inputs away from these points (central differences are meaningless
there); these cases pin down what the API promises instead: PyTorch's results.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pytest

import autograd as ag
from autograd import Tensor


def _pick(ours: Callable, theirs: Callable) -> Callable[[Any, Any], Any]:
    return lambda lib, x: ours(x) if lib is ag else theirs(lib, x)


CASES = {
    "relu at 0": (lambda lib, x: lib.relu(x), [0.0, -1.0, 2.0]),
    "abs at 0": (lambda lib, x: lib.abs(x), [0.0, -1.0, 2.0]),
    "square at 0": (lambda lib, x: x ** 2, [0.0, -1.0]),
    "sqrt via pow at 0": (lambda lib, x: x ** 0.5, [0.0, 4.0]),
    "clip at both bounds": (_pick(lambda x: ag.clip(x, -0.5, 0.5),
                                  lambda t, x: t.clamp(x, -0.5, 0.5)), [-0.5, 0.5, 0.0, 1.0]),
    "std of a constant": (_pick(ag.std, lambda t, x: t.std(x, correction=0)), [1.0, 1.0, 1.0]),
    "max with ties": (_pick(ag.max, lambda t, x: t.amax(x)), [1.0, 3.0, 3.0]),
    "maximum with ties": (_pick(lambda x: ag.maximum(x, Tensor(np.array([1.0, 0.0]))),
                                lambda t, x: t.maximum(x, t.tensor([1.0, 0.0], dtype=x.dtype))),
                          [1.0, 2.0]),
    "sigmoid far out": (lambda lib, x: lib.sigmoid(x), [-800.0, 800.0]),
    "tanh far out": (lambda lib, x: lib.tanh(x), [-800.0, 800.0]),
    "logsumexp of large values": (_pick(lambda x: ag.logsumexp(x, axis=0),
                                        lambda t, x: t.logsumexp(x, 0)), [1000.0, 1000.0]),
    "logsumexp with -inf": (_pick(lambda x: ag.logsumexp(x, axis=0),
                                  lambda t, x: t.logsumexp(x, 0)), [-np.inf, 0.0]),
    "exp overflow": (lambda lib, x: lib.exp(x), [1000.0]),
    "log at 0": (lambda lib, x: lib.log(x), [0.0, 1.0]),
    "reciprocal at 0": (lambda lib, x: 1.0 / x, [0.0, 1.0]),
    "pow with zero base": (lambda lib, x: x ** (x * 0 + 2.0), [0.0, 3.0]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_special_points_match_pytorch(name: str) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle for these cross-checks")
    fn, values = CASES[name]
    x = Tensor(np.array(values), requires_grad=True)
    tx = torch.tensor(values, dtype=torch.float64, requires_grad=True)
    with np.errstate(all="ignore"):
        y = fn(ag, x)
        y.sum().backward()
    ty = fn(torch, tx)
    ty.sum().backward()
    np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=1e-12, equal_nan=True)
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-12, equal_nan=True)


def test_pow_of_zero_base_and_tensor_exponent_matches_pytorch() -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle for this cross-check")
    base, exponent = [0.0, 0.0, 2.0], [0.0, 2.0, 0.0]
    a, b = Tensor(np.array(base), requires_grad=True), Tensor(np.array(exponent),
                                                                requires_grad=True)
    ta = torch.tensor(base, dtype=torch.float64, requires_grad=True)
    tb = torch.tensor(exponent, dtype=torch.float64, requires_grad=True)
    with np.errstate(all="ignore"):
        (a ** b).sum().backward()
    (ta ** tb).sum().backward()
    np.testing.assert_allclose(a.grad.data, ta.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(b.grad.data, tb.grad.numpy(), rtol=1e-12)
