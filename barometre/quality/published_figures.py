"""Figures already published for a wave do not change unless the run says so.

The guard compares the build with the **current release**, mart by mart: every row of a wave
the current release holds must come out of the build unchanged, unless the run revises that
wave (``barometre run --revise WAVE``) or the wave is in fieldwork (``seeds/survey_waves.csv``:
its figures are provisional until it is closed). New waves, new marts, new columns and new rows
of a published wave are additions, not changes; a row gone is a change, and so is a whole wave
gone. Because the baseline is the current release itself, `barometre rollback` also moves the
guard: the next build is compared with the release made current.

Each mart's rows are compared on every column but those it declares unguarded (a count of
waves, which a new wave changes). A row belongs to every wave its wave columns name: a change
since the previous wave is a figure of both waves, so revising (or removing) either frees it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb

from barometre.config import WarehouseLayout
from barometre.database import connect, sql_string
from barometre.fingerprint import compared_value, row_text, table_columns, table_names
from barometre.releases import PUBLISHED_SCHEMA, current_release_database

MAX_REPORTED = 20


@dataclass(frozen=True)
class GuardedMart:
    """How a mart's published rows are told apart and to which wave each belongs."""

    table: str
    keys: tuple[str, ...]  # the mart's grain: pairs a published row with its rebuilt self
    wave_columns: tuple[str, ...] = ("wave",)
    unguarded: tuple[str, ...] = ()


@dataclass(frozen=True)
class FigureChange:
    """Published rows of one wave that the build would change or remove."""

    table: str
    waves: dict[str, int | None]  # wave column -> wave
    changed_rows: int
    removed: bool
    examples: list[dict[str, object]]

    def describe(self) -> str:
        where = ", ".join(f"{column} {wave}" for column, wave in self.waves.items())
        if self.removed:
            head = (
                f"marts.{self.table}, {where}: gone from the build, its "
                f"{self.changed_rows} published row(s) would be removed"
            )
        else:
            head = (
                f"marts.{self.table}, {where}: {self.changed_rows} published figure "
                "row(s) would change"
            )
        return "\n".join([head] + [f"    {row}" for row in self.examples])


def revise_hint(changes: Sequence[FigureChange], revised_waves: tuple[int, ...]) -> str:
    waves = {w for change in changes for w in change.waves.values() if w is not None}
    listed = " ".join(map(str, sorted(waves | set(revised_waves))))
    return f"if this revision is intended, rerun with --revise {listed}"


def compare_with_release(
    layout: WarehouseLayout, marts: Sequence[GuardedMart], revised_waves: tuple[int, ...]
) -> dict[str, list[FigureChange]]:
    """For each mart, the published rows of unrevised waves that the build would change."""
    changes: dict[str, list[FigureChange]] = {mart.table: [] for mart in marts}
    published = current_release_database(layout)
    if published is None:
        return changes  # nothing published yet: nothing to protect
    with connect(spill_dir=layout.build_db.parent / "guard.tmp") as connection:
        connection.execute(f"attach {sql_string(layout.build_db)} as build (read_only)")
        connection.execute(f"attach {sql_string(published)} as published (read_only)")
        # a wave in fieldwork is provisional: its figures may change from one refresh to the next
        revised_waves = tuple(sorted({*revised_waves, *_fieldwork_waves(connection)}))
        built_tables = set(table_names(connection, "build", PUBLISHED_SCHEMA))
        published_tables = set(table_names(connection, "published", PUBLISHED_SCHEMA))
        for mart in marts:
            if mart.table in published_tables:
                changes[mart.table] = _MartComparison(
                    connection, mart, mart.table in built_tables, revised_waves
                ).changes()
    return changes


