"""autograd.grad(): its options, and higher-order derivatives (create_graph=True)."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pytest

import autograd as ag
from autograd import Tensor
from autograd.extend import Op


def leaf(values: Any) -> Tensor:
    return Tensor(np.array(values, dtype=np.float64), requires_grad=True)


# -- grad() ----------------------------------------------------------------------------------
def test_grad_multiple_outputs_and_inputs() -> None:
    a, b = leaf([1.0, 2.0]), leaf([3.0])
    out1, out2 = (a * b).sum(), (a * a).sum()
    ga, gb = ag.grad([out1, out2], [a, b])
    np.testing.assert_allclose(ga.data, [3.0 + 2.0, 3.0 + 4.0])  # b + 2a
    np.testing.assert_allclose(gb.data, [3.0])  # Σ a
    assert a.grad is None and b.grad is None, "grad() must not touch .grad"
    assert not ga.requires_grad


def test_grad_single_input_returns_a_tuple() -> None:
    x = leaf([1.0, 2.0])
    result = ag.grad((x * x).sum(), x)
    assert isinstance(result, tuple) and len(result) == 1
    np.testing.assert_allclose(result[0].data, [2.0, 4.0])


def test_grad_outputs_weight_each_output() -> None:
    x = leaf([1.0, 2.0])
    y, z = x * 3, x * x
    (g,) = ag.grad([y, z], x, grad_outputs=[np.array([1.0, 10.0]), np.array([2.0, 0.0])])
    np.testing.assert_allclose(g.data, [3.0 + 2.0 * 2.0, 30.0])
    (g,) = ag.grad(x * 3, x, grad_outputs=np.array([1.0, -1.0]))
    np.testing.assert_allclose(g.data, [3.0, -3.0])


def test_grad_allow_unused() -> None:
    x, unused = leaf([1.0, 2.0]), leaf([5.0])
    loss = (x * 2).sum()
    with pytest.raises(RuntimeError, match="allow_unused=True"):
        ag.grad(loss, [x, unused], retain_graph=True)
    gx, gu = ag.grad(loss, [x, unused], allow_unused=True)
    np.testing.assert_allclose(gx.data, [2.0, 2.0])
    assert gu is None


def test_grad_with_respect_to_an_intermediate() -> None:
    x = leaf([1.0, 2.0])
    h = x * 3
    (gh,) = ag.grad((h * h).sum(), h)
    np.testing.assert_allclose(gh.data, 2 * h.data)


def test_grad_frees_the_graph_unless_retained() -> None:
    x = leaf([1.0, 2.0])
    y = (ag.exp(x)).sum()
    ag.grad(y, x, retain_graph=True)
    ag.grad(y, x)
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        ag.grad(y, x)


def test_grad_rejects_inputs_without_grad() -> None:
    x = leaf([1.0])
    with pytest.raises(RuntimeError, match="does not require grad"):
        ag.grad((x * 2).sum(), Tensor([1.0]))


# -- second and higher derivatives -------------------------------------------------------------
def derivatives(f: Callable[[Tensor], Tensor], x: Tensor, order: int) -> list[np.ndarray]:
    """f', f'', ... of an elementwise f, each differentiated again with create_graph=True."""
    out, result = f(x), []
    for _ in range(order):
        (out,) = ag.grad(out.sum(), x, create_graph=True)
        result.append(out.data)
    return result


POINTS = [-1.5, -0.3, 0.0, 0.4, 2.0]


def test_derivatives_of_x_to_the_fourth() -> None:
    x = np.array(POINTS)
    d1, d2, d3, d4 = derivatives(lambda t: t ** 4, leaf(x), 4)
    np.testing.assert_allclose(d1, 4 * x ** 3, atol=1e-12)
    np.testing.assert_allclose(d2, 12 * x ** 2, atol=1e-12)
    np.testing.assert_allclose(d3, 24 * x, atol=1e-12)
    np.testing.assert_allclose(d4, 24.0 + 0 * x, atol=1e-12)


