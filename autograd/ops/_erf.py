"""Elementwise error function erf on NumPy arrays (erfc, used by the tests, is in _erfc.py).

NumPy has no erf ufunc and the library must not depend on SciPy, so erf is built here from
NumPy primitives, vectorised by evaluating a few polynomials on masked ranges (Horner's rule,
in place). Everything is computed in float64; float32 (and other float) inputs are widened
and the result is cast back, integer inputs give float64.

Method, with a = |x| and erfcx(a) = exp(a^2) erfc(a):

erf (odd, so only a matters)
  a < 1      erf(x) = x + x P(x^2), P a polynomial for erf(x)/x - 1. Adding the exact x last
             leaves about one rounding, and tiny x give 2x/sqrt(pi) with full relative accuracy.
  a >= 1     erf(x) = sign(x) (1 - exp(-a^2) R(t)), t = (a - K)/(a + K). In t the slowly
             decaying erfcx becomes an easy polynomial target R. Since erfc(a) < 0.19 erf(a)
             here, the rounding of a^2 and of the products is damped in 1 - erfc. From a = 6
             on, 1 - erfc rounds to 1, so a is clipped there (this also covers inf).

Arrays are processed in blocks of 16000 elements, see _CHUNK.

Measured against mpmath, float64: erf within 1.6e-16 relative, erfc within 3.2e-16 where its
value is a normal number (below that, within the subnormal spacing).

The coefficients are not taken from any library: they are weighted minimax fits derived with
mpmath by tools/gen_erf_coeffs.py. The block between the GENERATED markers below is that
script's verbatim output (`python tools/gen_erf_coeffs.py --check` verifies it).
"""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

__all__ = ["erf"]

# BEGIN GENERATED COEFFICIENTS (tools/gen_erf_coeffs.py)
# Weighted minimax fits, lowest degree first (targets: see the generator).
_ERF_SMALL_MAX = 1.0
_ERF_SAT = 6.0
_TAIL_K = 2.25
_MID = (0.84375, 2.0, 1.377197265625, 1.25)  # (lo, hi, centre, base switch)
_LARGE = (2.0, 27.3, 0.265625)  # (lo, hi, centre of 1/a)
_ERFC_ZERO = 27.3
_ERF_SMALL = (
    0.1283791670955126,
    -0.3761263890318375,
    0.11283791670954857,
    -0.026866170645072893,
    0.005223977624780859,
    -0.0008548326978741784,
    0.00012055331036884135,
    -1.4925593506514973e-05,
    1.6460972810982946e-06,
    -1.6350025158784255e-07,
    1.4657879416718964e-08,
    -1.1365664342383398e-09,
    5.945259064873783e-11,
)
_ERF_TAIL = (
    0.23108725873039188,
    -0.3981892626393645,
    0.24966144242773028,
    -0.10505063893450134,
    0.02168877572137993,
    0.003393242446525141,
    -0.002767951045883822,
    -0.00018633070582568041,
    0.0003815550884072842,
    4.575512042827982e-05,
    -5.915315575877596e-05,
    -2.114172264351185e-05,
)
_ERFC_MID = (
    -0.15710866676130905,
    -0.18392115400984085,
    0.08959562284574353,
    -0.04035353814314597,
    0.01701042022836306,
    -0.00677073356685781,
    0.0025619281576237185,
    -0.0009264151782494549,
    0.000321517932535895,
    -0.00010747142621518985,
    3.47016570656896e-05,
    -1.0851170615402677e-05,
    3.2932617521063747e-06,
    -9.710243963363535e-07,
    2.781904022033217e-07,
    -7.937756610317216e-08,
    2.3428099911736002e-08,
    -5.190372912821224e-09,
)
_ERFC_LARGE = (
    0.04609134421726867,
    -0.12452998179114784,
    -0.15754769946265135,
    0.21712281176573076,
    -0.047906250472023675,
    -0.23486526235854754,
    0.396012894136217,
    -0.17391814231300906,
    -0.5124096088963205,
    1.2990005522619528,
    -1.2490504154300919,
    -0.7985707274111801,
    5.059500098961121,
    -8.87201093140908,
    5.3321915656487855,
    14.16041057875876,
    -53.22436285840072,
    102.2072735219136,
    -55.88685860206566,
    -410.2549842418472,
    981.9018157895724,
    269.9261120667302,
    -2014.1237586230504,
)
# END GENERATED COEFFICIENTS


