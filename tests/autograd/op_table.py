"""The op table: every op of the autograd API, beside its NumPy reference and PyTorch twin.

A row is (name, our function, NumPy reference, arity, input domain, kwargs, PyTorch function
or None), plus the input shapes to test: fixed examples and a Hypothesis strategy. The tests in
test_autograd_ops.py are generated from ROWS; nothing there is written op by op.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

import autograd as ag
from table_support import (DISTINCT, EVEN_GRID, NONZERO, ODD_GRID, POSITIVE, REAL, Domain,
                           OpRow, broadcast, dot_shapes, matmul_shapes, row, same, single)

try:
    import torch
except ImportError:  # the PyTorch cross-checks skip; the table still works
    torch = None


def _t(name: str) -> Any:
    """PyTorch's function `name`, looked up when called (torch may be absent)."""
    return lambda *args, **kw: getattr(torch, name)(*args, **kw)


def _dims(axis: Any, ndim: int) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(ndim))
    return (axis,) if isinstance(axis, int) else tuple(axis)


_erf_scalar = np.vectorize(math.erf, otypes=[np.float64])

UNARY_EXAMPLES = (((3, 4),), ((),), ((2, 1, 3),))
BINARY_EXAMPLES = (((3, 4), (3, 4)), ((2, 1, 3), (4, 3)), ((), (2, 3)), ((3, 1), ()))
ROWS: list[OpRow] = []


def _binary(name: str, fn: Any, ref: Any, domain: Any = REAL, torch_fn: Any = None) -> None:
    ROWS.append(row(name, fn, ref, 2, domain, torch=torch_fn, examples=BINARY_EXAMPLES,
                    shapes=broadcast(2)))


def _unary(name: str, fn: Any, ref: Any, domain: Domain = REAL, torch_fn: Any = None,
           kwargs: dict | None = None) -> None:
    ROWS.append(row(name, fn, ref, 1, domain, kwargs, torch_fn, examples=UNARY_EXAMPLES,
                    shapes=single()))


# -- arithmetic: operators, reflected operators, scalar operands ---------------------------------
_binary("add", lambda a, b: a + b, np.add, torch_fn=_t("add"))
_binary("sub", lambda a, b: a - b, np.subtract, torch_fn=_t("sub"))
_binary("mul", lambda a, b: a * b, np.multiply, torch_fn=_t("mul"))
_binary("div", lambda a, b: a / b, np.divide, (REAL, NONZERO), _t("div"))
_binary("pow", lambda a, b: a ** b, np.power, (POSITIVE, REAL), _t("pow"))
_binary("maximum", ag.maximum, np.maximum, (EVEN_GRID, ODD_GRID), _t("maximum"))
_binary("minimum", ag.minimum, np.minimum, (EVEN_GRID, ODD_GRID), _t("minimum"))
_binary("add_fn", ag.add, np.add, torch_fn=_t("add"))
_binary("mul_fn", ag.mul, np.multiply, torch_fn=_t("mul"))
_unary("mul_self", lambda x: x * x, lambda x: x * x, torch_fn=lambda x: x * x)
_unary("radd_scalar", lambda x: 1.5 + x, lambda x: 1.5 + x, torch_fn=lambda x: 1.5 + x)
_unary("rsub_scalar", lambda x: 1.5 - x, lambda x: 1.5 - x, torch_fn=lambda x: 1.5 - x)
_unary("mul_scalar", lambda x: x * 2.5, lambda x: x * 2.5, torch_fn=lambda x: x * 2.5)
_unary("div_scalar", lambda x: x / 4.0, lambda x: x / 4.0, torch_fn=lambda x: x / 4.0)
_unary("rdiv_scalar", lambda x: 2.0 / x, lambda x: 2.0 / x, NONZERO, lambda x: 2.0 / x)
_unary("pow_int", lambda x: x ** 3, lambda x: x ** 3, torch_fn=lambda x: x ** 3)
_unary("pow_float", lambda x: x ** 2.5, lambda x: x ** 2.5, POSITIVE, lambda x: x ** 2.5)
_unary("pow_negative", lambda x: x ** -1.5, lambda x: x ** -1.5, POSITIVE,
       lambda x: x ** -1.5)
