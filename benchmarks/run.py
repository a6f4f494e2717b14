"""Run the benchmark workloads and print their ratios to hand-written NumPy and to PyTorch.

    python -m benchmarks [--repeat N] [--quick] [--only W1,W5] [--long] [--json out.json]
                         [--plot [PNG]]
    python benchmarks/run.py ...   (the same; also from a fresh clone, nothing to install)

Every contender of a workload is timed in the same run, round by round (so drift in the
machine's load hits all alike), on one thread; the best sample of each is kept, since other
load only ever adds time. Ratios below 1 favour the left side. Without PyTorch its columns
say "not installed".

Before a workload is timed, everything alive is frozen out of the cyclic collector
(gc.freeze(), undone afterwards): a full collection then scans only what the timed code
allocates, not the ~166,000 objects that importing PyTorch leaves behind, which would charge a
library that records its graph as Python objects for the size of another library's heap.
`--no-freeze` times without it.
"""
from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"  # before NumPy loads its BLAS: one thread everywhere

import argparse  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from typing import Any, Callable, Sequence  # noqa: E402

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks.registry import Workload, discover, load_torch  # noqa: E402

NOT_INSTALLED = "not installed"
RATIOS = ("ours/numpy", "torch/numpy", "ours/torch")


def sample(fn: Callable[[], Any], number: int) -> float:
    """Mean seconds per call over `number` calls."""
    start = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - start) / number


def measure(contenders: dict[str, Callable[[], Any]], number: int,
            repeat: int) -> dict[str, list[float]]:
    """`repeat` samples of each contender, interleaved round by round, after a warm-up of a
    few calls (caches, allocators)."""
    for fn in contenders.values():
        sample(fn, min(number, 5))
    times: dict[str, list[float]] = {k: [] for k in contenders}
    for _ in range(repeat):
        for k, fn in contenders.items():
            times[k].append(sample(fn, number))
    return times


def run_workload(w: Workload, torch: Any, repeat: int | None, quick: bool,
                 freeze: bool = True) -> dict:
    """Time one workload; the JSON-ready record of its times (seconds per op) and ratios.
    With `freeze`, what is alive after the setups is frozen out of the collector while the
    contenders are timed (see the module's docstring)."""
    note = w.check() if w.check is not None else None
    contenders = {"ours": w.ours(), "numpy": w.numpy()}
    if torch is not None and w.torch is not None:
        contenders["torch"] = w.torch()
    for label, (peer, setup) in w.extras.items():
        if peer == "numpy" or torch is not None:
            contenders[label] = setup()
    number = max(1, w.number // 10) if quick else w.number
    rounds = repeat if repeat is not None else (3 if quick else w.repeat)
    if freeze:
        gc.collect()
        gc.freeze()
    try:
        times = measure(contenders, number, rounds)
    finally:
        if freeze:
            gc.unfreeze()
    best = {k: min(v) / w.ops for k, v in times.items()}
    median = {k: statistics.median(v) / w.ops for k, v in times.items()}
    t_ours, t_np, t_th = best["ours"], best["numpy"], best.get("torch")
    ratios = {"ours/numpy": t_ours / t_np,
              "torch/numpy": None if t_th is None else t_th / t_np,
              "ours/torch": None if t_th is None else t_ours / t_th}
    extras = {k: {"best": best[k], "median": median[k],
                  "ratio_to_numpy": best[k] / t_np} for k in w.extras if k in best}
    return {"name": w.name, "description": w.description, "per": "op" if w.ops > 1 else "step",
            "samples": rounds, "calls_per_sample": number,
            "best": {k: best.get(k) for k in ("ours", "numpy", "torch")},
            "median": {k: median.get(k) for k in ("ours", "numpy", "torch")},
            "ratios": ratios, "extras": extras, "check": note}


def fmt_time(seconds: float | None) -> str:
    if seconds is None:
        return NOT_INSTALLED
    if seconds < 1e-3:
        return f"{seconds * 1e6:.3f} us"
    return f"{seconds * 1e3:.3f} ms"


def fmt_ratio(r: float | None) -> str:
    return NOT_INSTALLED if r is None else f"{r:.2f}x"


def table(records: list[dict], torch_version: str | None, freeze: bool = True) -> str:
    """The ratio table as text (one row per workload, then the legend and extra rows)."""
    head = (f"{'workload':<10} {'per':<5} {'scratchgrad':>14} {'numpy':>14} {'torch':>14} "
            f"{'ours/numpy':>14} {'torch/numpy':>14} {'ours/torch':>14}")
    lines = [head, "-" * len(head)]
    for r in records:
        b, q = r["best"], r["ratios"]
        lines.append(f"{r['name']:<10} {r['per']:<5} {fmt_time(b['ours']):>14} "
                     f"{fmt_time(b['numpy']):>14} {fmt_time(b['torch']):>14} "
                     + " ".join(f"{fmt_ratio(q[k]):>14}" for k in RATIOS))
    lines.append("")
    for r in records:
        lines.append(f"{r['name']}: {r['description']}")
        for label, e in r["extras"].items():
            lines.append(f"    {label}: {fmt_time(e['best'])} per {r['per']}, "
                         f"{e['ratio_to_numpy']:.2f}x numpy")
        if r["check"]:
            lines.append(f"    check: {r['check']}")
    torch_note = f"torch {torch_version}" if torch_version else f"torch {NOT_INSTALLED}"
    heap = ("heap alive before timing frozen out of the collector, --no-freeze to include it"
            if freeze else "collector scans the whole heap")
    lines.append(f"(best of the samples, 1 thread, {torch_note}, {heap}; ratios < 1 favour the "
                 "left side)")
    return "\n".join(lines)


def plot(records: list[dict], path: str) -> None:
    """The ratios as grouped bars on a log scale, saved to `path` (needs matplotlib)."""
    try:
        import matplotlib
    except ImportError:
        raise SystemExit("--plot needs matplotlib: pip install matplotlib") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    names = [r["name"] for r in records]
    shown = [k for k in RATIOS if any(r["ratios"][k] is not None for r in records)]
    width = 0.8 / len(shown)
    fig, ax = plt.subplots(figsize=(max(6.0, 1.2 * len(names) + 2), 4.5))
    for i, key in enumerate(shown):
        xs = [j + (i - (len(shown) - 1) / 2) * width for j in range(len(names))]
        values = [r["ratios"][key] for r in records]
        ax.bar([x for x, v in zip(xs, values) if v is not None],
               [v for v in values if v is not None], width, label=key)
    ax.axhline(1.0, color="black", linewidth=0.8)
    ax.set_yscale("log")
    ticks = matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}x")
    ax.yaxis.set_major_formatter(ticks)
    ax.yaxis.set_minor_formatter(ticks)
    ax.set_xticks(range(len(names)), names)
    ax.set_ylabel("time ratio (log scale; < 1 favours the left side)")
    ax.set_title("scratchgrad benchmarks: ratios measured in the same run")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Time every workload against hand-written NumPy and PyTorch.")
    parser.add_argument("--repeat", type=int, default=None,
                        help="timing samples per contender (default: each workload's own)")
    parser.add_argument("--quick", action="store_true",
                        help="three short samples each: checks that everything runs")
    parser.add_argument("--only", default=None,
                        help="comma-separated workload names, e.g. W1,W5")
    parser.add_argument("--long", action="store_true",
                        help="also run the long workloads (W6-200k, W6-1M), which are "
                        "otherwise run only when named in --only")
    parser.add_argument("--json", metavar="PATH", default=None, help="write the results here")
    parser.add_argument("--plot", metavar="PNG", nargs="?", const="benchmarks.png",
                        default=None, help="draw the ratios as a bar chart (default "
                        "benchmarks.png)")
    parser.add_argument("--no-freeze", dest="freeze", action="store_false",
                        help="time without freezing the objects alive before timing out of "
                        "the cyclic collector (then every full collection also scans "
                        "PyTorch's and NumPy's modules)")
    parser.add_argument("--list", action="store_true", help="list the workloads and exit")
    args = parser.parse_args(argv)
    if args.repeat is not None and args.repeat < 1:
        parser.error(f"--repeat must be >= 1, got {args.repeat}")
    return args


