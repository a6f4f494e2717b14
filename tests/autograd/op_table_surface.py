"""Op-table rows for the PyTorch surface (elementwise, scans, indexing, contractions).

Appended to op_table.ROWS, so the same forward, gradient, second-derivative, Hypothesis and
PyTorch tests run on them.
"""
from __future__ import annotations

from typing import Any

import numpy as np

import autograd as ag
from table_support import (DISTINCT, NONZERO, ODD_GRID, POSITIVE, REAL, Domain, OpRow, broadcast,
                           row, same, single)

try:
    import torch
except ImportError:
    torch = None


def _t(name: str) -> Any:
    return lambda *args, **kw: getattr(torch, name)(*args, **kw)


def _dims(axis: Any, ndim: int) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(ndim))
    return (axis,) if isinstance(axis, int) else tuple(axis)


ROWS: list[OpRow] = []
UNARY = (((3, 4),), ((),), ((2, 1, 3),))
BINARY = (((3, 4), (3, 4)), ((2, 1, 3), (4, 3)), ((), (2, 3)), ((3, 1), ()))
INTEGERS = tuple(float(k) for k in range(-3, 4))


def _unary(name: str, fn: Any, ref: Any, domain: Domain = REAL, torch_fn: Any = None) -> None:
    ROWS.append(row(name, fn, ref, 1, domain, torch=torch_fn, examples=UNARY, shapes=single()))


def _binary(name: str, fn: Any, ref: Any, domain: Any = REAL, torch_fn: Any = None) -> None:
    ROWS.append(row(name, fn, ref, 2, domain, torch=torch_fn, examples=BINARY,
                    shapes=broadcast(2)))


# -- elementwise ----------------------------------------------------------------------------
_unary("tan", ag.tan, np.tan, Domain(-1.2, 1.2), _t("tan"))
_unary("arcsin", ag.arcsin, np.arcsin, Domain(-0.9, 0.9), _t("asin"))
_unary("arccos", ag.arccos, np.arccos, Domain(-0.9, 0.9), _t("acos"))
_unary("arctan", ag.arctan, np.arctan, REAL, _t("atan"))
_unary("sinh", ag.sinh, np.sinh, REAL, _t("sinh"))
_unary("cosh", ag.cosh, np.cosh, REAL, _t("cosh"))
_unary("log2", ag.log2, np.log2, POSITIVE, _t("log2"))
_unary("log10", ag.log10, np.log10, POSITIVE, _t("log10"))
_unary("exp2", ag.exp2, np.exp2, REAL, _t("exp2"))
_unary("square", ag.square, np.square, REAL, _t("square"))
_unary("reciprocal", ag.reciprocal, np.reciprocal, NONZERO, _t("reciprocal"))
_unary("rsqrt", ag.rsqrt, lambda x: 1 / np.sqrt(x), POSITIVE, _t("rsqrt"))
_unary("sign", ag.sign, np.sign, NONZERO, _t("sign"))
_unary("floor", ag.floor, np.floor, Domain(-3, 3, kinks=INTEGERS), _t("floor"))
_unary("ceil", ag.ceil, np.ceil, Domain(-3, 3, kinks=INTEGERS), _t("ceil"))
_unary("trunc", ag.trunc, np.trunc, Domain(-3, 3, kinks=INTEGERS), _t("trunc"))
_unary("round", ag.round, np.round, Domain(-3, 3, kinks=tuple(k + 0.5 for k in INTEGERS)),
       _t("round"))
_unary("numpy_tan", np.tan, np.tan, Domain(-1.2, 1.2), _t("tan"))
_unary("numpy_square", np.square, np.square, REAL, _t("square"))
_unary("tensor_square", lambda x: x.square(), np.square, REAL, _t("square"))
_unary("mod_scalar", lambda x: x % 0.7, lambda x: x % 0.7, ODD_GRID,
       lambda x: torch.remainder(x, 0.7))
_unary("rmod_scalar", lambda x: 2.5 % x, lambda x: 2.5 % x, Domain(0.5, 3.0, grid=0.5,
                                                                  offset=0.01),
       lambda x: torch.remainder(torch.tensor(2.5, dtype=x.dtype), x))
