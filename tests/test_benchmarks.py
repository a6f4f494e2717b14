"""`python -m benchmarks`: the table, the JSON and the "not installed" path, on tiny runs.

No timing is asserted: only that the command runs, what it prints and the shape of its JSON.
"""
from __future__ import annotations

import importlib
import json
import math
import os
import subprocess
import sys
import types
from pathlib import Path

import pytest

from benchmarks import registry
from benchmarks.registry import Workload, discover, sort_key
from benchmarks.run import select

ROOT = Path(__file__).resolve().parents[1]
RATIO_KEYS = {"ours/numpy", "torch/numpy", "ours/torch"}


def run(args: list[str], cwd: Path, block_torch: bool = False,
        tmp: Path | None = None) -> subprocess.CompletedProcess:
    """The command in a subprocess whose PYTHONPATH holds no checkout: as in a fresh clone."""
    env = dict(os.environ, MPLBACKEND="Agg")
    kept = [p for p in env.pop("PYTHONPATH", "").split(os.pathsep)
            if p and Path(p).resolve() != ROOT]
    if kept:  # whatever else the suite runs under (e.g. a stand-in that hides torch)
        env["PYTHONPATH"] = os.pathsep.join(kept)
    if block_torch:
        blocker = tmp / "blocked" / "torch"
        blocker.mkdir(parents=True, exist_ok=True)
        (blocker / "__init__.py").write_text(
            "raise ModuleNotFoundError(\"No module named 'torch'\", name='torch')\n")
        env["PYTHONPATH"] = os.pathsep.join([str(blocker.parent), *kept])
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env,
                          cwd=cwd, timeout=600)


def importable(name: str) -> bool:
    try:
        importlib.import_module(name)
    except ImportError:
        return False
    return True


def strict_json(path: Path) -> dict:
    def refuse(name: str) -> None:
        raise AssertionError(f"the JSON holds {name}")
    return json.loads(path.read_text(), parse_constant=refuse)


def table_rows(stdout: str) -> dict[str, str]:
    lines = stdout.splitlines()
    assert lines[0].split()[:3] == ["workload", "per", "scratchgrad"], stdout
    rows = {}
    for line in lines[2:]:
        if not line.strip():
            break
        rows[line.split()[0]] = line
    return rows


