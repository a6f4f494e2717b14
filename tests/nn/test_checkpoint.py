"""nn.save / nn.load: round trips, pickle refused without running code, atomic writes."""
from __future__ import annotations

import math
import os
import pickle

import numpy as np
import pytest

import autograd
import nn
from autograd import Tensor
from nn import checkpoint


def _model():
    return nn.Sequential(nn.Dense(4, 8), nn.BatchNorm1d(8), nn.Dense(8, 3))


def _assert_same(a, b):
    if isinstance(a, dict):  # an OrderedDict comes back as a dict, in the same order
        assert isinstance(b, dict) and list(a) == list(b)
        for k in a:
            _assert_same(a[k], b[k])
        return
    assert type(a) is type(b), (type(a), type(b))
    if isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _assert_same(x, y)
    elif isinstance(a, (np.ndarray, np.generic)):
        assert a.dtype == b.dtype and np.shape(a) == np.shape(b)
        np.testing.assert_array_equal(a, b)
    elif isinstance(a, float) and math.isnan(a):
        assert math.isnan(b)
    else:
        assert a == b


def test_round_trip_model_optimizer_scheduler_and_rng_state(tmp_path):
    model = _model()
    model(Tensor(np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)))
    state = {
        "model": model.state_dict(),
        "optimizer": {
            "state": {0: {"step": 3, "exp_avg": np.ones((4, 8), np.float32) / 3,
                          "exp_avg_sq": np.full(8, 1e-9, np.float64)},
                      1: {"step": 3, "momentum_buffer": None}},
            "param_groups": [{"lr": 1e-3, "betas": (0.9, 0.999), "amsgrad": False,
                              "params": [0, 1], "name": "all"}],
        },
        "scheduler": {"last_epoch": 7, "base_lrs": [0.1, 0.01], "gamma": float("inf")},
        "rng": autograd.get_rng_state(),  # holds 128-bit integers
        "misc": {"nan": float("nan"), "neg_inf": -math.inf, "scalar": np.float32(2.5),
                 "int64": np.int64(-4), "empty": np.zeros((0, 3)), "flags": np.array([True]),
                 "text": np.array(["ab", "c"]), (1, "pair"): "tuple key", None: [], 2.5: {},
                 "tensor": Tensor(np.arange(3.0), requires_grad=True)},
    }
    path = tmp_path / "ckpt.npz"
    nn.save(state, path)
    loaded = nn.load(path)
    tensor = loaded["misc"].pop("tensor")
    assert isinstance(tensor, Tensor) and tensor.requires_grad
    np.testing.assert_array_equal(tensor.data, np.arange(3.0))
    del state["misc"]["tensor"]
    _assert_same(state, loaded)
    restored = _model()
    restored.load_state_dict(loaded["model"])
    x = Tensor(np.ones((2, 4), np.float32))
    model.eval()
    restored.eval()
    np.testing.assert_array_equal(model(x).data, restored(x).data)
    autograd.set_rng_state(loaded["rng"])  # the restored RNG state is usable as is
    assert os.listdir(tmp_path) == ["ckpt.npz"]
    umask = os.umask(0)
    os.umask(umask)
    assert os.stat(path).st_mode & 0o777 == 0o666 & ~umask  # as any new file, not 0o600


def test_training_resumes_identically_with_optim(tmp_path):
    optim = pytest.importorskip("optim")
    x = Tensor(np.random.default_rng(1).standard_normal((8, 4)).astype(np.float32))

    def step(model, opt):
        opt.zero_grad()
        loss = (model(x) ** 2).mean()
        loss.backward()
        opt.step()
        return loss.item()

    autograd.manual_seed(0)
    model = _model()
    opt = optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(3):
        step(model, opt)
    nn.save({"model": model.state_dict(), "opt": opt.state_dict()}, tmp_path / "c")
    expected = [step(model, opt) for _ in range(3)]
    state = nn.load(tmp_path / "c")
    autograd.manual_seed(99)
    model2 = _model()
    opt2 = optim.Adam(model2.parameters(), lr=1e-2)
    model2.load_state_dict(state["model"])
    opt2.load_state_dict(state["opt"])
    assert [step(model2, opt2) for _ in range(3)] == expected


def test_object_arrays_refused_when_saving(tmp_path):
    with pytest.raises(TypeError, match=r"state\['w'\]\[1\] .*dtype object.*never pickle"):
        nn.save({"w": [np.zeros(2), np.array([{}], dtype=object)]}, tmp_path / "x")
    with pytest.raises(TypeError, match=r"state\['f'\] is a set"):
        nn.save({"f": {1, 2}}, tmp_path / "x")
    with pytest.raises(TypeError, match="cannot be a dict key"):
        nn.save({frozenset(): 0}, tmp_path / "x")
    assert os.listdir(tmp_path) == []


