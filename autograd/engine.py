"""The backward walk: reverse topological order by consumer counting, no recursion.

Gradients wait in `pending` only until every consumer of a node has contributed, then are
popped and handed to its backward; each node's saved arrays are dropped as soon as its backward
has run (unless `retain_graph`). Broadcasting is undone here, in one place, for every op.
"""
from __future__ import annotations

import gc
from typing import Any, Sequence

import numpy as np

from .grad_mode import STATE
from .tensor import Tensor, _make


def unbroadcast(grad: Any, shape: tuple[int, ...]) -> Any:
    """Sum `grad` over the axes that broadcasting added or stretched, giving `shape`.

    Raises ValueError when `grad`'s shape is not a broadcast of `shape`.
    """
    gshape = grad.shape
    if gshape == shape:
        return grad
    lead = len(gshape) - len(shape)
    if lead < 0:
        raise ValueError(f"gradient shape {gshape} has fewer axes than {shape}")
    axes = list(range(lead))
    for i, n in enumerate(shape):
        gn = gshape[lead + i]
        if n != gn:
            if n != 1:
                raise ValueError(f"gradient shape {gshape} is not a broadcast of {shape}")
            axes.append(lead + i)
    grad = grad.sum(axis=tuple(axes), keepdims=True)
    return grad.reshape(shape) if lead else grad


def _checked_unbroadcast(grad: Any, shape: tuple[int, ...], fn: Any) -> Any:
    try:
        out = unbroadcast(grad, shape)
    except ValueError:
        out = None
    if out is None:
        raise RuntimeError(
            f"{fn.name}.backward returned a gradient of shape {grad.shape} for an input of "
            f"shape {shape}; the shapes cannot be reconciled by undoing broadcasting"
        )
    return out


def _collect(roots: Sequence[Any]) -> dict:
    """Count, for every node reachable from the roots, how many edges consume its output."""
    deps: dict = {}
    stack = []
    for fn in roots:
        if fn not in deps:
            deps[fn] = 0
            stack.append(fn)
    while stack:
        fn = stack.pop()
        n = fn._pn
        parents = (fn._p0, fn._p1) if n == 2 else (fn._p0,) if n == 1 else n
        if parents is None:
            from .function import _freed_message

            raise RuntimeError(_freed_message(fn))
        for p in parents:
            if p is not None:
                f = p.grad_fn
                if f is not None:
                    if f in deps:
                        deps[f] += 1
                    else:
                        deps[f] = 1
                        stack.append(f)
    return deps


def _root_grad(t: Tensor, gradient: Any, create_graph: bool) -> Any:
    if gradient is None:
        if t.data.size != 1:
            raise RuntimeError(
                f"backward() on a tensor of shape {t.shape} needs `gradient` (an array of that "
                "shape); the implicit gradient 1 is only defined for single-element outputs "
                "(reduce with .sum() or .mean() first)"
            )
        g = np.ones_like(t.data)
    else:
        if isinstance(gradient, Tensor):
            if create_graph:
                g = gradient
                if g.shape != t.shape:
                    raise RuntimeError(
                        f"gradient has shape {g.shape} but the tensor has shape {t.shape}"
                    )
                return g
            gradient = gradient.data
        g = np.array(gradient, dtype=t.data.dtype)  # a copy: the user's array is never touched
        if g.shape != t.shape:
            raise RuntimeError(
                f"gradient has shape {g.shape} but the tensor has shape {t.shape}"
            )
    return _make(g, None) if create_graph else g


def backward(
    root: Tensor, gradient: Any = None, retain_graph: bool | None = None,
    create_graph: bool = False,
) -> None:
    """Accumulate gradients of `root` into the `.grad` of every leaf that requires grad."""
    if not root.requires_grad:
        raise RuntimeError(
            "backward() on a tensor that does not require grad: no input of the ops that made "
            "it had requires_grad=True (or it was computed under no_grad())"
        )
    g = _root_grad(root, gradient, create_graph)
    if root.grad_fn is None:  # a leaf: its gradient is the seed itself
        _accumulate_leaf(root, g if create_graph else g.copy(), create_graph)
        return
    run([root], [g], retain_graph, create_graph, None)


def _check_tensors(**arguments: Any) -> None:
    for what, value in arguments.items():
        if not isinstance(value, (Tensor, list, tuple)) or (
                not isinstance(value, Tensor) and not all(isinstance(t, Tensor) for t in value)):
            raise TypeError(f"grad(): {what} must be a Tensor or a sequence of Tensors, got "
                            f"{type(value).__name__}")


