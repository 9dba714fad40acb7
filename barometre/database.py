"""DuckDB connections of the pipeline, all with the memory cap dbt's connection has
(profiles.yml): past it DuckDB spills to disk. Uncapped, DuckDB takes up to 80% of the
machine's memory: publishing 100 times the sample (sorting a 9-million-row mart) took 8 GB."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import duckdb

from barometre.errors import BarometreError

MEMORY_LIMIT = "1GB"


def connect(
    database: Path | str = ":memory:", *, read_only: bool = False, spill_dir: Path | None = None
) -> duckdb.DuckDBPyConnection:
    """A capped connection; spill_dir is where an in-memory database spills (a file database
    spills beside itself)."""
    config = {"memory_limit": MEMORY_LIMIT}
    if spill_dir is not None:
        config["temp_directory"] = str(spill_dir)
    return duckdb.connect(str(database), read_only=read_only, config=config)


def sql_string(text: str | Path) -> str:
    """A SQL string literal, for what DuckDB takes no parameter for (the file of ATTACH and
    COPY, a COMMENT): a path may hold a quote ("/data/l'Observatoire")."""
    return "'" + str(text).replace("'", "''") + "'"


@contextlib.contextmanager
def transaction(connection: duckdb.DuckDBPyConnection, action: str) -> Iterator[None]:
    """Run the block in one transaction, committed at its end and rolled back on any error.

    A DuckDB error (a full disk: "No space left on device", "File too large") is raised as a
    BarometreError saying which action failed: "<action> failed, nothing of it was kept: ...".
    A failed commit has already ended the transaction, so the rollback's own error ("no
    transaction is active") is dropped: it would hide the cause."""
    connection.begin()
    try:
        yield
        connection.commit()
    except BaseException as error:
        with contextlib.suppress(duckdb.Error):
            connection.rollback()
        if isinstance(error, duckdb.Error):
            raise BarometreError(f"{action} failed, nothing of it was kept: {error}") from error
        raise