class _MartComparison:
    """One mart's build against its published rows (both attached to one connection).

    A published row is protected when each of its wave columns is empty or names a wave the
    release holds that the run does not revise. A change is a published row that the build
    does not hold as it is: it is allowed when the published row is not protected, or when its
    rebuilt version is not (it now rests on a revised wave)."""

    def __init__(
        self,
        connection: duckdb.DuckDBPyConnection,
        mart: GuardedMart,
        built: bool,
        revised_waves: tuple[int, ...],
    ) -> None:
        self.connection = connection
        self.mart = mart
        self.built = built
        self.revised = ", ".join(str(int(w)) for w in revised_waves)
        guarded = set(mart.unguarded) | {"release_id"}
        published = table_columns(connection, "published", PUBLISHED_SCHEMA, mart.table)
        rebuilt = dict(table_columns(connection, "build", PUBLISHED_SCHEMA, mart.table))
        # columns the build adds are new, not changed; columns it drops are compared as nulls
        self.columns = [(name, kind) for name, kind in published if name not in guarded]
        self.dropped = {name for name, _ in self.columns if name not in rebuilt}
        self.wave = f'"{mart.wave_columns[0]}"'  # the row's own wave

    def changes(self) -> list[FigureChange]:
        """Compare wave by wave, row by row only where a wave's digest differs."""
        digests = f"""
            select {self.wave} as wave, count(*) as n,
                sum(hash({row_text(self.columns)})) as digest
            from {{rows}} group by all
        """
        differing = self.connection.execute(
            f"""
            with built as ({digests.format(rows=self._rows("build"))}),
            published as ({digests.format(rows=self._rows("published"))})
            select published.wave, coalesce(built.n, 0)
            from published left join built on built.wave is not distinct from published.wave
            where built.digest is distinct from published.digest
                or built.n is distinct from published.n
            order by 1
            """
        ).fetchall()
        changes = [self._change(wave, n_built) for wave, n_built in differing]
        return [change for change in changes if change.changed_rows]

    def _rows(self, side: str) -> str:
        """A side's rows as they are compared (floats to 9 decimals, as in the wave digests:
        a wave with a real change does not list the rows whose floats differ in their last
        bits only)."""
        values = ", ".join(
            f'{compared_value(name, kind)} as "{name}"'
            if side == "published" or name not in self.dropped
            else f'null as "{name}"'
            for name, kind in self.columns
        )
        if side == "build" and not self.built:
            return f"(select {values} from published.{PUBLISHED_SCHEMA}.{self.mart.table} limit 0)"
        return f"(select {values} from {side}.{PUBLISHED_SCHEMA}.{self.mart.table})"

    def _protected(self) -> str:
        """Never null: a wave the release does not hold is simply not protected."""
        published = f"published.{PUBLISHED_SCHEMA}.{self.mart.table}"
        return " and ".join(
            f'("{w}" is null or coalesce("{w}" in (select distinct "{w}" from {published}), false)'
            + (f' and "{w}" not in ({self.revised}))' if self.revised else ")")
            for w in self.mart.wave_columns
        )

    def _change(self, wave: object, n_built: int) -> FigureChange:
        names = ", ".join(f'"{name}"' for name, _ in self.columns)
        rebuilt = ", ".join(f'now."{name}" as "rebuilt {name}"' for name, _ in self.columns)
        keys = ", ".join(f'"{k}"' for k in self.mart.keys)
        same_key = " and ".join(
            f'now."{k}" is not distinct from before."{k}"' for k in self.mart.keys
        )
        in_wave = f"where {self.wave} is not distinct from {_sql_value(wave)}"
        protected = self._protected()
        changed = f"""
            with now as (select {names} from {self._rows("build")} {in_wave}),
            before as (select {names} from {self._rows("published")} {in_wave}),
            now_only as (
                select *, {protected} as protected
                from (select * from now except select * from before)
            ),
            before_only as (
                select *, {protected} as protected
                from (select * from before except select * from now)
            ),
            changed as (
                select before.*, now.protected as rebuilt_protected, {rebuilt}
                from before_only as before left join now_only as now on {same_key}
                where before.protected and coalesce(now.protected, true)
            )
        """
        (count,) = self.connection.execute(f"{changed} select count(*) from changed").fetchone()
        width = len(self.columns)
        examples = []
        for row in self.connection.execute(
            f"{changed} select * from changed order by {keys} limit {MAX_REPORTED}"
        ).fetchall():
            # the published row, its protection, the rebuilt one's (null: not rebuilt), the rebuilt
            before, now = row[:width], row[width + 2 :]
            examples.append(self._example(before, now if row[width + 1] is not None else None))
        return FigureChange(
            table=self.mart.table,
            waves={self.mart.wave_columns[0]: wave},
            changed_rows=count,
            removed=n_built == 0,
            examples=examples,
        )

    def _example(
        self, before: tuple[object, ...], now: tuple[object, ...] | None
    ) -> dict[str, object]:
        """A changed row: its key, then each differing column as 'published -> now'."""
        names = [name for name, _ in self.columns]
        published = dict(zip(names, before, strict=True))
        entry: dict[str, object] = {k: published[k] for k in self.mart.keys}
        if now is None:
            return entry | {"change": "removed"}
        rebuilt = dict(zip(names, now, strict=True))
        return entry | {
            name: f"{published[name]!r} -> {rebuilt[name]!r}"
            for name in names
            if name not in self.mart.keys and published[name] != rebuilt[name]
        }


def _fieldwork_waves(connection: duckdb.DuckDBPyConnection) -> list[int]:
    rows = connection.execute(
        "select wave from build.codebook.survey_waves where status = 'fieldwork'"
    ).fetchall()
    return [wave for (wave,) in rows]


def _sql_value(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return repr(value)
    return sql_string(str(value))
