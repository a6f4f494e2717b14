"""The names an outside autodiff test suite imports, implemented on this library's engine.

`tools/outside_suite.py` rewrites the suite's imports of its own package to this module
(`outside_shim`), so its tests run against plain NumPy plus our engine:

- `outside_shim.numpy` is NumPy itself (and `.numpy.random`, `.numpy.linalg`): the tests call
  ordinary NumPy functions, which reach our ops through `__array_ufunc__` and
  `__array_function__` when an argument is a Tensor;
- `grad`, `value_and_grad`, `elementwise_grad`, `jacobian`, `hessian`, `deriv`, `make_vjp`,
  `make_jvp`, `holomorphic_grad` wrap the chosen argument in a Tensor that requires grad
  (float64), call the function, and take the gradient with `autograd.grad(...,
  create_graph=True)`, so that every result can be differentiated again;
- `test_util.check_grads` compares our vector-Jacobian product with central differences of
  the function called on plain arrays (step 1e-6, tolerance 1e-6, as the suite's own helper
  does), recursively up to `order`, and also checks that the value computed through our ops
  equals the plain NumPy value. Forward mode (`modes=["fwd"]`) is checked in reverse mode.
  A disagreement raises `WrongGradient` or `WrongValue`: the harness counts those as silently
  wrong results of our library.

Complex numbers: the suite's convention is the conjugate of ours (PyTorch's): its
vjp(g) is conj(our vjp(conj g)), so its grad of a real function of z is conj(z.grad). The
shim converts at the boundary (`_vjp_of`), and check_grads uses the suite's inner product
Re Σ x̄·y and covectors (conjugates) for complex values, as the suite's own helper does.
"""
from __future__ import annotations

import itertools
import sys
import types
import warnings
from functools import wraps
from typing import Any, Callable

import numpy as onp

import autograd as ag
from autograd import Tensor


class WrongGradient(AssertionError):
    """Our vector-Jacobian product disagrees with central differences."""


class WrongValue(AssertionError):
    """The value computed through our ops differs from plain NumPy's."""


# -- values: nested tuples/lists/dicts of arrays, scalars and Tensors ----------------------------
def _is_container(x: Any) -> bool:
    return isinstance(x, (tuple, list, dict))


def _items(x: Any) -> list:
    return list(x.values()) if isinstance(x, dict) else list(x)


def _rebuild(like: Any, items: list) -> Any:
    if isinstance(like, dict):
        return dict(zip(like.keys(), items))
    return type(like)(items) if type(like) in (tuple, list) else type(like)(*items)


def _leaves(x: Any) -> list:
    return [l for i in _items(x) for l in _leaves(i)] if _is_container(x) else [x]


def _map(fn: Callable, *xs: Any) -> Any:
    """`fn` applied leaf by leaf to values of the same structure."""
    if _is_container(xs[0]):
        return _rebuild(xs[0], [_map(fn, *parts) for parts in zip(*map(_items, xs))])
    return fn(*xs)


def _array(x: Any) -> onp.ndarray:
    return x.data if isinstance(x, Tensor) else onp.asarray(x)


def _plain(x: Any) -> Any:
    """A gradient as the suite expects it: an ndarray, a NumPy scalar for 0-d, or the Tensor
    itself while an outer derivative is being traced."""
    if isinstance(x, Tensor):
        if x.requires_grad:
            return x
        x = x.data
    x = onp.asarray(x)
    return x[()] if x.ndim == 0 else x


def _new_leaf(x: Any) -> Tensor:
    if isinstance(x, Tensor):
        # A distinct node: derivatives taken with respect to it do not see other uses of x.
        return ag.clone(x) if x.requires_grad else Tensor(x.data, requires_grad=True)
    arr = onp.asarray(x)
    if arr.dtype.kind in "iub":
        raise TypeError(f"cannot differentiate with respect to an integer input ({arr.dtype})")
    return Tensor(onp.array(arr), requires_grad=True)


