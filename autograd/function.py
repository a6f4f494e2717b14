"""The Function/context machinery: one node of the graph per op call.

An op is a subclass of `Function` (built-in ones subclass `Op`) with `forward(ctx, *arrays)` and
`backward(ctx, *grad_outputs)`. The instance `apply` creates is both the context the two share
and the node the engine walks: it holds its inputs (`parents`) and what `forward` saved in
`ctx.saved`, and it is what a result's `grad_fn` points to.
"""
from __future__ import annotations

import types
from typing import Any

import numpy as np

from .grad_mode import WATCH_BLOCKS, STATE
from .tensor import Tensor, _make
from .versions import CLOCK


def _make_apply(cls: type) -> Any:
    """`cls.apply`: forward on the arguments' data; the result's `grad_fn` is the node."""
    forward, new, state, clock, blocks = cls.forward, object.__new__, STATE, CLOCK, WATCH_BLOCKS

    def apply(*args: Any, **kwargs: Any) -> Any:
        ctx = new(cls)  # the node: every field is set here, parents before forward runs
        ctx.saved, ctx._retained, ctx._nout, ctx._ep = (), None, 1, clock.n
        on, n = state.enabled, len(args)
        try:
            if 0 < n <= 2:  # most calls: each input as its node and array, or itself
                a = args[0]
                if isinstance(a, Tensor):
                    ad = d0 = a.data
                    p0 = a.grad_fn if on and a.requires_grad else None
                    if p0 is None or p0._nout != 1:
                        p0, d0 = (a if on and a.requires_grad else None), None
                else:
                    ad, p0, d0 = a, None, None
                if n == 1:
                    ctx._p0, ctx._d0, ctx._pn = p0, d0, 1
                    record = p0 is not None
                    out = forward(ctx, ad, **kwargs) if kwargs else forward(ctx, ad)
                else:
                    b = args[1]
                    if isinstance(b, Tensor):
                        bd = d1 = b.data
                        p1 = b.grad_fn if on and b.requires_grad else None
                        if p1 is None or p1._nout != 1:
                            p1, d1 = (b if on and b.requires_grad else None), None
                    else:
                        bd, p1, d1 = b, None, None
                    ctx._p0, ctx._d0, ctx._p1, ctx._d1, ctx._pn = p0, d0, p1, d1, 2
                    record = p0 is not None or p1 is not None
                    out = forward(ctx, ad, bd, **kwargs) if kwargs else forward(ctx, ad, bd)
            else:
                record, arrays = _set_parents(ctx, args, on)
                out = forward(ctx, *arrays, **kwargs)
        except ValueError:
            _raise_if_unbroadcastable(cls, args)
            raise
        if type(out) is np.ndarray and not blocks.n and not (record and out.dtype.kind == "c"):
            t = new(Tensor)
            t.data = out
            t.grad = None
            t.grad_fn = ctx if record else None
            t.requires_grad = record
            return t
        return _outputs(ctx, out, record, args, kwargs)

    return apply


def _as_input(p: Any, d: Any) -> Any:
    """The input that a node's (`_p0`, `_d0`) stands for, as a Tensor (see Function)."""
    return p if d is None else _make(d, p)


def _set_parents(ctx: Any, args: tuple, on: bool) -> tuple[bool, list]:
    """Three or more arguments: the parents tuple, whether to record, and the arrays."""
    arrays = [a.data if isinstance(a, Tensor) else a for a in args]
    parents = tuple(a if isinstance(a, Tensor) and on and a.requires_grad else None
                    for a in args)
    ctx._p0 = ctx._p1 = ctx._d0 = ctx._d1 = None
    ctx._pn = parents
    return any(p is not None for p in parents), arrays


def _raise_if_unbroadcastable(cls: Any, args: tuple) -> None:
    """After a ValueError in forward: name the op and the shapes when they cannot broadcast."""
    if not cls.broadcasts:
        return
    shapes = [np.shape(a.data if isinstance(a, Tensor) else a) for a in args]
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        raise ValueError(
            f"{cls.__name__.lower()}: shapes {' and '.join(map(str, shapes))} cannot be "
            "broadcast together (each trailing axis must match or be 1); reshape or "
            "expand_dims an operand so that they line up"
        ) from None


def _outputs(ctx: Any, out: Any, record: bool, args: tuple, kwargs: dict) -> Any:
    """The rare outputs, off apply's common path: while an anomaly or tracing block is open
    (in any thread), complex results (the node gets its complex backward, see
    complex_grad.py), NumPy scalars (0-d results), several outputs."""
    if record and any(np.iscomplexobj(o) for o in (out if type(out) is tuple else (out,))):
        from .complex_grad import complex_node

        complex_node(ctx, args, out)
    if STATE.anomaly:
        _check_finite(ctx.name, "forward", out, args)
    node = ctx if record else None
    if type(out) is not tuple:
        result = _make(_as_saved_array(ctx, out), node)
    else:
        result = tuple(_make(_as_saved_array(ctx, o), node) for o in out)
        if record:
            ctx._nout = len(result)
            ctx._ometa = [(t.data.shape, t.data.dtype) for t in result]
            for i, t in enumerate(result):
                t._oidx = i
            ctx._osaved = _saved_outputs(ctx.saved, result)
    if STATE.tracer is not None:
        STATE.tracer(ctx, args, kwargs, result)
    return result


