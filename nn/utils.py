"""Regularisation penalties, gradient clipping, the max-norm constraint, and (from
`nn.interop`) PyTorch-layout state dicts.

Gradients are never changed in place: a clipped gradient is a new array assigned to
`p.grad.data`, so arrays handed out earlier (or shared between tensors) keep their values.
"""
from __future__ import annotations

import math
from typing import Any, Iterable

import numpy as np

from autograd import Tensor

from . import _checks
from .interop import load_torch_state_dict, torch_state_dict

__all__ = ["l1_penalty", "l2_penalty", "elastic_net_penalty", "clip_grad_norm_",
           "clip_grad_value_", "max_norm_", "torch_state_dict", "load_torch_state_dict"]


def _param_list(params: Any, who: str = "nn.utils") -> list:
    if isinstance(params, Tensor):
        return [params]
    if not hasattr(params, "__iter__") or isinstance(params, (str, bytes, dict)):
        raise TypeError(f"{who}: params must be a Tensor or an iterable of Tensors (such as "
                        f"model.parameters()), got {type(params).__name__}")
    out = list(params)
    for p in out:
        if not isinstance(p, Tensor):
            raise TypeError(f"{who}: expected Tensors or Parameters, got {type(p).__name__}")
    return out


def _sum_of(terms: list, who: str) -> Tensor:
    if not terms:
        raise ValueError(f"{who}: no parameters given (pass model.parameters())")
    total = terms[0]
    for t in terms[1:]:
        total = total + t
    return total


def l1_penalty(params: Iterable[Tensor] | Tensor) -> Tensor:
    """Σ |w| over every element of every parameter (differentiable)."""
    return _sum_of([p.abs().sum() for p in _param_list(params, "l1_penalty")],
                   "l1_penalty")


def l2_penalty(params: Iterable[Tensor] | Tensor) -> Tensor:
    """Σ w² over every element of every parameter (differentiable; no ½)."""
    return _sum_of([(p * p).sum() for p in _param_list(params, "l2_penalty")],
                   "l2_penalty")


def elastic_net_penalty(params: Iterable[Tensor] | Tensor, l1_ratio: float = 0.5) -> Tensor:
    """r Σ |w| + (1 - r) Σ w² with r = l1_ratio in [0, 1]."""
    _checks.probability("elastic_net_penalty", "l1_ratio", l1_ratio)
    params = _param_list(params, "elastic_net_penalty")
    if not params:
        raise ValueError("elastic_net_penalty: no parameters given (pass model.parameters())")
    return l1_ratio * l1_penalty(params) + (1.0 - l1_ratio) * l2_penalty(params)


def _grads(params: Any, who: str) -> list:
    return [p for p in _param_list(params, who) if p.grad is not None]


def clip_grad_norm_(params: Iterable[Tensor] | Tensor, max_norm: float,
                    norm_type: float = 2.0, error_if_nonfinite: bool = False) -> Tensor:
    """Scale all gradients by min(1, max_norm / (‖g‖ + 1e-6)), ‖g‖ the norm of the
    concatenated gradients; returns ‖g‖ (as PyTorch's clip_grad_norm_)."""
    with_grad = _grads(params, "clip_grad_norm_")
    _checks.real("clip_grad_norm_", "max_norm", max_norm, lambda v: v >= 0, "must be >= 0",
                 finite=False)
    if isinstance(norm_type, str) and norm_type.lower() in ("inf", "infinity"):
        norm_type = math.inf
    norm_type = _checks.real("clip_grad_norm_", "norm_type", norm_type, lambda v: v > 0,
                             "must be > 0", finite=False)
    _checks.flag("clip_grad_norm_", "error_if_nonfinite", error_if_nonfinite)
    if not with_grad:
        return Tensor(np.float32(0.0))
    grads = [p.grad.data for p in with_grad]
    if norm_type == math.inf:
        # np.max, not max(): a NaN anywhere makes the norm NaN, as in PyTorch.
        total = float(np.max([np.max(np.abs(g)) if g.size else 0.0 for g in grads]))
    else:
        per = [np.sum(np.abs(g.astype(np.float64)) ** norm_type) for g in grads]
        total = float(np.sum(per)) ** (1.0 / norm_type)
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(
            f"clip_grad_norm_: the total norm of order {norm_type} of the gradients is {total}; "
            "pass error_if_nonfinite=False to clip anyway"
        )
    coef = max_norm / (total + 1e-6)
    # A NaN norm gives a NaN coefficient, which PyTorch applies too: every gradient becomes
    # NaN rather than the NaN staying hidden in one parameter.
    if coef < 1.0 or math.isnan(coef):
        for p in with_grad:
            g = p.grad.data
            with np.errstate(invalid="ignore"):  # inf · 0 is NaN, as in PyTorch
                p.grad.data = (g * coef).astype(g.dtype, copy=False)
    return Tensor(np.asarray(total, dtype=grads[0].dtype))


def clip_grad_value_(params: Iterable[Tensor] | Tensor, clip_value: float) -> None:
    """Clip every gradient element to [-clip_value, clip_value]."""
    _checks.real("clip_grad_value_", "clip_value", clip_value, lambda v: v >= 0,
                 "must be >= 0", finite=False)
    for p in _grads(params, "clip_grad_value_"):
        p.grad.data = np.clip(p.grad.data, -clip_value, clip_value)


def max_norm_(params: Iterable[Tensor] | Tensor, max_norm: float) -> None:
    """Rescale each output unit's incoming weights (a column of a 2-D Dense weight; all axes
    but the last for more axes) to norm ≤ max_norm: w ← w · max_norm / ‖w‖ where ‖w‖ >
    max_norm; columns inside the limit are left exactly as they are. One-dimensional
    parameters (biases) are left alone."""
    _checks.real("max_norm_", "max_norm", max_norm, lambda v: v >= 0, "must be >= 0",
                 finite=False)
    for p in _param_list(params, "max_norm_"):
        w = p.data
        if w.ndim < 2:
            continue
        norms = np.sqrt(np.sum(w * w, axis=tuple(range(w.ndim - 1)), keepdims=True))
        over = norms > max_norm
        if np.any(over):
            factor = np.where(over, max_norm / np.where(over, norms, 1), 1)
            p.data = (w * factor).astype(w.dtype, copy=False)
