"""A survey wave in fieldwork is published with its group sizes reported, not checked; once it
is closed, its expected sizes (seeds/expected_sample_sizes.csv) are required.

Runs on a copy of the project whose seeds say the sample's 2024 wave is still in fieldwork and
hold no 2024 sizes: the landing is the bundled sample, unchanged.
"""

from __future__ import annotations

import csv
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from conftest import (
    SAMPLE_LANDING,
    PipelineRun,
    copy_project,
    copy_warehouse,
    release_id_of,
    revised_sample,
    run_pipeline,
    sha256,
)

# a long file: started early (conftest.py)
pytestmark = pytest.mark.scheduled_first(seconds=110)

WAVE = "2024"


def read_seed(project: Path, seed: str) -> tuple[list[str], list[dict[str, str]]]:
    with open(project / "seeds" / f"{seed}.csv", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def write_seed(project: Path, seed: str, columns: list[str], rows: list[dict[str, str]]) -> None:
    with open(project / "seeds" / f"{seed}.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def set_wave_status(project: Path, wave: str, status: str) -> None:
    columns, rows = read_seed(project, "survey_waves")
    for row in rows:
        if row["wave"] == wave:
            row["status"] = status
    write_seed(project, "survey_waves", columns, rows)


def drop_expected_sizes(project: Path, wave: str) -> None:
    columns, rows = read_seed(project, "expected_sample_sizes")
    write_seed(project, "expected_sample_sizes", columns, [r for r in rows if r["wave"] != wave])


@pytest.fixture(scope="module")
def fieldwork(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, PipelineRun]:
    """The project copy (2024 in fieldwork, no 2024 sizes) and its run on the sample."""
    folder = tmp_path_factory.mktemp("fieldwork")
    project = copy_project(folder / "project")
    set_wave_status(project, WAVE, "fieldwork")
    drop_expected_sizes(project, WAVE)
    return project, run_pipeline(SAMPLE_LANDING, folder / "warehouse", project=project)


def test_a_wave_in_fieldwork_is_published_and_its_group_sizes_reported(
    fieldwork: tuple[Path, PipelineRun],
) -> None:
    _, run = fieldwork

    assert run.returncode == 0, run.output
    with duckdb.connect(str(run.published_db), read_only=True) as connection:
        sizes = connection.execute(
            "select distinct group_label, n_group from marts.survey_results where wave = ?",
            [int(WAVE)],
        ).fetchall()
    assert ("Total", 289) in sizes
    for group_label, n_group in sizes:
        reported = f"{{'wave': {WAVE}, 'group_label': '{group_label}', 'n_built': {n_group}, "
        assert reported in run.output, run.output
    assert "'wave': 2023, 'group_label': 'Total'" not in run.output, "closed waves are checked"


def test_the_check_keeps_the_reported_sizes_in_its_metadata(
    fieldwork: tuple[Path, PipelineRun], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The group-size check alone, run by Dagster in process (as the UI runs it) on the
    fieldwork run's build."""
    from orchestration.definitions import defs

    _, run = fieldwork
    monkeypatch.setenv("BAROMETRE_WAREHOUSE", str(run.warehouse))
    check = dg.AssetCheckKey(
        dg.AssetKey(["marts", "survey_results"]), "survey_group_sizes_expectations"
    )
    job = defs.resolve_implicit_global_asset_job_def().get_subset(
        asset_selection=set(), asset_check_selection={check}
    )

    result = job.execute_in_process(instance=dg.DagsterInstance.ephemeral())

    (evaluation,) = result.get_asset_check_evaluations()
    assert evaluation.passed
    reported = evaluation.metadata["reported_rows"].data
    assert {row["wave"] for row in reported} == {int(WAVE)}
    total = {"wave": int(WAVE), "group_label": "Total", "n_built": 289, "n_expected": None}
    assert {**total, "wave_status": "fieldwork"} in reported


def test_the_figures_of_a_wave_in_fieldwork_change_without_revise(
    fieldwork: tuple[Path, PipelineRun], tmp_path: Path
) -> None:
    """New answers during fieldwork: the next refresh publishes them (the figures are
    provisional), where a closed wave would need --revise."""
    project, published = fieldwork
    warehouse = copy_warehouse(published, tmp_path / "warehouse")
    release = release_id_of(warehouse / "barometre.duckdb")
    landing = revised_sample(tmp_path / "landing", warehouse / "barometre.duckdb", int(WAVE))

    run = run_pipeline(landing, warehouse, project=project)

    assert run.returncode == 0, run.output
    assert release_id_of(warehouse / "barometre.duckdb") != release


def test_closing_the_wave_without_its_sizes_blocks_the_next_release(
    fieldwork: tuple[Path, PipelineRun], tmp_path: Path
) -> None:
    project, published = fieldwork
    warehouse = copy_warehouse(published, tmp_path / "warehouse")
    release = release_id_of(warehouse / "barometre.duckdb")
    published_before = sha256(warehouse / "barometre.duckdb")
    set_wave_status(project, WAVE, "closed")

    run = run_pipeline(SAMPLE_LANDING, warehouse, project=project)

    assert run.returncode == 1
    assert "check failed survey_group_sizes_expectations" in run.output
    failing_row = f"{{'wave': {WAVE}, 'group_label': 'Total', 'n_built': 289, 'n_expected': None"
    assert failing_row in run.output, run.output
    assert f"nothing published: {run.published_db} is still release {release}" in run.output
    assert sha256(run.published_db) == published_before
