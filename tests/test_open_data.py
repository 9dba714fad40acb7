"""The open-data package of a release (`<release>/open_data/`): CSV files and their Frictionless
data package, validated by `frictionless` itself; the French data dictionary; Excel workbooks
whose figures are the marts'; and publication refusing a package that does not validate."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest
from conftest import (
    PipelineRun,
    copy_project,
    copy_warehouse,
    release_id_of,
    revised_sample,
    run_pipeline,
    sha256,
)
from openpyxl import load_workbook

from barometre.errors import BarometreError
from barometre.release.open_data import validate_open_data
from barometre.release.workbooks import BASE_ROW, LONG_SHEET, README_SHEET, workbook_name

# a long file: started early (conftest.py)
pytestmark = pytest.mark.scheduled_first(seconds=70)

FRICTIONLESS = Path(sys.executable).with_name("frictionless")


@pytest.fixture(params=["sample_run", "real_2023_run"])
def release(request: pytest.FixtureRequest) -> PipelineRun:
    """A release of the bundled sample, and one of the Observatoire's real 2023 export."""
    return request.getfixturevalue(request.param)


def open_data(run: PipelineRun) -> Path:
    return run.warehouse / "current" / "open_data"


def query(database: Path, sql: str, parameters: list | None = None) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(sql, parameters or []).fetchall()


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_frictionless_accepts_the_package(release: PipelineRun) -> None:
    completed = subprocess.run(
        [str(FRICTIONLESS), "validate", "--json", "datapackage.json"],
        cwd=open_data(release),
        capture_output=True,
        text=True,
        timeout=600,
    )
    report = json.loads(completed.stdout)
    assert completed.returncode == 0 and report["valid"], completed.stdout[-3000:]
    # every table of the package was checked
    package = json.loads((open_data(release) / "datapackage.json").read_text(encoding="utf-8"))
    assert [t["name"] for t in report["tasks"]] == [r["name"] for r in package["resources"]]
    assert all(task["valid"] for task in report["tasks"])


def test_one_csv_per_mart_with_its_rows_and_a_french_schema(release: PipelineRun) -> None:
    folder, database = open_data(release), release.published_db
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    marts = {
        name: count
        for (name,) in query(
            database, "select table_name from duckdb_tables() where schema_name = 'marts'"
        )
        for ((count,),) in [query(database, f'select count(*) from marts."{name}"')]
    }
    resources = {r["name"]: r for r in package["resources"]}
    assert set(marts) <= set(resources)
    assert set(resources) - set(marts) == {"dictionnaire", "themes"}
    for mart, count in marts.items():
        rows = read_csv(folder / resources[mart]["path"])
        assert len(rows) == count, mart
        with open(folder / resources[mart]["path"], encoding="utf-8") as handle:
            header = next(csv.reader(handle))
        columns = [
            c
            for (c,) in query(
                database,
                "select column_name from duckdb_columns() where schema_name = 'marts' "
                "and table_name = ? order by column_index",
                [mart],
            )
        ]
        fields = resources[mart]["schema"]["fields"]
        assert [f["name"] for f in fields] == header == columns, mart
        for field in fields:
            assert field["title"] and field["description"], f"{mart}.{field['name']}"
        assert resources[mart]["title"] and resources[mart]["description"]
    assert package["id"] == release_id_of(database)
    assert package["licenses"][0]["name"] == "CC-BY-SA-4.0"
    assert package["sources"][0]["title"].startswith("Observatoire Data Publica, enquête")
    assert resources["survey_results"]["schema"]["primaryKey"] == [
        "wave",
        "question_id",
        "item_label",
        "answer_label",
        "group_label",
    ]
    assert {
        "fields": ["respondent_key"],
        "reference": {"resource": "respondents", "fields": ["respondent_key"]},
    } in resources["responses"]["schema"]["foreignKeys"]

    # the dictionary: one row per table and per column, in French
    dictionary = read_csv(folder / "dictionnaire.csv")
    described = {(row["table"], row["colonne"]) for row in dictionary}
    for mart in marts:
        assert (mart, "") in described
        assert {(mart, f["name"]) for f in resources[mart]["schema"]["fields"]} <= described
    wave = next(r for r in dictionary if (r["table"], r["colonne"]) == ("survey_results", "wave"))
    assert wave["titre"] == "Vague" and wave["type"] == "integer"
    # the themes' French labels, for the codes in the tables
    themes = {
        row["theme"]: row["libelle"]
        for row in read_csv(folder / "themes.csv")
        if row["source"] == "survey"
    }
    assert themes["law_governance"] == "Droit et gouvernance"
    title = resources["law_and_governance"]["title"]
    assert title == "Thème : Droit et gouvernance"


def test_csv_figures_are_the_marts(release: PipelineRun) -> None:
    """Read back as a spreadsheet would: text, `.` decimals, empty for null."""
    rows = read_csv(open_data(release) / "survey_results.csv")
    published = query(
        release.published_db,
        "select wave, question_id, item_label, answer_label, group_label, n, n_group, pct, "
        "pct_rounded from marts.survey_results",
    )
    by_key = {
        (
            int(r["wave"]),
            r["question_id"],
            r["item_label"] or None,
            r["answer_label"],
            r["group_label"],
        ): r
        for r in rows
    }
    assert len(by_key) == len(published)
    for wave, question, item, answer, group, n, n_group, pct, rounded in published:
        row = by_key[(wave, question, item, answer, group)]
        assert (int(row["n"]), int(row["n_group"]), int(row["pct_rounded"])) == (
            n,
            n_group,
            rounded,
        )
        assert (float(row["pct"]) if row["pct"] else None) == pct  # all the digits


