"""LBFGS against PyTorch on the Rosenbrock function; Newton on quadratics and Rosenbrock."""
from __future__ import annotations

import numpy as np
import pytest

import autograd
import optim
from autograd import Tensor
from optim.line_search import cubic_minimizer, strong_wolfe

START = np.array([-1.2, 1.0])


def rosenbrock(x):
    """(1 − x₀)² + 100·(x₁ − x₀²)², minimum 0 at (1, 1)."""
    return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2


def lbfgs_closure(opt, x):
    def closure():
        opt.zero_grad()
        loss = rosenbrock(x)
        loss.backward()
        return loss
    return closure


LBFGS_CASES = [
    pytest.param(dict(), 3, id="plain"),
    pytest.param(dict(lr=0.5, history_size=3, max_iter=10), 5, id="short-history"),
    pytest.param(dict(tolerance_change=0.1, max_iter=50), 3, id="stop-on-small-step"),
    pytest.param(dict(line_search_fn="strong_wolfe", tolerance_change=1e-5, max_iter=50,
                      max_eval=100), 3, id="stop-on-small-loss-change"),
    pytest.param(dict(line_search_fn="strong_wolfe"), 3, id="strong-wolfe"),
    pytest.param(dict(line_search_fn="strong_wolfe", history_size=4, max_iter=7), 6,
                 id="strong-wolfe-short-history"),
]


@pytest.mark.parametrize("options, steps", LBFGS_CASES)
def test_lbfgs_matches_pytorch_on_rosenbrock(options, steps):
    torch = pytest.importorskip("torch", reason="PyTorch cross-checks need torch installed")
    x = Tensor(START.copy(), requires_grad=True)
    opt = optim.LBFGS([x], **options)
    tx = torch.tensor(START.copy(), requires_grad=True)
    topt = torch.optim.LBFGS([tx], **options)
    for _ in range(steps):
        loss = float(opt.step(lbfgs_closure(opt, x)))
        tloss = topt.step(lbfgs_closure(topt, tx)).item()
        np.testing.assert_allclose(x.data, tx.detach().numpy(), rtol=1e-6)
        np.testing.assert_allclose(loss, tloss, rtol=1e-6)
        for key in ("func_evals", "n_iter"):
            assert opt.state[x][key] == topt.state[tx][key]


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_lbfgs_reaches_rosenbrock_minimum(line_search_fn):
    x = Tensor(START.copy(), requires_grad=True)
    opt = optim.LBFGS([x], line_search_fn=line_search_fn, max_iter=100, max_eval=200)
    for _ in range(3):
        opt.step(lbfgs_closure(opt, x))
    np.testing.assert_allclose(x.data, [1.0, 1.0], atol=1e-4)


def test_lbfgs_stops_at_once_when_gradient_is_zero():
    x = Tensor(np.array([1.0, 1.0]), requires_grad=True)
    opt = optim.LBFGS([x])
    opt.step(lbfgs_closure(opt, x))
    assert opt.state[x]["func_evals"] == 1 and x.data.tolist() == [1.0, 1.0]


def test_lbfgs_state_dict_round_trip_continues_bit_for_bit():
    x = Tensor(START.copy(), requires_grad=True)
    opt = optim.LBFGS([x], max_iter=4, history_size=3, line_search_fn="strong_wolfe")
    opt.step(lbfgs_closure(opt, x))
    saved = opt.state_dict()
    y = Tensor(x.data.copy(), requires_grad=True)
    resumed = optim.LBFGS([y])
    resumed.load_state_dict(saved)
    assert resumed.param_groups[0]["history_size"] == 3
    for _ in range(3):
        opt.step(lbfgs_closure(opt, x))
        resumed.step(lbfgs_closure(resumed, y))
        np.testing.assert_array_equal(x.data, y.data)


