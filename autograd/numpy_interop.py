"""NumPy functions and ufuncs called on Tensors: the one table that maps them to ops.

`np.exp(t)` or `np.sum(t, axis=0)` on a Tensor runs the library's differentiable op (through
NumPy's `__array_ufunc__` / `__array_function__` protocols). Four tables decide:

- `UFUNCS`, `FUNCTIONS`: NumPy callable -> differentiable op (the result records a graph);
- `CONSTANT_UFUNCS`, `CONSTANT_FUNCTIONS`: NumPy callables whose result has no gradient
  (comparisons, masks, rounding with zero derivative, shape queries, index results); they run
  on the arrays and give a Tensor that does not require grad, as PyTorch does;
- anything else, called while a Tensor argument requires grad, raises `TypeError` naming the
  NumPy function and what to use instead: a constant result would silently lose the gradient.
  Without such an argument it runs on the arrays (a constant, as NumPy would give).

To add an op: put its NumPy counterpart in `UFUNCS` or `FUNCTIONS` (and a hint in `INSTEAD`
for NumPy functions that have no op).
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from . import ops
from .complex_grad import ComplexGradError, refuse_ordering
from .tensor import Tensor, _make


def _square(x: Any) -> Tensor:
    return ops.mul(x, x)


def _reciprocal(x: Any) -> Tensor:
    return ops.div(1.0, x)


def _positive(x: Any) -> Any:
    return x


# -- differentiable: NumPy callable -> op --------------------------------------------------------
UFUNCS: dict[Any, Callable[..., Any]] = {
    np.add: ops.add, np.subtract: ops.sub, np.multiply: ops.mul, np.true_divide: ops.div,
    np.power: ops.pow, np.negative: ops.neg, np.positive: _positive, np.exp: ops.exp,
    np.log: ops.log, np.sqrt: ops.sqrt, np.absolute: ops.abs, np.sin: ops.sin,
    np.cos: ops.cos, np.tanh: ops.tanh, np.log1p: ops.log1p, np.expm1: ops.expm1,
    np.maximum: ops.maximum, np.minimum: ops.minimum, np.matmul: ops.matmul,
    np.square: _square, np.reciprocal: _reciprocal,
}

FUNCTIONS: dict[Any, Callable[..., Any]] = {
    np.where: ops.where, np.broadcast_to: ops.broadcast_to, np.concatenate: ops.concatenate,
    np.stack: ops.stack, np.expand_dims: ops.expand_dims, np.squeeze: ops.squeeze,
    np.reshape: ops.reshape, np.transpose: ops.transpose, np.swapaxes: ops.swapaxes,
    np.sum: ops.sum, np.mean: ops.mean, np.max: ops.max, np.min: ops.min, np.amax: ops.max,
    np.amin: ops.min, np.split: ops.split, np.dot: ops.dot, np.clip: ops.clip,
    np.var: ops.var, np.std: ops.std, np.matmul: ops.matmul, np.maximum: ops.maximum,
    np.minimum: ops.minimum,
}

# The PyTorch-surface ops (tan ... hypot, prod, cumsum, flip, einsum, ...): listed beside
# their ops in ops/catalog.py.
UFUNCS.update(ops.catalog.UFUNCS)
FUNCTIONS.update(ops.catalog.FUNCTIONS)
# NumPy functions with no PyTorch name (vstack, logaddexp, linalg.inv, ...): ops/numpy_extra.py
UFUNCS.update(ops.numpy_extra.DISPATCH_UFUNCS)
FUNCTIONS.update(ops.numpy_extra.DISPATCH_FUNCTIONS)
FUNCTIONS.update(ops.decompositions.DISPATCH_FUNCTIONS)
FUNCTIONS.update(ops.eig.DISPATCH_FUNCTIONS)

# -- no gradient by definition: run on the arrays, result does not require grad ------------------
CONSTANT_UFUNCS: frozenset = frozenset({
    np.less, np.less_equal, np.greater, np.greater_equal, np.equal, np.not_equal,
    np.logical_and, np.logical_or, np.logical_xor, np.logical_not, np.isnan, np.isinf,
    np.isfinite, np.signbit, np.sign, np.floor, np.ceil, np.trunc, np.rint, np.floor_divide,
    np.bitwise_and, np.bitwise_or, np.bitwise_xor, np.invert,
})

CONSTANT_FUNCTIONS: frozenset = frozenset({
    np.shape, np.ndim, np.size, np.argmax, np.argmin, np.argsort, np.argwhere, np.nonzero,
    np.flatnonzero, np.count_nonzero, np.isclose, np.allclose, np.array_equal,
    np.array_equiv, np.all, np.any, np.sign, np.zeros_like, np.ones_like, np.empty_like,
    np.full_like, np.result_type, np.iscomplexobj, np.isrealobj, np.may_share_memory,
    np.shares_memory, np.iscomplex, np.isreal, np.searchsorted, np.unique, np.round, np.around, np.floor, np.ceil,
    np.trunc, np.isnan, np.isfinite, np.isinf, np.array_repr, np.array_str, np.array2string,
})

# Constants that order values: refused on complex Tensors that require grad (no order).
ORDERING: frozenset = frozenset({
    np.less, np.less_equal, np.greater, np.greater_equal, np.floor, np.ceil, np.trunc,
    np.rint, np.floor_divide, np.sign, np.argmax, np.argmin, np.argsort, np.searchsorted,
    np.round, np.around,
})

# What to use instead, for NumPy functions users reach for that have no op here (yet).
INSTEAD: dict[str, str] = {
    "atleast_2d": "t.reshape(1, -1) or expand_dims",
}


def array_of_grad_tensor(t: Tensor) -> RuntimeError:
    """`np.asarray(t)` of a Tensor that requires grad (`np.array([t, ...])`, `np.r_`,
    `np.mean([t, ...])` call it): NumPy would copy the values and drop the gradient without a
    word, so it is refused, as PyTorch's `numpy()` refuses."""
    return RuntimeError(
        f"np.asarray() of a Tensor that requires grad (shape {t.data.shape}) would drop its "
        "gradient (NumPy functions that do not dispatch to autograd, such as np.array, np.r_ "
        "or np.mean of a list of Tensors, call it); stack Tensors with autograd.stack/"
        "concatenate, or use t.detach() / t.data for a constant")


