"""`export_onnx`: a model's forward pass written as an ONNX file.

One forward pass on the example input, in eval mode, is traced op by op (every call of an op,
with all its arguments, not only those that need a gradient); each op becomes one ONNX node or
a small subgraph of them. Parameters and buffers become initializers under their names in the
model, other constants become initializers too, and the first (batch) axis of the input and the
output is dynamic. An op with no mapping raises `ExportError` naming the op and the module it
ran in. The `onnx` package is needed (`pip install ".[export]"`), and is imported only here.
"""
from __future__ import annotations

import sys
from typing import Any, NamedTuple

import numpy as np

from autograd import Tensor, no_grad
from autograd.extend import tracing

from ..batchnorm import _BatchNorm
from ..module import Module
from ._graph import BatchNormModule, ExportError, Graph
from ._verify import verify_export

__all__ = ["export_onnx", "ExportError"]

_DEFAULT = object()  # a handler left the batch axis to the default rule


class Call(NamedTuple):
    """One traced op call: the node, its arguments, its result and where it ran."""

    op: Any
    args: tuple
    kwargs: dict
    result: Any
    where: str


def _import_onnx() -> Any:
    try:
        import onnx
    except ImportError:
        raise ImportError(
            "nn.export_onnx needs the optional `onnx` package: pip install \".[export]\" "
            "(onnx, and onnxruntime to run the exported model)"
        ) from None
    return onnx


def _handlers() -> dict:
    from ._autograd_ops import HANDLERS as core
    from ._index_ops import HANDLERS as index
    from ._nn_ops import HANDLERS as layers

    return {**core, **index, **layers}


def _innermost(modules: dict) -> Any:
    """The innermost module of the model on the call stack (None outside them all)."""
    frame = sys._getframe(2)
    while frame is not None:
        module = frame.f_locals.get("self")
        if id(module) in modules:
            return module
        frame = frame.f_back
    return None


def _describe(modules: dict, module: Any) -> str:
    if module is None:
        return "the model's forward"
    return f"module '{modules[id(module)] or '(root)'}' ({type(module).__name__})"


def _whole_batchnorms(model: Any) -> list:
    """BatchNorm modules that run on their running statistics: one ONNX node each."""
    return [m for m in model.modules() if isinstance(m, _BatchNorm)
            and m.track_running_stats and m.running_mean is not None]


def _trace(model: Any, x: Tensor) -> tuple[list, Any]:
    modules = {id(m): n for n, m in model.named_modules()}
    whole = _whole_batchnorms(model)
    skip = {id(m) for m in whole}
    calls: list = []

    def record(node: Any, args: tuple, kwargs: dict, result: Any) -> None:
        module = _innermost(modules)
        if id(module) not in skip:
            calls.append(Call(node, args, kwargs, result, _describe(modules, module)))

    def record_module(module: Any, inputs: tuple, output: Any) -> None:
        calls.append(Call(BatchNormModule(), (inputs[0], module), {}, output,
                          _describe(modules, module)))

    handles = [m.register_forward_hook(record_module) for m in whole]
    try:
        with no_grad(), tracing(record):
            out = model(x)
    finally:
        for h in handles:
            h.remove()
    return calls, out


def _default_bdim(g: Graph, call: Call, out: Tensor) -> int | None:
    """The batch axis of a result: where broadcasting puts the first batched operand's."""
    for a in call.args:
        v = g.info(a)
        if v is not None and v.bdim is not None:
            b = out.data.ndim - len(v.shape) + v.bdim
            return b if 0 <= b < out.data.ndim else None
    return None


def _operand_ids(args: Any) -> Any:
    for a in args:
        if isinstance(a, Tensor):
            yield id(a)
            yield id(a.data)
        elif isinstance(a, np.ndarray):
            yield id(a)
        elif isinstance(a, (tuple, list)):
            yield from _operand_ids(a)


def _live(calls: list, out: Tensor) -> list:
    """The calls the output depends on (a forward may compute values it then drops)."""
    needed = {id(out), id(out.data)}
    keep = []
    for call in reversed(calls):
        results = call.result if isinstance(call.result, tuple) else (call.result,)
        if any(id(t) in needed or id(t.data) in needed for t in results):
            keep.append(call)
            needed.update(_operand_ids(call.args))
    return keep[::-1]


