"""The one door from `nn` and `optim` into the engine's internals.

Packages built on `autograd` import engine pieces from here and nowhere else: the base class for
fused ops, the array kernels that NumPy lacks, small helpers shared with the ops, and for code
that reads what ops ran (`tracing`), the op families whose classes name them.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .function import Op
from .grad_mode import tracing
from .ops import arithmetic, elementwise, linalg, reduce, shape, unary  # op classes, for graph readers
from .ops._erf import erf as erf_array
from .ops._util import normalize_axis
from .ops.shape import scatter_add
from .ops.unary import _sigmoid as sigmoid_array
from .random import default_generator
from .tensor import Tensor
from .versions import bump

__all__ = [
    "Op", "data_of", "erf_array", "sigmoid_array", "normalize_axis", "scatter_add",
    "default_generator", "mark_changed", "tracing", "arithmetic", "elementwise", "linalg", "reduce",
    "shape", "unary",
]


def data_of(x: Any) -> np.ndarray:
    """The ndarray behind a Tensor, array, list or number."""
    return x.data if isinstance(x, Tensor) else np.asarray(x)


def mark_changed(x: Any) -> None:
    """Record that `x` (a Tensor or an ndarray, e.g. `p.data`) was changed in place: its
    buffer's version goes up, so a graph that saved it refuses to backward with the new value."""
    bump(x.data if isinstance(x, Tensor) else x)
