"""`Tensor`: an ndarray that can record the ops applied to it."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from . import tensor_surface as _surface
from .dtype_policy import FLOAT_KINDS as _FLOAT_KINDS
from .dtype_policy import as_array as _as_array
from .tensor_surface import ElementCount, TensorSurface

class Tensor(TensorSurface):
    """An n-dimensional array with reverse-mode automatic differentiation.

    `data` is the ndarray; `grad` the accumulated gradient (a Tensor) after `backward()`;
    `grad_fn` the node that produced this tensor (None for leaves).
    """

    # `_base`/`_key`: set on basic-indexing views, `self = _base[_key]`; `_hist`: the values
    # before recorded in-place changes (see inplace.py and versions.py).
    __slots__ = ("data", "grad", "grad_fn", "requires_grad", "_oidx", "_base", "_key", "_hist",
                 "__weakref__")
    # NumPy defers binary operators with a Tensor on the right to the Tensor's methods.
    __array_priority__ = 1000

    def __init__(self, data: Any, requires_grad: bool = False, dtype: Any = None) -> None:
        arr = _as_array(data, dtype, type(self).__name__)
        if requires_grad.__class__ is not bool and not isinstance(requires_grad, np.bool_):
            raise TypeError(f"{type(self).__name__}: requires_grad must be a bool, got "
                            f"{type(requires_grad).__name__} {requires_grad!r}")
        if requires_grad and arr.dtype.kind not in _FLOAT_KINDS:
            raise TypeError(
                f"{type(self).__name__}: only floating-point and complex tensors can require "
                f"gradients; got dtype {arr.dtype} (convert with .astype(np.float32) first)"
            )
        self.data = arr
        self.grad = None
        self.grad_fn = None
        self.requires_grad = bool(requires_grad)

    # -- properties ----------------------------------------------------------------------------
    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    @property
    def size(self) -> "ElementCount":
        """Number of elements, as NumPy's `size` (an int; calling it, as PyTorch's size(),
        raises a TypeError pointing to `shape`)."""
        return ElementCount(self.data.size)

    @property
    def is_leaf(self) -> bool:
        """True for tensors not produced by a recorded op."""
        return self.grad_fn is None

    @property
    def T(self) -> "Tensor":
        return _ops.transpose(self)

    # -- autograd ------------------------------------------------------------------------------
    def backward(
        self,
        gradient: Any = None,
        retain_graph: bool | None = None,
        create_graph: bool = False,
    ) -> None:
        """Accumulate d(self)/d(leaf) into every leaf's `.grad` (chain rule, reverse order)."""
        _engine.backward(self, gradient, retain_graph, create_graph)

    def retain_grad(self) -> None:
        """Keep `.grad` on this non-leaf tensor after backward."""
        if self.grad_fn is None:
            if not self.requires_grad:
                raise RuntimeError("retain_grad() on a tensor that does not require grad")
            return
        fn = self.grad_fn
        if fn._retained is None:
            fn._retained = []
        if not any(r() is self for r in fn._retained):
            fn._retained.append(_weakref(self))

    def detach(self) -> "Tensor":
        """The same data (a view sharing memory), cut from the graph."""
        # A distinct array object: create_graph maps saved arrays back to tensors by identity.
        return _make(self.data.view(), None)

    def requires_grad_(self, requires_grad: bool = True) -> "Tensor":
        """Set `requires_grad` in place on a leaf; returns self."""
        if self.grad_fn is not None:
            raise RuntimeError(
                "requires_grad_() can only change leaf tensors; use detach() on this "
                f"output of {self.grad_fn.name} first"
            )
        if requires_grad.__class__ is not bool and not isinstance(requires_grad, np.bool_):
            raise TypeError(f"requires_grad_: the flag must be a bool, got "
                            f"{type(requires_grad).__name__} {requires_grad!r}")
        if requires_grad and self.data.dtype.kind not in _FLOAT_KINDS:
            raise TypeError(
                f"only floating-point and complex tensors can require gradients; got dtype "
                f"{self.dtype}"
            )
        self.requires_grad = bool(requires_grad)
        return self

    def zero_grad(self) -> None:
        """Drop the accumulated gradient."""
        self.grad = None

    def numpy(self) -> np.ndarray:
        """The underlying ndarray (shared, not copied)."""
        return self.data

    def item(self) -> Any:
        """The single element as a Python number."""
        if self.data.size != 1:
            raise ValueError(
                f"item() needs a tensor with one element; this one has shape {self.shape}"
            )
        return self.data.item()

    def tolist(self) -> Any:
        return self.data.tolist()

    # -- operators: each is an op of autograd/ops (no gradient through comparisons) -------------
    def __add__(self, other: Any) -> Tensor:
        return _ops.add(self, other)

    def __radd__(self, other: Any) -> Tensor:
        return _ops.add(other, self)

    def __sub__(self, other: Any) -> Tensor:
        return _ops.sub(self, other)

    def __rsub__(self, other: Any) -> Tensor:
        return _ops.sub(other, self)

    def __mul__(self, other: Any) -> Tensor:
        return _ops.mul(self, other)

    def __rmul__(self, other: Any) -> Tensor:
        return _ops.mul(other, self)

    def __truediv__(self, other: Any) -> Tensor:
        return _ops.div(self, other)

    def __rtruediv__(self, other: Any) -> Tensor:
        return _ops.div(other, self)

    def __pow__(self, other: Any) -> Tensor:
        return _ops.pow(self, other)

    def __rpow__(self, other: Any) -> Tensor:
        return _ops.pow(other, self)

    def __matmul__(self, other: Any) -> Tensor:
        return _ops.matmul(self, other)

    def __rmatmul__(self, other: Any) -> Tensor:
        return _ops.matmul(other, self)

    def __neg__(self) -> Tensor:
        return _ops.neg(self)

    def __pos__(self) -> Tensor:
        return self

    def __abs__(self) -> Tensor:
        return _ops.abs(self)

    def __lt__(self, other: Any) -> Tensor:
        return _ops.less(self, other)

    def __le__(self, other: Any) -> Tensor:
        return _ops.less_equal(self, other)

    def __gt__(self, other: Any) -> Tensor:
        return _ops.greater(self, other)

    def __ge__(self, other: Any) -> Tensor:
        return _ops.greater_equal(self, other)

    def __eq__(self, other: Any) -> Tensor:  # type: ignore[override]
        return _ops.equal(self, other)

    def __ne__(self, other: Any) -> Tensor:  # type: ignore[override]
        return _ops.not_equal(self, other)

    def __getitem__(self, index: Any) -> Tensor:
        return _getitem(self, index)

    # -- methods: the ops of autograd/ops with this tensor first ------------------------------
    def exp(self) -> Tensor:
        return _ops.exp(self)

    def log(self) -> Tensor:
        return _ops.log(self)

    def sqrt(self) -> Tensor:
        return _ops.sqrt(self)

    def abs(self) -> Tensor:
        return _ops.abs(self)

    def sin(self) -> Tensor:
        return _ops.sin(self)

    def cos(self) -> Tensor:
        return _ops.cos(self)

    def tanh(self) -> Tensor:
        return _ops.tanh(self)

    def sigmoid(self) -> Tensor:
        return _ops.sigmoid(self)

    def relu(self) -> Tensor:
        return _ops.relu(self)

    def erf(self) -> Tensor:
        return _ops.erf(self)

    def log1p(self) -> Tensor:
        return _ops.log1p(self)

    def expm1(self) -> Tensor:
        return _ops.expm1(self)

    def clip(self, lo: Any = None, hi: Any = None) -> Tensor:
        return _ops.clip(self, lo, hi)

    def astype(self, dtype: Any) -> Tensor:
        return _ops.astype(self, dtype)

    def maximum(self, other: Any) -> Tensor:
        return _ops.maximum(self, other)

    def minimum(self, other: Any) -> Tensor:
        return _ops.minimum(self, other)

    def sum(self, axis: Any = None, keepdims: bool = False, **dim: Any) -> Tensor:
        return _ops.sum(self, axis, keepdims, **dim)

    def mean(self, axis: Any = None, keepdims: bool = False, **dim: Any) -> Tensor:
        return _ops.mean(self, axis, keepdims, **dim)

    def var(self, axis: Any = None, keepdims: bool = False, ddof: int = 0,
            **dim: Any) -> Tensor:
        return _ops.var(self, axis, keepdims, ddof, **dim)

    def std(self, axis: Any = None, keepdims: bool = False, ddof: int = 0,
            **dim: Any) -> Tensor:
        return _ops.std(self, axis, keepdims, ddof, **dim)

    def max(self, axis: Any = None, keepdims: bool = False, **dim: Any) -> Tensor:
        return _ops.max(self, axis, keepdims, **dim)

    def min(self, axis: Any = None, keepdims: bool = False, **dim: Any) -> Tensor:
        return _ops.min(self, axis, keepdims, **dim)

    def logsumexp(self, axis: Any = None, keepdims: bool = False, **dim: Any) -> Tensor:
        return _ops.logsumexp(self, axis, keepdims, **dim)

    def argmax(self, axis: int | None = None, keepdims: bool = False, **dim: Any) -> Tensor:
        return _ops.argmax(self, axis, keepdims, **dim)

    def argmin(self, axis: int | None = None, keepdims: bool = False, **dim: Any) -> Tensor:
        return _ops.argmin(self, axis, keepdims, **dim)

    def reshape(self, *shape: Any) -> Tensor:
        return _ops.reshape(self, *shape)

    def transpose(self, *axes: Any) -> Tensor:
        return _ops.transpose(self, *axes)

    def swapaxes(self, axis1: int, axis2: int) -> Tensor:
        return _ops.swapaxes(self, axis1, axis2)

    def squeeze(self, axis: Any = None, **dim: Any) -> Tensor:
        return _ops.squeeze(self, axis, **dim)

    def expand_dims(self, axis: Any = None, **dim: Any) -> Tensor:
        return _ops.expand_dims(self, axis, **dim)

    def broadcast_to(self, *shape: Any) -> Tensor:
        return _ops.broadcast_to(self, *shape)

    def flatten(self) -> Tensor:
        return _ops.flatten(self)

    def matmul(self, other: Any) -> Tensor:
        return _ops.matmul(self, other)

    def dot(self, other: Any) -> Tensor:
        return _ops.dot(self, other)

    # -- NumPy protocols: NumPy functions on Tensors reach the ops ---------------------------
    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        return _interop.array_ufunc(ufunc, method, *inputs, **kwargs)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        return _interop.array_function(func, types, args, kwargs)

    # -- Python protocol -----------------------------------------------------------------------
    __hash__ = object.__hash__

    def __len__(self) -> int:
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self.data)

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    def __bool__(self) -> bool:
        return bool(self.data)

    def __float__(self) -> float:
        return float(self.data)

    def __int__(self) -> int:
        return int(self.data)

    def __index__(self) -> int:
        return self.data.__index__()

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        if self.requires_grad:  # NumPy would copy the values and drop the gradient
            raise _interop.array_of_grad_tensor(self)
        if dtype is not None and dtype != self.data.dtype:
            return self.data.astype(dtype)
        return self.data

    def __repr__(self) -> str:
        body = np.array2string(self.data, separator=", ", prefix="tensor(")
        extra = ""
        if self.data.dtype != np.float32:
            extra += f", dtype={self.data.dtype}"
        if self.grad_fn is not None:
            extra += f", grad_fn={self.grad_fn.name}"
        elif self.requires_grad:
            extra += ", requires_grad=True"
        return f"tensor({body}{extra})"

    # -- in-place: same object, same buffer, version bumped ------------------------------------
    # `+= -= *= /= **=`, `add_ sub_ mul_ div_ pow_ clamp_ fill_ zero_ copy_` and `_version`
    # are methods of TensorSurface (tensor_surface.py); the rules are in inplace.py.
    def __setitem__(self, key: Any, value: Any) -> None:
        _inplace.set_item(self, key, value)


