"""Argument checks shared by the optimizers and schedulers.

One rule per option name, used both when an optimizer or scheduler is built and when a saved
state is loaded into it: `TypeError` for a value of the wrong type, `ValueError` for a bad
value (NaN, out of range), each naming the class, the option and the value.
"""
from __future__ import annotations

import math
import numbers
from collections import Counter
from typing import Any, Callable

import numpy as np

from autograd import Tensor


def _is_real(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def real(owner: str, key: str, value: Any, low: float | None = None, high: float | None = None,
         *, low_open: bool = False, high_open: bool = False, finite: bool = True) -> float:
    """`value` as a float, after checking it is a real number (not NaN) in [low, high]."""
    if not _is_real(value):
        raise TypeError(f"{owner}: {key} must be a real number, got "
                        f"{type(value).__name__} {value!r}")
    v = float(value)
    if math.isnan(v) or (finite and math.isinf(v)):
        raise ValueError(f"{owner}: invalid {key}={value!r} (must be a finite number)")
    below = low is not None and (v <= low if low_open else v < low)
    above = high is not None and (v >= high if high_open else v > high)
    if below or above:
        lo = "(" if low_open else "["
        hi = ")" if high_open else "]"
        span = f"{lo}{'-inf' if low is None else low}, {'inf' if high is None else high}{hi}"
        rule = (f"must be > {low}" if low_open else f"must be >= {low}") if high is None \
            else f"must be in {span}"
        raise ValueError(f"{owner}: invalid {key}={value!r} ({rule})")
    return v


def integer(owner: str, key: str, value: Any, low: int | None = None) -> int:
    """`value` as an int, after checking it is an integer >= low."""
    if not _is_int(value):
        raise TypeError(f"{owner}: {key} must be an int, got {type(value).__name__} {value!r}")
    if low is not None and value < low:
        raise ValueError(f"{owner}: invalid {key}={value!r} (must be >= {low})")
    return int(value)


def flag(owner: str, key: str, value: Any) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{owner}: {key} must be a bool, got {type(value).__name__} {value!r}")
    return bool(value)


def betas(owner: str, key: str, value: Any) -> tuple:
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise TypeError(f"{owner}: {key} must be a pair of numbers (beta1, beta2), got "
                        f"{value!r}")
    return tuple(real(owner, f"{key}[{i}]", b, 0.0, 1.0, high_open=True)
                 for i, b in enumerate(value))


def choice(owner: str, key: str, value: Any, options: tuple) -> Any:
    if not any(value is o or (isinstance(value, str) and value == o) for o in options):
        raise ValueError(f"{owner}: invalid {key}={value!r} (only "
                         f"{' or '.join(map(repr, options))} are supported)")
    return value


def _nonneg(o: str, k: str, v: Any) -> float:
    return real(o, k, v, 0.0)


_GROUP_RULES: dict[str, Callable[[str, str, Any], Any]] = {
    "lr": _nonneg, "initial_lr": _nonneg, "eps": _nonneg, "weight_decay": _nonneg,
    "momentum": _nonneg, "dampening": real, "lr_decay": _nonneg, "damping": _nonneg,
    "initial_accumulator_value": _nonneg, "momentum_decay": _nonneg,
    "tolerance_grad": _nonneg, "tolerance_change": _nonneg,
    "alpha": lambda o, k, v: real(o, k, v, 0.0, 1.0),
    "rho": lambda o, k, v: real(o, k, v, 0.0, 1.0),
    "betas": betas,
    "nesterov": flag, "maximize": flag, "amsgrad": flag, "centered": flag,
    "decoupled_weight_decay": flag,
    "max_iter": lambda o, k, v: integer(o, k, v, 1),
    "max_eval": lambda o, k, v: integer(o, k, v, 1),
    "history_size": lambda o, k, v: integer(o, k, v, 1),
    "max_params": lambda o, k, v: integer(o, k, v, 1),
    "line_search_fn": lambda o, k, v: choice(o, k, v, (None, "strong_wolfe")),
}


def check_group(owner: str, group: dict[str, Any]) -> None:
    """Check the type and range of every option of a parameter group that has a rule."""
    for key, value in group.items():
        rule = _GROUP_RULES.get(key)
        if rule is not None:
            rule(owner, key, value)


def check_grads(owner: str, groups: list[dict[str, Any]]) -> None:
    """Refuse a `.grad` whose shape differs from its parameter's (it would broadcast)."""
    for gi, group in enumerate(groups):
        for i, p in enumerate(group["params"]):
            g = p.grad
            if g is None:
                continue
            shape = g.shape if isinstance(g, (Tensor, np.ndarray)) else None
            if shape != p.shape:
                what = f"shape {shape}" if shape is not None else type(g).__name__
                raise RuntimeError(
                    f"{owner}.step: the gradient of parameter {i} of group {gi} has {what} but "
                    f"the parameter has shape {p.shape}; a gradient must have its parameter's "
                    "shape")


def loss_value(owner: str, loss: Any) -> float:
    """The closure's loss as a float, or a TypeError saying what the closure returned."""
    try:
        return float(loss.item() if isinstance(loss, Tensor) else loss)
    except (TypeError, ValueError):
        raise TypeError(f"{owner}.step: the closure must return the loss (a scalar Tensor or "
                        f"number), but it returned {type(loss).__name__} {loss!r:.60}"
                        ) from None


def check_state_dict(owner: str, state_dict: Any) -> None:
    """The outer structure of an optimizer state_dict: {'state': {...}, 'param_groups': [...]}."""
    if not isinstance(state_dict, dict):
        raise TypeError(f"{owner}.load_state_dict expects a dict from state_dict(), got "
                        f"{type(state_dict).__name__}")
    if not {"state", "param_groups"} <= set(state_dict):
        raise ValueError(f"{owner}.load_state_dict expects a dict with 'state' and "
                         f"'param_groups', got keys {sorted(map(str, state_dict))}")
    if not isinstance(state_dict["state"], dict):
        raise TypeError(f"{owner}.load_state_dict: 'state' must be a dict, got "
                        f"{type(state_dict['state']).__name__}")
    groups = state_dict["param_groups"]
    if not isinstance(groups, (list, tuple)) or not all(isinstance(g, dict) for g in groups):
        raise TypeError(f"{owner}.load_state_dict: 'param_groups' must be a list of dicts")
    for i, g in enumerate(groups):
        if not isinstance(g.get("params"), (list, tuple)):
            raise ValueError(f"{owner}.load_state_dict: saved group {i} has no 'params' list")


def check_param_state(owner: str, index: Any, p: Tensor, state: Any, flat: bool) -> None:
    """A saved per-parameter state: a dict whose arrays have the parameter's shape (or are
    flat, for optimizers that keep flat vectors) and whose step count is a number >= 0."""
    if not isinstance(state, dict):
        raise TypeError(f"{owner}.load_state_dict: the state of parameter {index} must be a "
                        f"dict, got {type(state).__name__}")
    for key, value in state.items():
        where = f"{owner}.load_state_dict: state[{index}][{key!r}]"
        if isinstance(value, Tensor):
            value = value.data
        if isinstance(value, np.ndarray):
            if value.dtype.kind not in "biuf":
                raise TypeError(f"{where} is an array of dtype {value.dtype}")
            if value.ndim and not flat and value.shape != p.shape:
                raise ValueError(f"{where} has shape {value.shape} but the parameter has "
                                 f"shape {p.shape}")
        elif key == "step":
            real(owner, f"state[{index}]['step']", value, 0.0)


_EXTRA = frozenset({"params", "initial_lr"})


def check_saved_groups(owner: str, saved: list, defaults: dict) -> None:
    """Saved groups may only hold this optimizer's options (another optimizer's state_dict
    is refused by name, not by a KeyError at the next step)."""
    for i, g in enumerate(saved):
        unknown = sorted(set(map(str, g)) - set(defaults) - _EXTRA)
        if unknown:
            raise ValueError(
                f"{owner}.load_state_dict: saved group {i} has option(s) "
                f"{', '.join(map(repr, unknown))}, which {owner} does not have (is it another "
                f"optimizer's state_dict?); {owner}'s options: {', '.join(sorted(defaults))}")


def milestones(owner: str, key: str, value: Any, *, strictly_sorted: bool = False) -> list:
    """A list of non-negative int milestones (sorted, when required)."""
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise TypeError(f"{owner}: {key} must be a list of ints, got "
                        f"{type(value).__name__} {value!r}")
    items = list(value.elements()) if isinstance(value, Counter) else list(value)
    for i, m in enumerate(items):
        integer(owner, f"{key}[{i}]", m, 0)
    if strictly_sorted and any(a >= b for a, b in zip(items, items[1:])):
        raise ValueError(f"{owner}: {key} must be strictly increasing, got {items}")
    return items


# -- schedulers ----------------------------------------------------------------------------
def _num(owner: str, key: str, value: Any, ok: Callable[[float], bool], rule: str,
         finite: bool = True) -> float:
    if not _is_real(value):
        raise TypeError(f"{owner}: {key} must be a real number, got "
                        f"{type(value).__name__} {value!r}")
    v = float(value)
    if math.isnan(v) or (finite and math.isinf(v)):
        raise ValueError(f"{owner}: {key} must be a finite number, got {value!r}")
    if not ok(v):
        raise ValueError(f"{owner}: {key} {rule}, got {value!r}")
    return v


def _int(owner: str, key: str, value: Any, low: int, rule: str) -> int:
    if not _is_int(value):
        raise TypeError(f"{owner}: {key} {rule}, got {type(value).__name__} {value!r}")
    if value < low:
        raise ValueError(f"{owner}: {key} {rule}, got {value!r}")
    return int(value)


def _rates(owner: str, key: str, value: Any) -> list:
    if not isinstance(value, (list, tuple)):
        raise TypeError(f"{owner}: {key} must be a list of numbers, got "
                        f"{type(value).__name__} {value!r}")
    return [_num(owner, f"{key}[{i}]", v, lambda x: x >= 0, "must be >= 0")
            for i, v in enumerate(value)]


def _one_of(*options: str) -> Callable[[str, str, Any], Any]:
    def check(owner: str, key: str, value: Any) -> Any:
        if not (isinstance(value, str) and value in options):
            raise ValueError(f"{owner}: {key} must be {' or '.join(map(repr, options))}, got "
                             f"{value!r}")
        return value
    return check


def _ge0(o: str, k: str, v: Any) -> float:
    return _num(o, k, v, lambda x: x >= 0, "must be >= 0")


def _count(o: str, k: str, v: Any) -> int:
    return _int(o, k, v, 0, "must be an int >= 0")


def _positive_int(o: str, k: str, v: Any) -> int:
    return _int(o, k, v, 1, "must be a positive int")


_SCHEDULER_RULES: dict[str, Callable[[str, str, Any], Any]] = {
    "last_epoch": lambda o, k, v: _int(o, k, v, -1, "must be an int >= -1"),
    "step_size": _positive_int, "total_iters": _positive_int,
    "gamma": _ge0, "eta_min": _ge0, "decay_rate": _ge0, "threshold": _ge0, "eps": _ge0,
    "T_max": lambda o, k, v: _num(o, k, v, lambda x: x > 0, "must be > 0"),
    "start_factor": lambda o, k, v: _num(o, k, v, lambda x: 0 < x <= 1, "must be in (0, 1]"),
    "end_factor": lambda o, k, v: _num(o, k, v, lambda x: 0 <= x <= 1, "must be in [0, 1]"),
    "factor": lambda o, k, v: _num(o, k, v, lambda x: 0 <= x < 1, "must be < 1.0 and >= 0"),
    "patience": _count, "cooldown": _count, "num_bad_epochs": _count,
    "cooldown_counter": _count,
    "best": lambda o, k, v: _num(o, k, v, lambda x: True, "", finite=False),
    "base_lrs": _rates, "min_lrs": _rates, "_last_lr": _rates,
    "min_lr": lambda o, k, v: _rates(o, k, v) if isinstance(v, (list, tuple)) else _ge0(o, k, v),
    "default_min_lr": lambda o, k, v: None if v is None else _ge0(o, k, v),
    "mode": _one_of("min", "max"), "threshold_mode": _one_of("rel", "abs"),
    "milestones": lambda o, k, v: milestones(o, k, v),
    "_milestones": lambda o, k, v: milestones(o, "milestones", v, strictly_sorted=True),
}


def scheduler_options(owner: str, **options: Any) -> None:
    """Check each named scheduler option that has a rule."""
    for key, value in options.items():
        rule = _SCHEDULER_RULES.get(key)
        if rule is not None:
            rule(owner, key, value)


def check_scheduler_state(sched: Any, state_dict: Any) -> None:
    """A saved scheduler state: a dict holding only this scheduler's attributes, each valid,
    with one rate per parameter group."""
    owner = type(sched).__name__
    if not isinstance(state_dict, dict):
        raise TypeError(f"{owner}.load_state_dict expects a dict from state_dict(), got "
                        f"{type(state_dict).__name__}")
    own = set(sched.state_dict())
    unknown = sorted(map(str, set(state_dict) - own))
    if unknown:
        raise ValueError(f"{owner}.load_state_dict: the saved state has {', '.join(unknown)}, "
                         f"which {owner} does not have (is it another scheduler's state?)")
    scheduler_options(owner, **{str(k): v for k, v in state_dict.items()})
    n_groups = len(sched.optimizer.param_groups)
    for key in ("base_lrs", "min_lrs", "_last_lr"):
        if key in state_dict and len(state_dict[key]) != n_groups:
            raise ValueError(f"{owner}.load_state_dict: {key} has {len(state_dict[key])} "
                             f"values but the optimizer has {n_groups} parameter group(s)")


class MissingInitialLR(KeyError, ValueError):
    """A schedule resumed (last_epoch >= 0) on groups that never recorded 'initial_lr': a
    KeyError as in PyTorch, and a ValueError like every other refused argument."""

    def __str__(self) -> str:  # KeyError would print the message in quotes
        return str(self.args[0])


def lambda_factor(fn: Callable, i: int, epoch: int) -> float:
    """LambdaLR's factor λᵢ(epoch), or an error naming LambdaLR and the lambda."""
    try:
        factor = fn(epoch)
    except (TypeError, ValueError, RuntimeError, AttributeError) as e:
        kind = (ValueError if isinstance(e, ValueError) else
                RuntimeError if isinstance(e, RuntimeError) else TypeError)
        raise kind(f"LambdaLR: lr_lambda[{i}]({epoch}) raised {type(e).__name__}: {e}") from e
    if not _is_real(factor):
        raise TypeError(f"LambdaLR: lr_lambda[{i}]({epoch}) returned "
                        f"{type(factor).__name__} {factor!r:.40}; it must return a number")
    return factor
