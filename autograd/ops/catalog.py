"""The ops of the PyTorch surface: their public names, Tensor methods and NumPy dispatch.

`ops/__init__.py` exports NAMES, binds METHODS onto Tensor and merges UFUNCS and FUNCTIONS
into the tables that route NumPy calls on Tensors to differentiable ops.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor
from .complex_parts import angle, conj, imag, real
from .contract import einsum, outer, tensordot
from .elementwise import (arccos, arcsin, arctan, arctan2, ceil, cosh, exp2, floor, fmod, hypot,
                          log2, log10, mod, reciprocal, remainder, round, rsqrt, sign, sinh,
                          square, tan, trunc)
from .indexing import (argsort, flip, gather, pad, repeat, repeat_interleave, roll, scatter_add,
                       sort, take_along_axis, tile, topk)
from .matrix import diag, diagonal, norm, trace, tril, triu, vector_norm
from .scans import all, any, cumprod, cumsum, prod
from ._util import accepts_torch_axes, normalize_axis
from .shape import reshape, transpose
from .torch_names import cat, clamp, clone, linspace, log_softmax, softmax

__all__ = NAMES = [
    "tan", "arcsin", "arccos", "arctan", "arctan2", "sinh", "cosh", "log2", "log10", "exp2",
    "square", "reciprocal", "rsqrt", "sign", "floor", "ceil", "round", "trunc", "mod",
    "remainder", "fmod", "hypot", "prod", "cumsum", "cumprod", "norm", "vector_norm", "all",
    "any", "sort", "argsort", "topk", "flip", "roll", "tile", "repeat", "repeat_interleave",
    "pad", "take_along_axis", "gather", "scatter_add", "tril", "triu", "diag", "diagonal",
    "trace", "outer", "tensordot", "einsum", "ravel", "moveaxis", "cat", "linspace", "clone",
    "softmax", "log_softmax", "clamp", "conj", "real", "imag", "angle",
]


AXIS_FUNCTIONS = ("prod", "cumsum", "cumprod", "all", "any", "norm", "vector_norm", "sort",
                  "argsort", "topk", "flip", "roll", "repeat", "repeat_interleave",
                  "take_along_axis", "moveaxis")


def ravel(x: Any) -> Tensor:
    """A 1-D tensor of all elements (NumPy's ravel)."""
    return reshape(x, -1)


def moveaxis(x: Any, source: Any, destination: Any) -> Tensor:
    """Move axes to new positions, keeping the order of the others (NumPy's moveaxis)."""
    nd = x.data.ndim if isinstance(x, Tensor) else np.ndim(x)
    src = list(normalize_axis_list(source, nd))
    dst = list(normalize_axis_list(destination, nd))
    if len(src) != len(dst):
        raise ValueError(f"moveaxis: source {source} and destination {destination} differ "
                         "in length")
    order = [d for d in range(nd) if d not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return transpose(x, *order)


def normalize_axis_list(axes: Any, nd: int) -> list[int]:
    """Each axis counted from the front, in the order given."""
    items = [axes] if isinstance(axes, (int, np.integer)) else list(axes)
    return [normalize_axis(a, nd, "moveaxis")[0] for a in items]


for _name in AXIS_FUNCTIONS:  # PyTorch's dim=/keepdim= spellings (API contract, rule 2)
    globals()[_name] = accepts_torch_axes(globals()[_name])


UFUNCS = {
    np.tan: tan, np.arcsin: arcsin, np.arccos: arccos, np.arctan: arctan,
    np.arctan2: arctan2, np.sinh: sinh, np.cosh: cosh, np.log2: log2, np.log10: log10,
    np.exp2: exp2, np.square: square, np.reciprocal: reciprocal, np.sign: sign,
    np.floor: floor, np.ceil: ceil, np.trunc: trunc, np.rint: round, np.remainder: mod,
    np.fmod: fmod, np.hypot: hypot,
}


def _np_sort(a: Any, axis: Any = -1, kind: Any = None, order: Any = None) -> Tensor:
    if order is not None:
        raise TypeError("np.sort on a Tensor: order= (structured arrays) is not supported")
    if axis is None:
        return sort(ravel(a), 0)[0]
    return sort(a, axis)[0]


FUNCTIONS = {
    np.prod: prod, np.cumsum: cumsum, np.cumprod: cumprod,
    np.sort: _np_sort, np.flip: flip, np.roll: roll, np.tile: tile, np.repeat: repeat,
    np.pad: pad, np.take_along_axis: take_along_axis, np.tril: tril, np.triu: triu,
    np.diag: diag, np.diagonal: diagonal, np.trace: trace, np.outer: outer,
    np.tensordot: tensordot, np.einsum: einsum, np.ravel: ravel, np.round: round,
    np.around: round, np.moveaxis: moveaxis, np.linalg.norm: norm,
    np.fliplr: lambda a: flip(a, 1), np.flipud: lambda a: flip(a, 0),
}