_unary("pow_zero", lambda x: x ** 0, lambda x: x ** 0, torch_fn=lambda x: x ** 0)
_unary("rpow_scalar", lambda x: 2.0 ** x, lambda x: 2.0 ** x, torch_fn=lambda x: 2.0 ** x)
_unary("neg", lambda x: -x, np.negative, torch_fn=_t("neg"))
_unary("neg_fn", ag.neg, np.negative, torch_fn=_t("neg"))
# NumPy operands on the left and NumPy functions on Tensors dispatch to our ops.
_unary("ndarray_left_mul", lambda x: np.array([2.0]) * x, lambda x: np.array([2.0]) * x,
       torch_fn=lambda x: torch.tensor([2.0], dtype=torch.float64) * x)
_unary("ndarray_left_sub", lambda x: np.array([1.5]) - x, lambda x: np.array([1.5]) - x,
       torch_fn=lambda x: torch.tensor([1.5], dtype=torch.float64) - x)
_unary("numpy_exp", np.exp, np.exp, torch_fn=_t("exp"))
ROWS.append(row("numpy_sum", lambda x: np.sum(x, axis=-1), lambda x: np.sum(x, axis=-1), 1,
                torch=lambda x: torch.sum(x, -1), examples=[((3, 4),), ((2, 1, 3),)],
                shapes=single(1)))

# -- elementwise functions ---------------------------------------------------------------------
_unary("exp", ag.exp, np.exp, torch_fn=_t("exp"))
_unary("log", ag.log, np.log, POSITIVE, _t("log"))
_unary("sqrt", ag.sqrt, np.sqrt, POSITIVE, _t("sqrt"))
_unary("abs", ag.abs, np.abs, NONZERO, _t("abs"))
_unary("abs_operator", abs, np.abs, NONZERO, _t("abs"))
_unary("sin", ag.sin, np.sin, torch_fn=_t("sin"))
_unary("cos", ag.cos, np.cos, torch_fn=_t("cos"))
_unary("tanh", ag.tanh, np.tanh, Domain(-4, 4), _t("tanh"))
_unary("sigmoid", ag.sigmoid, lambda x: 1 / (1 + np.exp(-x)), Domain(-6, 6), _t("sigmoid"))
_unary("relu", ag.relu, lambda x: np.maximum(x, 0), NONZERO, _t("relu"))
_unary("erf", ag.erf, lambda x: _erf_scalar(x).astype(x.dtype), Domain(-3, 3), _t("erf"))
_unary("log1p", ag.log1p, np.log1p, Domain(-0.5, 2), _t("log1p"))
_unary("expm1", ag.expm1, np.expm1, torch_fn=_t("expm1"))
_unary("clip", ag.clip, lambda x, lo, hi: np.clip(x, lo, hi), Domain(kinks=(-0.5, 0.5)),
       lambda x, lo, hi: torch.clamp(x, lo, hi), {"lo": -0.5, "hi": 0.5})
_unary("clip_low", lambda x: ag.clip(x, lo=0.25), lambda x: np.clip(x, 0.25, None),
       Domain(kinks=(0.25,)), lambda x: torch.clamp(x, min=0.25))
_unary("clip_high", lambda x: ag.clip(x, hi=0.25), lambda x: np.clip(x, None, 0.25),
       Domain(kinks=(0.25,)), lambda x: torch.clamp(x, max=0.25))
_unary("clamp", lambda x: x.clamp(min=-0.5, max=0.5), lambda x: np.clip(x, -0.5, 0.5),
       Domain(kinks=(-0.5, 0.5)), lambda x: torch.clamp(x, min=-0.5, max=0.5))
# Tensor bounds get gradients too (where they are the result), as in PyTorch
_binary("clamp_min_tensor", lambda x, lo: ag.clamp(x, min=lo), lambda x, lo: np.clip(x, lo, None),
        (EVEN_GRID, ODD_GRID), lambda x, lo: torch.clamp(x, min=lo))
_binary("clamp_max_tensor", lambda x, hi: ag.clamp(x, max=hi), lambda x, hi: np.clip(x, None, hi),
        (EVEN_GRID, ODD_GRID), lambda x, hi: torch.clamp(x, max=hi))
_unary("astype_f64", lambda x: x.astype(np.float64), lambda x: x.astype(np.float64),
       torch_fn=lambda x: x.to(torch.float64))
