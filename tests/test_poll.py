"""The public-opinion polls: reading and checking .sav files, the synthetic sample, the weighted
marts, the report's figures, and bad input failing clearly with nothing published."""

from __future__ import annotations

import csv
import math
import re
from collections import defaultdict
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyreadstat
import pytest
from conftest import (
    REPO_ROOT,
    SAMPLE_LANDING,
    PipelineRun,
    copy_landing,
    copy_warehouse,
    run_pipeline,
    sha256,
)

from barometre.errors import LandingError
from barometre.ingest.landing import OBSERVED
from barometre.ingest.poll_file import PollWaveSettings, read_wave_settings
from barometre.ingest.poll_loader import discover_poll_waves, load_poll_waves
from barometre.synthetic.poll import generate_sample_polls
from barometre.synthetic.poll_respondents import rake

SEEDS = REPO_ROOT / "seeds"
POLL_DOC = REPO_ROOT / "docs" / "poll.md"
SETTINGS = {2024: PollWaveSettings(2024, "POIDS", "ID")}


def sample_file(wave: int) -> Path:
    (path,) = (SAMPLE_LANDING / "poll" / str(wave)).glob("*.sav")
    return path


def write_small_poll(
    landing: Path,
    *,
    weights: tuple[float, ...] = (0.5, 1.5, 1.0),
    q1: tuple[float, ...] = (1.0, 2.0, np.nan),
    labels: dict[float, str] | None = None,
    with_weight: bool = True,
) -> Path:
    """A three-respondent .sav file in landing/poll/2024/."""
    columns: dict[str, object] = {
        "ID": [11.0, 12.0, 13.0],
        "Q1": list(q1),
        "COMMENT": ["un", "", "trois"],
    }
    if with_weight:
        columns["POIDS"] = list(weights)
    frame = pd.DataFrame(columns)
    path = landing / "poll" / "2024" / "small.sav"
    path.parent.mkdir(parents=True, exist_ok=True)
    pyreadstat.write_sav(
        frame,
        str(path),
        column_labels={"ID": "Identifiant", "Q1": "Question 1", "COMMENT": "Commentaire"},
        variable_value_labels={"Q1": labels or {1.0: "Oui", 2.0: "Non"}},
    )
    return path


def load(landing: Path, database: Path, settings: dict[int, PollWaveSettings] = SETTINGS) -> list:
    with duckdb.connect(str(database)) as connection:
        return load_poll_waves(connection, discover_poll_waves(landing), OBSERVED, settings)


