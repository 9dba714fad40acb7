"""What `barometre run` shows while its steps run, and its log file.

In a terminal, one live progress line per stage (dbt: models and tests done out of the total,
failures so far; the quality gate: checks done out of the total), replaced by one line when the
stage ends. Piped (not a terminal), one line when a stage starts, a few progress lines for the
long ones, one when it ends. Every message, dbt's whole output and each check's detail go to the
run's log file (`<warehouse>/logs/<run id>.log`); the screen gets them with --verbose.
"""

from __future__ import annotations

import io
import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import TextIO

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

from orchestration.progress import CheckOutcome

# Run logs kept per warehouse (each a few hundred kB; dbt's own log is logs/dbt.log)
KEPT_RUN_LOGS = 20
# dagster-dbt's messages in the steps that run dbt commands, for the log only
_DBT_COMMAND_MESSAGES = ("Running dbt command", "Finished dbt command")
_MILESTONES = (0.25, 0.5, 0.75)  # piped output: one progress line at each
_MILESTONE_MINIMUM = 20  # of assets and checks: shorter steps have no progress line


def run_log_path(logs_dir: Path, run_id: str) -> Path:
    return logs_dir / f"{run_id}.log"


def prune_run_logs(logs_dir: Path, keep: int = KEPT_RUN_LOGS) -> None:
    """Remove all but the `keep` latest run logs (dbt's own log, dbt.log, is not one)."""
    logs = [p for p in logs_dir.glob("*.log") if p.name.count("-") == 4]
    for old in sorted(logs, key=lambda p: p.stat().st_mtime)[:-keep]:
        old.unlink(missing_ok=True)


@dataclass(frozen=True)
class StageWork:
    """What a stage (a Dagster step) has to do: its assets and its checks."""

    assets: int
    checks: int


@dataclass
class _Stage:
    work: StageWork
    started: float = field(default_factory=time.monotonic)
    assets: int = 0
    checks: list[CheckOutcome] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    milestones: list[float] = field(default_factory=lambda: list(_MILESTONES))
    task: TaskID | None = None

    @property
    def done(self) -> int:
        return self.assets + len(self.checks)

    @property
    def failed(self) -> list[CheckOutcome]:
        return [check for check in self.checks if not check.passed]


class _LineWriter(io.TextIOBase):
    """A text stream handing each complete line to a callback (dbt's output, via stdout)."""

    def __init__(self, on_line: Callable[[str], None]) -> None:
        super().__init__()
        self._on_line = on_line
        self._pending = ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        *lines, self._pending = (self._pending + text).split("\n")
        for line in lines:
            self._on_line(line)
        return len(text)

    def flush(self) -> None:
        if self._pending:
            self._on_line(self._pending)
            self._pending = ""