def _numpy_name(func: Any) -> str:
    module = getattr(func, "__module__", None) or "numpy"
    name = getattr(func, "__name__", repr(func))
    module = module.replace("numpy.", "").replace("numpy", "")
    return f"{module}.{name}" if module and not module.startswith("_") else name


def _refuse(name: str, args: Any) -> TypeError:
    """The error for a NumPy function with no differentiable op, called on a Tensor that
    requires grad (a constant result would drop its gradient without a word)."""
    shapes = [a.shape for a in _tensors(args)]
    hint = INSTEAD.get(name.split(".")[-1] if name not in INSTEAD else name,
                       "an autograd op (see autograd.__all__)")
    return TypeError(
        f"np.{name} has no differentiable counterpart for Tensors (argument shapes {shapes}): "
        f"its result would be a constant and the gradient would be lost. Use {hint} instead, "
        "or pass t.detach() (or t.data) to compute a constant on purpose."
    )


def _tensors(obj: Any) -> list:
    if isinstance(obj, Tensor):
        return [obj]
    if isinstance(obj, (list, tuple)):
        return [t for o in obj for t in _tensors(o)]
    if isinstance(obj, dict):
        return [t for o in obj.values() for t in _tensors(o)]
    return []


def _needs_grad(*objs: Any) -> bool:
    from .grad_mode import STATE

    return STATE.enabled and any(t.requires_grad for o in objs for t in _tensors(o))


def plain(x: Any) -> Any:
    """Tensors (also inside lists and tuples) replaced by their arrays."""
    if isinstance(x, Tensor):
        return x.data
    if isinstance(x, (list, tuple)):
        return type(x)(plain(i) for i in x)
    return x


def _wrap(result: Any) -> Any:
    if isinstance(result, tuple):
        return tuple(_wrap(r) for r in result)
    if isinstance(result, np.ndarray) or isinstance(result, np.generic):
        return _make(result, None)
    return result


def array_ufunc(ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
    """`Tensor.__array_ufunc__`: the op from `UFUNCS`, a constant, or a TypeError."""
    out = kwargs.get("out")
    if method == "__call__" and not kwargs:
        op = UFUNCS.get(ufunc)
        if op is not None:
            return op(*inputs)
    if out is not None:
        return _ufunc_out(ufunc, method, inputs, kwargs)
    if method == "__call__" and ufunc in CONSTANT_UFUNCS:
        if ufunc in ORDERING:
            refuse_ordering(f"np.{ufunc.__name__}", *inputs)
        return _wrap(ufunc(*plain(inputs), **kwargs))
    if _needs_grad(inputs, kwargs):
        name = ufunc.__name__ if method == "__call__" else f"{ufunc.__name__}.{method}"
        raise _refuse(name, inputs)
    return _wrap(getattr(ufunc, method)(*plain(inputs), **plain_kwargs(kwargs)))


def plain_kwargs(kwargs: dict) -> dict:
    return {k: plain(v) for k, v in kwargs.items()}


def _ufunc_out(ufunc: Any, method: str, inputs: tuple, kwargs: dict) -> Any:
    """`np.add(a, b, out=t)`: an in-place write into Tensor `t`, with in-place rules."""
    from .inplace import check_writable, mark_changed

    outs = kwargs["out"]
    outs = outs if isinstance(outs, tuple) else (outs,)
    name = ufunc.__name__
    if _needs_grad(inputs, outs):
        raise TypeError(
            f"np.{name}(..., out=...) on Tensors that require grad is not recorded in the "
            "graph; use the in-place operators (+=, *=, ...) or methods (add_, mul_, ...)"
        )
    for o in outs:
        if isinstance(o, Tensor):
            check_writable(o, f"np.{name}(out=...)")
    kwargs = dict(kwargs, out=tuple(plain(o) for o in outs))
    getattr(ufunc, method)(*plain(inputs), **kwargs)
    for o in outs:
        if isinstance(o, Tensor):
            mark_changed(o)
    return outs[0] if len(outs) == 1 else outs


def array_function(func: Any, types: Any, args: Any, kwargs: Any) -> Any:
    """`Tensor.__array_function__`: the op from `FUNCTIONS`, a constant, or a TypeError."""
    op = FUNCTIONS.get(func)
    if op is not None:
        try:
            return op(*args, **kwargs)
        except ComplexGradError:
            raise
        except TypeError:
            # Arguments the op does not take (out=, dtype=, where=, ...): refused below
            # when a gradient is needed, else computed on the arrays.
            if _needs_grad(args, kwargs):
                raise TypeError(
                    f"np.{_numpy_name(func)} on a Tensor that requires grad takes only the "
                    f"arguments of autograd.{op.__name__}; got keywords {sorted(kwargs)}"
                ) from None
    if func in ORDERING:
        refuse_ordering(f"np.{_numpy_name(func)}", *_tensors(args))
    if func in CONSTANT_FUNCTIONS or not _needs_grad(args, kwargs):
        return _wrap(func(*plain(args), **plain_kwargs(kwargs)))
    raise _refuse(_numpy_name(func), args)
