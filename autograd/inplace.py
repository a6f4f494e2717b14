"""In-place operators, methods and item assignment, with PyTorch's semantics.

`x += y`, `x.mul_(y)`, `x[idx] = v` and the rest change `x`'s own array (same object, same
buffer) and bump its buffer's version (see `versions.py`). Three cases:

- grad mode off, or nothing involved requires grad: a NumPy write into the array, that is all
  (so `with no_grad(): p -= lr * p.grad` updates a model);
- `x` is a leaf that requires grad (or a view of one) in grad mode: refused, RuntimeError;
- otherwise the change is recorded: the op runs out of place on an alias of `x`'s old value,
  the result is written into `x`'s buffer, and `x` becomes the op's output. When `x` is a
  basic-indexing view `b[idx]`, `b` is rebased too: it becomes `SetItem(b_old, idx, x)`, so
  `b`'s graph sees the change as PyTorch's does.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from . import ops, versions
from .complex_grad import real_part
from .function import Op
from .grad_mode import STATE
from .ops._util import is_basic_index
from .ops.shape import GetItem
from .tensor import Tensor, _make


class SetItem(Op):
    """y = x with y[key] = v; dx = g with zeros at key, dv = g[key]"""

    complex_rule = "linear"

    def forward(ctx: Any, x: Any, v: Any, key: Any, write: bool) -> Any:
        # Writes into x's own buffer: only `set_item` calls it, on an alias of the tensor.
        if write:
            x[key] = v
        ctx.saved = (x.shape, key, np.result_type(v) if v is not None else None)
        return x

    def backward(ctx: Any, g: Any) -> tuple:
        shape, key, vdtype = ctx.saved
        pa, pv = ctx.parents[:2]
        gx = gv = None
        if pa is not None:
            keep = np.ones(shape, dtype=bool)
            keep[key] = False
            gx = g * keep
        if pv is not None:
            gv = g[key]
            if gv.dtype != vdtype:  # a real value written into a complex tensor: Re g
                gv = (real_part(gv) if vdtype.kind != "c" else gv).astype(vdtype)
        return gx, gv, None, None


def check_writable(t: Tensor, name: str) -> None:
    """A read-only array (a broadcast view, a frozen buffer) cannot be changed in place."""
    if not t.data.flags.writeable:
        raise ValueError(
            f"{name}: the tensor's array (shape {t.shape}, strides {t.data.strides}) is "
            "read-only, e.g. a broadcast view; make a writable copy first (t = t * 1 or "
            "Tensor(np.array(arr)))"
        )


def mark_changed(t: Any) -> None:
    """Record an in-place change of a Tensor's (or an array's) memory."""
    versions.bump(t.data if isinstance(t, Tensor) else t)


def _recording(self: Tensor, other: Any) -> bool:
    return STATE.enabled and (
        self.requires_grad or (isinstance(other, Tensor) and other.requires_grad)
    )


def _data(x: Any) -> Any:
    return x.data if isinstance(x, Tensor) else x


# -- the plain path: a NumPy write --------------------------------------------------------------
def write_ufunc(self: Tensor, ufunc: Any, other: Any, name: str) -> Tensor:
    """self = ufunc(self, other) into self's buffer, keeping its dtype and shape."""
    check_writable(self, name)
    o = _data(other)
    try:
        ufunc(self.data, o, out=self.data, casting="same_kind")
    except (TypeError, ValueError) as e:
        raise (TypeError if isinstance(e, TypeError) else ValueError)(
            f"{name}: cannot write the result for shapes {self.shape} and {np.shape(o)} "
            f"(dtypes {self.dtype} and {np.result_type(o)}) into the tensor in place: {e}"
        ) from None
    versions.bump(self.data)
    return self


def _plain_setitem(self: Tensor, key: Any, value: Any, name: str) -> None:
    check_writable(self, name)
    try:
        self.data[key] = _data(value)
    except ValueError as e:
        raise ValueError(
            f"{name}: cannot assign a value of shape {np.shape(_data(value))} to index {key!r} "
            f"of a tensor of shape {self.shape}: {e}"
        ) from None
    versions.bump(self.data)


# -- the recorded path ----------------------------------------------------------------------------
def _check_recordable(self: Tensor, name: str) -> None:
    """Refuse what PyTorch refuses, and views whose base could not follow the change."""
    if self.is_leaf and self.requires_grad:
        raise RuntimeError(
            f"{name}: a leaf tensor that requires grad (shape {self.shape}) cannot be changed "
            "in place while grad mode is on, as its gradient would no longer match its value. "
            "Change it inside `with autograd.no_grad():` (as an optimizer step does), or use "
            "the out-of-place op (x = x + y)."
        )
    base = getattr(self, "_base", None)
    while base is not None:
        if base.is_leaf and base.requires_grad:
            raise RuntimeError(
                f"{name}: this tensor (shape {self.shape}) is a view of a leaf tensor that "
                f"requires grad (shape {base.shape}), which cannot be changed in place while "
                "grad mode is on; change it inside `with autograd.no_grad():`"
            )
        base = getattr(base, "_base", None)
    fn = self.grad_fn
    if fn is not None and getattr(self, "_base", None) is None and self.data.base is not None:
        owner = versions._owner(self.data)
        for p in fn.parents or ():
            if p is not None and versions._owner(p.data) is owner:
                raise RuntimeError(
                    f"{name}: this tensor (shape {self.shape}) is the output of {fn.name}, a "
                    f"view of its input (shape {p.shape}); changing it in place while grad "
                    "mode is on is not supported. Apply the op to a copy (t * 1) instead."
                )


