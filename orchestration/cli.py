"""The `barometre` command line."""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape

from barometre import config
from barometre.errors import BarometreError
from barometre.ingest.landing import discover_survey_waves, wave_folder_years
from barometre.release.publish import (
    DEFAULT_KEEP_RELEASES,
    current_release,
    list_releases,
    switch_to,
)
from barometre.release.run_lock import DEFAULT_WAIT_SECONDS, RunInProgressError, warehouse_run_lock
from barometre.release.run_state import (
    RunInputs,
    follow_rollback,
    record_successful_run,
    unchanged_release,
)
from orchestration.engine_options import add_engine_arguments, engine_problem, engine_settings

if TYPE_CHECKING:
    from dagster import DagsterEvent, ExecuteInProcessResult

console = Console(highlight=False)
_DAGSTER_WRAPPERS = {"DagsterExecutionStepExecutionError", "DagsterUserCodeExecutionError"}
# the exceptions whose message is the project's own, shown without their class name
_OWN_MESSAGE_CLASS = re.compile(
    r"(dagster\._core\.definitions\.events\.Failure|barometre\.[\w.]+): "
)


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    arguments = parser.parse_args(argv)
    return arguments.handler(arguments)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="barometre", description="Build and publish the barometre data warehouse."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser(
        "run", help="materialise every asset (raw load, dbt, quality gate, publication)"
    )
    _landing_argument(run)
    _warehouse_argument(run)
    run.add_argument(
        "--revise",
        type=int,
        nargs="+",
        default=[],
        metavar="WAVE",
        help="allow this run to change figures already published for these waves",
    )
    run.add_argument(
        "--keep",
        type=int,
        default=DEFAULT_KEEP_RELEASES,
        metavar="N",
        help=f"releases to keep (default {DEFAULT_KEEP_RELEASES}; the current one is always kept)",
    )
    run.add_argument(
        "--timings",
        type=Path,
        default=None,
        metavar="FILE",
        help="write the start and end time of every step of the run to FILE (JSON)",
    )
    add_engine_arguments(run)
    _wait_argument(run)
    run.set_defaults(handler=_run)

    releases = commands.add_parser("releases", help="list the kept releases")
    _warehouse_argument(releases)
    releases.set_defaults(handler=_releases)

    rollback = commands.add_parser("rollback", help="make a kept release current again")
    rollback.add_argument("release", help="release id, as `barometre releases` lists it")
    _warehouse_argument(rollback)
    _wait_argument(rollback)
    rollback.set_defaults(handler=_rollback)

    report = commands.add_parser(
        "report", help="write the static HTML barometer from the published release"
    )
    _warehouse_argument(report)
    report.add_argument(
        "--out", type=Path, default=None, help="output folder (default: <warehouse>/report)"
    )
    report.set_defaults(handler=_report)

    sample = commands.add_parser("sample", help="write the synthetic sample landing folder")
    sample.add_argument(
        "out", type=Path, help="folder to write survey/<wave>/ and poll/<wave>/ into"
    )
    sample.set_defaults(handler=_sample)
    _wave_parser(commands)
    return parser


def _wave_parser(commands: argparse._SubParsersAction) -> None:
    wave = commands.add_parser(
        "wave", help="check a landing against the codebook, or draft a new wave's crosswalk rows"
    )
    wave_commands = wave.add_subparsers(dest="wave_command", required=True)
    check = wave_commands.add_parser(
        "check",
        help="list, per wave of the landing, what the codebook seeds lack or contradict "
        "(exit 1 when a run would be refused)",
    )
    draft = wave_commands.add_parser(
        "draft",
        help="propose the crosswalk rows of a wave the codebook does not know, and a review "
        "page (seeds/ is not edited)",
    )
    for command in (check, draft):
        _landing_argument(command)
        command.add_argument(
            "--seeds", type=Path, default=config.SEEDS_DIR, help="default: the project's seeds/"
        )
    draft.add_argument("--wave", type=int, required=True, metavar="YEAR", help="wave to draft")
    draft.add_argument(
        "--out", type=Path, metavar="DIR", help="folder for the draft (default: ./wave-YEAR-draft)"
    )
    check.set_defaults(handler=_wave_check)
    draft.set_defaults(handler=_wave_draft)


