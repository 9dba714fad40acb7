"""Benchmarks of the pipeline at scale factors 1, 10 and 100 (`make bench`)."""