def _map(g: Graph, calls: list, handlers: dict) -> None:
    for i, call in enumerate(calls):
        name = type(call.op).__name__
        g.where = f"op {name} (#{i + 1} of {len(calls)} traced ops, in {call.where})"
        handler = handlers.get(type(call.op))
        if handler is None:
            raise ExportError(f"export_onnx: {g.where} has no ONNX mapping")
        g.out_bdim = _DEFAULT
        names = handler(g, call)
        outs = call.result if isinstance(call.result, tuple) else (call.result,)
        names = names if isinstance(names, list) else [names]
        for t, n in zip(outs, names):
            bdim = _default_bdim(g, call, t) if g.out_bdim is _DEFAULT else g.out_bdim
            g.bind(t, n, bdim)


def _io(g: Graph, name: str, value: Any, arr: np.ndarray) -> Any:
    shape: list = list(arr.shape)
    if value is not None and value.bdim == 0:
        shape[0] = "batch"
    return g.onnx.helper.make_tensor_value_info(name, g.elem(arr.dtype), shape)


def _build(model: Any, x: Tensor, onnx: Any, opset: int) -> tuple[Any, Any]:
    calls, out = _trace(model, x)
    if not isinstance(out, Tensor):
        raise ExportError(f"export_onnx: the model returned {type(out).__name__}; only a "
                          "single Tensor output can be exported")
    params: dict = {}
    for n, t in [*model.named_parameters(), *model.named_buffers()]:
        if isinstance(t, Tensor):
            params[id(t)] = params[id(t.data)] = n
    g = Graph(onnx, opset, params)
    g.bind(x, "input", 0)
    _map(g, _live(calls, out), _handlers())
    v = g.info(out)
    g.nodes.append(onnx.helper.make_node("Identity", [g.arg(out)], ["output"]))
    graph = onnx.helper.make_graph(
        g.nodes, f"{type(model).__name__}", [_io(g, "input", g.info(x), x.data)],
        [_io(g, "output", v, out.data)], g.initializers,
    )
    proto = onnx.helper.make_model(
        graph, opset_imports=[onnx.helper.make_opsetid("", opset)],
        producer_name="scratchgrad",
    )
    proto.ir_version = min(proto.ir_version, 10)  # what current ONNX Runtime releases read
    onnx.checker.check_model(proto, full_check=True)
    return proto, out


def export_onnx(model: Any, example_input: Any, path: Any, opset: int = 17, *,
                verify: bool = True) -> Any:
    """Trace `model(example_input)` in eval mode and write it to `path` as an ONNX model.

    The first axis of the input and output is the (dynamic) batch axis: `example_input` needs
    at least 2 rows so that it can be told from axes of size 1. With `verify` (the default)
    the written graph is run on another batch (in ONNX Runtime, or ONNX's reference evaluator)
    and compared with the model, which catches values computed outside autograd's ops and
    baked in as constants. The training mode is restored afterwards. Returns the ModelProto.
    Raises ExportError naming the op and module when something cannot be exported.
    """
    if not isinstance(model, Module):
        raise TypeError(f"export_onnx: model must be an nn.Module, got {type(model).__name__}")
    onnx = _import_onnx()
    if not isinstance(opset, int) or not 13 <= opset <= onnx.defs.onnx_opset_version():
        raise ValueError(f"export_onnx: opset must be an int from 13 to "
                         f"{onnx.defs.onnx_opset_version()}, got {opset!r}")
    x = example_input if isinstance(example_input, Tensor) else Tensor(example_input)
    if x.ndim == 0 or x.shape[0] < 2:
        raise ValueError(f"export_onnx: example_input of shape {x.shape} needs a first "
                         "(batch) axis of at least 2 rows, to tell it from axes of size 1")
    x = Tensor(x.data.copy())
    modes = [(m, m.training) for m in model.modules()]  # each module's own mode comes back
    model.eval()
    try:
        proto, _ = _build(model, x, onnx, opset)
        if verify:
            verify_export(model, proto, x.data)
    finally:
        for m, mode in modes:
            m.training = mode
    onnx.save(proto, str(path))
    return proto
