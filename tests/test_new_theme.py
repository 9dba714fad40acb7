"""Adding a theme is a seed row, a one-line model file and its YAML entry: no code change. The
project it is added to runs read-only, as an installed copy does."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import pytest
from conftest import copy_project, run_pipeline, set_writable, tree_state

from barometre.quality.gate_verdict import VERDICT_FILE

# a long file: started early (conftest.py)
pytestmark = pytest.mark.scheduled_first(seconds=40)

QUESTION = "data_ethics_charter"  # a law_governance question of every sample wave
MART = "ethics_and_trust"
ENTRY = f"""
  - name: {MART}
    description: >
      Ethics and trust: a theme added by a test, to show that a seed row, this entry and the
      model file are all a new theme takes.
    config: {{meta: {{fr: *theme_mart_fr}}}}
    columns: *theme_mart_columns
    data_tests:
      - unique_combination_of_columns:
          arguments:
            columns: [wave, question_id, item_label, answer_label, group_label]
"""


def add_theme(project: Path) -> None:
    seeds = project / "seeds"
    with open(seeds / "survey_themes.csv", "a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerow(["ethics", "Éthique", MART, 9])
    with open(seeds / "question_crosswalk.csv", encoding="utf-8", newline="") as handle:
        questions = list(csv.DictReader(handle))
    for question in questions:
        if question["question_id"] == QUESTION:
            question["theme"] = "ethics"
    with open(seeds / "question_crosswalk.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(questions[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(questions)
    themes = project / "dbt_project" / "models" / "marts" / "themes"
    (themes / f"{MART}.sql").write_text("{{ survey_theme_mart() }}\n", encoding="utf-8")
    with open(themes / "_themes__models.yml", "a", encoding="utf-8") as handle:
        handle.write(ENTRY)


def test_a_new_theme_is_published_and_checked_from_a_read_only_project(tmp_path: Path) -> None:
    """The project copy, its theme added, runs read-only as an installed copy would (one run
    for both promises): the run writes nothing in it, and its code is what ran."""
    project = copy_project(tmp_path / "project")
    add_theme(project)
    before = tree_state(project)
    set_writable(project, False)
    try:
        run = run_pipeline(None, tmp_path / "warehouse", project=project)
    finally:
        set_writable(project, True)

    assert run.returncode == 0, run.output
    # the copy's code ran: the default landing is its own bundled sample
    assert f"landing: {project / 'sample_landing'}" in run.output
    assert tree_state(project) == before
    with duckdb.connect(str(run.published_db), read_only=True) as connection:
        mart = connection.execute(
            f"select distinct theme, question_id, wave from marts.{MART} order by wave"
        ).fetchall()
        (rows,) = connection.execute(f"select count(*) from marts.{MART}").fetchone()
        (results,) = connection.execute(
            "select count(*) from marts.survey_results where question_id = ?", [QUESTION]
        ).fetchone()
        (left_behind,) = connection.execute(
            "select count(*) from marts.law_and_governance where question_id = ?", [QUESTION]
        ).fetchone()
    assert mart == [("ethics", QUESTION, wave) for wave in (2022, 2023, 2024)]
    assert rows == results > 0 and left_behind == 0
    verdict = run.build_db.parent / VERDICT_FILE
    checks = json.loads(verdict.read_text(encoding="utf-8"))["checks"]
    assert checks[f"marts/{MART}:no_personal_data"]["passed"]
    assert checks[f"marts/{MART}:published_figures_unchanged"]["passed"]
    assert all(check["passed"] for check in checks.values())
