"""np.linalg.eig and np.linalg.eigvals on Tensors, with PyTorch's gradient (linalg.eig).

A = V diag(L) V⁻¹ with unit-norm eigenvectors, batched over leading axes as in NumPy. The
outputs are NumPy's: complex unless every eigenvalue of a real input is real (then real, of
the input's precision). The gradient needs distinct eigenvalues: with a repeated one it is
inf/nan, as PyTorch's (and raises nothing). A loss of the eigenvectors' free phases (each
column is defined up to e^{iφ}) has no gradient and is refused, as PyTorch does.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..complex_grad import conj, real_part
from ..function import Op
from ..tensor import Tensor
from .decompositions import _check_phase_free, _data, _eye, _mH, _square


class Eig(Op):
    """(L, V) = eig a; with ḡ' = VᴴḡV - VᴴV Re(diag(VᴴḡV)) and E[i, j] = Lⱼ - Lᵢ:
    da = V⁻ᴴ (diag(ḡL) + ḡ' / conj(E) off the diagonal) Vᴴ (real a: its real part)"""

    complex_rule = "own"

    def forward(ctx: Any, a: Any) -> Any:
        _square("eig", a)
        w, v = np.linalg.eig(a)
        ctx.saved = (w, v)  # under create_graph: the outputs, rebuilt on this node
        return w, v

    def backward(ctx: Any, gw: Any, gv: Any) -> tuple:
        w, v = ctx.saved
        n = np.shape(w)[-1]
        eye = _eye(n)
        inner = gw[..., :, None] * eye
        # The vectors' term when they are used (it needs distinct eigenvalues), or when ḡV
        # may be differentiated (a zero seed that requires grad, as in a jvp by two vjps).
        if np.any(_data(gv)) or (isinstance(gv, Tensor) and gv.requires_grad):
            inner = inner + _vector_term(w, v, gv, eye)
        vh = _mH(v)
        with np.errstate(divide="ignore", invalid="ignore"):
            return (np.linalg.solve(vh, inner @ vh),)


def _vector_term(w: Any, v: Any, gv: Any, eye: np.ndarray) -> Any:
    """(VᴴḡV - VᴴV Re(diag(VᴴḡV))) / conj(Lⱼ - Lᵢ), zero on the diagonal."""
    vh_gv = _mH(v) @ gv
    diag = np.sum(vh_gv * eye, axis=-2)  # diag(VᴴḡV) as a row, one entry per column
    if np.iscomplexobj(_data(vh_gv)):
        _check_phase_free("eig", _data(diag))
    # The columns are normalized: only the part of ḡV that keeps their norms counts.
    vh_gv = vh_gv - _mH(v) @ (v * real_part(diag)[..., None, :])
    econj = conj(w[..., None, :] - w[..., :, None]) + eye
    with np.errstate(divide="ignore", invalid="ignore"):
        return vh_gv / econj * (1 - eye)


def eig(a: Any) -> tuple:
    """(eigenvalues, unit-norm eigenvectors as columns) of a square matrix (NumPy's
    linalg.eig), differentiable with PyTorch's gradient; distinct eigenvalues needed."""
    return Eig.apply(a)


def eigvals(a: Any) -> Tensor:
    """The eigenvalues of a square matrix (NumPy's linalg.eigvals): da = V⁻ᴴ diag(ḡL) Vᴴ."""
    return Eig.apply(a)[0]


DISPATCH_FUNCTIONS = {np.linalg.eig: eig, np.linalg.eigvals: eigvals}