def grad(
    outputs: Any, inputs: Any, grad_outputs: Any = None, retain_graph: bool | None = None,
    create_graph: bool = False, allow_unused: bool = False,
) -> tuple:
    """Return d(outputs)/d(inputs) as a tuple of Tensors, without touching any `.grad`."""
    _check_tensors(outputs=outputs, inputs=inputs)
    outs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    single = isinstance(inputs, Tensor)
    ins = [inputs] if single else list(inputs)
    if grad_outputs is None or isinstance(grad_outputs, (Tensor, np.ndarray)):
        gos = [grad_outputs] * len(outs) if grad_outputs is None else [grad_outputs]
    else:
        gos = list(grad_outputs)
    if len(gos) != len(outs):
        raise ValueError(f"grad(): {len(outs)} outputs but {len(gos)} grad_outputs")
    for i, t in enumerate(ins):
        if not isinstance(t, Tensor) or not t.requires_grad:
            raise RuntimeError(f"grad(): input {i} does not require grad")
    roots, seeds = [], []
    for o, go in zip(outs, gos):
        if not o.requires_grad:
            raise RuntimeError("grad(): an output does not require grad")
        roots.append(o)
        seeds.append(_root_grad(o, go, create_graph))
    # Leaves are captured by identity as their gradients arrive; non-leaves as (input index,
    # output index) when their node's complete gradient is ready.
    capture: dict = {}
    for i, t in enumerate(ins):
        if t.grad_fn is None:
            capture.setdefault(id(t), []).append(i)
        else:
            oidx = t._oidx if t.grad_fn._nout != 1 else None
            capture.setdefault(t.grad_fn, []).append((i, oidx))
    results: list = [None] * len(ins)
    # A leaf that is itself an output gets its seed directly.
    for o, s in zip(roots, seeds):
        if o.grad_fn is None and id(o) in capture:
            for i in capture[id(o)]:
                results[i] = s if results[i] is None else results[i] + s
    nonleaf = [(o, s) for o, s in zip(roots, seeds) if o.grad_fn is not None]
    if nonleaf:
        run([o for o, _ in nonleaf], [s for _, s in nonleaf], retain_graph, create_graph,
            (capture, results))
    out = []
    for i, r in enumerate(results):
        if r is None:
            if not allow_unused:
                raise RuntimeError(
                    f"grad(): input {i} (shape {ins[i].shape}) was not used to compute the "
                    "outputs; pass allow_unused=True to get None for it"
                )
            out.append(None)
        else:
            if r.dtype != ins[i].dtype:
                r = r.astype(ins[i].dtype)
            out.append(r if isinstance(r, Tensor) else _make(r, None))
    return tuple(out)


def _accumulate_leaf(t: Tensor, g: Any, create_graph: bool) -> None:
    if create_graph:
        if not isinstance(g, Tensor):
            g = _make(g, None)
        if g.dtype != t.data.dtype:
            g = g.astype(t.data.dtype)
        elif t.grad is None:
            # The leaf must own its gradient, as on the fast path: g may be another leaf's
            # gradient too (a + b), the seed the caller passed, or an array a node of the new
            # graph saved. `+ 0` copies it and keeps it differentiable.
            g = g + 0 if g.requires_grad else _make(g.data.copy(), None)
        t.grad = g if t.grad is None else t.grad + g
        return
    if g.dtype != t.data.dtype:
        g = g.astype(t.data.dtype)
    if t.grad is None:
        t.grad = _make(g, None)
    else:
        t.grad.data = t.grad.data + g  # out of place: arrays handed out earlier stay intact


def run(
    roots: list, seeds: list, retain_graph: bool | None, create_graph: bool,
    capture: Any,
) -> None:
    """Walk the graph behind `roots` once, seeding each with its gradient."""
    if retain_graph is None:
        retain_graph = create_graph
    deps = _collect([r.grad_fn for r in roots])
    pending: dict = {}
    for r, s in zip(roots, seeds):
        _add_pending(pending, r.grad_fn, r, s)
    ready = [f for f in pending if deps[f] == 0]
    if create_graph:
        from .create_graph import run_differentiable

        run_differentiable(ready, deps, pending, roots, retain_graph, capture)
        return
    prev = STATE.enabled
    STATE.enabled = False
    # The walk frees nodes as it goes and creates no cycles: pausing the cyclic collector
    # spares it from scanning the whole graph again and again while it shrinks.
    collecting = gc.isenabled()
    gc.disable()
    try:
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            _run_fast(ready, deps, pending, retain_graph, capture)
    finally:
        STATE.enabled = prev
        if collecting:
            gc.enable()


