"""Argument checks for `nn` constructors and functions, run when they are called.

`TypeError` for a value of the wrong type, `ValueError` for a bad value (NaN, out of range),
each naming the class or function, the argument and the value, as the contract asks.
"""
from __future__ import annotations

import functools
import math
import numbers
from typing import Any, Callable

import numpy as np

from autograd import Tensor


def _show(value: Any) -> str:
    text = repr(value)
    return f"{type(value).__name__} {text if len(text) <= 40 else text[:37] + '...'}"


def is_real(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def real(owner: str, key: str, value: Any, ok: Callable[[float], bool] = lambda v: True,
         rule: str = "", finite: bool = True) -> float:
    """`value` as a float, after checking its type, that it is not NaN (nor ±inf when
    `finite`), and `ok(value)` (described by `rule`)."""
    if not is_real(value):
        raise TypeError(f"{owner}: {key} must be a real number, got {_show(value)}")
    v = float(value)
    if math.isnan(v) or (finite and math.isinf(v)):
        raise ValueError(f"{owner}: {key} must be a finite number, got {value!r}")
    if not ok(v):
        raise ValueError(f"{owner}: {key} {rule}, got {value!r}")
    return v


def positive_int(owner: str, key: str, value: Any) -> int:
    if not is_int(value):
        raise TypeError(f"{owner}: {key} must be a positive int, got {_show(value)}")
    if value < 1:
        raise ValueError(f"{owner}: {key} must be a positive int, got {value!r}")
    return int(value)


def integer(owner: str, key: str, value: Any) -> int:
    if not is_int(value):
        raise TypeError(f"{owner}: {key} must be an int, got {_show(value)}")
    return int(value)


def axis(owner: str, key: str, value: Any) -> int | None:
    return None if value is None else integer(owner, key, value)


def flag(owner: str, key: str, value: Any) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{owner}: {key} must be a bool, got {_show(value)}")
    return bool(value)


def probability(owner: str, key: str, value: Any) -> float:
    return real(owner, key, value, lambda v: 0.0 <= v <= 1.0, "must be in [0, 1]")


def float_dtype(owner: str, value: Any) -> np.dtype:
    """A floating dtype (`dtype=` of layers that create parameters)."""
    try:
        dtype = np.dtype(value)
    except TypeError:
        raise TypeError(f"{owner}: dtype must be a floating NumPy dtype, got {_show(value)}"
                        ) from None
    if dtype.kind != "f":
        raise TypeError(f"{owner}: dtype must be a floating dtype (float16/32/64), got {dtype}")
    return dtype


def weights(owner: str, key: str, value: Any) -> Any:
    """An optional numeric array (class weights and the like); returned as given."""
    if value is None:
        return None
    arr = value.data if isinstance(value, Tensor) else value
    if isinstance(arr, (str, bytes, dict)) or not isinstance(
            arr, (np.ndarray, list, tuple, numbers.Number)):
        raise TypeError(f"{owner}: {key} must be an array of numbers or None, got {_show(value)}")
    try:
        arr = np.asarray(arr)
    except ValueError:
        raise ValueError(f"{owner}: {key} is a ragged list, not an array of numbers") from None
    except RuntimeError:  # a list holding Tensors that require grad (Tensor.__array__)
        raise TypeError(f"{owner}: {key} must be an array of numbers, got a list holding "
                        "Tensors that require grad (pass t.detach())") from None
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{owner}: {key} must hold numbers, got dtype {arr.dtype}")
    if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        raise ValueError(f"{owner}: {key} holds NaN or infinite values")
    return value


def float_input(owner: str, x: Any) -> Any:
    """A floating-point Tensor or array input, as layers and random initialisers need;
    Python lists of floats become float32 Tensors. Integer, bool, string or object data is
    refused (PyTorch refuses integer input to these layers too)."""
    if not isinstance(x, (Tensor, np.ndarray)):
        if not isinstance(x, (list, tuple, numbers.Number)) or isinstance(x, bool):
            raise TypeError(f"{owner}: the input must be a Tensor or array of floats, got "
                            f"{_show(x)}")
        try:
            x = Tensor(x)
        except (TypeError, ValueError) as e:
            raise TypeError(f"{owner}: the input is not an array of floats ({e})") from None
    dtype = x.dtype
    if np.dtype(dtype).kind != "f":
        raise TypeError(f"{owner}: the input must hold floating-point values, got dtype "
                        f"{dtype}; convert it first (x.float() or x.astype(np.float32))")
    return x


def state_value(owner: str, key: str, value: Any) -> str | None:
    """Why `value` cannot be loaded into a parameter or buffer (None when it can)."""
    if isinstance(value, Tensor):
        value = value.data
    if isinstance(value, (np.ndarray, np.generic)) or is_real(value) or isinstance(value, bool):
        kind = np.asarray(value).dtype.kind
        if kind in "biuf":
            return None
        return f"{key}: the checkpoint holds an array of dtype {np.asarray(value).dtype}"
    if hasattr(value, "__array__") or hasattr(value, "__dlpack__"):
        return None  # a torch tensor or another array library's array
    return (f"{key}: expected an array or Tensor from the checkpoint, got "
            f"{_show(value)}")


def allocatable(owner: str, shape: tuple, dtype: Any) -> None:
    """Refuse, naming the layer, a parameter too large to allocate (rather than a raw
    MemoryError or NumPy's "array is too big" from deep inside the constructor)."""
    dtype = np.dtype(dtype)
    try:
        np.empty(shape, dtype)
    except (MemoryError, ValueError) as e:
        size = math.prod(shape) * dtype.itemsize
        raise ValueError(f"{owner}: a parameter of shape {shape} and dtype {dtype} "
                         f"({size / 2**30:.3g} GiB) cannot be allocated ({e})") from None


def batch_norm_options(owner: str, num_features: Any, eps: Any, momentum: Any, affine: Any,
                       track_running_stats: Any, dtype: Any) -> None:
    """The constructor arguments shared by the BatchNorm layers."""
    positive_int(owner, "num_features", num_features)
    real(owner, "eps", eps, lambda v: v >= 0, "must be >= 0")
    if momentum is not None:
        probability(owner, "momentum", momentum)
    flag(owner, "affine", affine)
    flag(owner, "track_running_stats", track_running_stats)
    allocatable(owner, (num_features,), float_dtype(owner, dtype))


def _margin_p(owner: str, key: str, value: Any) -> int:
    if not is_int(value):
        raise TypeError(f"{owner}: {key} must be 1 or 2, got {_show(value)}")
    return int(value)


_LOSS_RULES: dict[str, Callable[[str, str, Any], Any]] = {
    "delta": lambda o, k, v: real(o, k, v, lambda x: x > 0, "must be > 0"),
    "beta": lambda o, k, v: real(o, k, v, lambda x: x >= 0, "must be >= 0"),
    "eps": lambda o, k, v: real(o, k, v, lambda x: x >= 0, "must be >= 0"),
    "label_smoothing": probability,
    "ignore_index": integer,
    "margin": real,
    "p": _margin_p,
    "log_target": flag, "log_input": flag, "full": flag,
    "weight": weights, "pos_weight": weights,
}


def loss_options(owner: str, reduction: Any, options: dict[str, Any]) -> None:
    """A loss's `reduction` type and each option that has a rule."""
    if not isinstance(reduction, str):
        raise TypeError(f"{owner}: reduction must be a str such as 'mean', got "
                        f"{_show(reduction)}")
    for key, value in options.items():
        rule = _LOSS_RULES.get(key)
        if rule is not None:
            rule(owner, key, value)


def probabilities(owner: str, key: str, value: Any, hint: str = "") -> None:
    """Refuse values outside [0, 1], NaN included (as PyTorch's binary_cross_entropy does)."""
    arr = value.data if isinstance(value, Tensor) else np.asarray(value)
    if arr.size and arr.dtype.kind in "fiub":
        bad = ~((arr >= 0) & (arr <= 1))
        if np.any(bad):
            first = arr.reshape(-1)[int(np.argmax(bad.reshape(-1)))]
            raise ValueError(f"{owner}: {key} must hold probabilities in [0, 1] (all of its "
                             f"elements); found {first}{hint}")


def non_negative(owner: str, key: str, value: Any, hint: str = "") -> None:
    arr = value.data if isinstance(value, Tensor) else np.asarray(value)
    if arr.size and arr.dtype.kind in "fi" and np.any(arr < 0):
        raise ValueError(f"{owner}: {key} must hold values >= 0 (all of its elements); found "
                         f"{arr.min()}{hint}")


def named_errors(fn: Callable, name: str) -> Callable:
    """`fn`, whose TypeError, ValueError and RuntimeError always name it: an error raised
    deeper (by NumPy, or by a helper shared between functions) gets `name:` in front, in the
    same family (an AttributeError from a wrong argument type becomes a TypeError)."""
    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (TypeError, ValueError, RuntimeError, AttributeError, OverflowError) as e:
            text = str(e)
            if name in text and not isinstance(e, OverflowError):
                raise
            kind = (ValueError if isinstance(e, (ValueError, OverflowError)) else
                    RuntimeError if isinstance(e, RuntimeError) else TypeError)
            raise kind(f"{name}: {text}") from e

    call.__name__ = call.__qualname__ = name
    return call


def name_public_errors(namespace: dict, names: list[str]) -> None:
    """Wrap every public function of a module's namespace with `named_errors`."""
    for name in names:
        fn = namespace[name]
        if callable(fn) and not isinstance(fn, type):
            namespace[name] = named_errors(fn, name)
