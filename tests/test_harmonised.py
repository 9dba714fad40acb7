"""The harmonised multi-year layer, on the bundled sample: 2022 as published, crosswalks applied,
theme marts with their changes in points, responses an analyst can cross-tabulate."""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict

import duckdb
import pytest
from conftest import (
    REPO_ROOT,
    SAMPLE_LANDING,
    SHARED,
    PipelineRun,
    column_of,
    normalise,
    read_export,
    require_real_data,
)

PUBLISHED_2022 = SHARED / "reference" / "published_2022_totals.csv"
THEME_MARTS = {
    "data_usage_and_projects": "data_usage",
    "law_and_governance": "law_governance",
    "culture_and_skills": "culture_skills",
    "infrastructure_and_technology": "infrastructure_technology",
    "artificial_intelligence": "artificial_intelligence",
    "cybersecurity": "cybersecurity",
    "responsible_digital": "responsible_digital",
}
# The 2022 strata, as the methodology note (§6.1) gives them, and the comparison bases: 297 - 81
# communes under 3 500 - 31 Autre (§4.7), and "Un EPCI", métropoles included (§5.1).
PUBLISHED_2022_GROUP_SIZES = {
    "Total": 297,
    "Total hors communes < 3500 habitants": 216,
    "Une commune": 140,
    "Communes de moins de 3 500 hab.": 81,
    "Communes de 3 500 à 10 000 hab.": 17,
    "Communes de 10 000 à 100 000 hab.": 35,
    "Communes de plus de 100 000 hab.": 7,
    "Un EPCI": 83,
    "Un département": 29,
    "Une région": 14,
    "Autre": 31,
    "CT et EPCI hors communes < 3 500 hab., hors Autre": 185,
    "Un EPCI (métropoles incluses)": 83,
}

# The published 2022 rows no data can reproduce, by question code, why, and count: the arrays
# and the ranking, which the Observatoire's script tabulated as multi-selects, all at 0 (§6.1;
# G8Q00002 is absent from the sample's questionnaire), and the cyber-measures "Sans réponse"
# of the Total listed twice, 57 and 0 -> number of rows.
SKIPPED_2022 = {
    ("G3Q00002", "ranking", 0): 8,
    ("G7Q00005", "array", 0): 18,
    ("G8Q00002", "no such question", 0): 12,
    ("G09Q00004", "listed twice", 57): 1,
    ("G09Q00004", "listed twice", 0): 1,
}
CODES_2022 = "select question_id, question_code from marts.codebook where wave = 2022"
SURVEY_GROUPS = "select distinct group_label from marts.survey_results where wave = ?"


def query(run: PipelineRun, sql: str, *parameters: object) -> list[tuple]:
    with duckdb.connect(str(run.published_db), read_only=True) as connection:
        return connection.execute(sql, list(parameters)).fetchall()


def test_2022_groups_are_the_published_ones(sample_run: PipelineRun) -> None:
    sizes = query(
        sample_run,
        "select distinct group_label, n_group from marts.survey_results where wave = 2022",
    )
    assert dict(sizes) == PUBLISHED_2022_GROUP_SIZES


