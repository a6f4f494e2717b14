"""Helpers of `Module`: hook handles, buffer values and the checked `load_state_dict`."""
from __future__ import annotations

from typing import Any, NamedTuple

from collections.abc import Mapping

import numpy as np

from autograd import Tensor
from autograd.extend import data_of

from . import _checks


class IncompatibleKeys(NamedTuple):
    """What `load_state_dict(strict=False)` could not match."""

    missing_keys: list[str]
    unexpected_keys: list[str]


class RemovableHandle:
    """Returned by `register_forward_hook`; `remove()` unregisters the hook."""

    _next_id = 0

    def __init__(self, hooks: dict) -> None:
        self._hooks = hooks
        self.id = RemovableHandle._next_id
        RemovableHandle._next_id += 1

    def remove(self) -> None:
        self._hooks.pop(self.id, None)


def as_buffer(value: Any, name: str) -> Tensor | None:
    """A buffer value as a Tensor that does not require grad (None stays None)."""
    if value is None or (isinstance(value, Tensor) and not value.requires_grad):
        return value
    if isinstance(value, Tensor):
        return Tensor(value.data)
    if isinstance(value, (np.ndarray, np.generic, int, float, bool)):
        return Tensor(np.asarray(value))
    raise TypeError(
        f"cannot assign a {type(value).__name__} to buffer '{name}': use an ndarray, a Tensor "
        "or None"
    )


def load_into(slots: dict, state: Any, strict: bool, owner: str) -> IncompatibleKeys:
    """Copy `state[key]` into the Tensor `slots[key]` for every shared key, after checking all
    shapes (and, when strict, that the keys agree); raise listing every problem otherwise."""
    if not isinstance(state, Mapping):
        raise TypeError(f"{owner}.load_state_dict expects a dict from state_dict(), got "
                        f"{type(state).__name__}")
    _checks.flag(f"{owner}.load_state_dict", "strict", strict)
    missing = [k for k in slots if k not in state]
    unexpected = [k for k in state if k not in slots]
    problems = []
    arrays = {}
    for key, t in slots.items():
        if key not in state:
            continue
        value = state[key]
        refused = _checks.state_value(owner, key, value)
        if refused is not None:
            problems.append(refused)
            continue
        arr = data_of(value)
        if arr.shape != t.data.shape:
            problems.append(
                f"size mismatch for {key}: the checkpoint has shape {arr.shape}, the model "
                f"has shape {t.data.shape}"
            )
        arrays[key] = arr
    if strict and missing:
        problems.append("missing keys: " + ", ".join(repr(k) for k in missing))
    if strict and unexpected:
        problems.append("unexpected keys: " + ", ".join(repr(k) for k in unexpected))
    if problems:
        hint = "\n(pass strict=False to ignore missing and unexpected keys)" \
            if strict and (missing or unexpected) else ""
        raise RuntimeError(
            f"error(s) in loading state_dict for {owner}:\n  " + "\n  ".join(problems) + hint
        )
    for key, arr in arrays.items():
        t = slots[key]
        t.data = np.array(arr, dtype=t.data.dtype)  # a fresh copy: `state` stays unshared
    return IncompatibleKeys(missing, unexpected)
