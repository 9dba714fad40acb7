"""Publication: write-audit-publish with releases that can be listed and rolled back.

Each publication writes a release folder under ``<warehouse>/releases/<release id>/``: a
read-only DuckDB file holding the audited marts, one Parquet file per mart, and
``release.json``. The folder is built under a temporary name and renamed into place; then the
switch makes it current, each step an atomic rename:

- ``<warehouse>/barometre.duckdb``, the file BI tools open, becomes a hard link to the
  release's database file, so a reader holding the old file open keeps its snapshot;
- ``<warehouse>/current`` becomes a symbolic link to the release folder (Parquet readers).

The release folder also holds the open-data package (``open_data/``: CSV, Frictionless data
package, French dictionary, Excel workbooks), validated before the switch: a package that does
not validate publishes nothing.

A process killed at any point leaves the previous release current and complete; its
temporary files are cleared by the next publication.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from barometre import __version__
from barometre.config import WarehouseLayout
from barometre.database import connect, sql_string
from barometre.errors import BarometreError
from barometre.fingerprint import schema_fingerprint, table_names
from barometre.ingest.landing import ORIGIN_NOTES, single_origin
from barometre.quality.gate_verdict import AuditedBuild, verify_verdict
from barometre.release.descriptions import TableDescription
from barometre.release.open_data import OPEN_DATA_FOLDER, validate_open_data, write_open_data
from barometre.releases import (
    DOCS_FOLDER,
    DOCS_INDEX,
    PUBLISHED_SCHEMA,
    RELEASE_FILE,
    RELEASE_ID_COLUMN,
    RELEASE_ID_DESCRIPTION,
    Release,
    ReleaseInput,
    current_release,
    list_releases,
)

DEFAULT_KEEP_RELEASES = 5


@dataclass(frozen=True)
class PublishResult:
    """What publication did: "published" a new release, or found the marts "unchanged"."""

    status: str
    release: Release


def publish_marts(
    layout: WarehouseLayout,
    required_checks: Sequence[str],
    start_docs: Callable[[Path], Callable[[], None]],
    revised_waves: tuple[int, ...] = (),
    keep: int = DEFAULT_KEEP_RELEASES,
    descriptions: Mapping[str, TableDescription] | None = None,
) -> PublishResult:
    """Publish the build database's marts as a new release unless the current one holds them.

    Only a build whose quality-gate verdict holds every one of `required_checks`, all passed,
    is published (write-audit-publish, enforced here whoever starts the publication); a build
    whose inputs mix observed and synthetic data never is.

    `start_docs(folder)` starts writing the release's documentation site into `folder` and
    returns what waits for it to be written. It starts once the build database is closed here,
    so it may open it (dbt's process does), and runs while the open-data package is written
    from the release's own database (dbt's start-up and the package's Python each take a core).
    """
    _remove_stale_temporaries(layout)
    layout.releases_dir.mkdir(parents=True, exist_ok=True)
    with connect(spill_dir=layout.build_db.parent / "publish.tmp") as connection:
        connection.execute(f"attach {sql_string(layout.build_db)} as build (read_only)")
        fingerprint = schema_fingerprint(connection, "build", PUBLISHED_SCHEMA)
        current = current_release(layout)
        if current is not None and current.fingerprint == fingerprint:
            return PublishResult("unchanged", current)
        baseline = current.release_id if current else None
        known = {PUBLISHED_SCHEMA: fingerprint}
        audited = AuditedBuild.of(connection, "build", baseline, revised_waves, known)
        verify_verdict(layout, audited, required_checks)
        inputs = _release_inputs(connection)
        origin = single_origin({i.origin for i in inputs}, f"the build database {layout.build_db}")
        waves = sorted({i.wave for i in inputs if i.kind.startswith("survey")})
        tables = table_names(connection, "build", PUBLISHED_SCHEMA)
        release = Release(
            release_id=_new_release_id(layout, waves),
            fingerprint=fingerprint,
            published_at=datetime.now(UTC).isoformat(timespec="microseconds"),
            waves=waves,
            row_counts=_row_counts(connection, tables),
            revised_waves=sorted(revised_waves),
            data_note=ORIGIN_NOTES.get(origin, ""),
            origin=origin,
            inputs=[asdict(i) for i in inputs],
        )
        staging = layout.releases_dir / f".tmp-{release.release_id}-{os.getpid()}"
        staging.mkdir()
        _write_release(connection, staging, tables, release, descriptions or {})
    try:
        docs = staging / DOCS_FOLDER
        docs.mkdir()
        finish_docs = start_docs(docs)
        try:
            _write_open_data(staging, release, descriptions or {})
        finally:
            finish_docs()  # whatever happened, the docs' process is over before we go on
        _name_release_in_docs(docs, release)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)  # nothing of a refused release is left
        raise
    os.replace(staging, layout.releases_dir / release.release_id)
    _fsync(layout.releases_dir)
    switch_to(layout, release.release_id)
    prune_releases(layout, keep)
    return PublishResult("published", release)


def switch_to(layout: WarehouseLayout, release_id: str) -> Release:
    """Make a kept release current: two atomic renames, database file first."""
    folder = layout.releases_dir / release_id
    if not (folder / RELEASE_FILE).exists():
        known = ", ".join(r.release_id for r in list_releases(layout)) or "none"
        raise BarometreError(f"no release {release_id!r} in {layout.releases_dir} (kept: {known})")
    release = Release.read(folder)
    link = layout.root / f".{layout.published_db.name}.{os.getpid()}.tmp"
    os.link(folder / layout.published_db.name, link)
    os.replace(link, layout.published_db)
    pointer = layout.root / f".current.{os.getpid()}.tmp"
    os.symlink(Path("releases") / release_id, pointer)
    os.replace(pointer, layout.current_release_link)
    _fsync(layout.root)
    return release


def prune_releases(layout: WarehouseLayout, keep: int) -> list[str]:
    """Delete all but the `keep` newest releases; the current one is always kept."""
    current = current_release(layout)
    releases = list_releases(layout)
    doomed = [
        r.release_id
        for r in releases[: max(len(releases) - keep, 0)]
        if current is None or r.release_id != current.release_id
    ]
    for release_id in doomed:
        shutil.rmtree(layout.releases_dir / release_id)
    return doomed


def _write_release(
    connection: duckdb.DuckDBPyConnection,
    folder: Path,
    tables: list[str],
    release: Release,
    descriptions: Mapping[str, TableDescription],
) -> None:
    database = folder / "barometre.duckdb"
    (folder / "parquet").mkdir()
    # an older storage format, so that BI drivers and CLIs bundling DuckDB 1.x can open the file
    connection.execute(f"attach {sql_string(database)} as release (storage_version 'v1.0.0')")
    connection.execute(f"create schema release.{PUBLISHED_SCHEMA}")
    for table in tables:
        # every published row says which release it belongs to. Copied in the build's order,
        # unsorted: no reader relies on a row order (SQL orders its results, the content
        # fingerprint and the published-figures guard are order-independent, the workbooks
        # sort their rows); sorting every mart sorted millions of rows at 100x for nothing.
        connection.execute(
            f"create table release.{PUBLISHED_SCHEMA}.{table} as "
            f"select *, ? as release_id from build.{PUBLISHED_SCHEMA}.{table}",
            [release.release_id],
        )
        _comment(connection, table, descriptions.get(table))
        parquet = sql_string(folder / "parquet" / f"{table}.parquet")
        connection.execute(f"copy release.{PUBLISHED_SCHEMA}.{table} to {parquet} (format parquet)")
    connection.execute("create schema release.meta")
    connection.execute(
        "create table release.meta.release as select ? as release_id, ? as fingerprint, "
        "cast(? as timestamp) as published_at, ? as barometre_version, "
        "cast(? as integer[]) as waves, cast(? as integer[]) as revised_waves, "
        "nullif(?, '') as data_note, ? as origin",
        [
            release.release_id,
            release.fingerprint,
            release.published_at.removesuffix("+00:00"),
            __version__,
            release.waves,
            release.revised_waves,
            release.data_note,
            release.origin,
        ],
    )
    _write_inputs(connection, release.inputs)
    connection.execute("detach release")
    (folder / RELEASE_FILE).write_text(
        json.dumps(_release_json(release), indent=2), encoding="utf-8"
    )
    _seal([database, folder / RELEASE_FILE, *sorted((folder / "parquet").iterdir())])
    _fsync(folder / "parquet")
    _fsync(folder)


def _write_inputs(connection: duckdb.DuckDBPyConnection, inputs: list[dict[str, Any]]) -> None:
    """meta.release_inputs: every landing file the release was built from."""
    connection.execute(
        "create table release.meta.release_inputs (wave integer, kind varchar, "
        "file_name varchar, sha256 varchar, bytes bigint, records integer, origin varchar)"
    )
    connection.executemany(
        "insert into release.meta.release_inputs values (?, ?, ?, ?, ?, ?, ?)",
        [[i[name] for name in ReleaseInput.__dataclass_fields__] for i in inputs],
    )


def _write_open_data(
    folder: Path, release: Release, descriptions: Mapping[str, TableDescription]
) -> None:
    """The open-data package, written from the release's own database and validated."""
    package = folder / OPEN_DATA_FOLDER
    write_open_data(folder / "barometre.duckdb", package, descriptions, _release_json(release))
    validate_open_data(package)
    files = sorted(path for path in package.rglob("*") if path.is_file())
    _seal(files)
    for directory in {path.parent for path in files}:
        _fsync(directory)


def _name_release_in_docs(folder: Path, release: Release) -> None:
    # the overview page (dbt_project/models/overview.md) names the release it documents
    index = folder / DOCS_INDEX
    text = index.read_text(encoding="utf-8")
    for placeholder, value in (
        ("BAROMETRE_RELEASE_ID", release.release_id),
        ("BAROMETRE_RELEASE_ORIGIN", release.origin),
    ):
        text = text.replace(placeholder, value)
    index.write_text(text, encoding="utf-8")
    _seal(sorted(folder.iterdir()))
    _fsync(folder)


def _seal(paths: list[Path]) -> None:
    """Flush to disk and make read-only: published files never change."""
    for path in paths:
        _fsync(path)
        path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)