@pytest.mark.real_data
def test_every_published_2022_total_is_reproduced(sample_run: PipelineRun) -> None:
    """Each "Total" (and "Total hors communes < 3500") row of a single-choice or multi-select
    question, "Sans réponse" included: same count, same rounded percentage."""
    require_real_data(PUBLISHED_2022)
    question_of_code = {
        code: (question_id, question_type)
        for code, question_id, question_type in query(
            sample_run,
            "select question_code, question_id, question_type from marts.codebook "
            "where wave = 2022 and question_code is not null",
        )
    }
    built = {
        (question_id, normalise(item or ""), answer, group): (n, pct)
        for question_id, item, answer, group, n, pct in query(
            sample_run,
            "select question_id, item_label, answer_label, group_label, n, pct_rounded "
            "from marts.survey_results where wave = 2022",
        )
    }
    with open(PUBLISHED_2022, encoding="utf-8") as handle:
        published = list(csv.DictReader(handle))
    repeated = Counter((r["Question"], r["Structure"], r["Réponses"]) for r in published)
    compared, mismatches, skipped = 0, [], Counter()
    for row in published:
        code = re.sub(r"(SQ\d+|AO\d+|\d)\]$", "", row["Question"].partition(". ")[0])
        question_id, question_type = question_of_code.get(code, (None, None))
        key = (row["Question"], row["Structure"], row["Réponses"])
        if question_type not in ("single_choice", "multi_select") or repeated[key] > 1:
            reason = "listed twice" if repeated[key] > 1 else question_type or "no such question"
            skipped[(code, reason, int(row["Occurrences"]))] += 1
            continue
        answer = row["Réponses"]
        if question_type == "multi_select" and answer != "Sans réponse":
            cell = (question_id, normalise(answer.rpartition("[")[2]), "Oui", row["Structure"])
        else:
            cell = (question_id, "", answer, row["Structure"])
        expected = (int(row["Occurrences"]), int(row["Pourcentage"]))
        compared += 1
        if built.get(cell) != expected:
            mismatches.append((cell, expected, built.get(cell)))
    assert not mismatches, mismatches
    assert compared == len(published) - sum(SKIPPED_2022.values())
    assert skipped == SKIPPED_2022


def test_each_theme_mart_holds_its_theme_across_waves(sample_run: PipelineRun) -> None:
    waves = {w for (w,) in query(sample_run, "select distinct wave from marts.survey_results")}
    for mart, theme in THEME_MARTS.items():
        rows = query(sample_run, f"select distinct theme, wave from marts.{mart}")
        assert {t for t, _ in rows} == {theme}, mart
        assert {w for _, w in rows} == waves, f"{mart} lacks a wave"
    themed = sum(
        query(sample_run, f"select count(*) from marts.{mart}")[0][0] for mart in THEME_MARTS
    )
    substantive = query(
        sample_run, "select count(*) from marts.survey_results where theme <> 'respondent'"
    )[0][0]
    assert themed == substantive, "every tabulated question lands in exactly one theme mart"


def test_change_in_points_only_for_comparable_questions(sample_run: PipelineRun) -> None:
    base = "Total hors communes < 3500 habitants"
    reworded = query(
        sample_run,
        "select wave, pct, previous_wave, previous_pct, change_pts from marts.law_and_governance "
        "where question_id = 'gdpr_compliance' and answer_code = 'oui_tout_fait' "
        "and group_label = ? order by wave",
        base,
    )
    (first, *later) = reworded
    assert first[2] is None and first[4] is None
    for wave, pct, previous_wave, previous_pct, change in later:
        assert previous_wave < wave
        assert change == pytest.approx(pct - previous_pct)
    # 2022 "Oui" / "Non" / "Je ne sais pas" became a 12-month scale in 2023: no change given,
    # but the previous figure is there for the analyst who wants to look.
    scale_changed = query(
        sample_run,
        "select previous_pct, change_pts from marts.law_and_governance "
        "where question_id = 'gdpr_processes_changed' and wave = 2023 and answer_code = 'yes' "
        "and group_label = ?",
        base,
    )
    assert scale_changed and scale_changed[0][0] is not None and scale_changed[0][1] is None


