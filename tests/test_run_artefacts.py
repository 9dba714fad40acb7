"""What a run writes goes under its warehouse: dbt's manifest, parse state, run folders and logs.
The source tree is only read (it may be a read-only installation), and only the latest dbt run
folders are kept."""

from __future__ import annotations

import json
import shutil
import stat
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

from conftest import REPO_ROOT, SAMPLE_LANDING, run_pipeline, sha256

from barometre import config
from orchestration.dbt.runs import KEPT_DBT_RUNS, PARTIAL_PARSE, new_run_folder

FileState = tuple[int, int, str] | None
# dbt's log events: a command starts, parses the whole project, finds nothing to parse again
DBT_STARTED, PARSE_SKIPPED = "A001", "I017"


def _untracked_and_ignored() -> dict[str, tuple[int, int]]:
    """Every file git status lists in the repository (ignored ones too, one by one), with its
    size and modification time, so that a file a run adds or rewrites shows as a difference.
    Python's bytecode cache is left out: any import writes it (the tests' own), not the run."""
    listing = subprocess.run(
        ["git", "status", "--porcelain", "--ignored", "--untracked-files=all", "-z"]
        + ["--", ".", ":!.venv"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    files = {}
    for entry in filter(None, listing.split("\0")):
        path = REPO_ROOT / entry[3:]
        if "__pycache__" not in path.parts and path.is_file():
            files[entry[3:]] = (path.stat().st_size, path.stat().st_mtime_ns)
    return files


def test_runs_leave_nothing_in_the_source_tree(tmp_path: Path) -> None:
    before = _untracked_and_ignored()
    warehouse = tmp_path / "warehouse"

    first = run_pipeline(SAMPLE_LANDING, warehouse)
    # another option makes the second run build again, from what the first left
    second = run_pipeline(SAMPLE_LANDING, warehouse, "--keep", "4")

    assert first.returncode == 0, first.output
    assert second.returncode == 0, second.output
    assert "Dagster and dbt not started" not in second.output
    after = _untracked_and_ignored()
    added_or_rewritten = sorted(path for path in after if after[path] != before.get(path))
    assert not added_or_rewritten, f"{len(added_or_rewritten)} files: {added_or_rewritten[:5]}"
    layout = config.WarehouseLayout(warehouse)
    assert (layout.dbt_dir / PARTIAL_PARSE).is_file()
    runs = sorted(layout.dbt_runs_dir.iterdir())
    assert len(runs) == 2 and all((run / "run_results.json").is_file() for run in runs)
    # on this warehouse dbt parsed the project once (its first build: the profile names the
    # warehouse); every later command (the docs, the second build) started from the parse
    # state kept in the warehouse
    codes = [event["info"]["code"] for event in _dbt_log_events(layout.logs_dir)]
    assert codes.count(PARSE_SKIPPED) == codes.count(DBT_STARTED) - 1 >= 2


def _dbt_log_events(logs: Path) -> list[dict]:
    """dbt's log lines (JSON): dbt.log and the files it rolled over to."""
    lines = [line for path in logs.glob("dbt.log*") for line in path.read_text().splitlines()]
    return [json.loads(line) for line in lines]


def _tree_state(root: Path) -> dict[str, FileState]:
    """Every file (size, modification time, SHA-256) and folder (None) under root."""
    return {
        str(path.relative_to(root)): None
        if path.is_dir()
        else (path.stat().st_size, path.stat().st_mtime_ns, sha256(path))
        for path in root.rglob("*")
    }


def _copy_tracked_files(target: Path) -> Path:
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    ).stdout
    for name in filter(None, tracked.split("\0")):
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO_ROOT / name, target / name)
    return target


def _set_writable(root: Path, writable: bool) -> None:
    """Take away (or give back) write permission on a tree: a real read-only installation for
    a user other than root; as root, the before/after comparison is what proves it."""
    for path in [root, *root.rglob("*")]:
        mode = path.stat().st_mode
        write = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH
        path.chmod(mode | stat.S_IWUSR if writable else mode & ~write)


def test_the_pipeline_runs_from_a_read_only_project(tmp_path: Path) -> None:
    project = _copy_tracked_files(tmp_path / "project")
    before = _tree_state(project)
    _set_writable(project, False)
    try:
        run = run_pipeline(None, tmp_path / "warehouse", project=project)
    finally:
        _set_writable(project, True)

    assert run.returncode == 0, run.output
    # the copy's code ran: the default landing is its own bundled sample
    assert f"landing: {project / 'sample_landing'}" in run.output
    assert "done" in run.output and run.published_db.is_file()
    assert _tree_state(project) == before


def test_a_warehouse_keeps_only_its_latest_dbt_run_folders(tmp_path: Path) -> None:
    layout = config.WarehouseLayout(tmp_path / "warehouse")
    start = datetime(2025, 6, 1, 6, tzinfo=UTC)
    folders = []
    for hour in range(KEPT_DBT_RUNS + 3):
        # run ids in the reverse order of time: folders are kept by start time
        folder = new_run_folder(layout, f"{99 - hour:08d}", start + timedelta(hours=hour))
        (folder / "run_results.json").write_text("{}", encoding="utf-8")
        folders.append(folder)

    kept = set(layout.dbt_runs_dir.iterdir())
    assert kept == set(folders[-KEPT_DBT_RUNS:])
    assert all((folder / "run_results.json").is_file() for folder in kept)
