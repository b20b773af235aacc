"""searchkit benchmark suite (issue 8): ``python -m bench``; see docs/benchmarks.md."""