class _Payload:
    """Unpickling this creates the file named by `marker` (the code a crafted file would run)."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_crafted_pickled_object_array_is_refused_and_runs_no_code(tmp_path):
    marker = tmp_path / "pwned"
    evil = np.array([_Payload(str(marker))], dtype=object)
    # A well-formed checkpoint whose manifest points at an object array...
    nn.save({"w": np.zeros(2)}, tmp_path / "good.npz")
    with np.load(tmp_path / "good.npz") as z:
        manifest = z["__manifest__"]
    np.savez(tmp_path / "crafted.npz", __manifest__=manifest, a0=evil)
    # ... and a bare pickle file.
    with open(tmp_path / "raw.pkl", "wb") as f:
        pickle.dump(evil, f)
    np.save(tmp_path / "single.npy", evil, allow_pickle=True)
    for name, msg in [("crafted.npz", "object array.*never unpickle"),
                      ("raw.pkl", "not a checkpoint"), ("single.npy", "not a checkpoint")]:
        with pytest.raises(checkpoint.CheckpointError, match=msg) as info:
            nn.load(tmp_path / name)
        assert name in str(info.value)
        assert not marker.exists()
    # The payload is live: unpickling the same entry does create the file.
    with np.load(tmp_path / "crafted.npz", allow_pickle=True) as z:
        z["a0"]
    assert marker.exists()


def test_missing_and_corrupt_files_name_the_path(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.npz"):
        nn.load(tmp_path / "nope.npz")
    nn.save({"w": np.arange(1000.0)}, tmp_path / "ok.npz")
    data = (tmp_path / "ok.npz").read_bytes()
    (tmp_path / "cut.npz").write_bytes(data[: len(data) // 2])
    (tmp_path / "text.npz").write_text("not a checkpoint at all")
    np.savez(tmp_path / "foreign.npz", w=np.zeros(2))
    for name in ("cut.npz", "text.npz", "foreign.npz"):
        with pytest.raises(checkpoint.CheckpointError) as info:
            nn.load(tmp_path / name)
        assert name in str(info.value)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        nn.save({}, tmp_path / "no_such_dir" / "c.npz")


def test_crash_during_write_leaves_the_old_checkpoint(tmp_path, monkeypatch):
    path = tmp_path / "model.npz"
    nn.save({"version": 1, "w": np.zeros(3)}, path)

    def crash(f, **arrays):
        f.write(b"PK\x03\x04 half of an archive")
        raise OSError("disk full")

    monkeypatch.setattr(checkpoint.np, "savez", crash)
    with pytest.raises(OSError, match="disk full"):
        nn.save({"version": 2, "w": np.ones(3)}, path)
    monkeypatch.undo()
    assert nn.load(path)["version"] == 1
    assert os.listdir(tmp_path) == ["model.npz"]  # the temporary file was removed

    def refuse_rename(src, dst):
        raise OSError("rename failed")

    monkeypatch.setattr(checkpoint.os, "replace", refuse_rename)
    with pytest.raises(OSError, match="rename failed"):
        nn.save({"version": 3}, path)
    monkeypatch.undo()
    assert nn.load(path)["version"] == 1 and os.listdir(tmp_path) == ["model.npz"]
    nn.save({"version": 4}, str(path))
    assert nn.load(str(path))["version"] == 4


def test_float64_scalars_round_trip_including_inf_and_nan(tmp_path):
    # np.float64 subclasses float; its repr in NumPy 2 is "np.float64(inf)", which load()
    # could not parse back, so a checkpoint holding np.float64(inf) was unreadable.
    state = {"best": np.float64("inf"), "worst": np.float64("-inf"), "nan": np.float64("nan"),
             "lr": np.float64(0.5), np.float64(2.0): "float64 key"}
    path = tmp_path / "f64.npz"
    nn.save(state, path)
    loaded = nn.load(path)
    assert list(loaded) == ["best", "worst", "nan", "lr", 2.0]
    for key in ("best", "worst", "nan", "lr"):
        assert type(loaded[key]) is np.float64
    assert loaded["best"] == np.inf and loaded["worst"] == -np.inf
    assert np.isnan(loaded["nan"]) and loaded["lr"] == 0.5
    assert loaded[2.0] == "float64 key"
