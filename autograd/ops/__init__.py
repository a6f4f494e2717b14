"""The ops, by family: one module each, every op a class beside its public wrapper.

Each family lists its public ops once, in its `__all__`; this package and `autograd` export
those lists, and `Tensor` (in tensor.py) delegates its operators and methods to them.
"""
from . import arithmetic, catalog, decompositions, eig, linalg, numpy_extra, reduce, shape, unary
from .arithmetic import *  # noqa: F401,F403
from .linalg import *  # noqa: F401,F403
from .reduce import *  # noqa: F401,F403
from .shape import *  # noqa: F401,F403
from .unary import *  # noqa: F401,F403
from .catalog import *  # noqa: F401,F403  (the PyTorch surface: elementwise ... einsum)

__all__ = [*arithmetic.__all__, *unary.__all__, *reduce.__all__, *shape.__all__,
           *linalg.__all__, *catalog.__all__]
