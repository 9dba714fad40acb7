"""The portable raw layer: the raw schema of the build database, written as Parquet.

Each raw table becomes a folder ``<build>/raw_parquet/<table>/`` holding one folder per wave
(``<wave>/data.parquet``) and an empty ``schema.parquet`` that gives the table its columns even
when no wave has any row (a landing folder without polls). Any engine reads a table as every
Parquet file under its folder: Spark as a table over the folder, DuckDB with ``read_parquet``.

The DuckDB raw schema stays the source of truth (its loads are transactions); the Parquet copy
is rewritten from it after every load (each file written under a hidden name, then renamed), so
a crash leaves at worst a wave stale or missing, and the next load rewrites it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

SCHEMA_FILE = "schema.parquet"
WAVE_FILE = "data.parquet"


def write_raw_parquet(
    connection: duckdb.DuckDBPyConnection, tables: tuple[str, ...], root: Path
) -> None:
    """Write every wave of each raw table as Parquet, and drop the folders of gone waves."""
    for table in tables:
        folder = root / table
        folder.mkdir(parents=True, exist_ok=True)
        _copy(connection, f"select * from raw.{table} limit 0", folder / SCHEMA_FILE)
        waves = {
            str(wave)
            for (wave,) in connection.execute(f"select distinct wave from raw.{table}").fetchall()
        }
        for wave in sorted(waves):
            staging = folder / f".{wave}.tmp"
            shutil.rmtree(staging, ignore_errors=True)
            staging.mkdir()
            _copy(
                connection,
                f"select * from raw.{table} where wave = {int(wave)}",
                staging / WAVE_FILE,
            )
            shutil.rmtree(folder / wave, ignore_errors=True)
            staging.rename(folder / wave)
        for gone in folder.iterdir():
            if gone.is_dir() and gone.name not in waves:
                shutil.rmtree(gone)


def _copy(connection: duckdb.DuckDBPyConnection, query: str, path: Path) -> None:
    # written under a temporary name: a reader never sees half a file
    partial = path.with_name(f".{path.name}.partial")
    target = str(partial).replace("'", "''")
    connection.execute(f"copy ({query}) to '{target}' (format parquet)")
    partial.replace(path)
