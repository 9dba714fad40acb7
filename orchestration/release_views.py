"""Releases as the data engineer reads them: the end of a run (what changed, where everything
is, what to do next) and `barometre releases` (a table, or JSON for scripts)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from barometre import config
from barometre.releases import DOCS_FOLDER, DOCS_INDEX, Release

REPORT_FOLDER = "report"  # `barometre report`'s default output, under the warehouse


def waves_text(release: Release) -> str:
    survey = ", ".join(str(wave) for wave in release.waves_of("survey")) or "none"
    poll = ", ".join(str(wave) for wave in release.waves_of("poll"))
    return f"survey {survey}" + (f"; poll {poll}" if poll else "")


def local_time(published_at: str) -> str:
    """An ISO time (UTC) as this machine's local time, to the second."""
    return datetime.fromisoformat(published_at).astimezone().strftime("%Y-%m-%d %H:%M:%S")


def row_count_changes(before: Release | None, after: Release) -> list[str]:
    """Each mart whose row count differs from the previous release's, in words."""
    if before is None:
        total = sum(after.row_counts.values())
        return [f"first release: {len(after.row_counts)} marts, {total:,} rows"]
    lines, same = [], 0
    for table, count in sorted(after.row_counts.items()):
        previous = before.row_counts.get(table)
        if previous is None:
            lines.append(f"{table}: new, {count:,} rows")
        elif previous != count:
            lines.append(f"{table}: {previous:,} -> {count:,} rows ({count - previous:+,})")
        else:
            same += 1
    lines += [f"{table}: gone" for table in sorted(set(before.row_counts) - set(after.row_counts))]
    if not lines:
        return [f"same row counts as {before.release_id} (figures changed)"]
    return lines + ([f"{same} other marts: same row counts"] if same else [])


def print_run_summary(
    say: Callable[[str], None],
    layout: config.WarehouseLayout,
    before: Release | None,
    after: Release | None,
    run_id: str,
    elapsed: float,
) -> None:
    """The end of a successful run."""
    if after is None:  # a warehouse whose build has no mart: nothing to publish
        say(f"done in {elapsed:.1f} s: nothing published")
        return
    if before is not None and before.release_id == after.release_id:
        say(f"done in {elapsed:.1f} s: no change, release {after.release_id} is still current")
        changes = ["no change: the marts' content is the current release's"]
    else:
        say(f"done in {elapsed:.1f} s: published release {after.release_id}")
        changes = row_count_changes(before, after)
    current = layout.current_release_link
    report = layout.root / REPORT_FOLDER / "index.html"
    checks = layout.validation_dir / run_id / "index.html"
    rows = [
        ("waves", f"{waves_text(after)} ({after.origin or 'origin not recorded'} data)"),
        *[("changes", line) for line in changes],
        ("file", f"{layout.published_db} (open it read-only)"),
        ("parquet", f"{current / 'parquet'}/"),
        ("docs", str(current / DOCS_FOLDER / DOCS_INDEX)),
        (
            "report",
            str(report) if report.exists() else f"not written yet: {_report_command(layout)}",
        ),
        *([("checks", str(checks))] if checks.exists() else []),
        ("log", str(layout.logs_dir / f"{run_id}.log")),
        ("next", _next_command(layout, report.exists())),
    ]
    for label, text in rows:
        say(f"    {label:<8} {text}")


def _report_command(layout: config.WarehouseLayout) -> str:
    return f"barometre report --warehouse {layout.root}"


def _next_command(layout: config.WarehouseLayout, report_written: bool) -> str:
    if report_written:  # the report shows the release it was written from: write it again
        return f"{_report_command(layout)} (the report shows the previous release)"
    return f"duckdb -readonly {layout.published_db}"


def releases_table(releases: list[Release], current: Release | None) -> list[str]:
    """`barometre releases`: one aligned line per release, oldest first, * on the current."""
    header = ("release", "published at", "waves", "origin")
    rows = [
        (
            release.release_id,
            local_time(release.published_at),
            waves_text(release),
            release.origin or "not recorded",
        )
        for release in releases
    ]
    marks = [" "] + [
        "*" if current is not None and release.release_id == current.release_id else " "
        for release in releases
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    return [
        f"{mark} " + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        for mark, row in zip(marks, [header, *rows], strict=True)
    ]


def releases_json(releases: list[Release], current: Release | None) -> str:
    """`barometre releases --json`: every kept release, oldest first."""
    entries: list[dict[str, Any]] = [
        {
            "release_id": release.release_id,
            "current": current is not None and release.release_id == current.release_id,
            "published_at": release.published_at,
            "survey_waves": release.waves_of("survey"),
            "poll_waves": release.waves_of("poll"),
            "revised_waves": release.revised_waves,
            "origin": release.origin or None,
            "fingerprint": release.fingerprint,
            "row_counts": release.row_counts,
        }
        for release in releases
    ]
    return json.dumps(entries, indent=2)