_binary("arctan2", ag.arctan2, np.arctan2, (NONZERO, NONZERO), _t("atan2"))
_binary("numpy_arctan2", np.arctan2, np.arctan2, (NONZERO, NONZERO), _t("atan2"))
_binary("hypot", ag.hypot, np.hypot, (NONZERO, NONZERO), _t("hypot"))
# a/b is never within 0.005 of an integer: a = 0.01 (odd), b = 0.5 k (the jumps of mod).
_DIVISOR = Domain(0.5, 3.0, grid=0.5)
_binary("mod", ag.mod, np.mod, (ODD_GRID, _DIVISOR), _t("remainder"))
_binary("remainder_operator", lambda a, b: a % b, np.mod, (ODD_GRID, _DIVISOR),
        lambda a, b: a % b)
_binary("mod_negative_divisor", lambda a, b: a % -b, lambda a, b: np.mod(a, -b),
        (ODD_GRID, _DIVISOR), lambda a, b: torch.remainder(a, -b))
_binary("numpy_mod", np.mod, np.mod, (ODD_GRID, _DIVISOR), _t("remainder"))
_binary("fmod", ag.fmod, np.fmod, (ODD_GRID, _DIVISOR), _t("fmod"))
_binary("fmod_negative_divisor", lambda a, b: ag.fmod(a, -b), lambda a, b: np.fmod(a, -b),
        (ODD_GRID, _DIVISOR), lambda a, b: torch.fmod(a, -b))


# -- reductions and scans -----------------------------------------------------------------------
def _torch_prod(x: Any, axis: Any, keepdims: bool) -> Any:
    for d in sorted(_dims(axis, x.ndim), reverse=True):
        x = x.prod(d, keepdim=True)
    dims = [d % max(x.ndim, 1) for d in _dims(axis, x.ndim)]
    return x if keepdims else x.reshape([n for d, n in enumerate(x.shape) if d not in dims])


WITH_ZEROS = Domain(-1.0, 1.0, grid=0.5)  # several zeros in most draws
_AXES = [(None, False, 0), (0, True, 1), (-1, False, 1), ((0, 2), True, 3), ((-1, 1), False, 2)]
for _dom_name, _dom in (("", REAL), ("_zeros", WITH_ZEROS)):
    for _axis, _keep, _min in _AXES:
        _id = str(_axis).strip("()").replace(", ", "_").replace("-", "m")
        _ex = [((3, 4, 2),), ((2, 3, 1, 2),)] + ([((),)] if _min == 0 else [])
        ROWS.append(row(f"prod{_dom_name}_axis{_id}_{'keep' if _keep else 'drop'}", ag.prod,
                        np.prod, 1, _dom, {"axis": _axis, "keepdims": _keep}, _torch_prod,
                        examples=_ex, shapes=single(_min)))
for _axis, _min in ((0, 1), (-1, 1), (None, 0)):
    _ex = [((3, 4),), ((2, 3, 2),)] + ([((),)] if _axis is None else [])
    for _name, _fn, _ref, _tn, _dom in (("cumsum", ag.cumsum, np.cumsum, "cumsum", REAL),
                                        ("cumprod", ag.cumprod, np.cumprod, "cumprod", REAL),
                                        ("cumprod_zeros", ag.cumprod, np.cumprod, "cumprod",
                                         WITH_ZEROS)):
        ROWS.append(row(
            f"{_name}_axis{_axis}", _fn, _ref, 1, _dom, {"axis": _axis},
            lambda x, axis, _tn=_tn: getattr(torch, _tn)(x.reshape(-1) if axis is None else x,
                                                          0 if axis is None else axis),
            examples=_ex, shapes=single(_min)))
ROWS.append(row("numpy_cumsum", lambda x: np.cumsum(x, axis=0), lambda x: np.cumsum(x, axis=0),
                1, torch=lambda x: torch.cumsum(x, 0), examples=[((3, 4),)], shapes=single(1)))
ROWS.append(row("numpy_prod", np.prod, np.prod, 1, WITH_ZEROS, torch=_t("prod"),
                examples=[((3, 4),)], shapes=single()))

