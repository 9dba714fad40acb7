"""The Observatoire's real 2023 export reproduces the figures the Observatoire published."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import duckdb
import pytest
from conftest import (
    PUBLISHED_2023,
    PUBLISHED_2023_COMPARISON_BASES,
    PUBLISHED_2023_GROUP_SIZES,
    REAL_LANDING_2023,
    PipelineRun,
    assert_no_personal_data,
    normalise,
    sha256,
)

pytestmark = pytest.mark.real_data


def test_group_sizes_are_the_published_ones(real_2023_run: PipelineRun) -> None:
    with duckdb.connect(str(real_2023_run.published_db), read_only=True) as connection:
        sizes = dict(
            connection.execute(
                "select distinct group_label, n_group from marts.survey_results where wave = 2023"
            ).fetchall()
        )
    assert sizes == PUBLISHED_2023_GROUP_SIZES | PUBLISHED_2023_COMPARISON_BASES


def test_the_real_release_is_observed_and_lists_its_inputs(real_2023_run: PipelineRun) -> None:
    with duckdb.connect(str(real_2023_run.published_db), read_only=True) as connection:
        release = connection.execute("select data_note, origin from meta.release").fetchone()
        inputs = connection.execute(
            "select wave, kind, file_name, sha256, bytes, records, origin "
            "from meta.release_inputs order by kind"
        ).fetchall()
    assert release == (None, "observed")
    export = REAL_LANDING_2023 / "survey/2023/results-survey396597.csv"
    reference = REAL_LANDING_2023 / "survey/2023/respondents_reference.csv"
    assert inputs == [
        (
            2023,
            "survey_export",
            export.name,
            sha256(export),
            export.stat().st_size,
            1053,
            "observed",
        ),
        (
            2023,
            "survey_reference",
            reference.name,
            sha256(reference),
            reference.stat().st_size,
            _records(reference),
            "observed",
        ),
    ]


def _records(path: Path) -> int:
    with open(path, encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def test_every_published_2023_figure_is_reproduced(real_2023_run: PipelineRun) -> None:
    with duckdb.connect(str(real_2023_run.published_db), read_only=True) as connection:
        rows = connection.execute(
            "select question_text, item_label, answer_label, group_label, question_type, "
            "n, n_answered, n_group, pct_rounded from marts.survey_results where wave = 2023"
        ).fetchall()
    built = {(normalise(r[0]), r[1], r[2], r[3]): r[4:] for r in rows}
    with open(PUBLISHED_2023, encoding="utf-8") as handle:
        published = list(csv.DictReader(handle))
    assert len(published) == 163

    mismatches = []
    for row in published:
        key = _built_key(row, built)
        figures = built.get(key)
        expected = (
            int(row["Occurrences"]),
            int(row["Pourcentage"]),
            int(row["Effectifs par structure"]),
        )
        got = (figures[1], figures[4], figures[3]) if figures else None
        if got != expected:
            mismatches.append(
                (row["Question"][:60], row["Structure"], row["Réponses"], expected, got)
            )
        elif row["Nombre de réponses"]:
            assert figures[2] == int(row["Nombre de réponses"]), row
    assert not mismatches, mismatches


def _built_key(row: dict[str, str], built: dict) -> tuple:
    """Where a published row lives in survey_results.

    Arrays and rankings: "stem [row]" -> item_label; multi-select: the item is the answer
    ("Réponses") and the tick label is "Oui"; single choice: no item.
    """
    question = normalise(row["Question"])
    answer = normalise(row["Réponses"])
    group = row["Structure"]
    bracket = re.fullmatch(r"(.*?)\s*\[([^\[\]]*)\]", question)
    if bracket:
        return (bracket.group(1), bracket.group(2), answer, group)
    if (question, answer, "Oui", group) in built:
        return (question, answer, "Oui", group)
    return (question, None, answer, group)


def test_every_raw_response_is_retained_or_excluded_with_a_reason(
    real_2023_run: PipelineRun,
) -> None:
    with duckdb.connect(str(real_2023_run.published_db), read_only=True) as connection:
        retained = connection.execute("select count(*) from marts.respondents").fetchone()[0]
        reasons = dict(
            connection.execute(
                "select exclusion_reason, count(*) from marts.excluded_responses group by 1"
            ).fetchall()
        )
        orphans = connection.execute(
            "select count(*) from marts.excluded_responses e "
            "left join marts.respondents r on e.duplicate_of_key = r.respondent_key "
            "where e.exclusion_reason = 'duplicate' and r.respondent_key is null"
        ).fetchone()[0]
    assert retained + sum(reasons.values()) == 1053
    assert set(reasons) == {"incomplete", "duplicate"}
    assert orphans == 0, "a duplicate points to a response that was not retained"


def test_no_personal_data_or_free_text_is_published(real_2023_run: PipelineRun) -> None:
    assert_no_personal_data(REAL_LANDING_2023, real_2023_run.published_db)


def test_a_response_listed_twice_in_the_reference_takes_its_first_row(
    real_2023_run: PipelineRun,
) -> None:
    """Nantes Métropole (response 1011) is listed as Metropole, then GFP: the first row wins,
    which is what the published 18 métropoles and 33 EPCI require."""
    with duckdb.connect(str(real_2023_run.published_db), read_only=True) as connection:
        category = connection.execute(
            "select category from marts.respondents where wave = 2023 and response_id = 1011"
        ).fetchone()
    assert category == ("Une métropole",)


def test_the_weighted_total_reproduces_the_published_total_pondere(
    real_2023_run: PipelineRun,
) -> None:
    """Published "Total pondéré" rows quoted in the methodology note (§4.1, §4.6)."""
    with duckdb.connect(str(real_2023_run.published_db), read_only=True) as connection:
        rows = connection.execute(
            "select question_id, coalesce(item_label, answer_label), pct_total_pondere_rounded "
            "from marts.survey_weighted_totals where wave = 2023 "
            "and question_id in ('gdpr_processes_changed', 'data_clauses_domains')"
        ).fetchall()
    figures = {(q, label): pct for q, label, pct in rows}
    assert figures[("gdpr_processes_changed", "Oui")] == 43
    assert (
        figures[("gdpr_processes_changed", "Non, mais c’est prévu dans les 12 prochains mois")]
        == 37
    )
    assert figures[("gdpr_processes_changed", "Je ne sais pas")] == 13
    assert (
        figures[("gdpr_processes_changed", "Non, et ce n’est pas prévu dans les 12 prochains mois")]
        == 6
    )
    assert figures[("gdpr_processes_changed", "Sans réponse")] == 0
    assert figures[("data_clauses_domains", "Le respect du RGPD")] == 35
    assert figures[("data_clauses_domains", "La propriété des données publiques")] == 23
    assert figures[("data_clauses_domains", "La publication des données (open data)")] == 18
    assert (
        figures[("data_clauses_domains", "Le respect de standards ou de formats de données")] == 24
    )
