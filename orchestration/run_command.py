"""`barometre run`: the no-op check, then every asset materialised in process on the warehouse's
Dagster instance, followed on screen and in the run's log, and what the run did."""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import uuid
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from barometre import config
from barometre.errors import BarometreError
from barometre.ingest.landing import discover_survey_waves, wave_folder_years
from barometre.release.run_lock import RunInProgressError, warehouse_run_lock
from barometre.release.run_state import RunInputs, unchanged_release
from barometre.releases import Release, current_release
from orchestration.engine_options import engine_settings
from orchestration.progress import CheckOutcome
from orchestration.release_views import print_run_summary
from orchestration.run_display import RunDisplay, StageWork, prune_run_logs, run_log_path

if TYPE_CHECKING:
    from dagster import DagsterEvent, ExecuteInProcessResult

_DAGSTER_WRAPPERS = {"DagsterExecutionStepExecutionError", "DagsterUserCodeExecutionError"}
# the exceptions whose message is the project's own, shown without their class name
_OWN_MESSAGE_CLASS = re.compile(
    r"(dagster\._core\.definitions\.events\.Failure|barometre\.[\w.]+): "
)


def run(arguments: argparse.Namespace) -> int:
    # the real standard output: while the steps run, sys.stdout is the run's log
    console = Console(file=sys.stdout, highlight=False)
    landing = arguments.landing.resolve()
    warehouse = config.WarehouseLayout(arguments.warehouse.resolve())
    console.print(
        f"[bold]barometre run[/bold]  landing: {landing}  warehouse: {warehouse.root}  "
        f"engine: {arguments.engine}",
        soft_wrap=True,
    )

    def say(message: str) -> None:
        console.print(message, markup=False, soft_wrap=True)

    try:
        # one run at a time on a warehouse, from the no-op check on
        with warehouse_run_lock(warehouse.root, arguments.wait, on_wait=say):
            return _run_locked(arguments, console, landing, warehouse)
    except RunInProgressError as error:
        console.print(str(error), style="red", markup=False, soft_wrap=True)
        return 1


def _run_locked(
    arguments: argparse.Namespace,
    console: Console,
    landing: Path,
    warehouse: config.WarehouseLayout,
) -> int:
    started = time.monotonic()
    inputs = RunInputs(
        landing, warehouse, tuple(arguments.revise), arguments.keep, arguments.engine
    )
    unchanged = unchanged_release(inputs)
    if unchanged is not None:
        _report_unchanged(console, inputs, unchanged, arguments.timings)
        return 0
    waves = wave_folder_years(landing)
    if not waves:
        try:
            discover_survey_waves(landing)  # says what is wrong with the landing's survey/
        except BarometreError as error:
            console.print(
                f"failed raw_survey_exports: {error}", style="red", markup=False, soft_wrap=True
            )
            return 1
    # the options are the run's settings (the Dagster resource's configuration)
    settings = {
        "landing_dir": str(landing),
        "warehouse_dir": str(warehouse.root),
        "revise": list(arguments.revise),
        "keep_releases": arguments.keep,
        **engine_settings(arguments),
    }
    before = current_release(warehouse)
    run_id = str(uuid.uuid4())
    log_path = run_log_path(warehouse.logs_dir, run_id)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    prune_run_logs(warehouse.logs_dir)
    with (
        open(log_path, "w", encoding="utf-8") as log,
        RunDisplay(console, log, *_stage_work(), arguments.verbose) as display,
    ):
        display.write_log(f"barometre run {run_id}: landing {landing}, settings {settings}")
        result = _execute(settings, waves, display, run_id, log_path, arguments.timings)
        if result.success and not _failed_checks(result):
            after = current_release(warehouse)
            print_run_summary(
                display.print, warehouse, before, after, run_id, time.monotonic() - started
            )
            return 0
        _report_failure(display, result, warehouse, before, log_path)
        return 1


def _report_unchanged(
    console: Console, inputs: RunInputs, release_id: str, timings: Path | None
) -> None:
    """What a run would have found: every wave unchanged, no new release."""
    console.print("nothing changed since the last successful run: Dagster and dbt not started")
    for wave in inputs.waves("survey"):
        console.print(f"    raw_survey_exports: wave {wave}: unchanged")
    for wave in inputs.waves("poll"):
        console.print(f"    raw_poll_exports: poll wave {wave}: unchanged")
    console.print(f"    published_warehouse: unchanged: release {release_id} is current")
    if timings is not None:
        _write_timings(timings, [])


