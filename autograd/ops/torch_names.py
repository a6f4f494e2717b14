"""PyTorch's spellings of Tensor methods, `cat` and `linspace`, and hints for the others.

The methods live in tensor_surface.py, as do the hints for the PyTorch names we lack.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..device import check_device, device
from ..function import Op
from ..tensor import Tensor
from ._util import normalize_axis, rename_torch_axes
from .matrix import norm as matrix_norm
from .matrix import vector_norm
from .reduce import logsumexp
from .shape import concatenate, reshape, transpose
from .unary import astype, clip, exp


class Clone(Op):
    """y = a copy of x; dx = g"""

    complex_rule = "linear"

    def forward(ctx: Any, x: Any) -> Any:
        return np.array(x, copy=True)

    def backward(ctx: Any, g: Any) -> tuple:
        return (g,)


def clone(x: Any) -> Tensor:
    """A copy that stays in the graph (gradients flow back to x)."""
    return Clone.apply(x)


def view(self: Tensor, *shape: Any) -> Tensor:
    """PyTorch's view: the same elements in a new shape (= reshape; layout never matters)."""
    if len(shape) == 1 and not isinstance(shape[0], (int, np.integer, tuple, list)):
        raise TypeError(f"view({shape[0]!r}): reinterpreting the bytes as another dtype is not "
                        "supported; use astype(dtype) to convert the values")
    return reshape(self, *shape)


def permute(self: Tensor, *dims: Any) -> Tensor:
    """Reorder the axes (NumPy's transpose with axes)."""
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        dims = tuple(dims[0])
    return transpose(self, *dims)


def t(self: Tensor) -> Tensor:
    """Transpose a tensor of at most 2 dimensions (0-D and 1-D come back as they are)."""
    if self.ndim > 2:
        raise ValueError(f"t() expects a tensor with <= 2 dimensions, got shape {self.shape}; "
                         "use permute or swapaxes")
    return transpose(self) if self.ndim == 2 else self


def norm(self: Tensor, p: Any = "fro", dim: Any = None, keepdim: bool = False, *,
         ord: Any = None, axis: Any = None, keepdims: bool | None = None) -> Tensor:
    """PyTorch's Tensor.norm: the vector p-norm over `dim` (all elements when None);
    "fro" is the 2-norm, "nuc" the nuclear norm of the matrices over `dim` (or of a 2-D
    tensor). For NumPy's linalg.norm (other matrix norms) use autograd.norm."""
    if axis is not None and dim is not None:
        raise TypeError("norm() got both dim= and axis=; pass only one")
    dim = axis if axis is not None else dim
    keepdim = keepdims if keepdims is not None else keepdim
    p = ord if ord is not None else p
    if p == "nuc":  # the matrix norm: a 2-D tensor, or the two axes of dim
        return matrix_norm(self, "nuc", dim, keepdim)
    return vector_norm(self, 2 if p == "fro" else p, dim, keepdim)


def softmax(self: Any, dim: int = -1, **kwargs: Any) -> Tensor:
    """exp(x - logsumexp(x)) along `dim` (stable for large |x|)."""
    axis = rename_torch_axes("softmax", kwargs).get("axis", dim)
    return exp(self - logsumexp(self, normalize_axis(axis, self.ndim, "softmax"),
                                keepdims=True))


def log_softmax(self: Any, dim: int = -1, **kwargs: Any) -> Tensor:
    """x - logsumexp(x) along `dim`."""
    axis = rename_torch_axes("log_softmax", kwargs).get("axis", dim)
    return self - logsumexp(self, normalize_axis(axis, self.ndim, "log_softmax"),
                            keepdims=True)


def to(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
    """PyTorch's to(dtype) / to(other) / to("cpu"): a cast, or the tensor itself."""
    target = kwargs.get("dtype", args[0] if args else None)
    if isinstance(target, Tensor):
        target = target.dtype
    if isinstance(target, device):
        target = str(target)
    if target is None or (isinstance(target, str) and target.split(":")[0] == "cpu"):
        return self
    if isinstance(target, str) and target.split(":")[0] in ("cuda", "mps", "xpu", "meta"):
        raise RuntimeError(f"to({target!r}): tensors live in NumPy arrays on the CPU only")
    try:
        dtype = np.dtype(target)
    except TypeError:
        raise TypeError(f"to({target!r}): expected a dtype, a Tensor or 'cpu'") from None
    return astype(self, dtype)


def clamp(self: Any, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002
    """PyTorch's name for clip: y = min(max(x, min), max); dx = g where min <= x <= max
    (Tensor bounds get gradients too)."""
    if min is None and max is None:
        raise ValueError("clamp: at least one of min and max must be given")
    return clip(self, min, max)


def cat(tensors: Sequence[Any], dim: int = 0, **kwargs: Any) -> Tensor:
    """PyTorch's name for concatenate (`axis=` works too)."""
    axis = rename_torch_axes("cat", kwargs).get("axis", dim)
    return concatenate(tensors, axis=axis)


def linspace(start: float, stop: float | None = None, num: int | None = None,
             endpoint: bool = True, *, steps: int | None = None, end: float | None = None,
             dtype: Any = np.float32, requires_grad: bool = False, device: Any = None
             ) -> Tensor:
    """`num` (PyTorch: `steps`) evenly spaced values from start to stop (PyTorch: `end`),
    float32 unless `dtype` says otherwise."""
    check_device(device, "linspace")
    stop = end if stop is None else stop
    count = steps if num is None else num
    if stop is None or count is None:
        raise TypeError("linspace needs start, stop (end=) and num (steps=)")
    if int(count) < 0:
        raise ValueError(f"linspace: number of steps must be non-negative, got {count}")
    return Tensor(np.linspace(start, stop, int(count), endpoint=endpoint, dtype=dtype),
                  requires_grad=requires_grad)


# PyTorch names without a method of the same name here, and what to write instead.