def _trace(fun: Callable, x: Any) -> tuple:
    """(structure of leaves, list of leaves, output)."""
    wrapped = _map(_new_leaf, x)
    leaves = _leaves(wrapped)
    with ag.enable_grad():
        out = fun(wrapped)
    return wrapped, leaves, out


def _conj(x: Any) -> Any:
    """x̄ of a Tensor (recorded, so that the result differentiates again) or of a value."""
    if isinstance(x, Tensor):
        return ag.conj(x)
    return onp.conj(x) if onp.iscomplexobj(x) else x


def _vjp_of(leaves: list, wrapped: Any, out: Any) -> Callable:
    """The suite's vjp of our engine's. The suite's convention for complex numbers is the
    conjugate of PyTorch's (ours): its vjp(g) is conj(our vjp(conj g)), which is the same
    for real values."""
    def vjp(g: Any) -> Any:
        outs, gs = _leaves(out), _leaves(g) if _is_container(out) else [g]
        pairs = [(o, gi) for o, gi in zip(outs, gs)
                 if isinstance(o, Tensor) and o.requires_grad]
        grads = [None] * len(leaves)
        if pairs:
            seeds = [_conj(gi) if isinstance(gi, Tensor) else
                     Tensor(onp.broadcast_to(onp.conj(onp.asarray(gi, dtype=o.dtype)),
                                             o.shape).copy())
                     for o, gi in pairs]
            with ag.enable_grad():
                grads = ag.grad([o for o, _ in pairs], leaves, seeds, create_graph=True,
                                allow_unused=True)
        else:
            warnings.warn("output seems independent of input")
        it = iter([_plain(ag.zeros_like(l) if gr is None else _conj(gr))
                   for gr, l in zip(grads, leaves)])
        return _map(lambda _: next(it), wrapped)

    return vjp


def _out_value(out: Any) -> Any:
    return _map(_plain_value, out) if _is_container(out) else _plain_value(out)


def _plain_value(o: Any) -> Any:
    return _plain(o) if isinstance(o, Tensor) else o


# -- the unary-to-n-ary convention: f(fun, argnum)(*args) differentiates argument `argnum` ----
def unary_to_nary(unary_op: Callable) -> Callable:
    """Turn `op(fun, x, ...)` into `op(fun, argnum=0, ...)(*args, **kwargs)`."""

    @wraps(unary_op)
    def nary_op(fun: Callable, argnum: Any = 0, *op_args: Any, **op_kwargs: Any) -> Callable:
        @wraps(fun)
        def nary_fun(*args: Any, **kwargs: Any) -> Any:
            def unary_fun(x: Any) -> Any:
                new = list(args)
                if isinstance(argnum, int):
                    new[argnum] = x
                else:
                    for i, xi in zip(argnum, x):
                        new[i] = xi
                return fun(*new, **kwargs)

            unary_fun.__name__ = getattr(fun, "__name__", "f")
            x = args[argnum] if isinstance(argnum, int) else tuple(args[i] for i in argnum)
            return unary_op(unary_fun, x, *op_args, **op_kwargs)

        return nary_fun

    return nary_op


def make_vjp(fun: Callable, x: Any) -> tuple:
    """(vjp, value): vjp(g) = gᵀ ∂fun/∂x."""
    wrapped, leaves, out = _trace(fun, x)
    return _vjp_of(leaves, wrapped, out), _out_value(out)


def _scalar_out(out: Any, name: str) -> None:
    arr = None if _is_container(out) else _array(out)
    if arr is None or arr.size != 1 or arr.dtype.kind != "f":
        raise TypeError(f"{name} only applies to real scalar-output functions")


@unary_to_nary
def grad(fun: Callable, x: Any) -> Any:
    """∂fun/∂x for a real scalar output."""
    wrapped, leaves, out = _trace(fun, x)
    _scalar_out(out, "grad")
    return _vjp_of(leaves, wrapped, out)(onp.ones(_array(out).shape))


