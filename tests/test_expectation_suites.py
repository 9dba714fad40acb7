"""Every Great Expectations suite of expectations/ can fail: on the rows it checks in the
session's sample build, it passes; with one row broken against each of its expectations, each
of them fails; emptied, it fails where rows are required."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
from conftest import REPO_ROOT, PipelineRun

from barometre.quality.expectations import load_suite_definition, suite_names, validate_frame
from barometre.quality.masking import Masker

SUITES = suite_names()
# Suites whose rows exist whatever the landing holds: every landing has a survey wave, and every
# survey wave has respondents, results and a codebook. The poll (optional), the comparison with
# it, the exclusions (a wave may exclude nobody), the weighted totals (a wave without national
# counts has none) and the suites listing problems may have no row.
ROWS_REQUIRED = {
    "codebook",
    "respondents",
    "responses",
    "survey_answer_labels",
    "survey_group_sizes",
    "survey_harmonised_results",
    "survey_results",
    "survey_single_choice_totals",
    "survey_strata_totals",
}


@pytest.fixture(scope="module")
def suite_frames(sample_run: PipelineRun) -> dict[str, pd.DataFrame]:
    """Each suite's rows, as its SQL selects them from the sample's build database."""
    with duckdb.connect(str(sample_run.build_db), read_only=True) as connection:
        return {
            name: connection.sql(
                (REPO_ROOT / "expectations" / f"{name}.sql").read_text(encoding="utf-8")
            ).df()
            for name in SUITES
        }


def _broken_row(frame: pd.DataFrame, expectation: dict[str, Any]) -> pd.DataFrame:
    """A row of the frame, changed so that it breaks this one expectation."""
    kwargs = expectation["kwargs"]
    rows = frame.query(kwargs["row_condition"]) if "row_condition" in kwargs else frame
    a, b = kwargs.get("column_A"), kwargs.get("column_B")
    if a is not None:  # a pair: take a row where both are given
        rows = rows[rows[a].notna() & rows[b].notna()]
    # a suite whose rows are problems has none on the sample: the broken row is all nulls
    row = rows.head(1) if len(rows) else pd.DataFrame([dict.fromkeys(frame.columns)])
    row = row.astype(object).copy()
    kind, column = expectation["type"], kwargs.get("column")
    if kind == "expect_column_values_to_be_between":
        maximum = kwargs.get("max_value")
        row[column] = maximum + 1 if maximum is not None else kwargs["min_value"] - 1
    elif kind == "expect_column_pair_values_a_to_be_greater_than_b":
        row[a] = row[b] - 1
    elif kind == "expect_column_pair_values_to_be_equal":
        row[a] = row[b] + 1
    elif kind == "expect_column_values_to_be_in_set":
        row[column] = "planted value"
    elif kind == "expect_column_values_to_be_null":
        row[column] = "planted problem"
    elif kind == "expect_column_values_to_not_be_null":
        row[column] = None
    elif kind == "expect_compound_columns_to_be_unique":
        pass  # the row itself, added again, is the duplicate
    else:
        raise AssertionError(f"no way to break {kind} yet: add one")
    return row


def _what(kind: str, kwargs: dict[str, Any]) -> tuple[str, str]:
    """An expectation told apart from the others of its suite: its kind and its columns."""
    columns = (
        kwargs.get("column")
        or kwargs.get("column_list")
        or [kwargs["column_A"], kwargs["column_B"]]
    )
    return kind, str(columns)


@pytest.mark.parametrize("suite", SUITES)
def test_a_suite_passes_on_the_sample_and_each_expectation_fails_on_a_broken_row(
    suite: str, suite_frames: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    frame = suite_frames[suite]
    definition = load_suite_definition(suite)
    per_row = [e for e in definition["expectations"] if "row_count" not in e["type"]]
    assert len(frame) > 0 or suite not in ROWS_REQUIRED, f"the sample gives {suite} no row"

    passed = validate_frame(suite, frame, definition, tmp_path)
    broken_rows = [_broken_row(frame, expectation) for expectation in per_row]
    broken = validate_frame(
        suite, pd.concat([frame, *broken_rows], ignore_index=True), definition, tmp_path
    )

    assert passed.success, passed.describe()
    failed = sorted(_what(f.expectation, f.kwargs) for f in broken.failures)
    assert failed == sorted(_what(e["type"], e["kwargs"]) for e in per_row), broken.describe()
    assert not any(f.exception for f in broken.failures), broken.describe()


@pytest.mark.parametrize("suite", SUITES)
def test_an_empty_frame_fails_where_rows_are_required(
    suite: str, suite_frames: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    empty = suite_frames[suite].head(0)

    result = validate_frame(suite, empty, load_suite_definition(suite), tmp_path)

    assert result.success is (suite not in ROWS_REQUIRED), result.describe()


def test_a_failing_row_shows_labels_whole_and_personal_values_masked(
    suite_frames: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    """The gate's report (screen, log, validation pages and their JSON) shows a label the
    codebook lacks, for the engineer to add it, but masks a value of the raw layer's personal
    columns (case-blind) and anything shaped like an e-mail address."""
    unknown = "Oui, mais seulement en partie"
    personal = "Chargée de mission données"
    typed = "Écrire à jean.dupont@exemple.fr"
    frame = suite_frames["survey_answer_labels"]
    planted = frame.head(3).astype(object).copy()
    planted["answer_label"] = [unknown, personal.upper(), typed]
    planted["in_codebook"] = False

    result = validate_frame(
        "survey_answer_labels",
        pd.concat([frame, planted], ignore_index=True),
        load_suite_definition("survey_answer_labels"),
        tmp_path,
        masker=Masker(frozenset({personal.lower()})),
    )

    said = result.describe() + json.dumps(result.report, default=str, ensure_ascii=False)
    assert not result.success
    assert unknown in result.describe()
    for hidden in (personal.upper(), typed):
        assert hidden not in said and "jean.dupont" not in said, said
        assert f"{hidden[:2]}…{len(hidden)} characters" in result.describe()
