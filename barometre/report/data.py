"""What the report reads from a published release, and how it groups it: theme, question,
item, wave."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

Row = dict[str, Any]
POLL_TOTAL = "Ensemble"


@dataclass(frozen=True)
class Published:
    """What the report reads from a release: empty lists for the marts it does not hold."""

    release: Row
    survey: list[Row]
    poll: list[Row]
    comparisons: list[Row]


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
        # how comparable each question is with the wave before (the trend's warnings)
        grades = {
            (row["question_id"], row["wave"]): row["comparability"]
            for row in rows("marts.codebook", [])
        }
        for row in survey:
            row["comparability"] = grades.get((row["question_id"], row["wave"]))
        return Published(
            release=release[0] if release else {},
            survey=survey,
            poll=rows(
                "marts.poll_results",
                ["question_order", "question_id", "item_order", "wave", "answer_kind"]
                + ["answer_order", "breakdown_order", "group_order"],
            ),
            comparisons=rows("marts.citizens_vs_authorities", ["topic", "poll_wave"]),
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
