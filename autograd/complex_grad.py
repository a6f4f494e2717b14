"""Complex gradients, in PyTorch's convention (conjugate Wirtinger calculus).

For a real loss L and a complex tensor z, `z.grad` is ∂L/∂(Re z) + i ∂L/∂(Im z), which is
2 ∂L/∂z̄: for L = Σ |z|², z.grad = 2z, as `torch.autograd` gives. A node's backward maps the
gradient g of its output to g·conj(f'(x)) for a holomorphic f.

Nothing here runs for real dtypes: `apply` sends an op's complex result to `_outputs`, which
calls `complex_node`. That turns the node into the op's complex variant (a subclass with the
same layout, cached per op), whose backward follows the op's `complex_rule`:

- "linear": the backward's coefficients are real (sum, reshape, indexing, add, ...): the same
  formula is right for complex gradients as it is;
- "holomorphic": f is complex-differentiable and its backward B(g) = g f'(x) is written with
  operations that are too (mul, exp, matmul, ...): the gradient is conj(B(conj g));
- "own": the op's `complex_backward` (or its backward) already follows the convention;
- None (the default for built-in ops): a TypeError naming the op (ordering ops, kinks, ...).

Custom `Function`s are taken at their word (as PyTorch does): their backward gets and returns
gradients in this convention. Every variant hands a real input the real part of its gradient.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .grad_mode import STATE
from .tensor import Tensor

_VARIANTS: dict = {}


def conj(x: Any) -> Any:
    """x̄ of an array or a Tensor (recorded, so create_graph can differentiate it)."""
    if x is None or x.dtype.kind != "c":
        return x
    if isinstance(x, Tensor):
        from .ops.complex_parts import conj as conj_op

        return conj_op(x)
    return np.conjugate(x)


def real_part(x: Any) -> Any:
    """Re x of an array or a Tensor (recorded); real inputs are returned as they are."""
    if x is None or x.dtype.kind != "c":
        return x
    if isinstance(x, Tensor):
        from .ops.complex_parts import real

        return real(x)
    return x.real


class ComplexGradError(TypeError):
    """An op whose gradient has no complex rule met a complex number."""


def complex_error(name: str, args: tuple, out: Any) -> ComplexGradError:
    """The refusal of an op with no complex gradient rule."""
    found = [f"{np.shape(a.data if isinstance(a, Tensor) else a)} "
             f"{np.result_type(a.data if isinstance(a, Tensor) else a)}"
             for a in args if isinstance(a, (Tensor, np.ndarray, complex, np.generic))]
    outs = out if type(out) is tuple else (out,)
    dtypes = ", ".join(str(np.result_type(o)) for o in outs)
    return ComplexGradError(
        f"{name}: no complex gradient (inputs {', '.join(found)}; result {dtypes}): complex "
        "numbers are unordered, so ops such as max, sort, clip or relu have none (PyTorch "
        "refuses them too), and the others are not implemented here. Work on real tensors "
        "(z.real, z.imag, abs(z)), or detach() for a constant")


def refuse_ordering(name: str, *xs: Any) -> None:
    """Ordering ops (comparisons, sort, argmax, ...) on a complex Tensor that requires grad:
    complex numbers have no order, PyTorch refuses them, and NumPy's lexicographic order
    would make a gradient that means nothing. Constants keep NumPy's behaviour."""
    for x in xs:
        if isinstance(x, Tensor) and x.requires_grad and x.data.dtype.kind == "c" \
                and STATE.enabled:
            raise ComplexGradError(
                f"{name}: complex numbers have no order (a {x.dtype} tensor of shape "
                f"{x.shape} that requires grad); compare abs(z), z.real or z.imag instead")


def complex_node(ctx: Any, args: tuple, out: Any) -> None:
    """Give a recorded node with a complex result its complex backward, or refuse the op."""
    cls = type(ctx)
    variant = _VARIANTS.get(cls)
    if variant is None:
        rule = cls.complex_rule if cls._builtin else "own"
        if rule is None:
            raise complex_error(cls.__name__.lower(), args, out)
        variant = _VARIANTS[cls] = _variant(cls, rule)
    ctx.__class__ = variant


def _variant(cls: type, rule: str) -> type:
    """A subclass of `cls` (same slots, same name) whose backward follows `rule`."""
    if rule == "linear":
        inner = cls.backward
    elif rule == "holomorphic":
        inner = _conjugated(cls.backward)
    elif rule == "own":
        inner = getattr(cls, "complex_backward", cls.backward)
    else:
        raise ValueError(f"{cls.__name__}: complex_rule {rule!r} is not one of 'linear', "
                         "'holomorphic', 'own' or None")

    def backward(ctx: Any, *grads: Any) -> Any:
        return real_for_real_inputs(ctx, inner(ctx, *grads))

    ns = {"backward": backward, "__module__": cls.__module__, "__doc__": cls.__doc__}
    if "__slots__" in cls.__dict__:
        ns["__slots__"] = ()
    return type(cls)(cls.__name__, (cls,), ns)


def _conjugated(backward: Any) -> Any:
    """conj ∘ B ∘ conj: a holomorphic op's backward B(g) = g f'(x) becomes g·conj(f'(x))."""
    def conjugated(ctx: Any, *grads: Any) -> Any:
        out = backward(ctx, *[conj(g) for g in grads])
        if type(out) is not tuple:
            return conj(out)
        return tuple(conj(gi) for gi in out)

    return conjugated


def real_for_real_inputs(ctx: Any, grads: Any) -> Any:
    """The real part of each gradient whose input is real (PyTorch's rule)."""
    single = type(grads) is not tuple
    if single:
        grads = (grads,)
    out = []
    for gi, arr in zip(grads, _input_arrays(ctx)):
        if gi is not None and arr is not None and getattr(gi, "dtype", None) is not None \
                and gi.dtype.kind == "c" and arr.dtype.kind != "c":
            gi = real_part(gi)
        out.append(gi)
    out.extend(grads[len(out):])
    return out[0] if single else tuple(out)


def _input_arrays(ctx: Any) -> list:
    """The array of each input that needs a gradient (None for the others)."""
    return [None if p is None else p.data for p in ctx.parents or ()]
