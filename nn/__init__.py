"""Neural-network layers, losses and utilities on `autograd` Tensors, shaped like torch.nn."""
from . import data, functional, init, utils
from .activation import *  # noqa: F401,F403
from .activation import __all__ as _activations
from .batchnorm import BatchNorm1d, BatchNorm2d
from .checkpoint import CheckpointError, load, save
from .container import ModuleList, Sequential
from .conv import Conv2d
from .dropout import Dropout
from .embedding import Embedding
from .export import ExportError, export_onnx
from .layers import Dense, DropConnect, Linear, Maxout
from .loss import *  # noqa: F401,F403
from .loss import __all__ as _losses
from .module import Module
from .module_dict import ModuleDict
from .normalization import LayerNorm
from .parameter import Parameter
from .pooling import AvgPool2d, MaxPool2d
from .shaping import Dropout2d, Flatten, Unflatten

__all__ = [
    "Module", "Parameter", "Sequential", "ModuleList", "Dense", "Linear", "DropConnect",
    "Maxout", "BatchNorm1d", "BatchNorm2d", "Dropout", "save", "load", "CheckpointError",
    "init", "utils", "data", "functional", *_activations, *_losses,
    "ModuleDict", "Conv2d", "MaxPool2d", "AvgPool2d", "LayerNorm", "Embedding", "Flatten",
    "Unflatten", "Dropout2d", "export_onnx", "ExportError",
]