def _add_pending(pending: dict, f: Any, t: Tensor, g: Any) -> None:
    if f._nout == 1:
        old = pending.get(f)
        pending[f] = g if old is None else old + g
    else:
        slots = pending.get(f)
        if slots is None:
            slots = pending[f] = [None] * f._nout
        i = t._oidx
        slots[i] = g if slots[i] is None else slots[i] + g


def _call_backward(fn: Any, g: Any) -> tuple:
    if fn._nout == 1:
        grads = fn.backward(fn, g)
    else:
        grads = fn.backward(fn, *g)
    if type(grads) is not tuple:
        grads = (grads,)
    if len(grads) != len(fn.parents):
        raise RuntimeError(
            f"{fn.name}.backward returned {len(grads)} gradients for {len(fn.parents)} inputs"
        )
    for i, gi in enumerate(grads):
        if isinstance(gi, (str, bytes, dict, list, tuple, set)):  # (Tensors under create_graph)
            raise TypeError(f"{fn.name}.backward returned a {type(gi).__name__} as the "
                            f"gradient of input {i}; return an ndarray (or None)")
    if STATE.anomaly:
        from .function import _check_finite

        _check_finite(fn.name, "backward", grads, [p for p in fn.parents if p is not None])
    return grads


def _run_fast(ready: list, deps: dict, pending: dict, retain_graph: bool, capture: Any) -> None:
    # `ready` holds (node, gradient) pairs whose every consumer has contributed. A node with a
    # single consumer (most of them) never enters `pending`: its gradient goes straight on.
    stack = [(f, pending.pop(f)) for f in ready]
    anomaly = STATE.anomaly
    while stack:
        fn, g = stack.pop()
        if fn._nout != 1:
            g = _fill_missing(fn, g)
        if fn._retained is not None or (capture is not None and fn in capture[0]):
            hand_out(fn, g, capture, False)
        if fn._nout == 1 and fn._builtin:
            grads = fn.backward(fn, g)
            if anomaly:
                from .function import _check_finite

                _check_finite(fn.name, "backward", grads,
                              [p for p in fn.parents if p is not None])
        else:
            grads = _call_backward(fn, g)
        n = fn._pn
        parents = (fn._p0, fn._p1) if n == 2 else (fn._p0,) if n == 1 else n
        if not retain_graph:
            fn._p0 = fn._p1 = fn._pn = fn.saved = None
        for p, gi in zip(parents, grads):
            if p is None or gi is None:
                continue
            if type(gi) is not np.ndarray:
                gi = np.asarray(gi)
            if gi.shape != p.data.shape:
                gi = _checked_unbroadcast(gi, p.data.shape, fn)
            f = p.grad_fn
            if f is None:
                if capture is not None:
                    capture_leaf(capture, p, gi, copy=True)
                    continue
                if p.grad is None and (gi is g or gi.base is not None or not fn._builtin):
                    gi = gi.copy()  # the leaf must own its gradient: it may be changed in place
                _accumulate_leaf(p, gi, False)
                continue
            d = deps[f] - 1
            if f._nout != 1:
                _add_pending(pending, f, p, gi)
                deps[f] = d
                if d == 0:
                    stack.append((f, pending.pop(f)))
            elif d == 0:
                if f in pending:
                    gi = pending.pop(f) + gi
                stack.append((f, gi))
            else:
                deps[f] = d
                old = pending.get(f)
                pending[f] = gi if old is None else old + gi


def _fill_missing(fn: Any, g: Any) -> Any:
    """For multi-output nodes, outputs that got no gradient get zeros."""
    if fn._nout == 1:
        return g
    return [np.zeros(s, d) if x is None else x for x, (s, d) in zip(g, fn._ometa)]


def capture_leaf(capture: Any, leaf: Tensor, g: Any, copy: bool) -> None:
    """Add a leaf's gradient to what grad() returns for it (when grad() asked for it)."""
    for i in capture[0].get(id(leaf), ()):
        old = capture[1][i]
        capture[1][i] = (g.copy() if copy else g) if old is None else old + g


def hand_out(fn: Any, g: Any, capture: Any, create_graph: bool) -> None:
    """Give a node's complete output gradient to the tensors that asked for it: those that
    called retain_grad(), and the non-leaf inputs of grad()."""
    for ref in fn._retained or ():
        t = ref()
        if t is None:
            continue
        gi = g if fn._nout == 1 else g[t._oidx]
        if not create_graph:
            gi = _make(np.array(gi, dtype=t.data.dtype), None)
        elif not isinstance(gi, Tensor):
            gi = _make(gi, None)
        t.grad = gi if t.grad is None else t.grad + gi
    if capture is not None:
        for i, oidx in capture[0].get(fn, ()):
            gi = g if oidx is None else g[oidx]
            capture[1][i] = gi if create_graph else np.array(gi)
