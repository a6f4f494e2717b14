"""The Function/context machinery: one node of the graph per op call.

An op is a subclass of `Function` with static `forward(ctx, *arrays)` and
`backward(ctx, *grad_outputs)`. The instance created by `apply` is both the context the two
methods share and the node the engine walks: it holds its inputs (`parents`) and whatever
`forward` saved, and it is what a result's `grad_fn` points to.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .grad_mode import STATE
from .tensor import Tensor, _make


class Function:
    """Base class of ops; subclass it with static `forward` and `backward` for a custom op.

    Example::

        class Cube(Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x ** 3

            @staticmethod
            def backward(ctx, g):
                (x,) = ctx.saved_tensors
                return 3 * x ** 2 * g

        y = Cube.apply(t)
    """

    # `parents[i]` is the i-th argument when it is a Tensor that requires grad, else None.
    # Ops with one or two arguments (nearly all) keep them in `_p0`/`_p1` with `_pn` = 1 or 2,
    # others keep the tuple in `_pn`: a tuple per node would be one more object for the cyclic
    # collector to scan, which it does over and over while a long graph is recorded.
    # `saved` is what forward kept for backward; both are dropped once backward has used them.
    __slots__ = ("_p0", "_p1", "_pn", "saved", "_nout", "_retained", "_ometa", "__weakref__")

    # Built-in ops write backward on operators and methods that work on ndarrays and on
    # Tensors alike, so with create_graph=True they run on Tensors and record a graph. A custom
    # op's backward always sees ndarrays: it is differentiable once.
    _builtin = False

    @staticmethod
    def forward(ctx: Any, *args: Any, **kwargs: Any) -> Any:
        """Compute the op on ndarrays; return an ndarray or a tuple of them."""
        raise NotImplementedError(
            "subclasses of autograd.Function must implement a static forward(ctx, *arrays)"
        )

    @staticmethod
    def backward(ctx: Any, *grad_outputs: Any) -> Any:
        """Return one gradient per forward argument (None for those that need none)."""
        raise NotImplementedError(
            "subclasses of autograd.Function must implement a static backward(ctx, *grads)"
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
            return (self._p0, self._p1)
        if n == 1:
            return (self._p0,)
        return n

    @parents.setter
    def parents(self, parents: tuple | None) -> None:
        self._p0 = self._p1 = None
        self._pn = parents

    @property
    def needs_input_grad(self) -> tuple[bool, ...]:
        """For each forward argument, whether a gradient for it is needed."""
        return tuple(p is not None for p in self.parents)

    @property
    def name(self) -> str:
        """The op's name as graphs and errors show it."""
        return type(self).__name__

    def __repr__(self) -> str:
        return f"<{self.name}>"

    # -- calling -------------------------------------------------------------------------------
    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._apply = staticmethod(_make_apply(cls))

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        """Run the op on the arguments' data and, when a gradient is needed, record a node."""
        return cls._apply(*args, **kwargs)


def _make_apply(cls: type) -> Any:
    """Build `cls`'s apply as a plain function (one call frame: ops are called very often).

    The one- and two-argument cases are spelled out because they are nearly every call.
    """
    forward = cls.forward
    new = object.__new__
    state = STATE
    name = cls.__name__

    def finish(ctx: Any, out: Any, parents: Any, arrays: Any) -> Any:
        # Rare cases: anomaly checks, several outputs, custom ops.
        if state.anomaly:
            _check_finite(name, "forward", out, arrays)
        if parents is None:
            if type(out) is tuple:
                return tuple(_make(o, None) for o in out)
            return _make(out, None)
        ctx.parents = parents
        ctx._retained = None
        if type(out) is tuple:
            ctx._nout = len(out)
            ctx._ometa = [(np.shape(o), np.asarray(o).dtype) for o in out]
            outs = tuple(_make(o, ctx) for o in out)
            for i, t in enumerate(outs):
                t._oidx = i
            return outs
        ctx._nout = 1
        return _make(out, ctx)

    if not cls._builtin:
        def apply_custom(*args: Any, **kwargs: Any) -> Any:
            # A custom op may read ctx.needs_input_grad in forward: parents come first here.
            arrays = [a.data if isinstance(a, Tensor) else a for a in args]
            parents = tuple(
                a if isinstance(a, Tensor) and a.requires_grad else None for a in args
            )
            record = state.enabled and any(p is not None for p in parents)
            ctx = new(cls)
            ctx.saved = ()
            ctx.parents = parents if record else (None,) * len(args)
            ctx._retained = None
            ctx._nout = 1
            out = forward(ctx, *arrays, **kwargs)
            return finish(ctx, out, parents if record else None, arrays)

        apply_custom.__name__ = cls.__name__
        apply_custom.__qualname__ = f"{cls.__name__}.apply"
        apply_custom.__doc__ = cls.__doc__
        return apply_custom

    def apply(*args: Any, **kwargs: Any) -> Any:
        n = len(args)
        ctx = new(cls)
        ctx.saved = ()
        if n == 1:
            a = args[0]
            if isinstance(a, Tensor):
                record = a.requires_grad
                out = forward(ctx, a.data, **kwargs) if kwargs else forward(ctx, a.data)
            else:
                record = False
                out = forward(ctx, a, **kwargs) if kwargs else forward(ctx, a)
            parents = 1 if record and state.enabled else None
        elif n == 2:
            a, b = args
            if isinstance(a, Tensor):
                ad = a.data
                ra = a.requires_grad
            else:
                ad = a
                ra = False
            if isinstance(b, Tensor):
                bd = b.data
                rb = b.requires_grad
            else:
                bd = b
                rb = False
            out = forward(ctx, ad, bd, **kwargs) if kwargs else forward(ctx, ad, bd)
            if (ra or rb) and state.enabled:
                parents = 2
                ctx._p0 = a if ra else None
                ctx._p1 = b if rb else None
            else:
                parents = None
        else:
            arrays = []
            record = False
            for a in args:
                if isinstance(a, Tensor):
                    arrays.append(a.data)
                    if a.requires_grad:
                        record = True
                else:
                    arrays.append(a)
            out = forward(ctx, *arrays, **kwargs)
            if record and state.enabled:
                parents = tuple(
                    a if isinstance(a, Tensor) and a.requires_grad else None for a in args
                )
            else:
                parents = None
        if type(out) is np.ndarray and not state.anomaly:
            t = new(Tensor)
            t.data = out
            t.grad = None
            if parents is None:
                t.grad_fn = None
                t.requires_grad = False
            else:
                if parents == 1:
                    ctx._p0 = args[0]
                ctx._pn = parents
                ctx._retained = None
                ctx._nout = 1
                t.grad_fn = ctx
                t.requires_grad = True
            return t
        if parents == 1:
            parents = (args[0],)
        elif parents == 2:
            parents = (ctx._p0, ctx._p1)
        return finish(ctx, out, parents, [a.data if isinstance(a, Tensor) else a for a in args])

    apply.__name__ = cls.__name__
    apply.__qualname__ = f"{cls.__name__}.apply"
    apply.__doc__ = cls.__doc__
    return apply


class Op(Function):
    """Base of the built-in ops (backward written once, for ndarrays and Tensors)."""

    __slots__ = ()
    _builtin = True


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
