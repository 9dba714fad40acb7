"""The portable raw layer: the raw schema of the build database, written as Parquet.

Each raw table becomes a folder ``<build>/raw_parquet/<table>/`` holding one folder per wave
(``<wave>/data.parquet``) and an empty ``schema.parquet`` that gives the table its columns even
when no wave has any row (a landing folder without polls). Any engine reads a table as every
Parquet file under its folder: dbt's sources do so on both engines (DuckDB through
``read_parquet``, Spark through tables over the folders, macros/raw_sources.sql).

The DuckDB raw schema stays the source of truth (its loads are transactions). A wave's folder
carries the ``loaded_at`` of the load it was written from (``.loaded_at``, a name no engine
reads), so only waves loaded since are written again. A folder is built beside the tables
(``.staging/``) and renamed into place: a reader never sees half a wave, and a crash leaves at
worst a wave stale, which the next load rewrites because its stamp differs.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from barometre.database import sql_string

SCHEMA_FILE = "schema.parquet"
WAVE_FILE = "data.parquet"
LOAD_STAMP = ".loaded_at"
STAGING_DIR = ".staging"


def write_raw_parquet(
    connection: duckdb.DuckDBPyConnection, loads_table: str, tables: tuple[str, ...], root: Path
) -> list[int]:
    """Write each wave of the raw tables loaded since it was last written (loads_table gives
    every wave's load time), drop the folders of gone waves; returns the waves written."""
    loads = {
        str(wave): str(loaded_at)
        for wave, loaded_at in connection.execute(
            f"select wave, loaded_at from raw.{loads_table}"
        ).fetchall()
    }
    written = {
        wave
        for wave, loaded_at in loads.items()
        if any(_stamp(root / table / wave) != loaded_at for table in tables)
    }
    for table in tables:
        folder = root / table
        folder.mkdir(parents=True, exist_ok=True)
        _copy(connection, f"select * from raw.{table} limit 0", folder / SCHEMA_FILE)
        for wave in sorted(written):
            staging = root / STAGING_DIR / table / wave
            shutil.rmtree(staging, ignore_errors=True)
            staging.mkdir(parents=True)
            _copy(
                connection,
                f"select * from raw.{table} where wave = {int(wave)}",
                staging / WAVE_FILE,
            )
            (staging / LOAD_STAMP).write_text(loads[wave], encoding="utf-8")
            shutil.rmtree(folder / wave, ignore_errors=True)
            staging.rename(folder / wave)
        for gone in folder.iterdir():
            if gone.is_dir() and gone.name not in loads:
                shutil.rmtree(gone)
    return sorted(int(wave) for wave in written)


def _stamp(folder: Path) -> str | None:
    stamp = folder / LOAD_STAMP
    return stamp.read_text(encoding="utf-8") if stamp.is_file() else None


def _copy(connection: duckdb.DuckDBPyConnection, query: str, path: Path) -> None:
    # written under a temporary name: a reader never sees half a file
    partial = path.with_name(f".{path.name}.partial")
    connection.execute(f"copy ({query}) to {sql_string(partial)} (format parquet)")
    partial.replace(path)
