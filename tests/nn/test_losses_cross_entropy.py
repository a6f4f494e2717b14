"""cross_entropy, the one fused log-softmax + NLL op: against torch over its options, against
the composite log_softmax + nll_loss it replaces, its invariants, dtype and errors."""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
import nn.functional as F
from autograd import Tensor


@dataclass(frozen=True)
class Config:
    name: str
    shape: tuple[int, ...]  # logits; classes on axis 1 (axis 0 when 1-D)
    probs: bool = False  # class-probability targets instead of indices
    weight: bool = False
    ignore: bool = False  # some targets equal ignore_index
    smoothing: float = 0.0


CONFIGS = [
    Config("plain", (5, 4)),
    Config("weighted", (5, 4), weight=True),
    Config("ignored", (6, 3), ignore=True),
    Config("smoothed", (5, 4), smoothing=0.2),
    Config("everything", (6, 4), weight=True, ignore=True, smoothing=0.3),
    Config("spatial", (2, 3, 4, 2), weight=True, ignore=True),
    Config("spatial_smoothed", (2, 3, 5), smoothing=0.1),
    Config("unbatched", (4,)),
    Config("unbatched_smoothed", (4,), weight=True, smoothing=0.1),
    Config("probs", (5, 4), probs=True),
    Config("probs_all_options", (5, 4), probs=True, weight=True, smoothing=0.25),
    Config("probs_spatial", (2, 3, 4), probs=True, weight=True),
]


def _build(cfg: Config, seed: int = 0) -> tuple[np.ndarray, np.ndarray, dict]:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(cfg.shape) * 2
    c = cfg.shape[1] if len(cfg.shape) > 1 else cfg.shape[0]
    batch = cfg.shape[:1] + cfg.shape[2:] if len(cfg.shape) > 1 else ()
    if cfg.probs:
        t = rng.dirichlet(np.ones(c), size=int(np.prod(batch, dtype=int)))
        t = np.moveaxis(t.reshape(batch + (c,)), -1, 1 if batch else 0)
    else:
        t = rng.integers(0, c, batch)
        if cfg.ignore:
            t.reshape(-1)[::3] = 1  # class 1 is ignored here, and appears as a label
    kw: dict = {"label_smoothing": cfg.smoothing}
    if cfg.weight:
        kw["weight"] = np.linspace(0.4, 1.9, c)
    if cfg.ignore:
        kw["ignore_index"] = 1
    return x, t, kw


def _torch_kw(torch: Any, kw: dict, dtype: Any) -> dict:
    out = dict(kw)
    if "weight" in out:
        out["weight"] = torch.tensor(out["weight"], dtype=dtype)
    return out


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("cfg", CONFIGS, ids=[c.name for c in CONFIGS])
def test_matches_torch(cfg: Config, reduction: str, dtype: Any) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is the optional reference")
    x0, t0, kw = _build(cfg)
    x0 = x0.astype(dtype)
    t0 = t0.astype(dtype) if cfg.probs else t0
    x, tx = Tensor(x0.copy(), requires_grad=True), torch.tensor(x0, requires_grad=True)
    t = Tensor(t0.copy(), requires_grad=cfg.probs)
    tt = torch.tensor(t0, requires_grad=cfg.probs)
    y = F.cross_entropy(x, t, reduction=reduction, **kw)
    ty = torch.nn.functional.cross_entropy(tx, tt, reduction=reduction,
                                           **_torch_kw(torch, kw, tx.dtype))
    assert y.shape == tuple(ty.shape) and y.dtype == dtype
    tol = {"rtol": 1e-10, "atol": 1e-12} if dtype == np.float64 else {"rtol": 3e-5,
                                                                       "atol": 3e-6}
    np.testing.assert_allclose(y.data, ty.detach().numpy(), **tol)
    w = np.random.default_rng(1).standard_normal(y.shape).astype(dtype)
    (y * w).sum().backward()
    (ty * torch.tensor(w)).sum().backward()
    assert x.grad.dtype == dtype
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), **tol)
    if cfg.probs:
        np.testing.assert_allclose(t.grad.data, tt.grad.numpy(), **tol)