# Central differences through a float32 cast need a larger step and tolerance.
ROWS.append(row("astype_f32", lambda x: ag.astype(x, np.float32),
                lambda x: x.astype(np.float32), 1, torch=lambda x: x.to(torch.float32),
                examples=UNARY_EXAMPLES, shapes=single(),
                check={"eps": 1e-3, "atol": 1e-3, "rtol": 1e-3}))
ROWS.append(row("where", lambda c, a, b: ag.where(c > 0, a, b),
                lambda c, a, b: np.where(c > 0, a, b), 3, NONZERO,
                torch=lambda c, a, b: torch.where(c > 0, a, b),
                examples=(((3, 4),) * 3, ((3, 1), (1, 4), (4,)), ((), (2, 3), (3,))),
                shapes=broadcast(3), differentiable=(False, True, True)))

# -- reductions: every op × axis None/int/negative/tuple × keepdims -------------------------
# (axis, keepdims, fewest dims it needs); (-1, 1) on 2-D inputs names one axis twice: refused.
_AXES = [(None, False, 0), (0, True, 1), (-1, False, 1), ((0, 2), True, 3), ((-1, 1), False, 2)]
_REDUCTIONS = [
    ("sum", ag.sum, np.sum, REAL, lambda x, axis, keepdims: torch.sum(
        x, _dims(axis, x.ndim), keepdim=keepdims), {}),
    ("mean", ag.mean, np.mean, REAL, lambda x, axis, keepdims: torch.mean(
        x, _dims(axis, x.ndim), keepdim=keepdims), {}),
    ("max", ag.max, np.max, DISTINCT, lambda x, axis, keepdims: torch.amax(
        x, _dims(axis, x.ndim), keepdim=keepdims), {}),
    ("min", ag.min, np.min, DISTINCT, lambda x, axis, keepdims: torch.amin(
        x, _dims(axis, x.ndim), keepdim=keepdims), {}),
    ("logsumexp", ag.logsumexp,
     lambda x, axis, keepdims: np.log(np.sum(np.exp(x), axis=axis, keepdims=keepdims)), REAL,
     lambda x, axis, keepdims: torch.logsumexp(x, _dims(axis, x.ndim), keepdim=keepdims), {}),
]
for _ddof in (0, 1):
    for _name, _fn, _ref, _tname in (("var", ag.var, np.var, "var"), ("std", ag.std, np.std,
                                                                       "std")):
        _REDUCTIONS.append((  # std has a kink where a slice is constant: keep values apart
            f"{_name}_ddof{_ddof}", _fn, _ref, DISTINCT if _name == "std" else REAL,
            lambda x, axis, keepdims, ddof, _tn=_tname: getattr(torch, _tn)(
                x, _dims(axis, x.ndim), correction=ddof, keepdim=keepdims),
            {"ddof": _ddof}))
for _name, _fn, _ref, _dom, _tfn, _extra in _REDUCTIONS:
    for _axis, _keep, _min_dims in _AXES:
        # 0-d inputs only where the reduction is defined for one element.
        _zero_d = _min_dims == 0 and not _extra.get("ddof")
        _examples = [((3, 4, 2),), ((2, 3, 1, 2),)] + ([((),)] if _zero_d else [])
        _axis_id = str(_axis).strip("()").replace(", ", "_").replace("-", "m")
        _id = f"{_name}_axis{_axis_id}_{'keep' if _keep else 'drop'}"
        ROWS.append(row(_id, _fn, _ref, 1, _dom, {"axis": _axis, "keepdims": _keep, **_extra}, _tfn,
                        examples=_examples, shapes=single(_min_dims)))

# -- shape ops ------------------------------------------------------------------------------------
def _roll(ndim: int) -> tuple[int, ...]:
    """The axes permutation (1, 2, ..., 0)."""
    return tuple(range(1, ndim)) + (0,) if ndim else ()


def _stretched(shape: Any) -> tuple[int, ...]:
    """A leading axis of 3 and every size-1 axis stretched to 3."""
    return (3,) + tuple(3 if n == 1 else n for n in shape)


