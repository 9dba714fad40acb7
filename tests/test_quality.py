"""The quality gate's reporting: failing rows named by the suite's id columns, a page per
validation naming the run and the release."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd

from barometre.quality.expectations import load_suite_definition, validate_frame
from barometre.quality.validation_report import ValidationRun, write_run_index, write_suite_page


def results_frame(**overrides: object) -> pd.DataFrame:
    row = {
        "wave": 2023,
        "theme": "law_governance",
        "question_id": "gdpr_compliance",
        "question_type": "single_choice",
        "question_text": "Considérez-vous que votre structure est en conformité avec le RGPD ?",
        "item_label": None,
        "answer_label": "Oui, tout à fait",
        "group_label": "Total",
        "n": 10,
        "n_answered": 18,
        "n_group": 20,
        "n_population": 21,
        "pct": 50.0,
        "pct_answered": 55.6,
        "pct_rounded": 50,
        "ci95_low": 44.6,
        "ci95_high": 55.4,
        "n_of_an_answer": 10,
    }
    other = {**row, "answer_label": "Non, pas encore", **overrides}
    return pd.DataFrame([row, other])


def test_a_consistent_frame_passes(tmp_path: Path) -> None:
    definition = load_suite_definition("survey_results")
    result = validate_frame("survey_results", results_frame(), definition, tmp_path)
    assert result.success, result.describe()
    assert result.evaluated == len(definition["expectations"])


def test_failing_rows_are_named_by_their_id_columns(tmp_path: Path) -> None:
    frame = results_frame(n=25, n_of_an_answer=25, pct=125.0, pct_rounded=125)
    result = validate_frame(
        "survey_results", frame, load_suite_definition("survey_results"), tmp_path
    )

    assert not result.success
    failed = {failure.expectation for failure in result.failures}
    assert "expect_column_values_to_be_between" in failed
    assert "expect_column_pair_values_a_to_be_greater_than_b" in failed
    described = result.describe()
    assert "{'wave': 2023, 'question_id': 'gdpr_compliance', 'item_label': None, " in described
    assert "'answer_label': 'Non, pas encore', 'group_label': 'Total'" in described
    assert "'answer_label': 'Oui, tout à fait'" not in described


def test_a_share_outside_its_interval_or_a_group_above_its_population_fails(
    tmp_path: Path,
) -> None:
    frame = results_frame(ci95_low=52.0, n_population=18)
    result = validate_frame(
        "survey_results", frame, load_suite_definition("survey_results"), tmp_path
    )

    assert not result.success
    failing = {(f.expectation, f.kwargs.get("column_A")) for f in result.failures}
    assert failing == {
        ("expect_column_pair_values_a_to_be_greater_than_b", "pct"),
        ("expect_column_pair_values_a_to_be_greater_than_b", "n_population"),
    }
    assert "'answer_label': 'Oui, tout à fait'" not in result.describe()


def weighted_totals_frame(**overrides: object) -> pd.DataFrame:
    """The 2023 "Total pondéré" of the RGPD processes question, as the real export gives it."""
    row = {
        "wave": 2023,
        "question_id": "gdpr_processes_changed",
        "item_label": None,
        "answer_label": "Oui",
        "pct_total_pondere": 43.34,
        "pct_weighted": 43.34,
        "base_unweighted": 107,
        "total_pondere_sum": 100.0,
        "se": 8.89,
        "ci95_low": 25.92,
        "ci95_high": 60.76,
        "n_effective": 22.54,
        "n_effective_excess": 22.54 - 107,
    }
    return pd.DataFrame([row, {**row, "answer_label": "Je ne sais pas", **overrides}])


def test_a_weighted_share_outside_its_interval_or_an_excess_effective_size_fails(
    tmp_path: Path,
) -> None:
    definition = load_suite_definition("survey_weighted_totals")
    consistent = validate_frame(
        "survey_weighted_totals", weighted_totals_frame(), definition, tmp_path
    )
    broken = validate_frame(
        "survey_weighted_totals",
        weighted_totals_frame(ci95_high=40.0, n_effective=108.0, n_effective_excess=1.0),
        definition,
        tmp_path,
    )

    assert consistent.success, consistent.describe()
    failing = {
        (f.expectation, f.kwargs.get("column_A") or f.kwargs["column"]) for f in broken.failures
    }
    assert failing == {
        ("expect_column_pair_values_a_to_be_greater_than_b", "ci95_high"),
        ("expect_column_values_to_be_between", "n_effective_excess"),
    }
    assert "'answer_label': 'Je ne sais pas'" in broken.describe()


def test_results_are_rendered_as_pages_naming_the_run_and_the_release(tmp_path: Path) -> None:
    frame = results_frame(n=25, n_of_an_answer=25, pct=125.0, pct_rounded=125)
    definition = load_suite_definition("survey_results")
    result = validate_frame("survey_results", frame, definition, tmp_path / "gx", "run-1")
    run = ValidationRun("run-1", "2023_20261128T181230Z", datetime(2026, 12, 6, 9, 30))

    page = write_suite_page(tmp_path, run, result, "marts/survey_results", "counts <= group")
    index = write_run_index(tmp_path, run, [(result, "marts/survey_results")])

    assert page == tmp_path / "run-1" / "survey_results.html"
    text = page.read_text(encoding="utf-8")
    for fact in ("run-1", "2023_20261128T181230Z", "marts/survey_results", "counts &lt;= group"):
        assert fact in text
    assert "expect_column_values_to_be_between" in text
    assert "&#x27;answer_label&#x27;: &#x27;Non, pas encore&#x27;" not in text  # cells, not dicts
    assert "<td>&#x27;Non, pas encore&#x27;</td>" in text, "the failing row is shown"
    assert '<a href="survey_results.html">survey_results</a>' in index.read_text(encoding="utf-8")
    assert (tmp_path / "index.html").read_text(encoding="utf-8").count("run-1/index.html") == 1


def group_sizes_frame(status: str) -> pd.DataFrame:
    """Group sizes of 2023 (closed, as expected) and of 2024, whose sizes are not in the seed."""
    return pd.DataFrame(
        {
            "wave": [2023, 2024, 2024],
            "group_label": ["Total", "Total", "Une région"],
            "n_built": [191, 289, 12],
            "n_expected": pd.array([191, None, None], dtype="Int64"),
            "wave_status": ["closed", status, status],
        }
    )


def test_group_sizes_of_a_wave_in_fieldwork_are_reported_not_checked(tmp_path: Path) -> None:
    definition = load_suite_definition("survey_group_sizes")

    fieldwork = validate_frame(
        "survey_group_sizes", group_sizes_frame("fieldwork"), definition, tmp_path
    )
    closed = validate_frame("survey_group_sizes", group_sizes_frame("closed"), definition, tmp_path)

    assert fieldwork.success, fieldwork.describe()
    assert fieldwork.reported is not None
    assert fieldwork.reported.rows == [
        {
            "wave": 2024,
            "group_label": "Total",
            "n_built": 289,
            "n_expected": None,
            "wave_status": "fieldwork",
        },
        {
            "wave": 2024,
            "group_label": "Une région",
            "n_built": 12,
            "n_expected": None,
            "wave_status": "fieldwork",
        },
    ]
    assert fieldwork.reported.describe().startswith("2 row(s) where wave_status == 'fieldwork':")
    assert not closed.success
    assert "{'wave': 2024, 'group_label': 'Total', 'n_built': 289, 'n_expected': None}" in (
        closed.describe()
    )
    assert closed.reported is None


def test_the_summary_tells_failing_rows_from_rows_checked(tmp_path: Path) -> None:
    frame = pd.DataFrame({"respondent": [1, 2, 3, 4, 5], "n": [1, None, None, 4, 5]})
    definition = {
        "meta": {"id_columns": ["respondent"]},
        "expectations": [
            {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "n"}},
            {
                "type": "expect_column_values_to_be_between",
                "kwargs": {"column": "n", "min_value": 0},
            },
            {"type": "expect_column_values_to_be_unique", "kwargs": {"column": "respondent"}},
        ],
    }
    one_failure = validate_frame("counts", frame, definition, tmp_path)
    two_failures = validate_frame(
        "counts", frame.assign(n=[1, None, None, -4, 5]), definition, tmp_path
    )

    assert one_failure.describe().splitlines()[0] == (
        "counts: 1 of 3 expectations failed (2 failing rows of 5 checked)"
    )
    assert two_failures.describe().splitlines()[0] == (
        "counts: 2 of 3 expectations failed (2 + 1 failing rows of 5 checked)"
    )
