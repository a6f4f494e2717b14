"""Activations, losses and layer math (affine maps, convolution, pooling, normalisation,
embedding) as functions of Tensors (the math the nn modules delegate to).

Names follow torch.nn.functional; axes follow NumPy (`axis=`). Every loss takes the prediction
first, `loss(input, target)`, and `reduction="mean" | "sum" | "none"`.
"""
from .activations import (elu, gelu, identity, leaky_relu, mish, relu, selu, sigmoid, silu,
                          softplus, step, swish, tanh)
from .channel_dropout import dropout2d
from .conv import conv2d
from .dropout import dropout
from .keras_losses import (categorical_hinge_loss, hinge_loss, log_cosh_loss, mape_loss,
                           msle_loss, squared_hinge_loss)
from .layernorm import layer_norm
from .linear import dense, linear
from .log_likelihood import cross_entropy, nll_loss
from .losses import (binary_cross_entropy, binary_cross_entropy_with_logits, huber_loss,
                     kl_div, l1_loss, mse_loss, poisson_nll_loss, smooth_l1_loss)
from .margin_losses import cosine_embedding_loss, multi_margin_loss
from .normalization import batch_norm
from .pooling import avg_pool2d, max_pool2d
from .probabilities import log_softmax, softmax
from .._checks import name_public_errors
from .sparse import embedding

__all__ = [
    "dense", "linear", "dropout", "batch_norm",
    "step", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "gelu", "silu", "swish",
    "mish", "softplus", "softmax", "log_softmax", "identity",
    "mse_loss", "l1_loss", "huber_loss", "smooth_l1_loss", "cross_entropy", "nll_loss",
    "binary_cross_entropy", "binary_cross_entropy_with_logits", "multi_margin_loss", "kl_div",
    "poisson_nll_loss", "cosine_embedding_loss", "hinge_loss", "squared_hinge_loss",
    "categorical_hinge_loss", "log_cosh_loss", "mape_loss", "msle_loss",
    "conv2d", "max_pool2d", "avg_pool2d", "layer_norm", "embedding", "dropout2d",
]

# Every error raised inside names the function that was called, whatever raised it.
name_public_errors(globals(), __all__)