def _comment(
    connection: duckdb.DuckDBPyConnection, table: str, described: TableDescription | None
) -> None:
    qualified = f"release.{PUBLISHED_SCHEMA}.{table}"
    columns = {RELEASE_ID_COLUMN: RELEASE_ID_DESCRIPTION}
    if described:
        connection.execute(f"comment on table {qualified} is {_quoted(described.description)}")
        columns |= described.columns
    present = {
        name
        for (name,) in connection.execute(
            "select column_name from duckdb_columns() where database_name = 'release' "
            "and schema_name = ? and table_name = ?",
            [PUBLISHED_SCHEMA, table],
        ).fetchall()
    }
    for column, text in columns.items():
        if column in present and text:
            connection.execute(f'comment on column {qualified}."{column}" is {_quoted(text)}')


def _quoted(text: str) -> str:
    """A SQL string literal (COMMENT ON takes no parameters)."""
    return sql_string(" ".join(text.split()))


def _release_json(release: Release) -> dict[str, Any]:
    return {**asdict(release), "barometre_version": __version__}


def _release_inputs(connection: duckdb.DuckDBPyConnection) -> list[ReleaseInput]:
    """The landing files the build was made from, as its raw layer's loads recorded them."""
    rows = connection.execute(
        """
        select wave, 'survey_export', export_file, export_sha256, export_bytes, row_count, origin
        from build.raw.survey_loads
        union all
        select wave, 'survey_reference', reference_file, reference_sha256, reference_bytes,
            reference_row_count, origin
        from build.raw.survey_loads where reference_file is not null
        union all
        select wave, 'poll_export', file, sha256, bytes, row_count, origin from build.raw.poll_loads
        order by 2, 1
        """
    ).fetchall()
    return [ReleaseInput(*row) for row in rows]


def _new_release_id(layout: WarehouseLayout, waves: list[int]) -> str:
    """Wave set + build time, e.g. 2023_20261128T180707Z; unique within the warehouse."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    base = f"{'-'.join(str(w) for w in waves) or 'empty'}_{stamp}"
    release_id, suffix = base, 1
    while (layout.releases_dir / release_id).exists():
        suffix += 1
        release_id = f"{base}-{suffix}"
    return release_id


def _row_counts(connection: duckdb.DuckDBPyConnection, tables: list[str]) -> dict[str, int]:
    return {
        table: connection.execute(
            f"select count(*) from build.{PUBLISHED_SCHEMA}.{table}"
        ).fetchone()[0]
        for table in tables
    }


def _remove_stale_temporaries(layout: WarehouseLayout) -> None:
    """A run killed while publishing leaves temporary files behind: clear them."""
    for stale in layout.root.glob(".*.tmp"):
        stale.unlink(missing_ok=True)
    if layout.releases_dir.exists():
        for stale in layout.releases_dir.glob(".tmp-*"):
            shutil.rmtree(stale, ignore_errors=True)


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
