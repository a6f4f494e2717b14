"""`detect_anomaly()`: stop at the first op whose forward or backward makes a NaN or inf."""
from __future__ import annotations

from .grad_mode import WATCH_BLOCKS, STATE


class detect_anomaly:
    """Inside this block every op checks its results; the first NaN or inf raises
    `FloatingPointError` naming the op, the phase (forward or backward) and the input shapes."""

    def __init__(self, check_nan: bool = True) -> None:
        self.check = bool(check_nan)

    def __enter__(self) -> "detect_anomaly":
        with WATCH_BLOCKS.lock:
            WATCH_BLOCKS.n += 1
        self._prev = STATE.anomaly
        STATE.anomaly = self.check
        STATE.watched = self.check or STATE.tracer is not None
        return self

    def __exit__(self, *exc: object) -> None:
        STATE.anomaly = self._prev
        STATE.watched = self._prev or STATE.tracer is not None
        with WATCH_BLOCKS.lock:
            WATCH_BLOCKS.n -= 1
