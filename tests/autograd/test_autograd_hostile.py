"""autograd given careless or hostile input: named errors, and float16 reductions that
accumulate in float32 as PyTorch's do."""
from __future__ import annotations

import numpy as np
import pytest

import autograd
from autograd import Tensor


class ReturnsText(autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return "oops"


def _leaf():
    return Tensor(np.ones(3), requires_grad=True)


CASES = [
    (lambda: Tensor({"a": 1}), TypeError, "Tensor: data must be an array.*dict"),
    (lambda: Tensor(None), TypeError, "Tensor: data must be.*NoneType"),
    (lambda: Tensor([[1.0, 2.0], [3.0]]), ValueError, "Tensor: data is a ragged list"),
    (lambda: Tensor([{}, {}]), TypeError, "Tensor: data must be numeric"),
    (lambda: Tensor([1.0], requires_grad="no"), TypeError, "Tensor: requires_grad must be a bool"),
    (lambda: Tensor([1.0], requires_grad=1), TypeError, "Tensor: requires_grad"),
    (lambda: Tensor([1.0]).requires_grad_("no"), TypeError, "requires_grad_: the flag"),
    (lambda: Tensor(np.zeros(0)).max(), ValueError, r"max: the tensor of shape \(0,\) is empty"),
    (lambda: Tensor(np.zeros((2, 0))).min(axis=1), ValueError, "min: .* is empty"),
    (lambda: autograd.argmax(Tensor(np.zeros(0))), ValueError, "argmax: .* is empty"),
    (lambda: autograd.argmin(Tensor(np.zeros((0, 3))), axis=0), ValueError, "argmin: .*empty"),
    (lambda: autograd.arange(0, 10, 0), ValueError, "arange: step must be a nonzero"),
    (lambda: autograd.arange(0, "10"), TypeError, "arange: stop must be a number"),
    (lambda: Tensor(np.ones((2, 3))).sum(axis=1.5), TypeError, "sum: axis must be an int"),
    (lambda: Tensor(np.ones((2, 3))).sum(axis="0"), TypeError, "sum: axis must be an int"),
    (lambda: Tensor(np.ones((2, 3))).mean(axis=(0, "1")), TypeError, "mean: axis"),
    (lambda: Tensor(np.ones((2, 3))).sum(axis=True), TypeError, "sum: axis"),
    (lambda: autograd.grad(3.0, _leaf()), TypeError, "grad\\(\\): outputs must be a Tensor"),
    (lambda: autograd.grad(_leaf().sum(), "x"), TypeError, "grad\\(\\): inputs must be"),
    (lambda: autograd.manual_seed("abc"), TypeError, "manual_seed: seed must be an int"),
    (lambda: autograd.manual_seed(-1), ValueError, "manual_seed: seed must be >= 0"),
    (lambda: autograd.manual_seed(1.5), TypeError, "manual_seed: seed must be an int"),
    (lambda: ReturnsText.apply(_leaf()).sum().backward(), TypeError,
     "ReturnsText.backward returned a str as the gradient of input 0"),
]


@pytest.mark.parametrize("call, error, pattern", CASES)
def test_bad_input_gets_a_named_error(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()


def test_reductions_over_non_empty_axes_of_empty_tensors_still_work():
    x = Tensor(np.zeros((0, 3)))
    assert x.max(axis=1).shape == (0,)
    assert autograd.argmax(x, axis=1).shape == (0,)
    assert Tensor(np.ones((2, 3))).sum(axis=np.int64(1)).shape == (2,)


def test_float16_var_and_std_accumulate_in_float32_as_pytorch():
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle for this check")
    x = np.array([0.0] * 9 + [300.0], dtype=np.float16)  # (300 - 30)² overflows float16
    xt = Tensor(x, requires_grad=True)
    v = xt.var()
    v.backward()
    tx = torch.tensor(x, requires_grad=True)
    tv = tx.var(unbiased=False)
    tv.backward()
    assert v.dtype == np.float16 and np.isfinite(v.data)
    np.testing.assert_allclose(float(v.data), float(tv.detach()), rtol=1e-3)
    np.testing.assert_allclose(xt.grad.data, tx.grad.numpy(), rtol=1e-3, atol=1e-3)
    s = Tensor(x).std(ddof=1)
    np.testing.assert_allclose(float(s.data), float(torch.tensor(x).std()), rtol=1e-3)
