"""docs/recipes.md, "Adding a wave", walked through on a simulated 2025 wave: the sample's 2024
export with two questions reworded, one scale changed, one question removed and one added.
`wave check` says what is missing, `wave draft` drafts it, its rows (and the rows the check
asked for) go into a copy of the project's seeds, and one pipeline run publishes four waves,
with trends for the unchanged questions and the scale change said for the changed one."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
import pytest

from tests.conftest import (
    SAMPLE_LANDING,
    copy_landing,
    copy_project,
    read_export,
    run_cli,
    run_pipeline,
    write_export,
)

# a long file: started early (conftest.py)
pytestmark = pytest.mark.scheduled_first(seconds=45)

WAVE = 2025
EXPORT = "results-survey-sample.csv"
# 2024 wording -> 2025 wording (question_id in 2024)
REWORDED = {
    "cyber_exposure": (
        "Pensez-vous que votre structure est exposée à des attaques cyber ?",
        "Pensez-vous que votre structure est aujourd’hui exposée à des cyberattaques ?",
    ),
    "data_hosting": (
        "Aujourd’hui, les données de votre structure sont majoritairement hébergées :",
        "Aujourd’hui, les données de votre structure sont principalement hébergées :",
    ),
}
# "Non" split in two: planned within the year or not
SCALE_CHANGED = "algorithmic_transparency_actions"
SCALE_CHANGED_TEXT = (
    "Votre structure a-t-elle conduit des actions pour mettre en œuvre les obligations de "
    "transparence algorithmique ?"
)
SPLIT_NON = (
    "Non, mais c’est prévu dans les 12 prochains mois",
    "Non, et ce n’est pas prévu dans les 12 prochains mois",
)
REMOVED = "data_for_environment"
REMOVED_TEXT = "Selon-vous, la maîtrise de la donnée constitue-t-elle un outil pertinent"
ADDED_TEXT = "Votre structure a-t-elle désigné un référent pour la donnée au sein de ses élus ?"
ADDED_SCALE = ("Oui", "Non", "Je ne sais pas")


def simulated_2025(landing: Path) -> None:
    """survey/2025/ from the sample's survey/2024/, with the changes above."""
    source, target = landing / "survey" / "2024", landing / "survey" / str(WAVE)
    target.mkdir()
    shutil.copy2(source / "respondents_reference.csv", target)
    header, *records = read_export(source / EXPORT)
    for old, new in REWORDED.values():
        header[_column(header, old)] = new
    changed = _column(header, SCALE_CHANGED_TEXT)
    removed = _column(header, REMOVED_TEXT)
    for number, record in enumerate(records):
        if record[changed] == "Non":
            record[changed] = SPLIT_NON[number % 2]
        del record[removed]
        record.insert(removed, ADDED_SCALE[number % 3] if record[changed] else "")
    header[removed] = ADDED_TEXT
    write_export(target / EXPORT, [header, *records])


def _column(header: list[str], text: str) -> int:
    (position,) = [i for i, h in enumerate(header) if " ".join(h.split()).startswith(text)]
    return position


