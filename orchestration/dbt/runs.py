"""dbt's working files under the warehouse, never in the project (which may be read-only): one
target folder per dbt build, of which only the latest are kept, and the parse state each dbt
command on the warehouse starts from."""

from __future__ import annotations

import hashlib
import shutil
from datetime import UTC, datetime
from pathlib import Path

from barometre import config
from barometre.config import WarehouseLayout

# A build folder (about 7 MB on the sample) is only read to look into a recent build (its
# compiled SQL, run_results.json): ten cover more than a week of the daily schedule, whatever
# number of releases `--keep` keeps (a build that publishes nothing leaves a folder too).
KEPT_DBT_RUNS = 10
PARTIAL_PARSE = "partial_parse.msgpack"
# dbt's parse state holds the path of the project folder it was parsed in (a build loads the seeds
# from there), and dbt does not check it: a state is kept under a name of its folder, and only
# dbt commands of that folder start from it (copies of the project share a cache digest)
KEPT_PARSE_STATE = (
    f"partial_parse-{hashlib.sha256(str(config.DBT_PROJECT_DIR).encode()).hexdigest()[:12]}.msgpack"
)


def new_run_folder(
    layout: WarehouseLayout, run_id: str, started: datetime, project_state: Path
) -> Path:
    """The target folder of one dbt build, named by its start time so that names sort in time
    order, holding the parse state for dbt to start from: the warehouse's, else (its first
    build) `project_state`, the project's own. Older folders beyond the latest KEPT_DBT_RUNS,
    this one included, are removed (failed builds are counted too)."""
    folder = layout.dbt_runs_dir / f"{started.astimezone(UTC):%Y%m%dT%H%M%SZ}-{run_id[:8]}"
    folder.mkdir(parents=True, exist_ok=True)
    for state in (layout.dbt_dir / KEPT_PARSE_STATE, project_state):
        if state.exists():
            shutil.copyfile(state, folder / PARTIAL_PARSE)
            break
    for old in sorted(layout.dbt_runs_dir.iterdir())[:-KEPT_DBT_RUNS]:
        shutil.rmtree(old)
    return folder


def keep_parse_state(run_folder: Path, layout: WarehouseLayout) -> None:
    """Keep a build's parse state where the next dbt command on the warehouse starts from. A
    build parses anew when its profile is not the last parse's (the other engine): the next one
    need not."""
    state = run_folder / PARTIAL_PARSE
    if state.exists():
        kept = layout.dbt_dir / KEPT_PARSE_STATE
        temporary = kept.with_suffix(".tmp")
        shutil.copyfile(state, temporary)
        temporary.replace(kept)
