"""Test configuration: Hypothesis profiles chosen by SCRATCHGRAD_HYPOTHESIS_PROFILE.

`ci` (the default) is derandomized and quick; `dev` draws many more examples for local runs.
Without torch, the terminal summary says in one line why the PyTorch cross-checks skipped.
"""
from __future__ import annotations

import os
from typing import Any

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=25,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.register_profile(
    "dev",
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("SCRATCHGRAD_HYPOTHESIS_PROFILE", "ci"))

# Scripts run in subprocesses (the example smoke tests) import this checkout's packages, not
# whatever copy may be installed, so the suite tests the code beside it.
_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (_ROOT, os.environ.get("PYTHONPATH", "")) if p)


def _torch_importable() -> bool:
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def _skip_reason(report: Any) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2])
    return str(longrepr)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: Any) -> None:
    """Without torch, say in one line why the PyTorch cross-checks were skipped."""
    skipped = terminalreporter.stats.get("skipped", [])
    n = sum("torch" in _skip_reason(r).lower() for r in skipped)
    if n and not _torch_importable():
        terminalreporter.write_line(
            f"{n} PyTorch cross-checks skipped: pip install torch to run them")
