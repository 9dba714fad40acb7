"""Figures already published for a wave do not change unless the release says so.

When a wave is first published, the keys and figures of its rows in each snapshotted mart are
stored as ``<warehouse>/snapshots/<mart>/wave=<wave>.parquet``. Every later build is compared
with those snapshots; a difference blocks publication unless the run declares the wave revised
(``barometre run --revise WAVE``), in which case the snapshot is replaced.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from barometre.database import connect, sql_string
from barometre.settings import WarehouseLayout

MAX_REPORTED = 20


@dataclass(frozen=True)
class SnapshotSpec:
    """Which rows of a mart are published figures: their key and the figures themselves."""

    table: str
    keys: tuple[str, ...]
    figures: tuple[str, ...]

    @property
    def columns(self) -> str:
        return ", ".join(self.keys + self.figures)


SNAPSHOTS = {
    spec.table: spec
    for spec in (
        SnapshotSpec(
            "survey_results",
            ("wave", "question_id", "item_label", "answer_label", "group_label"),
            ("n", "n_answered", "n_group", "pct_rounded"),
        ),
        SnapshotSpec(
            "poll_results",
            ("wave", "question_id", "item_id", "answer_kind", "answer_key", "breakdown_id")
            + ("group_label",),
            ("n_unweighted", "base_unweighted", "pct_rounded"),
        ),
    )
}


@dataclass(frozen=True)
class SnapshotDifference:
    """Rows of one wave whose published figures would change."""

    table: str
    wave: int
    changed_rows: int
    examples: list[dict[str, object]]

    def describe(self) -> str:
        lines = [
            f"{self.table}, wave {self.wave}: {self.changed_rows} published figure row(s) "
            "would change"
        ]
        return "\n".join(lines + [f"    {row}" for row in self.examples])


def snapshot_path(layout: WarehouseLayout, table: str, wave: int) -> Path:
    return layout.snapshots_dir / table / f"wave={wave}.parquet"


def compare_with_snapshots(
    layout: WarehouseLayout, spec: SnapshotSpec, revised_waves: tuple[int, ...]
) -> list[SnapshotDifference]:
    """Differences between the build and the stored snapshots of waves not being revised."""
    differences = []
    with connect(layout.build_db, read_only=True) as connection:
        for wave in _built_waves(connection, spec):
            path = snapshot_path(layout, spec.table, wave)
            if wave in revised_waves or not path.exists():
                continue
            rows = connection.execute(
                f"""
                with built as (
                    select {spec.columns} from marts.{spec.table} where wave = ?
                ), stored as (
                    select {spec.columns} from read_parquet(?)
                ), changed as (
                    select 'now' as side, *
                    from (select * from built except select * from stored)
                    union all
                    select 'published' as side, *
                    from (select * from stored except select * from built)
                )
                select * from changed order by {", ".join(spec.keys)}, side
                """,
                [wave, str(path)],
            )
            names = [d[0] for d in rows.description]
            changed = [dict(zip(names, row, strict=True)) for row in rows.fetchall()]
            if changed:
                differences.append(
                    SnapshotDifference(spec.table, wave, len(changed), changed[:MAX_REPORTED])
                )
    return differences


def store_snapshots(layout: WarehouseLayout, revised_waves: tuple[int, ...]) -> list[str]:
    """After publication: snapshot new waves and revised ones. Returns what was written."""
    written = []
    with connect(layout.build_db, read_only=True) as connection:
        for spec in SNAPSHOTS.values():
            for wave in _built_waves(connection, spec):
                path = snapshot_path(layout, spec.table, wave)
                if path.exists() and wave not in revised_waves:
                    continue
                path.parent.mkdir(parents=True, exist_ok=True)
                temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
                connection.execute(
                    f"copy (select {spec.columns} from marts.{spec.table} where wave = ? "
                    f"order by {', '.join(spec.keys)}) to {sql_string(temporary)} (format parquet)",
                    [wave],
                )
                os.replace(temporary, path)
                written.append(f"{spec.table} {wave}")
    return written


def _built_waves(connection: duckdb.DuckDBPyConnection, spec: SnapshotSpec) -> list[int]:
    exists = connection.execute(
        "select count(*) from duckdb_tables() where schema_name = 'marts' and table_name = ?",
        [spec.table],
    ).fetchone()[0]
    if not exists:
        return []
    rows = connection.execute(f"select distinct wave from marts.{spec.table} order by wave")
    return [wave for (wave,) in rows.fetchall()]