# Share of the elements from which one branch is evaluated on the whole array (see _piecewise).
_MAIN_BRANCH_SHARE = 0.75
# Elements per block. The temporaries of one block (under 128 KiB each, malloc's default mmap
# threshold) are reused by the next from the heap: whole-array temporaries would make malloc
# hand back and re-fault megabytes of pages on every call, costing more than the arithmetic.
_CHUNK = 16000


def _horner(coeffs: Sequence[float], v: np.ndarray) -> np.ndarray:
    """sum(coeffs[i] * v**i) into a new array, coefficients lowest degree first."""
    r = v * coeffs[-1]
    r += coeffs[-2]
    for c in coeffs[-3::-1]:
        r *= v
        r += c
    return r


def _horner_tail(coeffs: Sequence[float], v: np.ndarray) -> np.ndarray:
    """The same without the constant term: sum(coeffs[i] * v**i for i >= 1)."""
    r = _horner(coeffs[1:], v)
    r *= v
    return r


def _erf_small(x: np.ndarray) -> np.ndarray:
    """erf(x) for |x| < 1."""
    p = _horner(_ERF_SMALL, x * x)
    p *= x
    p += x
    return p


def _erfc_tail(a: np.ndarray) -> np.ndarray:
    """erfc(a) for a >= 1 (inf, nan allowed), with an error small relative to erf(a).

    Overwrites a, which the callers pass as a fresh array.
    """
    np.minimum(a, _ERF_SAT, out=a)
    t = a - _TAIL_K
    t /= a + _TAIL_K
    p = _horner(_ERF_TAIL, t)
    # exp(-a^2) as is: its relative error (a^2 ulp) is damped by erfc/erf in the callers.
    np.square(a, out=a)
    np.negative(a, out=a)
    np.exp(a, out=a)
    p *= a
    return p


def _erf_tail(x: np.ndarray) -> np.ndarray:
    """erf(x) for |x| >= 1, inf or nan."""
    r = _erfc_tail(np.abs(x))
    np.subtract(1.0, r, out=r)
    np.copysign(r, x, out=r)
    return r


def _piecewise(x: np.ndarray,
               branches: Sequence[tuple[np.ndarray, Callable[[np.ndarray], np.ndarray]]]
               ) -> np.ndarray:
    """out[m] = f(x[m]) for each (mask m, f); the masks partition x, every f accepts any input.

    A branch holding most elements runs on all of x and the others overwrite their part:
    gathering and scattering most of the array costs more than the few extra evaluations.
    The rest go through np.flatnonzero indices, several times faster than boolean indexing
    for scattered masks.
    """
    counts = [int(np.count_nonzero(mask)) for mask, _ in branches]
    main = max(range(len(branches)), key=counts.__getitem__)
    if counts[main] >= _MAIN_BRANCH_SHARE * x.size:
        out = branches[main][1](x)
    else:
        main = -1
        out = np.empty_like(x)
    for i, (mask, func) in enumerate(branches):
        if i != main and counts[i]:
            idx = np.flatnonzero(mask)
            out[idx] = func(np.take(x, idx))
    return out


def _prepare(x: np.ndarray) -> tuple[np.ndarray, np.dtype]:
    arr = np.asarray(x)
    if arr.dtype.kind == "f":
        dtype = arr.dtype
    elif arr.dtype.kind in "biu":
        dtype = np.dtype(np.float64)
    else:
        raise TypeError(f"erf/erfc need a real array, got dtype {arr.dtype}")
    return arr, dtype


def _evaluate(x: np.ndarray, kernel: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    arr, dtype = _prepare(x)
    flat = np.ascontiguousarray(arr, dtype=np.float64).reshape(-1)
    out = np.empty(flat.shape)
    # A branch run on a whole block also sees elements outside its range (their results are
    # overwritten), and erfc underflows in its far tail: neither may warn, nor trip a caller's
    # np.seterr(all="raise"). inf and nan reach their exact results through the branches.
    with np.errstate(all="ignore"):
        for start in range(0, flat.size, _CHUNK):
            out[start:start + _CHUNK] = kernel(flat[start:start + _CHUNK])
    return out.reshape(arr.shape).astype(dtype, copy=False)


def _erf_kernel(x: np.ndarray) -> np.ndarray:
    small = np.abs(x) < _ERF_SMALL_MAX
    return _piecewise(x, ((small, _erf_small), (~small, _erf_tail)))


def erf(x: np.ndarray) -> np.ndarray:
    """Error function, elementwise: erf(x) = 2/√π ∫₀ˣ e^{-t²} dt."""
    return _evaluate(x, _erf_kernel)


