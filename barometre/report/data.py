"""What the report reads from a published release, and how it groups it: theme, question,
item, wave."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from barometre.codebook import survey_theme_marts

Row = dict[str, Any]
POLL_TOTAL = "Ensemble"


@dataclass(frozen=True)
class Published:
    """What the report reads from a release: empty lists for the marts it does not hold."""

    release: Row
    survey: list[Row]
    poll: list[Row]
    comparisons: list[Row]
    # (wave, question_id) -> the "Total pondéré" rows of that question
    weighted: dict[tuple[int, str], list[Row]] = field(default_factory=dict)


def load_published(published_db: Path) -> Published:
    with duckdb.connect(str(published_db), read_only=True) as connection:
        tables = {
            f"{schema}.{table}"
            for schema, table in connection.execute(
                "select schema_name, table_name from duckdb_tables() "
                "where database_name = current_database()"
            ).fetchall()
        }

        def rows(table: str, order: Sequence[str]) -> list[Row]:
            if table not in tables:
                return []
            schema, name = table.split(".")
            columns = {
                c
                for (c,) in connection.execute(
                    "select column_name from duckdb_columns() where database_name = "
                    "current_database() and schema_name = ? and table_name = ?",
                    [schema, name],
                ).fetchall()
            }
            # order by the sort columns the mart has (a newer mart may add or drop some)
            keys = ", ".join(f'"{c}"' for c in order if c in columns) or "1"
            cursor = connection.execute(f"select * from {table} order by {keys}")
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]

        release = rows("meta.release", [])
        survey = rows(
            "marts.survey_results",
            ["question_order", "question_id", "wave", "item_order", "answer_order"],
        )
        # how comparable each question is with the wave before, and why (the trend's breaks)
        grades = {(row["question_id"], row["wave"]): row for row in rows("marts.codebook", [])}
        # the change since the previous wave, and whether it is significant, where the theme
        # marts say so (newer releases)
        changes = {
            _cell_key(row): row
            for mart in survey_theme_marts()
            for row in rows(f"marts.{mart}", [])
            if row.get("change_pts") is not None
        }
        for row in survey:
            grade = grades.get((row["question_id"], row["wave"]), {})
            row["comparability"] = grade.get("comparability")
            row["comparability_note"] = grade.get("comparability_note")
            change = changes.get(_cell_key(row), {})
            row["change_pts"] = change.get("change_pts")
            row["change_significant"] = change.get("change_significant")
        weighted: dict[tuple[int, str], list[Row]] = defaultdict(list)
        for row in rows(
            "marts.survey_weighted_totals",
            ["question_order", "question_id", "wave", "item_order", "answer_order"],
        ):
            weighted[(row["wave"], row["question_id"])].append(row)
        return Published(
            release=release[0] if release else {},
            survey=survey,
            poll=rows(
                "marts.poll_results",
                ["question_order", "question_id", "item_order", "wave", "answer_kind"]
                + ["answer_order", "breakdown_order", "group_order"],
            ),
            comparisons=rows("marts.citizens_vs_authorities", ["topic", "poll_wave"]),
            weighted=dict(weighted),
        )


def _cell_key(row: Row) -> tuple:
    return (
        row["wave"],
        row["question_id"],
        row["item_label"],
        row["answer_label"],
        row["group_label"],
    )


Questions = dict[tuple[str, str], dict[int, list[Row]]]


def survey_key(row: Row) -> tuple[str, str]:
    return row["question_id"], ""


def poll_key(row: Row) -> tuple[str, str]:
    return row["question_id"], row.get("item_id") or row.get("item_label") or ""


def by_theme(rows: Iterable[Row], key: Callable[[Row], tuple[str, str]]) -> dict[str, Questions]:
    """theme -> (question, item) -> wave -> rows, in questionnaire order."""
    themes: dict[str, Questions] = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    for row in rows:
        themes[row["theme"]][key(row)][row["wave"]].append(row)
    return themes


def groups(rows: Iterable[Row]) -> dict[str, int]:
    """Reporting groups and their sizes, in display order."""
    ordered = sorted(rows, key=lambda r: (r.get("group_order") or 0, r["group_label"]))
    return {row["group_label"]: row["n_group"] for row in ordered}


def is_poll_total(row: Row) -> bool:
    return row.get("breakdown_id") == "total" or row["group_label"] == POLL_TOTAL


def latest(by_wave: dict[int, list[Row]]) -> tuple[int, list[Row]]:
    wave = max(by_wave)
    return wave, by_wave[wave]
