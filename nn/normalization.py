"""`LayerNorm` as in PyTorch (math in nn.functional.layer_norm, file layernorm.py)."""
from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Tensor

from . import init
from .functional.layernorm import layer_norm, normalized_shape_tuple
from .module import Module
from .parameter import Parameter

__all__ = ["LayerNorm"]


class LayerNorm(Module):
    """y = (x - μ) / √(σ² + ε) · γ + β over the trailing `normalized_shape` axes of each
    sample; γ starts at 1 and β at 0 (both of shape normalized_shape)."""

    def __init__(self, normalized_shape: Any, eps: float = 1e-5,
                 elementwise_affine: bool = True, bias: bool = True,
                 dtype: Any = np.float32) -> None:
        super().__init__()
        self.normalized_shape = normalized_shape_tuple(normalized_shape, "LayerNorm")
        if isinstance(eps, bool) or not isinstance(eps, (int, float)):
            raise TypeError(f"LayerNorm: eps must be a number, got {eps!r}")
        if not eps >= 0:
            raise ValueError(f"LayerNorm: eps must be >= 0, got {eps}")
        for name, flag in (("elementwise_affine", elementwise_affine), ("bias", bias)):
            if not isinstance(flag, (bool, np.bool_)):
                raise TypeError(f"LayerNorm: {name} must be a bool, got {flag!r}")
        self.eps = float(eps)
        self.elementwise_affine = bool(elementwise_affine)
        if elementwise_affine:
            self.weight = Parameter(np.ones(self.normalized_shape, np.dtype(dtype)))
        else:
            self.register_parameter("weight", None)
        if elementwise_affine and bias:
            self.bias = Parameter(np.zeros(self.normalized_shape, np.dtype(dtype)))
        else:
            self.register_parameter("bias", None)

    def reset_parameters(self) -> None:
        """γ to 1, β to 0."""
        if self.weight is not None:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)

    def forward(self, x: Any) -> Tensor:
        return layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}")
