"""Benchmarks for Tidings (run from the repository root as ``python -m bench.<name>``)."""
