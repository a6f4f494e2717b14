"""autograd.functional against torch.autograd.functional on the same functions."""
from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import autograd as ag
from autograd import functional as F

torch = pytest.importorskip("torch", reason="torch.autograd.functional is the oracle")
TF = torch.autograd.functional
RNG = np.random.default_rng(3)
X, Y, V, W = (RNG.standard_normal(s) for s in ((3,), (3,), (3,), (2, 3)))


def two_in_one_out(a: Any, b: Any) -> Any:
    return (a.exp() * b).sin() + a * a


def one_in_two_out(a: Any) -> tuple:
    return a.tanh() * 2, (a * a).sum()


def scalar(a: Any) -> Any:
    return (a ** 3).sum() * a.sum() + (a[0] * a[1]).sin()


def scalar2(a: Any, b: Any) -> Any:
    return (a * b.exp()).sum() * (a ** 2).sum()


def ours(*arrays: np.ndarray) -> tuple:
    return tuple(ag.tensor(a) for a in arrays)


def theirs(*arrays: np.ndarray) -> tuple:
    return tuple(torch.tensor(a) for a in arrays)


def close(a: Any, b: Any) -> None:
    if isinstance(b, (tuple, list)):
        assert isinstance(a, tuple) and len(a) == len(b)
        for x, y in zip(a, b):
            close(x, y)
        return
    assert isinstance(a, ag.Tensor)
    np.testing.assert_allclose(a.data, b.detach().numpy(), rtol=1e-10, atol=1e-12)


CASES = [
    ("vjp", lambda m, ins, v: m.vjp(two_in_one_out, ins(X, Y), ins(V)[0])),
    ("vjp_one_input", lambda m, ins, v: m.vjp(one_in_two_out, ins(X)[0],
                                              (ins(V)[0], ins(np.array(1.5))[0]))),
    ("jvp", lambda m, ins, v: m.jvp(two_in_one_out, ins(X, Y), ins(V, X))),
    ("jvp_two_outputs", lambda m, ins, v: m.jvp(one_in_two_out, ins(X), ins(V))),
    ("jacobian", lambda m, ins, v: m.jacobian(two_in_one_out, ins(X, Y))),
    ("jacobian_single", lambda m, ins, v: m.jacobian(lambda a: a @ a.T, ins(W)[0])),
    ("jacobian_tuple_out", lambda m, ins, v: m.jacobian(one_in_two_out, ins(X))),
    ("hessian", lambda m, ins, v: m.hessian(scalar, ins(X)[0])),
    ("hessian_two_inputs", lambda m, ins, v: m.hessian(scalar2, ins(X, Y))),
    ("hvp", lambda m, ins, v: m.hvp(scalar, ins(X)[0], ins(V)[0])),
    ("hvp_two_inputs", lambda m, ins, v: m.hvp(scalar2, ins(X, Y), ins(V, X))),
    ("vhp", lambda m, ins, v: m.vhp(scalar, ins(X)[0], ins(V)[0])),
    ("vhp_two_inputs", lambda m, ins, v: m.vhp(scalar2, ins(X, Y), ins(V, X))),
]


@pytest.mark.parametrize("name, call", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("create_graph", [False, True])
def test_matches_torch(name: str, call: Any, create_graph: bool) -> None:
    ours_fn = _with(F, create_graph)
    theirs_fn = _with(TF, create_graph)
    close(call(ours_fn, ours, None), call(theirs_fn, theirs, None))


class _with:
    """The module's functions with create_graph fixed."""

    def __init__(self, module: Any, create_graph: bool) -> None:
        self.module, self.create_graph = module, create_graph

    def __getattr__(self, name: str) -> Any:
        fn = getattr(self.module, name)
        return lambda *a, **k: fn(*a, create_graph=self.create_graph, **k)


def test_results_are_detached_unless_create_graph() -> None:
    x = ag.tensor(X, requires_grad=True)
    _, g = F.vjp(lambda a: (a * a).sum(), x)
    assert not g.requires_grad
    _, g = F.vjp(lambda a: (a * a).sum(), x, create_graph=True)
    assert g.requires_grad
    (gg,) = ag.grad(g.sum(), [x])
    np.testing.assert_allclose(gg.data, 2 * np.ones(3))  # through the caller's graph


def test_create_graph_hessian_is_differentiable_again() -> None:
    xt = torch.tensor(X, requires_grad=True)
    x = ag.tensor(X, requires_grad=True)
    h = F.hessian(scalar, x, create_graph=True)
    th = TF.hessian(scalar, xt, create_graph=True)
    (g,) = ag.grad((h * h).sum(), [x])
    (tg,) = torch.autograd.grad((th * th).sum(), [xt])
    np.testing.assert_allclose(g.data, tg.numpy(), rtol=1e-10)


def test_independent_output_gives_zeros_or_strict_error() -> None:
    const = lambda a, b: a * 2  # noqa: E731  (does not depend on b)
    out = F.vjp(const, ours(X, Y), ag.tensor(V))[1]
    tout = TF.vjp(const, theirs(X, Y), torch.tensor(V))[1]
    close(out, tout)
    with pytest.raises(RuntimeError, match="does not depend on input 1"):
        F.vjp(const, ours(X, Y), ag.tensor(V), strict=True)
    close(F.jacobian(const, ours(X, Y)), TF.jacobian(const, theirs(X, Y)))
    close(F.jvp(const, ours(X, Y), ours(V, V))[1], TF.jvp(const, theirs(X, Y),
                                                         theirs(V, V))[1])


@pytest.mark.parametrize("call, match", [
    (lambda: F.vjp(two_in_one_out, ours(X, Y)), "v can be omitted"),
    (lambda: F.vjp(two_in_one_out, ours(X, Y), ag.tensor(W)), "shapes"),
    (lambda: F.hessian(two_in_one_out, ours(X, Y)), "one-element"),
    (lambda: F.jvp(two_in_one_out, ours(X, Y), ag.tensor(V)), "shapes"),
])
def test_bad_v_or_non_scalar_function_raises(call: Any, match: str) -> None:
    with pytest.raises(RuntimeError, match=match):
        call()


def test_inputs_must_be_tensors() -> None:
    with pytest.raises(TypeError, match="inputs"):
        F.jacobian(scalar, X)
