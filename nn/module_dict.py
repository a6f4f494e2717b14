"""`ModuleDict`: submodules registered under string keys, in insertion order."""
from __future__ import annotations

from typing import Any, Iterable, Iterator

from .module import Module


class ModuleDict(Module):
    """A dict of modules whose parameters are registered (it has no forward of its own)."""

    def __init__(self, modules: Any = None) -> None:
        super().__init__()
        if modules is not None:
            self.update(modules)

    @staticmethod
    def _check(key: Any, module: Any) -> None:
        if not isinstance(key, str):
            raise TypeError(f"ModuleDict: keys must be strings, got {type(key).__name__}")
        if "." in key or not key:
            raise KeyError(f"ModuleDict: invalid key {key!r} (no dots, not empty)")
        if not isinstance(module, Module):
            raise TypeError(f"ModuleDict[{key!r}]: {type(module).__name__} is not a Module")

    def __getitem__(self, key: str) -> Module:
        if key not in self._modules:
            raise KeyError(f"ModuleDict has no key {key!r}; keys: {list(self._modules)}")
        return self._modules[key]

    def __setitem__(self, key: str, module: Module) -> None:
        self._check(key, module)
        if hasattr(self, key) and key not in self._modules:
            raise KeyError(f"ModuleDict: key {key!r} would shadow the attribute of that name")
        self.add_module(key, module)

    def __delitem__(self, key: str) -> None:
        self[key]  # KeyError naming the keys when absent
        delattr(self, key)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __contains__(self, key: object) -> bool:
        return key in self._modules

    def keys(self) -> Iterable[str]:
        return self._modules.keys()

    def values(self) -> Iterable[Module]:
        return self._modules.values()

    def items(self) -> Iterable[tuple[str, Module]]:
        return self._modules.items()

    def pop(self, key: str) -> Module:
        module = self[key]
        del self[key]
        return module

    def clear(self) -> None:
        for key in list(self._modules):
            del self[key]

    def update(self, modules: Any) -> None:
        """Add (key, module) pairs from a mapping or an iterable of pairs."""
        items = modules.items() if hasattr(modules, "items") else modules
        for pair in items:
            if not isinstance(pair, (tuple, list)) or len(pair) != 2:
                raise TypeError(f"ModuleDict.update: expected (key, module) pairs, got "
                                f"{pair!r}")
            self[pair[0]] = pair[1]
