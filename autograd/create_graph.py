"""The backward walk with `create_graph=True`: gradients are Tensors and every step records.

Built-in backward formulas are written with operators and methods that Tensors share with
ndarrays, so the same code runs here on Tensors. The arrays an op saved are handed back as the
Tensors they came from (an input, or the op's own output), which connects the new graph to the
old one; anything else it saved is a constant.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .engine import _accumulate_leaf, _add_pending, _call_backward, _checked_unbroadcast
from .engine import _fill_missing, capture_leaf, hand_out
from .function import Op
from .grad_mode import STATE, no_grad
from .tensor import Tensor, _make


class OnceDifferentiable(Op):
    """Marks a gradient computed by a custom Function's backward (on ndarrays)."""


    def forward(ctx: Any, link: np.ndarray, grad: np.ndarray, source: str) -> np.ndarray:
        # `link` (an input of the custom op) only ties the result into the graph.
        ctx.saved = (source,)
        return grad

    def backward(ctx: Any, g: Any) -> tuple:
        raise RuntimeError(
            f"{ctx.saved[0]} is a custom autograd.Function, which is differentiable once: its "
            "backward runs on ndarrays, so its gradient cannot be differentiated again"
        )


def _as_tensors(fn: Any, out: Tensor | None) -> tuple:
    """Map each saved array back to the Tensor it belongs to."""
    mapped = []
    for s in fn.saved:
        if type(s) is np.ndarray:
            t = None
            for p in fn.parents:
                if p is not None and p.data is s:
                    t = p
                    break
            if t is None:
                t = out if out is not None and out.data is s else _make(s, None)
            mapped.append(t)
        else:
            mapped.append(s)
    return tuple(mapped)


def run_differentiable(
    ready: list, deps: dict, pending: dict, roots: list, retain_graph: bool, capture: Any,
) -> None:
    """Like the fast walk, but on Tensors with grad mode on."""
    outputs: dict = {r.grad_fn: r for r in roots}
    for fn in deps:
        for p in fn.parents:
            if p is not None and p.grad_fn is not None and p.grad_fn._nout == 1:
                outputs.setdefault(p.grad_fn, p)
    visited = []
    prev = STATE.enabled
    STATE.enabled = True
    try:
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            while ready:
                fn = ready.pop()
                visited.append(fn)
                g = pending.pop(fn)
                if fn._nout != 1:
                    g = _fill_missing(fn, g)
                if fn._retained is not None or (capture is not None and fn in capture[0]):
                    hand_out(fn, g, capture, True)
                grads = _backward_tensors(fn, g, outputs.get(fn))
                for p, gi in zip(fn.parents, grads):
                    if p is None or gi is None:
                        continue
                    if not isinstance(gi, Tensor):
                        gi = _make(gi, None)
                    if gi.shape != p.data.shape:
                        gi = _checked_unbroadcast(gi, p.data.shape, fn)
                    f = p.grad_fn
                    if f is None:
                        if capture is not None:
                            capture_leaf(capture, p, gi, copy=False)
                            continue
                        _accumulate_leaf(p, gi, True)
                    else:
                        _add_pending(pending, f, p, gi)
                        deps[f] -= 1
                        if deps[f] == 0:
                            ready.append(f)
    finally:
        STATE.enabled = prev
    if not retain_graph:
        for fn in visited:
            fn.parents = None
            fn.saved = None


def _backward_tensors(fn: Any, g: Any, out: Tensor | None) -> tuple:
    if fn._builtin:
        saved = fn.saved
        if saved is None:
            from .function import _freed_message

            raise RuntimeError(_freed_message(fn))
        fn.saved = _as_tensors(fn, out)
        try:
            return _call_backward(fn, g)
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
    # A custom op: run its backward on arrays, then mark the results as not differentiable.
    if isinstance(g, list):
        arrays = [x.data if isinstance(x, Tensor) else x for x in g]
    else:
        arrays = g.data
    with no_grad():
        grads = _call_backward(fn, arrays)
    name = fn.name
    # Tie each result to an input, so that differentiating it again reaches the error below.
    link = next(p for p in fn.parents if p is not None)
    return tuple(
        None if x is None else OnceDifferentiable.apply(link, np.asarray(x), name)
        for x in grads
    )
