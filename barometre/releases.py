"""The releases a warehouse keeps, as readers see them: what each release holds (its
release.json) and which one is current. Only read here; barometre/release/publish.py writes them.

Layout: ``<warehouse>/releases/<release id>/`` per release (its DuckDB file, Parquet files,
docs, open data and release.json); ``<warehouse>/current`` links to the current one and
``<warehouse>/barometre.duckdb`` is a hard link to its database file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from barometre.config import WarehouseLayout

PUBLISHED_SCHEMA = "marts"
RELEASE_FILE = "release.json"
DOCS_FOLDER = "docs"  # the dbt docs site: <release>/docs/index.html
DOCS_INDEX = "index.html"
# the column publication adds to every mart
RELEASE_ID_COLUMN = "release_id"
RELEASE_ID_DESCRIPTION = "The release this row was published in (see meta.release)."


@dataclass(frozen=True)
class Release:
    """A published release, as described by its release.json."""

    release_id: str
    fingerprint: str
    published_at: str
    waves: list[int]
    row_counts: dict[str, int]
    revised_waves: list[int]
    # what the data is when it is not the Observatoire's (the bundled synthetic sample)
    data_note: str = ""
    origin: str = ""  # "observed" or "synthetic": a release never mixes them
    inputs: list[dict[str, Any]] = field(default_factory=list)  # ReleaseInput, as dicts

    @classmethod
    def read(cls, folder: Path) -> Release:
        data = json.loads((folder / RELEASE_FILE).read_text(encoding="utf-8"))
        return cls(**{name: data[name] for name in cls.__dataclass_fields__ if name in data})

    def waves_of(self, kind: str) -> list[int]:
        """The survey or poll waves the release holds."""
        if kind == "survey":
            return self.waves
        return sorted({i["wave"] for i in self.inputs if i["kind"].startswith(kind)})


@dataclass(frozen=True)
class ReleaseInput:
    """One landing file a release was built from."""

    wave: int
    kind: str  # survey_export, survey_reference or poll_export
    file_name: str
    sha256: str
    bytes: int
    records: int
    origin: str


def current_release_database(layout: WarehouseLayout) -> Path | None:
    """The current release's database file (what the published-figures guard compares with)."""
    path = layout.current_release_link / layout.published_db.name
    return path if path.is_file() else None


def current_release(layout: WarehouseLayout) -> Release | None:
    """The release BI tools see now, or None before the first publication."""
    if not (layout.current_release_link / RELEASE_FILE).exists():
        return None
    return Release.read(layout.current_release_link)


def list_releases(layout: WarehouseLayout) -> list[Release]:
    """Every kept release, oldest first."""
    folders = (
        sorted(layout.releases_dir.glob("*/" + RELEASE_FILE))
        if layout.releases_dir.exists()
        else []
    )
    return sorted((Release.read(f.parent) for f in folders), key=lambda r: r.published_at)
