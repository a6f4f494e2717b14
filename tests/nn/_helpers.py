"""Test helpers for nn: numerical gradients of a module's parameters, memory layouts."""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from autograd import Tensor


def check_param_grads(loss_fn: Callable[[], Tensor], params: Sequence[Tensor],
                      eps: float = 1e-6, atol: float = 1e-6, rtol: float = 1e-4) -> None:
    """Assert that backward's gradients of the scalar `loss_fn()` with respect to float64
    `params` match central differences (loss_fn must be deterministic, e.g. reseed inside)."""
    for p in params:
        assert p.dtype == np.float64, "check_param_grads needs float64 parameters"
        p.grad = None
    loss_fn().backward()
    for k, p in enumerate(params):
        analytic = p.grad.data
        numeric = np.zeros_like(p.data)
        flat = p.data.reshape(-1)
        for i in range(flat.size):
            old = flat[i]
            flat[i] = old + eps
            hi = loss_fn().item()
            flat[i] = old - eps
            lo = loss_fn().item()
            flat[i] = old
            numeric.reshape(-1)[i] = (hi - lo) / (2 * eps)
        np.testing.assert_allclose(analytic, numeric, atol=atol, rtol=rtol,
                                   err_msg=f"parameter {k} of shape {p.shape}")


LAYOUTS = ["C", "F", "strided", "negative", "transposed"]


def in_layout(a: np.ndarray, layout: str) -> np.ndarray:
    """The same values as `a` in another memory layout."""
    if layout == "C":
        return np.ascontiguousarray(a)
    if layout == "F":
        return np.asfortranarray(a)
    if layout == "strided":  # every other element of a larger array
        big = np.zeros(tuple(2 * s for s in a.shape), a.dtype)
        every_other = tuple(slice(None, None, 2) for _ in a.shape)
        big[every_other] = a
        return big[every_other]
    flip = tuple(slice(None, None, -1) for _ in a.shape)
    if layout == "negative":  # a view walking memory backwards on every axis
        return np.ascontiguousarray(a[flip])[flip]
    axes = tuple(range(a.ndim))[::-1]  # layout == "transposed": a transposed view
    return np.ascontiguousarray(a.transpose(axes)).transpose(axes)