def _stage_work() -> tuple[dict[str, StageWork], str]:
    """Each step's assets and checks, for the progress display, and the step running dbt."""
    from orchestration.dbt.assets import barometre_dbt_models
    from orchestration.definitions import defs

    work = {
        assets.node_def.name: StageWork(len(assets.keys), len(assets.check_keys))
        for assets in defs.resolve_asset_graph().assets_defs
        if assets.is_executable
    }
    return work, barometre_dbt_models.node_def.name


def _execute(
    settings: dict[str, object],
    waves: list[int],
    display: RunDisplay,
    run_id: str,
    log_path: Path,
    timings: Path | None,
) -> ExecuteInProcessResult:
    from orchestration.automation import refresh_job
    from orchestration.definitions import defs
    from orchestration.instance import (
        CLI,
        RUN_LOG_TAG,
        STARTED_BY_TAG,
        cli_instance,
        close_interrupted_runs,
        prepare,
        prune_runs,
    )
    from orchestration.progress import observer_logger, step_timings

    layout = config.WarehouseLayout(Path(str(settings["warehouse_dir"])))
    job = defs.resolve_job_def(refresh_job.name).with_logger_defs(
        {"barometre_progress": observer_logger(display)}
    )
    with cli_instance(layout) as instance:
        for interrupted in close_interrupted_runs(instance):
            display.write_log(f"run {interrupted} marked failed: its process was killed")
        # every survey wave of the landing is a partition, and this run covers them all
        tags = prepare(instance, waves) | {STARTED_BY_TAG: CLI, RUN_LOG_TAG: str(log_path)}
        # what the libraries print (dbt's output) goes to the run's log
        with redirect_stdout(display.output), redirect_stderr(display.output):
            result = job.execute_in_process(
                instance=instance,
                run_id=run_id,
                tags=tags,
                raise_on_error=False,
                run_config={
                    "resources": {"barometre": {"config": settings}},
                    "loggers": {"barometre_progress": {}},
                },
            )
        if timings is not None:
            _write_timings(timings, step_timings(instance, result.run_id))
        prune_runs(instance)
    return result


def _write_timings(path: Path, steps: list[dict[str, object]]) -> None:
    path.write_text(json.dumps({"steps": steps}, indent=2), encoding="utf-8")


def _failed_checks(result: ExecuteInProcessResult) -> list[str]:
    return [
        evaluation.check_name
        for evaluation in result.get_asset_check_evaluations()
        if not evaluation.passed
    ]


def _report_failure(
    display: RunDisplay,
    result: ExecuteInProcessResult,
    warehouse: config.WarehouseLayout,
    before: Release | None,
    log_path: Path,
) -> None:
    """The failed steps in the project's words, each failed check with its mart and rows, what
    is published, and where the whole log is."""
    for event in result.all_events:
        if event.is_step_failure:
            display.print(f"failed {event.step_key}: {_root_cause(event)}", style="red")
    failed: list[CheckOutcome] = [
        check for stage in display.stages.values() for check in stage.failed
    ]
    for check in failed:
        display.print(f"check failed {check.name} on {check.asset}", style="red")
        if check.description:
            display.print(check.description)
    release = current_release(warehouse)
    if release is not None and (before is None or before.release_id != release.release_id):
        display.print(f"release {release.release_id} was published before the run failed")
    else:
        state = f"still release {release.release_id}" if release else "not created"
        display.print(f"nothing published: {warehouse.published_db} is {state}", style="red")
    display.print(f"the run's whole log: {log_path}")


def _root_cause(event: DagsterEvent) -> str:
    """The user-facing error: Dagster wraps the step's exception in its own errors, and its
    message starts with its class name."""
    error = event.step_failure_data.error
    while error is not None and error.cls_name in _DAGSTER_WRAPPERS and error.cause is not None:
        error = error.cause
    if error is None:
        return "unknown error"
    message = error.message.strip()
    own = _OWN_MESSAGE_CLASS.match(message)
    return message[own.end() :] if own else message
