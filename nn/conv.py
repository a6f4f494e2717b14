"""`Conv2d`: PyTorch's 2-D convolution layer on NCHW inputs (math in nn.functional.conv2d)."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograd import Tensor

from . import init
from .functional._windows import pair
from .functional.conv import conv2d
from .module import Module
from .parameter import Parameter

__all__ = ["Conv2d"]


def _positive_int(value: Any, name: str, layer: str) -> int:
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool):
        raise TypeError(f"{layer}: {name} must be an int, got {value!r}")
    if value < 1:
        raise ValueError(f"{layer}: {name} must be positive, got {value}")
    return int(value)


class Conv2d(Module):
    """y = conv2d(x, weight, bias, stride, padding, dilation, groups), weight of shape
    (out_channels, in_channels / groups, kh, kw).

    Initialisation as PyTorch: weight Kaiming-uniform with a = √5, that is U(±1/√fan_in), and
    bias U(±1/√fan_in), with fan_in = in_channels / groups · kh · kw.
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, dilation: Any = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros", dtype: Any = np.float32) -> None:
        super().__init__()
        name = "Conv2d"
        self.in_channels = _positive_int(in_channels, "in_channels", name)
        self.out_channels = _positive_int(out_channels, "out_channels", name)
        self.groups = _positive_int(groups, "groups", name)
        for arg, n in (("in_channels", self.in_channels), ("out_channels", self.out_channels)):
            if n % self.groups:
                raise ValueError(f"{name}: {arg}={n} must be divisible by groups={groups}")
        self.kernel_size = pair(kernel_size, "kernel_size", name, 1)
        self.stride = pair(stride, "stride", name, 1)
        self.dilation = pair(dilation, "dilation", name, 1)
        if isinstance(padding, str):
            if padding not in ("valid", "same"):
                raise ValueError(f"{name}: padding must be an int, a pair, 'valid' or 'same', "
                                 f"got {padding!r}")
            if padding == "same" and self.stride != (1, 1):
                raise ValueError(f"{name}: padding='same' needs stride 1, got {stride!r}")
            self.padding = padding
        else:
            self.padding = pair(padding, "padding", name, 0)
        if padding_mode != "zeros":
            raise ValueError(f"{name}: only padding_mode='zeros' is supported, got "
                             f"{padding_mode!r}")
        if not isinstance(bias, (bool, np.bool_)):
            raise TypeError(f"{name}: bias must be a bool, got {bias!r}")
        self.padding_mode = padding_mode
        shape = (self.out_channels, self.in_channels // self.groups) + self.kernel_size
        self.weight = Parameter(np.empty(shape, np.dtype(dtype)))
        if bias:
            self.bias = Parameter(np.empty((self.out_channels,), np.dtype(dtype)))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Weight Kaiming-uniform (a = √5), bias U(±1/√fan_in), as PyTorch."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = self.weight.shape[1] * self.kernel_size[0] * self.kernel_size[1]
            bound = 1.0 / math.sqrt(fan_in)
            init.uniform_(self.bias, -bound, bound)

    def forward(self, x: Any) -> Tensor:
        return conv2d(x, self.weight, self.bias, self.stride, self.padding, self.dilation,
                      self.groups)

    def extra_repr(self) -> str:
        text = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}")
        if self.padding != (0, 0):
            text += f", padding={self.padding}"
        if self.dilation != (1, 1):
            text += f", dilation={self.dilation}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        return text
