"""Reverse-mode automatic differentiation on NumPy arrays.

A `Tensor` records the ops applied to it; `backward()` walks the recorded graph in reverse
topological order and applies the chain rule.
"""
from .tensor import Tensor  # noqa: I001  (tensor first: the ops are built on it)
from .anomaly import detect_anomaly
from .gradients import grad
from .factories import (arange, empty, eye, full, ones, ones_like, rand, randn, tensor,
                        zeros, zeros_like)
from .function import Function
from .gradcheck import GradcheckError, gradcheck
from .grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .graphviz import to_dot
from .ops import *  # noqa: F401,F403  (every public op, listed once in its family)
from . import ops
from . import functional  # noqa: E402  (autograd.functional.vjp, jvp, jacobian, ...)
from . import profiler  # noqa: E402  (autograd.profiler.profile)
from .dlpack import from_dlpack
from .device import device
from .dtypes import *  # noqa: F401,F403  (float64, int64, ...: PyTorch's dtype names)
from . import dtypes
from .random import default_generator, get_rng_state, manual_seed, set_rng_state

__all__ = [
    "Tensor", "tensor", "Function", "grad", "gradcheck", "GradcheckError", "no_grad",
    "enable_grad", "set_grad_enabled", "is_grad_enabled", "detect_anomaly", "to_dot",
    "manual_seed", "default_generator", "get_rng_state", "set_rng_state",
    "zeros", "ones", "full", "empty", "zeros_like", "ones_like", "arange", "eye", "randn",
    "rand", "from_dlpack", "device",
    *ops.__all__, *dtypes.__all__,
]
