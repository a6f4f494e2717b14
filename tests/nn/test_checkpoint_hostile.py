"""nn.load on hostile and damaged files: every failure is a CheckpointError naming the entry,
nothing unreferenced is read, nothing larger than the file is allocated, no handle is left
open; nn.save cleans up after killed saves and writes through symlinks."""
from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import tracemalloc
import zipfile

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
from autograd import Tensor
from nn import CheckpointError

_STATE = {"model": {"w": np.arange(6, dtype=np.float32).reshape(2, 3), "b": np.zeros(3)},
          "step": 7, "lr": 0.001, "name": "adam", "flags": [True, None],
          "scalar": np.float64(2.5), "t": Tensor(np.ones(2), requires_grad=True)}


def _npy(header: dict, payload: bytes = b"") -> bytes:
    text = repr(header).encode("latin1")
    text += b" " * (63 - (10 + len(text)) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + len(text).to_bytes(2, "little") + text + payload


def _array_bytes(arr: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, arr)
    return buf.getvalue()


def _manifest(root: dict | str) -> bytes:
    root = root if isinstance(root, str) else json.dumps(root)
    text = '{"format": "scratchgrad-checkpoint", "version": 1, "root": ' + root + "}"
    return _array_bytes(np.frombuffer(text.encode(), dtype=np.uint8))


def _write_zip(path, entries: dict, compress: dict | None = None) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
        for name, (size, level) in (compress or {}).items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            with zf.open(info, "w", force_zip64=True) as f:
                chunk = bytes(1 << 20)
                for _ in range(size >> 20):
                    f.write(chunk)


def _arr_node(name="a0"):
    return {"t": "dict", "v": [[{"t": "str", "v": "w"}, {"t": "array", "v": name}]]}


def _deep(depth: int) -> str:
    """A manifest root nested `depth` JSON levels deep (lists of lists)."""
    return '{"t": "list", "v": [' * (depth // 2) + '{"t": "none"}' + "]}" * (depth // 2)


def _case_files(tmp_path):
    """(name, writer, pattern the error must match) for every case found."""
    good = _array_bytes(np.arange(4.0))
    return {
        "huge declared shape (3 GiB)": (
            {"__manifest__.npy": _manifest(_arr_node()),
             "a0.npy": _npy({"descr": "<f8", "fortran_order": False,
                             "shape": (3 * 2**27,)}, bytes(1024))}, "'a0'.*declares shape"),
        "huge declared shape (2.9 TiB)": (
            {"__manifest__.npy": _manifest(_arr_node()),
             "a0.npy": _npy({"descr": "<f8", "fortran_order": False,
                             "shape": (400_000, 1_000_000)}, bytes(64))}, "'a0'.*declares"),
        "truncated member": (
            {"__manifest__.npy": _manifest(_arr_node()), "a0.npy": good[:-5]},
            "'a0'.*does not match"),
        "garbled header": (
            {"__manifest__.npy": _manifest(_arr_node()),
             "a0.npy": good[:12] + b"}{garbage" + good[21:]}, "'a0'.*corrupt"),
        "not an npy at all": (
            {"__manifest__.npy": _manifest(_arr_node()), "a0.npy": b"hello world"},
            "'a0'.*corrupt"),
        "object dtype": (
            {"__manifest__.npy": _manifest(_arr_node()),
             "a0.npy": _npy({"descr": "|O", "fortran_order": False, "shape": (1,)}, b"x" * 8)},
            "'a0'.*object array"),
        "missing member": (
            {"__manifest__.npy": _manifest(_arr_node("a9"))}, "'a9'.*missing"),
        "int node holding a string": (
            {"__manifest__.npy": _manifest({"t": "int", "v": "12"})}, "state.*int node"),
        "bool node holding a list": (
            {"__manifest__.npy": _manifest({"t": "bool", "v": [1]})}, "state.*bool node"),
        "scalar node over a (2, 2) array": (
            {"__manifest__.npy": _manifest({"t": "scalar", "v": "a0"}),
             "a0.npy": _array_bytes(np.zeros((2, 2)))}, r"state.*scalar node.*\(2, 2\)"),
        "float node holding text": (
            {"__manifest__.npy": _manifest({"t": "float", "v": "1e999x"})}, "float node"),
        "list as a dict key": (
            {"__manifest__.npy": _manifest({"t": "dict", "v": [[{"t": "list", "v": []},
                                                                 {"t": "none"}]]})},
             "cannot be a key"),
        "one array referenced twice": (
            {"__manifest__.npy": _manifest({"t": "list", "v": [{"t": "array", "v": "a0"}] * 2}),
             "a0.npy": good}, "second time"),
        "manifest nested 900 deep": (
            {"__manifest__.npy": _manifest(_deep(900))}, "nests too deep"),
        "manifest nested 100000 deep": (
            {"__manifest__.npy": _array_bytes(np.frombuffer(
                b'{"format": "scratchgrad-checkpoint", "version": 1, "root": '
                + b"[" * 100_000 + b"]" * 100_000 + b"}", dtype=np.uint8))}, "too deep"),
        "tensor node over ints requiring grad": (
            {"__manifest__.npy": _manifest({"t": "tensor", "v": "a0", "grad": True}),
             "a0.npy": _array_bytes(np.arange(3))}, "tensor node"),
        "no manifest": ({"a0.npy": good}, "no manifest"),
    }


@pytest.mark.parametrize("case", list(_case_files(None)))
def test_hostile_checkpoints_raise_checkpoint_error_naming_the_entry(tmp_path, case):
    entries, pattern = _case_files(tmp_path)[case]
    path = tmp_path / "bad.npz"
    _write_zip(path, entries)
    tracemalloc.start()
    try:
        with pytest.raises(CheckpointError, match=pattern) as info:
            nn.load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "bad.npz" in str(info.value)
    assert peak < 20 * 2**20  # never more than the file holds


def test_unreferenced_members_are_never_read(tmp_path):
    # A deflated member that inflates to 64 MiB; the manifest never mentions it.
    path = tmp_path / "bomb.npz"
    _write_zip(path, {"__manifest__.npy": _manifest(_arr_node()),
                      "a0.npy": _array_bytes(np.arange(3.0))},
               compress={"bomb.npy": (64 << 20, 9)})
    assert os.path.getsize(path) < 1 << 20
    tracemalloc.start()
    try:
        loaded = nn.load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    np.testing.assert_array_equal(loaded["w"], np.arange(3.0))
    assert peak < 4 * 2**20
    # A referenced member that is compressed is refused before it is inflated.
    _write_zip(path, {"__manifest__.npy": _manifest(_arr_node("bomb"))},
               compress={"bomb.npy": (8 << 20, 9)})
    with pytest.raises(CheckpointError, match="'bomb'.*compressed"):
        nn.load(path)


def test_self_referencing_state_is_refused_at_save(tmp_path):
    state: dict = {"a": 1}
    state["self"] = state
    with pytest.raises(ValueError, match=r"nn.save: state\['self'\] contains itself"):
        nn.save(state, tmp_path / "c.npz")
    with pytest.raises(ValueError, match="nests deeper"):
        nn.save(_nested_list(200), tmp_path / "c.npz")
    assert os.listdir(tmp_path) == []


def _nested_list(depth):
    out: list = []
    for _ in range(depth):
        out = [out]
    return out


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc to count handles")
def test_failed_loads_close_their_file_handles(tmp_path):
    cases = _case_files(tmp_path)
    paths = []
    for i, (entries, _) in enumerate(cases.values()):
        paths.append(tmp_path / f"bad{i}.npz")
        _write_zip(paths[-1], entries)
    (tmp_path / "text.npz").write_bytes(b"PK\x03\x04 and nothing else")
    paths.append(tmp_path / "text.npz")
    before = _open_fds()
    for path in paths * 3:
        with pytest.raises(CheckpointError):
            nn.load(path)
    assert _open_fds() == before


def test_stale_temporaries_are_removed_at_the_next_save(tmp_path):
    target = tmp_path / "model.npz"
    stale = [tmp_path / f".model.npz.{i:012x}.tmp" for i in range(3)]
    for p in stale:
        p.write_bytes(b"PK\x03\x04 half")
    other = tmp_path / ".other.npz.0123456789ab.tmp"  # another target's: left alone
    other.write_bytes(b"x")
    nn.save({"w": np.zeros(2)}, target)
    assert sorted(os.listdir(tmp_path)) == sorted([other.name, "model.npz"])


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_killed_saves_leave_temporaries_that_the_next_save_removes(tmp_path):
    target = tmp_path / "model.npz"
    nn.save({"version": 1}, target)
    script = textwrap.dedent(f"""
        import time, numpy as np, nn
        from nn import checkpoint
        def slow(f, **arrays):
            f.write(b"PK\\x03\\x04 part")
            f.flush()
            print("writing", flush=True)
            time.sleep(60)
        checkpoint.np.savez = slow
        nn.save({{"version": 2}}, {str(target)!r})
    """)
    for _ in range(2):
        proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                                text=True)
        try:
            assert proc.stdout.readline().strip() == "writing"
            # A save in progress holds its temporary: another save leaves it alone (and
            # removes the one the previous killed save left).
            nn.save({"version": 3}, target)
            assert len(os.listdir(tmp_path)) == 2
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            proc.stdout.close()
    assert len(os.listdir(tmp_path)) == 2  # the last killed save's temporary
    assert nn.load(target)["version"] == 3
    nn.save({"version": 4}, target)
    assert os.listdir(tmp_path) == ["model.npz"]


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")
def test_save_writes_through_a_symlink(tmp_path):
    real = tmp_path / "store" / "real.npz"
    real.parent.mkdir()
    nn.save({"v": 1}, real)
    link = tmp_path / "latest.npz"
    link.symlink_to(real)
    nn.save({"v": 2}, link)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert nn.load(real)["v"] == 2 and nn.load(link)["v"] == 2
    assert sorted(os.listdir(real.parent)) == ["real.npz"]
    dangling = tmp_path / "next.npz"
    dangling.symlink_to(tmp_path / "store" / "new.npz")
    nn.save({"v": 3}, dangling)
    assert dangling.is_symlink() and nn.load(tmp_path / "store" / "new.npz")["v"] == 3


def _same(a, b) -> bool:
    if isinstance(a, dict):
        return isinstance(b, dict) and list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, Tensor):
        return (isinstance(b, Tensor) and a.requires_grad == b.requires_grad
                and _same(a.data, b.data))
    if isinstance(a, (np.ndarray, np.generic)):
        return (type(a) is type(b) and a.dtype == b.dtype and np.shape(a) == np.shape(b)
                and bool(np.array_equal(a, b)))
    return type(a) is type(b) and a == b


