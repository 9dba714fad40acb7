"""The quality gate: Great Expectations suites run on the built marts before publication.

Each suite is a pair of files in ``expectations/``: ``<suite>.sql`` selects the rows to check
from the build database, ``<suite>.json`` is a Great Expectations suite whose ``meta.id_columns``
name the columns that identify a failing row in reports, and whose optional ``meta.report_rows``
(a pandas query) selects rows shown with the result, passed or not (e.g. the group sizes of a
wave still in fieldwork, which its expectations leave unchecked). Validation runs on pandas
DataFrames read from DuckDB (GE's SQL datasource does not work over duckdb-engine here), through
a checkpoint of a file-based GE project kept in the warehouse (``validation/gx``), which stores
every result; ``validation_report`` renders them as HTML.
"""

from __future__ import annotations

import json
import logging
import math
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from barometre.config import EXPECTATIONS_DIR
from barometre.database import connect
from barometre.quality.masking import CONTACTS_ONLY, Masker
from barometre.quality.privacy import personal_values

MAX_REPORTED_ROWS = 20


@dataclass(frozen=True)
class ExpectationFailure:
    """One failed expectation and the rows that failed it (identified by the suite's id columns)."""

    expectation: str
    kwargs: dict[str, Any]
    unexpected_count: int
    rows: list[dict[str, Any]]
    exception: str | None = None

    def describe(self) -> str:
        arguments = ", ".join(f"{k}={v!r}" for k, v in self.kwargs.items() if k != "batch_id")
        lines = [f"{self.expectation}({arguments}): {self.unexpected_count} failing row(s)"]
        if self.exception:
            lines.append(f"    error: {self.exception}")
        lines += [f"    {row}" for row in self.rows]
        return "\n".join(lines)


@dataclass(frozen=True)
class ReportedRows:
    """The rows a suite's meta.report_rows selects (a pandas query), shown with its result."""

    where: str
    count: int
    rows: list[dict[str, Any]]

    def describe(self) -> str:
        shown = f"{len(self.rows)} of " if len(self.rows) < self.count else ""
        lines = [f"{shown}{self.count} row(s) where {self.where}:"]
        return "\n".join(lines + [f"    {row}" for row in self.rows])


@dataclass(frozen=True)
class SuiteResult:
    """The outcome of one suite on the build database."""

    suite: str
    row_count: int
    evaluated: int
    failures: list[ExpectationFailure] = field(default_factory=list)
    report: dict[str, Any] = field(default_factory=dict)
    # None when the suite has no meta.report_rows or no row matches it
    reported: ReportedRows | None = None

    @property
    def success(self) -> bool:
        return not self.failures

    def describe(self) -> str:
        if self.success:
            return f"{self.suite}: {self.evaluated} expectations passed on {self.row_count} rows"
        # the failing rows of each failed expectation: a row failing two counts in each
        failing = " + ".join(str(failure.unexpected_count) for failure in self.failures)
        header = (
            f"{self.suite}: {len(self.failures)} of {self.evaluated} expectations failed "
            f"({failing} failing rows of {self.row_count} checked)"
        )
        return "\n".join([header] + [failure.describe() for failure in self.failures])


def suite_names(expectations_dir: Path = EXPECTATIONS_DIR) -> list[str]:
    return sorted(path.stem for path in expectations_dir.glob("*.json"))


def load_suite_definition(name: str, expectations_dir: Path = EXPECTATIONS_DIR) -> dict[str, Any]:
    return json.loads((expectations_dir / f"{name}.json").read_text(encoding="utf-8"))


def validate_suites(
    database: Path,
    names: Sequence[str],
    gx_root: Path,
    run_name: str,
    expectations_dir: Path = EXPECTATIONS_DIR,
) -> Iterator[SuiteResult]:
    """Run suites against the build database (opened once, read-only), one result at a time;
    the results are kept in the Great Expectations project at gx_root under `run_name`, the
    raw layer's personal values masked wherever a failing row is shown."""
    with connect(database, read_only=True) as connection:
        masker = Masker(personal_values(connection))
        for name in names:
            query = (expectations_dir / f"{name}.sql").read_text(encoding="utf-8")
            frame = connection.sql(query).df()
            definition = load_suite_definition(name, expectations_dir)
            yield validate_frame(name, frame, definition, gx_root, run_name, masker)


def validate_frame(
    name: str,
    frame: pd.DataFrame,
    definition: dict[str, Any],
    gx_root: Path,
    run_name: str | None = None,
    masker: Masker = CONTACTS_ONLY,
) -> SuiteResult:
    """Validate a DataFrame against a suite definition and collect the failing rows, shown as
    `masker` allows; the result is stored in the project at gx_root, under `run_name` (the
    Dagster run's id)."""
    from great_expectations.core.run_identifier import RunIdentifier

    meta = definition.get("meta", {})
    id_columns = [c for c in meta.get("id_columns", []) if c in frame]
    checkpoint = _checkpoint(str(gx_root), name, definition["expectations"], meta, id_columns)
    run = checkpoint.run(
        batch_parameters={"dataframe": frame}, run_id=RunIdentifier(run_name=run_name)
    )
    result = next(iter(run.run_results.values()))
    failures = [_failure(r, id_columns, masker) for r in result.results if not r.success]
    return SuiteResult(
        suite=name,
        row_count=len(frame),
        evaluated=len(result.results),
        failures=failures,
        report=_masked_details(result.to_json_dict(), masker),
        reported=_reported_rows(frame, meta.get("report_rows"), id_columns, masker),
    )


