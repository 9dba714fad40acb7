"""Releases: publication, rollback, the run lock, the no-op check and Spark builds brought back."""