@pytest.fixture(scope="module")
def saved_bytes(tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("ckpt") / "c.npz"
    nn.save(_STATE, path)
    return path.read_bytes()


def _loads_equal_or_refuses(directory, data: bytes) -> None:
    # A new file each time: rewriting one file in place is slow on some filesystems.
    fd, path = tempfile.mkstemp(suffix=".npz", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        try:
            loaded = nn.load(path)
        except CheckpointError:
            return
        assert _same(_STATE, loaded)
    finally:
        os.unlink(path)


def test_every_truncation_and_every_inverted_byte_loads_equal_or_refuses(tmp_path, saved_bytes):
    for n in range(len(saved_bytes)):
        _loads_equal_or_refuses(tmp_path, saved_bytes[:n])
    for i in range(len(saved_bytes)):
        flipped = bytearray(saved_bytes)
        flipped[i] ^= 0xFF
        _loads_equal_or_refuses(tmp_path, bytes(flipped))


@given(data=st.data())
def test_any_one_byte_changed_loads_equal_or_refuses(saved_bytes, data):
    i = data.draw(st.integers(0, len(saved_bytes) - 1), label="position")
    xor = data.draw(st.integers(1, 255), label="xor")
    flipped = bytearray(saved_bytes)
    flipped[i] ^= xor
    with tempfile.TemporaryDirectory() as directory:
        _loads_equal_or_refuses(directory, bytes(flipped))
