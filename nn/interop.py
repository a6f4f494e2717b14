"""State dicts in PyTorch's layout, to move weights to and from the same architecture built
in PyTorch.

Names are the model's own qualified names, which are PyTorch's for the same architecture
("0.weight" in a Sequential, "hidden.bias" for an attribute `hidden`). The one layout that
differs is the Dense weight: ours is (in_features, out_features), PyTorch's Linear stores
(out_features, in_features), so it is transposed on the way out and back on the way in. A
layer class whose weight already has PyTorch's layout says so with `torch_layout = True`
(a Dense subclass included); `nn.Linear` is PyTorch's own layer and is never transposed.
"""
from __future__ import annotations

import sys
from collections import OrderedDict
from typing import Any, Mapping

import numpy as np

from autograd import Tensor

__all__ = ["torch_state_dict", "load_torch_state_dict"]


def weight_is_transposed(module: Any) -> bool:
    """True when `module.weight` is stored (in, out) where PyTorch stores (out, in)."""
    flag = getattr(type(module), "torch_layout", None)
    if flag is not None:
        return not flag
    package = sys.modules[__name__.rpartition(".")[0]]
    return isinstance(module, package.Dense)


def _entries(model: Any, who: str) -> OrderedDict:
    """{key: (array copy, transposed)} for every entry of `model.state_dict()`."""
    if not callable(getattr(model, "state_dict", None)) or not hasattr(model, "named_modules"):
        raise TypeError(f"{who}: model must be an nn.Module, got {type(model).__name__}")
    owners = dict(model.named_modules(remove_duplicate=False))
    out: OrderedDict = OrderedDict()
    for key, arr in model.state_dict().items():
        prefix, _, local = key.rpartition(".")
        flip = local == "weight" and arr.ndim == 2 and weight_is_transposed(owners[prefix])
        out[key] = (arr, flip)
    return out


def torch_state_dict(model: Any) -> OrderedDict:
    """The model's parameters and persistent buffers as NumPy arrays (fresh, C-contiguous
    copies) in PyTorch's layout: Dense weights transposed to (out_features, in_features)."""
    return OrderedDict((key, np.ascontiguousarray(arr.T) if flip else np.asarray(arr))
                       for key, (arr, flip) in _entries(model, "torch_state_dict").items())


def _as_array(value: Any, key: str) -> np.ndarray:
    """A state entry (torch tensor, Tensor, ndarray, number) as an ndarray of real numbers."""
    if type(value).__module__.startswith("torch") and hasattr(value, "detach"):
        value = value.detach().cpu()
        if str(value.dtype) == "torch.bfloat16":  # NumPy has no bfloat16
            value = value.float()
        value = value.numpy()
    elif isinstance(value, Tensor):
        value = value.data
    try:
        arr = np.asarray(value)
    except Exception as exc:  # noqa: BLE001 - re-raised with the key named
        raise TypeError(f"load_torch_state_dict: entry '{key}' ({type(value).__name__}) is "
                        f"not an array: {exc}") from None
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"load_torch_state_dict: entry '{key}' has dtype {arr.dtype}; expected "
                        "real numbers (a torch tensor or a NumPy array)")
    return arr


def _problem(key: str, arr: np.ndarray, have: np.ndarray, flip: bool) -> str | None:
    want = have.shape[::-1] if flip else have.shape
    if arr.shape != want:
        hint = ""
        if flip and arr.shape == have.shape:
            hint = ("; that is our own (in, out) layout: PyTorch's is (out, in), or use "
                    "model.load_state_dict for a state in our layout")
        what = "a Dense weight, PyTorch layout (out_features, in_features)" if flip else \
            "the model's shape"
        return (f"size mismatch for '{key}': the state has shape {arr.shape}, expected "
                f"{want} ({what}){hint}")
    if have.dtype.kind in "iu" and arr.dtype.kind == "f" and not (
            np.all(np.isfinite(arr)) and np.all(arr == np.round(arr))):
        return f"'{key}' must hold whole numbers (dtype {have.dtype}), got {arr.ravel()[:4]}"
    return None


def load_torch_state_dict(model: Any, state: Mapping[str, Any],
                          strict: bool = True) -> Any:
    """Load a PyTorch-layout state (torch tensors or arrays, e.g. `torch_model.state_dict()`)
    into `model`, transposing Dense weights back to (in, out). Every name and shape is checked
    first; on any problem a RuntimeError lists them all and the model is left unchanged.
    Values are cast to the model's dtypes. Returns (missing_keys, unexpected_keys) as
    `Module.load_state_dict` does."""
    if not isinstance(state, Mapping):
        raise TypeError(f"load_torch_state_dict: state must be a mapping of names to tensors, "
                        f"got {type(state).__name__}")
    slots = _entries(model, "load_torch_state_dict")
    owner = type(model).__name__
    missing = [k for k in slots if k not in state]
    unexpected = [k for k in state if k not in slots]
    problems, ours = [], {}
    for key, (have, flip) in slots.items():
        if key in state:
            arr = _as_array(state[key], key)
            problem = _problem(key, arr, have, flip)
            if problem:
                problems.append(problem)
            ours[key] = arr.T if flip else arr
    if strict and missing:
        problems.append("missing keys: " + ", ".join(repr(k) for k in missing))
    if strict and unexpected:
        problems.append("unexpected keys: " + ", ".join(repr(k) for k in unexpected))
    if problems:
        raise RuntimeError(f"load_torch_state_dict: error(s) loading a PyTorch state into "
                           f"{owner}:\n  " + "\n  ".join(problems))
    result = model.load_state_dict(ours, strict=False)  # checks shapes again, casts dtypes
    return type(result)(missing, unexpected)
