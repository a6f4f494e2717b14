"""The backward walk: reverse topological order by consumer counting, no recursion.

One walk serves `backward()`, `autograd.grad()` and `create_graph=True`. Gradients wait in
`pending` only until every consumer of a node has contributed, then are popped and handed to
its backward; each node's saved arrays are dropped as soon as its backward has run (unless
`retain_graph`). Broadcasting is undone here, in one place, for every op.

The two paths differ only in the arithmetic the walk calls (`_ARRAYS` and `_TENSORS`): on the
array path gradients are ndarrays and nothing is recorded; with `create_graph=True` they are
Tensors, grad mode is on, and every step of the walk records a graph of its own.
"""
from __future__ import annotations

import itertools
import threading
from collections import deque
from contextlib import contextmanager
from typing import Any, Callable, Iterator, NamedTuple, Sequence

import numpy as np

from .complex_grad import real_part
from .create_graph import tensor_backward
from .function import _freed_message, checked_backward, per_class
from .grad_mode import STATE
from .tensor import Tensor, _make
from .versions import CLOCK, check_saved, follow_history

# Held while a gradient is added into a leaf's `.grad`: threads running backward() into a
# shared leaf at the same time must not lose each other's contributions.
_LEAF_LOCK = threading.Lock()


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
        return unbroadcast(grad, shape)
    except ValueError:
        pass
    raise RuntimeError(
        f"{fn.name}.backward returned a gradient of shape {grad.shape} for an input of "
        f"shape {shape}; the shapes cannot be reconciled by undoing broadcasting"
    )


def root_grad(t: Tensor, gradient: Any, create_graph: bool) -> Any:
    """The seed of a walk from `t`: `gradient` checked (and copied), or 1 for one element."""
    if gradient is None:
        if t.data.size != 1:
            raise RuntimeError(
                f"grad can be implicitly created only for scalar outputs: backward() on a tensor "
                f"of shape {t.shape} needs `gradient` (an array of that shape), or reduce it to "
                "a scalar with .sum() or .mean() first"
            )
        if t.data.dtype.kind == "c":
            raise RuntimeError(
                "grad can be implicitly created only for real scalar outputs: backward() on a "
                f"complex tensor ({t.dtype}) needs `gradient`, or a real loss such as "
                "abs(z).sum() or z.real"
            )
        g = np.ones_like(t.data)
    elif isinstance(gradient, Tensor) and create_graph:
        g = gradient
    else:
        if isinstance(gradient, Tensor):
            gradient = gradient.data
        g = np.array(gradient, dtype=t.data.dtype)  # a copy: the user's array is never touched
    if g.shape != t.shape:
        raise RuntimeError(f"gradient has shape {g.shape} but the tensor has shape {t.shape}")
    return _make(g, None) if create_graph and not isinstance(g, Tensor) else g


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
    g = root_grad(root, gradient, create_graph)
    if root.grad_fn is None:  # a leaf: its gradient is the seed itself
        with _LEAF_LOCK:
            if create_graph:
                _accumulate_tensor(root, g)
            else:
                _accumulate_array(root, g.copy())
        return
    run([root], [g], retain_graph, create_graph, None)


# -- the arithmetic of each path ----------------------------------------------------------------
def _accumulate_array(t: Tensor, g: np.ndarray) -> None:
    if g.dtype != t.data.dtype:  # a real leaf keeps the real part of a complex gradient
        g = (g.real if t.data.dtype.kind != "c" else g).astype(t.data.dtype)
    if t.grad is None:
        t.grad = _make(g, None)
    else:
        t.grad.data = t.grad.data + g  # out of place: arrays handed out earlier stay intact


def _accumulate_tensor(t: Tensor, g: Any) -> None:
    if not isinstance(g, Tensor):
        g = _make(g, None)
    if g.dtype != t.data.dtype:
        g = (real_part(g) if t.data.dtype.kind != "c" else g).astype(t.data.dtype)
    elif t.grad is None:
        # The leaf must own its gradient, as on the array path: g may be another leaf's
        # gradient too (a + b), the seed the caller passed, or an array a node of the new
        # graph saved. `+ 0` copies it and keeps it differentiable.
        g = g + 0 if g.requires_grad else _make(g.data.copy(), None)
    t.grad = g if t.grad is None else t.grad + g


