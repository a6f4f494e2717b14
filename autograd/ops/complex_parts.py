"""The parts of complex numbers: conj, real, imag, angle (PyTorch's gradients).

For a real loss L, a complex input z gets ∂L/∂(Re z) + i ∂L/∂(Im z) (see complex_grad.py).
On real inputs these are NumPy's: conj and real are the identity, imag and angle constants
(0, and 0 or π) with a zero gradient.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..complex_grad import conj as _conj
from ..complex_grad import real_part as _real
from ..function import Op
from ..tensor import Tensor
from . import arithmetic as ar
from ._util import as_tensor

__all__ = ["conj", "real", "imag", "angle"]


class Conj(Op):
    """y = z̄; dz = ḡ"""

    complex_rule = "own"

    def forward(ctx: Any, x: Any) -> Any:
        return np.conjugate(x)

    def backward(ctx: Any, g: Any) -> tuple:
        return (_conj(g),)


class Real(Op):
    """y = Re z; dz = g (as a complex number)"""

    def forward(ctx: Any, z: Any) -> Any:
        ctx.saved = (z.dtype,)
        return np.real(z).copy()

    def backward(ctx: Any, g: Any) -> tuple:
        return (g.astype(ctx.saved[0]),)


class Imag(Op):
    """y = Im z; dz = i g"""

    def forward(ctx: Any, z: Any) -> Any:
        ctx.saved = (z.dtype,)
        return np.imag(z).copy()

    def backward(ctx: Any, g: Any) -> tuple:
        return (g.astype(ctx.saved[0]) * 1j,)


class Angle(Op):
    """y = atan2(Im z, Re z); dz = i g z / |z|² (0 at z = 0, as PyTorch)"""

    def forward(ctx: Any, z: Any) -> Any:
        ctx.saved = (z,)
        return np.angle(z)

    def backward(ctx: Any, g: Any) -> tuple:
        (z,) = ctx.saved
        r2 = _real(z * _conj(z))
        zero = (r2.data if isinstance(r2, Tensor) else r2) == 0
        return (np.where(zero, 0, g * 1j * z / np.where(zero, 1, r2)),)


def conj(x: Any) -> Tensor:
    """The complex conjugate z̄ (the identity on real tensors)."""
    x = as_tensor(x)
    return Conj.apply(x) if x.dtype.kind == "c" else x


def real(x: Any) -> Tensor:
    """Re z (the tensor itself when real)."""
    x = as_tensor(x)
    return Real.apply(x) if x.dtype.kind == "c" else x


def imag(x: Any) -> Tensor:
    """Im z (zeros, with a zero gradient, when real)."""
    x = as_tensor(x)
    return Imag.apply(x) if x.dtype.kind == "c" else ar.mul(x, 0.0)


def angle(x: Any, deg: bool = False) -> Tensor:
    """The argument atan2(Im z, Re z) in radians (degrees with deg=True); on real tensors
    0 for x >= 0, π for x < 0, with a zero gradient."""
    x = as_tensor(x)
    if x.dtype.kind == "c":
        y = Angle.apply(x)
        return ar.mul(y, 180 / np.pi) if deg else y
    pi = np.where(x.data < 0, 180.0 if deg else np.pi, 0.0).astype(x.dtype)
    return ar.add(ar.mul(x, 0.0), pi)


def real_if_close(x: Any, tol: float = 100) -> Tensor:
    """NumPy's real_if_close: Re z when every imaginary part is within tol machine epsilons
    of zero, else z itself."""
    x = as_tensor(x)
    if x.dtype.kind != "c":
        return x
    eps = np.finfo(x.dtype).eps * (tol if tol > 1 else 1)
    return real(x) if np.all(np.abs(x.data.imag) < eps) else x