SECOND_ORDER = [c for c in CONFIGS if c.shape == (5, 4) or c.probs or c.name == "spatial"]


@pytest.mark.parametrize("reduction", ["mean", "none"])
@pytest.mark.parametrize("cfg", SECOND_ORDER, ids=[c.name for c in SECOND_ORDER])
def test_second_derivative_matches_torch(cfg: Config, reduction: str) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is the optional reference")
    x0, t0, kw = _build(cfg, seed=2)
    x, tx = Tensor(x0.copy(), requires_grad=True), torch.tensor(x0, requires_grad=True)
    y = F.cross_entropy(x, t0, reduction=reduction, **kw)
    w = np.random.default_rng(3).standard_normal(y.shape)
    (g,) = autograd.grad((y * w).sum(), x, create_graph=True)
    (g * g * g).sum().backward()
    loss = torch.nn.functional.cross_entropy(tx, torch.tensor(t0), reduction=reduction,
                                             **_torch_kw(torch, kw, tx.dtype))
    (tg,) = torch.autograd.grad((loss * torch.tensor(w)).sum(), tx, create_graph=True)
    (tg * tg * tg).sum().backward()
    np.testing.assert_allclose(g.data, tg.detach().numpy(), rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-9, atol=1e-13)


def _composite(x: Tensor, t: np.ndarray, cfg: Config, kw: dict) -> Tensor:
    """What the fused op replaces: log_softmax, then NLL (+ ε/C of the uniform target's)."""
    logp = F.log_softmax(x, axis=1)
    c = x.shape[1]
    if cfg.probs:
        q = t * (1 - cfg.smoothing) + cfg.smoothing / c
        q = q * kw["weight"] if cfg.weight else q
        return -(logp * q).sum(axis=1).mean()
    nll_kw = {k: v for k, v in kw.items() if k != "label_smoothing"}
    loss = F.nll_loss(logp, t, **nll_kw)
    if cfg.smoothing:
        w = kw.get("weight", np.ones(c))
        counted = t != kw.get("ignore_index", -100)
        smooth = -(logp * w).sum(axis=1) * counted
        denom = w[np.where(counted, t, 0)][counted].sum()
        loss = (1 - cfg.smoothing) * loss + smooth.sum() * (cfg.smoothing / c / denom)
    return loss


@pytest.mark.parametrize("cfg", [c for c in CONFIGS if len(c.shape) == 2],
                         ids=[c.name for c in CONFIGS if len(c.shape) == 2])
