"""Neural-network layers, losses and utilities on `autograd` Tensors."""
from .container import ModuleList, Sequential
from .module import Module
from .parameter import Parameter

__all__ = ["Module", "Parameter", "Sequential", "ModuleList"]
