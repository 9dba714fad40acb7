"""What a run's steps do, as `barometre run` follows it: a Dagster logger that hands each step's
start and end, its assets, its checks and its messages to an observer (the CLI's display)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # imported by a run (observer_logger), not by the CLI's no-op check
    import dagster as dg


@dataclass(frozen=True)
class CheckOutcome:
    """One asset check's result, as a run reports it."""

    step: str
    asset: str  # e.g. marts/survey_results
    name: str
    passed: bool
    description: str


class StepObserver(Protocol):
    def step_started(self, step: str) -> None: ...

    def step_ended(self, step: str, outcome: str) -> None:
        """outcome: "succeeded", "failed" or "skipped"."""

    def asset_materialized(self, step: str) -> None: ...

    def check_evaluated(self, check: CheckOutcome) -> None: ...

    def message(self, step: str, level: int, text: str) -> None: ...


class _ObserverHandler(logging.Handler):
    def __init__(self, observer: StepObserver) -> None:
        super().__init__()
        self._observer = observer

    def emit(self, record: logging.LogRecord) -> None:
        meta: dict[str, Any] = getattr(record, "dagster_meta", {}) or {}
        event: dg.DagsterEvent | None = meta.get("dagster_event")
        step = meta.get("step_key") or ""
        if event is None:
            if step:
                self._observer.message(step, record.levelno, meta.get("orig_message", ""))
        elif event.is_step_start:
            self._observer.step_started(step)
        elif event.is_step_success:
            self._observer.step_ended(step, "succeeded")
        elif event.is_step_failure:
            self._observer.step_ended(step, "failed")
        elif event.is_step_skipped:
            self._observer.step_ended(step, "skipped")
        elif event.is_step_materialization:
            self._observer.asset_materialized(step)
        elif event.event_type_value == "ASSET_CHECK_EVALUATION":  # a DagsterEventType value
            evaluation = event.event_specific_data
            self._observer.check_evaluated(
                CheckOutcome(
                    step=step,
                    asset=evaluation.asset_key.to_user_string(),
                    name=evaluation.check_name,
                    passed=evaluation.passed,
                    description=evaluation.description or "",
                )
            )


def observer_logger(observer: StepObserver) -> dg.LoggerDefinition:
    """A Dagster logger reporting a run's steps to `observer`."""
    import dagster as dg

    def build(_: dg.InitLoggerContext) -> logging.Logger:
        logger = logging.Logger("barometre_progress", level=logging.DEBUG)
        logger.addHandler(_ObserverHandler(observer))
        return logger

    return dg.LoggerDefinition(build, description="barometre run's progress display")


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
