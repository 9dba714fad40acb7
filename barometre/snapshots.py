"""Figures already published for a wave do not change unless the release says so.

When a wave is first published, its rows of marts.survey_results (keys and figures) are
stored as ``<warehouse>/snapshots/survey_results/wave=<wave>.parquet``. Every later build is
compared with those snapshots; a difference blocks publication unless the run declares the
wave revised (``barometre run --revise WAVE``), in which case the snapshot is replaced.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from barometre.settings import WarehouseLayout

TABLE = "survey_results"
KEY_COLUMNS = ("wave", "question_id", "item_label", "answer_label", "group_label")
FIGURE_COLUMNS = ("n", "n_answered", "n_group", "pct_rounded")
MAX_REPORTED = 20


@dataclass(frozen=True)
class SnapshotDifference:
    """Rows of one wave whose published figures would change."""

    wave: int
    changed_rows: int
    examples: list[dict[str, object]]

    def describe(self) -> str:
        lines = [f"wave {self.wave}: {self.changed_rows} published figure row(s) would change"]
        return "\n".join(lines + [f"    {row}" for row in self.examples])


def snapshot_path(layout: WarehouseLayout, wave: int) -> Path:
    return layout.snapshots_dir / TABLE / f"wave={wave}.parquet"


def _columns() -> str:
    return ", ".join(KEY_COLUMNS + FIGURE_COLUMNS)


def compare_with_snapshots(
    layout: WarehouseLayout, revised_waves: tuple[int, ...]
) -> list[SnapshotDifference]:
    """Differences between the build and the stored snapshots of waves not being revised."""
    differences = []
    with duckdb.connect(str(layout.build_db), read_only=True) as connection:
        for wave in _built_waves(connection):
            path = snapshot_path(layout, wave)
            if wave in revised_waves or not path.exists():
                continue
            rows = connection.execute(
                f"""
                with built as (
                    select {_columns()} from marts.{TABLE} where wave = ?
                ), stored as (
                    select {_columns()} from read_parquet(?)
                ), changed as (
                    select 'now' as side, *
                    from (select * from built except select * from stored)
                    union all
                    select 'published' as side, *
                    from (select * from stored except select * from built)
                )
                select * from changed order by {", ".join(KEY_COLUMNS)}, side
                """,
                [wave, str(path)],
            )
            names = [d[0] for d in rows.description]
            changed = [dict(zip(names, row, strict=True)) for row in rows.fetchall()]
            if changed:
                differences.append(SnapshotDifference(wave, len(changed), changed[:MAX_REPORTED]))
    return differences


def store_snapshots(layout: WarehouseLayout, revised_waves: tuple[int, ...]) -> list[int]:
    """After publication: snapshot new waves and revised ones. Returns the waves written."""
    written = []
    with duckdb.connect(str(layout.build_db), read_only=True) as connection:
        for wave in _built_waves(connection):
            path = snapshot_path(layout, wave)
            if path.exists() and wave not in revised_waves:
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            connection.execute(
                f"copy (select {_columns()} from marts.{TABLE} where wave = ? "
                f"order by {', '.join(KEY_COLUMNS)}) to '{temporary}' (format parquet)",
                [wave],
            )
            os.replace(temporary, path)
            written.append(wave)
    return written


def _built_waves(connection: duckdb.DuckDBPyConnection) -> list[int]:
    rows = connection.execute(f"select distinct wave from marts.{TABLE} order by wave").fetchall()
    return [wave for (wave,) in rows]
