"""`barometre run` end to end on the bundled sample: publication, no-op rerun, bad input, gate."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import (
    REPO_ROOT,
    SAMPLE_LANDING,
    PipelineRun,
    RefusedRun,
    assert_no_personal_data,
    copy_landing,
    copy_warehouse,
    personal_values,
    pipeline_command,
    pipeline_environment,
    run_pipeline,
    sha256,
)
from raw_step import raw_layer, raw_step

from barometre import config

EXPORT = Path("survey/2023/results-survey-sample.csv")


def test_publishes_the_marts(sample_run: PipelineRun) -> None:
    with duckdb.connect(str(sample_run.published_db), read_only=True) as connection:
        tables = {
            name
            for (name,) in connection.execute(
                "select table_name from duckdb_tables() where schema_name = 'marts'"
            ).fetchall()
        }
        totals = connection.execute(
            "select distinct wave, n_group from marts.survey_results where group_label = 'Total' "
            "order by wave"
        ).fetchall()
        (note,) = connection.execute("select data_note from meta.release").fetchone()
        schemas = {
            name
            for (name,) in connection.execute("select schema_name from duckdb_schemas()").fetchall()
        }
    manifest = config.WarehouseLayout(sample_run.warehouse).dbt_artifacts_dir / "manifest.json"
    marts = {
        node["name"]
        for node in json.loads(manifest.read_text(encoding="utf-8"))["nodes"].values()
        if node["resource_type"] == "model" and node["fqn"][1] == "marts"
    }
    assert {"survey_results", "respondents", "excluded_responses"} <= marts
    assert tables == marts, "every dbt mart, and only the marts, is published"
    assert totals == [(2022, 297), (2023, 191), (2024, 289)]
    assert note.startswith("SYNTHETIC sample data"), "a sample release says it is synthetic"
    release = json.loads((sample_run.warehouse / "current" / "release.json").read_text())
    assert release["data_note"] == note
    assert "raw" not in schemas, "the raw layer (personal data) must never be published"


def test_dbt_descriptions_are_published_as_comments(sample_run: PipelineRun) -> None:
    with duckdb.connect(str(sample_run.published_db), read_only=True) as connection:
        table_comment = connection.execute(
            "select comment from duckdb_tables() where table_name = 'survey_results'"
        ).fetchone()[0]
        column_comments = dict(
            connection.execute(
                "select column_name, comment from duckdb_columns() "
                "where table_name = 'survey_results'"
            ).fetchall()
        )
    assert table_comment.startswith("Every single-choice, multi-select, array and ranking")
    assert column_comments["pct_rounded"].startswith("pct rounded half to even")
    assert column_comments["release_id"].startswith("The release this row was published in")
    assert all(column_comments.values()), "every published column is described"


def test_no_personal_data_or_free_text_is_published(sample_run: PipelineRun) -> None:
    assert_no_personal_data(SAMPLE_LANDING, sample_run.published_db)


def test_the_personal_data_scan_catches_a_leak(tmp_path: Path) -> None:
    leaked_value = sorted(v for v in personal_values(SAMPLE_LANDING) if "@" in v)[0]
    database = tmp_path / "leaky.duckdb"
    with duckdb.connect(str(database)) as connection:
        connection.execute("create schema marts")
        connection.execute("create table marts.t as select ? as label", [leaked_value])
    with pytest.raises(AssertionError, match="personal data"):
        assert_no_personal_data(SAMPLE_LANDING, database)


# what a run loads and a no-op must not: their imports take seconds (README, Performance)
HEAVY_MODULES = ("dagster", "dagster_dbt", "dbt", "great_expectations", "frictionless", "pandas")


def test_a_second_run_is_a_no_op_that_loads_neither_dagster_nor_dbt(
    sample_run: PipelineRun, tmp_path: Path
) -> None:
    warehouse = copy_warehouse(sample_run, tmp_path / "warehouse")
    published_before = sha256(warehouse / "barometre.duckdb")
    with duckdb.connect(str(warehouse / "build" / "barometre_build.duckdb"), read_only=True) as c:
        loads_before = c.execute("select * from raw.survey_loads").fetchall()
        cells_before = c.execute("select count(*) from raw.survey_cells").fetchone()

    # the CLI as run_pipeline starts it (its arguments after `python -m orchestration.cli`),
    # saying at the end which of the heavy modules it loaded
    arguments = pipeline_command(SAMPLE_LANDING, warehouse)[3:]
    script = (
        "import sys; from orchestration.cli import main; code = main(sys.argv[1:]); "
        f"print('loaded:', [m for m in {HEAVY_MODULES!r} if m in sys.modules]); sys.exit(code)"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script, *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO_ROOT,
        env=pipeline_environment(),
    )
    rerun = PipelineRun(completed.returncode, completed.stdout + completed.stderr, warehouse)

    assert rerun.returncode == 0, rerun.output
    assert "nothing changed since the last successful run" in rerun.output, rerun.output
    assert "wave 2023: unchanged" in rerun.output
    assert "published_warehouse: unchanged" in rerun.output
    assert "loaded: []" in rerun.output, rerun.output
    assert sha256(rerun.published_db) == published_before
    with duckdb.connect(str(rerun.build_db), read_only=True) as connection:
        assert connection.execute("select * from raw.survey_loads").fetchall() == loads_before
        assert (
            connection.execute("select count(*) from raw.survey_cells").fetchone() == cells_before
        )


def test_a_truncated_export_fails_clearly_and_publishes_nothing(
    sample_run: PipelineRun, tmp_path: Path
) -> None:
    warehouse = copy_warehouse(sample_run, tmp_path / "warehouse")
    published_before = sha256(warehouse / "barometre.duckdb")
    landing = copy_landing(SAMPLE_LANDING, tmp_path / "landing")
    export = landing / EXPORT
    text = export.read_text(encoding="utf-8")
    last_record_line = _last_record_start_line(export)
    last_record_offset = sum(len(line) for line in text.splitlines(True)[: last_record_line - 1])
    cut = last_record_offset + (len(text) - last_record_offset) // 3
    export.write_text(text[:cut], encoding="utf-8")

    run = run_pipeline(landing, warehouse)

    assert run.returncode == 1
    assert f"{export}, line {last_record_line}" in run.output, run.output
    assert "truncated" in run.output
    assert "nothing published" in run.output
    assert sha256(run.published_db) == published_before


def _last_record_start_line(path: Path) -> int:
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        start = 1
        for _ in reader:
            last_start, start = start, reader.line_num + 1
    return last_start


def test_a_semicolon_export_is_refused_with_its_name(
    sample_run: PipelineRun, tmp_path: Path
) -> None:
    """The raw step in process (tests/test_bad_input.py runs one refusal end to end)."""
    warehouse = copy_warehouse(sample_run, tmp_path / "warehouse")
    raw_before = raw_layer(warehouse)
    landing = copy_landing(SAMPLE_LANDING, tmp_path / "landing")
    export = landing / EXPORT
    with open(SAMPLE_LANDING / EXPORT, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    with open(export, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)

    message = raw_step(landing, warehouse)

    assert message is not None
    assert f"{export}, line 1: semicolon-separated; expected comma-separated values" in message
    assert raw_layer(warehouse) == raw_before


def test_the_quality_gate_blocks_publication(gate_refused_run: RefusedRun) -> None:
    """Two retained communes fewer: group sizes no longer match the seed, nothing is published."""
    run = gate_refused_run.run

    assert run.returncode == 1
    assert "check failed survey_group_sizes_expectations on marts/survey_results" in run.output
    failing_row = (
        "{'wave': 2023, 'group_label': 'Communes de 3 500 à 10 000 hab.', "
        "'n_built': 4, 'n_expected': 6}"
    )
    assert failing_row in run.output, run.output
    assert "nothing published" in run.output
    assert f"the run's whole log: {run.warehouse}/logs/" in run.output
    assert sha256(run.published_db) == gate_refused_run.published_before
