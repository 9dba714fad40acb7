"""A release describes the survey waves it was built from, and only those: the codebook too.
Waves leave a release only as revisions, and join it without one."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import (
    REPO_ROOT,
    SAMPLE_LANDING,
    PipelineRun,
    copy_warehouse,
    query_rows,
    readme_example,
    release_id_of,
    run_pipeline,
)

from barometre.config import SYNTHETIC_MARKER

# a long file: started early (conftest.py)
pytestmark = pytest.mark.scheduled_first(seconds=65)

# Marts whose `wave` is a poll wave (the landing's poll/ folder), not a survey wave.
POLL_MARTS = {"poll_results", "public_opinion"}
SURVEY_WAVE_COLUMNS = ("wave", "survey_wave", "previous_wave")
NOT_IN_EXAMPLE_12 = {"metadata", "personal", "free_text", "upload"}


def one_survey_wave_landing(target: Path) -> Path:
    """The sample with survey 2023 and poll 2022 only (and the marker): survey 2022 and 2024
    and poll 2024 gone."""
    shutil.copytree(SAMPLE_LANDING / "survey" / "2023", target / "survey" / "2023")
    shutil.copytree(SAMPLE_LANDING / "poll" / "2022", target / "poll" / "2022")
    shutil.copy2(SAMPLE_LANDING / SYNTHETIC_MARKER, target / SYNTHETIC_MARKER)
    return target


@pytest.fixture(scope="module")
def one_wave_run(sample_run: PipelineRun, tmp_path_factory: pytest.TempPathFactory) -> PipelineRun:
    """The sample's warehouse (a copy) run on the one-survey-wave landing, the waves gone
    removed as revisions: one run for the tests of a release of one wave, of waves removed and
    of a wave added afterwards."""
    base = tmp_path_factory.mktemp("one_wave")
    warehouse = copy_warehouse(sample_run, base / "warehouse")
    landing = one_survey_wave_landing(base / "landing")
    run = run_pipeline(landing, warehouse, "--revise", "2022", "2024")
    assert run.returncode == 0, run.output
    return run


def crosswalk_questions(wave: int) -> set[str]:
    """The questions of one wave's questionnaire that example 12 lists, from the seed."""
    with open(REPO_ROOT / "seeds" / "question_crosswalk.csv", encoding="utf-8") as handle:
        return {
            row["question_id"]
            for row in csv.DictReader(handle)
            if int(row["wave"]) == wave and row["question_type"] not in NOT_IN_EXAMPLE_12
        }


def test_a_release_of_one_survey_wave_describes_that_wave_only(one_wave_run: PipelineRun) -> None:
    run = one_wave_run

    with duckdb.connect(str(run.published_db), read_only=True) as connection:
        columns = connection.execute(
            "select table_name, column_name from duckdb_columns() where schema_name = 'marts'"
        ).fetchall()
        survey_waves = {
            (table, column): {
                wave
                for (wave,) in connection.execute(
                    f'select distinct "{column}" from marts."{table}" where "{column}" is not null'
                ).fetchall()
            }
            for table, column in columns
            if table not in POLL_MARTS and column in SURVEY_WAVE_COLUMNS
        }
        n_waves = connection.execute("select distinct n_waves from marts.codebook").fetchall()
        every_wave = connection.execute(readme_example(12)).fetchall()
    assert ("codebook", "wave") in survey_waves
    assert {key: waves for key, waves in survey_waves.items() if waves - {2023}} == {}
    assert n_waves == [(1,)]
    assert {question_id for question_id, _, _ in every_wave} == crosswalk_questions(2023)
    assert all(waves.startswith("2023: ") for _, _, waves in every_wave)


def test_waves_removed_with_revise_leave_raw_and_the_release(one_wave_run: PipelineRun) -> None:
    published, build = one_wave_run.published_db, one_wave_run.build_db
    assert query_rows(published, "select waves, revised_waves from meta.release") == [
        ([2023], [2022, 2024])
    ]
    # the survey marts' waves: test_a_release_of_one_survey_wave_describes_that_wave_only
    assert query_rows(published, "select distinct wave from marts.poll_results") == [(2022,)]
    for table in ("survey_loads", "survey_cells"):
        assert query_rows(build, f"select count(*) from raw.{table} where wave != 2023") == [
            (0,)
        ], table
    for table in ("poll_loads", "poll_values"):
        assert query_rows(build, f"select count(*) from raw.{table} where wave != 2022") == [
            (0,)
        ], table


def test_a_new_wave_is_published_without_revise(one_wave_run: PipelineRun, tmp_path: Path) -> None:
    """The guard protects what is published, not what is to come: a survey wave and a poll
    wave added to the landing leave every earlier row of every mart as it was."""
    warehouse = copy_warehouse(one_wave_run, tmp_path / "warehouse")
    landing = one_survey_wave_landing(tmp_path / "landing")
    for kind in ("survey", "poll"):
        shutil.copytree(SAMPLE_LANDING / kind / "2024", landing / kind / "2024")

    run = run_pipeline(landing, warehouse)

    assert run.returncode == 0, run.output
    assert "check failed" not in run.output
    assert release_id_of(warehouse / "barometre.duckdb").startswith("2023-2024_")