def test_second_derivative_of_tanh() -> None:
    t = np.tanh(np.array(POINTS))
    d1, d2 = derivatives(ag.tanh, leaf(POINTS), 2)
    np.testing.assert_allclose(d1, 1 - t ** 2, atol=1e-12)
    np.testing.assert_allclose(d2, -2 * t * (1 - t ** 2), atol=1e-12)


def test_second_derivative_of_sigmoid() -> None:
    s = 1 / (1 + np.exp(-np.array(POINTS)))
    d1, d2 = derivatives(ag.sigmoid, leaf(POINTS), 2)
    np.testing.assert_allclose(d1, s * (1 - s), atol=1e-12)
    np.testing.assert_allclose(d2, s * (1 - s) * (1 - 2 * s), atol=1e-12)


def test_backward_create_graph_makes_grad_differentiable() -> None:
    x = leaf([1.0, 2.0])
    (x ** 3).sum().backward(create_graph=True)
    assert x.grad.requires_grad
    (g2,) = ag.grad(x.grad.sum(), x)
    np.testing.assert_allclose(g2.data, 6 * np.array([1.0, 2.0]))


RNG = np.random.default_rng(7)
X, Y = RNG.standard_normal((6, 3)), RNG.standard_normal((6, 1))
SHAPES = [(3, 4), (4,), (4, 1)]
FLAT = RNG.standard_normal(sum(int(np.prod(s)) for s in SHAPES)) * 0.7


def mlp_loss(flat: Tensor) -> Tensor:
    """Mean squared error of a 3-4-1 tanh network whose parameters are packed in `flat`."""
    params, start = [], 0
    for s in SHAPES:
        n = int(np.prod(s))
        params.append(flat[start:start + n].reshape(s))
        start += n
    w1, b1, w2 = params
    return ((ag.tanh(Tensor(X) @ w1 + b1) @ w2 - Tensor(Y)) ** 2).mean()


def hessian(f: Callable[[Tensor], Tensor], x0: np.ndarray) -> np.ndarray:
    """The full Hessian, one row per grad() of one gradient entry (create_graph=True)."""
    x = leaf(x0)
    (g,) = ag.grad(f(x), x, create_graph=True)
    rows = [ag.grad(g[i], x, retain_graph=True)[0].data for i in range(x0.size)]
    return np.stack(rows)


def hvp(f: Callable[[Tensor], Tensor], x0: np.ndarray, v: np.ndarray) -> np.ndarray:
    """H v by double backward: ∇(∇f · v)."""
    x = leaf(x0)
    (g,) = ag.grad(f(x), x, create_graph=True)
    return ag.grad((g * Tensor(v)).sum(), x)[0].data


def test_hessian_vector_product_equals_hessian_times_v() -> None:
    v = RNG.standard_normal(FLAT.size)
    h = hessian(mlp_loss, FLAT)
    np.testing.assert_allclose(h, h.T, atol=1e-12)
    np.testing.assert_allclose(hvp(mlp_loss, FLAT, v), h @ v, rtol=1e-10, atol=1e-12)


def test_mlp_hessian_matches_central_differences_of_the_gradient() -> None:
    def gradient(x0: np.ndarray) -> np.ndarray:
        x = leaf(x0)
        return ag.grad(mlp_loss(x), x)[0].data

    eps = 1e-6
    numerical = np.stack([(gradient(FLAT + eps * e) - gradient(FLAT - eps * e)) / (2 * eps)
                          for e in np.eye(FLAT.size)])
    np.testing.assert_allclose(hessian(mlp_loss, FLAT), numerical, rtol=1e-5, atol=1e-7)


