"""`to_dot`: the graph behind a tensor as Graphviz DOT text (no Graphviz needed to make it)."""
from __future__ import annotations

from .tensor import Tensor


def to_dot(tensor: Tensor, name: str = "graph") -> str:
    """DOT text with one box per op (name) and one ellipse per leaf and for the output (shape)."""
    lines = [f"digraph {name} {{", "  rankdir=BT;", '  node [fontname="Helvetica"];']
    ids: dict = {}

    def node_id(obj: object) -> str:
        if id(obj) not in ids:
            ids[id(obj)] = f"n{len(ids)}"
        return ids[id(obj)]

    out = node_id(tensor)
    lines.append(f'  {out} [label="output {tensor.shape} {tensor.dtype}", shape=ellipse, '
                 'style=filled, fillcolor="#d0e8ff"];')
    if tensor.grad_fn is None:
        lines.append("}")
        return "\n".join(lines)
    seen = set()
    stack = [tensor.grad_fn]
    lines.append(f"  {node_id(tensor.grad_fn)} -> {out};")
    while stack:
        fn = stack.pop()
        if id(fn) in seen:
            continue
        seen.add(id(fn))
        lines.append(f'  {node_id(fn)} [label="{fn.name}", shape=box];')
        for p in fn.parents or ():
            if p is None:
                continue
            if p.grad_fn is None:
                leaf = node_id(p)
                if id(p) not in seen:
                    seen.add(id(p))
                    lines.append(f'  {leaf} [label="leaf {p.shape} {p.dtype}", shape=ellipse];')
                lines.append(f"  {leaf} -> {node_id(fn)};")
            else:
                lines.append(f"  {node_id(p.grad_fn)} -> {node_id(fn)} "
                             f'[label="{p.shape}"];')
                stack.append(p.grad_fn)
    lines.append("}")
    return "\n".join(lines)
