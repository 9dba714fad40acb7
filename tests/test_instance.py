"""A warehouse's Dagster instance: created on first use with the project's settings, runs of a
killed `barometre run` closed, only the latest runs kept, the CLI's events stored in the files
`dagster dev` reads (unless the settings choose another storage)."""

from __future__ import annotations

from pathlib import Path
from uuid import uuid4

import dagster as dg
from dagster._core.instance.ref import InstanceRef
from dagster._core.storage.event_log import SqliteEventLogStorage

from barometre.config import WarehouseLayout
from orchestration.event_log import RunScopedSqliteEventLogStorage
from orchestration.instance import (
    CLI,
    INSTANCE_SETTINGS,
    SETTINGS_TEMPLATE,
    STARTED_BY_TAG,
    cli_instance,
    close_interrupted_runs,
    instance_dir,
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


def test_the_cli_s_events_are_read_by_dagster_s_own_storage(tmp_path: Path) -> None:
    """`barometre run` keeps its connections for the run; `dagster dev` (Dagster's own SQLite
    storage on the same folder) reads what it stored: a run's events and the cross-run index."""
    layout = WarehouseLayout(tmp_path)
    with cli_instance(layout) as instance:
        assert isinstance(instance.event_log_storage, RunScopedSqliteEventLogStorage)
        run_id = _add_run(instance, dg.DagsterRunStatus.STARTED, {STARTED_BY_TAG: CLI})
        for _ in range(3):
            instance.report_runless_asset_event(dg.AssetMaterialization("survey_results"))
        close_interrupted_runs(instance)

    with dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(layout.dagster_dir))) as ui:
        assert type(ui.event_log_storage) is SqliteEventLogStorage
        events = [entry.dagster_event_type for entry in ui.all_logs(run_id)]
        assert events == [dg.DagsterEventType.RUN_FAILURE]
        assert ui.get_run_by_id(run_id).status == dg.DagsterRunStatus.FAILURE
        materialisations = ui.fetch_materializations(dg.AssetKey("survey_results"), limit=10)
        assert len(materialisations.records) == 3


def test_a_storage_chosen_in_the_settings_is_kept(tmp_path: Path) -> None:
    layout = WarehouseLayout(tmp_path / "warehouse")
    settings = instance_dir(layout) / INSTANCE_SETTINGS
    storage = tmp_path / "storage"
    with settings.open("a", encoding="utf-8") as file:
        file.write(f"storage:\n  sqlite:\n    base_dir: {storage}\n")
    with cli_instance(layout) as instance:
        assert type(instance.event_log_storage) is SqliteEventLogStorage
        _add_run(instance, dg.DagsterRunStatus.SUCCESS, {})
    assert (storage / "history" / "runs.db").is_file(), "runs are stored where the settings say"
