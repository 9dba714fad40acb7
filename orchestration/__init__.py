"""Dagster code location for barometre: `dagster dev` from the repository root opens it."""
