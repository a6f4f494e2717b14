"""ONNX for nn's fused ops: affine maps, activations, softmax, convolution, pooling, layer
normalisation and embedding lookups (native ONNX ops, or small subgraphs of them)."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..functional import activations as act
from ..functional.conv import Conv2dOp
from ..functional.layernorm import LayerNormOp
from ..functional.linear import AffineOp
from ..functional.pooling import AvgPool2dOp, MaxPool2dOp
from ..functional.probabilities import LogSoftmax, Softmax
from ..functional.sparse import EmbeddingOp

from ._graph import BatchNormModule, Graph


def _dtype(rec: Any) -> np.dtype:
    return rec.result.data.dtype


def _x(g: Graph, rec: Any, i: int = 0) -> str:
    return g.arg(rec.args[i], _dtype(rec))


def _affine(g: Graph, rec: Any) -> str:
    """Gemm for 2-D inputs (transB for Linear's (out, in) weight), else MatMul + Add."""
    x, w, b, transposed = rec.args
    dt = _dtype(rec)
    xs, ws = g.arg(x, dt), g.arg(w, dt)
    bs = [] if b is None else [g.arg(b, dt)]
    if len(rec.result.shape) == 2 and np.ndim(x.data if hasattr(x, "data") else x) == 2:
        return g.add("Gemm", [xs, ws] + bs, transB=int(bool(transposed)))
    if transposed:
        ws = g.add("Transpose", [ws], perm=[1, 0])
    y = g.add("MatMul", [xs, ws])
    return g.add("Add", [y] + bs) if bs else y


def _softmax(op_type: str) -> Any:
    def handler(g: Graph, rec: Any) -> str:
        x, axis = rec.args
        if axis is None:
            raise g.fail(f"{op_type} of a 0-d tensor has no axis to export")
        return g.add(op_type, [_x(g, rec)], axis=int(axis))
    return handler


def _step(g: Graph, rec: Any) -> str:
    dt = _dtype(rec)
    return g.add("Cast", [g.add("Greater", [_x(g, rec), g.scalar(0, dt)])], to=g.elem(dt))


def _leaky_relu(g: Graph, rec: Any) -> str:
    return g.add("LeakyRelu", [_x(g, rec)], alpha=float(rec.args[1]))


def _elu(g: Graph, rec: Any) -> str:
    """ELU, or SELU's form γ·elu(x, α) (ONNX's Selu takes any α and γ). ONNX Runtime has
    neither for float64: there, γ·(x where x > 0 else α(e^min(x, 0) - 1))."""
    _, alpha, scale = rec.args
    dt, x = _dtype(rec), _x(g, rec)
    if dt != np.float64:
        if scale == 1.0:
            return g.add("Elu", [x], alpha=float(alpha))
        return g.add("Selu", [x], alpha=float(alpha), gamma=float(scale))
    neg = g.add("Sub", [g.add("Exp", [g.add("Min", [x, g.scalar(0, dt)])]), g.scalar(1, dt)])
    neg = g.add("Mul", [neg, g.scalar(alpha * scale, dt)])
    pos = x if scale == 1.0 else g.add("Mul", [x, g.scalar(scale, dt)])
    return g.add("Where", [g.add("Greater", [x, g.scalar(0, dt)]), pos, neg])


def _softplus_node(g: Graph, x: str, dt: np.dtype) -> str:
    """ln(1 + eˣ): ONNX's Softplus, or max(x, 0) + ln(1 + e^(-|x|)) in float64 (which ONNX
    Runtime's Softplus lacks)."""
    if dt != np.float64:
        return g.add("Softplus", [x])
    tail = g.add("Exp", [g.add("Neg", [g.add("Abs", [x])])])
    tail = g.add("Log", [g.add("Add", [tail, g.scalar(1, dt)])])
    return g.add("Add", [g.add("Max", [x, g.scalar(0, dt)]), tail])


def _gelu(g: Graph, rec: Any) -> str:
    """x · ½(1 + erf(x/√2)) (ONNX's Gelu from opset 20)."""
    dt, x = _dtype(rec), _x(g, rec)
    if g.opset >= 20:
        return g.add("Gelu", [x])
    erf = g.add("Erf", [g.add("Mul", [x, g.scalar(1 / math.sqrt(2), dt)])])
    half = g.add("Mul", [g.add("Add", [erf, g.scalar(1, dt)]), g.scalar(0.5, dt)])
    return g.add("Mul", [x, half])


def _gelu_tanh(g: Graph, rec: Any) -> str:
    """½x(1 + tanh(√(2/π)(x + 0.044715x³)))."""
    dt, x = _dtype(rec), _x(g, rec)
    if g.opset >= 20:
        return g.add("Gelu", [x], approximate="tanh")
    cube = g.add("Mul", [g.add("Mul", [x, x]), x])
    inner = g.add("Add", [x, g.add("Mul", [cube, g.scalar(0.044715, dt)])])
    t = g.add("Tanh", [g.add("Mul", [inner, g.scalar(math.sqrt(2 / math.pi), dt)])])
    half = g.add("Mul", [g.add("Add", [t, g.scalar(1, dt)]), g.scalar(0.5, dt)])
    return g.add("Mul", [x, half])


def _silu(g: Graph, rec: Any) -> str:
    x = _x(g, rec)
    return g.add("Mul", [x, g.add("Sigmoid", [x])])


def _mish(g: Graph, rec: Any) -> str:
    x = _x(g, rec)
    return g.add("Mul", [x, g.add("Tanh", [_softplus_node(g, x, _dtype(rec))])])


def _softplus(g: Graph, rec: Any) -> str:
    """ln(1 + e^(βx))/β, and x itself where βx > threshold."""
    _, beta, threshold = rec.args
    dt, x = _dtype(rec), _x(g, rec)
    bx = x if beta == 1.0 else g.add("Mul", [x, g.scalar(beta, dt)])
    soft = _softplus_node(g, bx, dt)
    if beta != 1.0:
        soft = g.add("Div", [soft, g.scalar(beta, dt)])
    above = g.add("Greater", [bx, g.scalar(threshold, dt)])
    return g.add("Where", [above, x, soft])


def _conv(g: Graph, rec: Any) -> str:
    x, w, b, geo, groups = rec.args
    dt = _dtype(rec)
    ins = [g.arg(x, dt), g.arg(w, dt)] + ([] if b is None else [g.arg(b, dt)])
    return g.add("Conv", ins, kernel_shape=[geo.kh, geo.kw], strides=[geo.sh, geo.sw],
                 pads=[geo.ph, geo.pw, geo.ph, geo.pw], dilations=[geo.dh, geo.dw],
                 group=int(groups))


def _max_pool(g: Graph, rec: Any) -> str:
    geo = rec.args[1]
    return g.add("MaxPool", [_x(g, rec)], kernel_shape=[geo.kh, geo.kw],
                 strides=[geo.sh, geo.sw], pads=[geo.ph, geo.pw, geo.ph, geo.pw],
                 dilations=[geo.dh, geo.dw])


def _avg_pool(g: Graph, rec: Any) -> str:
    """A number as divisor is kh·kw (padding counted); an array counts real inputs only."""
    _, geo, divisor = rec.args
    return g.add("AveragePool", [_x(g, rec)], kernel_shape=[geo.kh, geo.kw],
                 strides=[geo.sh, geo.sw], pads=[geo.ph, geo.pw, geo.ph, geo.pw],
                 count_include_pad=int(np.ndim(divisor) == 0))


def _layer_norm(g: Graph, rec: Any) -> str:
    x, w, b, axes, eps = rec.args
    if g.opset < 17:
        raise g.fail(f"LayerNormalization needs opset 17 or later, got opset {g.opset}")
    dt = _dtype(rec)
    shape = rec.result.shape[axes[0]:]
    scale = g.arg(w, dt) if w is not None else g.const(np.ones(shape, dt), "ones")
    ins = [_x(g, rec), scale] + ([] if b is None else [g.arg(b, dt)])
    return g.add("LayerNormalization", ins, axis=int(axes[0]), epsilon=float(eps))


def _embedding(g: Graph, rec: Any) -> str:
    weight, idx, _ = rec.args
    g.out_bdim = g.bdim(idx)
    return g.add("Gather", [g.arg(weight, _dtype(rec)), g.arg(idx, np.int64)], axis=0)


def _batch_norm(g: Graph, rec: Any) -> str:
    """A BatchNorm module in eval mode: BatchNormalization on its running statistics."""
    x, module = rec.args
    dt = _dtype(rec)
    c = module.num_features
    w = module.weight if module.weight is not None else np.ones(c, dt)
    b = module.bias if module.bias is not None else np.zeros(c, dt)
    ins = [g.arg(v, dt) for v in (x, w, b, module.running_mean, module.running_var)]
    return g.add("BatchNormalization", ins, epsilon=float(module.eps))


HANDLERS = {
    BatchNormModule: _batch_norm,
    AffineOp: _affine, Softmax: _softmax("Softmax"), LogSoftmax: _softmax("LogSoftmax"),
    act.Step: _step, act.LeakyRelu: _leaky_relu, act.Elu: _elu, act.Gelu: _gelu,
    act.GeluTanh: _gelu_tanh, act.Silu: _silu, act.Mish: _mish, act.Softplus: _softplus,
    Conv2dOp: _conv, MaxPool2dOp: _max_pool, AvgPool2dOp: _avg_pool,
    LayerNormOp: _layer_norm, EmbeddingOp: _embedding,
}