def _as_tensor(g: Any) -> Tensor:
    return g if isinstance(g, Tensor) else _make(g, None)


class _Path(NamedTuple):
    """What the walk calls on one path: gradients are instances of `grad_type` (`wrap`
    makes one), `accumulate(leaf, g)` adds to `.grad`, `backward(fn, g)` runs a node."""

    create_graph: bool
    grad_type: type
    wrap: Callable[[Any], Any]
    accumulate: Callable[[Tensor, Any], None]
    backward: Callable[[Any, Any], tuple]


_ARRAYS = _Path(False, np.ndarray, np.asarray, _accumulate_array, checked_backward)
# The Tensor path's backward needs the graph's output Tensors: `run` supplies it per walk.
_TENSORS = _Path(True, Tensor, _as_tensor, _accumulate_tensor, checked_backward)


# -- the walk -----------------------------------------------------------------------------------
def _collect(roots: Sequence[Any]) -> dict:
    """Count, for every node reachable from the roots, how many edges consume its output."""
    deps: dict = {}
    stack = deque()  # not a list: a list that empties and refills reallocates every time
    for fn in roots:
        if fn not in deps:
            deps[fn] = 0
            stack.append(fn)
    pop = stack.pop
    while stack:
        fn = pop()
        fn._engine_count(deps, stack)
    return deps


def _count_edges(fn: Any, deps: dict, stack: deque) -> None:
    """One more consumer for each node whose output `fn` takes; a node goes on the stack when
    first seen. Each op class runs its own copy of this code (see function._PER_CLASS)."""
    if fn._ep != CLOCK.n:  # something changed in place since fn was recorded
        follow_history(fn)
    n = fn._pn  # the edges, decoded inline as in Function.parents
    if n == 2 or n == 1:  # an edge is a node, or a Tensor (`_d0`/`_d1` None: see Function)
        f, d = fn._p0, fn._d0
        while True:  # the first edge, then the second when there is one
            if f is not None and d is None:
                f = f.grad_fn
            if f is not None:
                if f in deps:
                    deps[f] += 1
                else:
                    deps[f] = 1
                    stack.append(f)
            if n == 1:
                break
            n, f, d = 1, fn._p1, fn._d1
    elif n is None:
        raise RuntimeError(_freed_message(fn))
    else:
        for p in n:
            if p is not None and p.grad_fn is not None:
                _count(deps, stack, p.grad_fn)


per_class("_engine_count", _count_edges)


def _count(deps: dict, stack: deque, f: Any) -> None:
    """One more consumer of node `f`'s output; `f` goes on the stack when first seen."""
    if f in deps:
        deps[f] += 1
    else:
        deps[f] = 1
        stack.append(f)


@contextmanager
def _walking(create_graph: bool) -> Iterator[None]:
    """Grad mode on only to record the new graph. The cyclic collector is left alone: the
    walk frees each node once its backward has run, and every object freed counts against
    the allocations that trigger a collection, so a walk sets off at most one that was due
    anyway (pausing the collector would be process-wide: other threads' and the caller's
    own setting)."""
    prev = STATE.enabled
    STATE.enabled = create_graph
    try:
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            yield
    finally:
        STATE.enabled = prev


def run(
    roots: list, seeds: list, retain_graph: bool | None, create_graph: bool, capture: Any,
) -> None:
    """Walk the graph behind `roots` once, seeding each with its gradient; `capture` (a
    GradCapture, for grad()) takes the inputs' gradients instead of `.grad`."""
    if retain_graph is None:
        retain_graph = create_graph
    deps = _collect([r.grad_fn for r in roots])
    pending: dict = {}
    for r, s in zip(roots, seeds):
        _add_pending(pending, r.grad_fn, r, s)
    stack = deque([(f, pending.pop(f)) for f in list(pending) if deps[f] == 0])
    path = _TENSORS if create_graph else _ARRAYS
    if create_graph:
        path = path._replace(backward=tensor_backward(deps, roots))
    with _walking(create_graph):
        _walk(stack, deps, pending, retain_graph, capture, path)


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


_NO_DATA = itertools.repeat(None)  # the edges of a node with a tuple of parents: all Tensors