def select(workloads: list[Workload], only: str | None, long: bool = False) -> list[Workload]:
    """The workloads named in `only` (all when None, the long ones only with `long`)."""
    if only is None:
        return [w for w in workloads if long or not w.long]
    by_name = {w.name.lower(): w for w in workloads}
    wanted = [s.strip() for s in only.split(",") if s.strip()]
    unknown = [s for s in wanted if s.lower() not in by_name]
    if unknown or not wanted:
        raise SystemExit(f"--only: unknown workload(s) {', '.join(unknown) or '(none given)'}; "
                         f"known: {', '.join(w.name for w in workloads)}")
    return [by_name[s.lower()] for s in dict.fromkeys(wanted)]


def main(argv: Sequence[str] | None = None) -> int:
    """The command line; returns the exit status (1 when a bench module failed to import)."""
    args = parse_args(argv)
    workloads, failed = discover()
    for module, error in failed.items():
        print(f"warning: {module} is left out: {error}", file=sys.stderr)
    if args.list:
        for w in workloads:
            print(f"{w.name:<10} {w.description}{' (long)' if w.long else ''}")
        return 1 if failed else 0
    chosen = select(workloads, args.only, args.long)
    torch = load_torch()
    version = torch.__version__ if torch is not None else None
    records = []
    for w in chosen:
        print(f"running {w.name} ...", file=sys.stderr, flush=True)
        records.append(run_workload(w, torch, args.repeat, args.quick, args.freeze))
    print(table(records, version, args.freeze))
    if args.json:
        import numpy as np

        meta = {"python": platform.python_version(), "numpy": np.__version__,
                "torch": version, "quick": args.quick, "repeat": args.repeat, "threads": 1,
                "gc_freeze": args.freeze,
                "failed_modules": failed}
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"meta": meta, "workloads": records}, f, indent=2, allow_nan=False)
    if args.plot:
        plot(records, args.plot)
        print(f"bar chart written to {args.plot}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
