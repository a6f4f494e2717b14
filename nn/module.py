"""`Module`: ordered registries of parameters, buffers and submodules, as in PyTorch.

Assigning a `Parameter` or a `Module` to an attribute registers it under that name; buffers
(state that is saved but not trained, such as BatchNorm's running statistics) are registered
with `register_buffer`. Registration order fixes the order of `parameters()` and of the keys of
`state_dict()`, so both are deterministic.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Any, Callable, Iterator

import numpy as np

from autograd import Tensor

from ._state import IncompatibleKeys, RemovableHandle, as_buffer, load_into
from .parameter import Parameter


class Module:
    """Base class of layers and models: subclass it, set attributes, define `forward`."""

    def __init__(self) -> None:
        # Registries live in __dict__ directly; registered values are mirrored into __dict__
        # too, so reading `self.weight` is a plain attribute lookup (layers read it often).
        d = self.__dict__
        d["training"] = True
        d["_parameters"] = OrderedDict()
        d["_buffers"] = OrderedDict()
        d["_non_persistent"] = set()
        d["_modules"] = OrderedDict()
        d["_forward_hooks"] = OrderedDict()

    # -- registration --------------------------------------------------------------------------
    def _registries(self) -> dict:
        try:
            return self.__dict__["_parameters"]
        except KeyError:
            raise AttributeError(
                f"cannot assign parameters or submodules before {type(self).__name__}.__init__ "
                "has called super().__init__()"
            ) from None

    def __setattr__(self, name: str, value: Any) -> None:
        d = self.__dict__
        if isinstance(value, Parameter):
            self._registries()
            self._forget(name)
            d["_parameters"][name] = value
        elif isinstance(value, Module):
            self._registries()
            self._forget(name)
            d["_modules"][name] = value
        elif "_parameters" in d and name in d["_parameters"]:
            if value is not None:
                raise TypeError(
                    f"cannot assign a {type(value).__name__} to parameter '{name}' of "
                    f"{type(self).__name__}: wrap it in nn.Parameter (or assign None)"
                )
            d["_parameters"][name] = None
        elif "_modules" in d and name in d["_modules"]:
            if value is not None:
                raise TypeError(
                    f"cannot assign a {type(value).__name__} to submodule '{name}' of "
                    f"{type(self).__name__}: only a Module or None"
                )
            d["_modules"][name] = None
        elif "_buffers" in d and name in d["_buffers"]:
            value = as_buffer(value, name)
            d["_buffers"][name] = value
        d[name] = value

    def __delattr__(self, name: str) -> None:
        self._forget(name)
        object.__delattr__(self, name)

    def _forget(self, name: str) -> None:
        d = self.__dict__
        for reg in ("_parameters", "_buffers", "_modules"):
            d[reg].pop(name, None)
        d["_non_persistent"].discard(name)

    def register_buffer(self, name: str, value: Any, persistent: bool = True) -> None:
        """Register state that is not a parameter (kept as a Tensor; None allowed).

        Persistent buffers appear in `state_dict()`.
        """
        if "." in name or not name:
            raise KeyError(f"register_buffer: invalid buffer name {name!r} (no dots, not empty)")
        self._registries()
        if name in self.__dict__ and name not in self._buffers:
            raise KeyError(f"register_buffer: attribute '{name}' already exists")
        self._buffers[name] = None
        self.__setattr__(name, value)
        if not persistent:
            self._non_persistent.add(name)

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Register `param` under `name` (same as assigning it as an attribute)."""
        if param is None:
            self._registries()
            self._forget(name)
            self._parameters[name] = None
            self.__dict__[name] = None
        else:
            self.__setattr__(name, param)

    def add_module(self, name: str, module: Module | None) -> None:
        """Register a submodule under `name` (same as assigning it as an attribute)."""
        self._registries()
        self._forget(name)
        self._modules[name] = module
        self.__dict__[name] = module

    # -- calling -------------------------------------------------------------------------------
    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The computation; every subclass defines it."""
        raise TypeError(
            f"{type(self).__name__} has no forward(); define forward(self, ...) in the subclass"
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        out = self.forward(*args, **kwargs)
        hooks = self._forward_hooks
        if hooks:
            for hook in list(hooks.values()):
                result = hook(self, args, out)
                if result is not None:
                    out = result
        return out

    def register_forward_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        """Call `hook(module, inputs, output)` after each forward; a non-None return replaces
        the output."""
        handle = RemovableHandle(self._forward_hooks)
        self._forward_hooks[handle.id] = hook
        return handle

    # -- traversal -----------------------------------------------------------------------------
    def named_modules(self, prefix: str = "", memo: set | None = None,
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Module]]:
        """(qualified name, module) for this module and every descendant, depth first; a
        module reachable by several names is listed once unless `remove_duplicate=False`."""
        memo = set() if memo is None else memo
        if id(self) in memo:
            return
        if remove_duplicate:
            memo.add(id(self))
        yield prefix, self
        for name, m in self._modules.items():
            if m is not None:
                yield from m.named_modules(f"{prefix}.{name}" if prefix else name, memo,
                                           remove_duplicate)

    def modules(self) -> Iterator[Module]:
        for _, m in self.named_modules():
            yield m

    def named_children(self) -> Iterator[tuple[str, Module]]:
        seen: set = set()
        for name, m in self._modules.items():
            if m is not None and id(m) not in seen:
                seen.add(id(m))
                yield name, m

    def children(self) -> Iterator[Module]:
        for _, m in self.named_children():
            yield m

    def _named_members(self, registry: str, recurse: bool) -> Iterator[tuple[str, Any]]:
        seen: set = set()
        mods = self.named_modules() if recurse else [("", self)]
        for prefix, m in mods:
            for name, v in getattr(m, registry).items():
                if v is None or id(v) in seen:
                    continue
                seen.add(id(v))
                yield (f"{prefix}.{name}" if prefix else name), v

    def named_parameters(self, recurse: bool = True) -> Iterator[tuple[str, Parameter]]:
        """(qualified name, parameter) in registration order; shared ones listed once."""
        return self._named_members("_parameters", recurse)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        for _, p in self.named_parameters(recurse):
            yield p

    def named_buffers(self, recurse: bool = True) -> Iterator[tuple[str, Tensor]]:
        return self._named_members("_buffers", recurse)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        for _, b in self.named_buffers(recurse):
            yield b

    # -- modes and gradients -------------------------------------------------------------------
    def train(self, mode: bool = True) -> Module:
        """Set training mode on this module and every descendant; returns self."""
        if not isinstance(mode, bool):
            raise TypeError(f"train(mode): mode must be a bool, got {type(mode).__name__}")
        for m in self.modules():
            m.__dict__["training"] = mode
        return self

    def eval(self) -> Module:
        """Evaluation mode (Dropout off, BatchNorm uses running statistics); returns self."""
        return self.train(False)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Drop (or zero, with set_to_none=False) every parameter's gradient."""
        for p in self.parameters():
            if set_to_none or p.grad is None:
                p.grad = None
            else:
                p.grad = Tensor(np.zeros_like(p.data))

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def to(self, *args: Any, **kwargs: Any) -> Module:
        """Cast floating-point parameters and buffers to a dtype in place (same Parameter
        objects); accepts PyTorch's spellings, and only the "cpu" device. Returns self."""
        from ._convert import module_to

        return module_to(self, *args, **kwargs)

    def float(self) -> Module:
        """`to(np.float32)`."""
        return self.to(np.float32)

    def double(self) -> Module:
        """`to(np.float64)`."""
        return self.to(np.float64)

    # -- state -----------------------------------------------------------------------------------
    def state_dict(self) -> OrderedDict:
        """Copies of every parameter and persistent buffer, keyed by qualified name."""
        return OrderedDict((k, t.data.copy()) for k, t in self._state_slots().items())

    def _state_slots(self) -> OrderedDict:
        """Every parameter and persistent buffer by qualified name; a shared submodule is
        listed under each of its names, as in PyTorch."""
        slots: OrderedDict = OrderedDict()
        for prefix, m in self.named_modules(remove_duplicate=False):
            pre = f"{prefix}." if prefix else ""
            for name, p in m._parameters.items():
                if p is not None:
                    slots[pre + name] = p
            for name, b in m._buffers.items():
                if b is not None and name not in m._non_persistent:
                    slots[pre + name] = b
        return slots

    def load_state_dict(self, state: Any, strict: bool = True) -> IncompatibleKeys:
        """Copy arrays from `state` into the parameters and buffers (cast to their dtypes).

        Nothing is changed unless every shape matches (and, when strict, every key).
        """
        return load_into(self._state_slots(), state, strict, type(self).__name__)

    # -- display ---------------------------------------------------------------------------------
    def extra_repr(self) -> str:
        """The layer's own settings, shown inside the parentheses of its repr."""
        return ""

    def __repr__(self) -> str:
        lines = []
        extra = self.extra_repr()
        if extra:
            lines.extend(extra.split("\n"))
        for name, m in self._modules.items():
            body = repr(m).replace("\n", "\n  ")
            lines.append(f"({name}): {body}")
        if not lines:
            return f"{type(self).__name__}()"
        if len(lines) == 1 and not self._modules:
            return f"{type(self).__name__}({lines[0]})"
        return type(self).__name__ + "(\n  " + "\n  ".join(lines) + "\n)"

    def summary(self, input_shape: Any, dtype: Any = np.float32, print_fn: Any = print) -> str:
        """Print (and return) each layer's output shape and parameter count, and the totals.

        `input_shape` excludes the batch axis (shown as None), as in Keras.
        """
        from .summary import summarize

        text = summarize(self, input_shape, dtype)
        if print_fn is not None:
            print_fn(text)
        return text