_NORMS = [  # name, kwargs, domain, fewest dims, numpy reference kwargs
    ("norm", {}, NONZERO, 0),
    ("norm_axis_keep", {"axis": -1, "keepdims": True}, NONZERO, 1),
    ("norm_ord1", {"ord": 1, "axis": 0}, NONZERO, 1),
    ("norm_ord2", {"ord": 2, "axis": -1}, NONZERO, 1),
    ("norm_inf", {"ord": np.inf, "axis": -1}, DISTINCT, 1),
    ("norm_minus_inf", {"ord": -np.inf, "axis": 0}, Domain(0.1, 2.0, grid=2.0 ** -9,
                                                            unique=True), 1),
    ("norm_p3", {"ord": 3, "axis": -1}, NONZERO, 1),
    ("norm_fro", {"ord": "fro", "axis": (0, 1)}, NONZERO, 2),
    ("norm_matrix_1", {"ord": 1, "axis": (0, 1)}, DISTINCT, 2),
    ("norm_matrix_inf", {"ord": np.inf, "axis": (-1, 0)}, DISTINCT, 2),
]
for _name, _kw, _dom, _min in _NORMS:
    _ex = [((3, 4),), ((2, 3, 2),)] + ([((),), ((5,),)] if _min == 0 else [])
    _tkw = {"ord": _kw.get("ord"), "dim": _kw.get("axis"), "keepdim": _kw.get("keepdims", False)}
    ROWS.append(row(_name, ag.norm, lambda x, **kw: np.asarray(np.linalg.norm(x, **kw),
                                                               dtype=x.dtype),
                    1, _dom, _kw,
                    lambda x, _k=_tkw, **kw: torch.linalg.norm(x, **_k) if x.ndim else x.abs(),
                    examples=_ex, shapes=single(_min if _min != 2 else 2)))

# A matrix ord with no axis on a 2-D input (the norm over both axes).
ROWS.append(row("norm_matrix_ord_no_axis", lambda x: ag.norm(x, ord=-np.inf),
                lambda x: np.asarray(np.linalg.norm(x, ord=-np.inf), dtype=x.dtype), 1,
                DISTINCT, torch=lambda x: torch.linalg.norm(x, ord=-np.inf),
                examples=[((3, 4),)],
                shapes=lambda side: single(2)(side).filter(lambda s: len(s[0]) == 2)))

ROWS += [
    row("sort_values", lambda x: ag.sort(x, -1)[0], lambda x: np.sort(x, -1), 1, DISTINCT,
        torch=lambda x: torch.sort(x, -1).values, examples=[((3, 4),), ((5,),)],
        shapes=single(1)),
    row("sort_descending_axis0", lambda x: x.sort(dim=0, descending=True)[0],
        lambda x: np.flip(np.sort(x, 0), 0), 1, DISTINCT,
        torch=lambda x: torch.sort(x, 0, descending=True).values, examples=[((3, 4),)],
        shapes=single(1)),
    row("numpy_sort", np.sort, np.sort, 1, DISTINCT, torch=lambda x: torch.sort(x).values,
        examples=[((3, 4),)], shapes=single(1)),
    row("topk", lambda x: ag.topk(x, 2)[0], lambda x: -np.sort(-x, -1)[..., :2], 1, DISTINCT,
        torch=lambda x: torch.topk(x, 2).values, examples=[((3, 4),), ((5,),)],
        shapes=single(1, at_least={-1: 2})),
    row("topk_smallest_dim0", lambda x: x.topk(1, dim=0, largest=False)[0],
        lambda x: np.sort(x, 0)[:1], 1, DISTINCT,
        torch=lambda x: torch.topk(x, 1, 0, largest=False).values, examples=[((3, 4),)],
        shapes=single(1, at_least={0: 1})),
]

# -- shape and indexing ---------------------------------------------------------------------
def _fixed(*shapes: tuple) -> Any:
    """A shape strategy that always gives `shapes` (rows whose peer needs exact sizes)."""
    return lambda side: single()(side).map(lambda _: shapes)


