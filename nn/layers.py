"""Dense (Affine) layers: `Dense`/`Linear`, `DropConnect` and `Maxout`.

The weight has shape (in_features, out_features) and the layer computes x @ W + b, as the
Affine layer of the course notes does (an exception to PyTorch's (out, in) layout).
"""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from autograd import Tensor, default_generator
from autograd.function import Op

from . import init
from .module import Module
from .parameter import Parameter

__all__ = ["Dense", "Linear", "DropConnect", "Maxout", "dense"]


class DenseOp(Op):
    """y = x @ W + b; dx = g @ Wᵀ, dW = xᵀ @ g, db = Σ g over the batch axes"""

    def forward(ctx: Any, x: Any, w: Any, b: Any) -> Any:
        ctx.saved = (x, w)
        try:
            y = x @ w
        except ValueError:
            raise ValueError(
                f"Dense: input of shape {np.shape(x)} does not fit a weight of shape "
                f"{np.shape(w)}; the input's last axis must have {np.shape(w)[0]} features"
            ) from None
        if b is not None:
            if b.dtype is y.dtype or np.result_type(y, b) == y.dtype:
                y += b  # y is a fresh array: adding in place saves one pass and one allocation
            else:
                y = y + b
        return y

    def backward(ctx: Any, g: Any) -> tuple:
        x, w = ctx.saved
        px, pw, pb = ctx.parents
        gx = g @ w.T if px is not None else None
        if g.ndim != 2:  # batch axes (none, or several) folded into one
            n_in, n_out = w.shape
            x, g = x.reshape((-1, n_in)), g.reshape((-1, n_out))
        gw = x.T @ g if pw is not None else None
        gb = g.sum(axis=0) if pb is not None else None
        return gx, gw, gb


def dense(x: Any, weight: Any, bias: Any = None) -> Tensor:
    """x @ weight + bias as one fused op (weight of shape (in_features, out_features))."""
    w = weight.data if isinstance(weight, Tensor) else np.asarray(weight)
    if w.ndim != 2:
        raise ValueError(f"dense: weight must be 2-D (in_features, out_features), got {w.shape}")
    if np.ndim(x.data if isinstance(x, Tensor) else x) == 0:
        raise ValueError("dense: the input must have at least one axis (the features)")
    if bias is not None and not isinstance(bias, (Tensor, np.ndarray)):
        bias = np.asarray(bias, dtype=w.dtype)  # Python numbers take the weight's dtype
    if bias is not None and np.shape(bias) not in ((), (w.shape[1],)):
        raise ValueError(
            f"dense: bias of shape {np.shape(bias)} does not match a weight of shape "
            f"{w.shape}; it needs shape ({w.shape[1]},)"
        )
    return DenseOp.apply(x, weight, bias)


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
            arr = np.asarray(result.data if isinstance(result, Tensor) else result)
            if arr.shape != weight.shape:
                raise ValueError(
                    f"{layer}: weight_init returned shape {arr.shape}, the weight has shape "
                    f"{weight.shape}; return None after filling it in place or a same-shaped "
                    "array"
                )
            weight.data[...] = arr
        return
    fill = _INITS.get(weight_init)
    if fill is None:
        raise ValueError(
            f"{layer}: unknown weight_init {weight_init!r}; use one of {sorted(_INITS)} or a "
            "callable that fills the weight"
        )
    fill(weight)


class Dense(Module):
    """Fully connected layer y = x @ W + b with W of shape (in_features, out_features).

    `weight_init`: "he" (std √(2/in)), "xavier" (std √(2/(in+out))), "lecun" (std √(1/in)),
    "normal" (std 0.01), "zeros", or a callable filling the weight. The bias starts at 0.
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 weight_init: Any = "he", dtype: Any = np.float32) -> None:
        super().__init__()
        for name, n in (("in_features", in_features), ("out_features", out_features)):
            if not isinstance(n, (int, np.integer)) or n <= 0:
                raise ValueError(f"Dense: {name} must be a positive int, got {n!r}")
        self.in_features = int(in_features)
        self.out_features = int(out_features)
        self.weight_init = weight_init
        self.dtype = np.dtype(dtype)
        self.weight = Parameter(np.empty((self.in_features, self.out_features), self.dtype))
        if bias:
            self.bias = Parameter(np.empty((self.out_features,), self.dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw the weight with `weight_init`; zero the bias."""
        _init_weight(self.weight, self.weight_init, type(self).__name__)
        if self.bias is not None:
            init.zeros_(self.bias)

    def forward(self, x: Any) -> Tensor:
        return DenseOp.apply(x, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


Linear = Dense


def _check_p(p: float, layer: str) -> float:
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"{layer}: drop probability p must be in [0, 1], got {p}")
    return float(p)


def keep_mask(shape: tuple, p: float, dtype: Any) -> np.ndarray:
    """Bernoulli(1 - p) mask scaled by 1 / (1 - p), from the default generator.

    Random bits are the cost here, so a drop rate that is a multiple of 1/256 spends fewer:
    p = 1/2 takes one random bit per element and other multiples one random byte, both exact
    Bernoulli draws; any other p compares float32 uniforms with p.
    """
    if p == 1.0:
        return np.zeros(shape, dtype)
    rng = default_generator()
    n = math.prod(shape)
    if p == 0.5:
        bits = np.frombuffer(rng.bytes((n + 7) // 8), dtype=np.uint8)
        keep = np.unpackbits(bits, count=n).reshape(shape)
    elif (p * 256).is_integer():
        keep = np.frombuffer(rng.bytes(n), dtype=np.uint8).reshape(shape) >= int(p * 256)
    else:
        keep = rng.random(shape, dtype=np.float32) >= np.float32(p)
    # One pass: 0/1 times the scale, written straight into the mask's dtype.
    return np.multiply(keep, 1.0 / (1.0 - p), dtype=dtype)


class DropConnect(Module):
    """Wraps a Dense layer: in training y = x @ (W ⊙ M / (1 - p)) + b with M ~ Bernoulli(1 - p)
    drawn afresh each forward; in eval the plain layer."""

    def __init__(self, dense: Dense, p: float = 0.5) -> None:
        super().__init__()
        if not isinstance(dense, Dense):
            raise TypeError(f"DropConnect wraps a Dense layer, got {type(dense).__name__}")
        self.p = _check_p(p, "DropConnect")
        self.dense = dense

    def forward(self, x: Any) -> Tensor:
        d = self.dense
        if not self.training or self.p == 0.0:
            return d(x)
        w = d.weight * keep_mask(d.weight.shape, self.p, d.weight.dtype)
        return DenseOp.apply(x, w, d.bias)

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
        if not isinstance(pieces, (int, np.integer)) or pieces < 1:
            raise ValueError(f"Maxout: pieces must be a positive int, got {pieces!r}")
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
