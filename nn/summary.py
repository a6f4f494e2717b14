"""Keras-style model summary: one row per layer with its output shape and parameter count."""
from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Tensor, no_grad
from autograd.extend import data_of

# The batch size of the probe forward; shown as None. Two rather than one so that layers that
# need more than one sample (BatchNorm in training) would also run.
_PROBE_BATCH = 2


def _count(params: Any) -> int:
    return sum(int(p.data.size) for p in params)


def _shape_text(out: Any) -> str:
    if isinstance(out, (tuple, list)):
        return ", ".join(_shape_text(o) for o in out)
    shape = np.shape(data_of(out))
    if not shape:
        return "()"
    dims = ["None"] + [str(n) for n in shape[1:]]
    return "(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")"


def summarize(model: Any, input_shape: Any, dtype: Any = np.float32) -> str:
    """Run `model` on zeros of shape (batch, *input_shape) in eval mode under no_grad and
    format the table.

    The rows are the top-level layers as Keras shows them: every called module whose nearest
    called ancestor is the model itself (a nested Sequential is one row; a wrapper such as
    Maxout is one row, not its inner Dense). A row counts the parameters of the layer and all
    its sublayers; the total counts every parameter of the model once.
    """
    shape = (input_shape,) if isinstance(input_shape, int) else tuple(input_shape)
    names = {}
    for name, m in model.named_modules():
        names.setdefault(id(m), name)
    calls: list = []  # (module, output), in the order forwards finish
    handles = []
    modes = [(m, m.training) for m in model.modules()]
    for m in model.modules():
        handles.append(m.register_forward_hook(
            lambda mod, args, out: calls.append((mod, out))))
    model.eval()
    try:
        with no_grad():
            model(Tensor(np.zeros((_PROBE_BATCH,) + shape, dtype=dtype)))
    finally:
        for h in handles:
            h.remove()
        for m, mode in modes:
            m.__dict__["training"] = mode
    called_names = {names[id(m)] for m, _ in calls if m is not model}
    rows = []
    counted: set = set()
    for m, out in calls:
        name = names[id(m)]
        if m is model and called_names:
            continue
        parts = name.split(".")
        if any(".".join(parts[:i]) in called_names for i in range(1, len(parts))):
            continue  # shown as part of its nearest called ancestor
        fresh = [p for p in m.parameters() if id(p) not in counted]
        counted.update(id(p) for p in fresh)
        label = f"{name} ({type(m).__name__})" if m is not model else type(m).__name__
        rows.append((label, _shape_text(out), _count(fresh)))
    params = list(model.parameters())
    total = _count(params)
    trainable = _count(p for p in params if p.requires_grad)
    header = ("Layer (type)", "Output Shape", "Param #")
    w0 = max([len(header[0])] + [len(r[0]) for r in rows]) + 2
    w1 = max([len(header[1])] + [len(r[1]) for r in rows]) + 2
    w2 = max([len(header[2])] + [len(f"{r[2]:,}") for r in rows])
    width = w0 + w1 + w2
    lines = [f'Model: "{type(model).__name__}"', "_" * width,
             f"{header[0]:<{w0}}{header[1]:<{w1}}{header[2]:>{w2}}", "=" * width]
    for i, (name, shp, n) in enumerate(rows):
        lines.append(f"{name:<{w0}}{shp:<{w1}}{n:>{w2},}")
        lines.append("_" * width if i < len(rows) - 1 else "=" * width)
    if not rows:
        lines.append("=" * width)
    lines += [f"Total params: {total:,}", f"Trainable params: {trainable:,}",
              f"Non-trainable params: {total - trainable:,}", "_" * width]
    return "\n".join(lines)