def test_mlp_second_derivatives_match_pytorch() -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle for this cross-check")

    def torch_loss(flat: Any) -> Any:
        params, start = [], 0
        for s in SHAPES:
            n = int(np.prod(s))
            params.append(flat[start:start + n].reshape(s))
            start += n
        w1, b1, w2 = params
        return ((torch.tanh(torch.tensor(X) @ w1 + b1) @ w2 - torch.tensor(Y)) ** 2).mean()

    expected = torch.autograd.functional.hessian(torch_loss, torch.tensor(FLAT)).numpy()
    np.testing.assert_allclose(hessian(mlp_loss, FLAT), expected, rtol=1e-10, atol=1e-12)
    v = RNG.standard_normal(FLAT.size)
    np.testing.assert_allclose(hvp(mlp_loss, FLAT, v), expected @ v, rtol=1e-10, atol=1e-12)


# -- multi-output ops and gradient dtypes ---------------------------------------------------
def test_grad_with_respect_to_outputs_of_one_multi_output_op() -> None:
    x = leaf(np.arange(4.0))
    first, second = ag.split(x, 2)
    g1, g2 = ag.grad((first * 2 + second * 3).sum(), [first, second])
    np.testing.assert_allclose(g1.data, [2.0, 2.0])
    np.testing.assert_allclose(g2.data, [3.0, 3.0])


def test_retain_grad_on_an_output_of_a_multi_output_op() -> None:
    x = leaf(np.arange(4.0))
    first, second = ag.split(x, 2)
    first.retain_grad()
    (first * 2 + second * 3).sum().backward()
    assert first.grad is not None
    np.testing.assert_allclose(first.grad.data, [2.0, 2.0])


@pytest.mark.parametrize("how", ["grad", "grad create_graph", "backward create_graph"])
def test_gradients_have_the_input_dtype(how: str) -> None:
    x = Tensor(np.array([1.0, 2.0], dtype=np.float32), requires_grad=True)
    loss = (x * np.array([1.0, 2.0])).sum()  # float64: NumPy promotes
    if how == "backward create_graph":
        loss.backward(create_graph=True)
        g = x.grad
    else:
        (g,) = ag.grad(loss, x, create_graph=how == "grad create_graph")
    assert g.dtype == np.float32


def test_plain_backward_casts_to_the_input_dtype() -> None:
    x = Tensor(np.array([1.0, 2.0], dtype=np.float32), requires_grad=True)
    (x * np.array([1.0, 2.0])).sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_allclose(x.grad.data, [1.0, 2.0])


class _SinCos(Op):
    """Two outputs, both saved: y₁ = sin x, y₂ = cos x; dx = g₁ cos x − g₂ sin x."""

    def forward(ctx, x):
        s, c = np.sin(x), np.cos(x)
        ctx.saved = (s, c)
        return s, c

    def backward(ctx, g1, g2):
        s, c = ctx.saved
        return (g1 * c - g2 * s,)


@pytest.mark.parametrize("use", ["first", "second", "both"])
def test_create_graph_links_saved_outputs_of_a_several_output_op(use):
    """The outputs a several-output op saved are functions of its input under create_graph
    (not constants): the second derivative goes through them."""
    x0 = np.array([0.3, 1.1, -0.7])
    x = ag.Tensor(x0, requires_grad=True)
    s, c = _SinCos.apply(x * 1.5)
    y = {"first": (s * 2).sum(), "second": (c * 3).sum(), "both": (s * c).sum()}[use]
    (g,) = ag.grad(y, x, create_graph=True)
    (h,) = ag.grad(g.sum(), x)
    u = 1.5 * x0
    want_g = {"first": 3 * np.cos(u), "second": -4.5 * np.sin(u), "both": 1.5 * np.cos(2 * u)}
    want_h = {"first": -4.5 * np.sin(u), "second": -6.75 * np.cos(u),
              "both": -4.5 * np.sin(2 * u)}
    np.testing.assert_allclose(g.data, want_g[use], rtol=1e-12)
    np.testing.assert_allclose(h.data, want_h[use], rtol=1e-12)
