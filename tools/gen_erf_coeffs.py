"""Derive the polynomial coefficients used by ``autograd/ops/_erf.py``.

Development tool only: it needs mpmath, the library does not. Every polynomial is a weighted
minimax fit computed here from scratch (discrete Remez exchange at 50 significant digits on a
Chebyshev-distributed grid), then rounded to float64 and re-checked in exact arithmetic.

    python tools/gen_erf_coeffs.py            # print the literal block that _erf.py contains
    python tools/gen_erf_coeffs.py --check    # exit 1 unless _erf.py holds exactly that block

Pieces (a = |x|, erfcx(a) = exp(a^2) erfc(a)):

* ERF_SMALL, a < 1: erf(x)/x - 1 as a polynomial in z = x^2; relative error weight.
* ERF_TAIL, 1 <= a <= 6: erfcx(a) as a polynomial in t = (a - K)/(a + K). Used only through
  erf = 1 - exp(-a^2) erfcx(a) (and erfc(-a) = 2 - ...), so the weight asks for accuracy
  relative to erf, not to erfc: e^{-a^2}/erf(a).
* ERFC_MID1 / ERFC_MID2, 15/32 <= a < 1 and 1 <= a < 2: erfcx(c + s) - base as a polynomial in
  s = a - c (exact in floating point); relative error weight on erfcx. base is a power of two
  close to erfcx there, so exp(-a^2) * base is exact and only the small remainder is rounded.
* ERFC_LARGE1 / ERFC_LARGE2, 2 <= a < 4.5 and 4.5 <= a <= 27.3: a erfcx(a) - 1/2 as a
  polynomial in y = 1/a - vc; relative error weight on a erfcx(a), which lies in [0.51, 0.57].
"""
from __future__ import annotations

import argparse
import pathlib
import re
import sys

import mpmath as mp

mp.mp.dps = 50

TARGET = pathlib.Path(__file__).resolve().parent.parent / "autograd" / "ops" / "_erf.py"
BEGIN = "# BEGIN GENERATED COEFFICIENTS (tools/gen_erf_coeffs.py)"
END = "# END GENERATED COEFFICIENTS"

# Break points and expansion centres; all exactly representable in float64.
ERF_SMALL_MAX = 1.0       # erf(x) = x + x P(x^2) below this |x|
ERF_SAT = 6.0             # erfc(6) < 2^-54, so 1 - erfc rounds to 1 from here on
TAIL_K = 2.25             # centre of the Moebius variable t = (a - K)/(a + K)
ERFC_SMALL_MAX = 0.46875  # erfc(x) = 1 - erf(x) below this x (erf < 1/2: no cancellation)
MID1 = (0.46875, 1.0, 0.75, 0.5)   # (lo, hi, centre c, base)
MID2 = (1.0, 2.0, 1.5, 0.25)
ERFC_ZERO = 27.3          # erfc(x) < 2^-1075 (rounds to +0) from here on
LARGE1 = (2.0, 4.5, 0.359375, 0.5)   # (lo, hi, centre vc of y = 1/a - vc, base)
LARGE2 = (4.5, ERFC_ZERO, 0.12890625, 0.5)

# Weighted error targets, in units of the result: the minimax fit itself must be far below
# float64 rounding (2^-53); rounding its coefficients to float64 may add up to about a quarter
# of an ulp (the constant and linear terms cannot be rounded any closer).
FIT_TOL = mp.mpf(2) ** -57
ROUNDED_TOL = mp.mpf(2) ** -55


def erfcx(a: mp.mpf) -> mp.mpf:
    return mp.exp(a * a) * mp.erfc(a)


def cheb_grid(v0: mp.mpf, v1: mp.mpf, m: int) -> list:
    """m Chebyshev-Lobatto points on [v0, v1]: dense near the ends, where minimax errors peak."""
    return [(v0 + v1) / 2 - (v1 - v0) / 2 * mp.cos(mp.pi * i / (m - 1)) for i in range(m)]


def horner(coeffs: list, v: mp.mpf) -> mp.mpf:
    r = mp.mpf(0)
    for c in reversed(coeffs):
        r = r * v + c
    return r


def remez(vs: list, f: list, w: list, n: int, iters: int = 60) -> tuple:
    """Degree-n polynomial minimising max_i |w_i (p(v_i) - f_i)| (discrete Remez exchange)."""
    m = len(vs)
    ref = [int(round((m - 1) * (1 - mp.cos(mp.pi * i / (n + 1))) / 2)) for i in range(n + 2)]
    best = None
    for _ in range(iters):
        mat = mp.matrix(n + 2, n + 2)
        rhs = mp.matrix(n + 2, 1)
        for row, i in enumerate(ref):
            p = mp.mpf(1)
            for j in range(n + 1):
                mat[row, j] = p
                p *= vs[i]
            mat[row, n + 1] = (-1) ** row / w[i]
            rhs[row] = f[i]
        sol = mp.lu_solve(mat, rhs)
        coeffs = [sol[j] for j in range(n + 1)]
        level = abs(sol[n + 1])
        err = [w[i] * (horner(coeffs, vs[i]) - f[i]) for i in range(m)]
        emax = max(abs(e) for e in err)
        if best is None or emax < best[1]:
            best = (coeffs, emax)
        if emax <= level * (1 + mp.mpf("1e-4")):
            break  # equioscillation reached: this is the minimax polynomial on the grid
        # New reference: the largest |error| of every run of one sign, thinned to n + 2
        # alternating points by dropping the smallest (in pairs inside, singly at the ends).
        ext = []
        i = 0
        while i < m:
            sign, j, k = err[i] >= 0, i, i
            while j < m and (err[j] >= 0) == sign:
                if abs(err[j]) > abs(err[k]):
                    k = j
                j += 1
            ext.append(k)
            i = j
        while len(ext) > n + 2:
            small = min(range(len(ext)), key=lambda q: abs(err[ext[q]]))
            if small in (0, len(ext) - 1):
                ext.pop(small)
            elif len(ext) == n + 3:
                ext.pop(0 if abs(err[ext[0]]) < abs(err[ext[-1]]) else -1)
            else:
                nb = small + 1 if abs(err[ext[small + 1]]) < abs(err[ext[small - 1]]) else small - 1
                for q in sorted((small, nb), reverse=True):
                    ext.pop(q)
        if len(ext) < n + 2:
            break
        ref = ext
    return best


