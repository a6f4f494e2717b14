"""`Optimizer`: parameter groups, per-parameter state and PyTorch's state_dict layout."""
from __future__ import annotations

import functools
from typing import Any, Callable, Iterable

import numpy as np

from autograd import Tensor, enable_grad
from autograd.extend import mark_changed as _mark_changed

from . import _checks

ParamsT = Iterable[Tensor] | Iterable[dict[str, Any]]


def mark_changed(arrays: Iterable[np.ndarray]) -> None:
    """After a step changed these parameter arrays in place: bump their versions (as PyTorch
    does), so backward through a graph that saved the old values raises instead of using the
    new ones. Every optimizer calls this once per group after its update."""
    for a in arrays:
        _mark_changed(a)

# Keys a parameter group may hold besides the optimizer's own options: the schedulers record
# the starting rate in "initial_lr", and a saved group brings it back.
_EXTRA_GROUP_KEYS = frozenset({"params", "initial_lr"})


class _Required:
    """Marks an option that has no default and must be given."""

    def __repr__(self) -> str:
        return "<required option>"


required = _Required()


def _copy_state_value(value: Any, dtype: np.dtype | None = None) -> Any:
    """Deep-copy arrays (inside lists too); cast floating arrays to `dtype` when given."""
    if isinstance(value, np.ndarray):
        if dtype is not None and value.dtype.kind == "f":
            return np.array(value, dtype=dtype, copy=True)
        return value.copy()
    if isinstance(value, list):
        return [_copy_state_value(v, dtype) for v in value]
    if isinstance(value, dict):
        return {k: _copy_state_value(v, dtype) for k, v in value.items()}
    return value


def _regularized_grad(
    param: np.ndarray, grad: np.ndarray, weight_decay: float, maximize: bool
) -> np.ndarray:
    """±g + wd·p (minus when maximizing); a new array whenever it differs from `grad`.

    The gradient array itself is never written: the engine may hand one array to several
    parameters.
    """
    if weight_decay == 0:
        return np.negative(grad) if maximize else grad
    out = np.multiply(param, weight_decay)
    if maximize:
        out -= grad
    else:
        out += grad
    return out


def as_array(x: Any) -> np.ndarray:
    """`x` as an ndarray: a ufunc on 0-d arrays returns a NumPy scalar, which `out=` and
    in-place updates can't use."""
    return x if type(x) is np.ndarray else np.asarray(x)


def _update_moments(g: np.ndarray, m: np.ndarray, v: np.ndarray, beta1: float,
                    beta2: float) -> np.ndarray:
    """In place: m ← β₁·m + (1−β₁)·g, v ← β₂·v + (1−β₂)·g² (Adam's two moments).

    Returns the scratch array it used, free for the caller's next step.
    """
    scratch = np.subtract(g, m)
    if type(scratch) is not np.ndarray:  # a 0-d parameter: ufuncs return a NumPy scalar
        scratch = np.asarray(scratch)
    scratch *= 1.0 - beta1
    m += scratch                      # m + (1−β₁)(g − m) = β₁·m + (1−β₁)·g
    np.multiply(g, g, out=scratch)
    scratch *= 1.0 - beta2
    v *= beta2
    v += scratch
    return scratch


