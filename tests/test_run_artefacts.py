"""What a run writes goes under its warehouse: dbt's manifest, parse state, run folders and logs.
The source tree is only read (a read-only installation runs too: tests/test_new_theme.py runs
from one), only the latest dbt run folders are kept, and a warehouse may live in a folder whose
path holds a quote."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import (
    REPO_ROOT,
    SAMPLE_LANDING,
    PipelineRun,
    copy_landing,
    query_rows,
    run_pipeline,
)

from barometre import config
from barometre.quality.published_figures import compare_with_release
from orchestration.dbt.manifest import ensure_manifest, guarded_marts, project_parse_state
from orchestration.dbt.resources import DBT_EXECUTABLE
from orchestration.dbt.runs import KEPT_DBT_RUNS, KEPT_PARSE_STATE, PARTIAL_PARSE, new_run_folder

# a long file: started early (conftest.py)
pytestmark = pytest.mark.scheduled_first(seconds=75)

# dbt's log events (info level, as the pipeline logs): a command starts, parses the whole project
DBT_STARTED, FULL_PARSE = "A001", "I024"


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


@pytest.fixture(scope="module")
def quoted_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[PipelineRun, PipelineRun, list]:
    """Two runs on a new warehouse, the source tree's files listed before and after them; the
    landing and the warehouse in a folder whose path holds a quote (paths go into SQL as quoted
    literals: attach, copy, read_parquet, dbt's sources)."""
    before = _untracked_and_ignored()
    folder = tmp_path_factory.mktemp("runs") / "l'Observatoire's data"
    landing = copy_landing(SAMPLE_LANDING, folder / "landing")

    first = run_pipeline(landing, folder / "warehouse")
    # another option makes the second run build again, from what the first left
    second = run_pipeline(landing, folder / "warehouse", "--keep", "4")

    after = _untracked_and_ignored()
    added_or_rewritten = sorted(path for path in after if after[path] != before.get(path))
    return first, second, added_or_rewritten


def test_runs_leave_nothing_in_the_source_tree(
    quoted_runs: tuple[PipelineRun, PipelineRun, list],
) -> None:
    first, second, added_or_rewritten = quoted_runs

    assert first.returncode == 0, first.output
    assert second.returncode == 0, second.output
    assert "Dagster and dbt not started" not in second.output
    assert not added_or_rewritten, f"{len(added_or_rewritten)} files: {added_or_rewritten[:5]}"
    layout = config.WarehouseLayout(second.warehouse)
    assert (layout.dbt_dir / KEPT_PARSE_STATE).is_file()
    runs = sorted(layout.dbt_runs_dir.iterdir())
    assert len(runs) == 2 and all((run / "run_results.json").is_file() for run in runs)
    # on this new warehouse dbt never parsed the whole project: its first build started from
    # the project's parse state (made when the definitions were loaded), every later command
    # (the docs, the second build) from the parse state kept in the warehouse
    events = _dbt_log_events(layout.logs_dir)
    codes = [event["info"]["code"] for event in events]
    assert codes.count(DBT_STARTED) >= 3, codes  # two builds, the first release's docs
    assert codes.count(FULL_PARSE) == 0, [
        e["info"]["msg"] for e in events if e["info"]["code"] == FULL_PARSE
    ]
    # and its file log is at info: not every statement dbt ran
    assert {event["info"]["level"] for event in events} <= {"info", "warn", "error"}


def test_folders_whose_path_holds_a_quote_are_published(
    quoted_runs: tuple[PipelineRun, PipelineRun, list],
) -> None:
    first, _, _ = quoted_runs
    assert first.returncode == 0, first.output
    assert "'" in str(first.warehouse)
    assert query_rows(first.published_db, "select count(*) from marts.respondents")[0][0] > 0
    assert (first.warehouse / "current" / "parquet" / "survey_results.parquet").is_file()
    # the published-figures guard attaches the build and the current release by their paths
    changes = compare_with_release(config.WarehouseLayout(first.warehouse), guarded_marts(), ())
    assert changes and not any(changes.values())


def _dbt_log_events(logs: Path) -> list[dict]:
    """dbt's log lines (JSON): dbt.log and the files it rolled over to."""
    lines = [line for path in logs.glob("dbt.log*") for line in path.read_text().splitlines()]
    return [json.loads(line) for line in lines]


def test_a_warehouse_keeps_only_its_latest_dbt_run_folders(tmp_path: Path) -> None:
    layout = config.WarehouseLayout(tmp_path / "warehouse")
    start = datetime(2025, 6, 1, 6, tzinfo=UTC)
    folders = []
    for hour in range(KEPT_DBT_RUNS + 3):
        # run ids in the reverse order of time: folders are kept by start time
        folder = new_run_folder(
            layout, f"{99 - hour:08d}", start + timedelta(hours=hour), tmp_path / "no state"
        )
        (folder / "run_results.json").write_text("{}", encoding="utf-8")
        folders.append(folder)

    kept = set(layout.dbt_runs_dir.iterdir())
    assert kept == set(folders[-KEPT_DBT_RUNS:])
    assert all((folder / "run_results.json").is_file() for folder in kept)


def test_one_parse_of_the_project_serves_any_warehouse(tmp_path: Path) -> None:
    """dbt, started on another warehouse (its build database and raw Parquet folder elsewhere)
    from the project's parse state, parses no file again: nothing dbt parses depends on the
    warehouse (orchestration/dbt/executable.py, the `source` macro)."""
    ensure_manifest()
    target = tmp_path / "target"
    target.mkdir()
    shutil.copyfile(project_parse_state(), target / PARTIAL_PARSE)
    layout = config.WarehouseLayout(tmp_path / "another warehouse")
    environment = {
        **os.environ,
        "DBT_PROFILES_DIR": str(REPO_ROOT),
        config.BUILD_DB_ENV: str(layout.build_db),
        config.RAW_PARQUET_ENV: str(layout.raw_parquet_dir),
    }
    parse = [str(DBT_EXECUTABLE), "--log-format", "json", "--log-level", "debug", "parse"]
    parse += ["--target-path", str(target), "--log-path", str(tmp_path)]
    result = subprocess.run(
        parse, cwd=config.DBT_PROJECT_DIR, env=environment, capture_output=True, text=True
    )

    assert result.returncode == 0, result.stdout[-2000:]
    events = [json.loads(line)["info"] for line in result.stdout.splitlines() if line[:1] == "{"]
    assert FULL_PARSE not in {event["code"] for event in events}
    parsing = [e["msg"] for e in events if e["msg"].startswith("Partial parsing enabled")]
    assert parsing == [
        "Partial parsing enabled: 0 files deleted, 0 files added, 0 files changed.",
        "Partial parsing enabled, no changes found, skipping parsing",
    ]