def test_cubic_minimizer_is_exact_on_a_cubic():
    f = lambda t: t**3 - 3 * t  # noqa: E731  (minimum at t = 1 on [0, 3])
    df = lambda t: 3 * t**2 - 3  # noqa: E731
    assert cubic_minimizer(0.0, f(0.0), df(0.0), 3.0, f(3.0), df(3.0)) == pytest.approx(1.0)
    # clipped to the bounds, and the middle of them when the cubic has no minimum
    assert cubic_minimizer(0.0, f(0.0), df(0.0), 3.0, f(3.0), df(3.0),
                           bounds=(2.0, 2.5)) == 2.0
    assert cubic_minimizer(0.0, 0.0, 1.0, 1.0, 0.5, 1.0, bounds=(0.0, 4.0)) == 2.0


def test_strong_wolfe_step_meets_both_conditions():
    scale = np.array([1.0, 10.0])
    x0 = np.array([3.0, -1.0])

    def evaluate(t):
        x = x0 + t * d
        return float(0.5 * np.sum(scale * x**2)), scale * x

    g0 = scale * x0
    d = -g0
    f0, slope0 = float(0.5 * np.sum(scale * x0**2)), float(g0 @ d)
    f, g, t, n_evals = strong_wolfe(evaluate, 1.0, d, f0, g0, slope0)
    assert f <= f0 + 1e-4 * t * slope0
    assert abs(g @ d) <= 0.9 * abs(slope0)
    assert 1 <= n_evals <= 25


# Line functions chosen so that, between them, every branch of the search runs: growing the
# step, running out of evaluations, zooming, the guard against trials near a bracket end,
# and the stop on a bracket narrower than tolerance_change.
LINE_FUNCTIONS = {
    "quadratic": (lambda x: 0.5 * np.sum(x * x), lambda x: x),
    "double-well": (lambda x: np.sum(x**4) - np.sum(x * x), lambda x: 4 * x**3 - 2 * x),
    "wall": (lambda x: np.sum(np.exp(3 * x)) - 3 * np.sum(x), lambda x: 3 * np.exp(3 * x) - 3),
    "hyperbola": (lambda x: np.sum(np.sqrt(1 + x * x)), lambda x: x / np.sqrt(1 + x * x)),
    "wiggle": (lambda x: np.sum(x * x + 2 * np.sin(5 * x)), lambda x: 2 * x + 10 * np.cos(5 * x)),
}
LINE_CASES = [  # function, start, first step, max_ls, tolerance_change
    ("quadratic", [3.0], 1e-3, 25, 1e-9),
    ("quadratic", [3.0], 1e-3, 2, 1e-9),
    ("quadratic", [3.0], 5.0, 25, 1e-9),
    ("quadratic", [3.0], 50.0, 25, 1e-9),
    ("quadratic", [3.0], 50.0, 25, 1e3),
    ("double-well", [3.0], 1.0, 25, 1e-9),
    ("double-well", [0.3, -2.0], 1e-3, 25, 1e-9),
    ("wall", [-1.5], 1e-3, 25, 1e-9),
    ("hyperbola", [3.0], 1.0, 25, 1e-9),
    ("wiggle", [3.0], 1.0, 25, 1e-9),
]


@pytest.mark.parametrize("name, start, t, max_ls, tol", LINE_CASES)
def test_strong_wolfe_matches_pytorch_search(name, start, t, max_ls, tol):
    torch = pytest.importorskip("torch", reason="PyTorch cross-checks need torch installed")
    torch_search = pytest.importorskip("torch.optim.lbfgs")._strong_wolfe
    f, grad = LINE_FUNCTIONS[name]
    x0 = np.array(start)
    g0 = grad(x0)
    d = -g0
    ours = strong_wolfe(lambda s: (float(f(x0 + s * d)), grad(x0 + s * d)), t, d,
                        float(f(x0)), g0, float(g0 @ d), max_ls=max_ls, tolerance_change=tol)

    def torch_evaluate(x, s, direction):
        x = x.numpy() + float(s) * direction.numpy()
        return float(f(x)), torch.from_numpy(grad(x))

    tg0 = torch.from_numpy(g0)
    theirs = torch_search(torch_evaluate, torch.from_numpy(x0), t, torch.from_numpy(d),
                          float(f(x0)), tg0, tg0 @ torch.from_numpy(d), max_ls=max_ls,
                          tolerance_change=tol)
    assert ours[3] == theirs[3]  # the same number of evaluations
    np.testing.assert_allclose(ours[2], float(theirs[2]), rtol=1e-12)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-12)
    np.testing.assert_allclose(ours[1], theirs[1].numpy(), rtol=1e-12)


