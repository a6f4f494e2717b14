"""The code's shape, as the architecture asks for it: `nn` and `optim` reach the engine's
internals only through `autograd.extend` (or the public `autograd` package), no function in
`autograd/`, `nn/` or `optim/` is over 60 lines and no file over 400."""
from __future__ import annotations

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
PACKAGES = ("autograd", "nn", "optim")


def _sources(*packages: str) -> list[pathlib.Path]:
    return sorted(p for pkg in packages for p in (ROOT / pkg).rglob("*.py"))


def _imports(path: pathlib.Path) -> list[tuple[int, str]]:
    """(line, module) of every absolute import in the file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found += [(node.lineno, node.module)]
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


@pytest.mark.parametrize("path", _sources("nn", "optim"), ids=lambda p: str(p.relative_to(ROOT)))
def test_nn_and_optim_use_only_the_public_door_into_autograd(path):
    for line, module in _imports(path):
        parts = module.split(".")
        if parts[0] != "autograd" or len(parts) == 1:
            continue
        where = f"{path.relative_to(ROOT)}:{line} imports {module}"
        if parts[1] == "extend":
            assert len(parts) <= 3 and not parts[-1].startswith("_"), where
        else:  # `from autograd import name`: a public name of the package itself
            assert len(parts) == 2 and not parts[1].startswith("_"), where
            assert parts[1] not in {"function", "engine", "ops", "tensor", "gradients"}, where


def test_one_data_of():
    definitions = [str(p.relative_to(ROOT)) for p in _sources(*PACKAGES)
                   if "def data_of(" in p.read_text(encoding="utf-8")]
    assert definitions == ["autograd/extend.py"]


@pytest.mark.parametrize("path", _sources(*PACKAGES), ids=lambda p: str(p.relative_to(ROOT)))
def test_functions_and_files_are_short(path):
    text = path.read_text(encoding="utf-8")
    name = str(path.relative_to(ROOT))
    assert text.count("\n") <= 400, f"{name} has {text.count(chr(10))} lines"
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = node.end_lineno - node.lineno + 1
            assert length <= 60, f"{name}:{node.lineno} {node.name} has {length} lines"


@pytest.mark.parametrize("path", _sources(*PACKAGES), ids=lambda p: str(p.relative_to(ROOT)))
def test_nothing_binds_methods_onto_tensor_from_outside(path):
    """Tensor's surface is written in tensor.py (and its visible base, tensor_surface.py):
    no other module assigns attributes to the class."""
    if path.name in ("tensor.py", "tensor_surface.py") and path.parent.name == "autograd":
        return
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "setattr":
            assert not (node.args and getattr(node.args[0], "id", None) == "Tensor"), where
        if isinstance(node, (ast.Assign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                assert not (isinstance(t, ast.Attribute)
                            and getattr(t.value, "id", None) == "Tensor"), where


def test_tensor_has_no_getattr_hook():
    """A `__getattr__` anywhere in Tensor's classes turns off CPython's specialised attribute
    reads on every Tensor (t.data, t.grad_fn, method lookups), a cost paid by every op; the
    hints for PyTorch names we lack are descriptors instead (tensor_surface.py)."""
    from autograd import Tensor
    assert all("__getattr__" not in vars(c) for c in Tensor.__mro__)
