"""Checkpoints without pickle: nested state as NumPy .npz arrays plus a JSON manifest.

The manifest (stored in the archive as the uint8 entry `__manifest__`) records the structure:
dicts (keys: str, int, float, bool, None or tuples of them), lists, tuples, ndarrays, Tensors,
NumPy scalars, Python numbers, strings, bools and None. Arrays are read with
`allow_pickle=False`, so loading a file can never run code; object arrays are refused both when
saving and when loading. `save` writes a temporary file in the target's directory and renames
it into place, so a crash leaves either the old checkpoint or the new one, never half of one.
"""
from __future__ import annotations

import json
import math
import os
import secrets
import zipfile
from typing import Any

import numpy as np

from autograd import Tensor

__all__ = ["save", "load", "CheckpointError"]

_FORMAT = "scratchgrad-checkpoint"
_VERSION = 1
_MANIFEST = "__manifest__"


class CheckpointError(ValueError):
    """A file that is not a readable checkpoint (corrupt, foreign, or holding pickled data)."""


def _encode(obj: Any, where: str, arrays: dict, key_only: bool = False) -> dict:
    if obj is None:
        return {"t": "none"}
    if isinstance(obj, bool):
        return {"t": "bool", "v": obj}
    if isinstance(obj, int):
        return {"t": "int", "v": obj}
    # np.float64 is a float too: as a value it is kept as a NumPy scalar (below), as a key
    # it becomes a float. repr(float(...)): NumPy 2 spells repr(np.float64(inf)) differently.
    if isinstance(obj, float) and (key_only or not isinstance(obj, np.generic)):
        obj = float(obj)
        return {"t": "float", "v": obj if math.isfinite(obj) else repr(obj)}
    if isinstance(obj, str):
        return {"t": "str", "v": obj}
    if isinstance(obj, tuple):
        return {"t": "tuple", "v": [_encode(x, f"{where}[{i}]", arrays, key_only)
                                    for i, x in enumerate(obj)]}
    if not key_only:
        if isinstance(obj, dict):
            items = [[_encode(k, f"{where} key {k!r}", arrays, True),
                      _encode(v, f"{where}[{k!r}]", arrays)] for k, v in obj.items()]
            return {"t": "dict", "v": items}
        if isinstance(obj, list):
            return {"t": "list", "v": [_encode(x, f"{where}[{i}]", arrays)
                                       for i, x in enumerate(obj)]}
        kind = "tensor" if isinstance(obj, Tensor) else "array" if isinstance(
            obj, np.ndarray) else "scalar" if isinstance(obj, np.generic) else None
        if kind is not None:
            arr = np.asarray(obj.data if isinstance(obj, Tensor) else obj)
            if arr.dtype.hasobject:
                raise TypeError(
                    f"nn.save: {where} is an array of dtype {arr.dtype} holding Python objects; "
                    "checkpoints store numeric, bool and string arrays only (never pickle)"
                )
            name = f"a{len(arrays)}"
            arrays[name] = arr
            node = {"t": kind, "v": name}
            if kind == "tensor":
                node["grad"] = bool(obj.requires_grad)
            return node
    what = "a dict key" if key_only else "a checkpoint value"
    raise TypeError(
        f"nn.save: {where} is a {type(obj).__name__}, which cannot be {what}; use dicts, "
        "lists, tuples, arrays, numbers, strings, bools or None (state_dict() gives these)"
    )


def save(state: Any, path: str | os.PathLike) -> None:
    """Write `state` (nested dicts/lists of arrays, numbers, strings...) to `path` atomically."""
    path = os.fspath(path)
    arrays: dict = {}
    manifest = {"format": _FORMAT, "version": _VERSION, "root": _encode(state, "state", arrays)}
    text = json.dumps(manifest, allow_nan=False).encode("utf-8")
    arrays[_MANIFEST] = np.frombuffer(text, dtype=np.uint8)
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise FileNotFoundError(
            f"nn.save: the directory {directory!r} for {path!r} does not exist; create it first"
        )
    fd, tmp = _create_temp(directory, os.path.basename(path))
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _create_temp(directory: str, name: str) -> tuple[int, str]:
    """A new file next to the target (so the rename stays on one filesystem), created with
    mode 0o666 so that the user's umask sets its permissions as for any other new file."""
    while True:
        tmp = os.path.join(directory, f".{name}.{secrets.token_hex(6)}.tmp")
        try:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)  # Windows
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue


def _decode(node: Any, arrays: dict, path: str) -> Any:
    if not isinstance(node, dict) or "t" not in node:
        raise CheckpointError(f"nn.load: {path!r} has a malformed manifest entry {node!r}")
    t, v = node["t"], node.get("v")
    if t == "none":
        return None
    if t in ("bool", "int", "str"):
        return v
    if t == "float":
        return float(v)
    if t in ("list", "tuple"):
        items = [_decode(x, arrays, path) for x in v]
        return items if t == "list" else tuple(items)
    if t == "dict":
        return {_decode(k, arrays, path): _decode(x, arrays, path) for k, x in v}
    if t in ("array", "scalar", "tensor") and v in arrays:
        arr = arrays[v]
        if t == "scalar":
            return arr[()]
        return Tensor(arr, requires_grad=bool(node.get("grad"))) if t == "tensor" else arr
    raise CheckpointError(f"nn.load: {path!r} has a malformed manifest entry {node!r}")


def _read_arrays(path: str) -> dict:
    with open(path, "rb") as f:
        magic = f.read(4)
    if magic != b"PK\x03\x04":  # every .npz is a zip archive
        raise CheckpointError(
            f"nn.load: {path!r} is not a checkpoint (not an .npz archive; it may be truncated "
            "or another kind of file)"
        )
    try:
        archive = np.load(path, allow_pickle=False)
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as e:
        raise CheckpointError(f"nn.load: {path!r} is not a readable checkpoint ({e})") from None
    arrays = {}
    with archive:
        for name in archive.files:
            try:
                arrays[name] = archive[name]
            except ValueError as e:
                raise CheckpointError(
                    f"nn.load: entry {name!r} of {path!r} is an object array (pickled Python "
                    f"objects: {e}); checkpoints never unpickle, so this file is refused"
                ) from None
            except (OSError, EOFError, KeyError, zipfile.BadZipFile) as e:
                raise CheckpointError(
                    f"nn.load: entry {name!r} of {path!r} is corrupt ({e})"
                ) from None
    return arrays


def load(path: str | os.PathLike) -> Any:
    """Read a checkpoint written by `save`; arrays come back as ndarrays (Tensors as Tensors)."""
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"nn.load: no checkpoint file at {path!r}")
    arrays = _read_arrays(path)
    raw = arrays.pop(_MANIFEST, None)
    if raw is None or raw.dtype != np.uint8 or raw.ndim != 1:
        raise CheckpointError(f"nn.load: {path!r} has no manifest; was it written by nn.save?")
    try:
        manifest = json.loads(raw.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise CheckpointError(f"nn.load: the manifest of {path!r} is corrupt ({e})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != _FORMAT:
        raise CheckpointError(f"nn.load: {path!r} is not a checkpoint written by nn.save")
    if manifest.get("version") != _VERSION:
        raise CheckpointError(
            f"nn.load: {path!r} has checkpoint format version {manifest.get('version')}; this "
            f"version reads {_VERSION}"
        )
    try:
        return _decode(manifest.get("root"), arrays, path)
    except (TypeError, ValueError, AttributeError) as e:
        if isinstance(e, CheckpointError):
            raise
        raise CheckpointError(f"nn.load: the manifest of {path!r} is malformed ({e})") from None
