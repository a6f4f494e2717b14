"""Smaller corners where the engine must give PyTorch's answer or a named error."""
from __future__ import annotations

import numpy as np
import pytest

import autograd as ag

TORCH_REASON = "PyTorch cross-checks need torch installed"

PIECEWISE = {
    "relu": (ag.relu, lambda T, x: T.relu(x)),
    "abs": (ag.abs, lambda T, x: T.abs(x)),
    "clip": (lambda x: ag.clip(x, -0.5, 1.0), lambda T, x: T.clamp(x, -0.5, 1.0)),
    "maximum": (lambda x: ag.maximum(x, x * 0.5 + 0.3),
                lambda T, x: T.maximum(x, x * 0.5 + 0.3)),
    "minimum": (lambda x: ag.minimum(x, 0.7), lambda T, x: T.clamp(x, max=0.7)),
    "max": (lambda x: x.max(), lambda T, x: x.max()),
}
X = np.array([-1.0, 0.25, 2.0, -0.3])


@pytest.mark.parametrize("name", PIECEWISE)
def test_piecewise_linear_second_derivative_is_zero(name):
    f = PIECEWISE[name][0]
    x = ag.tensor(X, requires_grad=True)
    (g,) = ag.grad(f(x).sum(), x, create_graph=True)
    (h,) = ag.grad(g.sum(), x, retain_graph=True)
    np.testing.assert_array_equal(h.data, 0.0)
    (h3,) = ag.grad((g * g).sum(), x)  # through a graph that does carry x
    np.testing.assert_array_equal(h3.data, 0.0)


@pytest.mark.parametrize("name", PIECEWISE)
def test_piecewise_linear_second_derivative_matches_torch(name):
    # PyTorch returns zeros for relu; for abs, clamp, maximum and max its first gradient has
    # no graph and it raises. The contract asks for zeros for all of them.
    torch = pytest.importorskip("torch", reason=TORCH_REASON)
    x = ag.tensor(X, requires_grad=True)
    (g,) = ag.grad(PIECEWISE[name][0](x).sum(), x, create_graph=True)
    (h,) = ag.grad(g.sum(), x)
    tx = torch.tensor(X, requires_grad=True)
    (tg,) = torch.autograd.grad(PIECEWISE[name][1](torch, tx).sum(), tx, create_graph=True)
    np.testing.assert_array_equal(g.data, tg.detach().numpy())
    np.testing.assert_array_equal(h.data, 0.0)
    if tg.requires_grad:
        (th,) = torch.autograd.grad(tg.sum(), tx)
        np.testing.assert_array_equal(h.data, th.numpy(force=True))


def test_linear_op_gradient_stays_constant_like_torch():
    # x + 1: the gradient is the constant seed, so it has no graph (PyTorch raises too).
    x = ag.tensor(X, requires_grad=True)
    (g,) = ag.grad((x + 1.0).sum(), x, create_graph=True)
    assert not g.requires_grad


def test_zero_base_power_second_derivative_is_finite():
    # 0 ** y is 0 for every y > 0: all its derivatives are 0. (PyTorch 2 returns NaN here.)
    y = ag.tensor(np.array([0.5, 2.0, 3.0]), requires_grad=True)
    (g,) = ag.grad((0.0 ** y).sum(), y, create_graph=True)
    (h,) = ag.grad(g.sum(), y)
    np.testing.assert_array_equal(g.data, 0.0)
    np.testing.assert_array_equal(h.data, 0.0)


def test_zero_base_power_gradient_is_finite_in_the_upstream_gradient():
    # d/dv of vᵀ ∂(0 ** y)/∂y: the masked branch once gave 0 · log 0 = NaN here.
    y = ag.tensor(np.array([0.5, 2.0]), requires_grad=True)
    v = ag.tensor(np.array([0.7, -1.3]), requires_grad=True)
    (g,) = ag.grad(np.power(0.0, y), y, grad_outputs=v, create_graph=True)
    (dv,) = ag.grad(g.sum(), v)
    np.testing.assert_array_equal(dv.data, 0.0)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("other", [np.int64, np.int32, np.bool_])
@pytest.mark.parametrize("op", ["pow", "mul", "add", "sub", "div", "maximum", "rpow"])
def test_integer_operand_keeps_float_dtype(op, other, dtype):
    x = ag.tensor(np.array([1.0, 2.0, 3.0], dtype=dtype), requires_grad=True)
    k = np.array([1, 2, 3]).astype(other)
    fn = {"pow": lambda: x ** ag.tensor(k), "mul": lambda: x * k, "add": lambda: k + x,
          "sub": lambda: x - ag.tensor(k), "div": lambda: x / (k + 1),
          "maximum": lambda: ag.maximum(x, k), "rpow": lambda: (k + 1) ** x}[op]
    y = fn()
    assert y.dtype == dtype
    y.sum().backward()
    assert x.grad.dtype == dtype


def test_integer_exponent_matches_torch():
    torch = pytest.importorskip("torch", reason=TORCH_REASON)
    x = ag.tensor([1.5, 2.0, 3.0], requires_grad=True)
    y = x ** ag.tensor(np.array([1, 2, 3]))
    y.sum().backward()
    tx = torch.tensor([1.5, 2.0, 3.0], requires_grad=True)
    ty = tx ** torch.tensor([1, 2, 3])
    ty.sum().backward()
    assert str(ty.dtype) == "torch.float32" and y.dtype == np.float32
    np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=1e-6)
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-6)


@pytest.mark.parametrize("args, kwargs", [
    ((5,), {}), ((1, 7, 2), {}), ((5.0,), {}), ((0, 1, 0.25), {}), ((2, 5.5), {}),
    ((np.int32(4),), {}), ((5,), {"dtype": np.float64}),
])
def test_arange_infers_dtype_like_torch(args, kwargs):
    torch = pytest.importorskip("torch", reason=TORCH_REASON)
    ours = ag.arange(*args, **kwargs)
    theirs = torch.arange(*[float(a) if isinstance(a, float) else int(a) for a in args],
                          **({"dtype": torch.float64} if kwargs else {}))
    assert ours.dtype == np.dtype(str(theirs.dtype).replace("torch.", ""))
    np.testing.assert_array_equal(ours.data, theirs.numpy())


def test_gradcheck_error_names_both_jacobian_entries():
    class WrongSlope(ag.Function):
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 3 * x * g  # should be 2x

    x = ag.tensor(np.array([[1.0, 2.0], [3.0, 4.0]]), requires_grad=True)
    with pytest.raises(ag.GradcheckError) as info:
        ag.gradcheck(WrongSlope.apply, x)
    msg = str(info.value)
    assert "input 0" in msg and "element (0, 0)" in msg
    assert "d output 0[0, 0] / d input 0[0, 0]" in msg
    assert "analytic 3.0" in msg and "numerical 2.0" in msg  # the entries, not projections


def test_backward_on_non_scalar_says_scalar():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="scalar"):
        (x * 2.0).backward()