_IDX = np.array([[2, 0, 1, 0], [1, 1, 0, 2]])  # rows into a (3, 4) input along axis 0
_S2 = [((3, 4),), ((3, 4, 2),)]
ROWS += [
    row("flip", ag.flip, np.flip, 1, torch=lambda x: torch.flip(x, tuple(range(x.ndim))),
        examples=UNARY, shapes=single()),
    row("flip_axis", lambda x: x.flip(-1), lambda x: np.flip(x, -1), 1,
        torch=lambda x: torch.flip(x, (-1,)), examples=_S2, shapes=single(1)),
    row("numpy_flip", lambda x: np.flip(x, 0), lambda x: np.flip(x, 0), 1,
        torch=lambda x: torch.flip(x, (0,)), examples=_S2, shapes=single(1)),
    row("roll", lambda x: ag.roll(x, 2, 1), lambda x: np.roll(x, 2, 1), 1,
        torch=lambda x: torch.roll(x, 2, 1), examples=_S2, shapes=single(2)),
    row("roll_flat", lambda x: ag.roll(x, -1), lambda x: np.roll(x, -1), 1,
        torch=lambda x: torch.roll(x, -1), examples=UNARY, shapes=single()),
    row("roll_axes", lambda x: ag.roll(x, (1, -2), (0, 1)), lambda x: np.roll(x, (1, -2), (0, 1)),
        1, torch=lambda x: torch.roll(x, (1, -2), (0, 1)), examples=_S2, shapes=single(2)),
    row("tile", lambda x: ag.tile(x, (2, 1, 3)), lambda x: np.tile(x, (2, 1, 3)), 1,
        torch=lambda x: torch.tile(x, (2, 1, 3)), examples=UNARY, shapes=single()),
    row("numpy_tile", lambda x: np.tile(x, 2), lambda x: np.tile(x, 2), 1,
        torch=lambda x: torch.tile(x, (2,)), examples=UNARY, shapes=single()),
    row("tensor_repeat_torch", lambda x: x.repeat(2, 1, 2), lambda x: np.tile(x, (2, 1, 2)), 1,
        torch=lambda x: x.repeat(2, 1, 2), examples=[((3, 4),), ((2, 1, 3),)],
        shapes=lambda side: single(0)(side).filter(lambda s: len(s[0]) <= 3)),
    row("repeat", lambda x: ag.repeat(x, 2, 0), lambda x: np.repeat(x, 2, 0), 1,
        torch=lambda x: torch.repeat_interleave(x, 2, 0), examples=_S2, shapes=single(1)),
    row("repeat_counts", lambda x: ag.repeat(x, [1, 0, 3], -1),
        lambda x: np.repeat(x, [1, 0, 3], -1), 1,
        torch=lambda x: torch.repeat_interleave(x, torch.tensor([1, 0, 3]), -1),
        examples=[((2, 3),), ((3,),)], shapes=single(1, fixed={-1: 3})),
    row("numpy_repeat_flat", lambda x: np.repeat(x, 3), lambda x: np.repeat(x, 3), 1,
        torch=lambda x: torch.repeat_interleave(x.reshape(-1), 3), examples=UNARY,
        shapes=single()),
    row("pad", lambda x: ag.pad(x, 1), lambda x: np.pad(x, 1), 1,
        torch=lambda x: torch.nn.functional.pad(x, (1, 1) * x.ndim), examples=UNARY,
        shapes=single()),
    row("pad_widths", lambda x: ag.pad(x, ((0, 2), (1, 0)), constant_values=0.5),
        lambda x: np.pad(x, ((0, 2), (1, 0)), constant_values=0.5), 1,
        torch=lambda x: torch.nn.functional.pad(x, (1, 0, 0, 2), value=0.5),
        examples=[((3, 4),)], shapes=single(2, fixed={2: 1}) if False else
        (lambda side: single(2)(side).filter(lambda s: len(s[0]) == 2))),
    # Modes that repeat x's elements (padding wider than the axis included for the NumPy
    # ones); PyTorch has three of them, on the last axis.
    row("pad_edge", lambda x: ag.pad(x, ((1, 2), (3, 0)), mode="edge"),
        lambda x: np.pad(x, ((1, 2), (3, 0)), mode="edge"), 1,
        examples=[((3, 4),), ((1, 2),)], shapes=lambda side: single(2)(side).filter(
            lambda s: len(s[0]) == 2 and min(s[0]) > 0)),
    row("pad_reflect_wide", lambda x: ag.pad(x, ((0, 0), (5, 6)), mode="reflect"),
        lambda x: np.pad(x, ((0, 0), (5, 6)), mode="reflect"), 1,
        examples=[((3, 4),), ((2, 2),)], shapes=lambda side: single(2)(side).filter(
            lambda s: len(s[0]) == 2 and s[0][1] > 1)),
    row("pad_symmetric", lambda x: np.pad(x, 2, mode="symmetric"),
        lambda x: np.pad(x, 2, mode="symmetric"), 1, examples=[((3, 4),), ((5,),)],
        shapes=lambda side: single(1)(side).filter(lambda s: min(s[0]) > 0)),
    row("pad_wrap_wide", lambda x: ag.pad(x, ((0, 0), (7, 1)), mode="wrap"),
        lambda x: np.pad(x, ((0, 0), (7, 1)), mode="wrap"), 1,
        examples=[((3, 4),), ((2, 1),)], shapes=lambda side: single(2)(side).filter(
            lambda s: len(s[0]) == 2 and s[0][1] > 0)),
    row("pad_reflect_last", lambda x: ag.pad(x, ((0, 0), (2, 1)), mode="reflect"),
        lambda x: np.pad(x, ((0, 0), (2, 1)), mode="reflect"), 1,
        torch=lambda x: torch.nn.functional.pad(x, (2, 1), mode="reflect"),
        examples=[((3, 4),)], shapes=_fixed((2, 5))),
    row("pad_edge_last", lambda x: ag.pad(x, ((0, 0), (2, 1)), mode="edge"),
        lambda x: np.pad(x, ((0, 0), (2, 1)), mode="edge"), 1,
        torch=lambda x: torch.nn.functional.pad(x, (2, 1), mode="replicate"),
        examples=[((3, 4),)], shapes=_fixed((2, 5))),
    row("pad_wrap_last", lambda x: ag.pad(x, ((0, 0), (2, 1)), mode="wrap"),
        lambda x: np.pad(x, ((0, 0), (2, 1)), mode="wrap"), 1,
        torch=lambda x: torch.nn.functional.pad(x, (2, 1), mode="circular"),
        examples=[((3, 4),)], shapes=_fixed((2, 5))),
    row("take_along_axis", lambda x: ag.take_along_axis(x, _IDX, 0),
        lambda x: np.take_along_axis(x, _IDX, 0), 1,
        torch=lambda x: torch.take_along_dim(x, torch.tensor(_IDX), 0), examples=[((3, 4),)],
        shapes=lambda side: single(2, fixed={0: 3, 1: 4})(side).filter(
            lambda s: len(s[0]) == 2)),
    row("gather", lambda x: ag.gather(x, 0, _IDX[:, :3]),
        lambda x: np.take_along_axis(x[:, :3], _IDX[:, :3], 0), 1,
        torch=lambda x: torch.gather(x, 0, torch.tensor(_IDX[:, :3])), examples=[((3, 4),)],
        shapes=lambda side: single(2, fixed={0: 3, 1: 4})(side).filter(
            lambda s: len(s[0]) == 2)),
    row("scatter_add", lambda x, s: ag.scatter_add(x, 0, _IDX, s),
        lambda x, s: _np_scatter_add(x, _IDX, s), 2,
        torch=lambda x, s: x.scatter_add(0, torch.tensor(_IDX), s),
        examples=[((3, 4), (2, 4))],
        shapes=lambda side: same(2)(side).map(lambda _: ((3, 4), (2, 4)))),
    row("tril", ag.tril, np.tril, 1, torch=_t("tril"), examples=_S2, shapes=single(2)),
    row("triu_k", lambda x: ag.triu(x, 1), lambda x: np.triu(x, 1), 1,
        torch=lambda x: torch.triu(x, 1), examples=_S2, shapes=single(2)),
    row("tril_diagonal_kw", lambda x: x.tril(diagonal=-1), lambda x: np.tril(x, -1), 1,
        torch=lambda x: torch.tril(x, diagonal=-1), examples=_S2, shapes=single(2)),
    row("diag_vector", lambda x: ag.diag(x, 1), lambda x: np.diag(x, 1), 1,
        torch=lambda x: torch.diag(x, 1), examples=[((3,),), ((1,),)],
        shapes=lambda side: single(1)(side).map(lambda s: (s[0][:1],))),
    row("diag_matrix", lambda x: ag.diag(x, -1), lambda x: np.diag(x, -1), 1,
        torch=lambda x: torch.diag(x, -1), examples=[((3, 4),), ((4, 2),)],
        shapes=lambda side: single(2)(side).map(lambda s: (s[0][:2],))),
    row("diagonal", lambda x: ag.diagonal(x, 1, 0, -1), lambda x: np.diagonal(x, 1, 0, -1), 1,
        torch=lambda x: torch.diagonal(x, 1, 0, -1), examples=_S2, shapes=single(2)),
    row("numpy_trace", np.trace, np.trace, 1,
        torch=lambda x: torch.diagonal(x, 0, 0, 1).sum(-1), examples=_S2, shapes=single(2)),
    row("trace", ag.trace, np.trace, 1, torch=lambda x: torch.diagonal(x, 0, 0, 1).sum(-1),
        examples=_S2, shapes=single(2)),
]


