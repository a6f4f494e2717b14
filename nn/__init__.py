"""Neural-network layers, losses and utilities on `autograd` Tensors, shaped like torch.nn."""
from . import data, init, utils
from .batchnorm import BatchNorm1d
from .checkpoint import CheckpointError, load, save
from .container import ModuleList, Sequential
from .dropout import Dropout
from .layers import Dense, DropConnect, Linear, Maxout
from .module import Module
from .parameter import Parameter

__all__ = [
    "Module", "Parameter", "Sequential", "ModuleList", "Dense", "Linear", "DropConnect",
    "Maxout", "BatchNorm1d", "Dropout", "save", "load", "CheckpointError", "init", "utils",
    "data",
]
