"""Activations and losses as functions of Tensors (the math the nn modules delegate to).

Names follow torch.nn.functional; axes follow NumPy (`axis=`).
"""
from .activations import (elu, gelu, identity, leaky_relu, mish, relu, selu, sigmoid, silu,
                          softplus, step, swish, tanh)
from .softmax import log_softmax, softmax

__all__ = [
    "step", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "gelu", "silu", "swish",
    "mish", "softplus", "softmax", "log_softmax", "identity",
]
