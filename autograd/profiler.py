"""`profile()`: per-op call counts and forward/backward times.

Recording costs nothing when no profile is active: there is no check on the hot path at all.
Entering a profile swaps, for every op class, the forward that its `apply` calls and the
backward the engine calls for timed versions of the same functions; leaving puts the
originals back. One profile at a time, process-wide (ops run in other threads meanwhile are
counted too).

    with autograd.profiler.profile() as prof:
        loss = model(x).sum(); loss.backward()
    print(prof.table(sort_by="total"))
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable

from .function import Function

__all__ = ["profile", "OpEvent"]

_ACTIVE: list = []  # the running profile, if any


@dataclass
class OpEvent:
    """One op's totals: calls and seconds spent in forward and in backward."""

    name: str
    calls: int = 0
    forward_time: float = 0.0
    backward_calls: int = 0
    backward_time: float = 0.0

    @property
    def total_time(self) -> float:
        return self.forward_time + self.backward_time

    @property
    def mean_forward_time(self) -> float:
        return self.forward_time / self.calls if self.calls else 0.0

    @property
    def mean_backward_time(self) -> float:
        return self.backward_time / self.backward_calls if self.backward_calls else 0.0


def _op_classes() -> list[type]:
    seen: list[type] = []
    stack = list(Function.__subclasses__())
    while stack:
        cls = stack.pop()
        if cls not in seen:
            seen.append(cls)
            stack.extend(cls.__subclasses__())
    return seen


def _forward_cell(cls: type) -> Any:
    """The closure cell of `cls.apply` holding the forward it calls."""
    apply = cls.__dict__["apply"].__func__
    try:
        return apply.__closure__[apply.__code__.co_freevars.index("forward")]
    except (ValueError, TypeError):
        raise RuntimeError(f"profiler: {cls.__name__}.apply does not call a `forward` from its "
                           "closure; the profiler needs updating with the op protocol") from None


def _timed(fn: Callable, event: OpEvent, backward: bool) -> Callable:
    clock = time.perf_counter

    if backward:
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = clock()
            try:
                return fn(*args, **kwargs)
            finally:
                event.backward_time += clock() - start
                event.backward_calls += 1
    else:
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = clock()
            try:
                return fn(*args, **kwargs)
            finally:
                event.forward_time += clock() - start
                event.calls += 1
    return timed


class profile:  # noqa: N801  (PyTorch's name)
    """Context manager recording, per op, calls and forward and backward time."""

    _SORT_KEYS = {
        "total": "total_time", "cpu_time_total": "total_time",
        "self_cpu_time_total": "total_time", "forward": "forward_time",
        "backward": "backward_time", "calls": "calls", "count": "calls",
        "mean": "mean_forward_time", "name": "name",
    }

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self._events: dict[str, OpEvent] = {}
        self._undo: list[Callable[[], None]] = []

    def __enter__(self) -> "profile":
        if not self.enabled:
            return self
        if _ACTIVE:
            raise RuntimeError("profiler: a profile is already active; nest no profiles")
        _ACTIVE.append(self)
        try:
            for cls in _op_classes():
                self._instrument(cls)
        except BaseException:
            self._restore()
            raise
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.enabled and _ACTIVE and _ACTIVE[-1] is self:
            self._restore()

    def _instrument(self, cls: type) -> None:
        event = self._events.setdefault(cls.__name__, OpEvent(cls.__name__))
        cell = _forward_cell(cls)
        forward = cell.cell_contents
        cell.cell_contents = _timed(forward, event, backward=False)
        self._undo.append(lambda: setattr(cell, "cell_contents", forward))
        had = "backward" in cls.__dict__
        original = cls.__dict__.get("backward")
        # The function the engine reaches through the node: fn.backward(fn, g).
        resolved = cls.backward
        type.__setattr__(cls, "backward", staticmethod(_timed(resolved, event, backward=True)))
        if had:
            self._undo.append(lambda: type.__setattr__(cls, "backward", original))
        else:
            self._undo.append(lambda: type.__delattr__(cls, "backward"))

    def _restore(self) -> None:
        for undo in reversed(self._undo):
            undo()
        self._undo.clear()
        if self in _ACTIVE:
            _ACTIVE.remove(self)

    def events(self) -> list[OpEvent]:
        """One row per op that ran (forward or backward), most total time first."""
        rows = [e for e in self._events.values() if e.calls or e.backward_calls]
        return sorted(rows, key=lambda e: e.total_time, reverse=True)

    def table(self, sort_by: str = "total", row_limit: int = 100) -> str:
        """The events as a text table, like PyTorch's profiler tables."""
        key = self._SORT_KEYS.get(sort_by)
        if key is None:
            raise ValueError(f"profile.table: sort_by={sort_by!r}; use one of "
                             f"{sorted(self._SORT_KEYS)}")
        rows = sorted(self.events(), key=lambda e: getattr(e, key), reverse=key != "name")
        return _format(rows[:row_limit])


def _us(seconds: float) -> str:
    us = seconds * 1e6
    return f"{us / 1e3:.3f}ms" if us >= 1e3 else f"{us:.3f}us"


def _format(rows: list[OpEvent]) -> str:
    heads = ["Name", "Calls", "Forward total", "Forward mean", "Backward calls",
             "Backward total", "Total", "Total %"]
    grand = sum(e.total_time for e in rows) or 1.0
    body = [[e.name, str(e.calls), _us(e.forward_time), _us(e.mean_forward_time),
             str(e.backward_calls), _us(e.backward_time), _us(e.total_time),
             f"{100 * e.total_time / grand:.2f}%"] for e in rows]
    widths = [max(len(r[i]) for r in [heads] + body) + 2 for i in range(len(heads))]
    line = "-" * (sum(widths) + len(widths) - 1)

    def fmt(r: list[str]) -> str:
        return " ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in
                        enumerate(zip(r, widths)))

    total = sum(e.total_time for e in rows)
    return "\n".join([line, fmt(heads), line, *map(fmt, body), line,
                      f"Self time total: {_us(total)}"])
