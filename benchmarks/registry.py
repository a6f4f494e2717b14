"""The workload registry: what a benchmark is, and where the runner finds them.

A workload is one `Workload` entry in the `WORKLOADS` list of a `benchmarks/bench_*.py`
module. `discover()` imports every such module and collects the entries, so a new workload
is one entry in a new or existing bench module; nothing else needs to change.

Each contender is a *setup* callable: called once, it builds its data and returns the
callable that is timed (one call = one step of the workload). Setups run before any timing,
so building models and arrays is never measured.
"""
from __future__ import annotations

import importlib
import pkgutil
import re
import sys
from dataclasses import dataclass, field
from typing import Any, Callable

Setup = Callable[[], Callable[[], Any]]


@dataclass(frozen=True)
class Workload:
    """One benchmark: our code against hand-written NumPy (and PyTorch) doing the same work.

    name: short id used by `--only` ("W1", "W-einsum").
    description: one line shown in the table.
    ours / numpy / torch: setups returning the timed callable; `torch` may import torch
        itself and is only called when torch imports (None when PyTorch has no peer).
    number: calls per timing sample; repeat: samples when `--repeat` is not given.
    ops: how many ops one call performs; times are shown per op when ops > 1.
    extras: more contenders shown under the table, as {label: (peer, setup)} where peer is
        "numpy" or "torch" (torch ones are skipped when torch is missing).
    check: optional; raises when our result and the reference disagree, may return a note.
    long: takes minutes; run only when named in `--only` or with `--long`.
    """

    name: str
    description: str
    ours: Setup
    numpy: Setup
    torch: Setup | None = None
    number: int = 10
    repeat: int = 7
    ops: int = 1
    extras: dict[str, tuple[str, Setup]] = field(default_factory=dict)
    check: Callable[[], str | None] | None = None
    long: bool = False

    def __post_init__(self) -> None:
        if not re.fullmatch(r"W[-\w]+", self.name):
            raise ValueError(f"Workload: name must look like 'W1' or 'W-einsum', got "
                             f"{self.name!r}")
        if self.number < 1 or self.repeat < 1 or self.ops < 1:
            raise ValueError(f"Workload {self.name}: number, repeat and ops must be >= 1")
        for label, (peer, _) in self.extras.items():
            if peer not in ("numpy", "torch"):
                raise ValueError(f"Workload {self.name}: extra {label!r} has peer {peer!r}; "
                                 "use 'numpy' or 'torch'")


def sort_key(name: str) -> tuple:
    """W1 < W2 < W10 < W-cumsum: numbered workloads first, in numeric order."""
    m = re.fullmatch(r"W(\d+)", name)
    return (0, int(m.group(1)), "") if m else (1, 0, name.lower())


def bench_modules() -> list[str]:
    """The importable names of every benchmarks/bench_*.py module, sorted."""
    import benchmarks

    return sorted(f"benchmarks.{info.name}" for info in pkgutil.iter_modules(benchmarks.__path__)
                  if info.name.startswith("bench_"))


def discover() -> tuple[list[Workload], dict[str, str]]:
    """Every registered workload, sorted by name, and {module: error} for modules that failed
    to import (so one broken module does not hide the others)."""
    found: dict[str, Workload] = {}
    failed: dict[str, str] = {}
    for module_name in bench_modules():
        try:
            module = importlib.import_module(module_name)
        except Exception as exc:  # noqa: BLE001 - reported to the user, not swallowed
            failed[module_name] = f"it failed to import: {type(exc).__name__}: {exc}"
            continue
        if not getattr(module, "WORKLOADS", None):
            failed[module_name] = "it defines no WORKLOADS list (see benchmarks/README.md)"
            continue
        for w in module.WORKLOADS:
            if w.name in found:
                raise ValueError(f"workload {w.name} is registered twice (again in "
                                 f"{module_name})")
            found[w.name] = w
    return sorted(found.values(), key=lambda w: sort_key(w.name)), failed


def training_step(model: Any, loss_fn: Any, opt: Any, x: Any, y: Any) -> Callable[[], float]:
    """One optimisation step as a callable, written once for this library and for PyTorch
    (both spell it zero_grad, forward, loss, backward, step)."""
    def step() -> float:
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()
    return step


def load_torch() -> Any:
    """The torch module set to one thread, or None when it does not import."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    return torch


def ensure_root_on_path() -> None:
    """Put the repository root first on sys.path, so a fresh clone runs without installing."""
    import os

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if root not in sys.path:
        sys.path.insert(0, root)
