"""`python -m benchmarks`: run every workload (see benchmarks/run.py for the flags)."""
import os
import sys

if __package__ in (None, ""):  # `python benchmarks` (the folder run as a script)
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks.run import main  # noqa: E402

sys.exit(main())
