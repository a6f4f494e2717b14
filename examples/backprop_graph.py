"""Backpropagation node by node on the course notes' graph f = w·x + b (w = -2, x = 5, b = 3).

Forward: the product node gives w·x = -10 and the sum node f = -10 + 3 = -7.
Backward from df/df = 1: a sum passes the gradient on unchanged (df/d(wx) = df/db = 1) and a
product swaps its inputs (df/dw = x = 5, df/dx = w = -2). Two Graphviz DOT files are written:
the graph as `autograd.to_dot` records it, and the same graph annotated with the values; both
are drawn as PNG when the `dot` program is installed, and the annotated graph is drawn with
matplotlib otherwise.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
from pathlib import Path

# _common first: it limits BLAS threads, which must happen before NumPy loads.
from _common import make_parser, print_table, pyplot, result, save_figure, setup

import autograd as ag


def values_dot(w: ag.Tensor, x: ag.Tensor, b: ag.Tensor, wx: ag.Tensor, f: ag.Tensor) -> str:
    """The same graph drawn as in the notes: forward values above, gradients below each edge."""
    def edge(src: str, dst: str, t: ag.Tensor, grad: float) -> str:
        return (f'  {src} -> {dst} [label=<<font color="darkgreen">{t.item():g}</font><br/>'
                f'<font color="red">{grad:g}</font>>];')

    return "\n".join([
        "digraph f_values {",
        "  rankdir=LR;",
        '  node [fontname="Helvetica"]; edge [fontname="Helvetica"];',
        '  w [shape=plaintext]; x [shape=plaintext]; b [shape=plaintext];',
        '  mul [label="*", shape=circle]; add [label="+", shape=circle];',
        '  f [shape=plaintext];',
        edge("w", "mul", w, w.grad.item()),
        edge("x", "mul", x, x.grad.item()),
        edge("mul", "add", wx, wx.grad.item()),
        edge("b", "add", b, b.grad.item()),
        edge("add", "f", f, 1.0),
        '  legend [shape=note, label="green: forward value\\nred: df/d(value)"];',
        "}",
        "",
    ])


def draw_values(w: ag.Tensor, x: ag.Tensor, b: ag.Tensor, wx: ag.Tensor, f: ag.Tensor,
                out_path: Path) -> None:
    """The annotated graph drawn with matplotlib (when Graphviz is missing): on each edge the
    forward value above (green) and the gradient df/d(value) below (red)."""
    plt = pyplot(out_path.name)
    if plt is None:
        return
    pos = {"w": (0.0, 2.7), "x": (0.0, 0.9), "b": (0.0, -0.3), "*": (2.0, 1.8),
           "+": (4.0, 0.75), "f": (6.0, 0.75)}
    edges = [("w", "*", w, w.grad.item()), ("x", "*", x, x.grad.item()),
             ("*", "+", wx, wx.grad.item()), ("b", "+", b, b.grad.item()),
             ("+", "f", f, 1.0)]
    fig, ax = plt.subplots(figsize=(8, 4.2))
    for src, dst, value, grad in edges:
        (x0, y0), (x1, y1) = pos[src], pos[dst]
        ax.annotate("", xy=(x1 - 0.25, y1 + (y0 - y1) * 0.25 / (x1 - x0)), xytext=(x0 + 0.25, y0),
                    arrowprops=dict(arrowstyle="->", color="0.3", lw=1.4))
        mx, my = (x0 + x1) / 2, (y0 + y1) / 2
        ax.text(mx, my + 0.12, f"{value.item():g}", color="darkgreen", ha="center",
                va="bottom", fontsize=12, fontweight="bold")
        ax.text(mx, my - 0.12, f"{grad:g}", color="red", ha="center", va="top", fontsize=12)
    for name, (px, py) in pos.items():
        circle = name in ("*", "+")
        ax.text(px, py, name, ha="center", va="center", fontsize=14,
                bbox=dict(boxstyle="circle" if circle else "round", fc="white",
                          ec="black" if circle else "none"))
    ax.plot([], [], "s", color="darkgreen", label="forward value (above an edge)")
    ax.plot([], [], "s", color="red", label="df/d(value) (below an edge)")
    ax.legend(loc="lower right", fontsize=9)
    ax.set(xlim=(-0.6, 6.6), ylim=(-0.8, 3.0),
           title=f"f = w·x + b with w = {w.item():g}, x = {x.item():g}, b = {b.item():g}")
    ax.axis("off")  # a diagram: positions carry no quantity
    save_figure(fig, out_path)


def main() -> None:
    parser = make_parser(__doc__.splitlines()[0])
    parser.add_argument("-w", type=float, default=-2.0, help="weight w")
    parser.add_argument("-x", type=float, default=5.0, help="input x")
    parser.add_argument("-b", type=float, default=3.0, help="bias b")
    args: argparse.Namespace = parser.parse_args()
    out = setup(args, __file__)  # nothing is random here; --quick changes nothing either

    w = ag.Tensor(args.w, requires_grad=True)
    x = ag.Tensor(args.x, requires_grad=True)
    b = ag.Tensor(args.b, requires_grad=True)
    wx = w * x
    wx.retain_grad()  # keep the gradient of this intermediate node to print it
    f = wx + b
    graph_dot = ag.to_dot(f, name="f")  # before backward(), which frees the graph
    f.backward()

    rows = [
        ["w", "leaf", w.item(), "x", w.grad.item()],
        ["x", "leaf", x.item(), "w", x.grad.item()],
        ["b", "leaf", b.item(), "1 (sum node)", b.grad.item()],
        ["wx", "mul(w, x)", wx.item(), "1 (sum node)", wx.grad.item()],
        ["f", "add(wx, b)", f.item(), "1 (start)", 1.0],
    ]
    print_table(["node", "op", "forward value", "df/dnode is", "df/dnode"], rows,
                title="f = w·x + b, forward then backward:")
    result(f=f.item(), wx=wx.item(), df_dw=w.grad.item(), df_dx=x.grad.item(),
           df_db=b.grad.item(), df_dwx=wx.grad.item())

    paths = [out / "backprop_graph.dot", out / "backprop_values.dot"]
    paths[0].write_text(graph_dot + "\n")
    paths[1].write_text(values_dot(w, x, b, wx, f))
    for path in paths:
        print(f"wrote {path}")
    dot = shutil.which("dot")
    if dot is None:
        print("notice: Graphviz's `dot` program is not installed, so the annotated graph is "
              "drawn with matplotlib instead; render the DOT files elsewhere with "
              f"`dot -Tpng {paths[1].name} -o graph.png`")
        draw_values(w, x, b, wx, f, paths[1].with_suffix(".png"))
        return
    for path in paths:
        subprocess.run([dot, "-Tpng", str(path), "-o", str(path.with_suffix(".png"))],
                       check=True)
        print(f"wrote {path.with_suffix('.png')}")


if __name__ == "__main__":
    main()