def survey_results_by_theme(database: Path) -> dict[str, list[tuple]]:
    themes: dict[str, list[tuple]] = defaultdict(list)
    for row in query(
        database,
        "select theme, question_id, wave, question_text, coalesce(item_label, ''), answer_label, "
        "group_label, n, pct_rounded, n_group from marts.survey_results "
        # the workbook's order of questions: its sheets Q1, Q2, ...
        "order by question_order, question_id, wave desc",
    ):
        themes[row[0]].append(row[1:])
    return themes


def question_tables(sheet) -> dict[tuple[int, str, str, str], tuple[int, int]]:
    """The blocks of a question sheet read back: (wave, item, answer, group) -> (n, %), and
    (wave, '', BASE_ROW, group) -> (group size, None); the wording of each wave under
    (wave, '', 'wording', '')."""
    cells: dict = {}
    rows = list(sheet.iter_rows(values_only=True))
    line = 0
    while line < len(rows):
        first = rows[line][0]
        if isinstance(first, str) and first.startswith("Vague "):
            wave = int(first.removeprefix("Vague "))
            cells[(wave, "", "wording", "")] = rows[line][1]
            groups = rows[line + 1][2::2]
            line += 3
            while rows[line][1] != BASE_ROW:
                item, answer, *values = rows[line]
                for group, n, pct in zip(groups, values[::2], values[1::2], strict=False):
                    if n is not None:
                        cells[(wave, item or "", answer, group)] = (n, pct)
                line += 1
            for group, size in zip(groups, rows[line][2::2], strict=False):
                cells[(wave, "", BASE_ROW, group)] = (size, None)
        line += 1
    return cells


def test_workbooks_hold_the_figures_of_survey_results(release: PipelineRun) -> None:
    folder = open_data(release) / "xlsx"
    expected = survey_results_by_theme(release.published_db)
    assert {p.name for p in folder.glob("*.xlsx")} == {workbook_name(t) for t in expected}
    for theme, rows in expected.items():
        book = load_workbook(folder / workbook_name(theme))
        assert book.sheetnames[0] == README_SHEET and book.sheetnames[-1] == LONG_SHEET
        readme = {r[0]: r[1] for r in book[README_SHEET].iter_rows(values_only=True) if r[0]}
        assert readme["Publication"] == release_id_of(release.published_db)
        assert ("Avertissement" in readme) == ("sample" in str(release.warehouse))
        questions = list(dict.fromkeys(r[0] for r in rows))
        assert book.sheetnames[1:-1] == [f"Q{k}" for k in range(1, len(questions) + 1)]
        read: dict = {}
        for sheet_name, question in zip(book.sheetnames[1:-1], questions, strict=True):
            read |= {
                (question, *key): value for key, value in question_tables(book[sheet_name]).items()
            }
        for question, wave, text, item, answer, group, n, rounded, size in rows:
            assert read[(question, wave, item, answer, group)] == (n, rounded), (
                question,
                wave,
                item,
                answer,
                group,
            )
            assert read[(question, wave, "", BASE_ROW, group)] == (size, None)
            assert read[(question, wave, "", "wording", "")] == f"« {text} »"
        long = list(book[LONG_SHEET].iter_rows(values_only=True))
        assert long[0][:3] == ("Vague", "Thème", "Code de la question")
        assert len(long) - 1 == len(rows)


def test_a_damaged_package_is_refused(sample_run: PipelineRun, tmp_path: Path) -> None:
    package = shutil.copytree(open_data(sample_run), tmp_path / "open_data")
    for path in package.rglob("*"):
        path.chmod(0o644 if path.is_file() else 0o755)
    validate_open_data(package)  # intact, it validates

    # a figure that is no number
    respondents = package / "respondents.csv"
    lines = respondents.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("wave")] = "deux mille vingt-trois"
    respondents.write_text(
        "\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n", encoding="utf-8"
    )
    with pytest.raises(BarometreError, match=r"respondents: .*type"):
        validate_open_data(package)

    # a column without its French description
    descriptor = package / "datapackage.json"
    document = json.loads(descriptor.read_text(encoding="utf-8"))
    del document["resources"][0]["schema"]["fields"][0]["description"]
    descriptor.write_text(json.dumps(document), encoding="utf-8")
    first = document["resources"][0]
    with pytest.raises(
        BarometreError, match=rf"{first['name']}\.{first['schema']['fields'][0]['name']}: no French"
    ):
        validate_open_data(package)


def test_publication_fails_closed_on_a_package_that_does_not_validate(
    sample_run: PipelineRun, tmp_path: Path
) -> None:
    """The dictionary of a project loses one French description: the build and its checks pass,
    the package is refused, and nothing is published."""
    project = copy_project(tmp_path / "project")
    marts_yaml = project / "dbt_project" / "models" / "marts" / "_marts__models.yml"
    text = marts_yaml.read_text(encoding="utf-8")
    damaged = text.replace(', description: "Numéro de la réponse LimeSurvey dans la vague."', "", 1)
    assert damaged != text
    marts_yaml.write_text(damaged, encoding="utf-8")
    warehouse = copy_warehouse(sample_run, tmp_path / "warehouse")
    published, releases = (
        sha256(warehouse / "barometre.duckdb"),
        sorted((warehouse / "releases").iterdir()),
    )
    landing = revised_sample(tmp_path / "landing", warehouse / "barometre.duckdb")

    refused = run_pipeline(landing, warehouse, "--revise", "2023", project=project)

    assert refused.returncode != 0
    assert "open-data package refused" in refused.output
    assert "respondents.response_id: no French title and description" in refused.output
    assert sha256(warehouse / "barometre.duckdb") == published
    assert sorted((warehouse / "releases").iterdir()) == releases  # no release, no leftover
