"""Elementwise complementary error function erfc on NumPy arrays.

The library itself needs only erf; the tests use erfc to check the fits that both share. The
coefficients of both live in the generated block of _erf.py, with the shared helpers.

Method, with a = |x| and erfcx(a) = exp(a^2) erfc(a):

erfc
  x <= -1        2 - exp(-a^2) R(t) as for erf.
  -1 < x < 0.84375
                 (1 - x) - (erf(x) - x) with P above. 1 - x is split exactly into two
                 floats, and erf(x) - x stays below a third of erfc here: no cancellation.
  x >= 0.84375   Relative accuracy is needed all the way down to the underflow threshold, so
                 exp(-x^2) = exp(-h^2) exp(-(x - h)(x + h)) with h = x rounded to float32: h^2
                 is exact and the small second factor enters as 1 + q. erfcx comes from a
                 polynomial in s = x - c (exact) below 2, and x erfcx(x) from a polynomial in
                 1/x from 2 to 27.3. Both are written as a power of two plus a small remainder,
                 so the leading part is multiplied by exp(-h^2) exactly. From x = 27.3 on erfc
                 underflows to +0.
"""
from __future__ import annotations

import numpy as np

from ._erf import (_ERF_SMALL, _ERFC_LARGE, _ERFC_MID, _ERFC_ZERO, _LARGE, _MID, _erfc_tail,
                   _evaluate, _horner, _horner_tail, _piecewise)

__all__ = ["erfc"]


def _erfc_neg(x: np.ndarray) -> np.ndarray:
    """erfc(x) for x <= -1 as 2 - erfc(-x)."""
    r = _erfc_tail(np.negative(x))
    np.subtract(2.0, r, out=r)
    return r


def _erfc_small(x: np.ndarray) -> np.ndarray:
    """erfc(x) for -1 < x < 0.84375 as (1 - x) - (erf(x) - x).

    1 - x is split exactly into h + e (Fast2Sum, |x| <= 1). Besides the final sum only
    erf(x) - x carries rounding errors, and it stays below a third of erfc up to 0.84375.
    """
    p = _horner(_ERF_SMALL, x * x)
    p *= x
    h = np.subtract(1.0, x)
    e = np.subtract(1.0, h)
    e -= x
    e -= p
    h += e
    return h


def _exp_neg_square(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(e, d) with exp(-a^2) = e exp(-d): e = exp(-h^2) for h = float32(a), so that h^2 is
    exact (48 bits) and exp sees no rounded argument; d = (a - h)(a + h) < 2^-23 a^2."""
    h = a.astype(np.float32).astype(np.float64)
    d = a - h
    d *= a + h
    np.square(h, out=h)
    np.negative(h, out=h)
    np.exp(h, out=h)
    return h, d


def _combine(e: np.ndarray, t: np.ndarray, q: np.ndarray, base: float | np.ndarray
             ) -> np.ndarray:
    """e (base + t) (1 + q) with base a power of two: e * base is exact, and the remainder
    t + (base + t) q, much smaller than base, carries the only other rounding."""
    u = t + base
    u *= q
    u += t
    u *= e
    e *= base
    u += e
    return u


def _erfc_mid(a: np.ndarray) -> np.ndarray:
    """erfc(a) for 0.84375 <= a < 2 as exp(-a^2) erfcx(a)."""
    e, d = _exp_neg_square(a)
    # exp(-d) - 1 = -d + d^2/2: d < 2^-21 here, so the cubic term is below 2^-65.
    q = d * 0.5
    q -= 1.0
    q *= d
    # erfcx = base + t with base = 1/2, or 1/4 where erfcx < 1/2: t is the fitted polynomial
    # (of erfcx - 1/2) with its constant term, plus 1/4 there, added last.
    quarter = np.greater_equal(a, _MID[3])
    quarter = quarter * 0.25
    base = np.subtract(0.5, quarter)
    quarter += _ERFC_MID[0]
    t = _horner_tail(_ERFC_MID, a - _MID[2])  # a - centre is exact (Sterbenz)
    t += quarter
    return _combine(e, t, q, base)


def _erfc_large(a: np.ndarray) -> np.ndarray:
    """erfc(a) for a >= 2 (+inf, nan allowed) as exp(-a^2) (a erfcx(a)) / a."""
    a = np.minimum(a, _ERFC_ZERO)  # erfc(27.3) already rounds to +0; inf goes there too
    e, d = _exp_neg_square(a)
    np.negative(d, out=d)
    q = np.expm1(d)  # d reaches 9e-5 at the top of the range: a short series would not do
    y = np.divide(1.0, a)
    y -= _LARGE[2]
    u = _combine(e, _horner(_ERFC_LARGE, y), q, 0.5)
    u /= a
    return u


def _erfc_kernel(x: np.ndarray) -> np.ndarray:
    neg = x <= -1.0
    mid = x < _MID[0]
    large = x < _LARGE[0]
    return _piecewise(x, (
        (neg, _erfc_neg),
        (mid & ~neg, _erfc_small),
        (large & ~mid, _erfc_mid),
        (~large, _erfc_large),  # also +inf and nan
    ))


def erfc(x: np.ndarray) -> np.ndarray:
    """Complementary error function, elementwise: erfc(x) = 2/√π ∫ₓ^∞ e^{-t²} dt."""
    return _evaluate(x, _erfc_kernel)
