"""The contract's promotion rule for the ops whose operands mix dtypes.

Python numbers never change a tensor's dtype (NumPy 2 already does this); an integer or bool
array never changes a float array's dtype (NumPy would widen float32 with int64 to float64);
between two floating dtypes the wider wins (NumPy's rule).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor


def _kind(x: Any) -> str:
    if isinstance(x, (np.ndarray, np.generic)):
        return x.dtype.kind
    return ""


def promote_arrays(*arrays: Any) -> list:
    """Cast integer and bool arrays to the widest float dtype among the float arrays."""
    floats = [a.dtype for a in arrays if _kind(a) == "f"]
    if not floats:
        return list(arrays)
    target = np.result_type(*floats)
    return [a.astype(target) if _kind(a) in "biu" and _kind(a) else a for a in arrays]


def promote_operands(*xs: Any) -> list:
    """The same rule for Tensors and arrays before a composite op: integer and bool operands
    (which never require grad) become constant arrays of the float operands' dtype."""
    data = [x.data if isinstance(x, Tensor) else x for x in xs]
    floats = [d.dtype for d in data if _kind(d) == "f"]
    if not floats:
        return list(xs)
    target = np.result_type(*floats)
    return [d.astype(target) if _kind(d) in "biu" and _kind(d) else x for x, d in zip(xs, data)]
