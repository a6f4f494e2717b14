"""Run an outside project's gradient tests against this library through NumPy's protocols.

The outside suite is HIPS autograd's (its sdist from PyPI). Its tests call NumPy functions
through the package's own NumPy wrapper and check gradients with its `check_grads`. Here they
run against plain NumPy instead: on a Tensor, NumPy functions and ufuncs reach our ops through
`__array_function__` / `__array_ufunc__`, and `tools/outside_shim.py` supplies `grad`,
`jacobian`, `check_grads`, ... on our engine (see its docstring). Nothing of the outside
project is copied into this repository: the harness

1. fetches the sdist (`pip download autograd --no-binary :all: --no-deps` into a temporary
   directory) or uses an unpacked copy given with `--path`;
2. copies its `tests/` to a temporary directory, rewrites the imports of its package
   (`autograd`, `autograd.numpy`, `autograd.test_util`, ...) to `outside_shim`, which maps
   `outside_shim.numpy` to NumPy itself, and puts this repository first on `sys.path`;
3. runs pytest on the copy and classifies every test:

   - `pass`;
   - `named`: an error raised deliberately by our library (TypeError, ValueError,
     NotImplementedError, RuntimeError raised in `autograd/`), e.g. for an op with no
     complex gradient or a NumPy function with no differentiable op;
   - `WRONG`: silently wrong: our gradient (or value) disagrees with central differences
     (`WrongGradient` / `WrongValue` from the shim) or an assertion of the test fails;
   - `other`: anything else (a harness or test incompatibility, e.g. HIPS-only API).

The gradient suite (the default file set) is the files whose tests check numeric gradients:
test_numpy, test_systematic, test_scalar_ops, test_binary_ops, test_linalg, test_truediv,
test_builtins, test_logic, test_jacobian, test_direct, test_core: 390 tests in autograd
1.9.1 (test_linalg's parametrized tests counted one by one). Left out: files about the
outside project's own machinery (test_vspaces, test_wrappers, test_graphs, test_dict,
test_list, test_tuple, test_tests, test_misc, test_ufunc_dispatch, the profiling and
complexity helpers), and test_complex, test_fft and test_scipy (complex numbers, FFT and
SciPy, which this library does not provide). `--all` runs every test file (499 tests; files
that import the outside project's internals count as one `other` each).

Complex numbers follow PyTorch's convention in our library and the suite's (the conjugate)
in its tests: the shim conjugates at the boundary (see outside_shim.py). Ops with no complex
gradient (max, min, sort, ...) raise TypeError. Python lists of Tensors given to NumPy functions
that do not dispatch (`np.array([x, y])`, `np.r_`, `np.mean([x, y])`) raise RuntimeError from
`Tensor.__array__`: NumPy would copy the values and drop the gradient.

Run from the repository root:

    python tools/outside_suite.py                         # download the sdist
    python tools/outside_suite.py --path /tmp/autograd-1.9.1
    python tools/outside_suite.py --path ... --list WRONG --list other   # show those tests
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHIM = Path(__file__).resolve().parent / "outside_shim.py"

GRADIENT_SUITE = [
    "test_numpy.py", "test_systematic.py", "test_scalar_ops.py", "test_binary_ops.py",
    "test_linalg.py", "test_truediv.py", "test_builtins.py", "test_logic.py",
    "test_jacobian.py", "test_direct.py", "test_core.py",
]
CATEGORIES = ("pass", "named", "WRONG", "other")
NAMED_TYPES = {"TypeError", "ValueError", "NotImplementedError", "RuntimeError"}

# A pytest plugin, written next to the copied tests: records each test's outcome and, for
# failures, the exception type, message and the file of the frame that raised it.
PLUGIN = '''
import json, os
RESULTS = []

def pytest_runtest_makereport(item, call):
    if call.when != "call" and not (call.excinfo and call.when == "setup"):
        return
    rec = {"id": item.nodeid, "outcome": "passed"}
    if call.excinfo is not None:
        e = call.excinfo
        rec["outcome"] = "skipped" if e.typename == "Skipped" else "failed"
        rec["type"] = e.typename
        rec["mro"] = [c.__name__ for c in type(e.value).__mro__]
        rec["message"] = str(e.value).strip().splitlines()[0][:300] if str(e.value).strip() else ""
        rec["where"] = str(e.traceback[-1].path) if len(e.traceback) else ""
    RESULTS.append(rec)

def pytest_collectreport(report):
    if report.failed:  # a file that cannot be imported (outside-only API): one record
        RESULTS.append({"id": report.nodeid + "::(import)", "outcome": "failed",
                        "type": "CollectionError", "mro": [], "where": "",
                        "message": str(report.longrepr).strip().splitlines()[-1][:300]})

def pytest_sessionfinish(session):
    with open(os.environ["OUTSIDE_RESULTS"], "w") as f:
        json.dump(RESULTS, f)
'''

IMPORT = re.compile(r"^(\s*)(from|import)\s+autograd\b", re.M)


def fetch(dest: Path) -> Path:
    """Download and unpack the sdist into `dest`; return the unpacked directory."""
    subprocess.run([sys.executable, "-m", "pip", "download", "autograd", "--no-binary", ":all:",
                    "--no-deps", "--quiet", "-d", str(dest)], check=True)
    (archive,) = dest.glob("autograd-*.tar.gz")
    with tarfile.open(archive) as tar:
        tar.extractall(dest, filter="data")
    return next(p for p in dest.iterdir() if p.is_dir() and p.name.startswith("autograd-"))


def prepare(sdist: Path, work: Path) -> Path:
    """The suite's tests copied to `work/tests`, importing `outside_shim`."""
    tests = work / "tests"
    shutil.copytree(sdist / "tests", tests)
    for path in tests.glob("*.py"):
        text = path.read_text()
        path.write_text(IMPORT.sub(lambda m: f"{m.group(1)}{m.group(2)} outside_shim", text))
    shutil.copy(SHIM, tests / "outside_shim.py")
    (tests / "_outside_report.py").write_text(PLUGIN)
    return tests


