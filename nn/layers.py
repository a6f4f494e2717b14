"""Affine layers: `Dense`, `Linear`, `DropConnect` and `Maxout`; the math is
`nn.functional.dense` / `nn.functional.linear`, one fused op.

`Dense` is the Affine layer of the course notes: weight (in_features, out_features),
y = x @ W + b, He initialisation. `Linear` is PyTorch's layer: weight (out_features,
in_features), y = x @ Wᵀ + b, PyTorch's default initialisation, so PyTorch state_dicts load
into it as they are.
"""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from autograd import Tensor
from autograd.extend import data_of

from . import _checks, init
from .functional.dropout import check_p, keep_mask
from .functional.linear import dense, linear
from .module import Module
from .parameter import Parameter

__all__ = ["Dense", "Linear", "DropConnect", "Maxout", "dense", "linear"]


def _check_features(layer: str, in_features: Any, out_features: Any, bias: Any,
                    dtype: Any) -> tuple[int, int]:
    """The sizes as ints; a named error for a bad size, bias flag or dtype, or a weight too
    large to allocate."""
    for name, n in (("in_features", in_features), ("out_features", out_features)):
        _checks.positive_int(layer, name, n)
    _checks.flag(layer, "bias", bias)
    _checks.allocatable(layer, (in_features, out_features), _checks.float_dtype(layer, dtype))
    return int(in_features), int(out_features)


_INITS: dict[str, Callable[[Any], Any]] = {
    "he": lambda w: init.kaiming_normal_(w, nonlinearity="relu"),
    "xavier": init.xavier_normal_,
    "lecun": init.lecun_normal_,
    "normal": lambda w: init.normal_(w, 0.0, 0.01),
    "zeros": init.zeros_,
}


def _init_weight(weight: Parameter, weight_init: Any, layer: str) -> None:
    if callable(weight_init):
        result = weight_init(weight)
        if result is not None and result is not weight and result is not weight.data:
            arr = data_of(result)
            if arr.shape != weight.shape:
                raise ValueError(
                    f"{layer}: weight_init returned shape {arr.shape}, the weight has shape "
                    f"{weight.shape}; return None after filling it in place or a same-shaped "
                    "array"
                )
            weight.data[...] = arr
        return
    fill = _INITS.get(weight_init) if isinstance(weight_init, str) else None
    if fill is None:
        raise ValueError(
            f"{layer}: unknown weight_init {weight_init!r}; use one of {sorted(_INITS)} or a "
            "callable that fills the weight"
        )
    fill(weight)


class _Affine(Module):
    """What Dense and Linear share: checked sizes, the weight (laid out by `_transposed`)
    and the bias as Parameters, and the repr. Each subclass draws its own initial values."""

    _transposed = False  # True: weight (out_features, in_features), PyTorch's layout

    def __init__(self, in_features: int, out_features: int, bias: bool, dtype: Any) -> None:
        super().__init__()
        self.in_features, self.out_features = _check_features(type(self).__name__, in_features,
                                                              out_features, bias, dtype)
        self.dtype = np.dtype(dtype)
        shape = (self.in_features, self.out_features)
        self.weight = Parameter(np.empty(shape[::-1] if self._transposed else shape, self.dtype))
        if bias:
            self.bias = Parameter(np.empty((self.out_features,), self.dtype))
        else:
            self.register_parameter("bias", None)

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


class Dense(_Affine):
    """Fully connected layer y = x @ W + b with W of shape (in_features, out_features).

    `weight_init`: "he" (std √(2/in)), "xavier" (std √(2/(in+out))), "lecun" (std √(1/in)),
    "normal" (std 0.01), "zeros", or a callable filling the weight. The bias starts at 0.
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 weight_init: Any = "he", dtype: Any = np.float32) -> None:
        super().__init__(in_features, out_features, bias, dtype)
        self.weight_init = weight_init
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw the weight with `weight_init`; zero the bias."""
        _init_weight(self.weight, self.weight_init, type(self).__name__)
        if self.bias is not None:
            init.zeros_(self.bias)

    def forward(self, x: Any) -> Tensor:
        return dense(_checks.float_input(type(self).__name__, x), self.weight, self.bias)


class Linear(_Affine):
    """PyTorch's fully connected layer: y = x @ Wᵀ + b with W of shape (out_features,
    in_features). Initialisation as PyTorch's: W ~ U(±1/√in) (Kaiming-uniform with a = √5)
    and b ~ U(±1/√in)."""

    _transposed = True

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 dtype: Any = np.float32) -> None:
        super().__init__(in_features, out_features, bias, dtype)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """W and b uniform in ±1/√in_features, as PyTorch draws them."""
        # nn.init reads a 2-D weight as (fan_in, fan_out); the transposed view of the
        # (out, in) weight is that layout, so its fan_in is in_features as in PyTorch.
        init.kaiming_uniform_(self.weight.data.T, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1.0 / math.sqrt(self.in_features)
            init.uniform_(self.bias, -bound, bound)

    def forward(self, x: Any) -> Tensor:
        return linear(_checks.float_input(type(self).__name__, x), self.weight, self.bias)


class DropConnect(Module):
    """Wraps a Dense or Linear layer: in training y = x @ (W ⊙ M / (1 - p)) + b with
    M ~ Bernoulli(1 - p) drawn afresh each forward; in eval the plain layer."""

    def __init__(self, dense: Dense | Linear, p: float = 0.5) -> None:
        super().__init__()
        if not isinstance(dense, (Dense, Linear)):
            raise TypeError(f"DropConnect wraps a Dense or Linear layer, got "
                            f"{type(dense).__name__}")
        self.p = check_p(p, "DropConnect")
        self.dense = dense

    def forward(self, x: Any) -> Tensor:
        d = self.dense
        if not self.training or self.p == 0.0:
            return d(x)
        w = d.weight * keep_mask(d.weight.shape, self.p, d.weight.dtype)
        affine = linear if isinstance(d, Linear) else dense
        return affine(x, w, d.bias)

    def extra_repr(self) -> str:
        return f"p={self.p}"


class Maxout(Module):
    """y_j = max_k (x @ W + b)[j, k] over `pieces` affine pieces per output unit.

    The weight has shape (in_features, out_features · pieces); column j·pieces + k is piece k
    of unit j. Ties share the gradient equally, as `autograd.max` does.
    """

    def __init__(self, in_features: int, out_features: int, pieces: int = 2,
                 weight_init: Any = "he", dtype: Any = np.float32) -> None:
        super().__init__()
        for name, n in (("in_features", in_features), ("out_features", out_features),
                        ("pieces", pieces)):
            _checks.positive_int("Maxout", name, n)
        _checks.allocatable("Maxout", (in_features, out_features * pieces),
                            _checks.float_dtype("Maxout", dtype))
        if not callable(weight_init) and not (isinstance(weight_init, str)
                                              and weight_init in _INITS):
            raise ValueError(f"Maxout: unknown weight_init {weight_init!r:.40}; use one of "
                             f"{sorted(_INITS)} or a callable that fills the weight")
        self.in_features, self.out_features, self.pieces = in_features, out_features, pieces
        self.linear = Dense(in_features, out_features * pieces, weight_init=weight_init,
                            dtype=dtype)

    def reset_parameters(self) -> None:
        self.linear.reset_parameters()

    def forward(self, x: Any) -> Tensor:
        z = self.linear(x)
        z = z.reshape(z.shape[:-1] + (self.out_features, self.pieces))
        return z.max(axis=-1)

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"pieces={self.pieces}")
