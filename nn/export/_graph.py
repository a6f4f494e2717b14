"""The ONNX graph under construction: value names, initializers and nodes.

Every traced value (the model's input and each op's result) gets a name and a `Value` record
(shape and dtype from the example pass, and `bdim`, the axis that is the batch axis or None).
Anything else an op receives becomes an initializer: parameters and buffers under their names
in the model, other arrays and numbers as constants.
"""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from autograd import Tensor


class ExportError(RuntimeError):
    """The model cannot be written as ONNX: an op has no mapping, or its shapes tie it to the
    example's batch size. The message names the op and where it ran."""


class BatchNormModule:
    """The node of a whole BatchNorm module in eval mode (one BatchNormalization node in
    place of the elementwise ops its forward ran)."""


class Value(NamedTuple):
    """A traced value: its ONNX name, the example's shape and dtype, and the batch axis."""

    name: str
    shape: tuple
    dtype: np.dtype
    bdim: int | None


class Graph:
    """Nodes, initializers and the names of traced values, built op by op."""

    def __init__(self, onnx: Any, opset: int, params: dict) -> None:
        self.onnx, self.opset = onnx, opset
        self.nodes: list = []
        self.initializers: list = []
        self.values: dict[int, Value] = {}  # id(Tensor or its ndarray) -> Value
        self._params = params  # id(Tensor or its ndarray) -> name in the model
        self._inits: dict[int, str] = {}  # id(object) -> initializer already made for it
        self._keep: list = []  # objects whose ids are keys above stay alive
        self._count = 0
        self.where = ""  # the op being mapped, for error messages
        self.out_bdim: Any = None  # set by a handler: its result's batch axis

    # -- names and values ---------------------------------------------------------------------
    def fresh(self, hint: str) -> str:
        self._count += 1
        return f"{hint}_{self._count}"

    def bind(self, tensor: Tensor, name: str, bdim: int | None) -> Value:
        """Record `tensor` (and its ndarray) as the value called `name`."""
        v = Value(name, tensor.data.shape, tensor.data.dtype, bdim)
        self.values[id(tensor)] = self.values[id(tensor.data)] = v
        self._keep.append(tensor)
        return v

    def info(self, x: Any) -> Value | None:
        """The traced value `x` is (a Tensor or the very ndarray of one), else None."""
        return self.values.get(id(x))

    def bdim(self, x: Any) -> int | None:
        v = self.info(x)
        return None if v is None else v.bdim

    def arg(self, x: Any, dtype: Any = None) -> str:
        """The name of operand `x`, cast to `dtype` when one is given and `x` has another."""
        v = self.info(x)
        if v is not None:
            if dtype is None or v.dtype == np.dtype(dtype):
                return v.name
            return self.add("Cast", [v.name], to=self.elem(dtype))
        key = id(x)
        arr = x.data if isinstance(x, Tensor) else np.asarray(x)
        if dtype is not None and arr.dtype != np.dtype(dtype):
            return self.const(arr.astype(dtype), self._params.get(key) or "const")
        if key in self._inits:
            return self._inits[key]
        pname = self._params.get(key)
        name = self.const(arr, pname, exact=pname is not None)
        self._inits[key] = name
        self._keep.append(x)
        return name

    # -- initializers and nodes ---------------------------------------------------------------
    def elem(self, dtype: Any) -> int:
        """ONNX's element type for a NumPy dtype."""
        return self.onnx.helper.np_dtype_to_tensor_dtype(np.dtype(dtype))

    def const(self, arr: Any, hint: str | None = "const", exact: bool = False) -> str:
        name = hint if exact else self.fresh(hint or "const")
        arr = np.array(arr, order="C")  # not ascontiguousarray: it makes 0-d arrays 1-d
        self.initializers.append(self.onnx.numpy_helper.from_array(arr, name))
        return name

    def ints(self, values: Any) -> str:
        """A 1-D int64 constant (shapes, axes, pads)."""
        return self.const(np.asarray(list(values), dtype=np.int64), "ints")

    def scalar(self, value: float, dtype: Any) -> str:
        return self.const(np.asarray(value, dtype=dtype), "scalar")

    def add(self, op_type: str, inputs: list, n_out: int = 1, **attrs: Any) -> Any:
        """Append one node; its output name (a list of names when n_out > 1)."""
        outs = [self.fresh(op_type) for _ in range(n_out)]
        self.nodes.append(self.onnx.helper.make_node(op_type, inputs, outs, **attrs))
        return outs[0] if n_out == 1 else outs

    def reduce(self, op_type: str, x: str, axes: Any, keepdims: bool) -> str:
        """A Reduce* node over `axes` (all when None); axes became an input in opset 18
        (ReduceSum: 13)."""
        as_input = self.opset >= (13 if op_type == "ReduceSum" else 18)
        if axes is None:
            return self.add(op_type, [x], keepdims=int(keepdims))
        if as_input:
            return self.add(op_type, [x, self.ints(axes)], keepdims=int(keepdims))
        return self.add(op_type, [x], axes=list(axes), keepdims=int(keepdims))

    def fail(self, why: str) -> ExportError:
        """An ExportError naming the op being mapped and where it ran."""
        return ExportError(f"export_onnx: {self.where}: {why}")
