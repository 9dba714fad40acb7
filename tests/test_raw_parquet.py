"""The raw layer as Parquet follows the raw schema: one folder per wave, written again only when
the wave was loaded again, gone waves removed; dbt's DuckDB sources read it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from conftest import PipelineRun

from barometre import config
from barometre.ingest.raw_parquet import SCHEMA_FILE, write_raw_parquet

TABLES = ("loads", "answers", "empty")


def parquet_rows(connection: duckdb.DuckDBPyConnection, folder: Path) -> list[tuple]:
    return connection.execute(
        f"select * from read_parquet('{folder}/**/*.parquet') order by all"
    ).fetchall()


@pytest.fixture
def connection() -> Iterator[duckdb.DuckDBPyConnection]:
    """A raw schema as the loaders write it: a loads table and the tables loaded with it."""
    with duckdb.connect() as connection:
        connection.execute("create schema raw")
        connection.execute("create table raw.loads (wave integer, loaded_at timestamp)")
        connection.execute("create table raw.answers (wave integer, answer varchar)")
        connection.execute("create table raw.empty (wave integer, answer varchar)")
        yield connection


def load(connection: duckdb.DuckDBPyConnection, wave: int, *answers: str) -> None:
    """What a raw load does: replace the wave's rows and its load time, in one transaction."""
    connection.execute("begin")
    connection.execute("delete from raw.loads where wave = ?", [wave])
    connection.execute("delete from raw.answers where wave = ?", [wave])
    connection.execute("insert into raw.loads values (?, now())", [wave])
    connection.executemany("insert into raw.answers values (?, ?)", [[wave, a] for a in answers])
    connection.execute("commit")


def test_each_wave_is_a_folder_rewritten_only_when_reloaded(
    connection: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    root = tmp_path / "raw_parquet"
    load(connection, 2022, "a")
    load(connection, 2023, "b", "c")

    assert write_raw_parquet(connection, "loads", TABLES, root) == [2022, 2023]
    assert sorted(p.name for p in (root / "answers").iterdir()) == ["2022", "2023", SCHEMA_FILE]
    assert parquet_rows(connection, root / "answers") == [(2022, "a"), (2023, "b"), (2023, "c")]
    # a table without rows still has its columns, for engines that read it as a table
    assert parquet_rows(connection, root / "empty") == []
    columns = connection.execute(
        f"describe select * from read_parquet('{root / 'empty' / SCHEMA_FILE}')"
    ).fetchall()
    assert [(c[0], c[1]) for c in columns] == [("wave", "INTEGER"), ("answer", "VARCHAR")]

    # nothing loaded since: nothing written
    first_write = (root / "answers" / "2022" / "data.parquet").stat().st_mtime_ns
    assert write_raw_parquet(connection, "loads", TABLES, root) == []
    assert (root / "answers" / "2022" / "data.parquet").stat().st_mtime_ns == first_write

    load(connection, 2023, "d")
    connection.execute("delete from raw.loads where wave = 2022")
    connection.execute("delete from raw.answers where wave = 2022")
    assert write_raw_parquet(connection, "loads", TABLES, root) == [2023]
    assert sorted(p.name for p in (root / "answers").iterdir()) == ["2023", SCHEMA_FILE]
    assert parquet_rows(connection, root / "answers") == [(2023, "d")]
    assert not list((root / ".staging").rglob("*.parquet"))


def test_a_wave_left_stale_by_a_crash_is_written_at_the_next_load(
    connection: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    root = tmp_path / "raw_parquet"
    load(connection, 2023, "b")
    write_raw_parquet(connection, "loads", TABLES, root)
    # the load committed, then the process died before the Parquet was written
    load(connection, 2023, "c")
    (root / ".staging" / "answers" / "2023").mkdir(parents=True)

    assert write_raw_parquet(connection, "loads", TABLES, root) == [2023]
    assert parquet_rows(connection, root / "answers") == [(2023, "c")]


def test_the_duckdb_sources_read_the_raw_parquet(sample_run: PipelineRun) -> None:
    """Every model over a raw source reads the run's raw Parquet (the `source` macro), never the
    raw tables of the build database."""
    layout = config.WarehouseLayout(sample_run.warehouse)
    (run_folder,) = sorted(layout.dbt_runs_dir.iterdir())[-1:]
    manifest = json.loads((run_folder / "manifest.json").read_text(encoding="utf-8"))
    raw = {s["unique_id"]: s["name"] for s in manifest["sources"].values() if s["schema"] == "raw"}
    readers = [
        node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and raw.keys() & set(node["depends_on"]["nodes"])
    ]
    assert raw and readers
    for node in readers:
        for source in raw.keys() & set(node["depends_on"]["nodes"]):
            files = f"read_parquet('{layout.raw_parquet_dir}/{raw[source]}/**/*.parquet')"
            assert files in node["compiled_code"], node["name"]
        assert '"raw".' not in node["compiled_code"], node["name"]
