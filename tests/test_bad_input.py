"""The bad-input matrix: each bad file fails with a message naming the file and the line or
column, and the published release stays byte-for-byte as it was. The matrix runs the raw step
in process (the raw layer is left as it was: nothing later can publish); one bad file is run
end to end, as `tests/test_pipeline.py`'s truncated export is."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import (
    SAMPLE_EXPORT,
    SAMPLE_LANDING,
    PipelineRun,
    RefusedRun,
    column_of,
    copy_landing,
    copy_warehouse,
    read_export,
    run_pipeline,
    sha256,
    write_export,
)
from raw_step import raw_layer, raw_step

# a long file: started early (conftest.py)
pytestmark = pytest.mark.scheduled_first(seconds=35)

REFERENCE = Path("survey/2023/respondents_reference.csv")


def cp1252_export(landing: Path) -> str:
    write_export(landing / SAMPLE_EXPORT, read_export(landing / SAMPLE_EXPORT), "cp1252")
    return f"{landing / SAMPLE_EXPORT}, line 1: not valid UTF-8"


def empty_export(landing: Path) -> str:
    (landing / SAMPLE_EXPORT).write_text("", encoding="utf-8")
    return f"{landing / SAMPLE_EXPORT}: the file is empty"


def two_exports(landing: Path) -> str:
    second = landing / "survey/2023/results-survey-copy.csv"
    second.write_bytes((landing / SAMPLE_EXPORT).read_bytes())
    return "several exports for one wave (results-survey-copy.csv, results-survey-sample.csv)"


def export_outside_the_landing(landing: Path) -> str:
    outside = landing.parent / "elsewhere.csv"
    os.replace(landing / SAMPLE_EXPORT, outside)
    os.symlink(outside, landing / SAMPLE_EXPORT)
    return f"{landing / SAMPLE_EXPORT}: resolves outside the landing folder"


def repeated_header(landing: Path) -> str:
    rows = read_export(landing / SAMPLE_EXPORT)
    position = column_of(rows, "Avez-vous nommé un(e) Délégué(e)")
    for row in rows:
        row.insert(position + 1, row[position])
    write_export(landing / SAMPLE_EXPORT, rows)
    return f"line 1: columns {position + 1} and {position + 2} have the same header"


def reference_without_category(landing: Path) -> str:
    rows = read_export(landing / REFERENCE)
    write_export(landing / REFERENCE, [row[:-1] for row in rows])
    return f"{landing / REFERENCE}, line 1: expected the columns"


@pytest.mark.parametrize(
    "damage",
    [
        cp1252_export,
        empty_export,
        two_exports,
        export_outside_the_landing,
        repeated_header,
        reference_without_category,
    ],
)
def test_a_bad_landing_file_is_refused_at_load(
    damage: Callable[[Path], str], sample_run: PipelineRun, tmp_path: Path
) -> None:
    """The raw step in process: refused with the file first, the raw layer left as it was."""
    warehouse = copy_warehouse(sample_run, tmp_path / "warehouse")
    raw_before = raw_layer(warehouse)
    landing = copy_landing(SAMPLE_LANDING, tmp_path / "landing")
    expected_message = damage(landing)

    message = raw_step(landing, warehouse)

    assert message is not None and expected_message in message, message
    assert message.startswith(f"{landing}/"), message
    assert raw_layer(warehouse) == raw_before


def test_a_run_refused_at_load_says_why_and_publishes_nothing(
    sample_run: PipelineRun, tmp_path: Path
) -> None:
    """End to end, the CLI in its own process: the step and the problem in the project's words,
    and the published release byte for byte as it was."""
    warehouse = copy_warehouse(sample_run, tmp_path / "warehouse")
    published_before = sha256(warehouse / "barometre.duckdb")
    landing = copy_landing(SAMPLE_LANDING, tmp_path / "landing")
    expected_message = cp1252_export(landing)

    run = run_pipeline(landing, warehouse)

    assert run.returncode == 1
    assert expected_message in run.output, run.output
    # the project's own message, the file first, without the framework's exception class
    assert f"\nfailed raw_survey_exports: {landing}/" in run.output, run.output
    assert "dagster._core" not in run.output
    assert "nothing published" in run.output
    assert sha256(warehouse / "barometre.duckdb") == published_before


def test_a_byte_order_mark_is_read_correctly(sample_run: PipelineRun, tmp_path: Path) -> None:
    warehouse = copy_warehouse(sample_run, tmp_path / "warehouse")
    before = raw_layer(warehouse)
    landing = copy_landing(SAMPLE_LANDING, tmp_path / "landing")
    export = landing / SAMPLE_EXPORT
    export.write_bytes(b"\xef\xbb\xbf" + export.read_bytes())

    assert raw_step(landing, warehouse) is None

    after = raw_layer(warehouse)
    assert after["survey_loads"] != before["survey_loads"]  # a new file, read again...
    # ...to the same headers and cells: the same build, so the same figures
    assert after["survey_headers"] == before["survey_headers"]
    assert after["survey_cells"] == before["survey_cells"]


def test_a_header_the_codebook_does_not_know_is_reported(gate_refused_run: RefusedRun) -> None:
    output = gate_refused_run.run.output
    assert gate_refused_run.run.returncode == 1
    assert "check failed survey_columns_expectations" in output
    assert "'header': 'Une question ajoutée en cours de terrain ?', 'problem': 'header not in " in (
        output
    )


def test_a_missing_question_is_reported(gate_refused_run: RefusedRun) -> None:
    assert "codebook question data_for_environment has no column in the export" in (
        gate_refused_run.run.output
    )


def test_an_answer_label_outside_the_codebook_is_reported(gate_refused_run: RefusedRun) -> None:
    output = gate_refused_run.run.output
    assert "check failed survey_answer_labels_expectations" in output
    assert (
        "'question_id': 'gdpr_compliance', 'item_label': None, "
        "'answer_label': 'Oui, mais seulement en partie'" in output
    )


def test_codebook_problems_publish_nothing(gate_refused_run: RefusedRun) -> None:
    run = gate_refused_run.run
    assert "nothing published" in run.output
    assert sha256(run.published_db) == gate_refused_run.published_before
