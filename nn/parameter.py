"""`Parameter`: a Tensor that a Module registers and optimizers update."""
from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Tensor


class Parameter(Tensor):
    """A leaf Tensor that requires grad; assigning one to a Module attribute registers it.

    Python data (floats, lists) becomes float32; an ndarray keeps its dtype and is not copied.
    """

    __slots__ = ()

    def __init__(self, data: Any = None, requires_grad: bool = True) -> None:
        if data is None:
            data = np.empty((0,), dtype=np.float32)
        super().__init__(data, requires_grad=requires_grad)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()
