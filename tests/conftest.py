"""Test configuration: Hypothesis profiles chosen by SCRATCHGRAD_HYPOTHESIS_PROFILE.

`ci` (the default) is derandomized and quick; `dev` draws many more examples for local runs.
"""
from __future__ import annotations

import os

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