def run(tests: Path, files: list[str], extra: list[str]) -> list[dict]:
    out = tests.parent / "results.json"
    env = dict(os.environ, OUTSIDE_RESULTS=str(out),
               PYTHONPATH=os.pathsep.join([str(REPO), str(tests)]))
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "_outside_report", "-p", "no:randomly",
           "-p", "no:cacheprovider", "-W", "ignore", "--continue-on-collection-errors",
           *files, *extra]
    subprocess.run(cmd, cwd=tests, env=env, stdout=subprocess.DEVNULL)
    return json.loads(out.read_text())


def classify(rec: dict) -> str:
    if rec["outcome"] == "passed":
        return "pass"
    mro = rec.get("mro", [])
    if "WrongGradient" in mro or "WrongValue" in mro or rec["type"] == "AssertionError":
        return "WRONG"
    ours = (REPO / "autograd") in Path(rec.get("where", "/")).parents
    if ours and NAMED_TYPES & set(mro):
        return "named"
    return "other"


def table(records: list[dict]) -> str:
    per_file: dict[str, Counter] = {}
    for rec in records:
        per_file.setdefault(rec["id"].split("::")[0], Counter())[rec["category"]] += 1
    total = sum(per_file.values(), Counter())
    rows = [("file", "tests", *CATEGORIES)]
    for name, c in sorted(per_file.items()) + [("TOTAL", total)]:
        rows.append((name, str(sum(c.values())), *(str(c[k]) for k in CATEGORIES)))
    return "\n".join(f"{r[0]:<22}" + "".join(f"{x:>7}" for x in r[1:]) for r in rows)


def measure(sdist: Path | None = None, all_files: bool = False,
            pytest_args: list[str] = ()) -> list[dict]:
    """Every test's record (id, outcome, exception type, message, `category`)."""
    with tempfile.TemporaryDirectory(prefix="outside_suite_") as tmp:
        sdist = sdist or fetch(Path(tmp) / "sdist")
        tests = prepare(sdist, Path(tmp))
        files = sorted(p.name for p in tests.glob("test_*.py")) if all_files else GRADIENT_SUITE
        records = run(tests, files, list(pytest_args))
    for rec in records:
        rec["category"] = classify(rec)
    return records


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--path", type=Path, help="an unpacked sdist (default: download it)")
    ap.add_argument("--all", action="store_true", help="every test file, not only the "
                    "gradient suite")
    ap.add_argument("--list", action="append", default=[], choices=CATEGORIES,
                    help="print the tests of this category with their messages")
    ap.add_argument("--json", type=Path, help="write every test's record here")
    ap.add_argument("pytest_args", nargs="*", help="passed on to pytest (e.g. -k name)")
    args = ap.parse_args(argv)
    records = measure(args.path, args.all, args.pytest_args)
    for cat in args.list:
        for rec in records:
            if rec["category"] == cat:
                print(f"{cat:6} {rec['id']}: {rec['type']}: {rec['message'][:200]}")
    if args.json:
        args.json.write_text(json.dumps(records, indent=1))
    print(table(records))
    return 0


if __name__ == "__main__":
    sys.exit(main())
