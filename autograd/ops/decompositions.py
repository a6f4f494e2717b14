"""NumPy's linear algebra on Tensors: inv, pinv, solve, det, slogdet, cholesky, eigh, svd.

Reached through NumPy's dispatch (`np.linalg.inv(t)`), batched over leading axes as in NumPy.
Backwards are written with matmul, swapaxes and np.linalg themselves, so they are
differentiable again. `eigh` and `cholesky` read one triangle of their input, as NumPy does:
their gradient is the derivative of that function (nonzero on that triangle only); for a
symmetric input it carries the same information as the symmetric gradient.

With `create_graph=True` the outputs that `Eigh` and `Svd` saved are rebuilt as the output
Tensors of their node, so a second derivative reaches the input through them.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..complex_grad import conj
from ..function import Op
from ..grad_mode import is_grad_enabled
from ..tensor import Tensor


def _mT(x: Any) -> Any:
    return np.swapaxes(x, -1, -2)


def _eye(n: int) -> np.ndarray:
    return np.eye(n)


def _data(x: Any) -> np.ndarray:
    return x.data if isinstance(x, Tensor) else np.asarray(x)


def _square(op: str, a: Any) -> None:
    shape = np.shape(a)
    if len(shape) < 2 or shape[-1] != shape[-2]:
        raise ValueError(f"np.linalg.{op}: needs square matrices (..., n, n), got shape {shape}")


def _mH(x: Any) -> Any:
    return conj(np.swapaxes(x, -1, -2))


def _onto_triangle(gs: Any, lower: bool, adjoint: Any = _mT) -> Any:
    """From a gradient with respect to a symmetric (Hermitian: adjoint=_mH) matrix to one
    with respect to the input of which only the lower (upper) triangle is read: off-diagonal
    entries count twice."""
    gs = (gs + adjoint(gs)) / 2
    n = np.shape(gs)[-1]
    tri = np.tril(gs, -1) if lower else np.triu(gs, 1)
    return 2 * tri + gs * _eye(n)


class Inv(Op):
    """y = a⁻¹; da = -yᵀ g yᵀ"""

    complex_rule = "holomorphic"

    def forward(ctx: Any, a: Any) -> Any:
        _square("inv", a)
        y = np.linalg.inv(a)
        ctx.saved = (y,)
        return y

    def backward(ctx: Any, g: Any) -> tuple:
        (y,) = ctx.saved
        yt = _mT(y)
        return (-(yt @ g @ yt),)


class Pinv(Op):
    """p = a⁺ (m×n a); da = -pᵀ g pᵀ + (I - a p) gᵀ p pᵀ + pᵀ p gᵀ (I - p a), the derivative
    where the rank does not change (Golub and Pereyra), as PyTorch's"""

    def forward(ctx: Any, a: Any, hermitian: bool, **kwargs: Any) -> Any:
        if np.ndim(a) < 2:
            raise ValueError(f"np.linalg.pinv: needs matrices (..., m, n), got shape "
                             f"{np.shape(a)}")
        p = np.linalg.pinv(a, hermitian=hermitian, **kwargs)
        ctx.saved = (a, p, hermitian)
        return p

    def backward(ctx: Any, g: Any) -> tuple:
        a, p, hermitian = ctx.saved
        if hermitian:  # NumPy read the symmetric matrix of a's lower triangle
            a = np.tril(a) + _mT(np.tril(a, -1))
        m, n = np.shape(a)[-2:]
        pt, gt = _mT(p), _mT(g)
        ga = (-(pt @ g @ pt) + (_eye(m) - a @ p) @ (gt @ (p @ pt))
              + (pt @ p) @ (gt @ (_eye(n) - p @ a)))
        return (_onto_triangle(ga, True) if hermitian else ga, None)


class Solve(Op):
    """x = a⁻¹ b; db = a⁻ᵀ g, da = -db xᵀ (b a vector when 1-D, else (..., n, k))"""

    complex_rule = "holomorphic"

    def forward(ctx: Any, a: Any, b: Any) -> Any:
        _square("solve", a)
        x = np.linalg.solve(a, b)
        ctx.saved = (a, b, x)
        return x

    def backward(ctx: Any, g: Any) -> tuple:
        a, b, x = ctx.saved
        if np.ndim(b) == 1:
            gb = np.linalg.solve(_mT(a), g[..., None])[..., 0]
            ga = -(gb[..., :, None] * x[..., None, :])
        else:
            gb = np.linalg.solve(_mT(a), g)
            ga = -(gb @ _mT(x))
        return (ga if ctx.parents[0] is not None else None,
                gb if ctx.parents[1] is not None else None)


class Det(Op):
    """d = det a; da = g d a⁻ᵀ (the cofactor matrix, also for singular a)"""

    complex_rule = "holomorphic"

    def forward(ctx: Any, a: Any) -> Any:
        _square("det", a)
        d = np.linalg.det(a)
        ctx.saved = (a, d)
        return d

    def backward(ctx: Any, g: Any) -> tuple:
        a, d = ctx.saved
        with np.errstate(all="ignore"):
            invertible = np.all(np.isfinite(1 / _data(d)))
        cof = d[..., None, None] * _mT(np.linalg.inv(a)) if invertible else _cofactor(a)
        return (g[..., None, None] * cof,)


