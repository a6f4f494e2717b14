"""NumPy's protocols on Tensors: ufuncs and array functions called on Tensors (as backward
formulas do under create_graph=True) are routed to the differentiable ops; comparisons and
other ufuncs give constant Tensors, as NumPy would."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor, _make
from .arithmetic import add, div, maximum, minimum, mul, neg, pow, sub, where
from .linalg import dot, matmul
from .reduce import max, mean, min, std, sum, var
from .shape import (broadcast_to, concatenate, expand_dims, reshape, split, squeeze, stack,
                    swapaxes, transpose)
from .unary import abs, clip, cos, exp, expm1, log, log1p, sin, sqrt, tanh

_UFUNCS = {
    np.add: add, np.subtract: sub, np.multiply: mul, np.true_divide: div, np.power: pow,
    np.negative: neg, np.exp: exp, np.log: log, np.sqrt: sqrt, np.absolute: abs, np.sin: sin,
    np.cos: cos, np.tanh: tanh, np.log1p: log1p, np.expm1: expm1, np.maximum: maximum,
    np.minimum: minimum, np.matmul: matmul, np.square: lambda x: mul(x, x),
    np.reciprocal: lambda x: div(1.0, x), np.positive: lambda x: x,
}


def _plain(x: Any) -> Any:
    if isinstance(x, Tensor):
        return x.data
    if isinstance(x, (list, tuple)):
        return type(x)(_plain(i) for i in x)
    return x


def array_ufunc(ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
    """`Tensor.__array_ufunc__`: a differentiable op where one exists, else a constant."""
    if method == "__call__" and not kwargs:
        op = _UFUNCS.get(ufunc)
        if op is not None:
            return op(*inputs)
    if kwargs.get("out") is not None:
        return NotImplemented
    result = getattr(ufunc, method)(*_plain(inputs), **kwargs)
    if isinstance(result, tuple):
        return tuple(_make(r, None) for r in result)
    return _make(result, None) if isinstance(result, np.ndarray) or np.isscalar(result) \
        else result


_FUNCTIONS = {
    np.where: where, np.broadcast_to: broadcast_to, np.concatenate: concatenate,
    np.stack: stack, np.expand_dims: expand_dims, np.squeeze: squeeze, np.reshape: reshape,
    np.transpose: transpose, np.swapaxes: swapaxes, np.sum: sum, np.mean: mean, np.max: max,
    np.min: min, np.amax: max, np.amin: min, np.split: split, np.dot: dot, np.clip: clip,
    np.var: var, np.std: std, np.matmul: matmul, np.maximum: maximum, np.minimum: minimum,
}


def array_function(func: Any, types: Any, args: Any, kwargs: Any) -> Any:
    """`Tensor.__array_function__`: a differentiable op where one exists, else a constant."""
    op = _FUNCTIONS.get(func)
    if op is not None:
        try:
            return op(*args, **kwargs)
        except TypeError:
            pass
    # Anything else runs on the plain arrays: a constant result, as NumPy would give.
    return func(*_plain(args), **{k: _plain(v) for k, v in kwargs.items()})


# -- DLPack: the ndarray's own protocol, so torch.from_dlpack(t) shares t's memory -------------
def tensor_dlpack(self: Tensor, *, stream: Any = None, max_version: Any = None,
                  dl_device: Any = None, copy: bool | None = None) -> Any:
    """`Tensor.__dlpack__`: the ndarray's DLPack capsule (no copy). Arrays with negative
    strides or that are read-only are refused (BufferError) unless `copy=True`: PyTorch
    mishandles the first and ignores the read-only flag of the second."""
    data = self.data
    if copy is not True:
        why = ("has negative strides" if any(s < 0 for s in data.strides)
               else "is read-only" if not data.flags.writeable else None)
        if why is not None:
            raise BufferError(
                f"__dlpack__: the tensor's array (shape {data.shape}, strides {data.strides}) "
                f"{why}, which a consumer could not share safely; pass copy=True, or share "
                "Tensor(np.ascontiguousarray(t.data)) or a writeable copy instead"
            )
    kwargs = {k: v for k, v in (("stream", stream), ("max_version", max_version),
                                ("dl_device", dl_device), ("copy", copy)) if v is not None}
    return data.__dlpack__(**kwargs)


def tensor_dlpack_device(self: Tensor) -> tuple:
    """`Tensor.__dlpack_device__`: (device type, id) of the ndarray, (1, 0) for the CPU."""
    return self.data.__dlpack_device__()


def from_dlpack(obj: Any, requires_grad: bool = False) -> Tensor:
    """A Tensor sharing memory with `obj`, any CPU DLPack producer (a torch tensor, an
    ndarray, a Tensor). Strides are kept (no copy); an array exported read-only stays
    read-only. A torch tensor that requires grad is refused, as its `.numpy()` is: pass
    `t.detach()` (gradients do not flow between the two libraries)."""
    if getattr(obj, "requires_grad", False) is True and not isinstance(obj, Tensor):
        raise RuntimeError(
            f"from_dlpack: the {type(obj).__module__}.{type(obj).__name__} requires grad; "
            "pass .detach() of it "
            "(it shares the same memory; gradients do not flow between libraries)"
        )
    try:
        arr = np.from_dlpack(obj)
    except (RuntimeError, BufferError, TypeError) as e:
        dtype = getattr(obj, "dtype", None)
        raise type(e)(f"from_dlpack: cannot share {type(obj).__name__} of dtype {dtype} with "
                      f"NumPy: {e}") from None
    t = _make(arr, None)
    if requires_grad:
        t.requires_grad_(True)
    return t
