"""`Tensor`: an ndarray that can record the ops applied to it."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

_FLOAT_KINDS = "f"


def _as_array(data: Any, dtype: Any = None) -> np.ndarray:
    """NumPy arrays and scalars keep their dtype; Python floats (and lists of them) are float32."""
    if isinstance(data, Tensor):
        data = data.data
    if dtype is not None:
        return np.asarray(data, dtype=dtype)
    if isinstance(data, (np.ndarray, np.generic)):
        return np.asarray(data)
    arr = np.asarray(data)
    if arr.dtype == np.float64:
        arr = arr.astype(np.float32)
    return arr


class Tensor:
    """An n-dimensional array with reverse-mode automatic differentiation.

    `data` is the ndarray; `grad` the accumulated gradient (a Tensor) after `backward()`;
    `grad_fn` the node that produced this tensor (None for leaves).
    """

    # `_base`/`_key`: set on basic-indexing views, `self = _base[_key]` (see inplace.py).
    __slots__ = ("data", "grad", "grad_fn", "requires_grad", "_oidx", "_base", "_key",
                 "__weakref__")
    # NumPy defers binary operators with a Tensor on the right to the Tensor's methods.
    __array_priority__ = 1000

    def __init__(self, data: Any, requires_grad: bool = False, dtype: Any = None) -> None:
        arr = _as_array(data, dtype)
        if requires_grad and arr.dtype.kind not in _FLOAT_KINDS:
            raise TypeError(
                f"only floating-point tensors can require gradients; got dtype {arr.dtype} "
                "(convert with .astype(np.float32) first)"
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
    def size(self) -> int:
        """Number of elements, as NumPy's `size`."""
        return self.data.size

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
        if requires_grad and self.data.dtype.kind not in _FLOAT_KINDS:
            raise TypeError(
                f"only floating-point tensors can require gradients; got dtype {self.dtype}"
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

    # -- in-place (inplace.py): same object, same buffer, version bumped ----------------------
    def __setitem__(self, key: Any, value: Any) -> None:
        _inplace.set_item(self, key, value)

    def __iadd__(self, other: Any) -> "Tensor":
        return _inplace.binary_(self, other, np.add, _ops.add, "add_", False)

    def __isub__(self, other: Any) -> "Tensor":
        return _inplace.binary_(self, other, np.subtract, _ops.sub, "sub_", False)

    def __imul__(self, other: Any) -> "Tensor":
        return _inplace.binary_(self, other, np.multiply, _ops.mul, "mul_", True)

    def __itruediv__(self, other: Any) -> "Tensor":
        return _inplace.binary_(self, other, np.true_divide, _ops.div, "div_", True)

    def __ipow__(self, other: Any) -> "Tensor":
        return _inplace.binary_(self, other, np.power, _ops.pow, "pow_", True)

    add_ = __iadd__
    sub_ = __isub__
    mul_ = __imul__
    div_ = __itruediv__
    pow_ = __ipow__

    def clamp_(self, min: Any = None, max: Any = None) -> "Tensor":  # noqa: A002
        """Limit values to [min, max] in place (either may be None); returns self."""
        return _inplace.clamp_(self, min, max)

    def fill_(self, value: Any) -> "Tensor":
        """Set every element to `value` in place; returns self."""
        _inplace.set_item(self, Ellipsis, value)
        return self

    def zero_(self) -> "Tensor":
        """Set every element to 0 in place; returns self."""
        _inplace.set_item(self, Ellipsis, 0)
        return self

    def copy_(self, src: Any) -> "Tensor":
        """Copy `src` (broadcast to this shape, cast to this dtype) into self; returns self."""
        _inplace.set_item(self, Ellipsis, src)
        return self

    @property
    def _version(self) -> int:
        """How many in-place changes this tensor's buffer has had (shared with its views)."""
        return _versions.version(self.data)


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


def tensor(data: Any, requires_grad: bool = False, dtype: Any = None) -> Tensor:
    """Build a Tensor (same as `Tensor(...)`)."""
    return Tensor(data, requires_grad=requires_grad, dtype=dtype)


def shape_tuple(shape: Sequence[Any]) -> tuple[int, ...]:
    """Accept `f(2, 3)` and `f((2, 3))` alike."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        return tuple(shape[0])
    return tuple(shape)


from weakref import ref as _weakref  # noqa: E402

from . import engine as _engine  # noqa: E402
from . import grad_mode as _grad_mode  # noqa: E402
from . import ops as _ops  # noqa: E402,F401  (binds operators and methods onto Tensor)
from . import inplace as _inplace  # noqa: E402
from . import numpy_interop as _numpy_interop  # noqa: E402
from . import versions as _versions  # noqa: E402

Tensor.__array_ufunc__ = _numpy_interop.array_ufunc
Tensor.__array_function__ = _numpy_interop.array_function
