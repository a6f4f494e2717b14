"""The dtype policy of `Tensor(data)`: NumPy data keeps its dtype, Python floats become
float32, and what cannot be a numeric array is refused with a named error."""
from __future__ import annotations

from typing import Any

import numpy as np

from .tensor_surface import TensorSurface

__all__ = ["FLOAT_KINDS", "as_array"]

FLOAT_KINDS = "fc"  # the dtype kinds that can require gradients (float, complex)


def as_array(data: Any, dtype: Any = None, owner: str = "Tensor") -> np.ndarray:
    """NumPy arrays and scalars keep their dtype; Python floats (and lists of them) are float32."""
    if isinstance(data, TensorSurface):  # a Tensor
        data = data.data
    if dtype is not None:
        return np.asarray(data, dtype=dtype)
    if isinstance(data, (np.ndarray, np.generic)):
        return np.asarray(data)
    if isinstance(data, (dict, set, frozenset)) or data is None:
        raise TypeError(f"{owner}: data must be an array, a number or a (nested) list of "
                        f"numbers, got {type(data).__name__}")
    try:
        arr = np.asarray(data)
    except RuntimeError as e:  # Tensors that require grad inside a list (see __array__)
        raise RuntimeError(f"{owner}: {e}") from None
    except ValueError:
        raise ValueError(f"{owner}: data is a ragged list (its rows have different lengths); "
                         "a tensor needs a rectangular (nested) list") from None
    if arr.dtype.hasobject:
        raise TypeError(f"{owner}: data must be numeric; a {type(data).__name__} holding "
                        "Python objects cannot become a tensor")
    if arr.dtype == np.float64:
        arr = arr.astype(np.float32)
    return arr