def _make(data: Any, grad_fn: Any) -> Tensor:
    """Wrap an op result without the checks of `Tensor.__init__` (the ops' fast path)."""
    if type(data) is not np.ndarray:
        data = np.asarray(data)
    t = _new(Tensor)
    t.data = data
    t.grad = None
    t.grad_fn = grad_fn
    t.requires_grad = grad_fn is not None
    return t


_new = object.__new__


def shape_tuple(shape: Sequence[Any]) -> tuple[int, ...]:
    """Accept `f(2, 3)` and `f((2, 3))` alike."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        return tuple(shape[0])
    return tuple(shape)


from weakref import ref as _weakref  # noqa: E402

from . import dlpack as _dlpack  # noqa: E402
from . import engine as _engine  # noqa: E402
from . import grad_mode as _grad_mode  # noqa: E402
from . import ops as _ops  # noqa: E402  (the ops are built on Tensor: imported after it)
from . import inplace as _inplace  # noqa: E402
from . import numpy_interop as _interop  # noqa: E402
from . import versions as _versions  # noqa: E402

# The methods of TensorSurface delegate to these too.
_surface._ops, _surface._inplace, _surface._dlpack = _ops, _inplace, _dlpack
_surface._versions = _versions
from .ops.shape import getitem as _getitem  # noqa: E402
