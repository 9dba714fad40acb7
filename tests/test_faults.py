"""A run killed at any stage: the published release is never partial, and the next run
recovers without manual cleanup."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import PipelineRun, copy_warehouse, release_id_of, revised_sample, run_pipeline

# minutes of pipeline runs: started first, so that the test processes end together (conftest.py)
pytestmark = pytest.mark.scheduled_first(seconds=250)

# A line the run prints when it is inside each stage (piped: a line when a stage starts, and
# progress lines while dbt builds).
STAGE_MARKERS = {
    "raw load": "▶ raw_survey_exports",
    "dbt build": "barometre_dbt_models: ",
    "validation": "▶ quality_gate",
    "publication": "▶ published_warehouse",
}


def assert_current_release_is_whole(warehouse: Path) -> None:
    """barometre.duckdb is the current release's file, complete and consistent with it."""
    release_folder = (warehouse / "current").resolve()
    described = json.loads((release_folder / "release.json").read_text(encoding="utf-8"))
    published = warehouse / "barometre.duckdb"
    assert os.path.samefile(published, release_folder / "barometre.duckdb")
    with duckdb.connect(str(published), read_only=True) as connection:
        assert (
            connection.execute("select fingerprint from meta.release").fetchone()[0]
            == (described["fingerprint"])
        )
        for table, count in described["row_counts"].items():
            rows = connection.execute(f"select count(*) from marts.{table}").fetchone()[0]
            assert rows == count, table
            parquet = release_folder / "parquet" / f"{table}.parquet"
            assert connection.execute(f"select count(*) from '{parquet}'").fetchone()[0] == count


def kill_when(command: list[str], marker: str) -> int:
    """Start the CLI, kill it (and dbt, its child) with SIGKILL as soon as it prints marker."""
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200"},
    )
    assert process.stdout is not None
    for line in process.stdout:
        if marker in line:
            os.killpg(process.pid, signal.SIGKILL)
            break
    return process.wait(timeout=120)


def test_runs_killed_at_each_stage_leave_a_whole_release_and_the_next_run_recovers(
    sample_run: PipelineRun, tmp_path: Path
) -> None:
    """The four kills chained on one warehouse (one full run instead of four): each run starts
    from what the killed one left, goes past the stage it was killed in and is killed in the
    next; after the kill during publication, a last run publishes."""
    warehouse = copy_warehouse(sample_run, tmp_path / "warehouse")
    first_release = release_id_of(warehouse / "barometre.duckdb")
    landing = revised_sample(tmp_path / "landing", warehouse / "barometre.duckdb")
    command = [sys.executable, "-m", "orchestration.cli", "run", "--landing", str(landing)]
    command += ["--warehouse", str(warehouse), "--revise", "2023"]

    for stage, marker in STAGE_MARKERS.items():
        returncode = kill_when(command, marker)

        assert returncode == -signal.SIGKILL, f"the run ended before reaching the {stage}"
        assert_current_release_is_whole(warehouse)

    rerun = run_pipeline(landing, warehouse, "--revise", "2023")

    assert rerun.returncode == 0, rerun.output
    assert_current_release_is_whole(warehouse)
    assert release_id_of(warehouse / "barometre.duckdb") != first_release
    leftovers = list(warehouse.glob(".*.tmp")) + list((warehouse / "releases").glob(".tmp-*"))
    assert not leftovers