def _cofactor(a: Any) -> Any:
    """det(a) a⁻ᵀ without an inverse (a may be singular): with a = U S Vh it is
    det(U) det(Vh) U diag(∏_{j≠i} sⱼ) Vh."""
    u, s, vh = np.linalg.svd(a)
    n = np.shape(s)[-1]
    others = np.prod(np.where(np.eye(n, dtype=bool), 1.0, s[..., None, :]), axis=-1)
    sign = np.linalg.det(u) * np.linalg.det(vh)
    return sign[..., None, None] * ((u * others[..., None, :]) @ vh)


class LogAbsDet(Op):
    """l = log |det a|; da = g a⁻ᵀ (complex a: g a⁻ᴴ)"""

    def forward(ctx: Any, a: Any) -> Any:
        _square("slogdet", a)
        ctx.saved = (a,)
        return np.linalg.slogdet(a)[1]

    def backward(ctx: Any, g: Any) -> tuple:
        (a,) = ctx.saved
        return (g[..., None, None] * conj(_mT(np.linalg.inv(a))),)


class Cholesky(Op):
    """L = chol a (lower); with S = L⁻ᵀ Φ(Lᵀ ḡ) L⁻¹, Φ = lower triangle with half diagonal,
    da = S symmetrized, onto the lower triangle"""

    def forward(ctx: Any, a: Any) -> Any:
        _square("cholesky", a)
        low = np.linalg.cholesky(a)
        ctx.saved = (low,)
        return low

    def backward(ctx: Any, g: Any) -> tuple:
        (low,) = ctx.saved
        n = np.shape(low)[-1]
        p = _mT(low) @ g
        phi = np.tril(p, -1) + p * (_eye(n) / 2)
        inv = np.linalg.inv(low)
        return (_onto_triangle(_mT(inv) @ phi @ inv, True),)


def _off_diagonal_inverse(w: Any) -> Any:
    """F[i, j] = 1 / (w[j] - w[i]) off the diagonal, 0 on it."""
    n = np.shape(w)[-1]
    eye = _eye(n)
    diff = w[..., None, :] - w[..., :, None]
    return (1 - eye) / (diff + eye)


class Eigh(Op):
    """(w, V) = eigh a; da = V (diag(ḡw) + F ∘ (Vᵀ ḡV)) Vᵀ, symmetrized, onto the triangle
    read (F[i, j] = 1/(wⱼ - wᵢ)); complex a: ᴴ for ᵀ"""

    complex_rule = "own"

    def forward(ctx: Any, a: Any, lower: bool) -> Any:
        _square("eigh", a)
        w, v = np.linalg.eigh(a, "L" if lower else "U")
        ctx.saved = (w, v, lower)  # under create_graph: the outputs, rebuilt on this node
        return w, v

    def backward(ctx: Any, gw: Any, gv: Any) -> tuple:
        # One formula for real and complex a: ᴴ (_mH) is ᵀ on real arrays; a complex a is
        # Hermitian, and goes onto the triangle as one.
        w, v, lower = ctx.saved
        inner = gw[..., :, None] * _eye(np.shape(w)[-1])
        if np.any(_data(gv)):  # eigenvectors used: needs distinct eigenvalues
            vh_gv = _mH(v) @ gv
            if np.iscomplexobj(_data(vh_gv)):
                _check_phase_free("eigh", np.diagonal(_data(vh_gv), 0, -2, -1))
            inner = inner + _off_diagonal_inverse(w) * vh_gv
        return _onto_triangle(v @ inner @ _mH(v), lower, _mH), None


def _check_phase_free(op: str, d: np.ndarray) -> None:
    """Complex eigen/singular vectors are defined up to a phase e^{iφ} each; a loss that
    depends on it has no gradient (then Im diag(VᴴḡV) ≠ 0): refused, as PyTorch does."""
    if np.any(np.abs(d.imag) > 1e-6 * (1 + np.abs(d))):
        raise ValueError(
            f"{op}: the loss depends on the phase of the complex vectors, which {op} leaves "
            "free (each vector is defined up to e^{iφ}), so it has no gradient; use a loss "
            "that ignores it (abs(v), v vᴴ, a rebuilt matrix, the values, ...)")