def _alias(self: Tensor) -> Tensor:
    """A Tensor standing for `self`'s value before the change: same array, same node."""
    old = _make(self.data, self.grad_fn)
    old.requires_grad = self.requires_grad
    oidx = getattr(self, "_oidx", None)
    if oidx is not None:
        old._oidx = oidx
    return old


def record(self: Tensor, compute: Callable[[Tensor], Tensor], name: str,
           saves_input: bool) -> Tensor:
    """Record `self = compute(self)` in the graph and write the result into self's buffer.
    `saves_input`: the op keeps its input for backward, so it gets a copy of the old value."""
    _check_recordable(self, name)
    check_writable(self, name)
    old = _alias(self)
    if saves_input:
        old.data = self.data.copy()
    new = compute(old)
    if new.shape != self.shape:
        raise RuntimeError(
            f"{name}: the result has shape {new.shape}, which does not match the shape "
            f"{self.shape} of the tensor changed in place (broadcasting may not grow it)"
        )
    if new.dtype != self.dtype:
        new = new.astype(self.dtype)
    buf = self.data
    if new.data is not buf:
        buf[...] = new.data
    before = versions.CLOCK.n
    versions.bump(buf)
    _become(self, new, old, before)
    _rebase(self, before)
    return self


def _become(self: Tensor, new: Tensor, old: Tensor, before: int) -> None:
    """`self` takes `new`'s place as the output of `new`'s node, holding its own buffer.
    Nodes recorded before the change (clock <= `before`) keep seeing `old` (versions.py)."""
    fn = new.grad_fn
    buf = self.data
    if getattr(self, "_base", None) is not None and type(self.grad_fn) is GetItem:
        # The view's own indexing node saved its output to catch changes made behind its
        # back; this change is recorded on the view itself, so that node no longer needs it.
        g = self.grad_fn
        if g.saved:
            g.saved = g.saved[:3] + (None,)
    if fn is not None:
        saved = fn.saved
        if type(saved) is tuple and any(s is new.data for s in saved):
            # The node saved its output, which is now self's buffer. Pow keeps it only for
            # the exponent's gradient: without one, later changes to self do not concern it.
            keep = buf if not (type(fn) is ops.arithmetic.Pow and fn.parents[1] is None) \
                else None
            fn.saved = tuple(keep if s is new.data else s for s in saved)
        fn._ep = versions.CLOCK.n  # the write above is part of this node's own output
    if self.grad_fn is not None:
        self._hist = getattr(self, "_hist", ()) + ((before, old),)
    self.grad_fn = fn
    self.requires_grad = new.requires_grad
    self.grad = None if fn is not None else self.grad


def _rebase(view: Tensor, before: int) -> None:
    """After `view` (= base[key]) changed in place, record the change on `base` as well."""
    base = getattr(view, "_base", None)
    if base is None:
        return
    if not view.requires_grad and not base.requires_grad:
        return
    old = _alias(base)
    new = SetItem.apply(old, view, view._key, False)
    _become(base, new, old, before)
    _rebase(base, before)


def binary_(self: Tensor, other: Any, ufunc: Any, op: Callable[[Any, Any], Tensor],
            name: str, saves_input: bool) -> Tensor:
    """`self op= other` in place: a NumPy write, or recorded in the graph (see module doc)."""
    if not _recording(self, other):
        return write_ufunc(self, ufunc, other, name)
    if other is self:  # x *= x: the right operand is the old value too
        return record(self, lambda old: op(old, old), name, saves_input)
    return record(self, lambda old: op(old, other), name, saves_input)


def clamp_(self: Tensor, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002
    """Limit values to [min, max] in place (either may be None)."""
    if min is None and max is None:
        raise ValueError("clamp_: at least one of min and max must be given")
    if not (_recording(self, min) or _recording(self, max)):
        check_writable(self, "clamp_")
        np.clip(self.data, _data(min), _data(max), out=self.data)
        versions.bump(self.data)
        return self
    # Tensor bounds stay Tensors, so their gradients flow as in PyTorch
    return record(self, lambda old: ops.clip(old, min, max), "clamp_", True)


def set_item(self: Tensor, key: Any, value: Any) -> None:
    """`self[key] = value`, in place (recorded when a gradient must flow)."""
    if isinstance(key, Tensor):
        key = key.data
    elif isinstance(key, list):
        key = np.asarray(key)
    elif isinstance(key, tuple):
        key = tuple(k.data if isinstance(k, Tensor) else k for k in key)
    if not _recording(self, value):
        _plain_setitem(self, key, value, "__setitem__")
        return
    if _is_own_view(self, key, value):
        return  # `b[i] += v`: the change reached b when b[i] was changed in place
    record(self, lambda old: SetItem.apply(old, value, key, True), "__setitem__", False)


def _is_own_view(self: Tensor, key: Any, value: Any) -> bool:
    if not isinstance(value, Tensor) or getattr(value, "_base", None) is not self:
        return False
    if not is_basic_index(key):
        return False
    target = self.data[key]
    v = value.data
    return (isinstance(target, np.ndarray) and target.shape == v.shape
            and target.strides == v.strides
            and target.__array_interface__["data"][0] == v.__array_interface__["data"][0])


# -- the Tensor methods (TensorSurface delegates to these) -----------------------------------
def fill_(self: Tensor, value: Any) -> Tensor:
    """Set every element to `value` in place; returns self."""
    set_item(self, Ellipsis, value)
    return self


def zero_(self: Tensor) -> Tensor:
    """Set every element to 0 in place; returns self."""
    set_item(self, Ellipsis, 0)
    return self


def copy_(self: Tensor, src: Any) -> Tensor:
    """Copy `src` (broadcast to this shape, cast to this dtype) into self; returns self."""
    set_item(self, Ellipsis, src)
    return self
