"""A wave's life in the warehouse: the raw layer mirrors the landing folder.

A wave folder added to the landing is loaded; one changed is reloaded; one gone is removed from
raw and so from the next release. Removing a wave the current release holds changes published
figures: it is a revision, refused unless the run names the wave (``--revise WAVE``). And the
warehouse holds data of one origin: a landing of another origin (synthetic sample vs observed
exports) is refused before anything is loaded.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import duckdb

from barometre.config import WarehouseLayout
from barometre.errors import BarometreError
from barometre.ingest.landing import landing_origin
from barometre.releases import current_release

_LOADS_TABLES = ("survey_loads", "poll_loads")


def check_landing(
    connection: duckdb.DuckDBPyConnection,
    layout: WarehouseLayout,
    landing: Path,
    kind: str,
    landing_waves: Iterable[int],
    revised_waves: tuple[int, ...],
) -> str:
    """Refuse a landing that would mix origins in the warehouse, or remove a published `kind`
    (survey or poll) wave without --revise; return the landing's origin."""
    origin = landing_origin(landing)
    release = current_release(layout)
    held = {o: "its raw layer" for o in _raw_origins(connection)}
    if release is not None and release.origin:
        held[release.origin] = f"release {release.release_id}"
    other = sorted(set(held) - {origin})
    if other:
        raise BarometreError(
            f"the landing {landing} holds {origin} data but the warehouse {layout.root} holds "
            f"{other[0]} data ({held[other[0]]}): a release never mixes {origin} and {other[0]} "
            "data; build this landing into another warehouse (--warehouse DIR)"
        )
    if release is not None:
        gone = sorted(set(release.waves_of(kind)) - set(landing_waves) - set(revised_waves))
        if gone:
            waves = " ".join(map(str, gone))
            raise BarometreError(
                f"{kind} wave(s) {waves} of the current release {release.release_id} are gone "
                f"from the landing {landing / kind}: removing a published wave is a revision; "
                f"rerun with --revise {waves} to remove it, or put its folder back"
            )
    return origin


def _raw_origins(connection: duckdb.DuckDBPyConnection) -> set[str]:
    present = {
        name
        for (name,) in connection.execute(
            "select table_name from duckdb_tables() where schema_name = 'raw'"
        ).fetchall()
    }
    origins: set[str] = set()
    for table in _LOADS_TABLES:
        if table in present:
            rows = connection.execute(
                f"select distinct origin from raw.{table} where origin is not null"
            ).fetchall()
            origins |= {origin for (origin,) in rows}
    return origins
