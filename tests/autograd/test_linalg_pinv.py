"""np.linalg.pinv on Tensors: the pseudo-inverse and its gradient, where the op table cannot
go (rank-deficient inputs, whose central differences jump with the rank; rcond/rtol cuts;
layouts; second derivatives), compared with PyTorch's linalg.pinv."""
from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import autograd as ag
from autograd import Tensor
from autograd.testing import in_layout

try:
    import torch
except ImportError:  # the PyTorch cross-checks skip; the refusals still run
    torch = None
needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch's linalg.pinv is the oracle")
RNG = np.random.default_rng(7)


def _rank(r: int, m: int, n: int) -> np.ndarray:
    return RNG.standard_normal((m, r)) @ RNG.standard_normal((r, n))


def _both(a: np.ndarray, w: np.ndarray, ours_kw: dict, torch_kw: dict) -> tuple:
    """(ours, PyTorch's) pseudo-inverse and gradient of sum(w * pinv(a))."""
    x, tx = Tensor(a, requires_grad=True), torch.tensor(np.ascontiguousarray(a),
                                                        requires_grad=True)
    p = np.linalg.pinv(x, **ours_kw)
    tp = torch.linalg.pinv(tx, **torch_kw)
    (p * w).sum().backward()
    (tp * torch.tensor(w)).sum().backward()
    return p.data, x.grad.data, tp.detach().numpy(), tx.grad.numpy()


@needs_torch
@pytest.mark.parametrize("r, m, n", [(1, 3, 3), (2, 4, 5), (2, 5, 4), (3, 6, 3)])
def test_rank_deficient_matches_pytorch(r: int, m: int, n: int) -> None:
    a = _rank(r, m, n)
    w = RNG.standard_normal((n, m))
    p, g, tp, tg = _both(a, w, {}, {})
    np.testing.assert_allclose(p, tp, atol=1e-10)
    np.testing.assert_allclose(g, tg, atol=1e-9)


@needs_torch
def test_rcond_and_rtol_cut_small_singular_values_as_pytorch_does() -> None:
    u, _ = np.linalg.qr(RNG.standard_normal((4, 4)))
    v, _ = np.linalg.qr(RNG.standard_normal((3, 3)))
    a = u[:, :3] @ np.diag([3.0, 1.0, 1e-3]) @ v.T  # the last value falls under 1e-2 · 3
    w = RNG.standard_normal((3, 4))
    for kw in ({"rcond": 1e-2}, {"rtol": 1e-2}):
        p, g, tp, tg = _both(a, w, kw, {"rtol": 1e-2})
        assert np.linalg.matrix_rank(p, tol=1e-8) == 2
        np.testing.assert_allclose(p, tp, atol=1e-10)
        np.testing.assert_allclose(g, tg, atol=1e-9)


@needs_torch
@pytest.mark.parametrize("layout", ["F", "strided", "reversed"])
def test_every_layout_gives_the_contiguous_answer(layout: str) -> None:
    base = _rank(3, 4, 3) + 0.5 * np.eye(4, 3)
    a = in_layout(base, layout)
    w = np.asfortranarray(RNG.standard_normal((3, 4)))
    p, g, tp, tg = _both(a, w, {}, {})
    np.testing.assert_allclose(p, tp, atol=1e-12)
    np.testing.assert_allclose(g, tg, atol=1e-10)


@needs_torch
def test_float32_stays_float32_and_batches() -> None:
    a = RNG.standard_normal((2, 3, 4)).astype(np.float32)
    x = Tensor(a, requires_grad=True)
    p = np.linalg.pinv(x)
    assert p.dtype == np.float32 and p.shape == (2, 4, 3)
    p.sum().backward()
    assert x.grad.dtype == np.float32
    tx = torch.tensor(a, requires_grad=True)
    torch.linalg.pinv(tx).sum().backward()
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-3, atol=1e-4)


@needs_torch
def test_second_derivative_matches_pytorch() -> None:
    a = RNG.standard_normal((4, 3))
    x, tx = Tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    (g,) = ag.grad((np.linalg.pinv(x) ** 2).sum(), x, create_graph=True)
    (tg,) = torch.autograd.grad((torch.linalg.pinv(tx) ** 2).sum(), tx, create_graph=True)
    np.testing.assert_allclose(g.data, tg.detach().numpy(), atol=1e-10)
    (gg,) = ag.grad((g * g).sum(), x)
    (tgg,) = torch.autograd.grad((tg * tg).sum(), tx)
    np.testing.assert_allclose(gg.data, tgg.numpy(), rtol=1e-8, atol=1e-9)


@needs_torch
def test_hermitian_reads_the_lower_triangle() -> None:
    low = np.tril(RNG.standard_normal((4, 4))) + 3 * np.eye(4)
    full = low + np.tril(low, -1).T
    w = RNG.standard_normal((4, 4))
    x = Tensor(low + np.triu(np.ones((4, 4)), 1) * 9.0, requires_grad=True)  # upper ignored
    p = np.linalg.pinv(x, hermitian=True)
    np.testing.assert_allclose(p.data, np.linalg.pinv(full), atol=1e-12)
    (p * w).sum().backward()
    tl = torch.tensor(low, requires_grad=True)
    (torch.linalg.pinv(torch.tril(tl) + torch.tril(tl, -1).T) * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(x.grad.data, np.tril(tl.grad.numpy()), atol=1e-10)


def test_a_vector_is_refused_naming_the_op_and_shape() -> None:
    with pytest.raises(ValueError, match=r"np.linalg.pinv: needs matrices .*\(3,\)"):
        np.linalg.pinv(Tensor(np.ones(3), requires_grad=True))


def test_constant_input_gives_a_constant() -> None:
    p: Any = np.linalg.pinv(Tensor(np.eye(3) * 2.0))
    assert isinstance(p, Tensor) and not p.requires_grad
    np.testing.assert_allclose(p.data, np.eye(3) / 2)
