"""What `barometre run` shows: in a real terminal (tmux, 120 × 40) one screen at most, dbt's
whole output in the run's log; piped, a few lines, one per event."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import time
from pathlib import Path

import pytest
from conftest import (
    REPO_ROOT,
    SAMPLE_LANDING,
    PipelineRun,
    copy_warehouse,
    pipeline_command,
    pipeline_environment,
    require_program,
)

SCREEN_LINES = 40
ANSI_OR_CARRIAGE_RETURN = re.compile(r"\x1b\[|\r")


def log_of(output: str) -> Path:
    return Path(re.search(r"^    log +(\S+\.log)$", output, re.M).group(1))


def run_in_tmux(command: list[str], socket: str, timeout: float = 600) -> tuple[str, str]:
    """Run a command in a 120 × 40 tmux pane; return everything it put on the screen, row by
    row, and with the rows the terminal wrapped joined again."""
    environment = {k: v for k, v in pipeline_environment().items() if k != "COLUMNS"}
    exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in environment.items())
    shell = f"cd {shlex.quote(str(REPO_ROOT))} && env -i {exports} TERM=xterm-256color "
    shell += f"{shlex.join(command)}; echo EXIT=$?; sleep {int(timeout)}"
    tmux = [require_program("tmux", "apt-get install tmux"), "-L", socket]

    def screen(*options: str) -> str:
        capture = [*tmux, "capture-pane", "-p", "-S", "-", "-E", "-", *options]
        return subprocess.run(capture, capture_output=True, text=True, check=True).stdout

    subprocess.run([*tmux, "new-session", "-d", "-x", "120", "-y", "40", shell], check=True)
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if "EXIT=" in screen():
                return screen(), screen("-J")
            time.sleep(2)
        pytest.fail(f"the run did not end in {timeout} s:\n{screen()}")
    finally:
        subprocess.run([*tmux, "kill-server"], check=False)


def test_a_run_in_a_terminal_fits_one_screen_and_logs_dbt(
    sample_run: PipelineRun, tmp_path: Path
) -> None:
    warehouse = copy_warehouse(sample_run, tmp_path / "warehouse")
    # another option than the last run's: the run builds again, it is not a no-op
    command = pipeline_command(SAMPLE_LANDING, warehouse, "--keep", "4")

    screen, joined = run_in_tmux(command, f"barometre-test-{os.getpid()}")

    shown = [line for line in screen.splitlines() if line.strip()]
    shown = shown[next(i for i, line in enumerate(shown) if "barometre run" in line) :]
    assert shown[-1] == "EXIT=0", screen
    assert len(shown) - 1 <= SCREEN_LINES, screen
    assert not [line for line in shown if " START " in line or "PASS" in line], "dbt's lines"
    assert "done in" in screen and "no change, release" in screen, screen
    dbt_step = re.search(
        r"✔ barometre_dbt_models \(\d+\.\d s\): \d+ assets, (\d+) checks passed", screen
    )
    assert dbt_step, screen
    log = log_of(joined).read_text(encoding="utf-8")
    # dbt's whole output: a line per node started and finished, and its closing summary
    done = re.search(r"Done\. PASS=(\d+) WARN=0 ERROR=0 SKIP=0 NO-OP=0 TOTAL=(\d+)", log)
    assert done and done.group(1) == done.group(2), log[-3000:]
    assert len(re.findall(r"\d+ of \d+ START ", log)) >= int(done.group(2)) > 0
    assert log.count("passed\n") >= int(dbt_step.group(1)) > 0, "every check's outcome"


def test_piped_output_is_short_and_line_oriented(sample_run: PipelineRun) -> None:
    lines = sample_run.output.splitlines()
    assert len(lines) <= SCREEN_LINES + 10, sample_run.output
    assert not ANSI_OR_CARRIAGE_RETURN.search(sample_run.output), "no terminal control"
    assert not [line for line in lines if " START " in line or "✔ check" in line]
    for stage in ("raw_survey_exports", "barometre_dbt_models", "quality_gate"):
        assert f"▶ {stage}" in lines
    assert log_of(sample_run.output).is_file()