class Svd(Op):
    """(U, s, Vh) = svd a (reduced); with F[i, j] = 1/(sⱼ² - sᵢ²), V = Vhᵀ:
    da = U [F∘(UᵀḡU - ḡUᵀU) S + diag(ḡs) + S F∘(VᵀḡV - ḡVᵀV)] Vᵀ
         + (I - UUᵀ) ḡU S⁻¹ Vᵀ + U S⁻¹ ḡVᵀ (I - VVᵀ);
    complex a: ᴴ for ᵀ, plus i Im(diag(UᴴḡU)) / S on the diagonal of the core"""

    complex_rule = "own"

    def forward(ctx: Any, a: Any) -> Any:
        u, s, vh = np.linalg.svd(a, full_matrices=False)
        ctx.saved = (u, s, vh)  # under create_graph: the outputs, rebuilt on this node
        return u, s, vh

    def backward(ctx: Any, gu: Any, gs: Any, gvh: Any) -> tuple:
        # One formula for real and complex a: ᴴ (_mH) is ᵀ on real arrays.
        u, s, vh = ctx.saved
        m, n = np.shape(u)[-2], np.shape(vh)[-1]
        k = np.shape(s)[-1]
        if not (np.any(_data(gu)) or np.any(_data(gvh))):
            return ((u * gs[..., None, :]) @ vh,)  # singular values only: U diag(ḡs) Vᴴ
        v, gv = _mH(vh), _mH(gvh)
        f = _off_diagonal_inverse(s * s)
        uh_gu, vh_gv = _mH(u) @ gu, _mH(v) @ gv
        j = f * (uh_gu - _mH(uh_gu))
        kk = f * (vh_gv - _mH(vh_gv))
        inv_s = 1 / s
        diag = gs
        if np.iscomplexobj(_data(uh_gu)):
            # The phase of each singular pair (uᵢ, vᵢ) is free, so only losses that ignore it
            # have a gradient; for those, Im diag(UᴴḡU) = -Im diag(VᴴḡV), which enters once.
            _check_phase_free("svd", np.diagonal(_data(uh_gu) + _data(vh_gv), 0, -2, -1))
            diag = gs + np.imag(np.diagonal(uh_gu, 0, -2, -1)) * inv_s * 1j
        core = j * s[..., None, :] + diag[..., :, None] * _eye(k) + s[..., :, None] * kk
        out = u @ core @ vh
        if m > k:
            out = out + (gu - u @ uh_gu) @ (inv_s[..., :, None] * vh)
        if n > k:
            out = out + (u * inv_s[..., None, :]) @ (_mH(gv) - _mH(vh_gv) @ vh)
        return (out,)


def inv(a: Any) -> Tensor:
    """The matrix inverse (NumPy's linalg.inv)."""
    return Inv.apply(a)


def pinv(a: Any, rcond: Any = None, hermitian: bool = False, **kwargs: Any) -> Tensor:
    """The Moore-Penrose pseudo-inverse (NumPy's linalg.pinv; `rtol` as keyword). Its
    gradient holds where small changes keep the rank. hermitian=True reads the lower
    triangle only (NumPy decomposes with eigh), so the gradient lies on that triangle."""
    if rcond is not None:
        kwargs["rcond"] = rcond
    return Pinv.apply(a, bool(hermitian), **kwargs)


def solve(a: Any, b: Any) -> Tensor:
    """x with a x = b (NumPy 2's linalg.solve: b is a vector only when 1-D)."""
    return Solve.apply(a, b)


def det(a: Any) -> Tensor:
    """The determinant."""
    return Det.apply(a)


def slogdet(a: Any) -> tuple:
    """(sign, log |det a|); the sign is a constant."""
    data = a.data if isinstance(a, Tensor) else np.asarray(a)
    return Tensor(np.linalg.slogdet(data)[0]), LogAbsDet.apply(a)


def cholesky(a: Any, upper: bool = False) -> Tensor:
    """The lower Cholesky factor (upper=True: its transpose), reading the lower triangle."""
    low = Cholesky.apply(a)
    return _mT(low) if upper else low


def eigh(a: Any, UPLO: str = "L") -> tuple:  # noqa: N803  (NumPy's keyword)
    """(eigenvalues ascending, eigenvectors) of the symmetric matrix read from one triangle."""
    if UPLO not in ("L", "U"):
        raise ValueError(f"np.linalg.eigh: UPLO must be 'L' or 'U', got {UPLO!r}")
    return Eigh.apply(a, UPLO == "L")


def svd(a: Any, full_matrices: bool = True, compute_uv: bool = True,
        hermitian: bool = False) -> Any:
    """(U, s, Vh), or s alone with compute_uv=False. full_matrices=True on a non-square
    matrix that requires grad has no unique gradient (the completed basis is arbitrary):
    refused; on a constant it is NumPy's."""
    shape = np.shape(a)
    if len(shape) < 2:
        raise ValueError(f"np.linalg.svd: needs matrices (..., m, n), got shape {shape}")
    if compute_uv and full_matrices and shape[-1] != shape[-2]:
        if isinstance(a, Tensor) and a.requires_grad and is_grad_enabled():
            raise NotImplementedError(
                f"np.linalg.svd(full_matrices=True) of a {shape[-2]}x{shape[-1]} Tensor: the "
                "completed singular vectors are arbitrary and have no gradient; pass "
                "full_matrices=False")
        return tuple(Tensor(r) for r in np.linalg.svd(_data(a), full_matrices=True))
    u, s, vh = Svd.apply(a)
    return (u, s, vh) if compute_uv else s


DISPATCH_FUNCTIONS = {
    np.linalg.inv: inv, np.linalg.pinv: pinv, np.linalg.solve: solve, np.linalg.det: det,
    np.linalg.slogdet: slogdet, np.linalg.cholesky: cholesky, np.linalg.eigh: eigh,
    np.linalg.svd: svd,
}
