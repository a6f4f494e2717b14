"""Higher-level derivatives with torch.autograd.functional's names and signatures.

All are built on `grad`: `vjp` is one reverse pass, `jvp` a reverse pass through a reverse
pass (the double-vjp trick: uᵀJ is linear in u, so differentiating it by u in direction v
gives J v), `jacobian` one reverse pass per output element, `hessian` the Jacobian of the
gradient, `vhp` vᵀH by double backward and `hvp` H v by the double-vjp trick on the gradient.

As in PyTorch, `inputs` is a Tensor or a tuple of Tensors and results mirror that structure;
outputs are detached unless `create_graph=True`; `strict=True` raises when an output does
not depend on an input, otherwise that derivative is zeros.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .gradients import grad
from .grad_mode import enable_grad
from .ops import reshape, stack
from .tensor import Tensor

__all__ = ["vjp", "jvp", "jacobian", "hessian", "hvp", "vhp"]


def _as_tuple(x: Any, arg: str, fn: str) -> tuple[bool, tuple]:
    is_tuple = isinstance(x, (tuple, list))
    items = tuple(x) if is_tuple else (x,)
    for i, t in enumerate(items):
        if not isinstance(t, Tensor):
            raise TypeError(f"{fn}: {arg}[{i}] must be a Tensor, got {type(t).__name__}")
    return is_tuple, items


def _prepare(inputs: tuple, create_graph: bool) -> tuple:
    """Fresh leaves (or, with create_graph, graph-connected aliases) that require grad."""
    out = []
    for t in inputs:
        if create_graph and t.requires_grad:
            out.append(t * 1)  # stays connected to the caller's graph
        else:
            out.append(Tensor(t.data, requires_grad=t.data.dtype.kind == "f"))
    return tuple(out)


def _finish(items: tuple, is_tuple: bool, create_graph: bool) -> Any:
    items = tuple(t if create_graph else t.detach() for t in items)
    return items if is_tuple else items[0]


def _fill(grads: tuple, like: tuple, strict: bool, fn: str, what: str) -> tuple:
    out = []
    for i, (g, t) in enumerate(zip(grads, like)):
        if g is None:
            if strict:
                raise RuntimeError(f"{fn}: the output does not depend on input {i} ({what}) "
                                   "and strict=True")
            g = Tensor(np.zeros(t.shape, dtype=t.dtype))
        out.append(g)
    return tuple(out)


def _check_v(v: Any, like: tuple, fn: str, arg: str) -> tuple:
    if v is None:
        if len(like) != 1 or like[0].size != 1:
            raise RuntimeError(f"{fn}: v can be omitted only when the function has a single "
                               f"one-element {arg}; got shapes {[t.shape for t in like]}")
        return (Tensor(np.ones(like[0].shape, dtype=like[0].dtype)),)
    _, vs = _as_tuple(v, "v", fn)
    if len(vs) != len(like) or any(a.shape != b.shape for a, b in zip(vs, like)):
        raise RuntimeError(f"{fn}: v has shapes {[a.shape for a in vs]}, the {arg} "
                           f"{[b.shape for b in like]}")
    return vs


def vjp(func: Callable, inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple:
    """(func(inputs), vᵀ J): the vector-Jacobian product."""
    in_tuple, ins = _as_tuple(inputs, "inputs", "vjp")
    with enable_grad():
        xs = _prepare(ins, create_graph)
        out_tuple, outs = _as_tuple(func(*xs), "outputs", "vjp")
        vs = _check_v(v, outs, "vjp", "output")
        gs = grad(outs, xs, vs, create_graph=create_graph, allow_unused=True)
    gs = _fill(gs, ins, strict, "vjp", "vjp")
    return _finish(outs, out_tuple, create_graph), _finish(gs, in_tuple, create_graph)


def jvp(func: Callable, inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple:
    """(func(inputs), J v), by differentiating uᵀJ with respect to u in direction v."""
    in_tuple, ins = _as_tuple(inputs, "inputs", "jvp")
    vs = _check_v(v, ins, "jvp", "input")
    with enable_grad():
        xs = _prepare(ins, create_graph)
        out_tuple, outs = _as_tuple(func(*xs), "outputs", "jvp")
        us = tuple(Tensor(np.zeros(o.shape, dtype=o.dtype), requires_grad=True) for o in outs)
        gs = grad(outs, xs, us, create_graph=True, allow_unused=True)
        pairs = [(g, w) for g, w in zip(gs, vs) if g is not None and g.requires_grad]
        if pairs:
            js = grad([g for g, _ in pairs], us, [w for _, w in pairs],
                      create_graph=create_graph, allow_unused=True)
        else:
            js = (None,) * len(us)
    js = _fill(js, outs, strict, "jvp", "jvp")
    return _finish(outs, out_tuple, create_graph), _finish(js, out_tuple, create_graph)


def _jacobian_rows(out: Tensor, xs: tuple, create_graph: bool, strict: bool) -> tuple:
    """d out / d x for each x: shape out.shape + x.shape, one reverse pass per element."""
    flat = reshape(out, -1)
    rows: list[list] = [[] for _ in xs]
    for k in range(flat.shape[0]):
        gs = grad(flat[k], xs, retain_graph=True, create_graph=create_graph,
                  allow_unused=True)
        for j, g in enumerate(_fill(gs, xs, strict, "jacobian", f"output element {k}")):
            rows[j].append(g)
    result = []
    for x, r in zip(xs, rows):
        if r:
            result.append(reshape(stack(r), *(out.shape + x.shape)))
        else:
            result.append(Tensor(np.zeros(out.shape + x.shape, dtype=x.dtype)))
    return tuple(result)


def jacobian(func: Callable, inputs: Any, create_graph: bool = False, strict: bool = False,
             vectorize: bool = False, strategy: str = "reverse-mode") -> Any:
    """J[i][j] = d outputs[i] / d inputs[j], of shape outputs[i].shape + inputs[j].shape."""
    if strategy != "reverse-mode":
        raise ValueError(f"jacobian: strategy={strategy!r}; only 'reverse-mode' is available")
    in_tuple, ins = _as_tuple(inputs, "inputs", "jacobian")
    with enable_grad():
        xs = _prepare(ins, create_graph)
        out_tuple, outs = _as_tuple(func(*xs), "outputs", "jacobian")
        blocks = [_jacobian_rows(o, xs, create_graph, strict) for o in outs]
    blocks = [_finish(b, in_tuple, create_graph) for b in blocks]
    return tuple(blocks) if out_tuple else blocks[0]


def _scalar(func: Callable, xs: tuple, fn: str) -> Tensor:
    out_tuple, outs = _as_tuple(func(*xs), "outputs", fn)
    if out_tuple and len(outs) != 1 or outs[0].size != 1:
        raise RuntimeError(f"{fn}: the function must return a single one-element Tensor, got "
                           f"shapes {[o.shape for o in outs]}")
    return outs[0]


def hessian(func: Callable, inputs: Any, create_graph: bool = False, strict: bool = False,
            vectorize: bool = False, outer_jacobian_strategy: str = "reverse-mode") -> Any:
    """H[i][j] = d² func / d inputs[i] d inputs[j] for a function with one scalar output."""
    in_tuple, ins = _as_tuple(inputs, "inputs", "hessian")

    def gradient(*xs: Tensor) -> tuple:
        out = _scalar(func, xs, "hessian")
        gs = grad(out, xs, create_graph=True, allow_unused=True)
        return _fill(gs, xs, strict, "hessian", "gradient")

    result = jacobian(gradient, tuple(ins), create_graph, strict,
                      strategy=outer_jacobian_strategy)
    return result if in_tuple else result[0][0]


def vhp(func: Callable, inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple:
    """(func(inputs), vᵀ H) for a function with one scalar output."""
    in_tuple, ins = _as_tuple(inputs, "inputs", "vhp")
    vs = _check_v(v, ins, "vhp", "input")
    with enable_grad():
        xs = _prepare(ins, create_graph)
        out = _scalar(func, xs, "vhp")
        gs = _fill(grad(out, xs, create_graph=True, allow_unused=True), xs, strict, "vhp",
                   "gradient")
        pairs = [(g, w) for g, w in zip(gs, vs) if g.requires_grad]
        hs = grad([g for g, _ in pairs], xs, [w for _, w in pairs], create_graph=create_graph,
                  allow_unused=True) if pairs else (None,) * len(xs)
    hs = _fill(hs, ins, strict, "vhp", "vhp")
    return _finish((out,), False, create_graph), _finish(hs, in_tuple, create_graph)


def hvp(func: Callable, inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple:
    """(func(inputs), H v) for a function with one scalar output (the double-vjp trick on
    the gradient, as PyTorch computes it)."""
    in_tuple, ins = _as_tuple(inputs, "inputs", "hvp")
    vs = _check_v(v, ins, "hvp", "input")
    with enable_grad():
        xs = _prepare(ins, create_graph)
        out = _scalar(func, xs, "hvp")
        gs = _fill(grad(out, xs, create_graph=True, allow_unused=True), xs, strict, "hvp",
                   "gradient")
        us = tuple(Tensor(np.zeros(x.shape, dtype=x.dtype), requires_grad=True) for x in xs)
        live = [(g, u) for g, u in zip(gs, us) if g.requires_grad]
        back = grad([g for g, _ in live], xs, [u for _, u in live], create_graph=True,
                    allow_unused=True) if live else (None,) * len(xs)
        pairs = [(b, w) for b, w in zip(back, vs) if b is not None and b.requires_grad]
        hs = grad([b for b, _ in pairs], us, [w for _, w in pairs], create_graph=create_graph,
                  allow_unused=True) if pairs else (None,) * len(us)
    hs = _fill(hs, ins, strict, "hvp", "hvp")
    return _finish((out,), False, create_graph), _finish(hs, in_tuple, create_graph)