def raw_tables(database: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return {
            table: connection.execute(
                f"select * exclude (loaded_at) from raw.{table} order by all"
            ).fetchall()
            if table == "poll_loads"
            else connection.execute(f"select * from raw.{table} order by all").fetchall()
            for table in ("poll_loads", "poll_variables", "poll_value_labels", "poll_values")
        }


# ------------------------------------------------------------------ reading and loading


def test_a_poll_file_is_loaded_as_it_is(tmp_path: Path) -> None:
    path = write_small_poll(tmp_path / "landing")
    database = tmp_path / "build.duckdb"

    (result,) = load(tmp_path / "landing", database)

    assert (result.wave, result.status, result.row_count, result.variable_count) == (
        2024,
        "loaded",
        3,
        4,
    )
    tables = raw_tables(database)
    assert tables["poll_loads"] == [
        (2024, "small.sav", sha256(path), 3, 4, "POIDS", path.stat().st_size, "observed")
    ]
    assert [(v, p, label) for _, v, p, label, *_ in tables["poll_variables"]] == [
        ("COMMENT", 3, "Commentaire"),
        ("ID", 1, "Identifiant"),
        ("POIDS", 4, None),
        ("Q1", 2, "Question 1"),
    ]
    assert tables["poll_value_labels"] == [
        (2024, "Q1", 1.0, "1", "Oui"),
        (2024, "Q1", 2.0, "2", "Non"),
    ]
    values = {
        (row, variable): (number, text) for _, row, variable, number, text in tables["poll_values"]
    }
    assert values[(1, "Q1")] == (1.0, None)
    assert values[(3, "Q1")] == (None, None)  # system missing is null
    assert values[(2, "POIDS")] == (1.5, None)
    assert values[(1, "COMMENT")] == (None, "un")
    assert values[(2, "COMMENT")] == (None, None)  # an empty text is no value
    assert len(tables["poll_values"]) == 3 * 4


def test_an_unchanged_file_is_not_reloaded_and_a_vanished_wave_is_removed(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    write_small_poll(landing)
    database = tmp_path / "build.duckdb"
    load(landing, database)
    before = raw_tables(database)

    (again,) = load(landing, database)
    assert again.status == "unchanged"
    assert raw_tables(database) == before

    write_small_poll(landing, weights=(1.0, 1.0, 1.0))
    (changed,) = load(landing, database)
    assert changed.status == "loaded"
    assert raw_tables(database)["poll_loads"][0][2] != before["poll_loads"][0][2]

    (landing / "poll" / "2024" / "small.sav").unlink()
    (landing / "poll" / "2024").rmdir()
    (removed,) = load(landing, database)
    assert removed.status == "removed"
    assert all(rows == [] for rows in raw_tables(database).values())


def test_a_landing_folder_without_poll_loads_nothing(tmp_path: Path) -> None:
    (tmp_path / "landing" / "survey").mkdir(parents=True)
    database = tmp_path / "build.duckdb"

    assert discover_poll_waves(tmp_path / "landing") == []
    assert load(tmp_path / "landing", database) == []
    assert all(rows == [] for rows in raw_tables(database).values())  # tables exist, empty


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (
            lambda landing: write_small_poll(landing, with_weight=False),
            r"small\.sav: weight variable POIDS not found \(seeds/poll_waves\.csv names it for "
            r"wave 2024\); the file's variables are ID, Q1, COMMENT",
        ),
        (
            lambda landing: write_small_poll(landing, weights=(1.0, 0.0, -2.0)),
            r"small\.sav: weight variable POIDS: 2 missing or non-positive weight\(s\), first at "
            r"respondent row 2 \(0\.0\)",
        ),
        (
            lambda landing: write_small_poll(landing, weights=(1.0, np.nan, 1.0)),
            r"weight variable POIDS: 1 missing or non-positive weight\(s\), first at respondent "
            r"row 2",
        ),
        (
            lambda landing: write_small_poll(landing, q1=(1.0, 7.0, 2.0)),
            r"small\.sav: variable Q1: value\(s\) 7 not in its value labels \(codes 1, 2\); "
            r"1 respondent\(s\), first at respondent row 2",
        ),
        (
            lambda landing: write_small_poll(landing).write_bytes(b"not an SPSS file\n"),
            r"small\.sav: not a readable SPSS \.sav file",
        ),
    ],
    ids=["missing weight", "non-positive weight", "missing weight value", "unknown code", "junk"],
)
def test_bad_files_are_refused_naming_file_and_variable(
    tmp_path: Path, damage: object, message: str
) -> None:
    landing = tmp_path / "landing"
    damage(landing)  # type: ignore[operator]
    with pytest.raises(LandingError, match=message) as raised:
        load(landing, tmp_path / "build.duckdb")
    assert raised.value.path == (landing / "poll" / "2024" / "small.sav").resolve()


