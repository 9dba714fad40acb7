"""Every SQL example of the README runs against a published release and returns rows; on the
real 2023 release, the examples whose figures the Observatoire published give those figures."""

from __future__ import annotations

import csv

import duckdb
import pytest
from conftest import (
    PUBLISHED_2023,
    PUBLISHED_2023_COMPARISON_BASES,
    PUBLISHED_2023_GROUP_SIZES,
    README_EXAMPLES,
    PipelineRun,
    normalise,
    readme_example,
    require_real_data,
)

# The 2023 "Total pondéré" of the RGPD processes question: 43 and 37 as the methodology note
# (§4.1) quotes the published file, 13 and 6 as the README states them (nobody answering none).
PUBLISHED_2023_WEIGHTED_GDPR_PROCESSES = {
    "Oui": 43,
    "Non, mais c’est prévu dans les 12 prochains mois": 37,
    "Je ne sais pas": 13,
    "Non, et ce n’est pas prévu dans les 12 prochains mois": 6,
    "Sans réponse": 0,
}
COMPARISON_BASE = "CT et EPCI hors communes < 3 500 hab., hors Autre"


def run_example(run: PipelineRun, number: int) -> list[tuple]:
    with duckdb.connect(str(run.published_db), read_only=True) as connection:
        return connection.execute(readme_example(number)).fetchall()


def published_2023(question_start: str, groups: set[str]) -> dict[tuple[str, str], list[int]]:
    """(group, answer) -> [count, group size, rounded %] of a question of the Observatoire's
    published 2023 file (its answers in the file's order)."""
    require_real_data(PUBLISHED_2023)
    with open(PUBLISHED_2023, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return {
        (row["Structure"], row["Réponses"]): [
            int(row["Occurrences"]),
            int(row["Effectifs par structure"]),
            int(row["Pourcentage"]),
        ]
        for row in rows
        if normalise(row["Question"]).startswith(question_start) and row["Structure"] in groups
    }


def test_the_readme_has_its_worked_examples() -> None:
    assert len(README_EXAMPLES) >= 10


@pytest.mark.parametrize("example", README_EXAMPLES, ids=lambda sql: sql.splitlines()[0][:60])
def test_readme_example_returns_rows(example: str, sample_run: PipelineRun) -> None:
    with duckdb.connect(str(sample_run.published_db), read_only=True) as connection:
        rows = connection.execute(example).fetchall()
    assert rows, "the example returns nothing on the sample release"


def test_example_1_gives_the_published_2023_totals(real_2023_run: PipelineRun) -> None:
    totals = {"Total", "Total hors communes < 3500 habitants"}
    published = published_2023("Commençons par la protection de la vie privée", totals)

    rows = run_example(real_2023_run, 1)

    assert len(published) == 12
    assert {(group, answer): [n, size, pct] for group, answer, n, size, pct in rows} == published


def test_example_6_gives_the_published_weighted_total(real_2023_run: PipelineRun) -> None:
    unweighted = published_2023("Afin de respecter le RGPD, avez-vous modifié", {"Total"})

    rows = run_example(real_2023_run, 6)

    assert {answer: weighted for answer, weighted, *_ in rows} == (
        PUBLISHED_2023_WEIGHTED_GDPR_PROCESSES
    )
    assert {answer: pct for answer, _, pct, *_ in rows} == {
        answer: figures[2] for (_, answer), figures in unweighted.items()
    }
    # the Observatoire's comparison base, 107 (§4.7), weighs as 22.5 respondents: a small base
    assert {(base, small) for *_, base, small in rows} == {
        (PUBLISHED_2023_COMPARISON_BASES[COMPARISON_BASE], True)
    }


def test_example_7_gives_the_published_2023_strata(real_2023_run: PipelineRun) -> None:
    rows = run_example(real_2023_run, 7)

    by_stratum = {stratum: n for _, stratum, n in rows}
    assert by_stratum == {
        group: n
        for group, n in PUBLISHED_2023_GROUP_SIZES.items()
        if group not in ("Total", "Total hors communes < 3500 habitants", "Une commune")
    }
    communes = sum(n for category, _, n in rows if category == "Une commune")
    assert communes == PUBLISHED_2023_GROUP_SIZES["Une commune"]


def test_example_14_gives_the_readme_interval_and_effective_base(
    real_2023_run: PipelineRun,
) -> None:
    """The README's figures ("How sure each figure is"): "Oui", 43 %, between 26 and 61 %,
    107 respondents weighing as 22.5, a small base."""
    rows = {answer: figures for answer, *figures in run_example(real_2023_run, 14)}

    weighted, low, high, base, effective, small = rows["Oui"]
    assert (weighted, round(low), round(high)) == (43, 26, 61)
    assert (base, effective, small) == (107, 22.5, True)
    assert {figures[4] for figures in rows.values()} == {22.5}


def test_every_2023_weighted_row_has_the_readme_base_and_flag(real_2023_run: PipelineRun) -> None:
    """ "How sure each figure is": `base_unweighted` 107 (the comparison base), `small_base`
    when `n_effective` < 30, and `pct_weighted` the "Total pondéré" itself for one-answer
    questions, not for multi-select shares of mentions."""
    with duckdb.connect(str(real_2023_run.published_db), read_only=True) as connection:
        rows = connection.execute(
            "select question_type, pct_weighted, pct_total_pondere, base_unweighted, "
            "n_effective, small_base from marts.survey_weighted_totals where wave = 2023"
        ).fetchall()

    assert len(rows) > 500
    assert {base for *_, base, _, _ in rows} == {PUBLISHED_2023_COMPARISON_BASES[COMPARISON_BASE]}
    assert all(small == (effective < 30) for *_, effective, small in rows)
    one_answer = [(w, p) for kind, w, p, *_ in rows if kind != "multi_select"]
    assert all(weighted == pytest.approx(pondere, abs=1e-9) for weighted, pondere in one_answer)
    mentions = [(w, p) for kind, w, p, *_ in rows if kind == "multi_select"]
    assert any(weighted != pytest.approx(pondere, abs=1) for weighted, pondere in mentions)
