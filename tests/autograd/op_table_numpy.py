"""Op-table rows for NumPy functions with no PyTorch name, called on Tensors through NumPy's
dispatch (autograd/ops/numpy_extra.py): np.vstack(t), np.logaddexp(a, b), np.linalg.inv(t)...

Appended to op_table.ROWS, so the same forward, gradient, second-derivative, Hypothesis and
PyTorch tests run on them. `fn` and `ref` are the same NumPy call: on Tensors it dispatches to
our ops, on arrays it is NumPy's.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from table_support import EVEN_GRID, NONZERO, ODD_GRID, REAL, Domain, broadcast, row, same, single

try:
    import torch
except ImportError:
    torch = None


def _t(name: str) -> Any:
    return lambda *args, **kw: getattr(torch, name)(*args, **kw)


UNARY = (((3, 4),), ((),), ((2, 1, 3),))
FIXED = lambda shapes: (lambda side: single()(side).map(lambda _: shapes))  # noqa: E731
BINARY = (((3, 4), (3, 4)), ((2, 1, 3), (4, 3)), ((), (2, 3)), ((3, 1), ()))
ROWS = [
    row("np_arcsinh", np.arcsinh, np.arcsinh, 1, REAL, torch=_t("asinh"), examples=UNARY,
        shapes=single()),
    row("np_arccosh", np.arccosh, np.arccosh, 1, Domain(1.1, 4.0), torch=_t("acosh"),
        examples=UNARY, shapes=single()),
    row("np_arctanh", np.arctanh, np.arctanh, 1, Domain(-0.9, 0.9), torch=_t("atanh"),
        examples=UNARY, shapes=single()),
    row("np_logaddexp", np.logaddexp, np.logaddexp, 2, torch=_t("logaddexp"),
        examples=BINARY, shapes=broadcast(2)),
    row("np_logaddexp_far", lambda a, b: np.logaddexp(a * 400, b), lambda a, b:
        np.logaddexp(a * 400, b), 2, torch=lambda a, b: torch.logaddexp(a * 400, b),
        examples=BINARY, shapes=broadcast(2)),
    row("np_logaddexp2", np.logaddexp2, np.logaddexp2, 2, torch=_t("logaddexp2"),
        examples=BINARY, shapes=broadcast(2)),
    row("np_fmax", np.fmax, np.fmax, 2, (EVEN_GRID, ODD_GRID), torch=_t("fmax"), examples=BINARY,
        shapes=broadcast(2)),
    row("np_fmin", np.fmin, np.fmin, 2, (EVEN_GRID, ODD_GRID), torch=_t("fmin"), examples=BINARY,
        shapes=broadcast(2)),
    row("np_deg2rad", np.deg2rad, np.deg2rad, 1, torch=_t("deg2rad"), examples=UNARY,
        shapes=single()),
    row("np_rad2deg", np.rad2deg, np.rad2deg, 1, torch=_t("rad2deg"), examples=UNARY,
        shapes=single()),
    row("np_fabs", np.fabs, np.fabs, 1, NONZERO, torch=_t("abs"), examples=UNARY,
        shapes=single()),
    row("np_sinc", np.sinc, np.sinc, 1, torch=_t("sinc"), examples=UNARY, shapes=single()),
    row("np_sinc_near_zero", lambda x: np.sinc(x * 1e-5), lambda x: np.sinc(x * 1e-5), 1,
        torch=lambda x: torch.sinc(x * 1e-5), examples=UNARY, shapes=single()),
    row("np_atleast_2d", np.atleast_2d, np.atleast_2d, 1, torch=_t("atleast_2d"),
        examples=UNARY + (((4,),),), shapes=single()),
    row("np_atleast_3d", np.atleast_3d, np.atleast_3d, 1, torch=_t("atleast_3d"),
        examples=UNARY + (((4,),), ((2, 3, 1, 2),)), shapes=single()),
    row("np_vstack", lambda a, b: np.vstack([a, b]), lambda a, b: np.vstack([a, b]), 2,
        torch=lambda a, b: torch.vstack([a, b]), examples=[((2, 3), (4, 3)), ((3,), (3,))],
        shapes=same(2, 1)),
    row("np_hstack", lambda a, b: np.hstack((a, b)), lambda a, b: np.hstack((a, b)), 2,
        torch=lambda a, b: torch.hstack([a, b]), examples=[((2, 3), (2, 1)), ((3,), (2,))],
        shapes=same(2, 1, free_axis=-1)),
    row("np_dstack", lambda a, b: np.dstack([a, b]), lambda a, b: np.dstack([a, b]), 2,
        torch=lambda a, b: torch.dstack([a, b]), examples=[((2, 3), (2, 3)), ((3,), (3,))],
        shapes=same(2, 1)),
    row("np_column_stack", lambda a, b: np.column_stack([a, b]),
        lambda a, b: np.column_stack([a, b]), 2,
        torch=lambda a, b: torch.column_stack([a, b]), examples=[((3,), (3, 2)), ((4,), (4,))],
        shapes=same(2, 1)),
    row("np_array_split", lambda x: np.array_split(x, 3, axis=-1),
        lambda x: np.array_split(x, 3, axis=-1), 1,
        torch=lambda x: torch.tensor_split(x, 3, dim=-1), examples=[((2, 7),), ((4,),)],
        shapes=single(1)),
    row("np_vsplit", lambda x: np.vsplit(x, [1, 2]), lambda x: np.vsplit(x, [1, 2]), 1,
        torch=lambda x: torch.vsplit(x, [1, 2]), examples=[((4, 3),)], shapes=single(2)),
    row("np_hsplit_1d", lambda x: np.hsplit(x, 2), lambda x: np.hsplit(x, 2), 1,
        torch=lambda x: torch.hsplit(x, 2), examples=[((4,),), ((3, 2),)],
        shapes=lambda side: single(1, times={-1: 2})(side).filter(lambda s: len(s[0]) <= 2)),
    row("np_rollaxis", lambda x: np.rollaxis(x, 2, 1), lambda x: np.rollaxis(x, 2, 1), 1,
        torch=lambda x: torch.movedim(x, 2, 1), examples=[((2, 3, 4),)], shapes=single(3)),
    row("np_rot90", lambda x: np.rot90(x), np.rot90, 1, torch=_t("rot90"),
        examples=[((3, 4),), ((2, 3, 2),)], shapes=single(2)),
    row("np_rot90_k3", lambda x: np.rot90(x, 3, (1, 0)), lambda x: np.rot90(x, 3, (1, 0)), 1,
        torch=lambda x: torch.rot90(x, 3, (1, 0)), examples=[((3, 4),)], shapes=single(2)),
    row("np_inner", np.inner, np.inner, 2, torch=_t("inner"),
        examples=[((3,), (3,)), ((2, 3), (4, 3)), ((), (2, 3))], shapes=same(2, 1)),
    row("np_kron", np.kron, np.kron, 2, torch=_t("kron"),
        examples=[((2, 3), (3, 2)), ((3,), (2, 1)), ((), (2,))], shapes=same(2)),
    row("np_diff2", lambda x: np.diff(x, 2, axis=0), lambda x: np.diff(x, 2, axis=0), 1,
        torch=lambda x: torch.diff(x, 2, dim=0), examples=[((4, 3),), ((5,),)],
        shapes=single(1, at_least={0: 2})),
    row("np_append", lambda a, b: np.append(a, b), lambda a, b: np.append(a, b), 2,
        examples=[((2, 3), (3,)), ((), ())], shapes=broadcast(2)),
    row("np_append_axis", lambda a, b: np.append(a, b, axis=1),
        lambda a, b: np.append(a, b, axis=1), 2, torch=lambda a, b: torch.cat([a, b], 1),
        examples=[((2, 3), (2, 1))], shapes=same(2, 2, free_axis=1)),
    row("np_select", lambda a, b: np.select([a > 0, b < 0], [a, b], 0.5),
        lambda a, b: np.select([a > 0, b < 0], [a, b], 0.5), 2, NONZERO,
        examples=[((3, 4), (3, 4)), ((), ())], shapes=same(2)),
    row("np_partition", lambda x: np.partition(x, 1), lambda x: np.partition(x, 1), 1,
        Domain(grid=2.0 ** -9, unique=True), examples=[((3, 4),), ((5,),)],
        shapes=single(1, at_least={-1: 2})),
    row("np_linspace", lambda a, b: np.linspace(a, b, 5), lambda a, b: np.linspace(a, b, 5),
        2, torch=lambda a, b: a + (b - a) * torch.linspace(0, 1, 5, dtype=a.dtype).reshape(
            (5,) + (1,) * a.ndim), examples=[((), ()), ((2,), (2,))], shapes=same(2)),
    row("np_linspace_open", lambda a, b: np.linspace(a, b, 4, endpoint=False),
        lambda a, b: np.linspace(a, b, 4, endpoint=False), 2, examples=[((), ())],
        shapes=same(2)),
    row("np_linspace_axis", lambda a, b: np.linspace(a, b, 4, axis=-1),
        lambda a, b: np.linspace(a, b, 4, axis=-1), 2, examples=[((2,), (2,)), ((), ())],
        shapes=same(2)),
    row("np_gradient_spacing", lambda x: np.gradient(x, 0.5, 2.0),
        lambda x: np.gradient(x, 0.5, 2.0), 1, examples=[((3, 4),)],
        shapes=lambda side: single(2, at_least={0: 2, 1: 2})(side).filter(
            lambda s: len(s[0]) == 2)),
    row("np_gradient_edge_order_2", lambda x: np.gradient(x, 0.25, axis=-1, edge_order=2),
        lambda x: np.gradient(x, 0.25, axis=-1, edge_order=2), 1,
        examples=[((3, 4),), ((3,),)], shapes=single(1, at_least={-1: 3})),
    row("np_gradient", lambda x: np.gradient(x, axis=-1), lambda x: np.gradient(x, axis=-1), 1,
        examples=[((3, 4),), ((5,),)], shapes=single(1, at_least={-1: 2})),
    row("np_gradient_all_axes", np.gradient, np.gradient, 1, examples=[((3, 4),)],
        shapes=single(1, at_least={0: 2, -1: 2})),
    row("np_cross", lambda a, b: np.cross(a, b, axisa=0, axisc=0),
        lambda a, b: np.cross(a, b, axisa=0, axisc=0), 2,
        torch=lambda a, b: torch.linalg.cross(
            *torch.broadcast_tensors(a.movedim(0, -1), b)).movedim(-1, 0),
        examples=[((3, 4), (4, 3)), ((3,), (2, 3))],
        shapes=FIXED(((3, 2), (2, 3)))),
    # the parts of a real number: itself, 0, its conjugate itself, its angle 0 or π
    row("np_real", np.real, np.real, 1, torch=_t("real"), examples=UNARY, shapes=single()),
    row("np_imag", np.imag, np.imag, 1, examples=UNARY, shapes=single()),
    row("np_conjugate", np.conjugate, np.conjugate, 1, torch=_t("conj"), examples=UNARY,
        shapes=single()),
    row("np_real_if_close", np.real_if_close, np.real_if_close, 1, examples=UNARY,
        shapes=single()),
    row("np_angle", lambda x: np.angle(x, deg=True), lambda x: np.angle(x, deg=True), 1,
        NONZERO, torch=lambda x: torch.rad2deg(torch.angle(x)), examples=UNARY,
        shapes=single()),
    row("np_nan_to_num", np.nan_to_num, np.nan_to_num, 1, torch=_t("nan_to_num"),
        examples=UNARY, shapes=single()),
    row("np_einsum_sublists", lambda a, b: np.einsum(a, [0, 1], b, [1, 2], [0, 2]),
        lambda a, b: np.einsum(a, [0, 1], b, [1, 2], [0, 2]), 2,
        torch=lambda a, b: torch.einsum("ab,bc->ac", a, b), examples=[((2, 3), (3, 4))],
        shapes=lambda side: single(2)(side).map(lambda s: (s[0][-2:], s[0][-2:][::-1]))),
    row("np_transpose_axes", lambda x: np.transpose(x, axes=(1, 2, 0)),
        lambda x: np.transpose(x, axes=(1, 2, 0)), 1,
        torch=lambda x: x.permute(1, 2, 0), examples=[((2, 3, 4),)], shapes=single(3)),
    row("np_clip_keywords", lambda x: np.clip(x, a_min=-0.5, a_max=0.7),
        lambda x: np.clip(x, a_min=-0.5, a_max=0.7), 1, Domain(kinks=(-0.5, 0.7)),
        torch=lambda x: torch.clamp(x, -0.5, 0.7), examples=UNARY, shapes=single()),
]


# -- np.linalg (autograd/ops/decompositions.py) ---------------------------------------------------
def _square(min_side: int = 1) -> Any:
    """One batch of square matrices (..., n, n)."""
    return lambda side: single(2, at_least={-1: min_side})(side).map(
        lambda s: (s[0][:-2] + (s[0][-1], s[0][-1]),))


def _spd(a: Any) -> Any:
    """A well-conditioned symmetric positive definite matrix built from a (float64)."""
    return a @ np.swapaxes(a, -1, -2) + 3 * np.eye(a.shape[-1])


def _tspd(a: Any) -> Any:
    return a @ a.transpose(-1, -2) + 3 * torch.eye(a.shape[-1], dtype=a.dtype)


def _spread(a: Any, lib: Any = np) -> Any:
    """0.1 a plus a diagonal 2, 4, 6, ...: eigenvalues and singular values stay apart (by
    Weyl's bound), so their vectors have well-conditioned derivatives that central
    differences can check."""
    m, n = a.shape[-2:]
    d = np.eye(m, n) * np.arange(2, 2 * n + 1, 2)
    return 0.1 * a + (d if lib is np else torch.tensor(d, dtype=a.dtype))


def _spread_outer(a: Any, lib: Any = np) -> Any:
    """_spread over the first and last axes (the matrices of a nuclear norm over them)."""
    m, n = a.shape[0], a.shape[-1]
    d = (np.eye(m, n) * np.arange(2, 2 * n + 1, 2)).reshape((m,) + (1,) * (a.ndim - 2) + (n,))
    return 0.1 * a + (d if lib is np else torch.tensor(d, dtype=a.dtype))


def _sym(a: Any) -> Any:
    return a + a.swapaxes(-1, -2)


def _projectors(w: Any, v: Any) -> tuple:
    """Eigenvalues and the projectors vₖ vₖᵀ, which do not depend on the vectors' signs."""
    return w, np.einsum("...ik,...jk->...kij", v, v)


def _power_sums(w: Any) -> Any:
    """Σₖ wₖ^p for p = 1, 2, 3: free of the eigenvalues' order, which LAPACK may change
    between neighbouring inputs (at triangular matrices, for one)."""
    return np.sum(w[..., :, None] ** np.arange(1, 4), axis=-2)


def _eig_weighted(w: Any, v: Any) -> tuple:
    """Power sums of the eigenvalues and Σₖ |vᵢₖ|² wₖ: free of the order and of each
    vector's phase (complex) or sign (real)."""
    return _power_sums(w), np.sum(abs(v) ** 2 * w[..., None, :], axis=-1)


def _svd_pairs(u: Any, s: Any, vh: Any) -> tuple:
    """Singular values and uₖ vₖᵀ (the signs of uₖ and vₖ flip together)."""
    return s, np.einsum("...ik,...kj->...kij", u, vh)


def _twice_row0(a: Any, lib: Any) -> Any:
    """a with row 1 replaced by row 0: exactly singular."""
    cat = lib.concatenate if lib is np else lib.cat
    return cat([a[..., :1, :], a[..., :1, :], a[..., 2:, :]], -2)


SQUARE = [((3, 3),), ((2, 3, 3),), ((1, 1),)]
ROWS += [
    row("np_linalg_inv", lambda a: np.linalg.inv(_spd(a)), lambda a: np.linalg.inv(_spd(a)), 1,
        torch=lambda a: torch.linalg.inv(_tspd(a)), examples=SQUARE, shapes=_square()),
    row("np_linalg_inv_general", lambda a: np.linalg.inv(a + 4 * np.eye(a.shape[-1])),
        lambda a: np.linalg.inv(a + 4 * np.eye(a.shape[-1])), 1,
        torch=lambda a: torch.linalg.inv(a + 4 * torch.eye(a.shape[-1], dtype=a.dtype)),
        examples=SQUARE, shapes=_square()),
    # Full rank (the spread diagonal keeps the singular values apart from 0), tall, wide,
    # square and batched; rank-deficient inputs are compared with PyTorch in test_linalg_pinv.
    row("np_linalg_pinv", lambda a: np.linalg.pinv(_spread(a)),
        lambda a: np.linalg.pinv(_spread(a)), 1,
        torch=lambda a: torch.linalg.pinv(_spread(a, torch)),
        examples=[((3, 2),), ((2, 4),), ((3, 3),), ((2, 2, 4),)], shapes=FIXED(((4, 3),))),
    # hermitian=True reads the lower triangle (NumPy decomposes with eigh).
    row("np_linalg_pinv_hermitian", lambda a: np.linalg.pinv(_spread(a), hermitian=True),
        lambda a: np.linalg.pinv(_spread(a), hermitian=True), 1,
        examples=[((3, 3),), ((2, 4, 4),)], shapes=FIXED(((3, 3),))),
    row("np_linalg_solve", lambda a, b: np.linalg.solve(_spd(a), b),
        lambda a, b: np.linalg.solve(_spd(a), b), 2,
        torch=lambda a, b: torch.linalg.solve(_tspd(a), b),
        examples=[((3, 3), (3, 2)), ((2, 3, 3), (2, 3, 3))],
        shapes=lambda side: _square()(side).map(lambda s: (s[0], s[0]))),
    row("np_linalg_solve_vector", lambda a, b: np.linalg.solve(_spd(a), b),
        lambda a, b: np.linalg.solve(_spd(a), b), 2,
        torch=lambda a, b: torch.linalg.solve(_tspd(a), b), examples=[((3, 3), (3,))],
        shapes=FIXED(((4, 4), (4,)))),
    # Singular matrices included (the gradient is the cofactor matrix there too).
    row("np_linalg_det_singular", lambda a: np.linalg.det(_twice_row0(a, np)),
        lambda a: np.linalg.det(_twice_row0(a, np)), 1,
        torch=lambda a: torch.linalg.det(_twice_row0(a, torch)),
        examples=[((3, 3),), ((2, 2),)], shapes=FIXED(((4, 4),))),
    row("np_linalg_det", lambda a: np.linalg.det(a + np.zeros(1)),
        lambda a: np.linalg.det(a + np.zeros(1)), 1, torch=lambda a: torch.linalg.det(a),
        examples=SQUARE, shapes=_square()),
    row("np_linalg_slogdet", lambda a: np.linalg.slogdet(a + 4 * np.eye(a.shape[-1]))[1],
        lambda a: np.linalg.slogdet(a + 4 * np.eye(a.shape[-1]))[1], 1,
        torch=lambda a: torch.linalg.slogdet(
            a + 4 * torch.eye(a.shape[-1], dtype=a.dtype))[1], examples=SQUARE,
        shapes=_square()),
    row("np_linalg_cholesky", lambda a: np.linalg.cholesky(_spd(a)),
        lambda a: np.linalg.cholesky(_spd(a)), 1,
        torch=lambda a: torch.linalg.cholesky(_tspd(a)), examples=SQUARE, shapes=_square()),
    # The lower triangle is read: the gradient is zero on the upper one.
    row("np_linalg_cholesky_one_triangle",
        lambda a: np.linalg.cholesky(a + 6 * np.eye(a.shape[-1])),
        lambda a: np.linalg.cholesky(a + 6 * np.eye(a.shape[-1])), 1,
        examples=SQUARE, shapes=_square()),
    # symmetric by construction (PyTorch's gradient is the symmetric one; ours is on the
    # triangle read: equal after the symmetrizing op), eigenvalues apart (not at a crossing)
    row("np_linalg_eigh_values", lambda a: np.linalg.eigh(_sym(_spread(a)))[0],
        lambda a: np.linalg.eigh(_sym(_spread(a)))[0], 1,
        torch=lambda a: torch.linalg.eigh(_sym(_spread(a, torch)))[0], examples=SQUARE, shapes=_square()),
    # Eigenvectors of one triangle, both kinds, as projectors v vᵀ (each vector's sign is
    # arbitrary: LAPACK may flip it between neighbouring inputs).
    row("np_linalg_eigh_upper", lambda a: _projectors(*np.linalg.eigh(_spread(a), "U")),
        lambda a: _projectors(*np.linalg.eigh(_spread(a), "U")), 1,
        examples=[((3, 3),), ((2, 4, 4),)], shapes=FIXED(((3, 3),))),
    row("np_linalg_eigh_lower", lambda a: _projectors(*np.linalg.eigh(_spread(a))),
        lambda a: _projectors(*np.linalg.eigh(_spread(a))), 1,
        examples=[((3, 3),)], shapes=FIXED(((4, 4),))),
    # General (non-symmetric) matrices, eigenvalues kept apart; PyTorch's eig is compared in
    # test_linalg_eig (its outputs are always complex and may come in another order).
    row("np_linalg_eigvals", lambda a: _power_sums(np.linalg.eigvals(_spread(a))),
        lambda a: _power_sums(np.linalg.eigvals(_spread(a))), 1, examples=SQUARE, shapes=_square()),
    row("np_linalg_eig", lambda a: _eig_weighted(*np.linalg.eig(_spread(a))),
        lambda a: _eig_weighted(*np.linalg.eig(_spread(a))), 1,
        examples=[((3, 3),), ((2, 4, 4),)], shapes=FIXED(((3, 3),))),
    row("np_linalg_svdvals", lambda a: np.linalg.svd(_spread(a), compute_uv=False),
        lambda a: np.linalg.svd(_spread(a), compute_uv=False), 1,
        torch=lambda a: torch.linalg.svdvals(_spread(a, torch)),
        examples=[((3, 2),), ((2, 2, 4),)], shapes=FIXED(((2, 3),))),
    row("np_linalg_svd", lambda a: _svd_pairs(*np.linalg.svd(_spread(a), full_matrices=False)),
        lambda a: _svd_pairs(*np.linalg.svd(_spread(a), full_matrices=False)), 1,
        examples=[((3, 2),), ((2, 2, 4),), ((3, 3),)], shapes=FIXED(((2, 3),))),
    row("np_norm_nuclear", lambda a: np.linalg.norm(_spread_outer(a), "nuc", axis=(0, -1)),
        lambda a: np.linalg.norm(_spread_outer(a), "nuc", axis=(0, -1)), 1,
        torch=lambda a: torch.linalg.matrix_norm(_spread_outer(a, torch), "nuc", dim=(0, -1)),
        examples=[((3, 2),), ((2, 3, 4),)], shapes=FIXED(((3, 2, 2),))),
    row("np_norm_spectral", lambda a: np.linalg.norm(_spread(a), 2),
        lambda a: np.linalg.norm(_spread(a), 2), 1,
        torch=lambda a: torch.linalg.matrix_norm(_spread(a, torch), 2), examples=[((3, 2),)],
        shapes=FIXED(((3, 4),))),
]