def _np_scatter_add(x: np.ndarray, idx: np.ndarray, src: np.ndarray) -> np.ndarray:
    out = x.astype(np.result_type(x, src))
    np.add.at(out, (idx, np.arange(idx.shape[1])[None, :]), src[:idx.shape[0], :idx.shape[1]])
    return out


# -- contractions ---------------------------------------------------------------------------
def _einsum_row(name: str, spec: str, examples: list, torch_ok: bool = True) -> None:
    arity = len(examples[0])
    ROWS.append(row(name, lambda *xs: ag.einsum(spec, *xs), lambda *xs: np.einsum(spec, *xs),
                    arity, torch=(lambda *xs: torch.einsum(spec, *xs)) if torch_ok else None,
                    examples=examples,
                    shapes=lambda side, ex=examples: st_sampled(ex)))


def st_sampled(examples: list) -> Any:
    from hypothesis import strategies as st

    return st.sampled_from(examples)


_einsum_row("einsum_matmul", "ij,jk->ik", [((2, 3), (3, 4)), ((1, 3), (3, 0))])
_einsum_row("einsum_batched", "bij,bjk->bik", [((2, 2, 3), (2, 3, 4)), ((1, 2, 3), (3, 3, 2))])
_einsum_row("einsum_diagonal", "ii->i", [((3, 3),), ((1, 1),)])
_einsum_row("einsum_trace", "ii", [((3, 3),)])
_einsum_row("einsum_sum_axis", "ij->i", [((3, 4),), ((2, 0),)])
_einsum_row("einsum_outer", "i,j->ij", [((3,), (2,))])
_einsum_row("einsum_ellipsis", "...ij,...jk->...ik",
            [((2, 3), (3, 2)), ((2, 1, 2, 3), (3, 3, 2)), ((4, 2, 3), (1, 3, 2))])