def test_module_command_prints_table_and_writes_json(tmp_path: Path) -> None:
    out, png = tmp_path / "out.json", tmp_path / "ratios.png"
    plot = importable("matplotlib")
    proc = run(["-m", "benchmarks", "--quick", "--only", "W1,W8", "--json", str(out),
                *(["--plot", str(png)] if plot else [])], cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert "nan" not in proc.stdout.lower()
    rows = table_rows(proc.stdout)
    assert list(rows) == ["W1", "W8"]
    assert rows["W1"].split()[1] == "op" and rows["W8"].split()[1] == "step"
    data = strict_json(out)
    torch_present = importable("torch")
    assert (data["meta"]["torch"] is not None) == torch_present
    assert data["meta"]["quick"] is True and data["meta"]["failed_modules"] == {}
    assert data["meta"]["gc_freeze"] is True and "frozen out of the collector" in proc.stdout
    assert [w["name"] for w in data["workloads"]] == ["W1", "W8"]
    for w in data["workloads"]:
        assert set(w["ratios"]) == RATIO_KEYS
        assert set(w["best"]) == {"ours", "numpy", "torch"}
        for key, value in w["ratios"].items():
            if torch_present or key == "ours/numpy":
                assert value > 0 and math.isfinite(value), (w["name"], key, value)
        assert w["ratios"]["ours/numpy"] == pytest.approx(w["best"]["ours"] / w["best"]["numpy"])
    assert set(data["workloads"][1]["extras"]) >= {"numpy loop, out= scratch"}
    if plot:
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_script_from_elsewhere_without_torch_says_not_installed(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    proc = run([str(ROOT / "benchmarks" / "run.py"), "--quick", "--only", "w2",
                "--repeat", "1", "--json", str(out)], cwd=tmp_path, block_torch=True,
               tmp=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "nan" not in proc.stdout.lower()
    row = table_rows(proc.stdout)["W2"]
    assert row.count("not installed") == 3, row
    assert "torch not installed" in proc.stdout
    assert "check: |loss_numpy - loss_scratchgrad|" in proc.stdout
    data = strict_json(out)
    assert data["meta"]["torch"] is None and data["meta"]["repeat"] == 1
    (w2,) = data["workloads"]
    assert w2["best"]["torch"] is None
    assert w2["ratios"]["torch/numpy"] is None and w2["ratios"]["ours/torch"] is None
    assert w2["ratios"]["ours/numpy"] > 0 and w2["samples"] == 1


def test_list_discovers_every_bench_module_and_script_flags_agree(tmp_path: Path) -> None:
    proc = run([str(ROOT / "benchmarks" / "run.py"), "--list"], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    names = [line.split()[0] for line in proc.stdout.splitlines()]
    assert {"W1", "W2", "W4", "W5", "W6", "W8"} <= set(names)
    assert names == sorted(names, key=sort_key)
    # A bench module run as a script takes the same flags, restricted to its workloads.
    proc = run([str(ROOT / "benchmarks" / "bench_autograd.py"), "--list"], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    proc = run([str(ROOT / "benchmarks" / "bench_optim.py"), "--help"], cwd=tmp_path)
    assert proc.returncode == 0 and "--repeat" in proc.stdout and "--only" in proc.stdout


def test_unknown_workload_and_bad_repeat_are_refused(tmp_path: Path) -> None:
    proc = run(["-m", "benchmarks", "--only", "W1,W99"], cwd=ROOT)
    assert proc.returncode != 0
    assert "W99" in proc.stderr and "known: W1" in proc.stderr
    proc = run(["-m", "benchmarks", "--repeat", "0"], cwd=ROOT)
    assert proc.returncode != 0 and "--repeat" in proc.stderr


def test_workload_entries_are_validated() -> None:
    def setup() -> object:
        return lambda: None

    with pytest.raises(ValueError, match="name"):
        Workload("cumsum", "no W prefix", ours=setup, numpy=setup)
    with pytest.raises(ValueError, match="number"):
        Workload("W3", "zero calls", ours=setup, numpy=setup, number=0)
    with pytest.raises(ValueError, match="peer"):
        Workload("W3", "bad extra", ours=setup, numpy=setup, extras={"x": ("jax", setup)})
    assert sorted(["W10", "W-einsum", "W2", "W1"], key=sort_key) == \
        ["W1", "W2", "W10", "W-einsum"]


def test_discovery_reports_broken_modules_and_duplicate_names(monkeypatch) -> None:
    def setup() -> object:
        return lambda: None

    good = types.ModuleType("fake_good")
    good.WORKLOADS = [Workload("W10", "b", ours=setup, numpy=setup),
                      Workload("W9", "a", ours=setup, numpy=setup)]
    old_style = types.ModuleType("fake_old_style")  # a script without a WORKLOADS list
    monkeypatch.setitem(sys.modules, "fake_good", good)
    monkeypatch.setitem(sys.modules, "fake_old_style", old_style)
    monkeypatch.setattr(registry, "bench_modules",
                        lambda: ["fake_good", "fake_old_style", "fake_missing_module"])
    found, failed = registry.discover()
    assert [w.name for w in found] == ["W9", "W10"]
    assert "WORKLOADS" in failed["fake_old_style"]
    assert "failed to import" in failed["fake_missing_module"]
    monkeypatch.setattr(registry, "bench_modules", lambda: ["fake_good", "fake_good"])
    with pytest.raises(ValueError, match="W10 is registered twice"):
        registry.discover()


def test_long_workloads_run_only_when_asked() -> None:
    workloads, _ = discover()
    long_names = {w.name for w in workloads if w.long}
    assert {"W6-200k", "W6-1M"} <= long_names
    assert not long_names & {w.name for w in select(workloads, None)}
    assert long_names <= {w.name for w in select(workloads, None, long=True)}
    assert [w.name for w in select(workloads, "W6-1M")] == ["W6-1M"]


@pytest.mark.parametrize("freeze", [True, False])
def test_the_heap_is_frozen_only_while_a_workload_is_timed(freeze: bool) -> None:
    import gc

    from benchmarks.run import run_workload

    seen: list[int] = []

    def ours() -> object:
        return lambda: seen.append(gc.get_freeze_count())

    def numpy() -> object:
        return lambda: None

    before = gc.get_freeze_count()
    w = Workload("W99", "freeze probe", ours=ours, numpy=numpy, number=2, repeat=2)
    record = run_workload(w, None, None, quick=False, freeze=freeze)
    assert record["best"]["ours"] >= 0 and seen
    assert all(n > before for n in seen) if freeze else all(n == before for n in seen)
    assert gc.get_freeze_count() == before

    def broken() -> object:
        def fail() -> None:
            raise RuntimeError("contender failed")
        return fail

    with pytest.raises(RuntimeError, match="contender failed"):
        run_workload(Workload("W98", "fails", ours=broken, numpy=numpy), None, None, False,
                     freeze)
    assert gc.get_freeze_count() == before


def test_no_freeze_flag_is_said_in_the_table_and_the_json(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    proc = run(["-m", "benchmarks", "--quick", "--only", "W8", "--repeat", "1", "--no-freeze",
                "--json", str(out)], cwd=ROOT, block_torch=True, tmp=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "collector scans the whole heap" in proc.stdout
    assert strict_json(out)["meta"]["gc_freeze"] is False
