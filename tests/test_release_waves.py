"""A release describes the survey waves it was built from, and only those: the codebook too."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
from conftest import REPO_ROOT, SAMPLE_LANDING, readme_example, run_pipeline

from barometre.config import SYNTHETIC_MARKER

# Marts whose `wave` is a poll wave (the landing's poll/ folder), not a survey wave.
POLL_MARTS = {"poll_results", "public_opinion"}
SURVEY_WAVE_COLUMNS = ("wave", "survey_wave", "previous_wave")
NOT_IN_EXAMPLE_12 = {"metadata", "personal", "free_text", "upload"}


def one_survey_wave_landing(target: Path, wave: str) -> Path:
    """The sample with a single survey wave: that wave's folder, the polls and the marker."""
    shutil.copytree(SAMPLE_LANDING / "survey" / wave, target / "survey" / wave)
    shutil.copytree(SAMPLE_LANDING / "poll", target / "poll")
    shutil.copy2(SAMPLE_LANDING / SYNTHETIC_MARKER, target / SYNTHETIC_MARKER)
    return target


def crosswalk_questions(wave: int) -> set[str]:
    """The questions of one wave's questionnaire that example 12 lists, from the seed."""
    with open(REPO_ROOT / "seeds" / "question_crosswalk.csv", encoding="utf-8") as handle:
        return {
            row["question_id"]
            for row in csv.DictReader(handle)
            if int(row["wave"]) == wave and row["question_type"] not in NOT_IN_EXAMPLE_12
        }


def test_a_release_of_one_survey_wave_describes_that_wave_only(tmp_path: Path) -> None:
    landing = one_survey_wave_landing(tmp_path / "landing", "2023")

    run = run_pipeline(landing, tmp_path / "warehouse")

    assert run.returncode == 0, run.output
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
