"""Containers: `Sequential` (a chain of layers) and `ModuleList` (a registered list)."""
from __future__ import annotations

from collections import OrderedDict
from typing import Any, Iterable, Iterator

from .module import Module


def _check_module(m: Any, where: str) -> Module:
    if not isinstance(m, Module):
        raise TypeError(f"{where}: {type(m).__name__} is not a Module")
    return m


class _IndexedModules(Module):
    """Submodules registered under the names "0", "1", ... with list-like access."""

    def _list(self) -> list:
        return list(self._modules.values())

    def _index(self, idx: int) -> int:
        n = len(self._modules)
        if not -n <= idx < n:
            raise IndexError(f"{type(self).__name__}: index {idx} is out of range for {n} modules")
        return idx % n

    def _renumber(self, mods: list) -> None:
        for name in list(self._modules):
            self._forget(name)
            del self.__dict__[name]
        for i, m in enumerate(mods):
            self.add_module(str(i), m)

    def __getitem__(self, idx: Any) -> Any:
        return self._list()[self._index(int(idx))]

    def __setitem__(self, idx: int, module: Module) -> None:
        _check_module(module, f"{type(self).__name__}[{idx}] = ...")
        self.add_module(str(self._index(int(idx))), module)

    def __delitem__(self, idx: Any) -> None:
        mods = self._list()
        del mods[idx if isinstance(idx, slice) else self._index(int(idx))]
        self._renumber(mods)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._list())

    def append(self, module: Module) -> Any:
        """Add `module` at the end; returns self."""
        _check_module(module, f"{type(self).__name__}.append")
        self.add_module(str(len(self._modules)), module)
        return self

    def extend(self, modules: Iterable[Module]) -> Any:
        if not hasattr(modules, "__iter__") or isinstance(modules, Module):
            raise TypeError(f"{type(self).__name__}.extend: expected an iterable of Modules, "
                            f"got {type(modules).__name__}")
        for m in modules:
            self.append(m)
        return self

    def insert(self, index: int, module: Module) -> None:
        mods = self._list()
        mods.insert(index, _check_module(module, f"{type(self).__name__}.insert"))
        self._renumber(mods)


class Sequential(_IndexedModules):
    """Apply the modules in order: y = mₙ(…m₂(m₁(x)))."""

    def __init__(self, *modules: Any) -> None:
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], OrderedDict):
            for name, m in modules[0].items():
                self.add_module(name, _check_module(m, f"Sequential entry '{name}'"))
            return
        for i, m in enumerate(modules):
            self.add_module(str(i), _check_module(m, f"Sequential argument {i}"))

    def __getitem__(self, idx: Any) -> Any:
        if isinstance(idx, slice):
            items = list(self._modules.items())[idx]
            return Sequential(OrderedDict(items))
        return super().__getitem__(idx)

    def forward(self, x: Any) -> Any:
        for m in self._modules.values():
            x = m(x)
        return x


class ModuleList(_IndexedModules):
    """A list of modules whose parameters are registered (it has no forward of its own)."""

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def __getitem__(self, idx: Any) -> Any:
        if isinstance(idx, slice):
            return ModuleList(self._list()[idx])
        return super().__getitem__(idx)
