"""Optimizers that update `autograd` parameters in place, and learning-rate schedules."""
from . import lr_scheduler
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .lbfgs import LBFGS
from .nadam import NAdam
from .newton import Newton
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD, Momentum, Nesterov

__all__ = [
    "Optimizer", "SGD", "Momentum", "Nesterov", "Adagrad", "RMSprop", "Adadelta", "Adam",
    "AdamW", "NAdam", "LBFGS", "Newton", "lr_scheduler",
]