def _saved_outputs(saved: Any, result: tuple) -> dict | None:
    """{position in `saved`: output index} for the outputs a several-output forward saved, so
    that create_graph=True links them to this node instead of taking them for constants."""
    if type(saved) is not tuple:
        return None
    found = {j: i for j, s in enumerate(saved) for i, t in enumerate(result) if s is t.data}
    return found or None


def _as_saved_array(ctx: Any, out: Any) -> np.ndarray:
    """The output as an ndarray. Ufuncs turn 0-d results into NumPy scalars; when forward
    saved the output, the saved entry becomes the very array the result Tensor holds, so that
    create_graph=True links it back to that Tensor instead of taking it for a constant."""
    if type(out) is np.ndarray:
        return out
    arr = np.asarray(out)
    saved = ctx.saved
    if type(saved) is tuple and any(s is out for s in saved):
        ctx.saved = tuple(arr if s is out else s for s in saved)
    return arr


# Routines that every op class runs its own copy of, by attribute name (the engine registers
# its walk step here). CPython specialises an attribute access for one type at a time, per
# code object: one code object that reads the fields of nodes of many types falls back to
# the generic lookup at every access, several times slower. A copy per class sees one type.
_PER_CLASS: dict[str, types.FunctionType] = {}


def _own_copy(fn: types.FunctionType) -> types.FunctionType:
    """`fn` with a code object of its own (same code, separate specialisation caches)."""
    copy = types.FunctionType(fn.__code__.replace(), fn.__globals__, fn.__name__,
                              fn.__defaults__, fn.__closure__)
    copy.__doc__, copy.__qualname__ = fn.__doc__, fn.__qualname__
    return copy


def per_class(name: str, template: types.FunctionType) -> None:
    """Give every op class, those to come and those already made, its own copy of the method
    `template` under `name`."""
    _PER_CLASS[name] = template
    todo = [Function]
    while todo:
        cls = todo.pop()
        setattr(cls, name, _own_copy(template))
        todo.extend(cls.__subclasses__())


class _OpType(type):
    """Metaclass of ops: it makes `forward`/`backward` static, gives built-in ops empty
    `__slots__`, and builds each op's `apply` (and the per-class routines, see _PER_CLASS)
    with code of its own, so an op's class holds only its arithmetic."""

    def __new__(mcs, name: str, bases: tuple, ns: dict, **kwargs: Any) -> Any:
        if ns.get("_builtin", any(getattr(b, "_builtin", False) for b in bases)):
            ns.setdefault("__slots__", ())
        for key in ("forward", "backward"):
            if isinstance(ns.get(key), types.FunctionType):
                ns[key] = staticmethod(ns[key])
        for key, template in _PER_CLASS.items():
            if key in ns:
                raise TypeError(f"{name}: {key} is the engine's name for a routine of every "
                                "op; choose another name for this method")
            ns[key] = _own_copy(template)
        cls = super().__new__(mcs, name, bases, ns, **kwargs)
        apply = _make_apply(cls)
        apply.__code__ = apply.__code__.replace()  # its own caches: see _PER_CLASS
        apply.__name__, apply.__doc__ = cls.__name__, cls.__doc__
        apply.__qualname__ = f"{cls.__name__}.apply"
        cls.apply = staticmethod(apply)
        return cls


