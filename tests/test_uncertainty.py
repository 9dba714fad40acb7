"""How sure each survey figure is: the standard errors, intervals and tests of change of the
survey marts, recomputed with svy (the maintained successor of samplics: design-based
estimation with strata and finite population correction, Taylor linearisation, Student's t
with the design's degrees of freedom) from the published respondents and their answers, the
seeds' national counts and group rules, never from the product's SQL; the changes' t from
scipy. On the bundled sample and on the real 2023 export. And the macro that gives the marts
their t quantiles, against scipy."""

from __future__ import annotations

import functools
import json
import math
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl
import pytest
import svy
from conftest import REPO_ROOT, PipelineRun
from scipy import stats

from barometre import codebook

TOLERANCE = 1e-6  # percentage points
LEVEL = 0.95
POINT = 1 - (1 - LEVEL) / 2  # the quantile of a two-sided interval at LEVEL
THEME_MARTS = [row["mart_name"] for row in codebook.read_seed("survey_themes") if row["mart_name"]]

Cell = tuple[int, str, str | None, str]  # wave, question_id, item_label, answer_label


@pytest.fixture(scope="module", params=["sample_run", "real_2023_run"])
def run(request: pytest.FixtureRequest) -> PipelineRun:
    return request.getfixturevalue(request.param)


def query(run: PipelineRun, sql: str) -> list[dict]:
    with duckdb.connect(str(run.published_db), read_only=True) as connection:
        cursor = connection.execute(sql)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def indicators(run: PipelineRun, wave: int) -> tuple[pl.DataFrame, dict[str, Cell]]:
    """One row per retained respondent of the wave (key, category, stratum) and one 0/1 column
    per cell of survey_results: the respondent gave that answer (multi-select: ticked that
    item), or, on the no-answer row, left the question (item) without an answer (multi-select:
    was not shown it)."""
    no_answer = codebook.no_answer_label()
    with duckdb.connect(str(run.published_db), read_only=True) as connection:
        long = connection.sql(
            """
            with cells as (
                select distinct wave, question_id, item_label, answer_label
                from marts.survey_results where wave = $wave
            )
            select respondents.respondent_key, respondents.category, respondents.stratum,
                cells.question_id, cells.item_label, cells.answer_label,
                case
                    when cells.answer_label = $no_answer then not exists (
                        select 1 from marts.responses as answers
                        where answers.respondent_key = respondents.respondent_key
                            and answers.question_id = cells.question_id
                            and (cells.item_label is null or answers.item_label = cells.item_label)
                    )
                    else exists (
                        select 1 from marts.responses as answers
                        where answers.respondent_key = respondents.respondent_key
                            and answers.question_id = cells.question_id
                            and answers.item_label is not distinct from cells.item_label
                            and answers.answer_label = cells.answer_label
                    )
                end as answered
            from marts.respondents as respondents
            inner join cells on respondents.wave = cells.wave
            """,
            params={"wave": wave, "no_answer": no_answer},
        ).pl()
    keys = (
        long.select("question_id", "item_label", "answer_label")
        .unique(maintain_order=True)
        .with_row_index("cell")
        .with_columns(pl.format("y{}", "cell").alias("cell"))
    )
    cells = {name: (wave, q, item, answer) for name, q, item, answer in keys.iter_rows()}
    long = long.join(
        keys, on=["question_id", "item_label", "answer_label"], nulls_equal=True
    ).with_columns(pl.col("answered").cast(pl.Float64))
    wide = long.pivot(on="cell", index=["respondent_key", "category", "stratum"], values="answered")
    return wide, cells


@dataclass(frozen=True)
class Estimate:
    pct: float
    se: float  # percentage points; nan when svy cannot estimate it
    low: float  # svy's 95% bounds, est -/+ t se, t Student's with df degrees of freedom
    high: float
    df: int


def svy_means(frame: pl.DataFrame, cells: dict[str, Cell], design: svy.Design) -> dict:
    """svy's design-based estimate, standard error and 95% interval of every cell's share, in
    percent."""
    results = svy.Sample(frame, design).estimation.mean(list(cells), alpha=1 - LEVEL)
    estimates = {}
    for name, result in zip(cells, results, strict=True):
        (row,) = result.to_polars().iter_rows(named=True)
        estimates[cells[name]] = Estimate(
            *(100 * row[key] for key in ("est", "se", "lci", "uci")), row["df"]
        )
    return estimates