def append_rows(draft: Path, seeds: Path, name: str) -> None:
    """Append a drafted CSV's rows to the seed of the same name (its header left out)."""
    with open(draft / f"{name}.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))[1:]
    with open(seeds / f"{name}.csv", "a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def copy_wave_rows(seeds: Path, name: str, source_wave: int) -> None:
    """The rows of another wave, for this wave (the check's suggestion for national counts)."""
    with open(seeds / f"{name}.csv", encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["wave"] == str(source_wave)]
    with open(seeds / f"{name}.csv", "a", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writerows({**row, "wave": str(WAVE)} for row in rows)


@pytest.fixture(scope="module")
def walkthrough(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    work = tmp_path_factory.mktemp("walkthrough")
    landing = copy_landing(SAMPLE_LANDING, work / "landing")
    simulated_2025(landing)
    project = copy_project(work / "project")
    seeds = project / "seeds"
    first_check = run_cli("wave", "check", "--landing", str(landing), project=project)
    draft = run_cli(
        *("wave", "draft", "--landing", str(landing), "--wave", str(WAVE)),
        *("--out", str(work / "draft")),
        project=project,
    )
    assert draft.returncode == 0, draft.stdout + draft.stderr
    for name in ("question_crosswalk", "survey_question_items", "answer_crosswalk"):
        append_rows(work / "draft", seeds, name)
    append_rows(work / "draft", seeds, "survey_waves")  # fieldwork: no expected sizes yet
    copy_wave_rows(seeds, "national_authority_counts", 2024)
    second_check = run_cli("wave", "check", "--landing", str(landing), project=project)
    run = run_pipeline(landing, work / "warehouse", project=project)
    return {
        "first_check": first_check,
        "draft": draft,
        "drafted": {row["question_id"]: row for row in _read(work / "draft", "question_crosswalk")},
        "second_check": second_check,
        "run": run,
    }


def _read(folder: Path, name: str) -> list[dict[str, str]]:
    with open(folder / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_check_names_what_the_new_wave_lacks(walkthrough: dict) -> None:
    check = walkthrough["first_check"]
    assert check.returncode == 1, check.stdout
    lines = check.stdout.splitlines()
    assert "wave 2024: complete" in lines
    assert any(line.startswith("wave 2025: ") and "to fix" in line for line in lines)
    assert "seeds/survey_waves.csv: no row for wave 2025" in check.stdout
    assert "seeds/national_authority_counts.csv: no row for wave 2025" in check.stdout
    assert f"add a wave 2025 row with question_text {ADDED_TEXT!r}" in check.stdout
    assert "barometre wave draft --wave YEAR" in check.stdout


def test_the_draft_grades_each_change(walkthrough: dict) -> None:
    drafted = walkthrough["drafted"]
    grades = {qid: row["comparability"] for qid, row in drafted.items()}
    assert REMOVED not in grades
    assert grades[SCALE_CHANGED] == "scale_changed"
    note = drafted[SCALE_CHANGED]["comparability_note"]
    assert note.startswith("2024 Oui / Non / Je ne sais pas; 2025 adds ")
    assert all(label in note for label in SPLIT_NON)
    assert {qid: grades[qid] for qid in REWORDED} == dict.fromkeys(REWORDED, "reworded")
    (added,) = [row for row in drafted.values() if row["question_text"] == ADDED_TEXT]
    assert added["comparability"] == "new" and added["question_type"] == "single_choice"
    changed = {SCALE_CHANGED, added["question_id"], *REWORDED}
    assert {qid for qid, grade in grades.items() if grade != "identical"} == changed
    assert len(grades) == 79  # 2024's 79 questions, one removed, one added


def test_with_the_drafted_rows_the_check_passes_and_four_waves_are_published(
    walkthrough: dict,
) -> None:
    check = walkthrough["second_check"]
    assert check.returncode == 0, check.stdout
    assert "wave 2025: complete" in check.stdout.splitlines()
    run = walkthrough["run"]
    assert run.returncode == 0, run.output
    with duckdb.connect(str(run.published_db), read_only=True) as connection:
        waves = connection.execute("select distinct wave from marts.survey_results").fetchall()
        (released,) = connection.execute("select waves from meta.release").fetchone()
    assert sorted(w for (w,) in waves) == [2022, 2023, 2024, 2025]
    assert sorted(released) == [2022, 2023, 2024, 2025]


def test_unchanged_and_reworded_questions_have_trends_the_changed_scale_has_none(
    walkthrough: dict,
) -> None:
    run = walkthrough["run"]
    with duckdb.connect(str(run.published_db), read_only=True) as connection:
        trends = dict(
            connection.execute(
                """
                select question_id, count(change_pts)
                from marts.law_and_governance where wave = 2025 group by question_id
                union all
                select question_id, count(change_pts)
                from marts.cybersecurity where wave = 2025 group by question_id
                union all
                select question_id, count(change_pts)
                from marts.infrastructure_and_technology where wave = 2025 group by question_id
                """
            ).fetchall()
        )
        # 2025's answers are 2024's: an unchanged question changed by 0 points
        changes = connection.execute(
            """
            select distinct change_pts from marts.law_and_governance
            where wave = 2025 and question_id = 'gdpr_compliance'
            union
            select distinct change_pts from marts.cybersecurity
            where wave = 2025 and question_id = 'cyber_exposure'
            """
        ).fetchall()
        note = connection.execute(
            "select comparability, comparability_note from marts.codebook "
            "where wave = 2025 and question_id = ?",
            [SCALE_CHANGED],
        ).fetchone()
    assert trends["gdpr_compliance"] > 0 and trends["data_hosting"] > 0
    assert trends["cyber_exposure"] > 0
    assert trends[SCALE_CHANGED] == 0
    assert [round(change, 9) for (change,) in changes] == [0.0]
    assert note[0] == "scale_changed"
    assert note[1] == walkthrough["drafted"][SCALE_CHANGED]["comparability_note"]