class Function(metaclass=_OpType):
    """Base class of ops; subclass it with `forward` and `backward` for a custom op.

    Example::

        class Cube(Function):
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x ** 3

            def backward(ctx, g):
                (x,) = ctx.saved_tensors
                return 3 * x ** 2 * g

        y = Cube.apply(t)

    (`@staticmethod` on the two methods is accepted and changes nothing.)
    """

    # `parents[i]` is the i-th argument when it is a Tensor that requires grad, else None.
    # Ops with one or two arguments (nearly all) keep them in `_p0`/`_p1` with `_pn` = 1 or 2,
    # others keep the tuple of Tensors in `_pn`: a tuple per node would be one more object for
    # the cyclic collector to scan, which it does over and over while a long graph is recorded.
    # For the same reason `_p0`/`_p1` hold an input that is the only output of a node as that
    # node, with its array in `_d0`/`_d1` (None when `_p0`/`_p1` is the Tensor itself: a leaf,
    # or one of several outputs): the graph then keeps one object per op alive, not a node and
    # a Tensor, and a chain's intermediate Tensors are freed as soon as the caller drops them.
    # `parents` rebuilds those Tensors (same array, same node) when asked.
    # `saved` is what forward kept for backward; both are dropped once backward has used them.
    # `_ep`: the version clock when the node was recorded (see versions.py).
    __slots__ = ("_p0", "_p1", "_d0", "_d1", "_pn", "saved", "_nout", "_retained", "_ometa",
                 "_osaved", "_ep", "__weakref__")

    # Built-in ops write backward on operators and methods that work on ndarrays and on
    # Tensors alike, so with create_graph=True they run on Tensors and record a graph. A custom
    # op's backward always sees ndarrays: it is differentiable once.
    _builtin = False
    # True for ops whose operands broadcast: a ValueError from forward is then reported as
    # the shapes that cannot be broadcast together.
    broadcasts = False
    # How the op's gradient meets complex numbers (see complex_grad.py): "linear",
    # "holomorphic", "own", or None to refuse complex results. Custom ops count as "own".
    complex_rule = None

    def forward(ctx: Any, *args: Any, **kwargs: Any) -> Any:
        """Compute the op on ndarrays; return an ndarray or a tuple of them."""
        raise NotImplementedError(
            "subclasses of autograd.Function must implement forward(ctx, *arrays)"
        )

    def backward(ctx: Any, *grad_outputs: Any) -> Any:
        """Return one gradient per forward argument (None for those that need none)."""
        raise NotImplementedError(
            "subclasses of autograd.Function must implement backward(ctx, *grads)"
        )

    # -- context API -------------------------------------------------------------------------
    def save_for_backward(self, *arrays: Any) -> None:
        """Keep `arrays` for backward; they are released when backward has run."""
        self.saved = arrays

    @property
    def saved_tensors(self) -> tuple:
        """What `save_for_backward` kept (ndarrays in backward)."""
        if self.saved is None:
            raise RuntimeError(_freed_message(self))
        return self.saved

    @property
    def parents(self) -> tuple | None:
        """The inputs that need a gradient, by argument position (None elsewhere); None once
        backward has released the node."""
        n = self._pn
        if n == 2:
            return (_as_input(self._p0, self._d0), _as_input(self._p1, self._d1))
        if n == 1:
            return (_as_input(self._p0, self._d0),)
        return n

    @parents.setter
    def parents(self, parents: tuple | None) -> None:
        self._p0 = self._p1 = self._d0 = self._d1 = None
        self._pn = parents

    @property
    def needs_input_grad(self) -> tuple[bool, ...]:
        """For each forward argument, whether a gradient for it is needed."""
        n = self._pn
        if n == 2:
            return (self._p0 is not None, self._p1 is not None)
        if n == 1:
            return (self._p0 is not None,)
        return tuple(p is not None for p in n)

    @property
    def name(self) -> str:
        """The op's name as graphs and errors show it."""
        return type(self).__name__

    def __repr__(self) -> str:
        return f"<{self.name}>"


class Op(Function):
    """Base of the built-in ops (backward written once, for ndarrays and Tensors)."""

    _builtin = True


def checked_backward(fn: Any, g: Any) -> tuple:
    """Call node `fn`'s backward with its output gradient(s) `g`; check what it returned."""
    grads = fn.backward(fn, g) if fn._nout == 1 else fn.backward(fn, *g)
    if type(grads) is not tuple:
        grads = (grads,)
    n = fn._pn
    n = len(n) if type(n) is tuple else n
    if len(grads) != n:
        raise RuntimeError(
            f"{fn.name}.backward returned {len(grads)} gradients for {n} inputs"
        )
    for i, gi in enumerate(grads):
        if isinstance(gi, (str, bytes, dict, list, tuple, set)):  # (Tensors under create_graph)
            raise TypeError(f"{fn.name}.backward returned a {type(gi).__name__} as the "
                            f"gradient of input {i}; return an ndarray (or None)")
    if STATE.anomaly:
        _check_finite(fn.name, "backward", grads, [p for p in fn.parents if p is not None])
    return grads


def _freed_message(fn: Function) -> str:
    return (
        f"Trying to backward through the graph a second time: {fn.name} already released "
        "its saved arrays after the first backward(). Pass retain_graph=True to the first "
        "backward() (or autograd.grad()) if you need to go through the graph again."
    )


def _check_finite(name: str, phase: str, out: Any, inputs: Any) -> None:
    outs = out if isinstance(out, tuple) else (out,)
    for o in outs:
        if o is None:
            continue
        arr = o.data if isinstance(o, Tensor) else np.asarray(o)
        if arr.dtype.kind in "fc" and not np.all(np.isfinite(arr)):
            shapes = [np.shape(x.data if isinstance(x, Tensor) else x) for x in inputs]
            bad = "NaN" if np.isnan(arr).any() else "inf"
            raise FloatingPointError(
                f"anomaly: {name} {phase} produced {bad} (output shape {arr.shape}, "
                f"input shapes {shapes})"
            )