@unary_to_nary
def value_and_grad(fun: Callable, x: Any) -> tuple:
    """(fun(x), ∂fun/∂x)."""
    wrapped, leaves, out = _trace(fun, x)
    _scalar_out(out, "value_and_grad")
    return _out_value(out), _vjp_of(leaves, wrapped, out)(onp.ones(_array(out).shape))


@unary_to_nary
def elementwise_grad(fun: Callable, x: Any) -> Any:
    """The vjp with a vector of ones (the derivative of each output element, summed)."""
    wrapped, leaves, out = _trace(fun, x)
    return _vjp_of(leaves, wrapped, out)(onp.ones(_array(out).shape))


@unary_to_nary
def holomorphic_grad(fun: Callable, x: Any) -> Any:
    """f'(z) of a holomorphic f: the suite's grad of Re f (in its convention, f'(z))."""
    return grad(lambda z: onp.real(fun(z)))(x)


@unary_to_nary
def jacobian(fun: Callable, x: Any) -> Any:
    """∂fun/∂x with shape out.shape + x.shape, one reverse pass per output element."""
    wrapped, leaves, out = _trace(fun, x)
    vjp = _vjp_of(leaves, wrapped, out)
    out_shape, in_shape = _array(out).shape, _array(x).shape
    rows = []
    for i in range(int(onp.prod(out_shape))):
        e = onp.zeros(int(onp.prod(out_shape)))
        e[i] = 1.0
        rows.append(vjp(e.reshape(out_shape)))
    if any(isinstance(r, Tensor) for r in rows):
        stacked = ag.stack([r if isinstance(r, Tensor) else Tensor(onp.asarray(r))
                            for r in rows]) if rows else ag.zeros(0)
        return ag.reshape(stacked, out_shape + in_shape)
    return onp.reshape(onp.array([onp.asarray(r) for r in rows]), out_shape + in_shape)


def hessian(fun: Callable, argnum: int = 0) -> Callable:
    """The Jacobian of the gradient."""
    return jacobian(jacobian(fun, argnum), argnum)


@unary_to_nary
def make_jvp_nary(fun: Callable, x: Any) -> Callable:
    return make_jvp(fun, x)


def make_jvp(fun: Callable, x: Any) -> Callable:
    """jvp(v) = (fun(x), ∂fun/∂x · v), by the transpose of a vjp (reverse mode twice)."""

    def jvp(v: Any) -> tuple:
        wrapped, leaves, out = _trace(fun, x)
        if not isinstance(out, Tensor) or not out.requires_grad:
            return _out_value(out), onp.zeros_like(_array(out))
        u = Tensor(onp.zeros(out.shape, dtype=out.dtype), requires_grad=True)
        with ag.enable_grad():
            gs = ag.grad([out], leaves, [u], create_graph=True, allow_unused=True)
            pairs = [(g, Tensor(onp.asarray(_array(vi), dtype=out.dtype)))
                     for g, vi in zip(gs, _leaves(v)) if g is not None and g.requires_grad]
            if not pairs:
                return _out_value(out), onp.zeros_like(out.data)
            (j,) = ag.grad([g for g, _ in pairs], [u], [w for _, w in pairs],
                           create_graph=True, allow_unused=True)
        return _out_value(out), _plain(ag.zeros_like(u) if j is None else j)

    return jvp


@unary_to_nary
def deriv(fun: Callable, x: Any) -> Any:
    """Forward-mode derivative with tangent 1 (computed in reverse mode)."""
    return make_jvp(fun, x)(onp.ones_like(_array(x)))[1]


# -- HIPS's primitive/defvjp: our custom Function -------------------------------------------------
primitive_vjps: dict = {}