def test_previous_pct_is_the_previous_waves_published_share(sample_run: PipelineRun) -> None:
    """Each theme mart row's previous_wave and previous_pct are those of the latest earlier
    wave whose survey_results has the same question, item, answer and group; a row with none
    has neither; change_pts is the difference exactly where the question is comparable."""
    shares = {
        tuple(cell): pct
        for *cell, pct in query(
            sample_run,
            "select wave, question_id, item_code, answer_code, group_label, pct "
            "from marts.survey_results",
        )
    }
    waves = sorted({cell[0] for cell in shares})
    wrong, with_previous = [], 0
    for mart in THEME_MARTS:
        for wave, *cell, previous_wave, previous_pct, change, comparability, pct in query(
            sample_run,
            "select wave, question_id, item_code, answer_code, group_label, previous_wave, "
            f"previous_pct, change_pts, comparability, pct from marts.{mart}",
        ):
            earlier = [w for w in waves if w < wave and (w, *cell) in shares]
            expected_wave = earlier[-1] if earlier else None
            expected_pct = shares.get((expected_wave, *cell))
            comparable = comparability in ("identical", "reworded") and earlier
            expected_change = pct - expected_pct if comparable else None
            with_previous += expected_wave is not None
            if (previous_wave, previous_pct) != (expected_wave, expected_pct) or (
                change != pytest.approx(expected_change)
            ):
                wrong.append((mart, wave, *cell, previous_wave, previous_pct, change))
    assert with_previous > 5000, "most rows have a previous wave on the sample"
    assert not wrong, f"{len(wrong)} rows: {wrong[:5]}"


def test_responses_cross_tabulate_to_the_published_counts(sample_run: PipelineRun) -> None:
    """A cross-tab of two 2022 questions from marts.responses adds up, on each margin, to
    the counts survey_results publishes."""
    crosstab = query(
        sample_run,
        """
        select exposure.answer_code, risk.answer_code, count(*) as n
        from marts.responses as exposure
        inner join marts.responses as risk
            on exposure.respondent_key = risk.respondent_key
            and risk.question_id = 'cyber_risk_level'
        inner join marts.respondents as who
            on exposure.respondent_key = who.respondent_key
        where exposure.question_id = 'cyber_exposure' and exposure.wave = 2022
            and who.in_total_hors_communes_moins_3500
        group by exposure.answer_code, risk.answer_code
        """,
    )
    published = dict(
        query(
            sample_run,
            "select answer_code, n from marts.cybersecurity where wave = 2022 "
            "and question_id = 'cyber_exposure' and group_label = ? and answer_code <> 'no_answer'",
            "Total hors communes < 3500 habitants",
        )
    )
    margin = Counter()
    for exposure, _, n in crosstab:
        margin[exposure] += n
    assert dict(margin) == {code: n for code, n in published.items() if n}


def test_codebook_states_each_question_per_wave(sample_run: PipelineRun) -> None:
    rows = query(
        sample_run,
        "select wave, question_code, comparability, answer_scale from marts.codebook "
        "where question_id = 'gdpr_processes_changed' order by wave",
    )
    assert rows[0][:3] == (2022, "G2Q00003", "new")
    assert rows[0][3] == "Oui / Non / Je ne sais pas"
    assert rows[1][1] is None and rows[1][2] == "scale_changed"


def test_gdpr_trend_on_a_fixed_base(sample_run: PipelineRun) -> None:
    """The report's trend: fully GDPR-compliant, without communes under 3 500 inhabitants,
    27% in 2022 and 40% in 2024 (barometre 2024 report, "Droit des données publiques")."""
    trend = dict(
        query(
            sample_run,
            "select wave, pct_rounded from marts.law_and_governance "
            "where question_id = 'gdpr_compliance' and answer_code = 'oui_tout_fait' "
            "and group_label = 'Total hors communes < 3500 habitants'",
        )
    )
    assert trend[2022] == 27
    assert trend[2024] == 40


def test_thirty_questions_are_asked_in_every_wave(sample_run: PipelineRun) -> None:
    common = query(
        sample_run,
        """
        select question_id from marts.codebook
        where theme <> 'respondent'
        group by question_id
        having count(distinct wave) = (select count(distinct wave) from marts.codebook)
        """,
    )
    waves = query(sample_run, "select count(distinct wave) from marts.codebook")[0][0]
    assert waves == 3
    assert len(common) >= 30, sorted(q for (q,) in common)