_einsum_row("einsum_mid_ellipsis", "i...j,j->...i", [((2, 3, 4), (4,)), ((2, 4), (4,))])
_einsum_row("einsum_three", "ij,jk,kl->il", [((2, 3), (3, 4), (4, 2))])
_einsum_row("einsum_repeated_mixed", "iij,jk->ik", [((2, 2, 3), (3, 4))])
_einsum_row("einsum_implicit", "ij,jk", [((2, 3), (3, 4))])
_einsum_row("einsum_transpose", "ij->ji", [((2, 3),)])
_einsum_row("einsum_scalar_out", "i,i->", [((4,), (4,))])
ROWS += [
    row("numpy_einsum", lambda a, b: np.einsum("ij,kj->ik", a, b),
        lambda a, b: np.einsum("ij,kj->ik", a, b), 2,
        torch=lambda a, b: torch.einsum("ij,kj->ik", a, b), examples=[((2, 3), (4, 3))],
        shapes=lambda side: st_sampled([((2, 3), (4, 3)), ((1, 2), (3, 2))])),
    row("tensordot", lambda a, b: ag.tensordot(a, b), lambda a, b: np.tensordot(a, b), 2,
        torch=lambda a, b: torch.tensordot(a, b), examples=[((2, 3, 4), (3, 4, 2))],
        shapes=lambda side: st_sampled([((2, 3, 4), (3, 4, 2)), ((3, 2), (3, 2, 1))])),
    row("tensordot_axes", lambda a, b: ag.tensordot(a, b, ([0, 2], [1, 0])),
        lambda a, b: np.tensordot(a, b, ([0, 2], [1, 0])), 2,
        torch=lambda a, b: torch.tensordot(a, b, ([0, 2], [1, 0])),
        examples=[((2, 3, 4), (4, 2, 5))],
        shapes=lambda side: st_sampled([((2, 3, 4), (4, 2, 5)), ((1, 1, 2), (2, 1))])),
    row("numpy_tensordot", lambda a, b: np.tensordot(a, b, 1),
        lambda a, b: np.tensordot(a, b, 1), 2, torch=lambda a, b: torch.tensordot(a, b, 1),
        examples=[((2, 3), (3, 4))], shapes=lambda side: st_sampled([((2, 3), (3, 4))])),
    row("outer", ag.outer, np.outer, 2, torch=_t("outer"), examples=[((3,), (4,))],
        shapes=lambda side: st_sampled([((3,), (4,)), ((1,), (0,))])),
    row("numpy_outer", np.outer, np.outer, 2, torch=lambda a, b: torch.outer(a.reshape(-1),
                                                                            b.reshape(-1)),
        examples=[((2, 2), (3,))], shapes=lambda side: st_sampled([((2, 2), (3,))])),
]