_SHAPE_EXAMPLES = (((3, 4),), ((2, 1, 3),), ((2, 3, 1, 2),))
_SHAPE_ROWS = [
    ("reshape", lambda x: x.reshape(x.shape[::-1]), lambda x: x.reshape(x.shape[::-1]),
     lambda x: x.reshape(x.shape[::-1]), 0),
    ("reshape_fn", lambda x: ag.reshape(x, *x.shape[::-1]), lambda x: x.reshape(x.shape[::-1]),
     lambda x: x.reshape(x.shape[::-1]), 0),
    ("flatten", ag.flatten, np.ravel, torch.flatten if torch else None, 0),
    ("transpose", lambda x: x.transpose(), np.transpose,
     lambda x: x.permute(*reversed(range(x.ndim))), 0),
    ("T", lambda x: x.T, lambda x: x.T, lambda x: x.permute(*reversed(range(x.ndim))), 0),
    ("transpose_axes", lambda x: ag.transpose(x, *_roll(x.ndim)),
     lambda x: x.transpose(_roll(x.ndim)), lambda x: x.permute(*_roll(x.ndim)), 0),
    ("transpose_negative_axes", lambda x: x.transpose(-1, *range(x.ndim - 1)),
     lambda x: x.transpose(-1, *range(x.ndim - 1)),
     lambda x: x.permute(-1, *range(x.ndim - 1)), 1),
    ("swapaxes", lambda x: ag.swapaxes(x, 0, -1), lambda x: np.swapaxes(x, 0, -1),
     lambda x: torch.swapaxes(x, 0, -1), 1),
    ("squeeze", ag.squeeze, np.squeeze, torch.squeeze if torch else None, 0),
    ("expand_dims_0", lambda x: ag.expand_dims(x, 0), lambda x: np.expand_dims(x, 0),
     lambda x: torch.unsqueeze(x, 0), 0),
    ("expand_dims_neg", lambda x: x.expand_dims(-1), lambda x: np.expand_dims(x, -1),
     lambda x: torch.unsqueeze(x, -1), 0),
    ("expand_dims_tuple", lambda x: ag.expand_dims(x, (0, 2)),
     lambda x: np.expand_dims(x, (0, 2)), lambda x: x.unsqueeze(0).unsqueeze(2), 0),
    ("broadcast_to", lambda x: ag.broadcast_to(x, (2,) + x.shape),
     lambda x: np.broadcast_to(x, (2,) + x.shape), lambda x: x.expand((2,) + tuple(x.shape)),
     0),
]
for _name, _fn, _ref, _tfn, _min_dims in _SHAPE_ROWS:
    ROWS.append(row(_name, _fn, _ref, 1, REAL, torch=_tfn,
                    examples=[e for e in _SHAPE_EXAMPLES if len(e[0]) >= _min_dims],
                    shapes=single(_min_dims)))
ROWS += [
    row("squeeze_axis", lambda x: ag.squeeze(x, 1), lambda x: np.squeeze(x, 1), 1,
        torch=lambda x: torch.squeeze(x, 1), examples=[((2, 1, 3),), ((4, 1),)],
        shapes=single(2, fixed={1: 1})),
    row("broadcast_to_stretch", lambda x: x.broadcast_to(_stretched(x.shape)),
        lambda x: np.broadcast_to(x, _stretched(x.shape)), 1,
        torch=lambda x: x.expand(_stretched(x.shape)),
        examples=[((1, 4),), ((2, 1, 1),)], shapes=single()),
    row("concatenate", lambda a, b: ag.concatenate([a, b]), lambda a, b: np.concatenate([a, b]),
        2, torch=lambda a, b: torch.cat([a, b]), examples=[((2, 3), (4, 3)), ((1,), (3,))],
        shapes=same(2, 1, free_axis=0)),
    row("concatenate_neg", lambda a, b, c: ag.concatenate([a, b, c], axis=-1),
        lambda a, b, c: np.concatenate([a, b, c], axis=-1), 3,
        torch=lambda a, b, c: torch.cat([a, b, c], -1),
        examples=[((2, 3), (2, 1), (2, 2))], shapes=same(3, 1, free_axis=-1),
        differentiable=(True, False, True)),
    row("stack", lambda a, b: ag.stack([a, b]), lambda a, b: np.stack([a, b]), 2,
        torch=lambda a, b: torch.stack([a, b]), examples=[((2, 3), (2, 3)), ((), ())],
        shapes=same(2)),
    row("stack_neg", lambda a, b, c: ag.stack([a, b, c], axis=-1),
        lambda a, b, c: np.stack([a, b, c], axis=-1), 3,
        torch=lambda a, b, c: torch.stack([a, b, c], -1), examples=[((2, 3),) * 3],
        shapes=same(3), differentiable=(False, True, True)),
    row("split_sections", lambda x: ag.split(x, 2), lambda x: np.split(x, 2), 1,
        torch=lambda x: torch.chunk(x, 2), examples=[((4, 3),), ((2,),)],
        shapes=single(1, times={0: 2})),
    row("split_indices", lambda x: ag.split(x, [1, 3], axis=-1),
        lambda x: np.split(x, [1, 3], axis=-1), 1,
        torch=lambda x: torch.tensor_split(x, [1, 3], dim=-1), examples=[((2, 5),), ((4,),)],
        shapes=single(1)),
]

