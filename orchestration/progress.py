"""A Dagster logger that prints a concise progress display for `barometre run`."""

import logging
import time

import dagster as dg
from rich.console import Console

_console = Console(highlight=False, stderr=True)


class _ProgressHandler(logging.Handler):
    """Prints one line when a step starts, ends or fails, and for each check and asset log."""

    def __init__(self) -> None:
        super().__init__()
        self._started: dict[str, float] = {}

    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", {}) or {}
        event = meta.get("dagster_event")
        step = meta.get("step_key") or ""
        if event is None:
            if record.levelno == logging.INFO and step and not step.endswith("dbt_models"):
                _console.print(f"    {step}: {meta.get('orig_message', record.getMessage())}")
            return
        if event.is_step_start:
            self._started[step] = time.monotonic()
            _console.print(f"[cyan]▶[/cyan] {step}")
        elif event.is_step_success:
            elapsed = time.monotonic() - self._started.get(step, time.monotonic())
            _console.print(f"[green]✔[/green] {step} ({elapsed:.1f} s)")
        elif event.is_step_failure:
            _console.print(f"[red]✘[/red] {step}")
        elif event.is_step_skipped:
            _console.print(f"[yellow]–[/yellow] {step} skipped")
        elif event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.event_specific_data
            mark = "[green]✔[/green]" if evaluation.passed else "[red]✘[/red]"
            _console.print(f"  {mark} check {evaluation.check_name}")


@dg.logger(description="Concise progress lines for the barometre CLI")
def progress_logger(init_context: dg.InitLoggerContext) -> logging.Logger:
    logger = logging.Logger("barometre_progress", level=logging.DEBUG)
    logger.addHandler(_ProgressHandler())
    return logger


def step_timings(instance: dg.DagsterInstance, run_id: str) -> list[dict[str, object]]:
    """Each step of a run with its start and end (Unix time, from the run's event log)."""
    steps: dict[str, dict[str, object]] = {}
    for entry in instance.all_logs(run_id):
        event = entry.dagster_event
        if event is None or not event.step_key:
            continue
        step = steps.setdefault(event.step_key, {"step": event.step_key})
        if event.is_step_start:
            step["start"] = entry.timestamp
        elif event.is_step_success or event.is_step_failure or event.is_step_skipped:
            step["end"] = entry.timestamp
            step["status"] = event.event_type_value
    return [step for step in steps.values() if "start" in step and "end" in step]
