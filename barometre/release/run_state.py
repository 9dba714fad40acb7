"""What a run's result depends on, to skip a run when none of it changed since the last one.

A refresh whose landing files, project (code, dbt project, seeds, expectations), settings and
published state are all as the last successful run left them would rebuild the same marts and
publish nothing: `barometre run` then stops before starting Dagster, dbt or Great Expectations,
which alone cost tens of seconds of start-up.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from barometre import __version__, config
from barometre.project import project_digest, tree_digest
from barometre.releases import current_release

STATE_FILE_NAME = "last_successful_run.json"


@dataclass(frozen=True)
class RunInputs:
    """The landing folder, the warehouse and the run's options."""

    landing: Path
    warehouse: config.WarehouseLayout
    revised_waves: tuple[int, ...]
    keep_releases: int
    engine: str = "duckdb"

    def digest(self) -> str:
        """Everything but the revised waves, which the state keeps apart (see follow_rollback)."""
        landing = [self.landing / "survey", self.landing / "poll"]
        return hashlib.sha256(
            json.dumps(
                {
                    "version": __version__,
                    "project": project_digest(),
                    "landing": tree_digest([p for p in landing if p.exists()], self.landing),
                    "keep_releases": self.keep_releases,
                    "engine": self.engine,
                }
            ).encode()
        ).hexdigest()

    def waves(self, kind: str) -> list[str]:
        folder = self.landing / kind
        return sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []


def _state_path(warehouse: config.WarehouseLayout) -> Path:
    return warehouse.build_db.parent / STATE_FILE_NAME


def unchanged_release(inputs: RunInputs) -> str | None:
    """The current release id when nothing changed since the last successful run, else None."""
    path = _state_path(inputs.warehouse)
    release = current_release(inputs.warehouse)
    if release is None or not path.exists() or not inputs.warehouse.build_db.exists():
        return None
    state = json.loads(path.read_text(encoding="utf-8"))
    # after a rollback only a plain run is a no-op: a revision is asked for with --revise
    revised = [] if state.get("rolled_back") else state.get("revised_waves")
    if (state.get("release_id"), state.get("digest"), revised) != (
        release.release_id,
        inputs.digest(),
        list(inputs.revised_waves),
    ):
        return None
    return release.release_id


def record_successful_run(inputs: RunInputs) -> None:
    """Remember what a successful run depended on (after it published or found no change)."""
    release = current_release(inputs.warehouse)
    if release is None:
        return
    state = {
        "digest": inputs.digest(),
        "revised_waves": list(inputs.revised_waves),
        "release_id": release.release_id,
    }
    _write_state(inputs.warehouse, state)


def follow_rollback(warehouse: config.WarehouseLayout, release_id: str) -> None:
    """After `barometre rollback`: the inputs of the last successful run now stand for the
    release made current, so running them again without --revise publishes nothing (the
    published-figures guard compares every later build with the release made current, so the
    figures rolled away come back only with --revise)."""
    path = _state_path(warehouse)
    if path.exists():
        state = json.loads(path.read_text(encoding="utf-8"))
        _write_state(warehouse, state | {"release_id": release_id, "rolled_back": True})


def _write_state(warehouse: config.WarehouseLayout, state: dict[str, object]) -> None:
    path = _state_path(warehouse)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(state), encoding="utf-8")
    temporary.replace(path)
