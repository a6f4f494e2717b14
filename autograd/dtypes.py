"""PyTorch's dtype names, as the NumPy dtypes they stand for: `dtype=autograd.float64` reads
like `dtype=torch.float64` and is `np.float64`."""
from __future__ import annotations

import numpy as np

__all__ = ["float16", "float32", "float64", "half", "double", "int8", "int16", "int32",
           "int64", "long", "uint8"]

float16 = half = np.float16
float32 = np.float32
float64 = double = np.float64
int8 = np.int8
int16 = np.int16
int32 = np.int32
int64 = long = np.int64
uint8 = np.uint8
