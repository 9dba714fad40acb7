"""The quality gate's validations as HTML pages that need nothing but the files: no script, no
style sheet, font or image fetched from elsewhere (Great Expectations' Data Docs draw their
list with CSS and JavaScript from CDNs and fetch a logo from a remote bucket: offline, their
index is empty).

``<warehouse>/validation/<run id>/index.html`` lists a run's validations, one page each
(``<suite>.html``), every page naming the run and the release the build was checked against;
``<warehouse>/validation/index.html`` lists the runs kept.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape
from pathlib import Path
from typing import Any

from barometre.quality.expectations import SuiteResult

INDEX = "index.html"
KEPT_RUNS = 20  # validation folders (a run's JSON reports and pages) kept per warehouse

_STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 70rem; color: #222 }
table { border-collapse: collapse; margin: 1rem 0 } td, th { border: 1px solid #ccc;
padding: .3rem .6rem; text-align: left; vertical-align: top } th { background: #f3f3f3 }
.passed { color: #17692f; font-weight: 600 } .failed { color: #b00020; font-weight: 600 }
dt { font-weight: 600; float: left; clear: left; width: 11rem } dd { margin-left: 11rem }
code { font-size: 90% }
"""


@dataclass(frozen=True)
class ValidationRun:
    """What every page of a run says: the run, and the release its build was checked against."""

    run_id: str
    baseline_release: str | None
    validated_at: datetime

    def facts(self) -> list[tuple[str, str]]:
        release = self.baseline_release or "none yet (the first release)"
        return [
            ("Run", self.run_id),
            ("Release", f"{release}, current when the build was checked"),
            ("Validated at", f"{self.validated_at:%Y-%m-%d %H:%M:%S}"),
        ]


def suite_page_path(validation_dir: Path, run_id: str, suite: str) -> Path:
    return validation_dir / run_id / f"{suite}.html"


def write_suite_page(
    validation_dir: Path, run: ValidationRun, result: SuiteResult, asset: str, description: str
) -> Path:
    """One suite's validation: its expectations, failing rows and reported rows."""
    outcomes = result.report.get("results", [])
    passed = sum(1 for outcome in outcomes if outcome.get("success"))
    body = [
        '<p><a href="index.html">All validations of this run</a></p>',
        f"<h1>{escape(result.suite)} {_status(result.success)}</h1>",
        _facts([*run.facts(), ("Asset", asset), ("Rows checked", str(result.row_count))]),
        f"<p>{escape(description)}</p>" if description else "",
        f"<h2>Expectations: {passed} of {len(outcomes)} passed</h2>",
        _table(
            ["Expectation", "Arguments", "Result", "Failing rows"],
            [_expectation_row(outcome) for outcome in outcomes],
        ),
    ]
    for failure in result.failures:
        body.append(f"<h2>Failing rows of {escape(failure.expectation)}</h2>")
        if failure.exception:
            body.append(f"<p class=failed>{escape(failure.exception)}</p>")
        body.append(_rows_table(failure.rows))
    if result.reported:
        body.append(f"<h2>Reported: {escape(result.reported.describe().splitlines()[0])}</h2>")
        body.append(_rows_table(result.reported.rows))
    path = suite_page_path(validation_dir, run.run_id, result.suite)
    _write(path, f"{result.suite}: {_word(result.success)}", body)
    return path


def write_run_index(
    validation_dir: Path, run: ValidationRun, suites: Sequence[tuple[SuiteResult, str]]
) -> Path:
    """The run's validations (suite, asset, outcome), each linking to its page; then the list
    of runs kept, with this one."""
    rows = [
        [
            f'<a href="{escape(result.suite)}.html">{escape(result.suite)}</a>',
            escape(asset),
            _status(result.success),
            f"{result.evaluated - len(result.failures)} of {result.evaluated}",
            str(result.row_count),
        ]
        for result, asset in suites
    ]
    failed = sum(1 for result, _ in suites if not result.success)
    body = [
        '<p><a href="../index.html">All runs</a></p>',
        f"<h1>Quality gate validations {_status(not failed)}</h1>",
        _facts(run.facts()),
        f"<p>{len(suites) - failed} of {len(suites)} suites passed.</p>",
        _table(["Suite", "Asset", "Outcome", "Expectations passed", "Rows checked"], rows, False),
    ]
    path = validation_dir / run.run_id / INDEX
    _write(path, f"validations of run {run.run_id}", body)
    _write_runs_index(validation_dir)
    return path


def prune_validation_runs(validation_dir: Path, keep: int = KEPT_RUNS) -> None:
    """Keep the `keep` latest runs' folders (Great Expectations' own project, gx/, stays)."""
    runs = [p for p in validation_dir.glob("*/") if p.name != "gx"]
    for old in sorted(runs, key=lambda p: p.stat().st_mtime)[:-keep]:
        shutil.rmtree(old, ignore_errors=True)


def _write_runs_index(validation_dir: Path) -> None:
    runs = sorted((p for p in validation_dir.glob(f"*/{INDEX}")), key=lambda p: p.stat().st_mtime)
    rows = [
        [
            f'<a href="{escape(p.parent.name)}/{INDEX}">{escape(p.parent.name)}</a>',
            f"{datetime.fromtimestamp(p.stat().st_mtime):%Y-%m-%d %H:%M:%S}",
        ]
        for p in reversed(runs)
    ]
    body = [
        "<h1>Quality gate validations, by run</h1>",
        _table(["Run", "Validated at"], rows, False),
    ]
    _write(validation_dir / INDEX, "quality gate validations", body)


def _expectation_row(outcome: dict[str, Any]) -> list[str]:
    config = outcome.get("expectation_config", {})
    arguments = {k: v for k, v in config.get("kwargs", {}).items() if k != "batch_id"}
    details = outcome.get("result") or {}
    return [
        f"<code>{escape(config.get('type', ''))}</code>",
        "<br>".join(f"{escape(k)}: <code>{escape(repr(v))}</code>" for k, v in arguments.items()),
        _status(bool(outcome.get("success"))),
        str(details.get("unexpected_count", "")),
    ]


def _rows_table(rows: Sequence[dict[str, Any]]) -> str:
    columns = list(dict.fromkeys(column for row in rows for column in row))
    return _table(columns, [[escape(repr(row.get(c))) for c in columns] for row in rows], False)


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], escape_header: bool = True) -> str:
    head = "".join(f"<th>{escape(h) if escape_header else h}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _facts(facts: Sequence[tuple[str, str]]) -> str:
    items = "".join(f"<dt>{escape(name)}</dt><dd>{escape(value)}</dd>" for name, value in facts)
    return f"<dl>{items}</dl>"


def _word(passed: bool) -> str:
    return "passed" if passed else "failed"


def _status(passed: bool) -> str:
    return f'<span class="{_word(passed)}">{_word(passed)}</span>'


def _write(path: Path, title: str, body: Sequence[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    page = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)} · barometre</title><style>{_STYLE}</style></head>"
        f"<body>{''.join(body)}</body></html>\n"
    )
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(page, encoding="utf-8")
    temporary.replace(path)
