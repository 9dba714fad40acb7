"""What a run's result depends on, to skip a run when none of it changed since the last one.

A refresh whose landing files, project (code, dbt project, seeds, expectations), settings and
published state are all as the last successful run left them would rebuild the same marts and
publish nothing: `barometre run` then stops before starting Dagster, dbt or Great Expectations,
which alone cost tens of seconds of start-up.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from barometre import __version__, settings
from barometre.publish import current_release

STATE_FILE_NAME = "last_successful_run.json"

# Everything of the repository a run reads, besides the landing folder.
_PROJECT_INPUTS = (
    settings.DBT_PROJECT_DIR / "dbt_project.yml",
    settings.DBT_PROJECT_DIR / "models",
    settings.DBT_PROJECT_DIR / "macros",
    settings.DBT_PROJECT_DIR / "tests",
    settings.SEEDS_DIR,
    settings.EXPECTATIONS_DIR,
    settings.REPO_ROOT / "profiles.yml",
    settings.REPO_ROOT / "barometre",
    settings.REPO_ROOT / "orchestration",
)
_IGNORED_SUFFIXES = {".pyc"}


def tree_digest(roots: Iterable[Path], relative_to: Path) -> str:
    """SHA-256 of the names and contents of every file under roots (files or folders)."""
    digest = hashlib.sha256()
    for root in roots:
        files = sorted(root.rglob("*")) if root.is_dir() else [root]
        for path in files:
            if path.is_file() and path.suffix not in _IGNORED_SUFFIXES:
                digest.update(str(path.relative_to(relative_to)).encode())
                # a link is not its target: the run refuses links leading out of the landing
                if path.is_symlink():
                    digest.update(f"-> {path.resolve()}".encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class RunInputs:
    """The landing folder, the warehouse and the run's options."""

    landing: Path
    warehouse: settings.WarehouseLayout
    revised_waves: tuple[int, ...]
    keep_releases: int
    engine: str = "duckdb"

    def digest(self) -> str:
        landing = [self.landing / "survey", self.landing / "poll"]
        return hashlib.sha256(
            json.dumps(
                {
                    "version": __version__,
                    "project": tree_digest(_PROJECT_INPUTS, settings.REPO_ROOT),
                    "landing": tree_digest([p for p in landing if p.exists()], self.landing),
                    "snapshots": tree_digest([self.warehouse.snapshots_dir], self.warehouse.root)
                    if self.warehouse.snapshots_dir.exists()
                    else None,
                    "revised_waves": list(self.revised_waves),
                    "keep_releases": self.keep_releases,
                    "engine": self.engine,
                }
            ).encode()
        ).hexdigest()

    def waves(self, kind: str) -> list[str]:
        folder = self.landing / kind
        return sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []


def _state_path(warehouse: settings.WarehouseLayout) -> Path:
    return warehouse.build_db.parent / STATE_FILE_NAME


def unchanged_release(inputs: RunInputs) -> str | None:
    """The current release id when nothing changed since the last successful run, else None."""
    path = _state_path(inputs.warehouse)
    release = current_release(inputs.warehouse)
    if release is None or not path.exists() or not inputs.warehouse.build_db.exists():
        return None
    state = json.loads(path.read_text(encoding="utf-8"))
    if state.get("release_id") != release.release_id or state.get("digest") != inputs.digest():
        return None
    return release.release_id


def record_successful_run(inputs: RunInputs) -> None:
    """Remember what a successful run depended on (after it published or found no change)."""
    release = current_release(inputs.warehouse)
    if release is None:
        return
    state = {"digest": inputs.digest(), "release_id": release.release_id}
    path = _state_path(inputs.warehouse)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(state), encoding="utf-8")
    temporary.replace(path)
