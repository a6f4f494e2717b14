"""Test helper: the same values in every memory layout users hand to a layer."""
from __future__ import annotations

import numpy as np


def layouts(a: np.ndarray) -> dict[str, np.ndarray]:
    """C-contiguous, Fortran-ordered, strided (every other element of a larger array) and
    negatively strided arrays, all equal to `a`."""
    big = np.zeros(tuple(2 * n for n in a.shape), a.dtype)
    strided = big[tuple(slice(None, None, 2) for _ in a.shape)]
    strided[...] = a
    flipped = np.ascontiguousarray(a[tuple(slice(None, None, -1) for _ in a.shape)])
    negative = flipped[tuple(slice(None, None, -1) for _ in a.shape)]
    out = {"C": np.ascontiguousarray(a), "F": np.asfortranarray(a), "strided": strided,
           "negative": negative}
    for name, arr in out.items():
        assert np.array_equal(arr, a), name
    assert not out["strided"].flags.c_contiguous or a.size <= 1
    return out