def cell_of(row: dict) -> Cell:
    return (row["wave"], row["question_id"], row["item_label"], row["answer_label"])


def interval(estimate: Estimate) -> tuple[float, float]:
    """svy's own bounds, clipped to the percentages' range as the marts publish them."""
    return max(0.0, estimate.low), min(100.0, estimate.high)


def national_counts(wave: int, weighted_only: bool = False) -> dict[str, int]:
    return {
        row["group_label"]: int(row["national_count"])
        for row in codebook.read_seed("national_authority_counts")
        if row["wave"] == str(wave) and (row["is_weighted_stratum"] == "true" or not weighted_only)
    }


# --- the weighted total: a stratified sample of the national counts ----------------------------


def weighted_total_estimates(run: PipelineRun) -> Iterator[tuple[int, float, dict]]:
    """Per weighted wave: Kish's effective size of the design weights, and svy's estimates with
    strata = the weighted strata, weight N_h / n_h, population size N_h (finite population
    correction), Taylor linearisation."""
    waves = [
        r["wave"] for r in query(run, "select distinct wave from marts.survey_weighted_totals")
    ]
    for wave in waves:
        frame, cells = indicators(run, wave)
        counts = national_counts(wave, weighted_only=True)
        frame = frame.filter(pl.col("stratum").is_in(list(counts)))
        frame = frame.with_columns(
            N=pl.col("stratum").replace_strict(counts, return_dtype=pl.Int64)
        ).with_columns(w=pl.col("N") / pl.len().over("stratum"))
        n_effective = frame["w"].sum() ** 2 / (frame["w"] ** 2).sum()
        design = svy.Design(stratum="stratum", wgt="w", pop_size="N")
        yield wave, n_effective, svy_means(frame, cells, design)


def test_the_weighted_totals_are_svys_stratified_estimates(run: PipelineRun) -> None:
    rows = query(run, "select * from marts.survey_weighted_totals")
    checked = 0
    for wave, n_effective, estimates in weighted_total_estimates(run):
        for row in (r for r in rows if r["wave"] == wave):
            expected = estimates[cell_of(row)]
            assert row["pct_weighted"] == pytest.approx(expected.pct, abs=TOLERANCE), row
            assert row["se"] == pytest.approx(expected.se, abs=TOLERANCE), row
            assert (row["ci95_low"], row["ci95_high"]) == pytest.approx(
                interval(expected), abs=TOLERANCE
            ), row
            assert row["ci95_df"] == expected.df, row
            assert row["n_effective"] == pytest.approx(n_effective, rel=1e-9)
            assert row["design_effect"] == pytest.approx(row["base_unweighted"] / n_effective)
            assert row["small_base"] == (n_effective < codebook.small_base())
            checked += 1
    assert checked == len(rows) > 0


def test_the_2023_weighted_total_rests_on_22_effective_respondents(
    real_2023_run: PipelineRun,
) -> None:
    """107 respondents, but six communes of 3 500 - 10 000 inhabitants stand for 2 160: Kish's
    effective size is 4 556² / 920 723 ≈ 22.5, a small base."""
    rows = query(
        real_2023_run,
        "select answer_label, pct_total_pondere_rounded, base_unweighted, n_effective, "
        "small_base, ci95_low, ci95_high, ci95_df from marts.survey_weighted_totals "
        "where wave = 2023 and question_id = 'gdpr_processes_changed'",
    )
    assert {r["base_unweighted"] for r in rows} == {107}
    # 107 respondents in 7 strata: t with 100 degrees of freedom, 1.984
    assert {r["ci95_df"] for r in rows} == {100}
    for row in rows:
        assert row["n_effective"] == pytest.approx(22.5, abs=0.1)
        assert row["small_base"] is True
    oui = next(r for r in rows if r["answer_label"] == "Oui")
    assert oui["pct_total_pondere_rounded"] == 43
    assert oui["ci95_low"] < 43 < oui["ci95_high"]


# --- the groups: simple random samples of their national populations --------------------------