def fit(name: str, f, w, v0, v1, n: int, shift: mp.mpf = mp.mpf(0), m: int = 1500) -> list:
    """Fit f (weight w) on [v0, v1]; return float64 coefficients of p(v) - shift.

    The fit is verified after rounding: evaluated exactly with the float64 coefficients on a
    grid four times denser than the one it was fitted on.
    """
    v0, v1 = mp.mpf(v0), mp.mpf(v1)
    vs = cheb_grid(v0, v1, m)
    coeffs, emax = remez(vs, [f(v) for v in vs], [w(v) for v in vs], n)
    coeffs = list(coeffs)
    coeffs[0] -= shift
    rounded = [float(c) for c in coeffs]
    check = cheb_grid(v0, v1, 4 * m + 1)
    err = max(abs(w(v) * (horner([mp.mpf(c) for c in rounded], v) + shift - f(v))) for v in check)
    print(f"# {name}: degree {n}, weighted error {mp.nstr(emax, 3)} (minimax), "
          f"{mp.nstr(err, 3)} (float64 coefficients)", file=sys.stderr)
    if emax > FIT_TOL or err > ROUNDED_TOL:
        raise SystemExit(f"{name}: weighted error too large")
    return rounded


def compute() -> dict:
    one = mp.mpf(1)
    out = {}

    # erf(x)/x - 1 in z = x^2; at z = 0 use the limit 2/sqrt(pi) - 1.
    def small(z):
        return (mp.erf(mp.sqrt(z)) / mp.sqrt(z) if z else 2 / mp.sqrt(mp.pi)) - 1

    out["ERF_SMALL"] = fit("ERF_SMALL", small, lambda z: 1 / (1 + small(z)),
                           0, mp.mpf(ERF_SMALL_MAX) ** 2, 12)

    k = mp.mpf(TAIL_K)

    def a_of_t(t):
        return k * (1 + t) / (1 - t)

    lo, hi = mp.mpf(ERF_SMALL_MAX), mp.mpf(ERF_SAT)
    out["ERF_TAIL"] = fit("ERF_TAIL", lambda t: erfcx(a_of_t(t)),
                          lambda t: mp.exp(-a_of_t(t) ** 2) / mp.erf(a_of_t(t)),
                          (lo - k) / (lo + k), (hi - k) / (hi + k), 11)

    for name, (lo, hi, c, base), n in (("ERFC_MID1", MID1, 14), ("ERFC_MID2", MID2, 16)):
        c = mp.mpf(c)
        out[name] = fit(name, lambda s: erfcx(c + s), lambda s: 1 / erfcx(c + s),
                        lo - c, hi - c, n, shift=mp.mpf(base))

    for name, (lo, hi, vc, base), n in (("ERFC_LARGE1", LARGE1, 15), ("ERFC_LARGE2", LARGE2, 15)):
        vc = mp.mpf(vc)
        out[name] = fit(name, lambda y: erfcx(1 / (y + vc)) / (y + vc),
                        lambda y: (y + vc) / erfcx(1 / (y + vc)),
                        one / hi - vc, one / lo - vc, n, shift=mp.mpf(base))

    # The saturation points the module relies on.
    assert mp.erfc(ERF_SAT) < mp.mpf(2) ** -54
    assert mp.erfc(ERFC_ZERO) < mp.mpf(2) ** -1075
    assert mp.erf(ERFC_SMALL_MAX) < mp.mpf(1) / 2
    return out


def render(coeffs: dict) -> str:
    lines = [
        BEGIN,
        "# Weighted minimax fits, lowest degree first; see the generator for the targets.",
        f"_ERF_SMALL_MAX = {ERF_SMALL_MAX!r}",
        f"_ERF_SAT = {ERF_SAT!r}",
        f"_TAIL_K = {TAIL_K!r}",
        f"_ERFC_SMALL_MAX = {ERFC_SMALL_MAX!r}",
        f"_MID1 = {MID1!r}  # (lo, hi, centre, base)",
        f"_MID2 = {MID2!r}",
        f"_LARGE1 = {LARGE1!r}  # (lo, hi, centre of 1/a, base)",
        f"_LARGE2 = {LARGE2!r}",
        f"_ERFC_ZERO = {ERFC_ZERO!r}",
    ]
    for name, values in coeffs.items():
        lines.append(f"_{name} = (")
        lines.extend(f"    {v!r}," for v in values)
        lines.append(")")
    lines.append(END)
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help=f"compare with the block in {TARGET.name} instead of printing")
    args = parser.parse_args()
    block = render(compute())
    if not args.check:
        sys.stdout.write(block)
        return 0
    text = TARGET.read_text()
    found = re.search(re.escape(BEGIN) + r".*?" + re.escape(END) + r"\n", text, re.S)
    if found is None or found.group(0) != block:
        print(f"{TARGET} does not hold the generated block", file=sys.stderr)
        return 1
    print("coefficients match", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