def primitive(f: Callable) -> Callable:
    """A function our engine treats as one op (a custom Function); without `defvjp` its
    backward raises NotImplementedError."""
    vjps: list = []

    class Primitive(ag.Function):
        def forward(ctx, *args):
            ans = onp.asarray(f(*args))
            ctx.saved = (args, ans)
            return ans

        def backward(ctx, g):
            if not vjps:
                raise NotImplementedError(f"no vjp defined for primitive {f.__name__}")
            args, ans = ctx.saved
            return tuple(None if m is None else m(ans, *args)(g) for m in vjps[0])

    @wraps(f)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if any(isinstance(a, Tensor) for a in args):
            return Primitive.apply(*args)
        return f(*args, **kwargs)

    wrapped.vjps = vjps
    return wrapped


def defvjp(prim: Callable, *vjpmakers: Any) -> None:
    """Give a `primitive` its backward: vjpmaker(ans, *args)(g) for each argument."""
    prim.vjps[:] = [vjpmakers]


def isbox(x: Any) -> bool:
    return isinstance(x, Tensor) and x.requires_grad


def box_isinstance(obj: Any, kinds: Any) -> bool:
    """Python's isinstance, with a Tensor counted as an ndarray (the suite's
    `builtins.isinstance`)."""
    kinds = kinds if isinstance(kinds, tuple) else (kinds,)
    if isinstance(obj, Tensor) and onp.ndarray in kinds:
        return True
    return isinstance(obj, kinds)


# -- check_grads: central differences against our vjp ---------------------------------------------
TOL = RTOL = 1e-6
EPS = 1e-6


def scalar_close(a: Any, b: Any) -> bool:
    return abs(a - b) < TOL or abs(a - b) / abs(a + b) < RTOL


def _randn_like(x: Any) -> Any:
    def one(leaf: Any) -> Any:
        arr = _array(leaf)
        if onp.iscomplexobj(arr):
            r = onp.random.randn(*arr.shape) + 1j * onp.random.randn(*arr.shape)
        else:
            r = onp.random.randn(*arr.shape)
        r = onp.asarray(r)
        return r[()] if arr.ndim == 0 else r

    return _map(one, x)


def _axpy(a: float, x: Any, y: Any) -> Any:
    """a x + y, leaf by leaf, as plain values."""
    def one(xi: Any, yi: Any) -> Any:
        r = a * _array(xi) + _array(yi)
        return r[()] if onp.ndim(r) == 0 else r

    return _map(one, x, y)


def _inner(x: Any, y: Any) -> Any:
    """Σ x·y over the leaves; Re Σ x̄·y where x is complex (the suite's inner product)."""
    return sum(_inner_leaf(_array(a), _array(b)) for a, b in zip(_leaves(x), _leaves(y)))


def _inner_leaf(a: onp.ndarray, b: onp.ndarray) -> Any:
    if onp.iscomplexobj(a):
        return onp.real(onp.sum(onp.conj(a) * b))
    return onp.sum(a * b)


def _covector(x: Any) -> Any:
    """The suite's covector: the conjugate of complex leaves, real ones as they are."""
    return _map(lambda leaf: _plain(_conj(leaf)) if onp.iscomplexobj(_array(leaf)) else leaf, x)


def _shapes(x: Any) -> list:
    return [onp.shape(_array(l)) for l in _leaves(x)]


def _numeric_jvp(f: Callable, x: Any, v: Any) -> Any:
    plus = f(_axpy(EPS / 2, v, x))
    minus = f(_axpy(-EPS / 2, v, x))
    return _axpy(-1.0, minus, plus), 1.0 / EPS


