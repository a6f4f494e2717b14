"""`TensorSurface`: the methods ported PyTorch code reaches for, as a base of `Tensor`.

The newer ops (ops/catalog.py) and PyTorch's spellings (view, unsqueeze, permute, ...) as
methods, each delegating to its op. Kept beside tensor.py so that file stays short; `Tensor`
inherits them. The in-place methods (whose rules are in inplace.py) and DLPack are here too.
The modules they delegate to (`_ops`, `_inplace`, `_dlpack`, `_versions`) are set by tensor.py
once they exist (they are built on Tensor).
"""
from __future__ import annotations

from typing import Any

import numpy as np

# Set at the end of tensor.py: autograd.ops, .inplace, .dlpack and .versions.
_ops: Any = None
_inplace: Any = None
_dlpack: Any = None
_versions: Any = None


class ElementCount(int):
    """`Tensor.size`: the element count as NumPy has it. PyTorch code calls `size()`."""

    __slots__ = ()

    def __call__(self, dim: Any = None) -> Any:
        where = "shape" if dim is None else f"shape[{dim}]"
        raise TypeError(
            f"Tensor.size is the number of elements ({int(self)}), as in NumPy, not a method; "
            f"for PyTorch's size({'' if dim is None else dim}) use .{where}"
        )


def _axes(op: str, dim: dict, axis: Any, keepdims: Any) -> tuple:
    """(axis, keepdims) with PyTorch's dim=/keepdim= folded in."""
    return _ops._util.torch_axes(op, dim, axis, keepdims) if dim else (axis, keepdims)


# PyTorch's Tensor attributes that this library lacks, with what to write instead.
HINTS = {
    "contiguous": "memory layout never matters here: drop .contiguous()",
    "is_contiguous": "memory layout never matters here (see .data.flags for the array's)",
    "expand": "use broadcast_to(shape)", "expand_as": "use broadcast_to(other.shape)",
    "view_as": "use reshape(other.shape)", "reshape_as": "use reshape(other.shape)",
    "clamp_min": "use clamp(min=...)",
    "clamp_max": "use clamp(max=...)", "masked_fill": "use autograd.where(mask, value, t)",
    "amax": "use max(axis=...)", "amin": "use min(axis=...)",
    "mm": "use t @ other", "bmm": "use t @ other", "mv": "use t @ vector",
    "type": "use astype(dtype)", "long": "use astype(np.int64)", "int": "use astype(np.int32)",
    "half": "use astype(np.float16)", "bool": "use astype(bool)",
    "cuda": "tensors are NumPy arrays on the CPU: drop .cuda()",
    "cpu": "tensors are NumPy arrays on the CPU already: drop .cpu()",
    "device": "tensors are NumPy arrays on the CPU", "nelement": "use numel() or size",
    "ndimension": "use ndim or dim()", "chunk": "use autograd.split(t, n, axis)",
    "narrow": "use slicing, t[..., start:start + length]",
    "index_select": "use indexing, t[(slice(None),) * dim + (index,)]",
    "masked_select": "use t[mask]", "unbind": "use list(t) or indexing",
    "new_zeros": "use autograd.zeros(shape, dtype=t.dtype)",
    "new_ones": "use autograd.ones(shape, dtype=t.dtype)",
    "stride": "memory layout never matters here (see .data.strides)",
    "data_ptr": "use .data.ctypes.data", "storage": "use .data",
    "squeeze_": "use squeeze()", "unsqueeze_": "use unsqueeze()",
    "transpose_": "use transpose()", "exp_": "use exp()",
}


