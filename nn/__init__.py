"""Neural-network layers, losses and utilities on `autograd` Tensors, shaped like torch.nn."""
from . import data, functional, init, utils
from .activation import *  # noqa: F401,F403
from .activation import __all__ as _activations
from .batchnorm import BatchNorm1d, BatchNorm2d
from .checkpoint import CheckpointError, load, save
from .container import ModuleList, Sequential
from .dropout import Dropout
from .layers import Dense, DropConnect, Linear, Maxout
from .loss import *  # noqa: F401,F403
from .loss import __all__ as _losses
from .module import Module
from .parameter import Parameter

__all__ = [
    "Module", "Parameter", "Sequential", "ModuleList", "Dense", "Linear", "DropConnect",
    "Maxout", "BatchNorm1d", "BatchNorm2d", "Dropout", "save", "load", "CheckpointError",
    "init", "utils", "data", "functional", *_activations, *_losses,
]
