"""A warehouse's Dagster instance: created on first use with the project's settings, runs of a
killed `barometre run` closed, only the latest runs kept."""

from __future__ import annotations

from pathlib import Path
from uuid import uuid4

import dagster as dg

from barometre.config import WarehouseLayout
from orchestration.instance import (
    CLI,
    INSTANCE_SETTINGS,
    SETTINGS_TEMPLATE,
    STARTED_BY_TAG,
    cli_instance,
    close_interrupted_runs,
    prune_runs,
)


def _add_run(
    instance: dg.DagsterInstance, status: dg.DagsterRunStatus, tags: dict[str, str]
) -> str:
    run = dg.DagsterRun(job_name="refresh_warehouse", run_id=str(uuid4()), status=status, tags=tags)
    instance.add_run(run)
    return run.run_id


def test_the_instance_is_created_on_first_use_with_the_project_settings(tmp_path: Path) -> None:
    layout = WarehouseLayout(tmp_path / "warehouse")
    with cli_instance(layout) as instance:
        assert instance.get_runs() == []
    settings = layout.dagster_dir / INSTANCE_SETTINGS
    assert settings.read_text(encoding="utf-8") == SETTINGS_TEMPLATE.read_text(encoding="utf-8")
    assert (layout.dagster_dir / "history").is_dir(), "runs are stored under the warehouse"


def test_runs_of_a_killed_barometre_run_are_closed_and_others_left(tmp_path: Path) -> None:
    with cli_instance(WarehouseLayout(tmp_path)) as instance:
        killed = _add_run(instance, dg.DagsterRunStatus.STARTED, {STARTED_BY_TAG: CLI})
        finished = _add_run(instance, dg.DagsterRunStatus.SUCCESS, {STARTED_BY_TAG: CLI})
        from_the_ui = _add_run(instance, dg.DagsterRunStatus.STARTED, {})

        assert close_interrupted_runs(instance) == [killed]

        statuses = {
            run_id: instance.get_run_by_id(run_id).status for run_id in instance.get_run_ids()
        }
    assert statuses == {
        killed: dg.DagsterRunStatus.FAILURE,
        finished: dg.DagsterRunStatus.SUCCESS,
        from_the_ui: dg.DagsterRunStatus.STARTED,
    }


def test_only_the_latest_runs_are_kept(tmp_path: Path) -> None:
    with cli_instance(WarehouseLayout(tmp_path)) as instance:
        finished = [_add_run(instance, dg.DagsterRunStatus.SUCCESS, {}) for _ in range(5)]
        in_progress = _add_run(instance, dg.DagsterRunStatus.STARTED, {})

        deleted = prune_runs(instance, keep=3)

        kept = set(instance.get_run_ids())
    assert sorted(deleted) == sorted(finished[:2])
    assert kept == {*finished[2:], in_progress}
