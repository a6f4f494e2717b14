"""What a new user meets first: the README's tour runs and shows its results, and a suite run
without torch says in one line why the PyTorch cross-checks were skipped."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SUMMARY = re.compile(r"^(\d+) PyTorch cross-checks skipped: pip install torch to run them$",
                     re.M)


def readme_block(heading: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(rf"^## {re.escape(heading)}\n.*?```python\n(.*?)```", text, re.S | re.M)
    assert match, f"README.md has no python block under '## {heading}'"
    return match.group(1)


def numbers(line: str) -> list[float]:
    inside = line[line.index("[") + 1:line.index("]")]
    return [float(v) for v in inside.replace(",", " ").split()]


def test_readme_tour_runs_and_prints_its_results(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-c", readme_block("A short tour")],
                          capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    losses = [float(m.group(1)) for m in re.finditer(r"^step +\d+ +loss (\S+)$", proc.stdout,
                                                     re.M)]
    assert len(losses) >= 2 and losses[-1] < losses[0] / 2, proc.stdout
    assert any(line.startswith("training accuracy ") for line in lines), proc.stdout
    first = next(line for line in lines if line.startswith("d/dw"))
    second = next(line for line in lines if line.startswith("d²/dw²"))
    w = [1.0, 2.0]
    assert numbers(first) == pytest.approx([3 * v * v for v in w])
    assert numbers(second) == pytest.approx([6 * v for v in w])


def run_pytest(tmp_path: Path, block_torch: bool) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if block_torch:
        blocker = tmp_path / "blocked" / "torch"
        blocker.mkdir(parents=True)
        (blocker / "__init__.py").write_text(  # exactly what a missing package raises
            "raise ModuleNotFoundError(\"No module named 'torch'\", name='torch')\n")
        env["PYTHONPATH"] = os.pathsep.join([str(blocker.parent), str(ROOT)])
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-o", "addopts=", "-q",
               str(ROOT / "tests" / "nn" / "test_interop.py"), "-k", "pytorch and not training"]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=600)


def test_a_run_without_torch_says_why_tests_were_skipped(tmp_path: Path) -> None:
    proc = run_pytest(tmp_path, block_torch=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    found = SUMMARY.findall(proc.stdout)
    skipped = re.search(r"(\d+) skipped", proc.stdout)
    assert skipped and found == [skipped.group(1)], proc.stdout


def test_a_run_with_torch_prints_no_such_line(tmp_path: Path) -> None:
    pytest.importorskip("torch", reason="with torch missing, this run cannot show its presence")
    proc = run_pytest(tmp_path, block_torch=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not SUMMARY.search(proc.stdout) and "skipped" not in proc.stdout, proc.stdout
