"""Publication: copy the audited marts into a new DuckDB file and swap it in atomically.

The file is written under a temporary name next to the published one and renamed over it,
so a BI tool holding the old file open read-only keeps a consistent snapshot, and a failure
at any point leaves the published file as it was.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from barometre import __version__

PUBLISHED_SCHEMA = "marts"


@dataclass(frozen=True)
class PublishResult:
    """What publication did: "published" a new file, or found it "unchanged"."""

    status: str
    path: Path
    fingerprint: str
    row_counts: dict[str, int]


def mart_tables(connection: duckdb.DuckDBPyConnection, database: str) -> list[str]:
    rows = connection.execute(
        "select table_name from duckdb_tables() "
        "where database_name = ? and schema_name = ? order by table_name",
        [database, PUBLISHED_SCHEMA],
    ).fetchall()
    return [name for (name,) in rows]


def marts_fingerprint(connection: duckdb.DuckDBPyConnection, database: str) -> str:
    """A hash of the marts' content: same content, same fingerprint, nothing to publish."""
    parts = []
    for table in mart_tables(connection, database):
        (digest,) = connection.execute(
            f"select md5(coalesce(string_agg(cast(t as varchar), chr(10) "
            f"order by cast(t as varchar)), '')) from {database}.{PUBLISHED_SCHEMA}.{table} as t"
        ).fetchone()
        parts.append(f"{table}:{digest}")
    (fingerprint,) = connection.execute("select md5(?)", ["|".join(parts)]).fetchone()
    return fingerprint


def published_fingerprint(published_db: Path) -> str | None:
    if not published_db.exists():
        return None
    try:
        with duckdb.connect(str(published_db), read_only=True) as connection:
            row = connection.execute("select fingerprint from meta.release").fetchone()
    except duckdb.Error:
        return None  # not a file this pipeline published: replace it
    return row[0] if row else None


def publish_marts(build_db: Path, published_db: Path) -> PublishResult:
    """Publish the build database's marts unless the published file already holds them."""
    published_db.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(published_db)
    temporary = published_db.with_name(f".{published_db.name}.{os.getpid()}.tmp")
    with duckdb.connect(str(temporary)) as connection:
        connection.execute(f"attach '{build_db}' as build (read_only)")
        fingerprint = marts_fingerprint(connection, "build")
        tables = mart_tables(connection, "build")
        counts = _row_counts(connection, tables)
        unchanged = fingerprint == published_fingerprint(published_db)
        if not unchanged:
            _copy_marts(connection, tables, fingerprint)
        connection.execute("detach build")
        connection.execute("checkpoint")
    if unchanged:
        temporary.unlink()
        return PublishResult("unchanged", published_db, fingerprint, counts)
    _fsync(temporary)
    os.replace(temporary, published_db)
    _fsync(published_db.parent)
    return PublishResult("published", published_db, fingerprint, counts)


def _copy_marts(connection: duckdb.DuckDBPyConnection, tables: list[str], fingerprint: str) -> None:
    connection.execute(f"create schema {PUBLISHED_SCHEMA}")
    for table in tables:
        connection.execute(
            f"create table {PUBLISHED_SCHEMA}.{table} as "
            f"select * from build.{PUBLISHED_SCHEMA}.{table} order by all"
        )
    connection.execute("create schema meta")
    connection.execute(
        "create table meta.release as select ? as fingerprint, ? as published_at, "
        "? as barometre_version, (select list(distinct wave order by wave) "
        "from build.raw.survey_loads) as waves",
        [fingerprint, datetime.now(UTC).replace(tzinfo=None), __version__],
    )


def _row_counts(connection: duckdb.DuckDBPyConnection, tables: list[str]) -> dict[str, int]:
    return {
        table: connection.execute(
            f"select count(*) from build.{PUBLISHED_SCHEMA}.{table}"
        ).fetchone()[0]
        for table in tables
    }


def _remove_stale_temporaries(published_db: Path) -> None:
    """A run killed while publishing leaves its temporary file behind: clear it."""
    for stale in published_db.parent.glob(f".{published_db.name}.*.tmp"):
        stale.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