def check_vjp(f: Callable, x: Any) -> None:
    """vᵀ(J u) from our vjp against central differences, for random u and v."""
    vjp, y = make_vjp(f, x)
    _check_value(f, x, y)
    x_v, y_v = _randn_like(x), _randn_like(y)
    vjp_y = _covector(vjp(_covector(y_v)))
    if _shapes(vjp_y) != _shapes(x):
        raise WrongGradient(f"gradient shapes {_shapes(vjp_y)} for inputs {_shapes(x)}")
    exact = _inner(x_v, vjp_y)
    diff, scale = _numeric_jvp(f, x, x_v)
    numeric = _inner(y_v, diff) * scale
    if not scalar_close(numeric, exact):
        raise WrongGradient(f"Derivative (VJP) check of {getattr(f, '__name__', f)} failed: "
                            "analytic "
                            f"{_plain(exact)}, numeric {numeric}")


def _check_value(f: Callable, x: Any, y: Any) -> None:
    plain = f(x)
    got, want = _leaves(y), _leaves(plain)
    same = len(got) == len(want) and all(
        onp.shape(_array(a)) == onp.shape(_array(b))
        and onp.allclose(_array(a), _array(b), rtol=1e-6, atol=1e-9, equal_nan=True)
        for a, b in zip(got, want))
    if not same:
        raise WrongValue(f"value through our ops {y!r} differs from plain NumPy {plain!r}")


def check_equivalent(x: Any, y: Any) -> None:
    assert _shapes(x) == _shapes(y), f"shape mismatch: {_shapes(x)} vs {_shapes(y)}"
    v = _randn_like(x)
    if not scalar_close(_inner(x, v), _inner(y, v)):
        raise WrongGradient(f"value mismatch:\n{x}\n{y}")


@unary_to_nary
def check_grads(f: Callable, x: Any, modes: Any = ("fwd", "rev"), order: int = 2) -> None:
    """Our derivatives of f at x, up to `order`, against central differences."""
    assert all(m in ("fwd", "rev") for m in modes)
    check_vjp(f, x)
    if order > 1:
        def grad_f(x, v):
            return make_vjp(f, x)[0](v)

        grad_f.__name__ = f"vjp_{getattr(f, '__name__', 'f')}"
        v = _randn_like(_out_value(f(x)))
        check_grads(grad_f, (0, 1), modes, order=order - 1)(x, v)


def combo_check(fun: Callable, *args: Any, **kwargs: Any) -> Callable:
    """check_grads over every combination of the given argument and keyword values."""
    def check(*arg_lists: Any, **kwarg_lists: Any) -> None:
        keyed = [[(k, v) for v in vs] for k, vs in kwarg_lists.items()]
        for a in itertools.product(*arg_lists):
            for kw in itertools.product(*keyed):
                check_grads(fun, *args, **kwargs)(*a, **dict(kw))

    return check


# -- the module layout the suite imports -------------------------------------------------------
def _submodule(name: str, **attrs: Any) -> types.ModuleType:
    mod = types.ModuleType(f"{__name__}.{name}")
    mod.__dict__.update(attrs)
    sys.modules[mod.__name__] = mod
    setattr(sys.modules[__name__], name, mod)
    return mod


numpy = onp
sys.modules[f"{__name__}.numpy"] = onp
sys.modules[f"{__name__}.numpy.random"] = onp.random
sys.modules[f"{__name__}.numpy.linalg"] = onp.linalg
_submodule("test_util", check_grads=check_grads, combo_check=combo_check,
           scalar_close=scalar_close, check_equivalent=check_equivalent, check_vjp=check_vjp)
_submodule("core", make_vjp=make_vjp, make_jvp=make_jvp, primitive=primitive,
           primitive_vjps=primitive_vjps, defvjp=defvjp)
_submodule("extend", primitive=primitive, defvjp=defvjp)
_submodule("tracer", primitive=primitive, isbox=isbox)
_submodule("wrap_util", unary_to_nary=unary_to_nary)
_submodule("builtins", isinstance=box_isinstance, tuple=tuple, list=list, dict=dict)


def __getattr__(name: str) -> Any:
    # `from outside_shim import isinstance, tuple, ...` without rebinding them in this module
    if name in ("isinstance", "tuple", "list", "dict"):
        return getattr(sys.modules[f"{__name__}.builtins"], name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
