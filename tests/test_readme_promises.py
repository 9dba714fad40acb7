"""README promises that need no pipeline run: `barometre sample` writes the bundled sample, the
schedule ticks daily at 06:00 from June to August,
the no-op check sees a change of the project."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from conftest import REPO_ROOT, SAMPLE_LANDING, copy_project, run_cli
from dagster._utils.schedules import cron_string_iterator  # what the schedule daemon uses

from barometre.project import PROJECT_INPUTS, tree_digest
from orchestration.automation import fieldwork_daily_refresh


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_barometre_sample_writes_the_bundled_sample(tmp_path: Path) -> None:
    """Every wave (2022, 2023, 2024), its reference files and the polls, byte for byte."""
    written = run_cli("sample", str(tmp_path / "landing"))

    assert written.returncode == 0, written.stdout + written.stderr
    fresh, bundled = files_of(tmp_path / "landing"), files_of(SAMPLE_LANDING)
    assert sorted(fresh) == sorted(bundled)
    assert {"survey/2022", "survey/2024", "poll/2022"} <= {name.rsplit("/", 1)[0] for name in fresh}
    drifted = [name for name in bundled if fresh[name] != bundled[name]]
    assert not drifted, f"sample_landing drifted from `barometre sample`: {drifted}"


def test_the_schedule_ticks_daily_at_six_from_june_to_august() -> None:
    schedule = fieldwork_daily_refresh
    start = datetime(2026, 1, 1).timestamp()
    ticks = cron_string_iterator(start, schedule.cron_schedule, schedule.execution_timezone)
    year = [next(ticks) for _ in range(30 + 31 + 31 + 1)]

    assert year[0].strftime("%Y-%m-%d %H:%M") == "2026-06-01 06:00"
    assert year[-2].strftime("%Y-%m-%d %H:%M") == "2026-08-31 06:00"
    assert year[-1].strftime("%Y-%m-%d %H:%M") == "2027-06-01 06:00"
    assert len({tick.date() for tick in year}) == len(year), "once a day"


@pytest.mark.parametrize(
    "changed",
    [
        "barometre/text.py",
        "orchestration/gate.py",
        "dbt_project/models/marts/survey_results.sql",
        "dbt_project/macros/ci95_quantiles.sql",
        "seeds/survey_groups.csv",
        "expectations/survey_results.json",
    ],
)
def test_the_no_op_check_sees_a_change_of_code_dbt_seeds_or_expectations(
    changed: str, tmp_path: Path
) -> None:
    """The project digest a run's no-op check compares (with the landing and the options)."""
    project = copy_project(tmp_path / "project")
    roots = [project / path.relative_to(REPO_ROOT) for path in PROJECT_INPUTS]
    before = tree_digest(roots, project)

    with open(project / changed, "a", encoding="utf-8") as handle:
        handle.write("\n")

    assert tree_digest(roots, project) != before
