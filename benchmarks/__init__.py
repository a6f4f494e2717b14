"""Benchmarks of scratchgrad against hand-written NumPy and PyTorch: `python -m benchmarks`.

See benchmarks/README.md for the flags and for how to add a workload.
"""
