"""HIPS autograd's gradient tests run against our ops through NumPy's protocols
(tools/outside_suite.py): no result may be silently wrong.

The run needs the outside project's sdist, which is not part of this repository: it runs when
OUTSIDE_SUITE_PATH names an unpacked copy (`pip download autograd --no-binary :all: --no-deps`,
then unpack it). The classification itself is tested always.
"""
from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("outside_suite", ROOT / "tools" / "outside_suite.py")
outside_suite = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(outside_suite)

SDIST = os.environ.get("OUTSIDE_SUITE_PATH")
OURS = str(ROOT / "autograd" / "ops" / "numpy_extra.py")


@pytest.mark.parametrize("record, category", [
    ({"outcome": "passed"}, "pass"),
    ({"outcome": "failed", "type": "WrongGradient", "mro": ["WrongGradient", "AssertionError"],
      "where": "/tmp/x/outside_shim.py"}, "WRONG"),
    ({"outcome": "failed", "type": "AssertionError", "mro": ["AssertionError"],
      "where": "/tmp/x/test_numpy.py"}, "WRONG"),
    ({"outcome": "failed", "type": "TypeError", "mro": ["TypeError"], "where": OURS}, "named"),
    ({"outcome": "failed", "type": "TypeError", "mro": ["TypeError"],
      "where": "/tmp/x/outside_shim.py"}, "other"),
    ({"outcome": "failed", "type": "AttributeError", "mro": ["AttributeError"], "where": OURS},
     "other"),
])
def test_classification(record: dict, category: str) -> None:
    assert outside_suite.classify(record) == category


@pytest.mark.skipif(not SDIST, reason="set OUTSIDE_SUITE_PATH to an unpacked HIPS autograd sdist "
                    "(pip download autograd --no-binary :all: --no-deps) to run its gradient "
                    "suite through NumPy's protocols")
def test_outside_gradient_suite_has_no_silently_wrong_result() -> None:
    records = outside_suite.measure(Path(SDIST))
    wrong = [f"{r['id']}: {r['message']}" for r in records if r["category"] == "WRONG"]
    assert not wrong, "silently wrong:\n" + "\n".join(wrong)
    passed = sum(r["category"] == "pass" for r in records)
    assert passed >= 357, f"{passed} of {len(records)} pass (357 did when this was written)"
