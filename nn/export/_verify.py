"""The exported graph run once more, on a batch of another size, against the model."""
from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Tensor, no_grad

from ._graph import ExportError


def run_graph(proto: Any, x: np.ndarray) -> np.ndarray:
    """The graph's output on `x`: ONNX Runtime when installed and it has a kernel for every
    node (it lacks some for float64, e.g. Erf), else ONNX's reference evaluator."""
    try:
        import onnxruntime as ort

        session = ort.InferenceSession(proto.SerializeToString(),
                                       providers=["CPUExecutionProvider"])
    except ImportError:
        pass
    except Exception as e:
        if "NOT_IMPLEMENTED" not in str(e):
            raise
    else:
        return session.run(None, {"input": x})[0]
    from onnx.reference import ReferenceEvaluator

    return ReferenceEvaluator(proto).run(None, {"input": x})[0]


def verify_export(model: Any, proto: Any, example: np.ndarray) -> None:
    """Compare the graph with the model (in eval mode) on the example's rows reversed plus
    one more row: a value computed outside autograd's ops from the input (through `.data` or
    plain NumPy) was baked in as a constant, and shows up here as a mismatch."""
    x = np.concatenate([example[::-1], example[:1]])
    if x.dtype.kind == "f":  # each row scaled differently: statistics of x change too
        x = x * np.linspace(0.5, 1.5, len(x)).astype(x.dtype).reshape((-1,) + (1,) * (x.ndim - 1))
    with no_grad():
        want = model(Tensor(x)).data
    try:
        got = run_graph(proto, x)
    except Exception as e:  # the runtime's own errors: shapes baked into the graph, mostly
        raise ExportError(
            f"export_onnx: the exported graph fails on a batch of {len(x)} rows (the example "
            f"had {len(example)}): {e}"
        ) from e
    tol = 1e-2 if want.dtype == np.float16 else 1e-4
    scale = max(1.0, float(np.max(np.abs(want)))) if want.size else 1.0
    if got.shape != want.shape or not np.allclose(got, want, rtol=tol, atol=tol * scale,
                                                  equal_nan=True):
        raise ExportError(
            f"export_onnx: the exported graph gives other outputs than the model on a batch "
            f"of {len(x)} rows (the example had {len(example)}; shapes {got.shape} and "
            f"{want.shape}): some value was computed outside autograd's ops (through .data "
            "or NumPy) and baked in as a constant, or depends on the batch size"
        )
