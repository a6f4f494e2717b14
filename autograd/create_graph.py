"""The Tensor path's arithmetic for `create_graph=True`: a node's backward run on Tensors.

Built-in backward formulas are written with operators and methods that Tensors share with
ndarrays, so the same code runs here on Tensors and records a graph. The arrays an op saved are
handed back as the Tensors they came from (an input, or the op's own output), which connects
the new graph to the old one; anything else it saved is a constant. The walk itself is the one
in `engine.py`.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .function import Op, _freed_message, checked_backward
from .grad_mode import STATE, no_grad
from .tensor import Tensor, _make


class OnceDifferentiable(Op):
    """Marks a gradient computed by a custom Function's backward (on ndarrays)."""

    complex_rule = "own"

    def forward(ctx: Any, link: np.ndarray, grad: np.ndarray, source: str) -> np.ndarray:
        # `link` (an input of the custom op) only ties the result into the graph.
        ctx.saved = (source,)
        return grad

    def backward(ctx: Any, g: Any) -> tuple:
        raise RuntimeError(
            f"{ctx.saved[0]} is a custom autograd.Function, which is differentiable once: its "
            "backward runs on ndarrays, so its gradient cannot be differentiated again"
        )


class ZeroSlope(Op):
    """y = g, a gradient that came out constant although its formula read a saved tensor x
    that requires grad (relu, abs, clip, maximum, ...); dy/dx = 0: a piecewise-linear op's
    second derivative is zero, not missing (as in PyTorch)."""

    complex_rule = "linear"

    def forward(ctx: Any, x: np.ndarray, g: np.ndarray) -> np.ndarray:
        ctx.saved = (x.shape, x.dtype)
        return g

    def backward(ctx: Any, gg: Any) -> tuple:
        shape, dtype = ctx.saved
        return np.zeros(shape, dtype), None


def tensor_backward(deps: dict, roots: list) -> Callable[[Any, Any], tuple]:
    """`backward(fn, g)` for the nodes of one walk: `deps` holds them, `roots` the Tensors
    the walk starts from. It needs each node's output Tensor to link a saved output to it."""
    outputs: dict = {r.grad_fn: r for r in roots}
    for fn in deps:
        for p in fn.parents:
            if p is not None and p.grad_fn is not None and p.grad_fn._nout == 1:
                outputs.setdefault(p.grad_fn, p)

    def backward(fn: Any, g: Any) -> tuple:
        if fn._builtin:
            return _builtin_backward(fn, g, outputs.get(fn))
        return _custom_backward(fn, g)

    return backward


def _as_tensors(fn: Any, out: Tensor | None) -> tuple:
    """Map each saved array back to the Tensor it belongs to: an input, the output, or (for
    an op with several outputs) output i rebuilt on this node; anything else is a constant."""
    mapped = []
    outputs = getattr(fn, "_osaved", None) if fn._nout != 1 else None
    for j, s in enumerate(fn.saved):
        if type(s) is np.ndarray:
            t = next((p for p in fn.parents if p is not None and p.data is s), None)
            if t is None and outputs is not None and j in outputs:
                t = _make(s, fn)
                t._oidx = outputs[j]
            elif t is None:
                t = out if out is not None and out.data is s else _make(s, None)
            mapped.append(t)
        else:
            mapped.append(s)
    return tuple(mapped)


def _builtin_backward(fn: Any, g: Any, out: Tensor | None) -> tuple:
    saved = fn.saved
    if saved is None:
        raise RuntimeError(_freed_message(fn))
    fn.saved = mapped = _as_tensors(fn, out)
    try:
        grads = checked_backward(fn, g)
        link = next((m for m in mapped if isinstance(m, Tensor) and m.requires_grad), None)
        if link is None:
            return grads
        return tuple(gi if gi is None or (isinstance(gi, Tensor) and gi.requires_grad)
                     else ZeroSlope.apply(link, gi) for gi in grads)
    except FloatingPointError as e:
        if not STATE.anomaly:
            raise
        # The op that failed ran inside this node's backward formula: name the node.
        shapes = [p.shape for p in fn.parents if p is not None]
        raise FloatingPointError(
            f"anomaly: {fn.name} backward (input shapes {shapes}) failed in an op of its "
            f"formula: {e}"
        ) from None
    finally:
        fn.saved = saved


def _custom_backward(fn: Any, g: Any) -> tuple:
    """A custom op: run its backward on arrays, then mark the results as not differentiable."""
    if isinstance(g, list):
        arrays = [x.data if isinstance(x, Tensor) else x for x in g]
    else:
        arrays = g.data
    with no_grad():
        grads = checked_backward(fn, arrays)
    name = fn.name
    # Tie each result to an input, so that differentiating it again reaches the error above.
    link = next(p for p in fn.parents if p is not None)
    return tuple(
        None if x is None else OnceDifferentiable.apply(link, np.asarray(x), name)
        for x in grads
    )
