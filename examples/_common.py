"""Helpers shared by the example scripts: command line, progress bars, tables and plots.

Every script prints a human-readable table and, for scripts and tests that read its output,
`RESULT key=value ...` lines (one per row of results, values without spaces).
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence, TypeVar

# The examples multiply small matrices, where BLAS threads cost more in hand-offs than they
# save, and stall badly when the machine is busy: one thread unless the user chose otherwise.
# Read when NumPy loads its BLAS, so scripts import this module before NumPy.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import numpy as np  # noqa: E402  (after the thread limits above)

import autograd  # noqa: E402

T = TypeVar("T")


def make_parser(description: str, default_seed: int = 0) -> argparse.ArgumentParser:
    """A parser with the options every script shares: --quick, --out, --seed."""
    parser = argparse.ArgumentParser(
        description=description,
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--quick", action="store_true",
                        help="a small version of the experiment (seconds, not minutes)")
    parser.add_argument("--out", type=Path, default=argparse.SUPPRESS,
                        help="folder for plots and other files "
                             "(default: out/<script name>)")
    parser.add_argument("--seed", type=int, default=default_seed,
                        help="random seed; the same seed gives the same run")
    return parser


def positive_int(text: str) -> int:
    """argparse type for counts (epochs, batch size, steps ...): an int >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def setup(args: argparse.Namespace, script: str) -> Path:
    """Seed every generator from --seed and create the output folder; return it."""
    np.random.seed(args.seed)
    autograd.manual_seed(args.seed)
    out = getattr(args, "out", None) or Path("out") / Path(script).stem
    out.mkdir(parents=True, exist_ok=True)
    return out


def fmt(value: Any, digits: int = 4) -> str:
    """A compact text form of a number (general format), or str() of anything else."""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.{digits}g}"
    return str(value)


def print_table(headers: Sequence[str], rows: Iterable[Sequence[Any]], title: str = "") -> None:
    """Print rows as an aligned text table (numbers right-aligned)."""
    text_rows = [[fmt(v) for v in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in text_rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row)]
    if title:
        print(f"\n{title}")
    print("  ".join(h.rjust(w) for h, w in zip(headers, widths)))
    print("  ".join("-" * w for w in widths))
    for row in text_rows:
        print("  ".join(c.rjust(w) for c, w in zip(row, widths)))
    sys.stdout.flush()


def result(**values: Any) -> None:
    """Print one machine-readable line: RESULT key=value key=value ..."""
    parts = [f"{k}={fmt(v, 6).replace(' ', '_')}" for k, v in values.items()]
    print("RESULT " + " ".join(parts), flush=True)


class PlainProgress:
    """The fallback progress bar when tqdm is not installed: the same calls as a tqdm bar
    (update, set_postfix, write, close), drawn on stderr without dependencies.

    On a terminal it redraws one line in place (at most ten times a second); when stderr is
    a file or a pipe it writes only one summary line at the end, so logs stay readable.
    """

    def __init__(self, total: int, desc: str = "", width: int = 28) -> None:
        self.total, self.desc, self.width = max(int(total), 1), desc, width
        self.count, self.postfix = 0, ""
        self.start = self._last_draw = time.perf_counter()
        self.interactive = sys.stderr.isatty()

    def update(self, n: int = 1) -> None:
        """Advance by n steps."""
        self.count = min(self.count + n, self.total)
        now = time.perf_counter()
        if self.interactive and (now - self._last_draw > 0.1 or self.count == self.total):
            self._last_draw = now
            sys.stderr.write("\r" + self._line(now))
            sys.stderr.flush()

    def set_postfix(self, refresh: bool = True, **values: Any) -> None:
        """Values shown after the bar (e.g. the current loss and accuracy)."""
        self.postfix = ", ".join(f"{k}={fmt(v)}" for k, v in values.items())

    def write(self, text: str) -> None:
        """Print a line on stdout without garbling the bar (it is redrawn below the line)."""
        if self.interactive:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
        print(text, flush=True)
        if self.interactive:
            sys.stderr.write(self._line(time.perf_counter()))
            sys.stderr.flush()

    def _line(self, now: float) -> str:
        done = int(self.width * self.count / self.total)
        bar = "#" * done + "." * (self.width - done)
        elapsed = now - self.start
        eta = elapsed / self.count * (self.total - self.count) if self.count else 0.0
        return (f"{self.desc} [{bar}] {self.count}/{self.total} "
                f"{elapsed:5.1f}s eta {eta:4.1f}s {self.postfix}")

    def close(self) -> None:
        """Finish the bar with a newline (or the summary line when not on a terminal)."""
        line = self._line(time.perf_counter())
        sys.stderr.write(("\r" + line if self.interactive else line) + "\n")
        sys.stderr.flush()


def Progress(total: int, desc: str = "") -> Any:  # noqa: N802  (used like a class)
    """A progress bar on stderr: tqdm's when tqdm is installed, PlainProgress otherwise.

    Both take update(n), set_postfix(key=value, ...), write(text) (a line on stdout that
    does not garble the bar) and close(). stdout stays free for tables and RESULT lines.
    """
    try:
        from tqdm import tqdm
    except ImportError:
        return PlainProgress(total, desc)
    return tqdm(total=total, desc=desc, file=sys.stderr, dynamic_ncols=True, leave=True)


def progress(items: Sequence[T], desc: str = "") -> Iterator[T]:
    """Iterate over `items` with a progress bar."""
    bar = Progress(len(items), desc)
    try:
        for item in items:
            yield item
            bar.update()
    finally:
        bar.close()


def pyplot(filename: str = "plots") -> Any:
    """matplotlib.pyplot with a file-only backend, or None after a notice if not installed."""
    try:
        import matplotlib
    except ImportError:
        print(f"notice: matplotlib is not installed, so {filename} is not drawn "
              "(pip install matplotlib, or the project's 'examples' extra); "
              "the results table is printed as usual")
        return None
    matplotlib.use("Agg")  # files only: the scripts never open a window
    import matplotlib.pyplot as plt
    return plt


def save_figure(fig: Any, path: Path) -> None:
    """Save and close a figure, and say where it went."""
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    import matplotlib.pyplot as plt
    plt.close(fig)
    print(f"wrote {path}")


def smooth(values: Sequence[float], window: int) -> np.ndarray:
    """Moving average (for noisy mini-batch loss curves); same length as the input."""
    v = np.asarray(values, dtype=float)
    if window <= 1 or len(v) < 2:
        return v
    kernel = np.ones(min(window, len(v)))
    return np.convolve(v, kernel, "same") / np.convolve(np.ones_like(v), kernel, "same")



def plot_loss_curves(losses: dict[str, Sequence[float]], out_path: Path, title: str,
                     log_scale: bool = False) -> None:
    """One smoothed training-loss curve per run, by iteration, saved to `out_path`."""
    plt = pyplot(out_path.name)
    if plt is None:
        return
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for name, values in losses.items():
        ax.plot(np.arange(1, len(values) + 1), smooth(values, 25), label=name)
    ax.set(title=title, xlabel="iteration", ylabel="training loss (moving average)",
           yscale="log" if log_scale else "linear")
    ax.legend()
    save_figure(fig, out_path)