def test_a_wave_without_settings_or_with_two_files_is_refused(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    write_small_poll(landing)
    with pytest.raises(LandingError, match=r"wave 2024 is not in seeds/poll_waves\.csv"):
        load(landing, tmp_path / "build.duckdb", settings={})
    (landing / "poll" / "2024" / "other.sav").write_bytes(b"")
    with pytest.raises(LandingError, match=r"several \.sav files for one wave"):
        discover_poll_waves(landing)


def test_a_refused_file_leaves_the_raw_tables_as_they_were(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    write_small_poll(landing)
    database = tmp_path / "build.duckdb"
    load(landing, database)
    before = raw_tables(database)

    write_small_poll(landing, q1=(1.0, 3.0, 2.0))
    with pytest.raises(LandingError, match="variable Q1"):
        load(landing, database)

    assert raw_tables(database) == before

    # files are read one at a time in one transaction: a new wave read and loaded before the
    # refused one is rolled back with it
    new_wave = landing / "poll" / "2023" / "small.sav"
    new_wave.parent.mkdir()
    write_small_poll(tmp_path / "good").replace(new_wave)
    two_waves = {**SETTINGS, 2023: PollWaveSettings(2023, "POIDS", "ID")}
    with pytest.raises(LandingError, match="variable Q1"):
        load(landing, database, two_waves)

    assert raw_tables(database) == before


def test_the_seed_names_each_waves_weight() -> None:
    settings = read_wave_settings()
    assert {wave: s.weight_variable for wave, s in settings.items()} == {
        2022: "POND",
        2024: "POIDS",
    }


# ------------------------------------------------------------------ the synthetic sample


def test_the_committed_sample_polls_are_what_the_generator_writes(tmp_path: Path) -> None:
    written = generate_sample_polls(tmp_path)
    assert [p.relative_to(tmp_path) for p in written] == [
        sample_file(2022).relative_to(SAMPLE_LANDING),
        sample_file(2024).relative_to(SAMPLE_LANDING),
    ]
    for path in written:
        assert sha256(path) == sha256(SAMPLE_LANDING / path.relative_to(tmp_path))


def test_the_sample_polls_are_documented_as_synthetic() -> None:
    for wave in (2022, 2024):
        _, meta = pyreadstat.read_sav(str(sample_file(wave)), metadataonly=True)
        assert "SYNTHETIC" in meta.file_label
        assert any("SYNTHETIC" in note for note in meta.notes)
        assert "SYNTHETIC" in sample_file(wave).name


def margin(quota: str, code: int, share: float) -> dict[str, str]:
    return {
        "margin": quota,
        "quota_1": quota,
        "code_1": str(code),
        "quota_2": "",
        "code_2": "",
        "share_pct": str(share),
    }


def test_raking_hits_every_margin() -> None:
    rng = np.random.default_rng(1)
    respondents = pd.DataFrame(
        {"sex": rng.integers(1, 3, 500), "region": rng.choice([1, 2, 3], 500, p=[0.6, 0.3, 0.1])}
    )
    margins = [margin("sex", 1, 48), margin("sex", 2, 52)] + [
        margin("region", code, share) for code, share in ((1, 20), (2, 30), (3, 50))
    ]
    weights = rake(respondents, margins)
    assert weights.sum() == pytest.approx(500)
    assert (weights > 0).all()
    for sex, share in ((1, 48), (2, 52)):
        assert 100 * weights[respondents["sex"] == sex].sum() / 500 == pytest.approx(share)
    for region, share in ((1, 20), (2, 30), (3, 50)):
        assert 100 * weights[respondents["region"] == region].sum() / 500 == pytest.approx(share)


# ------------------------------------------------------------------ the published marts


def report_figures() -> list[dict[str, str]]:
    with open(SEEDS / "poll_report_figures.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_both_poll_waves_are_published(sample_run: PipelineRun) -> None:
    with duckdb.connect(str(sample_run.published_db), read_only=True) as connection:
        results = connection.execute(
            "select wave, count(distinct variable), count(distinct group_label) "
            "from marts.poll_results group by wave order by wave"
        ).fetchall()
        opinion = connection.execute(
            "select distinct wave from marts.public_opinion order by wave"
        ).fetchall()
        pairs = connection.execute(
            "select distinct poll_wave, survey_wave from marts.citizens_vs_authorities "
            "order by poll_wave, survey_wave"
        ).fetchall()
    # 30 question items in 2022, 45 in 2024; Ensemble + 2 + 5 + 7 + 5 + 13 quota groups
    assert results == [(2022, 30, 33), (2024, 45, 33)]
    assert opinion == [(2022,), (2024,)]
    # the nearest authority wave asking the question: the same year where it was asked then
    assert pairs == [(2022, 2022), (2022, 2023), (2024, 2024)]


def seed_rows(name: str) -> list[dict[str, str]]:
    with open(SEEDS / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def weights_in_millionths(weights: pd.Series) -> np.ndarray:
    """docs/poll.md: weights are summed in whole millionths (a positive weight rounded half up)."""
    return np.floor(weights.to_numpy() * 1_000_000 + 0.5)


def figures_from_the_sav(wave: int) -> dict[tuple, dict[str, float]]:
    """Every figure of marts.poll_results for one wave, computed here from the .sav file with
    pyreadstat and the seeds (which variable is the weight, a quota, a question; which codes a
    group or an answer is), as docs/poll.md defines them: base = the group's respondents who
    answered the item; share = Σw of the answer's codes / Σw of the base; Kish's effective size
    (Σw)²/Σw²; interval p ± 1.96·sqrt(p(1−p)/n_eff) clipped to [0, 100]."""
    frame, _ = pyreadstat.read_sav(str(sample_file(wave)))
    (settings,) = [r for r in seed_rows("poll_waves") if r["wave"] == str(wave)]
    weights = weights_in_millionths(frame[settings["weight_variable"]])
    variables = [r for r in seed_rows("poll_questions") if r["wave"] == str(wave)]
    codes_of = defaultdict(list)  # (scale, label) -> codes, answers and nets alike
    for row in seed_rows("poll_scales"):
        codes_of[(row["scale"], row["answer_label"])].append(float(row["answer_code"]))
        if row["net_label"]:
            codes_of[(row["scale"], row["net_label"])].append(float(row["answer_code"]))
    groups = {"Ensemble": np.ones(len(frame), dtype=bool)}
    for quota in (v for v in variables if v["variable_role"] == "quota"):
        for (scale, label), codes in codes_of.items():
            if scale == quota["scale"]:
                groups[label] = frame[quota["variable"]].isin(codes).to_numpy()
    figures = {}
    for question in (v for v in variables if v["variable_role"] == "question"):
        values = frame[question["variable"]]
        answered = values.notna().to_numpy()
        for group_label, members in groups.items():
            base = members & answered
            if not base.any():
                continue
            w = weights[base]
            n_effective = w.sum() ** 2 / (w * w).sum()
            for (scale, label), codes in codes_of.items():
                if scale != question["scale"]:
                    continue
                chosen = base & values.isin(codes).to_numpy()
                p = weights[chosen].sum() / w.sum()
                half_width = 1.96 * math.sqrt(p * (1 - p) / n_effective)
                figures[(question["variable"], label, group_label)] = {
                    "n_unweighted": chosen.sum(),
                    "base_unweighted": base.sum(),
                    "base_weighted": w.sum() / 1_000_000,
                    "n_effective": n_effective,
                    "pct_weighted": 100 * p,
                    "ci95_low": max(0.0, 100 * (p - half_width)),
                    "ci95_high": min(100.0, 100 * (p + half_width)),
                }
    return figures


def test_weights_sum_to_the_sample_size_of_each_wave(sample_run: PipelineRun) -> None:
    with duckdb.connect(str(sample_run.published_db), read_only=True) as connection:
        published = dict(
            connection.execute(
                "select distinct wave, base_weighted from marts.poll_results "
                "where group_label = 'Ensemble' and variable in ('QA_1', 'Q1')"
            ).fetchall()
        )
    expected = {int(r["wave"]): int(r["n_expected"]) for r in seed_rows("poll_waves")}
    assert sorted(published) == sorted(expected) == [2022, 2024]
    for wave, n_expected in expected.items():
        frame, _ = pyreadstat.read_sav(str(sample_file(wave)))
        weights = frame[read_wave_settings()[wave].weight_variable]
        assert len(frame) == n_expected
        assert (weights > 0).all()
        assert abs(weights.sum() - n_expected) <= 0.005 * n_expected, (wave, weights.sum())
        assert published[wave] == pytest.approx(weights.sum(), abs=1e-3)  # whole millionths


def test_every_code_is_in_its_codebook(sample_run: PipelineRun) -> None:
    with duckdb.connect(str(sample_run.build_db), read_only=True) as connection:
        outside_file_codebook = connection.execute(
            "select v.wave, v.variable, v.value_number from raw.poll_values as v "
            "where (v.wave, v.variable) in (select wave, variable from raw.poll_value_labels) "
            "and v.value_number is not null and not exists (select 1 from raw.poll_value_labels "
            "as l where l.wave = v.wave and l.variable = v.variable "
            "and l.code_number = v.value_number)"
        ).fetchall()
        labelled_values = connection.execute(
            "select count(*) from raw.poll_values where (wave, variable) in "
            "(select wave, variable from raw.poll_value_labels)"
        ).fetchone()[0]
        outside_scale = connection.execute(
            "select wave, variable, value_number from intermediate.int_poll_answers_harmonised "
            "where answer_key is null"
        ).fetchall()
    assert labelled_values > 2 * 1000 * 30
    assert outside_file_codebook == []
    assert outside_scale == []


@pytest.mark.parametrize("wave", [2022, 2024])
def test_every_weighted_figure_is_the_one_computed_from_the_sav_file(
    sample_run: PipelineRun, wave: int
) -> None:
    expected = figures_from_the_sav(wave)
    with duckdb.connect(str(sample_run.published_db), read_only=True) as connection:
        cursor = connection.execute(
            "select variable, answer_label, group_label, n_unweighted, base_unweighted, "
            "base_weighted, n_effective, pct_weighted, ci95_low, ci95_high, design_effect, "
            "small_base from marts.poll_results where wave = ?",
            [wave],
        )
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    published = {(r["variable"], r["answer_label"], r["group_label"]): r for r in rows}
    assert set(published) == set(expected)
    for key, figures in expected.items():
        row = published[key]
        for column, value in figures.items():
            assert row[column] == pytest.approx(value, abs=1e-9), (key, column)
        assert row["design_effect"] == pytest.approx(
            row["base_unweighted"] / figures["n_effective"]
        )
        assert row["small_base"] == (figures["base_unweighted"] < 30)
    # unequal weights: fewer effective respondents than respondents; a small base somewhere
    assert all(r["n_effective"] < r["base_unweighted"] for r in rows)
    assert any(r["small_base"] for r in rows)


def test_the_sav_files_reproduce_the_reports_poll_figures_within_one_point() -> None:
    """The sample's .sav files are calibrated to the report's poll figures (seeds/
    poll_report_figures.csv): each figure, computed here from the files, within one point."""
    computed = {wave: figures_from_the_sav(wave) for wave in (2022, 2024)}
    labels = {(r["scale"], r["answer_key"]): r["answer_label"] for r in seed_rows("poll_scales")}
    labels |= {(r["scale"], r["net_key"]): r["net_label"] for r in seed_rows("poll_scales")}
    variables = {
        (int(r["wave"]), r["question_id"], r["item_id"]): (r["variable"], r["scale"])
        for r in seed_rows("poll_questions")
        if r["variable_role"] == "question"
    }
    off = {}
    figures = report_figures()
    for figure in figures:
        wave = int(figure["wave"])
        variable, scale = variables[(wave, figure["question_id"], figure["item_id"])]
        answer = labels[(scale, figure["answer_key"])]
        pct = computed[wave][(variable, answer, figure["group_label"])]["pct_weighted"]
        if abs(pct - int(figure["pct_report"])) > 1:
            off[(wave, variable, answer, figure["group_label"])] = (pct, figure["pct_report"])
    assert not off, off
    assert len(figures) >= 20
    assert {f["wave"] for f in figures} == {"2022", "2024"}
    # subgroup figures too: AI at the counter, 25-34, women, men
    assert {f["group_label"] for f in figures} >= {"Ensemble", "25-34 ans", "Femmes", "Hommes"}


def test_changes_are_computed_only_for_comparable_questions(sample_run: PipelineRun) -> None:
    with duckdb.connect(str(sample_run.published_db), read_only=True) as connection:
        rows = connection.execute(
            "select question_id, item_id, answer_key, pct_weighted, previous_pct_weighted, "
            "change_points from marts.public_opinion "
            "where wave = 2024 and group_label = 'Ensemble' and question_id in "
            "('data_impact_domains', 'confidence_factors', 'trust_data_actors')"
        ).fetchall()
    by_key = {(q, i, k): (pct, prev, change) for q, i, k, pct, prev, change in rows}
    pct, previous, change = by_key[("data_impact_domains", "health", "improve")]
    assert round(previous) == 51 and round(pct) == 46
    assert change == pytest.approx(pct - previous)
    # 2022 asked the confidence factors as yes/no: not comparable, no change
    assert all(c is None for (q, *_), (*_, c) in by_key.items() if q == "confidence_factors")
    # an item first asked in 2024 has no previous wave
    assert by_key[("trust_data_actors", "telecom_operators", "trust")][1:] == (None, None)


def readme_query() -> str:
    text = POLL_DOC.read_text(encoding="utf-8")
    section = text.split("## Querying the poll", 1)[1]
    return re.search(r"```sql\n(.*?)```", section, re.DOTALL).group(1)


def test_the_documented_query_answers_trust_in_the_commune_by_age(
    sample_run: PipelineRun,
) -> None:
    with duckdb.connect(str(sample_run.published_db), read_only=True) as connection:
        cursor = connection.execute(readme_query())
        columns = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    assert columns == [
        "age_band",
        "pct_trust",
        "ci95_low",
        "ci95_high",
        "base_unweighted",
        "small_base",
    ]
    assert [r[0] for r in rows] == [
        "Ensemble",
        "18-24 ans",
        "25-34 ans",
        "35-49 ans",
        "50-64 ans",
        "65 ans et plus",
    ]
    assert round(rows[0][1]) == 66  # the report's 66% trust in commune and intercommunalité
    assert all(low <= pct <= high for _, pct, low, high, *_ in rows)
    assert sum(r[4] for r in rows[1:]) == rows[0][4]


def test_a_landing_folder_without_polls_publishes_empty_poll_marts(
    real_2023_run: PipelineRun,
) -> None:
    with duckdb.connect(str(real_2023_run.published_db), read_only=True) as connection:
        counts = [
            connection.execute(f"select count(*) from marts.{table}").fetchone()[0]
            for table in ("poll_results", "public_opinion", "citizens_vs_authorities")
        ]
    assert "no poll wave in the landing folder" in real_2023_run.output
    assert counts == [0, 0, 0]


# ------------------------------------------------------------------ bad input, end to end


def corrupted_file(landing: Path) -> tuple[Path, str]:
    path = landing / sample_file(2024).relative_to(SAMPLE_LANDING)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path, "not a readable SPSS .sav file"


def missing_weight_variable(landing: Path) -> tuple[Path, str]:
    path = landing / sample_file(2022).relative_to(SAMPLE_LANDING)
    frame, meta = pyreadstat.read_sav(str(path))
    pyreadstat.write_sav(
        frame.drop(columns=["POND"]),
        str(path),
        column_labels={k: v for k, v in meta.column_names_to_labels.items() if k != "POND"},
        variable_value_labels=meta.variable_value_labels,
    )
    return path, "weight variable POND not found"


def unknown_value_code(landing: Path) -> tuple[Path, str]:
    path = landing / sample_file(2024).relative_to(SAMPLE_LANDING)
    frame, meta = pyreadstat.read_sav(str(path))
    frame.loc[41, "Q3_1"] = 9.0
    pyreadstat.write_sav(
        frame,
        str(path),
        column_labels=meta.column_names_to_labels,
        variable_value_labels=meta.variable_value_labels,
    )
    return path, "variable Q3_1: value(s) 9 not in its value labels (codes 1, 2, 3, 4)"


@pytest.mark.parametrize(
    "damage",
    [corrupted_file, missing_weight_variable, unknown_value_code],
    ids=["corrupted .sav", "missing weight variable", "unknown value code"],
)
def test_a_bad_poll_file_fails_clearly_and_publishes_nothing(
    sample_run: PipelineRun, tmp_path: Path, damage: object
) -> None:
    warehouse = copy_warehouse(sample_run, tmp_path / "warehouse")
    published_before = sha256(warehouse / "barometre.duckdb")
    landing = copy_landing(SAMPLE_LANDING, tmp_path / "landing")
    path, problem = damage(landing)  # type: ignore[operator]

    run = run_pipeline(landing, warehouse)

    assert run.returncode == 1, run.output
    assert f"{path.resolve()}: {problem}" in run.output, run.output
    assert "failed raw_poll_exports" in run.output
    assert "nothing published" in run.output
    assert sha256(run.published_db) == published_before