def _landing_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--landing",
        type=Path,
        default=config.SAMPLE_LANDING_DIR,
        help="landing folder holding survey/<wave>/ (default: the bundled synthetic sample)",
    )


def _warehouse_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--warehouse", type=Path, default=Path("warehouse"), help="default: ./warehouse"
    )


def _wait_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--wait",
        type=_seconds,
        default=DEFAULT_WAIT_SECONDS,
        metavar="SECONDS",
        help="when another run is using the warehouse, wait this long for it to end, then "
        f"give up (default {DEFAULT_WAIT_SECONDS})",
    )


def _seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1
    if not seconds >= 0:  # nan too
        raise argparse.ArgumentTypeError(f"expected a number of seconds >= 0, not {text!r}")
    return seconds


def _run(arguments: argparse.Namespace) -> int:
    problem = engine_problem(arguments)
    if problem is not None:
        console.print(problem, soft_wrap=True)
        return 1
    landing = arguments.landing.resolve()
    warehouse = config.WarehouseLayout(arguments.warehouse.resolve())
    console.print(
        f"[bold]barometre run[/bold]  landing: {landing}  warehouse: {warehouse.root}  "
        f"engine: {arguments.engine}"
    )
    try:
        # one run at a time on a warehouse, from the no-op check on
        with warehouse_run_lock(warehouse.root, arguments.wait, on_wait=_print_text):
            return _run_locked(arguments, landing, warehouse)
    except RunInProgressError as error:
        _print_error(error)
        return 1


