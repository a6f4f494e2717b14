"""`MaxPool2d` and `AvgPool2d` as in PyTorch (math in nn.functional.pooling)."""
from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Tensor

from .functional._windows import pair
from .functional.pooling import avg_pool2d, check_pool_padding, max_pool2d, unsupported
from .module import Module

__all__ = ["MaxPool2d", "AvgPool2d"]


class _Pool2d(Module):
    def __init__(self, kernel_size: Any, stride: Any, padding: Any, dilation: Any) -> None:
        super().__init__()
        name = type(self).__name__
        self.kernel_size = pair(kernel_size, "kernel_size", name, 1)
        self.stride = self.kernel_size if stride is None else pair(stride, "stride", name, 1)
        self.padding = pair(padding, "padding", name, 0)
        self.dilation = pair(dilation, "dilation", name, 1)
        check_pool_padding(self.kernel_size, self.padding, name)


class MaxPool2d(_Pool2d):
    """y = the maximum of each (dilated) window; stride defaults to kernel_size, padding
    counts as -inf. The gradient goes to the first maximum of each window, as PyTorch."""

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 dilation: Any = 1, return_indices: bool = False,
                 ceil_mode: bool = False) -> None:
        unsupported("MaxPool2d", ceil_mode=(ceil_mode, False),
                    return_indices=(return_indices, False))
        super().__init__(kernel_size, stride, padding, dilation)

    def forward(self, x: Any) -> Tensor:
        return max_pool2d(x, self.kernel_size, self.stride, self.padding, self.dilation)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, "
                f"padding={self.padding}, dilation={self.dilation}")


class AvgPool2d(_Pool2d):
    """y = the mean of each window; stride defaults to kernel_size; zero padding counts in
    the divisor unless count_include_pad=False."""

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 ceil_mode: bool = False, count_include_pad: bool = True,
                 divisor_override: Any = None) -> None:
        unsupported("AvgPool2d", ceil_mode=(ceil_mode, False),
                    divisor_override=(divisor_override, None))
        super().__init__(kernel_size, stride, padding, 1)
        if not isinstance(count_include_pad, (bool, np.bool_)):
            raise TypeError(f"AvgPool2d: count_include_pad must be a bool, got "
                            f"{count_include_pad!r}")
        self.count_include_pad = bool(count_include_pad)

    def forward(self, x: Any) -> Tensor:
        return avg_pool2d(x, self.kernel_size, self.stride, self.padding,
                          count_include_pad=self.count_include_pad)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, "
                f"padding={self.padding}, count_include_pad={self.count_include_pad}")