def test_fused_matches_composite(cfg: Config) -> None:
    x0, t, kw = _build(cfg, seed=3)
    results = []
    for fn in (lambda x: F.cross_entropy(x, t, **kw), lambda x: _composite(x, t, cfg, kw)):
        x = Tensor(x0.copy(), requires_grad=True)
        y = fn(x)
        (g,) = autograd.grad(y, x, create_graph=True)
        (g * g).sum().backward()
        results.append((y.data, g.data, x.grad.data))
    for ours, ref in zip(*results):
        np.testing.assert_allclose(ours, ref, rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("cfg", [CONFIGS[0], CONFIGS[4], CONFIGS[5], CONFIGS[10]],
                         ids=lambda c: c.name)
def test_gradcheck_float64(cfg: Config) -> None:
    x0, t0, kw = _build(cfg, seed=4)
    inputs = [Tensor(x0, requires_grad=True)]
    if cfg.probs:
        inputs.append(Tensor(t0, requires_grad=True))
        assert autograd.gradcheck(lambda x, t: F.cross_entropy(x, t, reduction="none", **kw),
                                  inputs)
    else:
        assert autograd.gradcheck(lambda x: F.cross_entropy(x, t0, reduction="none", **kw),
                                  inputs)


@given(n=st.integers(1, 6), c=st.integers(2, 6), seed=st.integers(0, 2**16),
       dtype=st.sampled_from([np.float32, np.float64]),
       reduction=st.sampled_from(["mean", "sum", "none"]),
       smoothing=st.sampled_from([0.0, 0.3]), weighted=st.booleans())
def test_properties(n: int, c: int, seed: int, dtype: Any, reduction: str, smoothing: float,
                    weighted: bool) -> None:
    rng = np.random.default_rng(seed)
    x0 = (rng.standard_normal((n, c)) * 5).astype(dtype)
    t = rng.integers(0, c, n)
    weight = rng.uniform(0.1, 2, c) if weighted else None
    x = Tensor(x0.copy(), requires_grad=True)
    y = F.cross_entropy(x, t, weight=weight, reduction=reduction, label_smoothing=smoothing)
    assert y.dtype == dtype and y.shape == ((n,) if reduction == "none" else ())
    assert (y.data >= 0).all() and np.isfinite(y.data).all()
    y.sum().backward()
    g = x.grad.data
    assert g.dtype == dtype
    # Each row's gradient is (Σq)·p - q: its entries sum to zero, and it pushes the target's
    # logit up (unless smoothing outweighs).
    np.testing.assert_allclose(g.sum(axis=1), 0, atol=1e-5 if dtype == np.float32 else 1e-12)
    if smoothing == 0:
        assert (g[np.arange(n), t] <= 0).all()
    np.testing.assert_array_equal(x.data, x0)  # the input is never modified


def test_backward_twice_with_retain_graph_gives_the_same_gradient() -> None:
    x = Tensor(np.random.default_rng(5).standard_normal((4, 3)), requires_grad=True)
    y = F.cross_entropy(x, np.array([0, 2, 1, 1]))
    y.backward(retain_graph=True)
    first = x.grad.data.copy()
    y.backward()
    np.testing.assert_allclose(x.grad.data, 2 * first, rtol=1e-15)


@pytest.mark.parametrize("fn", [F.cross_entropy, F.nll_loss])
def test_all_targets_ignored_gives_nan_mean_and_zero_gradient_like_torch(fn: Any) -> None:
    x = Tensor(np.zeros((2, 3)), requires_grad=True)
    y = fn(x, np.array([-100, -100]))
    assert np.isnan(y.item())
    y.backward()
    np.testing.assert_array_equal(x.grad.data, 0.0)
    assert fn(x, np.array([-100, -100]), reduction="sum").item() == 0


@pytest.mark.parametrize("fn", [F.cross_entropy, F.nll_loss])
def test_empty_batch_mean_is_nan_without_warnings(fn: Any) -> None:
    x = Tensor(np.zeros((0, 3)), requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = fn(x, np.zeros(0, dtype=np.int64))
        y.backward()
    assert np.isnan(y.item()) and x.grad.shape == (0, 3)
    assert fn(x, np.zeros(0, dtype=np.int64), reduction="sum").item() == 0


def test_errors_name_the_problem_and_the_remedy() -> None:
    x = Tensor(np.zeros((4, 3)))
    with pytest.raises(IndexError, match=r"cross_entropy: target values .* \[0, 3\).*got \[3\]"):
        F.cross_entropy(x, np.array([0, 1, 2, 3]))
    with pytest.raises(IndexError, match=r"got \[-1\]"):
        F.cross_entropy(x, np.array([0, -1, 2, 2]))
    with pytest.raises(ValueError, match=r"shape \(4,\).*got target shape \(5,\).*batch sizes"):
        F.cross_entropy(x, np.zeros(5, dtype=np.int64))
    with pytest.raises(TypeError, match=r"must be integers.*astype\(np.int64\)"):
        F.cross_entropy(x, np.zeros(4))
    with pytest.raises(ValueError, match=r"weight must have one entry per class, shape \(3,\)"):
        F.cross_entropy(x, np.zeros(4, dtype=int), weight=np.ones(4))
    with pytest.raises(ValueError, match="label_smoothing must be in"):
        F.cross_entropy(x, np.zeros(4, dtype=int), label_smoothing=1.5)
    with pytest.raises(ValueError, match="0-d input"):
        F.cross_entropy(Tensor(np.array(1.0)), np.array(0))
    with pytest.raises(IndexError, match=r"nll_loss: target values"):
        F.nll_loss(x, np.array([0, 1, 2, 7]))