# -- Newton -------------------------------------------------------------------------------
def test_newton_solves_a_convex_quadratic_in_one_step():
    rng = np.random.default_rng(3)
    m = rng.standard_normal((5, 5))
    a = m @ m.T + 5 * np.eye(5)  # symmetric positive definite
    b = rng.standard_normal(5)
    w = Tensor(rng.standard_normal((2, 2)), requires_grad=True)
    v = Tensor(rng.standard_normal(1), requires_grad=True)
    A, B = Tensor(a), Tensor(b)

    def loss():
        x = autograd.concatenate([w.reshape(-1), v])
        return 0.5 * (x @ (A @ x)) - B @ x

    opt = optim.Newton([w, v])
    opt.step(loss)
    solution = np.linalg.solve(a, b)
    np.testing.assert_allclose(np.concatenate([w.data.ravel(), v.data]), solution, rtol=1e-10)
    assert w.shape == (2, 2) and v.shape == (1,)


def test_newton_converges_on_rosenbrock_from_the_classic_start():
    x = Tensor(START.copy(), requires_grad=True)
    opt = optim.Newton([x])
    for _ in range(10):
        opt.step(lambda: rosenbrock(x))
    np.testing.assert_allclose(x.data, [1.0, 1.0], atol=1e-8)


def test_newton_hessian_matches_the_analytic_one():
    x = Tensor(np.array([0.3, -0.7]), requires_grad=True)
    grad, hessian = optim.newton.flat_gradient_and_hessian(rosenbrock(x), [x])
    x0, x1 = x.data
    np.testing.assert_allclose(grad, [-2 * (1 - x0) - 400 * x0 * (x1 - x0**2),
                                      200 * (x1 - x0**2)])
    np.testing.assert_allclose(hessian, [[2 - 400 * x1 + 1200 * x0**2, -400 * x0],
                                         [-400 * x0, 200]])


def test_newton_damping_and_rate_scale_the_step():
    x = Tensor(np.array([2.0, -4.0]), requires_grad=True)
    opt = optim.Newton([x], lr=0.5, damping=1.0)
    opt.step(lambda: (x * x).sum())  # H = 2I, g = 2x: step 0.5·2x/(2 + 1)
    np.testing.assert_allclose(x.data, np.array([2.0, -4.0]) * (1 - 1 / 3))


def test_newton_ignores_unused_parameters():
    x = Tensor(np.array([3.0]), requires_grad=True)
    unused = Tensor(np.array([5.0]), requires_grad=True)
    opt = optim.Newton([x, unused], damping=1e-9)
    opt.step(lambda: ((x - 1.0) ** 2).sum())
    np.testing.assert_allclose(x.data, [1.0], rtol=1e-6)
    assert unused.data.tolist() == [5.0]


def test_newton_errors_are_clear():
    x = Tensor(np.zeros(2), requires_grad=True)
    with pytest.raises(ValueError, match="dense 2x2 Hessian.*max_params=1.*LBFGS"):
        optim.Newton([x], max_params=1)
    opt = optim.Newton([x])
    with pytest.raises(TypeError, match="needs a closure"):
        opt.step()
    with pytest.raises(np.linalg.LinAlgError, match="singular.*damping"):
        opt.step(lambda: x.sum())  # linear: the Hessian is zero
    with pytest.raises(TypeError, match="scalar Tensor"):
        opt.step(lambda: x * x)
    with pytest.raises(ValueError, match="parameter groups"):
        optim.Newton([{"params": [x]}, {"params": [Tensor(np.zeros(1), True)]}])


def test_newton_explains_a_closure_that_called_backward():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    opt = optim.Newton([x])

    def closure():
        loss = (x * x * x).sum()
        loss.backward()  # frees the graph Newton needs to differentiate twice
        return loss

    with pytest.raises(RuntimeError, match="Newton.*without calling backward"):
        opt.step(closure)
