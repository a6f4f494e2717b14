"""Checkpoints without pickle: nested state as NumPy .npz arrays plus a JSON manifest.

The manifest (stored in the archive as the uint8 entry `__manifest__`) records the structure:
dicts (keys: str, int, float, bool, None or tuples of them), lists, tuples, ndarrays, Tensors,
NumPy scalars, Python numbers, strings, bools and None. Arrays are read with their headers
checked and never unpickled, so loading a file can never run code; object arrays are refused
both when saving and when loading (see `_checkpoint_read`). `save` writes a temporary file in
the target's directory and renames it into place, so a crash leaves either the old checkpoint
or the new one, never half of one; the next save of the same target removes temporaries that
a crash left behind. A symlink is written through: its target is replaced, the link stays.
"""
from __future__ import annotations

import json
import math
import os
import re
import secrets
import zipfile
from typing import Any

import numpy as np

from autograd import Tensor

from . import _checkpoint_read as _read
from ._checkpoint_read import CheckpointError

try:  # POSIX: a writer holds a lock on its temporary, so a cleaner never removes a live one
    import fcntl
except ImportError:  # Windows refuses to delete an open file, which protects it the same way
    fcntl = None

__all__ = ["save", "load", "CheckpointError"]

_MANIFEST = _read.MANIFEST


def _encode(obj: Any, where: str, arrays: dict, key_only: bool = False,
            outer: tuple = ()) -> dict:
    """The manifest node of `obj`; `outer` holds the ids of the containers around it."""
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
    if isinstance(obj, (tuple, list, dict)):
        if id(obj) in outer:
            raise ValueError(f"nn.save: {where} contains itself (a reference cycle); "
                             "checkpoints hold trees of values")
        if len(outer) >= _read.MAX_DEPTH:
            raise ValueError(f"nn.save: {where} nests deeper than {_read.MAX_DEPTH} levels, "
                             "which nn.load refuses")
        outer = outer + (id(obj),)
    if isinstance(obj, tuple):
        return {"t": "tuple", "v": [_encode(x, f"{where}[{i}]", arrays, key_only, outer)
                                    for i, x in enumerate(obj)]}
    if not key_only:
        if isinstance(obj, dict):
            items = [[_encode(k, f"{where} key {k!r}", arrays, True, outer),
                      _encode(v, f"{where}[{k!r}]", arrays, False, outer)]
                     for k, v in obj.items()]
            return {"t": "dict", "v": items}
        if isinstance(obj, list):
            return {"t": "list", "v": [_encode(x, f"{where}[{i}]", arrays, False, outer)
                                       for i, x in enumerate(obj)]}
        kind = "tensor" if isinstance(obj, Tensor) else "array" if isinstance(
            obj, np.ndarray) else "scalar" if isinstance(obj, np.generic) else None
        if kind is not None:
            return _array_node(obj, kind, where, arrays)
    what = "a dict key" if key_only else "a checkpoint value"
    raise TypeError(
        f"nn.save: {where} is a {type(obj).__name__}, which cannot be {what}; use dicts, "
        "lists, tuples, arrays, numbers, strings, bools or None (state_dict() gives these)"
    )


def _array_node(obj: Any, kind: str, where: str, arrays: dict) -> dict:
    arr = np.asarray(obj.data if isinstance(obj, Tensor) else obj)
    if arr.dtype.hasobject:
        raise TypeError(
            f"nn.save: {where} is an array of dtype {arr.dtype} holding Python objects; "
            "checkpoints store numeric, bool and string arrays only (never pickle)"
        )
    if arr.dtype.kind not in "biufcUS" or arr.dtype.fields is not None:
        raise TypeError(f"nn.save: {where} is an array of dtype {arr.dtype}; checkpoints "
                        "store numeric, bool and string arrays only")
    name = f"a{len(arrays)}"
    arrays[name] = arr
    node = {"t": kind, "v": name}
    if kind == "tensor":
        node["grad"] = bool(obj.requires_grad)
    return node


def save(state: Any, path: str | os.PathLike) -> None:
    """Write `state` (nested dicts/lists of arrays, numbers, strings...) to `path` atomically.

    When `path` is a symlink, the file it points to is replaced and the link kept.
    """
    path = _read.fspath(path, "nn.save")
    if not path or os.path.isdir(path):
        raise ValueError(f"nn.save: path {path!r} is a directory; give the checkpoint a file "
                         "name")
    path = os.path.realpath(path)
    arrays: dict = {}
    manifest = {"format": _read.FORMAT, "version": _read.VERSION,
                "root": _encode(state, "state", arrays)}
    text = json.dumps(manifest, allow_nan=False).encode("utf-8")
    arrays[_MANIFEST] = np.frombuffer(text, dtype=np.uint8)
    directory, name = os.path.split(path)
    if not os.path.isdir(directory):
        raise _read.CheckpointNotFoundError(
            f"nn.save: the directory {directory!r} for {path!r} does not exist; create it first"
        )
    _remove_stale_temps(directory, name)
    fd, tmp = _create_temp(directory, name)
    try:
        with os.fdopen(fd, "wb") as f:
            if fcntl is not None:
                fcntl.flock(f.fileno(), fcntl.LOCK_EX)
            np.savez(f, **arrays)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _temp_pattern(name: str) -> re.Pattern:
    return re.compile(rf"\.{re.escape(name)}\.[0-9a-f]{{12}}\.tmp")


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


def _remove_stale_temps(directory: str, name: str) -> None:
    """Delete temporaries of this target that a killed save left behind. A save still in
    progress holds a lock on its temporary (POSIX) or keeps it open (Windows), so it is
    skipped."""
    pattern = _temp_pattern(name)
    try:
        candidates = [n for n in os.listdir(directory) if pattern.fullmatch(n)]
    except OSError:
        return
    for stale in candidates:
        full = os.path.join(directory, stale)
        try:
            if fcntl is None:
                os.unlink(full)
                continue
            fd = os.open(full, os.O_RDONLY)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                os.unlink(full)
            finally:
                os.close(fd)
        except OSError:  # in use, already gone, or not ours to delete
            continue


def load(path: str | os.PathLike) -> Any:
    """Read a checkpoint written by `save`; arrays come back as ndarrays (Tensors as Tensors).

    Only the entries the manifest references are read, each after its declared shape and
    dtype were checked against its stored size; any damage raises `CheckpointError`.
    """
    path = _read.fspath(path, "nn.load")
    if not os.path.isfile(path):
        raise _read.CheckpointNotFoundError(f"nn.load: no checkpoint file at {path!r}")
    with open(path, "rb") as f:
        if f.read(4) != b"PK\x03\x04":  # every .npz is a zip archive
            raise CheckpointError(
                f"nn.load: {path!r} is not a checkpoint (not an .npz archive; it may be "
                "truncated or another kind of file)")
        try:
            zf = zipfile.ZipFile(f)
        except _read.READ_ERRORS as e:
            raise CheckpointError(
                f"nn.load: {path!r} is not a readable checkpoint ({type(e).__name__}: {e})"
            ) from None
        with zf:
            root = _read.read_manifest(zf, path)
            try:
                return _read.Decoder(zf, path).decode(root, "state")
            except (TypeError, ValueError) as e:
                if isinstance(e, CheckpointError):
                    raise
                raise CheckpointError(
                    f"nn.load: the manifest of {path!r} is malformed ({e})") from None
