"""`autograd.grad`: gradients of outputs with respect to chosen inputs, leaving `.grad` alone."""
from __future__ import annotations

from typing import Any

import numpy as np

from .engine import root_grad, run
from .tensor import Tensor, _make


class GradCapture:
    """What one grad() call collects during the walk instead of writing `.grad`.

    Leaves are recognised by identity as their gradients arrive; a non-leaf input by its node
    (and output index) when that node's complete gradient is ready.
    """

    __slots__ = ("create_graph", "leaves", "nodes", "results")

    def __init__(self, inputs: list, create_graph: bool) -> None:
        self.create_graph = create_graph
        self.leaves: dict = {}  # id(leaf) -> indices of `inputs`
        self.nodes: dict = {}  # node -> [(index of `inputs`, output index or None)]
        self.results: list = [None] * len(inputs)
        for i, t in enumerate(inputs):
            if t.grad_fn is None:
                self.leaves.setdefault(id(t), []).append(i)
            else:
                oidx = t._oidx if t.grad_fn._nout != 1 else None
                self.nodes.setdefault(t.grad_fn, []).append((i, oidx))

    def add_leaf(self, leaf: Tensor, g: Any) -> None:
        """Add a leaf's gradient to what grad() returns for it (when it asked for it)."""
        for i in self.leaves.get(id(leaf), ()):
            old = self.results[i]
            if old is None:
                self.results[i] = g if self.create_graph else g.copy()
            else:
                self.results[i] = old + g

    def add_node(self, fn: Any, g: Any) -> None:
        """Take a node's complete output gradient for the non-leaf inputs it produced."""
        for i, oidx in self.nodes.get(fn, ()):
            gi = g if oidx is None else g[oidx]
            self.results[i] = gi if self.create_graph else np.array(gi)

    def gradients(self, inputs: list, allow_unused: bool) -> tuple:
        """The results as Tensors of the inputs' dtypes (None for unused inputs if allowed)."""
        out = []
        for i, r in enumerate(self.results):
            if r is None:
                if not allow_unused:
                    raise RuntimeError(
                        f"grad(): input {i} (shape {inputs[i].shape}) was not used to compute "
                        "the outputs; pass allow_unused=True to get None for it"
                    )
                out.append(None)
                continue
            if r.dtype != inputs[i].dtype:
                r = r.astype(inputs[i].dtype)
            out.append(r if isinstance(r, Tensor) else _make(r, None))
        return tuple(out)


def grad(
    outputs: Any, inputs: Any, grad_outputs: Any = None, retain_graph: bool | None = None,
    create_graph: bool = False, allow_unused: bool = False,
) -> tuple:
    """Return d(outputs)/d(inputs) as a tuple of Tensors, without touching any `.grad`."""
    outs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    ins = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    if grad_outputs is None or isinstance(grad_outputs, (Tensor, np.ndarray)):
        gos = [grad_outputs] * len(outs) if grad_outputs is None else [grad_outputs]
    else:
        gos = list(grad_outputs)
    if len(gos) != len(outs):
        raise ValueError(f"grad(): {len(outs)} outputs but {len(gos)} grad_outputs")
    for i, t in enumerate(ins):
        if not isinstance(t, Tensor) or not t.requires_grad:
            raise RuntimeError(f"grad(): input {i} does not require grad")
    for o in outs:
        if not o.requires_grad:
            raise RuntimeError("grad(): an output does not require grad")
    seeds = [root_grad(o, go, create_graph) for o, go in zip(outs, gos)]
    capture = GradCapture(ins, create_graph)
    for o, s in zip(outs, seeds):
        if o.grad_fn is None:  # a leaf that is itself an output gets its seed directly
            for i in capture.leaves.get(id(o), ()):
                r = capture.results[i]
                capture.results[i] = s if r is None else r + s
    nonleaf = [(o, s) for o, s in zip(outs, seeds) if o.grad_fn is not None]
    if nonleaf:
        run([o for o, _ in nonleaf], [s for _, s in nonleaf], retain_graph, create_graph,
            capture)
    return capture.gradients(ins, allow_unused)
