"""Reading a checkpoint defensively: the manifest first, then only the entries it references.

Every entry's `.npy` header is parsed and its declared shape and dtype are checked against the
entry's stored size before anything is allocated, so a file can never make `load` allocate
more than the file itself holds. Entries must be stored uncompressed (as `nn.save` writes
them), which bounds every read by the file's size. Every failure is a `CheckpointError`.
"""
from __future__ import annotations

import ast
import json
import os
import math
import zipfile
from typing import Any

import numpy as np

from autograd import Tensor

MANIFEST = "__manifest__"
FORMAT = "scratchgrad-checkpoint"
VERSION = 1
MAX_DEPTH = 64  # far deeper than any state_dict; a deeper manifest is refused
_MAX_HEADER = 1 << 16
_KINDS = "biufcUS"  # numeric, bool and string arrays; never objects, records or pointers
# Errors the zip and npy readers raise on damaged bytes.
READ_ERRORS = (OSError, EOFError, ValueError, KeyError, IndexError, zipfile.BadZipFile,
                NotImplementedError, RuntimeError, OverflowError, SyntaxError, TypeError,
                MemoryError, UnicodeDecodeError)


class CheckpointError(ValueError):
    """A file that is not a readable checkpoint (corrupt, truncated, foreign, too deeply
    nested, declaring sizes its data does not match, or holding pickled data)."""


class CheckpointNotFoundError(CheckpointError, FileNotFoundError):
    """No checkpoint file (or directory to write one) at the path: both a CheckpointError and
    the FileNotFoundError that Python code expects for a missing file."""


def fspath(path: object, who: str) -> str:
    """`path` as a str, or a TypeError naming `who`."""
    if not isinstance(path, (str, bytes)) and not hasattr(path, "__fspath__"):
        raise TypeError(f"{who}: path must be a str or os.PathLike, got {type(path).__name__}")
    out = os.fspath(path)
    return out.decode() if isinstance(out, bytes) else out


def _header(f: Any, entry: str, path: str) -> tuple[tuple, bool, np.dtype, int]:
    """Parse an .npy header: (shape, fortran_order, dtype, header length in bytes)."""
    def fail(what: str) -> CheckpointError:
        return CheckpointError(f"nn.load: entry {entry!r} of {path!r} {what}")

    prefix = f.read(10)
    if len(prefix) < 10 or prefix[:6] != b"\x93NUMPY":
        raise fail("is corrupt (no .npy header)")
    major = prefix[6]
    if major == 1:
        size, start = int.from_bytes(prefix[8:10], "little"), 10
    elif major in (2, 3):
        rest = f.read(2)
        size, start = int.from_bytes(prefix[8:10] + rest, "little"), 12
    else:
        raise fail(f"is corrupt (unknown .npy version {major})")
    if size > _MAX_HEADER:
        raise fail(f"is corrupt (a .npy header of {size} bytes)")
    raw = f.read(size)
    if len(raw) != size:
        raise fail("is truncated inside its .npy header")
    try:
        d = ast.literal_eval(raw.decode("utf-8" if major == 3 else "latin1"))
        shape, fortran, descr = d["shape"], d["fortran_order"], d["descr"]
        if not isinstance(descr, str):
            raise TypeError("descr is not a plain dtype string")
        dtype = np.dtype(descr)
    except Exception as e:  # literal_eval and np.dtype raise many types on garbage
        raise fail(f"is corrupt (unreadable .npy header: {type(e).__name__})") from None
    if (not isinstance(shape, tuple) or not isinstance(fortran, bool)
            or not all(type(n) is int and n >= 0 for n in shape)):
        raise fail(f"is corrupt (shape {shape!r}, fortran_order {fortran!r})")
    if dtype.hasobject:
        raise fail(f"is an object array (dtype {dtype}, pickled Python objects); checkpoints "
                   "never unpickle, so this file is refused")
    if dtype.kind not in _KINDS or dtype.fields is not None or dtype.subdtype is not None:
        raise fail(f"has dtype {dtype}, which checkpoints do not store")
    return shape, fortran, dtype, start + size


def read_entry(zf: zipfile.ZipFile, name: str, path: str) -> np.ndarray:
    """One referenced entry, after checking its declared size against its stored size."""
    entry = name[:-4] if name.endswith(".npy") else name
    try:
        info = zf.getinfo(name)
    except KeyError:
        raise CheckpointError(f"nn.load: entry {entry!r} of {path!r} is referenced by the "
                              "manifest but missing from the archive") from None
    if info.compress_type != zipfile.ZIP_STORED or info.compress_size != info.file_size:
        raise CheckpointError(f"nn.load: entry {entry!r} of {path!r} is compressed or "
                              "corrupt (nn.save stores entries uncompressed)")
    try:
        with zf.open(info) as f:
            shape, fortran, dtype, offset = _header(f, entry, path)
            nbytes = math.prod(shape) * dtype.itemsize
            if offset + nbytes != info.file_size:
                raise CheckpointError(
                    f"nn.load: entry {entry!r} of {path!r} declares shape {shape} of {dtype} "
                    f"({nbytes} bytes) but stores {info.file_size - offset} bytes of data; "
                    "the declared size does not match the data (corrupt or crafted file)")
            buf = bytearray(nbytes)
            got = f.readinto(buf) if nbytes else 0
            if got != nbytes or f.read(1):
                raise CheckpointError(f"nn.load: entry {entry!r} of {path!r} is truncated")
    except CheckpointError:
        raise
    except READ_ERRORS as e:
        raise CheckpointError(f"nn.load: entry {entry!r} of {path!r} is corrupt "
                              f"({type(e).__name__}: {e})") from None
    arr = np.frombuffer(buf, dtype=dtype)
    return arr.reshape(shape[::-1]).T if fortran else arr.reshape(shape)


