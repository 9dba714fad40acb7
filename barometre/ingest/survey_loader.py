"""The raw layer: each landing file loaded into DuckDB as it is, every cell as text.

A wave is reloaded only when one of its files changed (SHA-256), and then replaced in one
transaction, so a failed load leaves the previous raw data of that wave intact.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice

import duckdb
import pandas as pd

from barometre.database import sql_string, transaction
from barometre.ingest.landing import (
    MAX_RESPONSE_ID,
    REFERENCE_COLUMNS,
    CsvStream,
    SurveyWaveFiles,
    file_sha256,
    read_reference_table,
    read_survey_export,
)

RAW_TABLES = ("survey_loads", "survey_headers", "survey_cells", "respondents_reference")
_CELLS_CHUNK_RECORDS = 2000
# the export's records as DuckDB parsed them, for the wave being loaded
_PARSED = "parsed_export_records"
# a record longer than this is read by the Python reader instead (DuckDB's default is 2 MB)
_MAX_RECORD_BYTES = 1 << 26

_RAW_DDL = f"""
create schema if not exists raw;
create table if not exists raw.survey_loads (
    wave integer primary key,
    export_file varchar not null,
    export_sha256 varchar not null,
    reference_file varchar,
    reference_sha256 varchar,
    row_count integer not null,
    column_count integer not null,
    loaded_at timestamp not null,
    export_bytes bigint,
    reference_bytes bigint,
    reference_row_count integer,
    origin varchar
);
-- columns added since the first raw layouts: a wave loaded before has them null and reloads
alter table raw.survey_loads add column if not exists export_bytes bigint;
alter table raw.survey_loads add column if not exists reference_bytes bigint;
alter table raw.survey_loads add column if not exists reference_row_count integer;
alter table raw.survey_loads add column if not exists origin varchar;
create table if not exists raw.survey_headers (
    wave integer not null,
    column_position integer not null,
    header varchar not null
);
create table if not exists raw.survey_cells (
    wave integer not null,
    source_row integer not null,
    column_position integer not null,
    cell_value varchar not null
);
create table if not exists raw.respondents_reference (
    wave integer not null,
    source_row integer not null,
    {", ".join(f"{name} varchar" for name in REFERENCE_COLUMNS)}
);
"""


@dataclass(frozen=True)
class WaveLoad:
    """What loading one wave did."""

    wave: int
    status: str  # "loaded" or "unchanged"
    row_count: int
    column_count: int


def ensure_raw_schema(connection: duckdb.DuckDBPyConnection) -> None:
    connection.execute(_RAW_DDL)


def load_survey_wave(
    connection: duckdb.DuckDBPyConnection, files: SurveyWaveFiles, origin: str
) -> WaveLoad:
    """Load one wave's export and reference file unless both are unchanged since last load
    (from a landing of the same origin)."""
    ensure_raw_schema(connection)
    previous = connection.execute(
        "select export_sha256, reference_sha256, origin, row_count, column_count "
        "from raw.survey_loads where wave = ?",
        [files.wave],
    ).fetchone()
    export_sha = file_sha256(files.export)
    reference_sha = file_sha256(files.reference) if files.reference else None
    if previous and previous[:3] == (export_sha, reference_sha, origin):
        return WaveLoad(files.wave, "unchanged", previous[3], previous[4])

    # The header and the reference file are checked before touching the database; the export's
    # records as they are loaded, in the wave's transaction: a malformed one rolls it all back.
    export = read_survey_export(files.export)
    reference = read_reference_table(files.reference) if files.reference else None
    headers = pd.DataFrame(
        {
            "wave": files.wave,
            "column_position": range(1, len(export.header) + 1),
            "header": export.header,
        }
    )
    reference_rows = _reference_frame(files.wave, reference.records if reference else [])
    width = len(export.header)
    parsed = _parse_records_in_sql(connection, export)

    with transaction(connection, f"{files.export}: loading survey wave {files.wave}"):
        for table in RAW_TABLES:
            connection.execute(f"delete from raw.{table} where wave = ?", [files.wave])
        if parsed:
            row_count = _insert_parsed_cells(connection, files.wave, width)
        else:
            row_count = _insert_cells(connection, files.wave, width, export)
        _insert(connection, "survey_headers", headers)
        _insert(connection, "respondents_reference", reference_rows)
        connection.execute(
            "insert into raw.survey_loads values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                files.wave,
                files.export.name,
                export.sha256,
                files.reference.name if files.reference else None,
                reference.sha256 if reference else None,
                row_count,
                width,
                datetime.now(UTC).replace(tzinfo=None),
                files.export.stat().st_size,
                files.reference.stat().st_size if files.reference else None,
                len(reference.records) if reference else None,
                origin,
            ],
        )
    connection.execute(f"drop table if exists {_PARSED}")
    return WaveLoad(files.wave, "loaded", row_count, width)


def _parse_records_in_sql(connection: duckdb.DuckDBPyConnection, export: CsvStream) -> bool:
    """Parse the export's records with DuckDB's CSV reader (strict, every column as text) into
    a temporary table, numbered in file order, and check their response ids. False when
    anything is wrong: the records are then read by the Python reader, which names the line
    and what was expected (DuckDB counts lines otherwise, and drops a last record whose quote
    is never closed: hence the count of quotes, odd in such a file)."""
    if _count_quotes(export) % 2:
        return False
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(1, len(export.header) + 1))
    try:
        connection.execute(
            f"""create or replace temp table {_PARSED} as
            select row_number() over () as source_row, *
            from read_csv({sql_string(export.path)}, header = true, columns = {{{columns}}},
                delim = ',', quote = '"', escape = '"', strict_mode = true,
                allow_quoted_nulls = false, auto_detect = false, parallel = false,
                max_line_size = {_MAX_RECORD_BYTES})"""
        )
    except duckdb.Error:
        return False
    # as the Python reader's checks: at least one record, ids whole numbers, none repeated
    ids_ok = connection.execute(
        f"""select coalesce(count(*) > 0
            and bool_and(regexp_full_match(trim(coalesce(c1, '')), '[0-9]{{1,10}}'))
            and max(try_cast(trim(c1) as bigint)) <= ?
            and count(distinct try_cast(trim(c1) as bigint)) = count(*), false)
        from {_PARSED}""",
        [MAX_RESPONSE_ID],
    ).fetchall()
    return bool(ids_ok[0][0])


def _count_quotes(export: CsvStream) -> int:
    with open(export.path, "rb") as handle:
        return sum(block.count(b'"') for block in iter(lambda: handle.read(1 << 20), b""))


def _insert_parsed_cells(connection: duckdb.DuckDBPyConnection, wave: int, width: int) -> int:
    """Unpivot the parsed records into raw.survey_cells; an empty cell is '' as in the file."""
    cells = ", ".join(f"coalesce(c{i}, '')" for i in range(1, width + 1))
    connection.execute(
        f"""insert into raw.survey_cells
        select ?, source_row, unnest(range(1, {width + 1})), unnest([{cells}])
        from {_PARSED}""",
        [wave],
    )
    return connection.execute(f"select count(*) from {_PARSED}").fetchall()[0][0]


def _insert_cells(
    connection: duckdb.DuckDBPyConnection, wave: int, width: int, export: CsvStream
) -> int:
    """Read the records in Python (raising the error that names a malformed one) and insert
    them a chunk at a time: the export's every cell at once would need gigabytes."""
    row_count = 0
    while chunk := list(islice(export.records, _CELLS_CHUNK_RECORDS)):
        _insert(connection, "survey_cells", _cells_frame(wave, width, chunk, row_count + 1))
        row_count += len(chunk)
    return row_count


