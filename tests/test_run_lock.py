"""One run at a time on a warehouse: a second `barometre run` waits for the first or says that
a run is in progress, before touching anything."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from conftest import (
    SAMPLE_LANDING,
    PipelineRun,
    copy_warehouse,
    pipeline_command,
    pipeline_environment,
    run_pipeline,
    sha256,
)

from barometre.release.run_lock import warehouse_run_lock

# Another process holding the warehouse's run lock until its standard input is closed.
HOLDER = """
import sys
from pathlib import Path
from barometre.release.run_lock import warehouse_run_lock

with warehouse_run_lock(Path(sys.argv[1])):
    print("holding", flush=True)
    sys.stdin.read()
"""


def hold_lock(warehouse: Path) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(warehouse)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline() == "holding\n"
    return holder


def release(holder: subprocess.Popen[str]) -> None:
    assert holder.stdin is not None
    holder.stdin.close()
    assert holder.wait(timeout=30) == 0


def test_a_run_gives_up_when_another_holds_the_warehouse(
    sample_run: PipelineRun, tmp_path: Path
) -> None:
    warehouse = copy_warehouse(sample_run, tmp_path / "warehouse")
    published_before = sha256(warehouse / "barometre.duckdb")
    logs_before = sorted((warehouse / "logs").iterdir())
    holder = hold_lock(warehouse)
    try:
        run = run_pipeline(SAMPLE_LANDING, warehouse, "--wait", "1")
    finally:
        release(holder)

    assert run.returncode == 1, run.output
    waiting = rf"another run \(pid {holder.pid}, started \d\d:\d\d:\d\d\) is using {warehouse}; "
    assert re.search(waiting + "waiting up to 1 s", run.output), run.output
    assert re.search(
        rf"a run is already in progress on {warehouse} \(pid {holder.pid}, since "
        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\): try again when it ends",
        run.output,
    ), run.output
    assert "nothing changed" not in run.output, "the lock is taken before the no-op check"
    # gave up without starting Dagster: a run that starts it writes its log
    assert sorted((warehouse / "logs").iterdir()) == logs_before
    assert sha256(warehouse / "barometre.duckdb") == published_before


def test_a_waiting_run_proceeds_when_the_other_ends(
    sample_run: PipelineRun, tmp_path: Path
) -> None:
    warehouse = copy_warehouse(sample_run, tmp_path / "warehouse")
    holder = hold_lock(warehouse)
    try:
        waiting = subprocess.Popen(
            pipeline_command(SAMPLE_LANDING, warehouse, "--wait", "120"),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=pipeline_environment(),
        )
        assert waiting.stdout is not None
        seen = ""
        while "waiting up to" not in seen and (line := waiting.stdout.readline()):
            seen += line
    finally:
        release(holder)
    output = seen + waiting.stdout.read()

    assert waiting.wait(timeout=120) == 0, output
    assert f"is using {warehouse}; waiting up to 120 s" in seen, output
    assert "nothing changed since the last successful run" in output


def test_the_lock_is_reentrant_within_a_process_and_released_at_the_outer_end(
    tmp_path: Path,
) -> None:
    probe = [
        sys.executable,
        "-c",
        "import sys; from pathlib import Path; from barometre.release.run_lock import "
        "warehouse_run_lock as lock\nwith lock(Path(sys.argv[1]), wait=0): pass",
        str(tmp_path),
    ]
    with warehouse_run_lock(tmp_path, wait=0):
        with warehouse_run_lock(tmp_path, wait=0):  # a step run in process by the CLI
            pass
        still_held = subprocess.run(probe, capture_output=True, text=True, timeout=60)
    released = subprocess.run(probe, capture_output=True, text=True, timeout=60)

    assert still_held.returncode == 1
    assert f"a run is already in progress on {tmp_path}" in still_held.stderr
    assert released.returncode == 0, released.stderr