class _Walk:
    """What every step of one walk shares: the consumer counts, the gradients waiting in
    `pending`, and how to run a node (see `_visit`)."""

    __slots__ = ("deps", "pending", "push", "retain_graph", "capture", "path", "direct")

    def __init__(self, stack: deque, deps: dict, pending: dict, retain_graph: bool,
                 capture: Any, path: _Path) -> None:
        self.deps, self.pending, self.push, self.path = deps, pending, stack.append, path
        self.retain_graph, self.capture = retain_graph, capture
        # The common case: a built-in node's backward called straight, its result unchecked.
        self.direct = not path.create_graph and not STATE.anomaly


def _walk(stack: deque, deps: dict, pending: dict, retain_graph: bool, capture: Any,
          path: _Path) -> None:
    # `stack` holds (node, gradient) pairs whose every consumer has contributed. A node with a
    # single consumer (most of them) never enters `pending`: its gradient goes straight on.
    walk = _Walk(stack, deps, pending, retain_graph, capture, path)
    pop = stack.pop
    while stack:
        fn, g = pop()
        fn._engine_visit(g, walk)


def _visit(fn: Any, g: Any, walk: _Walk) -> None:
    """One step of the walk: run node `fn`'s backward on its output gradient `g` and hand each
    input's gradient on. Each op class runs its own copy of this code (see function._PER_CLASS),
    so that the reads of `fn`'s fields stay fast."""
    if fn._ep != CLOCK.n:  # something changed in place since fn was recorded
        check_saved(fn)
    if fn._nout != 1:
        g = _fill_missing(fn, g)
    capture = walk.capture
    if fn._retained is not None or (capture is not None and fn in capture.nodes):
        hand_out(fn, g, capture, walk.path.create_graph)
    if walk.direct and fn._nout == 1 and fn._builtin:
        grads = fn.backward(fn, g)  # the common case, with no call in between
    else:
        grads = walk.path.backward(fn, g)
    n = fn._pn  # the edges, decoded inline as in Function.parents (a hot loop)
    if n == 2:
        parents, datas = (fn._p0, fn._p1), (fn._d0, fn._d1)
    elif n == 1:
        parents, datas = (fn._p0,), (fn._d0,)
    else:
        parents, datas = n, _NO_DATA
    if not walk.retain_graph:
        fn._p0 = fn._p1 = fn._d0 = fn._d1 = fn._pn = fn.saved = None
    deps, path = walk.deps, walk.path
    for p, arr, gi in zip(parents, datas, grads):
        if p is None or gi is None:
            continue
        if type(gi) is not path.grad_type:
            gi = path.wrap(gi)
        if arr is None:  # p is the input Tensor
            if gi.shape != p.data.shape:
                gi = _checked_unbroadcast(gi, p.data.shape, fn)
            f = p.grad_fn
        else:  # p is the node whose only output the input was, arr that output
            if gi.shape != arr.shape:
                gi = _checked_unbroadcast(gi, arr.shape, fn)
            f = p
        if f is None:
            _to_leaf(p, gi, g, fn, capture, path)
            continue
        d = deps[f] - 1
        if f._nout != 1:
            _add_pending(walk.pending, f, p, gi)
            deps[f] = d
            if d == 0:
                walk.push((f, walk.pending.pop(f)))
        elif d == 0:
            if f in walk.pending:
                gi = walk.pending.pop(f) + gi
            walk.push((f, gi))
        else:
            deps[f] = d
            old = walk.pending.get(f)
            walk.pending[f] = gi if old is None else old + gi


per_class("_engine_visit", _visit)


def _to_leaf(p: Tensor, gi: Any, g: Any, fn: Any, capture: Any, path: _Path) -> None:
    """A leaf's share of the gradient: to grad()'s results, or added to its `.grad`."""
    if capture is not None:
        capture.add_leaf(p, gi)
        return
    with _LEAF_LOCK:
        if path.create_graph:
            path.accumulate(p, gi)
        else:
            if p.grad is None and (gi is g or gi.base is not None or not fn._builtin):
                gi = gi.copy()  # the leaf must own its gradient: it may be changed in place
            path.accumulate(p, gi)


def _fill_missing(fn: Any, g: Any) -> Any:
    """For multi-output nodes, outputs that got no gradient get zeros."""
    return [np.zeros(s, d) if x is None else x for x, (s, d) in zip(g, fn._ometa)]


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
        capture.add_node(fn, g)