class RunDisplay:
    """Observes a run's steps (orchestration.progress.StepObserver) for the screen and the log."""

    def __init__(
        self,
        console: Console,
        log: TextIO,
        work: dict[str, StageWork],
        dbt_step: str,
        verbose: bool = False,
    ) -> None:
        self.console = console
        self.dbt_step = dbt_step  # whose messages are dagster-dbt's: for the log only
        self.log = log
        self.verbose = verbose
        self.live = console.is_terminal
        self.stages: dict[str, _Stage] = {}
        self._work = work
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(bar_width=24),
            TextColumn("{task.fields[counts]}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            redirect_stdout=False,  # stdout is the run's log while it runs (dbt writes there)
            redirect_stderr=False,
        )
        self.output = _LineWriter(self._library_output)

    def __enter__(self) -> RunDisplay:
        if self.live:
            self._progress.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.output.flush()
        if self.live:
            self._progress.stop()
        self.log.flush()

    # what the screen shows
    def print(self, text: str, style: str | None = None) -> None:
        """A line for the screen and the log (not markup: paths and messages hold brackets)."""
        self.console.print(text, style=style, markup=False, highlight=False, soft_wrap=True)
        self.write_log(text)

    def _print_markup(self, markup: str, plain: str) -> None:
        self.console.print(markup, highlight=False, soft_wrap=True)
        self.write_log(plain)

    def write_log(self, text: str) -> None:
        self.log.write(f"{datetime.now():%H:%M:%S} {text}\n")

    # StepObserver
    def step_started(self, step: str) -> None:
        stage = self.stages[step] = _Stage(self._work.get(step, StageWork(0, 0)))
        if self.live:
            total = stage.work.assets + stage.work.checks or None
            stage.task = self._progress.add_task(step, total=total, counts="")
            self.write_log(f"▶ {step}")
        else:
            self._print_markup(f"[cyan]▶[/cyan] {step}", f"▶ {step}")

    def asset_materialized(self, step: str) -> None:
        self.stages[step].assets += 1
        self._advance(step)

    def check_evaluated(self, check: CheckOutcome) -> None:
        stage = self.stages[check.step]
        stage.checks.append(check)
        outcome = "passed" if check.passed else "FAILED"
        self.write_log(f"check {check.name} on {check.asset}: {outcome}")
        if check.description:
            self.log.write(check.description + "\n")
        if self.verbose:
            mark = "[green]✔[/green]" if check.passed else "[red]✘[/red]"
            self.console.print(
                f"  {mark} {escape(check.name)} on {escape(check.asset)}", soft_wrap=True
            )
        self._advance(check.step)

    def message(self, step: str, level: int, text: str) -> None:
        """The project's messages (a wave loaded, a release published, rows a check reports)
        and warnings are shown; errors are the failure's, which the run reports at its end."""
        self.write_log(f"{step}: {text}")
        library = step == self.dbt_step or text.startswith(_DBT_COMMAND_MESSAGES)
        if library or level not in (logging.INFO, logging.WARNING):
            return
        stage = self.stages.get(step)
        if self.live and stage is not None:
            stage.messages.append(text)  # shown under the stage's line when it ends
        else:
            self.print(f"    {step}: {text}")

    def step_ended(self, step: str, outcome: str) -> None:
        stage = self.stages[step]
        if stage.task is not None:
            self._progress.remove_task(stage.task)
        elapsed = time.monotonic() - stage.started
        mark = {"succeeded": "[green]✔[/green]", "failed": "[red]✘[/red]"}
        summary = _stage_summary(stage, self.dbt_step)
        line = f"{step} ({elapsed:.1f} s)" + (f": {summary}" if summary else "")
        if outcome == "skipped":
            self._print_markup(f"[yellow]–[/yellow] {step} skipped", f"– {step} skipped")
        else:
            self._print_markup(f"{mark[outcome]} {escape(line)}", f"{outcome}: {line}")
        for text in stage.messages:
            self.print(f"    {text}")

    # progress
    def _advance(self, step: str) -> None:
        stage = self.stages[step]
        if stage.task is not None:
            self._progress.update(stage.task, completed=stage.done, counts=_counts(stage))
            return
        total = stage.work.assets + stage.work.checks
        passed = [m for m in stage.milestones if stage.done >= m * total]
        if passed and total >= _MILESTONE_MINIMUM:
            del stage.milestones[: len(passed)]
            self.print(f"    {step}: {_counts(stage)}")

    def _library_output(self, line: str) -> None:
        """What the libraries print while the steps run (dbt's output): the log, and the screen
        with --verbose."""
        self.log.write(line + "\n")
        if self.verbose:
            self.console.print(line, markup=False, highlight=False, soft_wrap=True)


def _counts(stage: _Stage) -> str:
    parts = []
    if stage.work.assets:
        parts.append(f"{stage.assets}/{stage.work.assets} assets")
    if stage.work.checks:
        parts.append(f"{len(stage.checks)}/{stage.work.checks} checks")
    if stage.failed:
        parts.append(f"{len(stage.failed)} failed")
    return ", ".join(parts)


def check_kind(check: CheckOutcome, dbt_step: str) -> str:
    """How a stage's end line groups its checks."""
    if check.name.endswith("_expectations"):
        return "expectation suites"
    if check.step == dbt_step:
        return "dbt tests"
    return check.name


def _stage_summary(stage: _Stage, dbt_step: str) -> str:
    """e.g. "50 assets, 239 checks passed (dbt tests 239)", "1 of 52 checks failed (...)"."""
    parts = [f"{stage.assets} assets"] if stage.work.checks and stage.work.assets else []
    if stage.checks:
        totals = Counter(check_kind(check, dbt_step) for check in stage.checks)
        failed = Counter(check_kind(check, dbt_step) for check in stage.failed)
        if failed:
            kinds = [f"{kind}: {failed[kind]} of {totals[kind]} failed" for kind in failed]
            parts.append(f"{len(stage.failed)} of {len(stage.checks)} checks failed")
        else:
            kinds = [f"{kind} {total}" for kind, total in totals.items()]
            parts.append(f"{len(stage.checks)} checks passed")
        parts[-1] += f" ({', '.join(kinds)})"
    return ", ".join(parts)
