"""Fixtures of the example smoke tests: run a script in a subprocess, parse its RESULT lines,
and write small MNIST-style IDX files.

SCRATCHGRAD_EXAMPLES_BLOCK=matplotlib,sklearn runs every script as if those packages were
not installed (the fallback paths: spiral data, no plots), whatever the environment holds.
"""
from __future__ import annotations

import gzip
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Callable

import numpy as np
import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@dataclass
class Run:
    stdout: str
    stderr: str
    out: Path

    def results(self, **match: str) -> list[dict[str, str]]:
        """The RESULT lines as dicts, keeping those whose fields equal `match`."""
        rows = []
        for line in self.stdout.splitlines():
            if line.startswith("RESULT "):
                row = dict(part.split("=", 1) for part in line.split()[1:])
                if all(row.get(k) == v for k, v in match.items()):
                    rows.append(row)
        return rows

    def result(self, **match: str) -> dict[str, str]:
        """The one RESULT line matching `match`."""
        rows = self.results(**match)
        assert len(rows) == 1, f"expected one RESULT line with {match}, got {rows}\n{self.stdout}"
        return rows[0]


def blocker_dir(root: Path, modules: list[str]) -> Path:
    """A folder of stand-in packages that fail to import, to put first on PYTHONPATH."""
    folder = root / "blocked-modules"
    for name in modules:
        (folder / name).mkdir(parents=True, exist_ok=True)
        (folder / name / "__init__.py").write_text(
            f"raise ImportError('{name} is blocked for this test')\n")
    return folder


@pytest.fixture
def run_example(tmp_path: Path) -> Callable[..., Run]:
    """run_example("train.py", "--epochs", "3", out="a", block=("sklearn",)) → Run."""

    def run(script: str, *args: str, out: str = "out", block: tuple[str, ...] = (),
            quick: bool = True) -> Run:
        env = dict(os.environ, MPLBACKEND="Agg")
        blocked = [m for m in os.environ.get("SCRATCHGRAD_EXAMPLES_BLOCK", "").split(",") if m]
        blocked += list(block)
        if blocked:
            paths = [str(blocker_dir(tmp_path, blocked)), env.get("PYTHONPATH", "")]
            env["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
        out_dir = tmp_path / out
        command = [sys.executable, str(EXAMPLES / script), *(["--quick"] if quick else []),
                   "--out", str(out_dir), *args]
        proc = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600,
                              cwd=tmp_path)
        assert proc.returncode == 0, (
            f"{script} exited with {proc.returncode}\nstdout:\n{proc.stdout}\n"
            f"stderr:\n{proc.stderr}")
        return Run(proc.stdout, proc.stderr, out_dir)

    return run


@pytest.fixture
def plotting() -> bool:
    """True when the scripts will draw: matplotlib importable and not blocked."""
    if "matplotlib" in os.environ.get("SCRATCHGRAD_EXAMPLES_BLOCK", ""):
        return False
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def idx_bytes(array: np.ndarray, type_code: int = 0x08) -> bytes:
    """An IDX file's bytes: 00 00 <type> <ndim>, big-endian sizes, then the data."""
    header = bytes([0, 0, type_code, array.ndim])
    header += b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    return header + array.astype(">u1" if type_code == 0x08 else array.dtype).tobytes()


def write_idx(path: Path, array: np.ndarray, compress: bool = False) -> Path:
    data = idx_bytes(array)
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


def synthetic_mnist(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """n 28x28 uint8 images of 10 classes: a fixed random stroke pattern per class + noise."""
    templates = np.random.default_rng(1234).random((10, 28, 28)) > 0.8
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, n).astype(np.uint8)
    images = templates[labels] * 200 + rng.integers(0, 56, (n, 28, 28))
    return images.astype(np.uint8), labels


@pytest.fixture
def idx() -> SimpleNamespace:
    """The IDX writers above, for tests that build their own (broken) files."""
    return SimpleNamespace(idx_bytes=idx_bytes, write_idx=write_idx,
                           synthetic_mnist=synthetic_mnist)


@pytest.fixture
def mnist_dir(tmp_path: Path) -> Path:
    """A folder with small MNIST-style files: training set gzipped, test set plain."""
    folder = tmp_path / "mnist"
    folder.mkdir()
    for split, n, seed, compress in (("train", 400, 1, True), ("t10k", 100, 2, False)):
        images, labels = synthetic_mnist(n, seed)
        suffix = ".gz" if compress else ""
        write_idx(folder / f"{split}-images-idx3-ubyte{suffix}", images, compress)
        write_idx(folder / f"{split}-labels-idx1-ubyte{suffix}", labels, compress)
    return folder
