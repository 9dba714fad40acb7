"""docs/bi.md's recipes, run exactly as written against a published release (the bundled sample
through the whole pipeline), from a folder where `warehouse` is that release's warehouse, as
after `make run`."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pytest
from conftest import REPO_ROOT, PipelineRun
from sqlalchemy import create_engine, text

DOC = REPO_ROOT / "docs" / "bi.md"
BIN = Path(sys.executable).parent  # where the dev extra installs the `duckdb` CLI
GDPR_TOTAL = (
    "select answer_label, n, n_group, pct_rounded from marts.survey_results "
    "where wave = 2023 and question_id = 'gdpr_compliance' and group_label = 'Total' "
    "order by answer_order"
)


def recipes(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", DOC.read_text(encoding="utf-8"), re.M | re.S)


def library(recipe: str) -> str:
    return next(name for name in ("sqlalchemy", "polars", "pandas", "duckdb") if name in recipe)


@pytest.fixture(scope="module")
def workdir(sample_run: PipelineRun, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bi")
    (folder / "warehouse").symlink_to(sample_run.warehouse, target_is_directory=True)
    return folder


@pytest.fixture(scope="module")
def gdpr_rows(sample_run: PipelineRun) -> list[tuple]:
    with duckdb.connect(str(sample_run.published_db), read_only=True) as connection:
        rows = connection.execute(GDPR_TOTAL).fetchall()
    assert len(rows) >= 3
    return rows


def assert_shows(output: str, rows: list[tuple]) -> None:
    """Each expected row is printed on one line: its label, then its numbers, whatever the
    tool's table format (DuckDB boxes, pandas, polars)."""
    for label, *numbers in rows:
        lines = [line for line in output.splitlines() if label in line]
        assert lines, f"{label!r} not printed:\n{output}"
        assert any(
            all(re.search(rf"(?<![\d.]){int(v)}(\.0+)?(?![\d.])", line) for v in numbers)
            for line in lines
        ), f"{label} {numbers} not printed:\n{output}"


def run(command: list[str], cwd: Path) -> str:
    completed = subprocess.run(
        command,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"},
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return completed.stdout


def test_the_doc_has_every_recipe() -> None:
    python = "\n".join(recipes("python"))
    assert len(recipes("sh")) == 2 and len(recipes("json")) == 1 and recipes("sql")
    for needle in ("read_only=True", "create_engine", "pd.read_parquet", "pl.scan_parquet"):
        assert needle in python


@pytest.mark.parametrize("recipe", recipes("python"), ids=lambda r: library(r))
def test_python_recipe(recipe: str, workdir: Path, gdpr_rows: list[tuple]) -> None:
    output = run([sys.executable, "-c", recipe], workdir)
    assert_shows(output, gdpr_rows)


@pytest.mark.parametrize("recipe", recipes("sh"), ids=["database", "parquet"])
def test_duckdb_cli_recipe(recipe: str, workdir: Path, gdpr_rows: list[tuple]) -> None:
    cli = shutil.which("duckdb", path=str(BIN))
    assert cli, f"no duckdb CLI in {BIN}: `pip install -e '.[dev]'` installs duckdb-cli"
    # the CLI on PyPI is DuckDB 1.x: it opens the published file only if it is written in a
    # storage format older than the Python package's
    assert run([cli, "--version"], workdir).startswith("v1.")
    assert_shows(run(["bash", "-c", recipe], workdir), gdpr_rows)


@pytest.mark.parametrize("recipe", recipes("sql"), ids=lambda r: r.split("from ")[1].split()[0])
def test_sql_recipe_returns_rows(recipe: str, sample_run: PipelineRun) -> None:
    with duckdb.connect(str(sample_run.published_db), read_only=True) as connection:
        assert connection.execute(recipe).fetchall(), "the recipe returns nothing on the sample"


def test_recipes_print_the_release_and_counts(sample_run: PipelineRun, workdir: Path) -> None:
    with duckdb.connect(str(sample_run.published_db), read_only=True) as connection:
        (release_id,) = connection.execute("select release_id from meta.release").fetchone()
        (respondents,) = connection.execute("select count(*) from marts.respondents").fetchone()
    duckdb_recipe = next(r for r in recipes("python") if "duckdb.connect" in r)
    assert f"release {release_id}" in run([sys.executable, "-c", duckdb_recipe], workdir)
    polars_recipe = next(r for r in recipes("python") if "polars" in r)
    assert f"{respondents} respondents" in run([sys.executable, "-c", polars_recipe], workdir)


def test_superset_engine_parameters_connect_read_only(
    sample_run: PipelineRun, tmp_path: Path, gdpr_rows: list[tuple]
) -> None:
    (parameters,) = (json.loads(block) for block in recipes("json"))
    # a private copy: should read_only not hold, the write must not touch the shared release
    database = tmp_path / "barometre.duckdb"
    shutil.copyfile(sample_run.published_db, database)
    database.chmod(database.stat().st_mode | stat.S_IWUSR)
    engine = create_engine(f"duckdb:///{database}", **parameters)
    try:
        with engine.connect() as connection:
            assert [tuple(r) for r in connection.execute(text(GDPR_TOTAL))] == gdpr_rows
            with pytest.raises(Exception, match="read-only"):
                connection.execute(text("create table marts.scratch (i integer)"))
    finally:
        engine.dispose()


def test_parquet_release_holds_every_mart(sample_run: PipelineRun) -> None:
    parquet = sample_run.warehouse / "current" / "parquet"
    with duckdb.connect(str(sample_run.published_db), read_only=True) as connection:
        marts = connection.execute(
            "select table_name from duckdb_tables() where schema_name = 'marts'"
        ).fetchall()
        columns = {
            table: [
                c
                for (c,) in connection.execute(
                    "select column_name from duckdb_columns() where schema_name = 'marts' "
                    "and table_name = ? order by column_index",
                    [table],
                ).fetchall()
            ]
            for (table,) in marts
        }
        counts = {
            table: connection.execute(f"select count(*) from marts.{table}").fetchone()[0]
            for (table,) in marts
        }
    assert {p.stem for p in parquet.glob("*.parquet")} == set(counts)
    for table, count in counts.items():
        frame = pd.read_parquet(parquet / f"{table}.parquet")
        lazy = pl.scan_parquet(parquet / f"{table}.parquet")
        assert len(frame) == count == lazy.select(pl.len()).collect().item()
        assert list(frame.columns) == columns[table] == lazy.collect_schema().names()
        assert frame["release_id"].nunique() == 1