def read_manifest(zf: zipfile.ZipFile, path: str) -> Any:
    """The manifest's root node, after checking the format and version."""
    if MANIFEST + ".npy" not in zf.NameToInfo:
        raise CheckpointError(f"nn.load: {path!r} has no manifest; was it written by nn.save?")
    raw = read_entry(zf, MANIFEST + ".npy", path)
    if raw.dtype != np.uint8 or raw.ndim != 1:
        raise CheckpointError(f"nn.load: the manifest of {path!r} is corrupt "
                              f"(dtype {raw.dtype}, shape {raw.shape})")
    try:
        manifest = json.loads(raw.tobytes().decode("utf-8"))
    except RecursionError:
        raise CheckpointError(f"nn.load: the manifest of {path!r} nests too deep (more than "
                              f"{MAX_DEPTH} levels)") from None
    except (UnicodeDecodeError, ValueError) as e:
        raise CheckpointError(f"nn.load: the manifest of {path!r} is corrupt ({e})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise CheckpointError(f"nn.load: {path!r} is not a checkpoint written by nn.save")
    if manifest.get("version") != VERSION:
        raise CheckpointError(
            f"nn.load: {path!r} has checkpoint format version {manifest.get('version')!r}; "
            f"this version reads {VERSION}")
    return manifest.get("root")


class Decoder:
    """Turns manifest nodes back into values, reading each referenced entry once."""

    def __init__(self, zf: zipfile.ZipFile, path: str) -> None:
        self.zf, self.path, self.used = zf, path, set()

    def fail(self, where: str, what: str) -> CheckpointError:
        return CheckpointError(f"nn.load: entry {where} of {self.path!r} {what}")

    def decode(self, node: Any, where: str, depth: int = 0, key: bool = False) -> Any:
        if depth > MAX_DEPTH:
            raise self.fail(where, f"nests too deep (more than {MAX_DEPTH} levels)")
        if not isinstance(node, dict) or not isinstance(node.get("t"), str):
            raise self.fail(where, f"is a malformed manifest node {_short(node)}")
        t, v = node["t"], node.get("v")
        simple = {"none": type(None), "bool": bool, "int": int, "str": str}
        if t in simple:
            if type(v) is not simple[t]:
                raise self.fail(where, f"is a {t} node holding {_short(v)}")
            return v
        if t == "float":
            if type(v) in (int, float) or v in ("inf", "-inf", "nan"):
                return float(v)
            raise self.fail(where, f"is a float node holding {_short(v)}")
        if t in ("list", "tuple", "dict") and not isinstance(v, list):
            raise self.fail(where, f"is a {t} node holding {_short(v)}")
        if t == "tuple":
            return tuple(self.decode(x, f"{where}[{i}]", depth + 1, key)
                         for i, x in enumerate(v))
        if key:
            raise self.fail(where, f"is a dict key of kind {t!r}, which cannot be a key")
        if t == "list":
            return [self.decode(x, f"{where}[{i}]", depth + 1) for i, x in enumerate(v)]
        if t == "dict":
            return self._dict(v, where, depth)
        if t in ("array", "scalar", "tensor"):
            return self._array(node, t, v, where)
        raise self.fail(where, f"has an unknown node kind {t!r}")

    def _dict(self, items: list, where: str, depth: int) -> dict:
        out = {}
        for item in items:
            if not isinstance(item, list) or len(item) != 2:
                raise self.fail(where, f"holds a malformed dict item {_short(item)}")
            k = self.decode(item[0], f"{where} key", depth + 1, key=True)
            out[k] = self.decode(item[1], f"{where}[{k!r}]", depth + 1)
        return out

    def _array(self, node: dict, t: str, name: Any, where: str) -> Any:
        if not isinstance(name, str) or name == MANIFEST:
            raise self.fail(where, f"names no array ({_short(name)})")
        if name in self.used:
            raise self.fail(where, f"refers to array {name!r} a second time")
        self.used.add(name)
        arr = read_entry(self.zf, name + ".npy", self.path)
        if t == "scalar":
            if arr.ndim != 0:
                raise self.fail(where, f"is a scalar node over an array of shape {arr.shape}")
            return arr[()]
        if t == "array":
            return arr
        grad = node.get("grad", False)
        if not isinstance(grad, bool) or (grad and arr.dtype.kind not in "fc"):
            raise self.fail(where, f"is a tensor node with grad={_short(grad)} over "
                                   f"dtype {arr.dtype}")
        return Tensor(arr, requires_grad=grad)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