def _masked_details(report: dict[str, Any], masker: Masker) -> dict[str, Any]:
    """The suite's result as kept in validation/: each expectation's details (its failing
    values and rows) masked as the screen shows them."""
    for outcome in report.get("results", []):
        outcome["result"] = masker.shown_within(outcome.get("result") or {})
    return report


def _reported_rows(
    frame: pd.DataFrame, where: str | None, id_columns: list[str], masker: Masker
) -> ReportedRows | None:
    selected = frame.query(where) if where else None
    if selected is None or selected.empty:
        return None
    first = selected.head(MAX_REPORTED_ROWS).to_dict(orient="records")
    return ReportedRows(where, len(selected), [_plain(row, id_columns, masker) for row in first])


def _failure(result: Any, id_columns: list[str], masker: Masker) -> ExpectationFailure:
    details = result.result or {}
    rows = details.get("unexpected_index_list") or [
        {"value": value} for value in details.get("partial_unexpected_list") or []
    ]
    exception = (result.exception_info or {}).get("exception_message")
    return ExpectationFailure(
        expectation=result.expectation_config.type,
        kwargs=dict(result.expectation_config.kwargs),
        unexpected_count=int(details.get("unexpected_count") or len(rows) or 0),
        rows=[_plain(row, id_columns, masker) for row in rows[:MAX_REPORTED_ROWS]],
        exception=exception if result.exception_info.get("raised_exception") else None,
    )


def _plain(row: Any, id_columns: list[str], masker: Masker) -> dict[str, Any]:
    """A failing row with its identifying columns first, its personal values masked."""
    row = row if isinstance(row, dict) else {"value": row}
    order = [c for c in id_columns if c in row] + [c for c in row if c not in id_columns]
    return {key: masker.shown(_python_value(row[key])) for key in order}


def _python_value(value: Any) -> Any:
    """numpy scalars as Python values, and pandas' NaN or NA for a missing value as None."""
    value = value.item() if hasattr(value, "item") else value
    missing = value is pd.NA or (isinstance(value, float) and math.isnan(value))
    return None if missing else value


@cache
def _context(gx_root: str) -> Any:
    # GE's usage statistics would try the network; its progress bars would flood the log.
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    context = gx.get_context(mode="file", project_root_dir=gx_root)
    # GE parses this file again at every read of its configuration (hundreds per run) and the
    # template it writes is mostly comments: the project uses no configuration variable
    variables = Path(context.root_directory) / "uncommitted" / "config_variables.yml"
    if not variables.is_file() or variables.read_text(encoding="utf-8") != _NO_CONFIG_VARIABLES:
        variables.write_text(_NO_CONFIG_VARIABLES, encoding="utf-8")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


_NO_CONFIG_VARIABLES = "# barometre's GE project uses no configuration variable\n{}\n"


def _checkpoint(
    gx_root: str,
    name: str,
    expectations: list[dict[str, Any]],
    meta: dict[str, Any],
    id_columns: list[str],
) -> Any:
    """A checkpoint validating one DataFrame against the suite and storing the result."""
    import great_expectations as gx

    context = _context(gx_root)
    try:
        source = context.data_sources.get("barometre_build")
    except KeyError:
        source = context.data_sources.add_pandas("barometre_build")
    try:
        asset = source.get_asset(name)
    except LookupError:
        asset = source.add_dataframe_asset(name)
    batch = asset.batch_definitions[0] if asset.batch_definitions else None
    batch = batch or asset.add_batch_definition_whole_dataframe("whole_query")
    suite = context.suites.add_or_update(
        gx.ExpectationSuite(name=name, expectations=expectations, meta=meta)
    )
    validation = context.validation_definitions.add_or_update(
        gx.ValidationDefinition(data=batch, suite=suite, name=name)
    )
    return context.checkpoints.add_or_update(
        gx.Checkpoint(
            name=name,
            validation_definitions=[validation],
            result_format={
                "result_format": "COMPLETE",
                "unexpected_index_column_names": id_columns,
                "partial_unexpected_count": MAX_REPORTED_ROWS,
            },
        )
    )


def write_report(results: list[SuiteResult], path: Path) -> Path:
    """Keep the run's validation results as JSON next to the warehouse."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "success": all(r.success for r in results),
        "suites": {
            r.suite: {
                "success": r.success,
                "rows": r.row_count,
                "reported": r.reported.rows if r.reported else [],
                "result": r.report,
            }
            for r in results
        },
    }
    path.write_text(json.dumps(payload, indent=2, default=str), encoding="utf-8")
    return path
