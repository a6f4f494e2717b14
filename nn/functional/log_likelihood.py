"""Cross-entropy on logits (one fused log-softmax + NLL op) and the negative log-likelihood.

Logits are (N, C), (N, C, d1, ...) or unbatched (C,); the ops work on rows (M, C), so other
layouts are moved there first (class axis last, then flattened) by differentiable reshapes.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Tensor
from autograd.extend import Op, scatter_add

from ._targets import as_rows, batch_shape, check_weight, class_indices, index_weights
from ._util import as_float_array, as_tensor, check_reduction, data_of, row_max
from .probabilities import log_softmax, softmax

__all__ = ["cross_entropy", "nll_loss"]


def _scaled_softmax(x: Any, e: Any, s: Any, r: Any) -> Any:
    """rᵢ · softmax(x)ᵢ per row: from the forward's eˣ⁻ᵐ and its row sums on arrays; as a
    differentiable op on Tensors (there e and s are constants, unusable for second order)."""
    if isinstance(x, Tensor):
        return softmax(x, axis=1) * r.reshape(-1, 1)
    return e * (r / s)[:, None]


def _flat_targets(shape: tuple, t: np.ndarray) -> np.ndarray:
    """Positions of (i, tᵢ) in the flattened (M, C) array: one index array gathers and
    scatters about twice as fast as the pair (rows, t)."""
    return np.arange(0, shape[0] * shape[1], shape[1]) + t


def _subtract_at(d: Any, t: Any, v: Any) -> Any:
    """d with vᵢ subtracted at (i, tᵢ): an index update, never a one-hot matrix."""
    if isinstance(d, Tensor):
        v = v if isinstance(v, Tensor) else Tensor(np.asarray(v))
        rows = np.arange(d.shape[0])
        return d - scatter_add(v.broadcast_to((d.shape[0],)), (rows, data_of(t)), d.shape)
    # d is this backward's own fresh array, but it takes the logits' layout: a flat write
    # reaches d only when d is C-contiguous (reshape(-1) of any other layout is a copy).
    if d.flags.c_contiguous:
        d.reshape(-1)[_flat_targets(d.shape, t)] -= v
    else:
        d[np.arange(d.shape[0]), t] -= v
    return d


def _reduced(loss: np.ndarray, denom: Any, dtype: np.dtype) -> np.ndarray:
    """The per-row losses ('none', denom None) or their sum over `denom` (1 for 'sum')."""
    if denom is None:
        return loss
    if denom == 0:  # nothing counted (all ignored, or no rows): NaN, as in PyTorch
        return np.full((), np.nan, dtype)
    return np.asarray(loss.sum() / denom, dtype=dtype)


def _scaled_grad(g: Any, denom: Any) -> Any:
    """The loss gradient per row: g itself for 'none', g / denom otherwise. With nothing
    counted the loss is NaN but no row moves it, so the gradient is zero, as in PyTorch."""
    if denom is None:
        return g
    return g * (1.0 / denom if denom else 0.0)


class CrossEntropyIndex(Op):
    """Rows x (M, C), class indices t: ℓᵢ = aᵢ(lseᵢ - x[i, tᵢ]) + bᵢ(W·lseᵢ - Σ_c w_c x_ic);
    dx = gᵢ((aᵢ + bᵢW) pᵢ - bᵢw - aᵢ·e_tᵢ), p = softmax(x), lse = ln Σ_c eˣ, W = Σ_c w_c"""

    def forward(ctx: Any, x: Any, t: Any, a: Any, b: Any, w: Any, wsum: float,
                denom: Any) -> Any:
        # a None: every row counts once (no weights, none ignored, no smoothing); b None: no
        # smoothing; denom None: reduction 'none', else the divisor of the sum.
        z = x - row_max(x)
        loss = -z.reshape(-1)[_flat_targets(z.shape, t)]
        if b is not None:
            zw = z.sum(axis=1) if w is None else z @ w
        e = np.exp(z, out=z)
        s = e.sum(axis=1)
        lse = np.log(s)
        loss += lse
        if a is not None:
            loss *= a
        if b is not None:
            loss += b * (wsum * lse - zw)
        ctx.saved = (x, t, e, s, a, b, w, wsum, denom)
        return _reduced(loss, denom, x.dtype)

    def backward(ctx: Any, g: Any) -> tuple:
        x, t, e, s, a, b, w, wsum, denom = ctx.saved
        gi = _scaled_grad(g, denom)
        ga = gi if a is None else gi * a
        d = _scaled_softmax(x, e, s, ga if b is None else ga + (gi * b) * wsum)
        if b is not None:
            gb = (gi * b).reshape(-1, 1)
            d = d - (gb if w is None else gb * w)
        return _subtract_at(d, t, ga), None, None, None, None, None, None


def _rows_softmax(x: Any, shift: Any, log: bool) -> Any:
    """(log-)softmax of rows: from the saved row shift on arrays, a differentiable op on
    Tensors."""
    if isinstance(x, Tensor):
        return log_softmax(x, axis=1) if log else softmax(x, axis=1)
    return x - shift if log else np.exp(x - shift)


class CrossEntropyProb(Op):
    """Rows x (M, C), class probabilities t: ℓᵢ = -Σ_c qᵢc log pᵢc, q = w((1-ε)t + ε/C);
    dx = gᵢ(Σ_c qᵢc · pᵢ - qᵢ), dt = -gᵢ(1-ε) w log pᵢ"""

    def forward(ctx: Any, x: Any, t: Any, w: Any, eps: float, denom: Any) -> Any:
        m = row_max(x)
        z = x - m
        lse = np.log(np.exp(z).sum(axis=1, keepdims=True))
        z -= lse
        loss = -(_smoothed(t, w, eps, x.shape[1]) * z).sum(axis=1)
        ctx.saved = (x, t, w, eps, denom, m + lse)
        return _reduced(loss, denom, x.dtype)

    def backward(ctx: Any, g: Any) -> tuple:
        x, t, w, eps, denom, shift = ctx.saved
        gi = _scaled_grad(g, denom).reshape(-1, 1)
        gx = gt = None
        if ctx.parents[0] is not None:
            q = _smoothed(t, w, eps, x.shape[1])
            gx = gi * (q.sum(axis=1, keepdims=True) * _rows_softmax(x, shift, False) - q)
        if ctx.parents[1] is not None:
            gt = gi * (-(1.0 - eps)) * _rows_softmax(x, shift, True)
            gt = gt if w is None else gt * w
        return gx, gt, None, None, None


def _smoothed(t: Any, w: Any, eps: float, c: int) -> Any:
    q = t if eps == 0 else t * (1.0 - eps) + eps / c
    return q if w is None else q * w


def cross_entropy(
    input: Any, target: Any, weight: Any = None, ignore_index: int = -100,
    reduction: str = "mean", label_smoothing: float = 0.0,
) -> Tensor:
    """-Σ_c q_c log softmax(input)_c per sample, as torch.nn.functional.cross_entropy.

    `target` holds class indices (shape of input without the class axis 1) or class
    probabilities (the input's shape); `weight` (C,) weighs classes; entries equal to
    `ignore_index` count for nothing; `label_smoothing` ε mixes the target with uniform ε/C.
    'mean' divides by the summed weights of the counted targets (the row count for
    probabilities).
    """
    name = "cross_entropy"
    check_reduction(name, reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"{name}: label_smoothing must be in [0, 1]; got {label_smoothing}")
    x = as_tensor(input)
    shape = x.shape
    if x.ndim == 0:
        raise ValueError(f"{name}: input must have a class axis, shape (C,), (N, C) or "
                         f"(N, C, d1, ...); got a 0-d input")
    c = shape[1] if x.ndim > 1 else shape[0]
    w = as_float_array(weight, x.dtype, name, "weight")
    check_weight(name, w, c)
    eps = float(label_smoothing)
    rows = as_rows(x)
    tdata = data_of(target)
    if tdata.shape == shape and tdata.dtype.kind == "f":
        t = as_tensor(target)
        if t.dtype != x.dtype:
            t = t.astype(x.dtype)
        denom = None if reduction == "none" else (rows.shape[0] if reduction == "mean" else 1)
        loss = CrossEntropyProb.apply(rows, as_rows(t), w, eps, denom)
    else:
        t, valid = class_indices(name, shape, tdata, ignore_index)
        counted = index_weights(t, valid, w, x.dtype)
        a, b = counted, None
        if eps > 0:
            a = np.full(t.shape, 1.0 - eps, x.dtype) if counted is None else \
                (1.0 - eps) * counted
            b = np.full(t.shape, eps / c, x.dtype) if valid is None else \
                ((eps / c) * valid).astype(x.dtype)
        wsum = float(c if w is None else w.sum())
        denom = None
        if reduction == "sum":
            denom = 1
        elif reduction == "mean":
            denom = t.shape[0] if counted is None else float(counted.sum())
        loss = CrossEntropyIndex.apply(rows, t, a, b, w, wsum, denom)
    return loss.reshape(batch_shape(shape)) if reduction == "none" else loss


def nll_loss(
    input: Any, target: Any, weight: Any = None, ignore_index: int = -100,
    reduction: str = "mean",
) -> Tensor:
    """-w[t] · input[t] per sample, input holding log-probabilities (class axis 1), as
    torch.nn.functional.nll_loss; 'mean' divides by the summed weights of the counted
    targets."""
    name = "nll_loss"
    check_reduction(name, reduction)
    x = as_tensor(input)
    if x.ndim == 0:
        raise ValueError(f"{name}: input must have a class axis, shape (C,), (N, C) or "
                         f"(N, C, d1, ...); got a 0-d input")
    c = x.shape[1] if x.ndim > 1 else x.shape[0]
    w = as_float_array(weight, x.dtype, name, "weight")
    check_weight(name, w, c)
    t, valid = class_indices(name, x.shape, data_of(target), ignore_index)
    a = index_weights(t, valid, w, x.dtype)
    picked = as_rows(x)[np.arange(t.shape[0]), t]
    loss = -picked if a is None else picked * -a
    if reduction == "none":
        return loss.reshape(batch_shape(x.shape))
    if reduction == "sum":
        return loss.sum()
    denom = t.shape[0] if a is None else float(a.sum())
    # Nothing counted (all ignored, or no rows): NaN, with a zero gradient, as in PyTorch.
    return loss.sum() * (1.0 / denom) if denom else loss.sum() + np.nan