def remove_survey_waves(connection: duckdb.DuckDBPyConnection, waves: list[int]) -> None:
    """Drop waves gone from the landing from every raw survey table, in one transaction."""
    if not waves:
        return
    with transaction(connection, f"removing survey wave(s) {', '.join(map(str, waves))}"):
        for table in RAW_TABLES:
            connection.execute(
                f"delete from raw.{table} where list_contains(?, wave)", [list(waves)]
            )


def survey_waves_loaded(connection: duckdb.DuckDBPyConnection) -> list[int]:
    ensure_raw_schema(connection)
    rows = connection.execute("select wave from raw.survey_loads order by wave").fetchall()
    return [wave for (wave,) in rows]


def _insert(connection: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    connection.register("incoming", frame)
    connection.execute(f"insert into raw.{table} select * from incoming")
    connection.unregister("incoming")


def _cells_frame(wave: int, width: int, records: list[list[str]], first_row: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "wave": wave,
            "source_row": [
                row for row in range(first_row, first_row + len(records)) for _ in range(width)
            ],
            "column_position": list(range(1, width + 1)) * len(records),
            "cell_value": [cell for record in records for cell in record],
        },
        columns=["wave", "source_row", "column_position", "cell_value"],
    )


def _reference_frame(wave: int, records: list[list[str]]) -> pd.DataFrame:
    frame = pd.DataFrame(records, columns=list(REFERENCE_COLUMNS), dtype=object)
    frame.insert(0, "source_row", range(1, len(records) + 1))
    frame.insert(0, "wave", wave)
    return frame