# -- indexing -------------------------------------------------------------------------------------
_ROWS_IDX, _COLS_IDX = np.array([[0, 1], [1, 1]]), np.array([[2, 0], [2, 2]])
_EX = [((3, 4),), ((4, 3, 2),)]
_INDEXING = [  # name, index, Hypothesis shapes, examples
    ("getitem_int", lambda x: x[1], single(1, at_least={0: 2}), _EX),
    ("getitem_slices", lambda x: x[1:, ::2], single(2), _EX),
    ("getitem_negative_step", lambda x: x[::-2, -1], single(2, at_least={1: 1}), _EX),
    ("getitem_ellipsis_none", lambda x: x[..., None, 0], single(1, at_least={-1: 1}), _EX),
    ("getitem_repeated_ints", lambda x: x[[0, 2, 0, 0]], single(1, at_least={0: 3}), _EX),
    ("getitem_2d_int_arrays", lambda x: x[_ROWS_IDX, _COLS_IDX],
     single(2, at_least={0: 2, 1: 3}), _EX),
    ("getitem_mixed", lambda x: x[:, [1, 1, 0]], single(2, at_least={1: 2}), _EX),
    ("getitem_bool_mask", lambda x: x[x > 0], single(), _EX + [((),)]),
    ("getitem_bool_rows", lambda x: x[np.array([True, False, True])], single(1, fixed={0: 3}),
     [((3, 4),), ((3,),)]),
]
# PyTorch has no negative slice steps: flipping first selects the same elements.
_TORCH_INDEX = {"getitem_negative_step": lambda x: x.flip(0)[::2, -1]}
for _name, _index, _shapes, _examples in _INDEXING:
    ROWS.append(row(_name, _index, _index, 1, NONZERO, torch=_TORCH_INDEX.get(_name, _index),
                    examples=_examples, shapes=_shapes))

ROWS.append(row("getitem_tensor_index", lambda x: x[ag.tensor([1, 0, 1])],
                lambda x: x[np.array([1, 0, 1])], 1, torch=lambda x: x[np.array([1, 0, 1])],
                examples=_EX, shapes=single(1, at_least={0: 2})))

# -- linear algebra -------------------------------------------------------------------------------
ROWS += [
    row("matmul", lambda a, b: a @ b, np.matmul, 2, torch=_t("matmul"),
        examples=[((3,), (3,)), ((3,), (3, 4)), ((2, 3), (3,)), ((2, 3), (3, 4)),
                  ((2, 1, 2, 3), (5, 3, 4)), ((3,), (2, 3, 4)), ((2, 2, 3), (3,))],
        shapes=matmul_shapes),
    row("matmul_fn", ag.matmul, np.matmul, 2, torch=_t("matmul"),
        examples=[((4, 2, 3), (3, 2))], shapes=matmul_shapes),
    row("dot", ag.dot, np.dot, 2,
        torch=lambda a, b: a * b if a.ndim == 0 else torch.matmul(a, b),
        examples=[((3,), (3,)), ((2, 3), (3, 4)), ((2, 3), (3,)), ((), (2, 3))],
        shapes=dot_shapes),
]

_names = [r.name for r in ROWS]
assert len(set(_names)) == len(_names), "op table names must be unique"

# The PyTorch surface (elementwise, scans, indexing, contractions) lives in its own table.
from op_table_surface import ROWS as _SURFACE_ROWS  # noqa: E402

ROWS += _SURFACE_ROWS
# NumPy functions without a PyTorch name, reached through NumPy's dispatch.
from op_table_numpy import ROWS as _NUMPY_ROWS  # noqa: E402

ROWS += _NUMPY_ROWS
_names = [r.name for r in ROWS]
assert len(set(_names)) == len(_names), "op table names must be unique"
