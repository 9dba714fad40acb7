"""Spark for the engine option: a Spark Connect URL and whether a server answers there (connect),
a local Spark cluster to try `--spark-remote` on (cluster)."""