def test_the_epci_base_carries_the_change_from_2022(sample_run: PipelineRun) -> None:
    """2022 asked "Un EPCI" (métropoles included), later waves tell EPCI and métropoles apart:
    "Un EPCI (métropoles incluses)" is the like-for-like group that has a change since 2022."""
    rows = query(
        sample_run,
        "select wave, group_label, n_group, pct, previous_wave, change_pts "
        "from marts.law_and_governance where question_id = 'gdpr_compliance' "
        "and answer_code = 'oui_tout_fait'",
    )
    cell = {
        (wave, group): (n, pct, previous, change) for wave, group, n, pct, previous, change in rows
    }
    base = "Un EPCI (métropoles incluses)"
    assert cell[(2022, base)][:2] == cell[(2022, "Un EPCI")][:2]
    epci, metropoles = cell[(2023, "Un EPCI (hors métropole)")], cell[(2023, "Une métropole")]
    n, pct, previous, change = cell[(2023, base)]
    assert n == epci[0] + metropoles[0]
    assert previous == 2022
    assert change == pytest.approx(pct - cell[(2022, base)][1])
    assert cell[(2023, "Un EPCI (hors métropole)")][3] is None


def test_a_category_without_respondents_is_left_out_and_the_totals_stay(
    sample_run: PipelineRun,
) -> None:
    """2022 has no respondent in "Une métropole" nor "Un EPCI (hors métropole)" (its
    questionnaire did not tell them apart), 2023 and 2024 none in "Un EPCI": each wave's groups
    are its respondents' categories and strata, and the totals and comparison bases, always."""
    with open(REPO_ROOT / "seeds" / "survey_groups.csv", encoding="utf-8") as handle:
        groups = list(csv.DictReader(handle))
    always = {g["group_label"] for g in groups if g["group_kind"] in ("total", "combined")}
    for wave in (2022, 2023, 2024):
        groups = {g for (g,) in query(sample_run, SURVEY_GROUPS, wave)}
        present = {
            group
            for row in query(
                sample_run, "select category, stratum from marts.respondents where wave = ?", wave
            )
            for group in row
        }
        assert groups == present | always, wave
    assert "Une métropole" not in {g for (g,) in query(sample_run, SURVEY_GROUPS, 2022)}
    assert "Un EPCI" not in {g for (g,) in query(sample_run, SURVEY_GROUPS, 2023)}


def test_2022_incomplete_and_duplicate_responses_are_dropped(sample_run: PipelineRun) -> None:
    """The README's rules, recomputed on the 2022 export: incomplete = the completeness
    question (seeds/survey_waves.csv) blank; duplicates = complete responses whose typed names
    are equal upper-cased, whitespace collapsed, the one with the fewest empty cells kept."""
    export = SAMPLE_LANDING / "survey" / "2022" / "results-survey-sample.csv"
    header, *rows = read_export(export)
    with open(REPO_ROOT / "seeds" / "survey_waves.csv", encoding="utf-8") as handle:
        completeness = next(w for w in csv.DictReader(handle) if w["wave"] == "2022")
    codes = dict(query(sample_run, CODES_2022))
    complete_at = column_of([header], codes[completeness["completeness_question_id"]] + ".")
    name_at = column_of([header], codes["structure_name"] + ".")
    expected, bodies = {}, defaultdict(list)
    for row in rows:
        if not row[complete_at]:
            expected[int(row[0])] = ("incomplete", None)
        else:
            bodies[" ".join(row[name_at].upper().split())].append(row)
    for body in bodies.values():
        kept, *dropped = sorted(body, key=lambda r: (r.count(""), int(r[0])))
        expected |= {int(row[0]): ("duplicate", int(kept[0])) for row in dropped}

    excluded = query(
        sample_run,
        "select response_id, exclusion_reason, duplicate_of_response_id "
        "from marts.excluded_responses where wave = 2022",
    )

    assert {response: (reason, of) for response, reason, of in excluded} == expected
    assert (
        sorted(reason for reason, _ in expected.values()) == ["duplicate"] * 2 + ["incomplete"] * 2
    ), "the sample gives each rule work to do"