def _run_locked(
    arguments: argparse.Namespace, landing: Path, warehouse: config.WarehouseLayout
) -> int:
    started = time.monotonic()
    inputs = RunInputs(
        landing, warehouse, tuple(arguments.revise), arguments.keep, arguments.engine
    )
    unchanged = unchanged_release(inputs)
    if unchanged is not None:
        _report_unchanged(inputs, unchanged, arguments.timings)
        return 0
    waves = wave_folder_years(landing)
    if not waves:
        try:
            discover_survey_waves(landing)  # says what is wrong with the landing's survey/
        except BarometreError as error:
            console.print(
                f"[red]failed[/red] raw_survey_exports: {escape(str(error))}", soft_wrap=True
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
    result = _execute_all_assets(settings, waves, arguments.timings)
    elapsed = time.monotonic() - started
    if result.success and not _failed_checks(result):
        record_successful_run(inputs)
        release = current_release(warehouse)
        release_id = release.release_id if release else "none"
        console.print(
            f"[green]done[/green] {warehouse.published_db} is release {release_id} "
            f"({elapsed:.1f} s)"
        )
        return 0
    _report_failure(result, warehouse)
    return 1


def _print_text(message: str) -> None:
    console.print(message, markup=False, soft_wrap=True)


def _print_error(error: BarometreError) -> None:
    console.print(str(error), style="red", markup=False, soft_wrap=True)


def _report_unchanged(inputs: RunInputs, release_id: str, timings: Path | None) -> None:
    """What a run would have found: every wave unchanged, no new release."""
    console.print("nothing changed since the last successful run: Dagster and dbt not started")
    for wave in inputs.waves("survey"):
        console.print(f"    raw_survey_exports: wave {wave}: unchanged")
    for wave in inputs.waves("poll"):
        console.print(f"    raw_poll_exports: poll wave {wave}: unchanged")
    console.print(f"    published_warehouse: unchanged: release {release_id} is current")
    if timings is not None:
        _write_timings(timings, [])


def _execute_all_assets(
    settings: dict[str, object], waves: list[int], timings: Path | None = None
) -> ExecuteInProcessResult:
    import dagster as dg

    from orchestration.definitions import defs
    from orchestration.partitions import register_waves
    from orchestration.progress import step_timings

    job = defs.resolve_implicit_global_asset_job_def()
    instance = dg.DagsterInstance.ephemeral()
    result = job.execute_in_process(
        instance=instance,
        # every survey wave of the landing is a partition, and this run covers them all
        tags=register_waves(instance, waves),
        raise_on_error=False,
        run_config={
            "resources": {"barometre": {"config": settings}},
            # a concise progress display instead of Dagster's full console log
            "loggers": {"barometre_progress": {}},
        },
    )
    if timings is not None:
        _write_timings(timings, step_timings(instance, result.run_id))
    return result


def _write_timings(path: Path, steps: list[dict[str, object]]) -> None:
    path.write_text(json.dumps({"steps": steps}, indent=2), encoding="utf-8")


def _failed_checks(result: ExecuteInProcessResult) -> list[str]:
    return [
        evaluation.check_name
        for evaluation in result.get_asset_check_evaluations()
        if not evaluation.passed
    ]


def _report_failure(result: ExecuteInProcessResult, warehouse: config.WarehouseLayout) -> None:
    for event in result.all_events:
        if event.is_step_failure:
            console.print(
                f"[red]failed[/red] {event.step_key}: {escape(_root_cause(event))}", soft_wrap=True
            )
    for evaluation in result.get_asset_check_evaluations():
        if not evaluation.passed:
            console.print(f"[red]check failed[/red] {evaluation.check_name}")
            if evaluation.description:
                console.print(evaluation.description, markup=False, soft_wrap=True)
    release = current_release(warehouse)
    state = f"still release {release.release_id}" if release else "not created"
    console.print(f"[red]nothing published[/red]: {warehouse.published_db} is {state}")


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


def _releases(arguments: argparse.Namespace) -> int:
    layout = config.WarehouseLayout(arguments.warehouse.resolve())
    current = current_release(layout)
    releases = list_releases(layout)
    if not releases:
        console.print(f"no release in {layout.releases_dir}")
    for release in releases:
        mark = "*" if current and release.release_id == current.release_id else " "
        rows = ", ".join(f"{table} {count}" for table, count in release.row_counts.items())
        origin = release.origin or "origin not recorded"
        console.print(
            f"{mark} {release.release_id}  {origin}  published {release.published_at}  {rows}"
        )
    return 0


def _rollback(arguments: argparse.Namespace) -> int:
    layout = config.WarehouseLayout(arguments.warehouse.resolve())
    try:
        with warehouse_run_lock(layout.root, arguments.wait, on_wait=_print_text):
            release = switch_to(layout, arguments.release)
            follow_rollback(layout, release.release_id)
    except BarometreError as error:
        _print_error(error)
        return 1
    console.print(f"{layout.published_db} is release {release.release_id} again")
    return 0


def _report(arguments: argparse.Namespace) -> int:
    from barometre.report.site import build_report

    layout = config.WarehouseLayout(arguments.warehouse.resolve())
    if not layout.published_db.exists():
        console.print(f"[red]no published release[/red]: {layout.published_db} does not exist")
        return 1
    out = (arguments.out or layout.root / "report").resolve()
    pages = build_report(layout.published_db, out)
    console.print(f"wrote {len(pages)} pages; open {pages[0]}", soft_wrap=True)
    return 0


def _sample(arguments: argparse.Namespace) -> int:
    from barometre.synthetic.landing import write_sample_landing

    for path in write_sample_landing(arguments.out):
        console.print(f"wrote {path}")
    return 0


def _wave_check(arguments: argparse.Namespace) -> int:
    from barometre.waves.check import check_landing, check_report

    try:
        findings = check_landing(arguments.landing.resolve(), arguments.seeds.resolve())
    except BarometreError as error:
        _print_error(error)
        return 1
    lines, refused = check_report(findings, arguments.seeds.resolve())
    for line in lines:
        _print_text(line)
    return 1 if refused else 0


def _wave_draft(arguments: argparse.Namespace) -> int:
    from barometre.waves.draft import draft_wave
    from barometre.waves.files import draft_report, write_draft

    out = (arguments.out or Path(f"wave-{arguments.wave}-draft")).resolve()
    seeds = arguments.seeds.resolve()
    try:
        draft = draft_wave(arguments.landing.resolve(), arguments.wave, seeds)
    except BarometreError as error:
        _print_error(error)
        return 1
    for line in draft_report(draft, write_draft(draft, out, seeds), seeds):
        _print_text(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
