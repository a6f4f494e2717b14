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
* ERFC_MID, 0.84375 <= a < 2: erfcx(c + s) - 1/2 as a polynomial in s = a - c (exact in
  floating point); relative error weight on erfcx. The module adds its constant term last,
  together with 1/4 where erfcx < 1/2, so that exp(-a^2) times the power of two 1/2 or 1/4 is
  exact and only a remainder small against erfcx is rounded.
* ERFC_LARGE, 2 <= a <= 27.3: a erfcx(a) - 1/2 as a polynomial in y = 1/a - vc; relative
  error weight on a erfcx(a), which lies in [0.51, 0.57].
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

# Break points and expansion centres, used as the float64 values written here.
ERF_SMALL_MAX = 1.0       # erf(x) = x + x P(x^2) below this |x|
ERF_SAT = 6.0             # erfc(6) < 2^-54, so 1 - erfc rounds to 1 from here on
TAIL_K = 2.25             # centre of the Moebius variable t = (a - K)/(a + K)
MID_RANGE = (0.84375, 2.0)
MID_CENTRE = 1.375        # nominal; moved by up to 64 steps of 2^-12 to where erfcx(c) - 1/2
                          # is nearly a float64 (see quiet_centre)
MID_SWITCH = 1.25         # the base drops from 1/2 to 1/4 here
LARGE = (2.0, 27.3, 0.265625)       # (lo, hi, centre vc of y = 1/a - vc)
ERFC_ZERO = LARGE[1]      # erfc(x) < 2^-1075 (rounds to +0) from here on

# Weighted error targets, relative to the result: the minimax fit itself must be far below
# float64 rounding (2^-53); rounding its coefficients to float64 may add up to a quarter of
# that (ERF_SMALL's constant term 2/sqrt(pi) - 1 cannot be rounded any closer).
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


def fit(name: str, f, w, v0, v1, n: int, shift: mp.mpf = mp.mpf(0), fixed: int = 0,
        m: int = 1500) -> list:
    """Fit f (weight w) on [v0, v1]; return float64 coefficients of p(v) - shift.

    fixed > 0 (for 0 inside [v0, v1]): the first `fixed` coefficients are rounded to float64 one
    at a time, each remaining one refitted after that (to (f - shift - known)/v^j with weight
    w |v|^j), so their rounding errors are absorbed where the higher terms can, and p is exact
    at v = 0 up to the rounding of the constant. The result is verified after rounding:
    evaluated exactly with the float64 coefficients on a grid four times denser.
    """
    v0, v1 = mp.mpf(v0), mp.mpf(v1)
    vs = cheb_grid(v0, v1, m)
    known = []
    if fixed:
        known.append(mp.mpf(float(f(mp.mpf(0)) - shift)))
        vs = [v for v in vs if abs(v) > mp.mpf(2) ** -60]
    while True:
        j = len(known)
        target = [(f(v) - shift - horner(known, v)) / v ** j for v in vs]
        rest, emax = remez(vs, target, [w(v) * abs(v) ** j for v in vs], n - j)
        if j >= fixed:
            coeffs = known + list(rest)
            break
        known.append(mp.mpf(float(rest[0])))
    rounded = [float(c) for c in coeffs]
    check = cheb_grid(v0, v1, 4 * m + 1)
    err = max(abs(w(v) * (horner([mp.mpf(c) for c in rounded], v) + shift - f(v))) for v in check)
    print(f"# {name}: degree {n}, weighted error {mp.nstr(emax, 3)} (minimax), "
          f"{mp.nstr(err, 3)} (float64 coefficients)", file=sys.stderr)
    if emax > FIT_TOL or err > ROUNDED_TOL:
        raise SystemExit(f"{name}: weighted error too large")
    return rounded


def quiet_centre(nominal: float, g, step: float = 2.0 ** -12, span: int = 64) -> float:
    """The float64 c = nominal + k step, |k| <= span, whose g(c) lies closest to a float64
    (relative to its spacing): a polynomial expanded at c then has an almost exact constant."""
    def miss(c):
        value = g(mp.mpf(c))
        nearest = mp.mpf(float(value))
        return abs(value - nearest) / abs(nearest)
    return min((nominal + k * step for k in range(-span, span + 1)), key=miss)


def compute() -> tuple[dict, dict]:
    """(constants, coefficient tuples) for the generated block."""
    one = mp.mpf(1)
    out = {}
    mid = MID_RANGE + (quiet_centre(MID_CENTRE, lambda c: erfcx(c) - one / 2), MID_SWITCH)
    consts = {"ERF_SMALL_MAX": ERF_SMALL_MAX, "ERF_SAT": ERF_SAT, "TAIL_K": TAIL_K,
              "MID": mid, "LARGE": LARGE, "ERFC_ZERO": ERFC_ZERO}

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
                          (lo - k) / (lo + k), (hi - k) / (hi + k), 11, fixed=2)

    lo, hi, c, _ = mid
    c = mp.mpf(c)
    out["ERFC_MID"] = fit("ERFC_MID", lambda s: erfcx(c + s), lambda s: 1 / erfcx(c + s),
                          lo - c, hi - c, 17, shift=mp.mpf(1) / 2, fixed=2)

    lo, hi, vc = LARGE
    vc = mp.mpf(vc)
    out["ERFC_LARGE"] = fit("ERFC_LARGE", lambda y: erfcx(1 / (y + vc)) / (y + vc),
                            lambda y: (y + vc) / erfcx(1 / (y + vc)),
                            one / hi - vc, one / lo - vc, 22, shift=mp.mpf(1) / 2, fixed=2)

    # The saturation points the module relies on.
    assert mp.erfc(ERF_SAT) < mp.mpf(2) ** -54
    assert mp.erfc(ERFC_ZERO) < mp.mpf(2) ** -1075
    # erfcx falls monotonically; with base 1/2 below the switch and 1/4 above it, the rounded
    # remainder erfcx - base stays below 0.4 erfcx throughout.
    for point, base in ((mid[0], 2), (mid[3], 2), (mid[3], 4), (mid[1], 4)):
        assert abs(erfcx(point) - one / base) < mp.mpf("0.4") * erfcx(point)
    return consts, out


NOTES = {
    "MID": "(lo, hi, centre, base switch)",
    "LARGE": "(lo, hi, centre of 1/a)",
}


def render(consts: dict, coeffs: dict) -> str:
    lines = [BEGIN, "# Weighted minimax fits, lowest degree first (targets: see the generator)."]
    for name, value in consts.items():
        note = f"  # {NOTES[name]}" if name in NOTES else ""
        lines.append(f"_{name} = {value!r}{note}")
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
    block = render(*compute())
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
