"""PyTorch-named losses (all but cross-entropy, which has its own file), driven by one table.

Each row builds its inputs, calls our loss and names torch's; the tests compare forward,
gradients (of every float argument torch differentiates) and, for fused ops, second
derivatives with torch.nn.functional; check gradients by central differences in float64; and
check the reductions against each other under Hypothesis (shapes, float32/float64).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
import nn.functional as F
from autograd import Tensor


@dataclass(frozen=True)
class Row:
    name: str
    make: Callable[[np.random.Generator, int, int], tuple[list, list]]  # -> (floats, consts)
    ours: Callable[..., Any]  # (*floats, *consts, reduction=) -> Tensor
    theirs: Callable[..., Any]  # (torch, *floats, *consts, reduction=) -> torch.Tensor
    reductions: tuple[str, ...] = ("mean", "sum", "none")
    fused: bool = False  # a fused op: check its second derivative too
    plain_mean: bool = True  # 'mean' is the mean of the 'none' output
    kw: dict = field(default_factory=dict)


def _pair(rng: np.random.Generator, n: int, c: int) -> tuple[list, list]:
    return [rng.standard_normal((n, c)), rng.standard_normal((n, c))], []


def _probs(rng: np.random.Generator, n: int, c: int) -> tuple[list, list]:
    return [rng.uniform(0.02, 0.98, (n, c)), rng.uniform(0, 1, (n, c))], []


def _logits(rng: np.random.Generator, n: int, c: int) -> tuple[list, list]:
    return [rng.standard_normal((n, c)) * 3, rng.uniform(0, 1, (n, c))], []


def _log_probs(rng: np.random.Generator, n: int, c: int) -> tuple[list, list]:
    p, q = rng.dirichlet(np.ones(c), n), rng.dirichlet(np.ones(c), n)
    return [np.log(p), q], []


def _scores(rng: np.random.Generator, n: int, c: int) -> tuple[list, list]:
    return [rng.standard_normal((n, c))], [rng.integers(0, c, n)]


def _counts(rng: np.random.Generator, n: int, c: int) -> tuple[list, list]:
    return [rng.uniform(0.1, 3, (n, c)), rng.poisson(2.0, (n, c)) + 0.5], []


def _cosine(rng: np.random.Generator, n: int, c: int) -> tuple[list, list]:
    return [rng.standard_normal((n, c)), rng.standard_normal((n, c))], \
        [np.where(np.arange(n) % 2 == 0, 1, -1)]


def _weights(c: int) -> np.ndarray:
    return np.linspace(0.5, 2.0, c)


ROWS = [
    Row("mse", _pair, F.mse_loss, lambda T, x, t, **k: T.nn.functional.mse_loss(x, t, **k)),
    Row("l1", _pair, F.l1_loss, lambda T, x, t, **k: T.nn.functional.l1_loss(x, t, **k)),
    Row("huber", _pair, lambda x, t, **k: F.huber_loss(x, t, delta=0.6, **k),
        lambda T, x, t, **k: T.nn.functional.huber_loss(x, t, delta=0.6, **k), fused=True),
    Row("smooth_l1", _pair, lambda x, t, **k: F.smooth_l1_loss(x, t, beta=0.6, **k),
        lambda T, x, t, **k: T.nn.functional.smooth_l1_loss(x, t, beta=0.6, **k), fused=True),
    Row("smooth_l1_beta0", _pair, lambda x, t, **k: F.smooth_l1_loss(x, t, beta=0.0, **k),
        lambda T, x, t, **k: T.nn.functional.smooth_l1_loss(x, t, beta=0.0, **k)),
    Row("bce", _probs, F.binary_cross_entropy,
        lambda T, x, t, **k: T.nn.functional.binary_cross_entropy(x, t, **k), fused=True),
    Row("bce_weight", _probs,
        lambda x, t, **k: F.binary_cross_entropy(x, t, weight=_weights(x.shape[1]), **k),
        lambda T, x, t, **k: T.nn.functional.binary_cross_entropy(
            x, t, weight=T.tensor(_weights(x.shape[1]), dtype=x.dtype), **k)),
    Row("bce_logits", _logits, F.binary_cross_entropy_with_logits,
        lambda T, x, t, **k: T.nn.functional.binary_cross_entropy_with_logits(x, t, **k),
        fused=True),
    Row("bce_logits_weights", _logits,
        lambda x, t, **k: F.binary_cross_entropy_with_logits(
            x, t, weight=_weights(x.shape[1])[::-1].copy(), pos_weight=_weights(x.shape[1]),
            **k),
        lambda T, x, t, **k: T.nn.functional.binary_cross_entropy_with_logits(
            x, t, weight=T.tensor(_weights(x.shape[1])[::-1].copy(), dtype=x.dtype),
            pos_weight=T.tensor(_weights(x.shape[1]), dtype=x.dtype), **k), fused=True),
    Row("nll", _log_probs, lambda x, t, **k: F.nll_loss(x, np.arange(x.shape[0]) % x.shape[1],
                                                        **k),
        lambda T, x, t, **k: T.nn.functional.nll_loss(
            x, T.arange(x.shape[0]) % x.shape[1], **k)),
    Row("multi_margin", _scores, F.multi_margin_loss,
        lambda T, x, t, **k: T.nn.functional.multi_margin_loss(x, t, **k)),
    Row("multi_margin_p2", _scores,
        lambda x, t, **k: F.multi_margin_loss(x, t, p=2, margin=0.7,
                                              weight=_weights(x.shape[1]), **k),
        lambda T, x, t, **k: T.nn.functional.multi_margin_loss(
            x, t, p=2, margin=0.7, weight=T.tensor(_weights(x.shape[1]), dtype=x.dtype), **k)),
    Row("kl_div", _log_probs, F.kl_div,
        lambda T, x, t, **k: T.nn.functional.kl_div(x, t, **k),
        reductions=("mean", "batchmean", "sum", "none")),
    Row("kl_div_log_target", _log_probs,
        lambda x, t, **k: F.kl_div(x, autograd.log(t), log_target=True, **k),
        lambda T, x, t, **k: T.nn.functional.kl_div(x, T.log(t), log_target=True, **k),
        reductions=("mean", "batchmean", "sum", "none")),
    Row("poisson_nll", _counts, lambda x, t, **k: F.poisson_nll_loss(x, t, full=True, **k),
        lambda T, x, t, **k: T.nn.functional.poisson_nll_loss(x, t, full=True, **k)),
    Row("poisson_nll_rate", _counts,
        lambda x, t, **k: F.poisson_nll_loss(x, t, log_input=False, **k),
        lambda T, x, t, **k: T.nn.functional.poisson_nll_loss(x, t, log_input=False, **k)),
    Row("cosine_embedding", _cosine,
        lambda a, b, y, **k: F.cosine_embedding_loss(a, b, y, margin=0.2, **k),
        lambda T, a, b, y, **k: T.nn.functional.cosine_embedding_loss(a, b, y, margin=0.2,
                                                                      **k)),
]
IDS = [r.name for r in ROWS]
CASES = [(r, red) for r in ROWS for red in r.reductions]
CASE_IDS = [f"{r.name}-{red}" for r, red in CASES]


def _tol(dtype: Any) -> dict:
    return {"rtol": 1e-10, "atol": 1e-12} if dtype == np.float64 else \
        {"rtol": 2e-5, "atol": 2e-6}


@pytest.mark.filterwarnings("ignore:reduction. 'mean' divides the total loss")  # torch's kl_div
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("row, reduction", CASES, ids=CASE_IDS)
def test_matches_torch(row: Row, reduction: str, dtype: Any) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is the optional reference")
    floats, consts = row.make(np.random.default_rng(len(row.name)), 4, 3)
    floats = [f.astype(dtype) for f in floats]
    ours = [Tensor(f.copy(), requires_grad=True) for f in floats]
    theirs = [torch.tensor(f, requires_grad=True) for f in floats]
    y = row.ours(*ours, *consts, reduction=reduction)
    ty = row.theirs(torch, *theirs, *[torch.tensor(c) for c in consts], reduction=reduction)
    assert y.shape == tuple(ty.shape) and y.dtype == dtype
    np.testing.assert_allclose(y.data, ty.detach().numpy(), **_tol(dtype))
    w = np.random.default_rng(9).standard_normal(y.shape).astype(dtype)
    (y * w).sum().backward()
    (ty * torch.tensor(w)).sum().backward()
    for a, b in zip(ours, theirs):
        if b.grad is not None:
            assert a.grad is not None and a.grad.dtype == dtype
            np.testing.assert_allclose(a.grad.data, b.grad.numpy(), **_tol(dtype))


@pytest.mark.parametrize("row", [r for r in ROWS if r.fused], ids=[r.name for r in ROWS
                                                                  if r.fused])
def test_second_derivative_matches_torch(row: Row) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is the optional reference")
    floats, consts = row.make(np.random.default_rng(11), 3, 4)
    x = Tensor(floats[0].copy(), requires_grad=True)
    tx = torch.tensor(floats[0], requires_grad=True)
    rest, trest = floats[1:], [torch.tensor(f) for f in floats[1:]]
    (g,) = autograd.grad(row.ours(x, *rest, *consts, reduction="sum"), x, create_graph=True)
    (g * g).sum().backward()
    (tg,) = torch.autograd.grad(row.theirs(torch, tx, *trest, reduction="sum"), tx,
                                create_graph=True)
    (tg * tg).sum().backward()
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("reduction", ["mean", "none"])
@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_gradcheck_float64(row: Row, reduction: str) -> None:
    floats, consts = row.make(np.random.default_rng(3), 3, 4)
    inputs = [Tensor(f, requires_grad=True) for f in floats]
    n = len(inputs)
    assert autograd.gradcheck(lambda *a: row.ours(*a[:n], *consts, reduction=reduction),
                              inputs)


@pytest.mark.parametrize("row", ROWS, ids=IDS)
@given(n=st.integers(1, 4), c=st.integers(2, 5), seed=st.integers(0, 2**16),
       dtype=st.sampled_from([np.float32, np.float64]))
def test_reductions_agree(row: Row, n: int, c: int, seed: int, dtype: Any) -> None:
    floats, consts = row.make(np.random.default_rng(seed), n, c)
    args = [Tensor(f.astype(dtype), requires_grad=True) for f in floats] + consts
    none = row.ours(*args, reduction="none")
    total = row.ours(*args, reduction="sum")
    assert none.dtype == total.dtype == dtype and total.shape == ()
    assert none.shape in ((n, c), (n,)) and np.isfinite(none.data).all()
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(total.data, none.data.sum(), rtol=rtol, atol=rtol)
    if row.plain_mean:
        mean = row.ours(*args, reduction="mean")
        np.testing.assert_allclose(mean.data, none.data.mean(), rtol=rtol, atol=rtol)
    total.backward()
    assert args[0].grad.dtype == dtype and args[0].grad.shape == floats[0].shape