class Optimizer:
    """Base of all optimizers.

    `param_groups` is a list of dicts, each with a "params" list and that group's options;
    `state` maps each parameter (by identity) to a dict of its running quantities.
    Subclasses implement `step()`, which gathers per-group lists of arrays and hands them to a
    plain `_<name>_update(...)` function.
    """

    # Optimizers that keep flat vectors over all parameters (LBFGS) set this: their state's
    # arrays are not shaped like the parameter they are stored under.
    _flat_state = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "step" in cls.__dict__:
            cls.step = _checking_grads(cls.__dict__["step"])

    def __init__(self, params: ParamsT, defaults: dict[str, Any]) -> None:
        if not isinstance(defaults, dict):
            raise TypeError(f"{type(self).__name__}: defaults must be a dict of options, got "
                            f"{type(defaults).__name__}")
        self.defaults: dict[str, Any] = dict(defaults)
        self.state: dict[Tensor, dict[str, Any]] = {}
        self.param_groups: list[dict[str, Any]] = []
        name = type(self).__name__
        if isinstance(params, Tensor):
            raise TypeError(
                f"{name}: params should be an iterable of Tensors or of dicts, but got a "
                "single Tensor; wrap it in a list: [tensor]"
            )
        if isinstance(params, (set, frozenset)):
            raise TypeError(f"{name}: {_SET_MESSAGE}")
        if not hasattr(params, "__iter__") or isinstance(params, (str, bytes)):
            raise TypeError(f"{name}: params should be an iterable of Tensors or of dicts, but "
                            f"got {type(params).__name__}")
        if isinstance(params, dict):
            raise TypeError(f"{name}: params should be an iterable of Tensors or of dicts, but "
                            "got a single dict; wrap the parameter group in a list: [group]")
        groups = list(params)
        if not groups:
            raise ValueError(f"{name} got an empty parameter list")
        n_dicts = sum(isinstance(g, dict) for g in groups)
        if n_dicts == 0:
            groups = [{"params": groups}]
        elif n_dicts != len(groups):
            raise TypeError(
                f"{name}: params mixes dicts and Tensors; give either a list of Tensors or a "
                "list of parameter-group dicts"
            )
        for group in groups:
            self.add_param_group(group)

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for key in sorted(k for k in group if k != "params"):
                lines.append(f"    {key}: {group[key]}")
        lines.append(")")
        return "\n".join(lines)

    # -- groups ------------------------------------------------------------------------------
    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters with its own options (missing ones take the defaults)."""
        name = type(self).__name__
        if not isinstance(param_group, dict):
            raise TypeError(f"{name}: a parameter group must be a dict, got "
                            f"{type(param_group).__name__}")
        if "params" not in param_group:
            raise ValueError(f"{name}: a parameter group needs a 'params' entry")
        unknown = sorted(set(param_group) - set(self.defaults) - _EXTRA_GROUP_KEYS)
        if unknown:
            raise ValueError(
                f"{name} has no option {', '.join(map(repr, unknown))}; known options: "
                f"{', '.join(sorted(self.defaults))}"
            )
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, (set, frozenset)):
            raise TypeError(f"{name}: {_SET_MESSAGE}")
        elif not hasattr(params, "__iter__") or isinstance(params, (str, bytes)):
            raise TypeError(f"{name}: a parameter group's 'params' must be a list of Tensors, "
                            f"got {type(params).__name__}")
        else:
            params = list(params)
        seen: dict[int, int] = {}
        for i, p in enumerate(params):
            if not isinstance(p, Tensor):
                raise TypeError(
                    f"{name} can only optimize Tensors, but parameter {i} is a "
                    f"{type(p).__name__}"
                )
            if not p.is_leaf:
                raise ValueError(
                    f"{name} can't optimize a non-leaf Tensor (parameter {i}, shape {p.shape}, "
                    "computed by an op); optimize the leaf it came from, or pass "
                    "t.detach().requires_grad_()"
                )
            if id(p) in seen:
                raise ValueError(
                    f"{name}: parameter group lists the same Tensor twice (positions "
                    f"{seen[id(p)]} and {i}); list each parameter once"
                )
            seen[id(p)] = i
        in_other_groups = {id(p) for g in self.param_groups for p in g["params"]}
        if not in_other_groups.isdisjoint(seen):
            raise ValueError(
                f"{name}: some parameters appear in more than one parameter group; "
                "give each parameter to exactly one group"
            )
        group = {"params": params}
        for key, default in self.defaults.items():
            value = param_group.get(key, default)
            if value is required:
                raise ValueError(f"{name}: parameter group didn't specify a value of "
                                 f"required option {key!r}")
            group[key] = value
        if "initial_lr" in param_group:
            group["initial_lr"] = param_group["initial_lr"]
        self._check_group(group)
        self.param_groups.append(group)

    def _check_group(self, group: dict[str, Any]) -> None:
        """Reject invalid option values; subclasses extend it."""
        _checks.check_group(type(self).__name__, group)
        if "lr" in group:
            self._require(group["lr"] >= 0.0, "lr", group["lr"], "must be >= 0")
        if "weight_decay" in group:
            wd = group["weight_decay"]
            self._require(wd >= 0.0, "weight_decay", wd, "must be >= 0")
        if "eps" in group:
            self._require(group["eps"] >= 0.0, "eps", group["eps"], "must be >= 0")

    def _require(self, ok: bool, key: str, value: Any, rule: str) -> None:
        if not ok:
            raise ValueError(f"{type(self).__name__}: invalid {key}={value!r} ({rule})")

    # -- gradients and steps -----------------------------------------------------------------
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget every parameter's gradient: drop it (default) or replace it by zeros.

        Zeros are a fresh array, never written into the old one, which may be shared.
        """
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    p.grad = None if set_to_none else Tensor(np.zeros_like(p.data))

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient; return `closure()` if given."""
        raise NotImplementedError(f"{type(self).__name__} does not implement step()")

    def _gather(
        self, group: dict[str, Any],
        new_state: Callable[[np.ndarray], dict[str, Any]] | None = None,
    ) -> tuple[list[np.ndarray], list[np.ndarray], list[dict[str, Any]]]:
        """The arrays of `group`'s parameters that have a gradient, their gradients' arrays
        and their state dicts, in the group's order: what `_<name>_update` works on.

        With `new_state`, a parameter's state is made by `new_state(p.data)` on its first
        gradient, and a "step" count in it advances by one; without, no state is kept.
        """
        params, grads, states = [], [], []
        state = self.state
        for p in group["params"]:
            grad = p.grad
            if grad is None:
                continue
            params.append(p.data)
            grads.append(grad.data)
            if new_state is not None:
                st = state.get(p)
                if st is None:
                    st = state[p] = new_state(p.data)
                if "step" in st:
                    st["step"] += 1
                states.append(st)
        return params, grads, states

    def _eval_closure(self, closure: Callable[[], Any] | None) -> Any:
        if closure is None:
            return None
        with enable_grad():
            loss = closure()
        _checks.check_grads(type(self).__name__, self.param_groups)
        return loss

    # -- saving ------------------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """{"state": {index: {...}}, "param_groups": [{options..., "params": [index...]}]}.

        Parameters are numbered in group order, as PyTorch does; arrays are copies, so the
        snapshot does not change as training goes on.
        """
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            ids = []
            for p in group["params"]:
                ids.append(index.setdefault(id(p), len(index)))
            packed["params"] = ids
            groups.append(packed)
        state = {
            index[id(p)]: _copy_state_value(s) for p, s in self.state.items() if id(p) in index
        }
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore options and state saved by `state_dict()` onto this optimizer's parameters.

        State arrays are copied and cast to each parameter's dtype.
        """
        name = type(self).__name__
        _checks.check_state_dict(name, state_dict)
        saved_groups = state_dict["param_groups"]
        _checks.check_saved_groups(name, saved_groups, self.defaults)
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                f"{name}.load_state_dict: the saved state has {len(saved_groups)} parameter "
                f"group(s), this optimizer has {len(self.param_groups)}"
            )
        by_index: dict[int, Tensor] = {}
        for i, (saved, group) in enumerate(zip(saved_groups, self.param_groups)):
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(
                    f"{name}.load_state_dict: saved group {i} has {len(saved['params'])} "
                    f"parameters, this optimizer's group {i} has {len(group['params'])}"
                )
            by_index.update(zip(saved["params"], group["params"]))
        state: dict[Tensor, dict[str, Any]] = {}
        for k, saved_state in state_dict["state"].items():
            if isinstance(k, str) and k.isdigit():
                k = int(k)  # checkpoint formats may store dict keys as text
            if k not in by_index:
                raise ValueError(f"{name}.load_state_dict: state refers to parameter {k}, "
                                 "which no saved group lists")
            p = by_index[k]
            _checks.check_param_state(name, k, p, saved_state, self._flat_state)
            state[p] = {key: _copy_state_value(v, p.dtype) for key, v in saved_state.items()}
        # Options missing from an older save keep this optimizer's values; every group is
        # checked before anything is replaced, so a refused state leaves the optimizer as it was.
        groups = [{**group, **{k: v for k, v in saved.items() if k != "params"},
                   "params": group["params"]}
                  for saved, group in zip(saved_groups, self.param_groups)]
        for group in groups:
            self._check_group(group)
        self.state = state
        self.param_groups = groups


def _checking_grads(step: Callable) -> Callable:
    """`step` preceded by the check that every `.grad` has its parameter's shape."""
    @functools.wraps(step)
    def checked_step(self: Optimizer, *args: Any, **kwargs: Any) -> Any:
        _checks.check_grads(type(self).__name__, self.param_groups)
        return step(self, *args, **kwargs)
    return checked_step


_SET_MESSAGE = (
    "optimizer parameters must come in an ordered collection (a list), because a set's order "
    "changes from run to run and the saved state is matched to parameters by position"
)
