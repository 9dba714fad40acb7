"""The `barometre` command line."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from rich.console import Console

from barometre import config
from barometre.errors import BarometreError
from barometre.release.publish import DEFAULT_KEEP_RELEASES, switch_to
from barometre.release.run_lock import DEFAULT_WAIT_SECONDS, warehouse_run_lock
from barometre.release.run_state import follow_rollback
from barometre.releases import current_release, list_releases
from orchestration.engine_options import add_engine_arguments, engine_problem
from orchestration.garbage_collection import short_lived_process
from orchestration.release_views import releases_json, releases_table

console = Console(highlight=False)


def main(argv: list[str] | None = None) -> int:
    with short_lived_process():
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

    run.add_argument(
        "--verbose",
        action="store_true",
        help="show dbt's output and every check as they come (they are always in the run's log)",
    )

    releases = commands.add_parser("releases", help="list the kept releases")
    _warehouse_argument(releases)
    releases.add_argument("--json", action="store_true", help="as JSON, for scripts")
    releases.set_defaults(handler=_releases)

    dev = commands.add_parser(
        "dev", help="open the Dagster UI on the warehouse's instance (every run's history)"
    )
    _landing_argument(dev)
    _warehouse_argument(dev)
    dev.add_argument("--host", default="127.0.0.1", help="default: 127.0.0.1")
    dev.add_argument("--port", type=int, default=3000, help="default: 3000")
    dev.set_defaults(handler=_dev)

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
    from orchestration.run_command import run

    return run(arguments)


def _print_text(message: str) -> None:
    console.print(message, markup=False, soft_wrap=True)


def _print_error(error: BarometreError) -> None:
    console.print(str(error), style="red", markup=False, soft_wrap=True)


def _releases(arguments: argparse.Namespace) -> int:
    layout = config.WarehouseLayout(arguments.warehouse.resolve())
    current = current_release(layout)
    releases = list_releases(layout)
    if arguments.json:
        print(releases_json(releases, current))
    elif not releases:
        console.print(f"no release in {layout.releases_dir}", markup=False, soft_wrap=True)
    else:
        for line in releases_table(releases, current):
            _print_text(line)
    return 0


def _dev(arguments: argparse.Namespace) -> int:
    """`dagster dev` on the warehouse's instance (which it creates on first use)."""
    from orchestration.instance import instance_dir

    layout = config.WarehouseLayout(arguments.warehouse.resolve())
    environment = os.environ | {
        "DAGSTER_HOME": str(instance_dir(layout)),
        config.LANDING_ENV: str(arguments.landing.resolve()),
        config.WAREHOUSE_ENV: str(layout.root),
    }
    command = [str(Path(sys.executable).with_name("dagster")), "dev"]
    command += ["--host", arguments.host, "--port", str(arguments.port)]
    _print_text(f"Dagster UI on http://{arguments.host}:{arguments.port}, on {layout.dagster_dir}")
    # from the repository root: the code location is named in its pyproject.toml
    os.chdir(config.REPO_ROOT)
    os.execve(command[0], command, environment)


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
