"""Numerical gradient checking by central differences in float64."""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from .gradients import grad
from .grad_mode import no_grad
from .tensor import Tensor


class GradcheckError(AssertionError):
    """An analytic gradient disagrees with the numerical one."""


def _outputs(out: Any) -> tuple:
    return tuple(out) if isinstance(out, (tuple, list)) else (out,)


def numerical_grad(fn: Callable[..., Any], inputs: Sequence[Tensor], weights: Sequence[Any],
                   index: int, eps: float) -> np.ndarray:
    """d/dxᵢ Σ wₖ·fₖ(x) by central differences, element by element:
    (f(x + ε) - f(x - ε)) / 2ε."""
    x = inputs[index].data
    out = np.zeros(x.size, dtype=np.float64)

    def value() -> float:
        with no_grad():
            outs = _outputs(fn(*inputs))
        return float(sum(np.sum(o.data * w) for o, w in zip(outs, weights)))

    # Written through x itself (C order): a write through x.reshape(-1) misses a
    # non-contiguous x.
    for i, at in enumerate(np.ndindex(x.shape)):
        old = x[at]
        x[at] = old + eps
        hi = value()
        x[at] = old - eps
        lo = value()
        x[at] = old
        out[i] = (hi - lo) / (2 * eps)
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
        if isinstance(t, Tensor) and t.dtype.kind == "f":
            ins.append(Tensor(np.array(t.data, dtype=np.float64), requires_grad=t.requires_grad))
        else:
            ins.append(t)
    diff = [i for i, t in enumerate(ins) if isinstance(t, Tensor) and t.requires_grad]
    if not diff:
        raise ValueError("gradcheck: no input requires grad")
    outs = _outputs(fn(*ins))
    rng = np.random.default_rng(seed)
    weights = [rng.standard_normal(np.shape(o.data)) for o in outs]
    total = None
    for o, w in zip(outs, weights):
        if isinstance(o, Tensor) and o.requires_grad:
            term = (o * w).sum()
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
        if bad.any() or a.shape != n.shape:
            idx = tuple(int(j) for j in np.argwhere(bad)[0]) if bad.any() else ()
            raise GradcheckError(
                f"gradcheck: input {i} (shape {ins[i].shape}), element {idx}: analytic "
                f"{float(a[idx])!r} vs numerical {float(n[idx])!r} (atol={atol}, rtol={rtol})"
            )
    return True
