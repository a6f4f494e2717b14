"""Every activation function of the notes, with its derivative taken by autograd.

Step, sigmoid, tanh, ReLU, Leaky ReLU (the notes' slope 0.1), ELU, SELU, GELU (erf form and
tanh approximation), Swish/SiLU, Mish, Softplus and Maxout (two pieces, max(x, -0.5x - 1)
here). For each: the function and its derivative drawn from autograd (checked against
central differences), and the properties the notes discuss, measured: the range, whether
outputs are zero-centred (|E f(z)| < 0.1 for z ~ N(0, 1)), where the gradient saturates
(|f'| < 1e-3 at x = ±20) and whether it is monotone, next to what the notes say.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

# _common first: it limits BLAS threads, which must happen before NumPy loads.
from _common import make_parser, print_table, pyplot, result, save_figure, setup

import numpy as np

import autograd as ag
import nn


def maxout() -> nn.Module:
    """A one-input, two-piece Maxout with fixed pieces x and -0.5x - 1."""
    layer = nn.Maxout(1, 1, pieces=2)
    with ag.no_grad():
        for p in layer.parameters():  # the weight holds the slopes, the bias the offsets
            values = [1.0, -0.5] if p.ndim == 2 else [0.0, -1.0]
            p.data[...] = np.array(values).reshape(p.shape)
    return layer


def activations() -> dict[str, tuple[Callable, str]]:
    """name: (function of a Tensor, what the notes say of it)."""
    elementwise = lambda m: (lambda t: m(t.reshape(-1, 1)).reshape(-1))  # noqa: E731
    return {
        "step": (nn.Step(), "the perceptron's; zero gradient, cannot be trained by backprop"),
        "sigmoid": (nn.Sigmoid(), "(0, 1); not zero-centred (zig-zag); saturates"),
        "tanh": (nn.Tanh(), "(-1, 1); zero-centred; saturates"),
        "ReLU": (nn.ReLU(), "no saturation for x > 0; not zero-centred; can die"),
        "Leaky ReLU 0.1": (nn.LeakyReLU(0.1), "max(0.1x, x); does not die"),
        "ELU": (nn.ELU(), "ReLU's benefits, closer to zero-mean outputs"),
        "SELU": (nn.SELU(), "self-normalising (the notes' table)"),
        "GELU (erf)": (nn.GELU(), "x·Φ(x), Φ(x) = ½(1 + erf(x/√2))"),
        "GELU (tanh)": (nn.GELU(approximate="tanh"), "the tanh approximation of x·Φ(x)"),
        "Swish/SiLU": (nn.SiLU(), "x·σ(x) (the notes' table)"),
        "Mish": (nn.Mish(), "not monotone, not saturated, C∞"),
        "Softplus": (nn.Softplus(), "ln(1 + eˣ), a smooth ReLU (the notes' table)"),
        "Maxout": (elementwise(maxout()), "max of two learned lines; generalises ReLU"),
    }


def value_and_derivative(fn: Callable, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """f(x) and f'(x) by autograd (one backward of Σ f(x) gives every f'(x_i))."""
    t = ag.Tensor(x, requires_grad=True)
    y = fn(t)
    y.sum().backward()
    return y.data.copy(), t.grad.data.copy()


def properties(fn: Callable, seed: int) -> dict[str, object]:
    """The measured properties of one activation."""
    x = np.linspace(-20, 20, 4001)
    y, dy = value_and_derivative(fn, x)
    # unbounded where f still climbs (or, going left, falls) at the ends of the grid
    bound = lambda v: f"{v:.3g}" if abs(v) > 1e-6 else "0"  # noqa: E731
    lo = "-∞" if dy[0] > 1e-3 else bound(y.min())
    hi = "∞" if dy[-1] > 1e-3 or dy[0] < -1e-3 else bound(y.max())
    z = np.random.default_rng(seed).standard_normal(100_000)
    mean = float(value_and_derivative(fn, z)[0].mean())
    flat = [abs(dy[0]) < 1e-3, abs(dy[-1]) < 1e-3]
    saturates = {(True, True): "both ends", (True, False): "x → -∞",
                 (False, True): "x → +∞", (False, False): "no"}[tuple(flat)]
    # the derivative against central differences, away from kinks (|x| > 0.05) and from
    # Softplus' switch to x at x = 20 (a jump of 2e-9 that a difference quotient magnifies)
    h = 1e-6
    smooth = (np.abs(x) > 0.05) & (np.abs(x) < 19)
    smooth &= np.abs(x - (-0.5 * x - 1.0)) > 0.05  # Maxout's kink at x = -2/3
    numeric = (value_and_derivative(fn, x + h)[0] - value_and_derivative(fn, x - h)[0]) / (2 * h)
    return {"range": f"[{lo}, {hi}]", "mean": mean, "zero_centred": abs(mean) < 0.1,
            "saturates": saturates, "monotone": bool(np.all(dy >= -1e-9)),
            "grad_error": float(np.abs(numeric - dy)[smooth].max())}


def plot(curves: dict[str, tuple[np.ndarray, np.ndarray]], x: np.ndarray,
         out_path: Path) -> None:
    plt = pyplot(out_path.name)
    if plt is None:
        return
    n = len(curves)
    cols = 5
    rows = -(-n // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.3 * cols, 2.9 * rows), squeeze=False)
    for ax, (name, (y, dy)) in zip(axes.flat, curves.items()):
        ax.plot(x, y, label="f(x)")
        ax.plot(x, dy, "--", label="f'(x) (autograd)")
        ax.axhline(0, color="0.7", linewidth=0.6)
        ax.axvline(0, color="0.7", linewidth=0.6)
        ax.set(title=name, xlabel="x", ylabel="value", xlim=(x[0], x[-1]), ylim=(-2.0, 3.0))
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="upper left")
    for ax in axes.flat[n:]:
        ax.axis("off")
    fig.suptitle("Activation functions and their derivatives")
    save_figure(fig, out_path)


def main() -> None:
    parser = make_parser(__doc__.splitlines()[0])
    args = parser.parse_args()
    out = setup(args, __file__)  # under a second of work: --quick runs it in full

    x = np.linspace(-4, 4, 801)
    rows, curves = [], {}
    for name, (fn, notes) in activations().items():
        curves[name] = value_and_derivative(fn, x)
        p = properties(fn, args.seed)
        rows.append([name, p["range"], p["zero_centred"], p["saturates"], p["monotone"],
                     p["grad_error"], notes])
        result(activation=name.replace(" ", "_"), zero_centred=p["zero_centred"],
               saturates=p["saturates"].replace(" ", "_"), monotone=p["monotone"],
               mean=p["mean"], grad_error=p["grad_error"],
               f_at_1=float(value_and_derivative(fn, np.array([1.0]))[0][0]),
               f_at_minus_1=float(value_and_derivative(fn, np.array([-1.0]))[0][0]))
    print_table(["activation", "range", "zero-centred", "gradient saturates", "monotone",
                 "max |f' - central diff|", "the notes say"], rows,
                title="Properties measured on x in [-20, 20] (zero-centred: |E f(z)| < 0.1, "
                      "z ~ N(0, 1)):")
    plot(curves, x, out / "activations.png")


if __name__ == "__main__":
    main()
