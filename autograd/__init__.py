"""Reverse-mode automatic differentiation on NumPy arrays.

A `Tensor` records the ops applied to it; `backward()` walks the recorded graph in reverse
topological order and applies the chain rule.
"""
from .tensor import Tensor, tensor  # noqa: I001  (tensor first: it binds the ops)
from .anomaly import detect_anomaly
from .gradients import grad
from .factories import (arange, empty, eye, full, ones, ones_like, rand, randn, zeros,
                        zeros_like)
from .function import Function
from .gradcheck import GradcheckError, gradcheck
from .grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .graphviz import to_dot
from .ops import (abs, add, argmax, argmin, astype, broadcast_to, clip, concatenate, cos, div,
                  dot, equal, erf, exp, expand_dims, expm1, flatten, greater, greater_equal,
                  less, less_equal, log, log1p, logsumexp, matmul, max, maximum, mean, min,
                  minimum, mul, neg, not_equal, pow, relu, reshape, sigmoid, sin, split, sqrt,
                  squeeze, stack, std, sub, sum, swapaxes, tanh, transpose, var, where)
from .random import default_generator, get_rng_state, manual_seed, set_rng_state

__all__ = [
    "Tensor", "tensor", "Function", "grad", "gradcheck", "GradcheckError", "no_grad",
    "enable_grad", "set_grad_enabled", "is_grad_enabled", "detect_anomaly", "to_dot",
    "manual_seed", "default_generator", "get_rng_state", "set_rng_state",
    "zeros", "ones", "full", "empty", "zeros_like", "ones_like", "arange", "eye", "randn",
    "rand",
    "add", "sub", "mul", "div", "pow", "neg", "maximum", "minimum", "where", "less",
    "less_equal", "greater", "greater_equal", "equal", "not_equal", "exp", "log", "sqrt", "abs",
    "sin", "cos", "tanh", "sigmoid", "relu", "erf", "log1p", "expm1", "clip", "astype", "sum",
    "mean", "var", "std", "max", "min", "logsumexp", "argmax", "argmin", "reshape",
    "transpose", "swapaxes", "squeeze", "expand_dims", "broadcast_to", "flatten",
    "concatenate", "stack", "split", "matmul", "dot",
]