def group_populations(wave: int) -> dict[str, int | None]:
    """Every group's national population by the seeds' rules: a category or stratum its count;
    a combined group the sum of its members' (each member that has one); a total none."""
    counts = national_counts(wave)
    members = combined_members()
    populations: dict[str, int | None] = {}
    for group in codebook.groups():
        if group.kind == "combined":
            populations[group.label] = sum(counts[m] for m in members[group.label] if m in counts)
        else:
            populations[group.label] = None if group.kind == "total" else counts.get(group.label)
    return populations


def combined_members() -> dict[str, set[str]]:
    members: dict[str, set[str]] = {}
    for row in codebook.read_seed("survey_group_members"):
        members.setdefault(row["group_label"], set()).add(row["member_group"])
    return members


def in_group(group: codebook.Group, category: str, stratum: str) -> bool:
    """Whether a respondent of this category and stratum counts in the group (seed rules)."""
    own = {category, stratum}
    if group.kind == "total":
        return group.excluded not in own
    if group.kind == "combined":
        return bool(own & combined_members()[group.label])
    return group.label in own


@functools.cache
def group_estimates(run: PipelineRun) -> dict[tuple[str, Cell], Estimate]:
    """svy's estimate of every cell in every group of every wave: one stratum, weight N / n and
    population size N for a group with a national population; with replacement (no finite
    population correction) for a group without."""
    groups = {group.label: group for group in codebook.groups()}
    estimates = {}
    for (wave,) in (r.values() for r in query(run, "select distinct wave from marts.respondents")):
        frame, cells = indicators(run, wave)
        kinds = frame.select("category", "stratum").unique().rows()
        for label, population in group_populations(wave).items():
            inside = [kind for kind in kinds if in_group(groups[label], *kind)]
            members = frame.join(
                pl.DataFrame(
                    inside, schema={"category": pl.String, "stratum": pl.String}, orient="row"
                ),
                on=["category", "stratum"],
                how="semi",
            )
            if members.height < 2:
                continue
            if population is None:
                design = svy.Design(wgt="w")
                members = members.with_columns(w=pl.lit(1.0))
            else:
                design = svy.Design(wgt="w", pop_size="N")
                members = members.with_columns(
                    w=pl.lit(population / members.height), N=pl.lit(population)
                )
            for cell, estimate in svy_means(members, cells, design).items():
                estimates[(label, cell)] = estimate
    return estimates


def test_group_intervals_are_svys_with_the_finite_population_correction(
    run: PipelineRun,
) -> None:
    estimates = group_estimates(run)
    rows = query(run, "select * from marts.survey_results")
    populations = {wave: group_populations(wave) for wave in {r["wave"] for r in rows}}
    with_interval = 0
    for row in rows:
        population = populations[row["wave"]][row["group_label"]]
        assert row["n_population"] == population, row
        expected = estimates[(row["group_label"], cell_of(row))]
        assert row["pct"] == pytest.approx(expected.pct, abs=TOLERANCE), row
        if population is None:
            assert row["ci95_low"] is None and row["ci95_high"] is None, row
            continue
        assert (row["ci95_low"], row["ci95_high"]) == pytest.approx(
            interval(expected), abs=TOLERANCE
        ), row
        with_interval += 1
    assert 0 < with_interval < len(rows)


# --- changes between waves: independent samples ------------------------------------------------


def welch_satterthwaite(now: Estimate, before: Estimate) -> int:
    """A change's degrees of freedom: Welch-Satterthwaite's for the sum of two independent
    variance estimates, each on its wave's svy degrees of freedom, rounded down."""
    v1, v2 = now.se**2, before.se**2
    return math.floor((v1 + v2) ** 2 / (v1**2 / now.df + v2**2 / before.df) + 1e-6)


