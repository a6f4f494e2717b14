"""Grad mode: whether ops record a graph, kept per thread."""
from __future__ import annotations

import contextlib
import functools
import threading
from typing import Any, Callable, Iterator, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class _State(threading.local):
    # Class attributes are the defaults every new thread starts from.
    enabled = True
    anomaly = False
    # `tracer(node, args, kwargs, result)` is called after every op while set (nn.export_onnx
    # records a forward pass this way); `watched` is True while anomaly or tracer is on, so
    # that ops take their one slow path only then.
    tracer = None
    watched = False


STATE = _State()


class _Blocks:
    """How many `detect_anomaly` and `tracing` blocks are open, in all threads together. While
    none is, no thread has anomaly mode or a tracer on, so an op needs not look at its
    thread's `STATE.anomaly`/`STATE.tracer` (a thread-local lookup on every op); while one
    is, every op takes the checked path, which reads them."""

    __slots__ = ("n", "lock")

    def __init__(self) -> None:
        self.n = 0
        self.lock = threading.Lock()


WATCH_BLOCKS = _Blocks()


def is_grad_enabled() -> bool:
    """True when ops record a graph in the current thread."""
    return STATE.enabled


class _GradMode:
    """Base of the grad-mode switches: a context manager and a decorator."""

    mode = True

    def __new__(cls, *args: Any) -> Any:
        # `@no_grad` (bare) as well as `@no_grad()` and `with no_grad():`.
        if cls is not set_grad_enabled and len(args) == 1 and callable(args[0]):
            return cls()(args[0])
        return super().__new__(cls)

    def __init__(self) -> None:
        self._prev: list[bool] = []

    def __enter__(self) -> None:
        self._prev.append(STATE.enabled)
        STATE.enabled = self.mode

    def __exit__(self, *exc: object) -> None:
        STATE.enabled = self._prev.pop()

    def __call__(self, fn: F) -> F:
        mode = self.mode

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            prev = STATE.enabled
            STATE.enabled = mode
            try:
                return fn(*args, **kwargs)
            finally:
                STATE.enabled = prev

        return wrapper  # type: ignore[return-value]


class no_grad(_GradMode):
    """Ops run inside do not record a graph (context manager or decorator)."""

    mode = False


class enable_grad(_GradMode):
    """Ops run inside record a graph, even within `no_grad` (context manager or decorator)."""

    mode = True


class set_grad_enabled(_GradMode):
    """Set grad mode to `mode` inside the block (context manager or decorator)."""

    def __init__(self, mode: bool) -> None:
        super().__init__()
        self.mode = bool(mode)


@contextlib.contextmanager
def tracing(callback: Callable[..., None]) -> Iterator[None]:
    """Inside the block, call `callback(node, args, kwargs, result)` after every op of this
    thread: the op's node (its class names the op), its arguments as passed (Tensors, arrays,
    numbers, options), keyword options and the result Tensor (or tuple of them)."""
    prev = STATE.tracer
    with WATCH_BLOCKS.lock:
        WATCH_BLOCKS.n += 1
    STATE.tracer, STATE.watched = callback, True
    try:
        yield
    finally:
        STATE.tracer, STATE.watched = prev, STATE.anomaly or prev is not None
        with WATCH_BLOCKS.lock:
            WATCH_BLOCKS.n -= 1
