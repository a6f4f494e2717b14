"""Weight initialisers, filling a Tensor (or ndarray) in place and returning it.

PyTorch's formulas, with one exception: a 2-D weight is read as (fan_in, fan_out), the shape
of a Dense weight here. For more axes PyTorch's convention holds: (out, in, *receptive field).
Every draw comes from `autograd.default_generator()`, so `autograd.manual_seed` makes it
repeatable.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograd import Tensor, default_generator
from autograd.extend import mark_changed

from . import _checks

__all__ = [
    "calculate_gain", "zeros_", "ones_", "constant_", "normal_", "uniform_", "xavier_normal_",
    "xavier_uniform_", "kaiming_normal_", "kaiming_uniform_", "he_normal_", "he_uniform_",
    "lecun_normal_",
]


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended gain for `nonlinearity`: 1 (linear, sigmoid), 5/3 (tanh), √2 (relu),
    √(2 / (1 + slope²)) (leaky_relu, slope default 0.01), 3/4 (selu)."""
    linear = ("linear", "identity", "sigmoid", "conv1d", "conv2d", "conv3d",
              "conv_transpose1d", "conv_transpose2d", "conv_transpose3d")
    if nonlinearity in linear:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, (int, float)) and not isinstance(param, bool):
            slope = float(param)
        else:
            raise ValueError(f"calculate_gain: negative_slope {param!r} is not a number")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(
        f"calculate_gain: unsupported nonlinearity {nonlinearity!r}; use one of linear, "
        "sigmoid, tanh, relu, leaky_relu, selu"
    )


def _array(tensor: Any) -> np.ndarray:
    arr = tensor.data if isinstance(tensor, Tensor) else tensor
    if not isinstance(arr, np.ndarray):
        raise TypeError(f"nn.init: expected a Tensor or ndarray, got {type(tensor).__name__}")
    return arr


def _random_target(arr: np.ndarray, who: str) -> np.ndarray:
    """Random draws need a floating array: cast to integers they would be silent zeros."""
    if arr.dtype.kind != "f":
        raise TypeError(f"nn.init.{who}: cannot fill an array of dtype {arr.dtype} with random "
                        "draws (they would be truncated); use a floating-point array")
    return arr


def _fans(arr: np.ndarray, who: str) -> tuple[int, int]:
    """(fan_in, fan_out): (rows, cols) of a 2-D weight; (in·k, out·k) for (out, in, *k)."""
    _random_target(arr, who)
    if arr.ndim < 2:
        raise ValueError(
            f"nn.init.{who}: fan in and fan out need a weight with at least 2 dimensions, got "
            f"shape {arr.shape}; use normal_ or uniform_ with an explicit std or bound"
        )
    if arr.ndim == 2:
        return arr.shape[0], arr.shape[1]
    receptive = int(np.prod(arr.shape[2:]))
    return arr.shape[1] * receptive, arr.shape[0] * receptive


def _fan(arr: np.ndarray, mode: str, who: str) -> int:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"nn.init.{who}: mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = _fans(arr, who)
    return fan_in if mode == "fan_in" else fan_out


def _draw_dtype(arr: np.ndarray) -> Any:
    # The generator draws float32 or float64 directly; other dtypes are cast from float64.
    return arr.dtype if arr.dtype in (np.float32, np.float64) else np.float64


def _fill(tensor: Any, values: Any) -> Any:
    arr = _array(tensor)
    arr[...] = values
    mark_changed(arr)  # an in-place change, as PyTorch counts it
    return tensor


def constant_(tensor: Any, val: float) -> Any:
    """Fill with `val`."""
    _array(tensor)
    _checks.real("nn.init.constant_", "val", val, finite=False)
    return _fill(tensor, val)


def zeros_(tensor: Any) -> Any:
    """Fill with 0."""
    return _fill(tensor, 0)


def ones_(tensor: Any) -> Any:
    """Fill with 1."""
    return _fill(tensor, 1)


def normal_(tensor: Any, mean: float = 0.0, std: float = 1.0) -> Any:
    """Fill with draws from N(mean, std²)."""
    arr = _random_target(_array(tensor), "normal_")
    _checks.real("nn.init.normal_", "mean", mean)
    _checks.real("nn.init.normal_", "std", std)
    if std < 0:
        raise ValueError(f"nn.init.normal_: std must be >= 0, got {std}")
    z = default_generator().standard_normal(arr.shape, dtype=_draw_dtype(arr))
    return _fill(tensor, z * std + mean)


def uniform_(tensor: Any, a: float = 0.0, b: float = 1.0) -> Any:
    """Fill with draws from U(a, b)."""
    arr = _random_target(_array(tensor), "uniform_")
    _checks.real("nn.init.uniform_", "a", a)
    _checks.real("nn.init.uniform_", "b", b)
    if b < a:
        raise ValueError(f"nn.init.uniform_: need a <= b, got a={a}, b={b}")
    u = default_generator().random(arr.shape, dtype=_draw_dtype(arr))
    return _fill(tensor, u * (b - a) + a)


def xavier_normal_(tensor: Any, gain: float = 1.0) -> Any:
    """Glorot normal: std = gain·√(2 / (fan_in + fan_out))."""
    _checks.real("nn.init.xavier_normal_", "gain", gain)
    fan_in, fan_out = _fans(_array(tensor), "xavier_normal_")
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)))


def xavier_uniform_(tensor: Any, gain: float = 1.0) -> Any:
    """Glorot uniform: U(-a, a) with a = gain·√(6 / (fan_in + fan_out))."""
    _checks.real("nn.init.xavier_uniform_", "gain", gain)
    fan_in, fan_out = _fans(_array(tensor), "xavier_uniform_")
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(tensor, -bound, bound)


def kaiming_normal_(tensor: Any, a: float = 0.0, mode: str = "fan_in",
                    nonlinearity: str = "leaky_relu") -> Any:
    """He normal: std = gain / √fan, gain = calculate_gain(nonlinearity, a)."""
    _checks.real("nn.init.kaiming_normal_", "a", a)
    fan = _fan(_array(tensor), mode, "kaiming_normal_")
    return normal_(tensor, 0.0, calculate_gain(nonlinearity, a) / math.sqrt(fan))


def kaiming_uniform_(tensor: Any, a: float = 0.0, mode: str = "fan_in",
                     nonlinearity: str = "leaky_relu") -> Any:
    """He uniform: U(-b, b) with b = gain·√(3 / fan), gain = calculate_gain(nonlinearity, a)."""
    _checks.real("nn.init.kaiming_uniform_", "a", a)
    fan = _fan(_array(tensor), mode, "kaiming_uniform_")
    bound = calculate_gain(nonlinearity, a) * math.sqrt(3.0 / fan)
    return uniform_(tensor, -bound, bound)


he_normal_ = kaiming_normal_
he_uniform_ = kaiming_uniform_


def lecun_normal_(tensor: Any) -> Any:
    """LeCun normal: std = √(1 / fan_in) (what the course notes call Xavier)."""
    fan_in, _ = _fans(_array(tensor), "lecun_normal_")
    return normal_(tensor, 0.0, math.sqrt(1.0 / fan_in))


# Every error raised inside names the function that was called, whatever raised it.
_checks.name_public_errors(globals(), [n for n in __all__
                                      if n not in ("he_normal_", "he_uniform_")])
he_normal_ = kaiming_normal_
he_uniform_ = kaiming_uniform_
