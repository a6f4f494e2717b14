"""Version counters: which saved arrays were changed in place after an op saved them.

A counter belongs to a buffer (the NumPy array that owns the memory), so every Tensor whose data
is a view of that buffer shares it: `detach()` views, basic-indexing views, transposes. Each
in-place change (in-place operators and methods, item assignment, optimizer steps, the
in-place `nn.init` functions) bumps the counter of the buffer it wrote to and advances one
global clock.

A node remembers the clock when it was recorded (`_ep`, one integer per node). The backward
walk compares it with the clock: equal means nothing anywhere changed in place since, which is
the common case and costs one comparison. Otherwise each array the node saved is looked up;
one whose buffer changed after the node was recorded raises a RuntimeError naming the op.
Direct writes to `t.data` (or to arrays obtained from it) are not tracked, as in PyTorch.
"""
from __future__ import annotations

import threading
import weakref
from typing import Any

import numpy as np


class _Clock:
    """The global clock: `n` counts in-place changes since import."""

    __slots__ = ("n",)

    def __init__(self) -> None:
        self.n = 0


CLOCK = _Clock()
_LOCK = threading.Lock()
# id(buffer) -> [version, clock at the last change, weak reference to the buffer]
_ENTRIES: dict[int, list] = {}


class Watch:
    """An array a node keeps only so that its version is checked, not for its backward (a
    view's own output: changed behind the view's back, it no longer is the value indexed)."""

    __slots__ = ("array",)

    def __init__(self, array: np.ndarray) -> None:
        self.array = array


def _owner(a: np.ndarray) -> Any:
    """The object that owns `a`'s memory (NumPy collapses chains of views to it)."""
    base = a.base
    while isinstance(base, np.ndarray) and base.base is not None:
        base = base.base
    return a if base is None else base


def _forget(key: int) -> Any:
    return lambda ref: _ENTRIES.pop(key, None)


def bump(arr: np.ndarray) -> None:
    """Record an in-place change of `arr`'s memory: its buffer's version goes up by one."""
    owner = _owner(arr)
    key = id(owner)
    with _LOCK:
        CLOCK.n += 1
        entry = _ENTRIES.get(key)
        if entry is None or entry[2]() is not owner:
            try:
                ref = weakref.ref(owner, _forget(key))
            except TypeError:  # an owner without weak references (bytes, mmap): keep it
                ref = _strong(owner)
            entry = _ENTRIES[key] = [0, 0, ref]
        entry[0] += 1
        entry[1] = CLOCK.n


def _strong(obj: Any) -> Any:
    return lambda: obj


def version(arr: np.ndarray) -> int:
    """How many in-place changes `arr`'s buffer has had."""
    owner = _owner(arr)
    entry = _ENTRIES.get(id(owner))
    return entry[0] if entry is not None and entry[2]() is owner else 0


def _changed_since(arr: np.ndarray, clock: int) -> list | None:
    owner = _owner(arr)
    entry = _ENTRIES.get(id(owner))
    if entry is not None and entry[1] > clock and entry[2]() is owner:
        return entry
    return None


def check_saved(fn: Any) -> None:
    """Raise when an array node `fn` saved for backward changed in place after it was recorded
    (called by the backward walk only when the clock moved since)."""
    saved = fn.saved
    if not saved:
        return
    for s in saved:
        if type(s) is not np.ndarray:
            # a Watch, or a Tensor (create_graph maps saved arrays to them)
            s = s.array if type(s) is Watch else getattr(s, "data", None)
            if type(s) is not np.ndarray:
                continue
        entry = _changed_since(s, fn._ep)
        if entry is not None:
            raise RuntimeError(
                f"one of the tensors needed for the gradient of {fn.name} (shape {s.shape}, "
                f"dtype {s.dtype}) has been modified by an inplace operation: it is at version "
                f"{entry[0]}, changed after {fn.name} saved it. Do the in-place change after "
                "backward(), or use an out-of-place op (x = x + 1) instead."
            )


def follow_history(fn: Any) -> None:
    """A parent of `fn` that was changed in place (a recorded in-place op) after `fn` was
    recorded now carries the new node: `fn` must keep the value it used, which the op left
    behind in the parent's `_hist` as (clock before the change, Tensor of the old value)."""
    n = fn._pn
    if n is None:
        return
    ep = fn._ep
    if n == 1 or n == 2:
        # (An edge held as a node, `_d0`/`_d1` set, already is the one the op used.)
        p = fn._p0
        if p is not None and fn._d0 is None:
            fn._p0 = _as_of(p, ep)
        p = fn._p1 if n == 2 else None
        if p is not None and fn._d1 is None:
            fn._p1 = _as_of(p, ep)
    else:
        fn._pn = tuple(None if p is None else _as_of(p, ep) for p in n)


def _as_of(p: Any, ep: int) -> Any:
    hist = getattr(p, "_hist", None)
    if hist:
        for before, old in hist:
            if before >= ep:
                return old
    return p
