"""Inverted dropout and the Bernoulli keep-masks that dropout and DropConnect draw."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograd import Tensor
from autograd.extend import default_generator

from .. import _checks

__all__ = ["dropout", "keep_mask", "check_p"]


def check_p(p: float, who: str) -> float:
    """`p` as a float, or an error naming `who` when it is not a probability (TypeError for a
    non-number, ValueError outside [0, 1])."""
    return _checks.probability(who, "drop probability p", p)


def keep_mask(shape: tuple, p: float, dtype: Any) -> np.ndarray:
    """Bernoulli(1 - p) mask scaled by 1 / (1 - p), from the default generator.

    Random bits are the cost here, so a drop rate that is a multiple of 1/256 spends fewer:
    p = 1/2 takes one random bit per element and other multiples one random byte, both exact
    Bernoulli draws; any other p compares float32 uniforms with p.
    """
    if p == 1.0:
        return np.zeros(shape, dtype)
    rng = default_generator()
    n = math.prod(shape)
    if p == 0.5:
        bits = np.frombuffer(rng.bytes((n + 7) // 8), dtype=np.uint8)
        keep = np.unpackbits(bits, count=n).reshape(shape)
    elif (p * 256).is_integer():
        keep = np.frombuffer(rng.bytes(n), dtype=np.uint8).reshape(shape) >= int(p * 256)
    else:
        keep = rng.random(shape, dtype=np.float32) >= np.float32(p)
    # One pass: 0/1 times the scale, written straight into the mask's dtype.
    return np.multiply(keep, 1.0 / (1.0 - p), dtype=dtype)


def dropout(x: Any, p: float = 0.5, training: bool = True) -> Tensor:
    """y = x ⊙ M / (1 - p) with M ~ Bernoulli(1 - p) from the default generator (training);
    y = x otherwise. The gradient is g ⊙ M / (1 - p)."""
    p = check_p(p, "dropout")
    x = _checks.float_input("dropout", x)
    if not training or p == 0.0:
        return x
    return x * keep_mask(x.shape, p, x.dtype)