class _Hint:
    """A PyTorch attribute we lack: reading it raises AttributeError with the hint. These are
    descriptors on a base class, not a `__getattr__`: a class with `__getattr__` loses
    CPython's specialised attribute reads on every Tensor, which costs every op."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        raise AttributeError(f"'Tensor' object has no attribute {self.name!r}; "
                             f"{HINTS[self.name]}")


# The base of TensorSurface: one `_Hint` per name of HINTS (Tensor's own methods win).
_TensorHints = type("_TensorHints", (), {"__slots__": (), **{n: _Hint(n) for n in HINTS}})


class TensorSurface(_TensorHints):
    """PyTorch-named and newer methods of Tensor (no state of its own)."""

    __slots__ = ()

    # -- operators ---------------------------------------------------------------------------
    def __mod__(self, other: Any) -> Any:
        return _ops.mod(self, other)

    def __rmod__(self, other: Any) -> Any:
        return _ops.mod(other, self)

    # -- elementwise -------------------------------------------------------------------------
    def tan(self) -> Any:
        return _ops.tan(self)

    def arcsin(self) -> Any:
        return _ops.arcsin(self)

    def arccos(self) -> Any:
        return _ops.arccos(self)

    def arctan(self) -> Any:
        return _ops.arctan(self)

    def sinh(self) -> Any:
        return _ops.sinh(self)

    def cosh(self) -> Any:
        return _ops.cosh(self)

    def log2(self) -> Any:
        return _ops.log2(self)

    def log10(self) -> Any:
        return _ops.log10(self)

    def exp2(self) -> Any:
        return _ops.exp2(self)

    def square(self) -> Any:
        return _ops.square(self)

    def reciprocal(self) -> Any:
        return _ops.reciprocal(self)

    def rsqrt(self) -> Any:
        return _ops.rsqrt(self)

    def sign(self) -> Any:
        return _ops.sign(self)

    def floor(self) -> Any:
        return _ops.floor(self)

    def ceil(self) -> Any:
        return _ops.ceil(self)

    def round(self, decimals: int = 0) -> Any:
        return _ops.round(self, decimals)

    def trunc(self) -> Any:
        return _ops.trunc(self)

    def fmod(self, other: Any) -> Any:
        return _ops.fmod(self, other)

    def remainder(self, other: Any) -> Any:
        return _ops.mod(self, other)

    def hypot(self, other: Any) -> Any:
        return _ops.hypot(self, other)

    def pow(self, exponent: Any) -> Any:
        return self ** exponent

    # -- complex numbers -----------------------------------------------------------------------
    @property
    def real(self) -> Any:
        """Re z (the tensor itself when real), differentiable."""
        return _ops.real(self)

    @property
    def imag(self) -> Any:
        """Im z, differentiable (zeros for a real tensor)."""
        return _ops.imag(self)

    def conj(self) -> Any:
        return _ops.conj(self)

    def angle(self) -> Any:
        return _ops.angle(self)

    # -- reductions and scans ------------------------------------------------------------------
    def prod(self, axis: Any = None, keepdims: bool = False, **dim: Any) -> Any:
        return _ops.prod(self, *_axes("prod", dim, axis, keepdims))

    def cumsum(self, axis: Any = None, **dim: Any) -> Any:
        return _ops.cumsum(self, _axes("cumsum", dim, axis, False)[0])

    def cumprod(self, axis: Any = None, **dim: Any) -> Any:
        return _ops.cumprod(self, _axes("cumprod", dim, axis, False)[0])

    def all(self, axis: Any = None, keepdims: bool = False, **dim: Any) -> Any:
        return _ops.all(self, *_axes("all", dim, axis, keepdims))

    def any(self, axis: Any = None, keepdims: bool = False, **dim: Any) -> Any:
        return _ops.any(self, *_axes("any", dim, axis, keepdims))

    def sort(self, dim: int = -1, descending: bool = False, **kw: Any) -> tuple:
        return _ops.sort(self, kw.pop("axis", dim), descending, **kw)

    def topk(self, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> tuple:
        return _ops.topk(self, k, dim, largest, sorted)

    def norm(self, p: Any = "fro", dim: Any = None, keepdim: bool = False, **kw: Any) -> Any:
        return _ops.torch_names.norm(self, p, dim, keepdim, **kw)

    # -- shape and indexing ---------------------------------------------------------------------
    def flip(self, *dims: Any, **kw: Any) -> Any:
        if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
            dims = tuple(dims[0])
        return _ops.flip(self, dims if dims else kw.pop("axis", None), **kw)

    def roll(self, shifts: Any, dims: Any = None) -> Any:
        return _ops.roll(self, shifts, dims)

    def tile(self, *reps: Any) -> Any:
        return _ops.tile(self, reps[0] if len(reps) == 1 else reps)

    def repeat(self, *sizes: Any) -> Any:
        """PyTorch's Tensor.repeat: tile (NumPy's element repeat is repeat_interleave)."""
        return _ops.indexing.tile_like_torch(self, *sizes)

    def repeat_interleave(self, repeats: Any, dim: Any = None) -> Any:
        return _ops.repeat(self, repeats, dim)

    def gather(self, dim: int, index: Any) -> Any:
        return _ops.gather(self, dim, index)

    def scatter_add(self, dim: int, index: Any, src: Any) -> Any:
        return _ops.scatter_add(self, dim, index, src)

    def take_along_axis(self, indices: Any, axis: Any) -> Any:
        return _ops.take_along_axis(self, indices, axis)

    def tril(self, k: int = 0, **kw: Any) -> Any:
        return _ops.tril(self, k, **kw)

    def triu(self, k: int = 0, **kw: Any) -> Any:
        return _ops.triu(self, k, **kw)

    def diag(self, k: int = 0, **kw: Any) -> Any:
        return _ops.diag(self, k, **kw)

    def diagonal(self, offset: int = 0, axis1: int = 0, axis2: int = 1, **kw: Any) -> Any:
        return _ops.diagonal(self, offset, axis1, axis2, **kw)

    def trace(self, offset: int = 0) -> Any:
        return _ops.trace(self, offset)

    def ravel(self) -> Any:
        return _ops.ravel(self)

    def moveaxis(self, source: Any, destination: Any) -> Any:
        return _ops.moveaxis(self, source, destination)

    # -- PyTorch's spellings ----------------------------------------------------------------
    def view(self, *shape: Any) -> Any:
        return _ops.torch_names.view(self, *shape)

    def unsqueeze(self, dim: int) -> Any:
        return _ops.expand_dims(self, dim)

    def permute(self, *dims: Any) -> Any:
        return _ops.torch_names.permute(self, *dims)

    def t(self) -> Any:
        return _ops.torch_names.t(self)

    def clone(self) -> Any:
        return _ops.clone(self)

    def numel(self) -> int:
        return int(self.data.size)

    def dim(self) -> int:
        return self.data.ndim

    def softmax(self, dim: int = -1, **kw: Any) -> Any:
        return _ops.softmax(self, dim, **kw)

    def log_softmax(self, dim: int = -1, **kw: Any) -> Any:
        return _ops.log_softmax(self, dim, **kw)

    def float(self) -> Any:
        return _ops.astype(self, "float32")

    def double(self) -> Any:
        return _ops.astype(self, "float64")

    def to(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.torch_names.to(self, *args, **kwargs)

    # -- in-place: same object, same buffer, version bumped (rules in inplace.py) ------------
    def add_(self, other: Any) -> Any:
        """self = self + other, in place (same array); returns self."""
        return _inplace.binary_(self, other, np.add, _ops.add, "add_", False)

    def sub_(self, other: Any) -> Any:
        """self = self - other, in place (same array); returns self."""
        return _inplace.binary_(self, other, np.subtract, _ops.sub, "sub_", False)

    def mul_(self, other: Any) -> Any:
        """self = self * other, in place (same array); returns self."""
        return _inplace.binary_(self, other, np.multiply, _ops.mul, "mul_", True)

    def div_(self, other: Any) -> Any:
        """self = self / other, in place (same array); returns self."""
        return _inplace.binary_(self, other, np.true_divide, _ops.div, "div_", True)

    def pow_(self, other: Any) -> Any:
        """self = self ** other, in place (same array); returns self."""
        return _inplace.binary_(self, other, np.power, _ops.pow, "pow_", True)

    __iadd__, __isub__, __imul__, __itruediv__, __ipow__ = add_, sub_, mul_, div_, pow_

    def clamp(self, min: Any = None, max: Any = None) -> Any:  # noqa: A002
        """min(max(self, min), max), as PyTorch's clamp (= clip)."""
        return _ops.clamp(self, min, max)

    def clamp_(self, min: Any = None, max: Any = None) -> Any:  # noqa: A002
        """Limit values to [min, max] in place (either may be None); returns self."""
        return _inplace.clamp_(self, min, max)

    def fill_(self, value: Any) -> Any:
        """Set every element to `value` in place; returns self."""
        return _inplace.fill_(self, value)

    def zero_(self) -> Any:
        """Set every element to 0 in place; returns self."""
        return _inplace.zero_(self)

    def copy_(self, src: Any) -> Any:
        """Copy `src` (broadcast to this shape, cast to this dtype) into self; returns self."""
        return _inplace.copy_(self, src)

    @property
    def _version(self) -> int:
        """How many in-place changes this tensor's buffer has had (shared with its views)."""
        return _versions.version(self.data)

    # -- DLPack: the ndarray's capsule, so torch.from_dlpack(t) shares t's memory ------------
    def __dlpack__(self, *, stream: Any = None, max_version: Any = None,
                   dl_device: Any = None, copy: bool | None = None) -> Any:
        return _dlpack.tensor_dlpack(self, stream=stream, max_version=max_version,
                                     dl_device=dl_device, copy=copy)

    def __dlpack_device__(self) -> tuple:
        return _dlpack.tensor_dlpack_device(self)