def test_every_change_has_svys_error_and_a_verdict(sample_run: PipelineRun) -> None:
    """On the sample (three waves): every theme-mart row with a change in points has its standard
    error (the two waves' svy errors combined as independent samples), its Welch-Satterthwaite
    degrees of freedom, its interval with scipy's t quantile, and whether it is significant."""
    estimates = group_estimates(sample_run)
    rows = [row for mart in THEME_MARTS for row in query(sample_run, f"select * from marts.{mart}")]
    by_key = {
        (r["wave"], r["question_id"], r["item_code"], r["answer_code"], r["group_label"]): r
        for r in rows
    }
    changes = [r for r in rows if r["change_pts"] is not None]
    significant, degrees = 0, set()
    for row in changes:
        previous = by_key[
            (
                row["previous_wave"],
                row["question_id"],
                row["item_code"],
                row["answer_code"],
                row["group_label"],
            )
        ]
        now, before = (
            estimates[
                (
                    r["group_label"],
                    (r["wave"], r["question_id"], r["item_label"], r["answer_label"]),
                )
            ]
            for r in (row, previous)
        )
        se = math.sqrt(now.se**2 + before.se**2)
        assert row["change_se"] == pytest.approx(se, abs=TOLERANCE), row
        if row["change_se"] == 0:  # neither wave varies: no degrees of freedom, the point
            assert row["change_df"] is None, row
            margin = 0.0
        else:
            assert row["change_df"] == welch_satterthwaite(now, before), row
            margin = float(stats.t.ppf(POINT, row["change_df"])) * se
            degrees.add(row["change_df"])
        assert row["change_ci95_low"] == pytest.approx(row["change_pts"] - margin, abs=TOLERANCE)
        assert row["change_ci95_high"] == pytest.approx(row["change_pts"] + margin, abs=TOLERANCE)
        assert row["change_significant"] is (abs(row["change_pts"]) > margin), row
        significant += row["change_significant"]
    assert 0 < significant < len(changes)
    # small and large degrees of freedom alike: the seed's exact quantiles and the expansion
    assert min(degrees) < 40 <= max(degrees)


# --- the t quantiles: the macro every survey interval takes them from --------------------------


def test_the_t_quantile_macro_is_scipys_from_1_to_10000_degrees_of_freedom(
    sample_run: PipelineRun, tmp_path: Path
) -> None:
    """t_quantile_975, compiled by dbt and run on the seed as the build loaded it, is Student's
    97.5% point within 1e-8 for 1 to 10 000 degrees of freedom (the seed's exact values below
    40, the Cornish-Fisher expansion above), null below 1; and the poll marts' normal quantile
    is 1.96."""
    sql = compile_inline(
        "select r.df, {{ t_quantile_975('r.df') }} as t, {{ normal_quantile_975(2) }} as z "
        "from range(-1, 10001) as r(df) order by r.df",
        tmp_path,
    )
    with duckdb.connect(str(sample_run.build_db), read_only=True) as connection:
        rows = connection.execute(sql).fetchall()
    assert [df for df, _, _ in rows] == list(range(-1, 10001))
    assert {z for _, _, z in rows} == {1.96}
    quantiles = {df: t for df, t, _ in rows}
    assert quantiles[-1] is None and quantiles[0] is None
    errors = {df: abs(quantiles[df] - stats.t.ppf(POINT, df)) for df in range(1, 10001)}
    assert max(errors.values()) < 1e-8, max(errors, key=errors.get)
    assert quantiles[100] == pytest.approx(1.984, abs=5e-4)  # the 2023 weighted total's


def test_the_seed_holds_scipys_quantiles() -> None:
    """seeds/ci95_quantiles.csv is what its generator writes from scipy, and the 95% level."""
    seed = codebook.read_seed("ci95_quantiles")
    (normal,) = (float(r["quantile_975"]) for r in seed if r["distribution"] == "normal")
    assert normal == pytest.approx(stats.norm.ppf(POINT), rel=1e-15)
    student = {
        int(r["degrees_of_freedom"]): float(r["quantile_975"])
        for r in seed
        if r["distribution"] == "student_t"
    }
    assert sorted(student) == list(range(1, 40))
    for df, quantile in student.items():
        assert quantile == pytest.approx(stats.t.ppf(POINT, df), rel=1e-15), df


def compile_inline(sql: str, tmp_path: Path) -> str:
    """An inline query compiled by dbt with the project's macros, refs to the build database."""
    completed = subprocess.run(
        [
            str(Path(sys.executable).with_name("dbt")),
            "--quiet",
            "compile",
            "--inline",
            sql,
            "--output",
            "json",
            "--project-dir",
            str(REPO_ROOT / "dbt_project"),
            "--profiles-dir",
            str(REPO_ROOT),
            "--target-path",
            str(tmp_path / "target"),
            "--log-path",
            str(tmp_path / "logs"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=REPO_ROOT / "dbt_project",
        # compiling opens no table: an empty database of the build's name
        env=os.environ | {"BAROMETRE_BUILD_DB": str(tmp_path / "barometre_build.duckdb")},
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return json.loads(completed.stdout)["compiled"]
