"""Numerical gradient checking by central differences in float64 (complex128).

Complex inputs and outputs are checked as PyTorch's gradcheck does: the real and imaginary
parts of each input element are perturbed in turn, and the analytic gradient of the real
loss Σ Re(w̄·f) must equal ∂/∂(Re x) + i ∂/∂(Im x) (PyTorch's convention, complex_grad.py).
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from .gradients import grad
from .grad_mode import no_grad
from .ops.complex_parts import real
from .tensor import Tensor


class GradcheckError(AssertionError):
    """An analytic gradient disagrees with the numerical one."""


def _outputs(out: Any) -> tuple:
    return tuple(out) if isinstance(out, (tuple, list)) else (out,)


def _loss_value(outs: Sequence[Any], weights: Sequence[Any]) -> float:
    """Σ Re(w̄ₖ·fₖ): Σ wₖ·fₖ for real outputs."""
    return float(sum(np.sum(np.real(np.conj(w) * np.asarray(getattr(o, "data", o))))
                     for o, w in zip(outs, weights)))


def numerical_grad(fn: Callable[..., Any], inputs: Sequence[Tensor], weights: Sequence[Any],
                   index: int, eps: float) -> np.ndarray:
    """d/dxᵢ Σ Re(w̄ₖ·fₖ(x)) by central differences, element by element:
    (f(x + ε) - f(x - ε)) / 2ε; for complex x, ∂/∂(Re x) + i ∂/∂(Im x)."""
    x = inputs[index].data
    steps = (eps, 1j * eps) if x.dtype.kind == "c" else (eps,)
    out = np.zeros(x.size, dtype=x.dtype if x.dtype.kind == "c" else np.float64)

    def value() -> float:
        with no_grad():
            return _loss_value(_outputs(fn(*inputs)), weights)

    # Element by element through x itself: a flat view would be a copy for any layout but C.
    for i, at in enumerate(np.ndindex(x.shape)):
        old = x[at]
        for step in steps:
            x[at] = old + step
            hi = value()
            x[at] = old - step
            lo = value()
            x[at] = old
            out[i] += (hi - lo) / (2 * eps) * (step / eps)
    return out.reshape(x.shape)


def gradcheck(
    fn: Callable[..., Any], inputs: Any, eps: float = 1e-6, atol: float = 1e-5,
    rtol: float = 1e-3, seed: int = 0,
) -> bool:
    """Compare backward's gradients of Σ w·fn(*inputs) (w random) with central differences.

    Inputs are copied to float64 first. Returns True, or raises `GradcheckError` naming the
    input, the element and both values; |analytic - numerical| ≤ atol + rtol·|numerical|.
    """
    single = isinstance(inputs, Tensor)
    originals = [inputs] if single else list(inputs)
    ins = []
    for t in originals:
        if isinstance(t, Tensor) and t.dtype.kind in "fc":
            wide = np.float64 if t.dtype.kind == "f" else np.complex128
            ins.append(Tensor(np.array(t.data, dtype=wide), requires_grad=t.requires_grad))
        else:
            ins.append(t)
    diff = [i for i, t in enumerate(ins) if isinstance(t, Tensor) and t.requires_grad]
    if not diff:
        raise ValueError("gradcheck: no input requires grad")
    outs = _outputs(fn(*ins))
    rng = np.random.default_rng(seed)
    weights = [_weight(rng, o) for o in outs]
    total = None
    for o, w in zip(outs, weights):
        if isinstance(o, Tensor) and o.requires_grad:
            term = (o * np.conj(w)).sum() if o.dtype.kind != "c" else \
                real(o * np.conj(w)).sum()
            total = term if total is None else total + term
    if total is None:
        analytic = [np.zeros_like(ins[i].data) for i in diff]
    else:
        grads = grad(total, [ins[i] for i in diff], allow_unused=True)
        analytic = [np.zeros_like(ins[i].data) if g is None else g.data
                    for i, g in zip(diff, grads)]
    for i, a in zip(diff, analytic):
        n = numerical_grad(fn, ins, weights, i, eps)
        # Written as `not (close)` so that a NaN on either side counts as a mismatch.
        bad = ~(np.abs(a - n) <= atol + rtol * np.abs(n))
        if a.shape != n.shape:
            raise GradcheckError(
                f"gradcheck: input {i} (shape {ins[i].shape}): the analytic gradient has "
                f"shape {a.shape}"
            )
        if bad.any():
            idx = tuple(int(j) for j in np.argwhere(bad)[0])
            if any(np.iscomplexobj(x) for x in [a, n] + [o.data for o in outs]):
                raise GradcheckError(
                    f"gradcheck: input {i} (shape {ins[i].shape}), element {idx}: the "
                    f"gradient of Σ Re(w̄·f) is {a[idx]!r} analytic vs {n[idx]!r} numerical "
                    f"(∂/∂Re + i ∂/∂Im; atol={atol}, rtol={rtol})")
            k, at, ja, jn = jacobian_entry(fn, ins, i, idx, eps)
            raise GradcheckError(
                f"gradcheck: input {i} (shape {ins[i].shape}), element {idx}: Jacobian entry "
                f"d output {k}{list(at)} / d input {i}{list(idx)}: analytic {ja!r} vs "
                f"numerical {jn!r} (atol={atol}, rtol={rtol})"
            )
    return True


def _weight(rng: np.random.Generator, o: Any) -> np.ndarray:
    """A random weight for output o: complex for a complex output."""
    w = rng.standard_normal(np.shape(o.data))
    if np.iscomplexobj(o.data):
        w = w + 1j * rng.standard_normal(np.shape(o.data))
    return w


def jacobian_entry(fn: Callable[..., Any], ins: Sequence[Any], i: int, idx: tuple,
                   eps: float) -> tuple[int, tuple, float, float]:
    """Where input `i`'s element `idx` disagrees: the output k and element e with the largest
    |analytic - numerical| of the Jacobian entry d out_k[e] / d x_i[idx] (k, e, both values).
    One backward per output element: used only to report a failure."""
    x = ins[i].data
    old = x[idx]
    with no_grad():
        x[idx] = old + eps
        hi = [np.array(o.data, dtype=np.float64) for o in _outputs(fn(*ins))]
        x[idx] = old - eps
        lo = [np.array(o.data, dtype=np.float64) for o in _outputs(fn(*ins))]
    x[idx] = old
    outs = _outputs(fn(*ins))
    worst = (-1.0, 0, (), 0.0, 0.0)
    for k, o in enumerate(outs):
        numerical = (hi[k] - lo[k]) / (2 * eps)
        for at in np.ndindex(np.shape(o.data)):
            ja = 0.0
            if isinstance(o, Tensor) and o.requires_grad:
                (g,) = grad(o[at], [ins[i]], retain_graph=True, allow_unused=True)
                ja = 0.0 if g is None else float(g.data[idx])
            jn = float(numerical[at])
            err = abs(ja - jn) if np.isfinite(ja - jn) else np.inf
            if err > worst[0]:
                worst = (err, k, at, ja, jn)
    return worst[1:]
