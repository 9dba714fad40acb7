"""The raw layer: the landing folder read strictly and loaded as it is (surveys, polls, Parquet)."""
