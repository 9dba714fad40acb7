"""The raw layer as Parquet follows the raw schema: one folder per wave, gone waves removed."""

from __future__ import annotations

from pathlib import Path

import duckdb

from barometre.raw_parquet import SCHEMA_FILE, write_raw_parquet


def parquet_rows(connection: duckdb.DuckDBPyConnection, folder: Path) -> list[tuple]:
    return connection.execute(
        f"select * from read_parquet('{folder}/**/*.parquet') order by all"
    ).fetchall()


def test_each_wave_is_a_folder_and_a_gone_wave_is_removed(tmp_path: Path) -> None:
    root = tmp_path / "raw_parquet"
    with duckdb.connect() as connection:
        connection.execute("create schema raw")
        connection.execute("create table raw.answers (wave integer, answer varchar)")
        connection.execute("insert into raw.answers values (2022, 'a'), (2023, 'b'), (2023, 'c')")
        connection.execute("create table raw.empty (wave integer, answer varchar)")
        write_raw_parquet(connection, ("answers", "empty"), root)

        assert sorted(p.name for p in (root / "answers").iterdir()) == ["2022", "2023", SCHEMA_FILE]
        assert parquet_rows(connection, root / "answers") == [
            (2022, "a"),
            (2023, "b"),
            (2023, "c"),
        ]
        # a table without rows still has its columns, for engines that read it as a table
        assert [p.name for p in (root / "empty").iterdir()] == [SCHEMA_FILE]
        columns = connection.execute(
            f"describe select * from read_parquet('{root / 'empty' / SCHEMA_FILE}')"
        ).fetchall()
        assert [(c[0], c[1]) for c in columns] == [("wave", "INTEGER"), ("answer", "VARCHAR")]

        connection.execute("delete from raw.answers where wave = 2022")
        connection.execute("update raw.answers set answer = 'd' where answer = 'c'")
        write_raw_parquet(connection, ("answers", "empty"), root)

        assert sorted(p.name for p in (root / "answers").iterdir()) == ["2023", SCHEMA_FILE]
        assert parquet_rows(connection, root / "answers") == [(2023, "b"), (2023, "d")]
