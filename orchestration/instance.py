"""The Dagster instance of a warehouse, ``<warehouse>/dagster/``: `barometre run` and `dagster dev`
(`barometre dev`, `make dev`) share it, so every run, whoever started it, is in the UI's history
with its checks and materialisations.

It is created on first use with the settings of ``orchestration/dagster.yaml`` (the build
database's pool limited to one step, telemetry off); only the latest runs are kept, with their
event logs.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from copy import deepcopy
from pathlib import Path

import dagster as dg
import yaml
from dagster._core.definitions.definitions_load_context import DefinitionsLoadContext
from dagster._core.instance.ref import InstanceRef

from barometre import config
from barometre.ingest.landing import wave_folder_years
from orchestration.event_log import RunScopedSqliteEventLogStorage
from orchestration.partitions import sync_waves
from orchestration.resources import BUILD_DB_POOL

INSTANCE_SETTINGS = "dagster.yaml"
# what every warehouse's instance starts from
SETTINGS_TEMPLATE = Path(__file__).with_name(INSTANCE_SETTINGS)
# Runs kept with their event logs (a run of the sample stores about 6.5 MB of events, half of
# them in the instance's index): three weeks of the daily fieldwork schedule.
KEPT_RUNS = 20
# Tags of a run started by `barometre run`
STARTED_BY_TAG = "barometre/started_by"
CLI = "barometre run"
RUN_LOG_TAG = "barometre/run_log"
_UNFINISHED = [dg.DagsterRunStatus.NOT_STARTED, dg.DagsterRunStatus.STARTING]
_UNFINISHED += [dg.DagsterRunStatus.STARTED]
# settings that choose the instance's storage (its SQLite files unless one is given)
_STORAGE_KEYS = {"storage", "run_storage", "event_log_storage", "schedule_storage"}


def instance_dir(layout: config.WarehouseLayout) -> Path:
    """The warehouse's instance folder, with its settings (copied from the project's
    orchestration/dagster.yaml on first use: a setting changed there afterwards stays)."""
    folder = layout.dagster_dir
    folder.mkdir(parents=True, exist_ok=True)
    settings = folder / INSTANCE_SETTINGS
    if not settings.exists():
        temporary = settings.with_suffix(".tmp")
        shutil.copyfile(SETTINGS_TEMPLATE, temporary)
        temporary.replace(settings)
    return folder


@contextmanager
def cli_instance(layout: config.WarehouseLayout) -> Iterator[dg.DagsterInstance]:
    """The warehouse's instance as `barometre run` uses it, which executes its steps in process,
    one after the other, holding the warehouse's run lock for the whole run. Two settings differ
    from `dagster dev`'s: the pool is enforced per run, not per step (which skips the slot
    claims of a run executed in process: claiming a slot under the run lock would wait for a
    `dagster dev` step holding the slot while it waits for the lock, a deadlock), and the steps'
    output is not captured (the CLI writes the run's log itself). On the default SQLite storage,
    the run's events go through connections kept for the run (orchestration/event_log.py)."""
    folder = instance_dir(layout)
    settings = yaml.safe_load((folder / INSTANCE_SETTINGS).read_text(encoding="utf-8")) or {}
    concurrency = deepcopy(settings.get("concurrency", {}))
    concurrency.setdefault("pools", {})["granularity"] = "run"
    overrides = {
        "concurrency": concurrency,
        "compute_logs": {
            "module": "dagster._core.storage.noop_compute_log_manager",
            "class": "NoOpComputeLogManager",
        },
    }
    if not _STORAGE_KEYS & settings.keys():
        overrides["event_log_storage"] = {
            "module": RunScopedSqliteEventLogStorage.__module__,
            "class": RunScopedSqliteEventLogStorage.__name__,
            "config": {"base_dir": str(folder / "history" / "runs")},
        }
    ref = InstanceRef.from_dir(str(folder), overrides=overrides)
    with dg.DagsterInstance.from_ref(ref) as instance:
        yield instance


def prepare(instance: dg.DagsterInstance, waves: Sequence[int]) -> dict[str, str]:
    """What the UI shows before any run: the build database's pool with its limit, and the
    landing's survey waves as partitions (as the landing sensor keeps them). Returns the tags
    of a run over every wave."""
    if instance.event_log_storage.supports_global_concurrency_limits:
        instance.event_log_storage.initialize_concurrency_limit_to_default(BUILD_DB_POOL)
    return sync_waves(instance, waves)


def prepare_loading_instance() -> None:
    """When a Dagster code server loads the code location (`dagster dev`), its instance shows
    the pool and the landing's waves as partitions at once, before the landing sensor's first
    tick. A plain import of the definitions (the CLI, the tests) changes no instance."""
    if DefinitionsLoadContext.is_set() and os.environ.get("DAGSTER_HOME"):
        with dg.DagsterInstance.get() as instance:
            prepare(instance, wave_folder_years(config.default_landing()))


def close_interrupted_runs(instance: dg.DagsterInstance) -> list[str]:
    """Mark as failed the runs of `barometre run` that never ended (a killed process). Called
    under the warehouse's run lock, which every such run holds until it ends: any still marked
    in progress is dead."""
    records = instance.get_run_records(
        dg.RunsFilter(statuses=_UNFINISHED, tags={STARTED_BY_TAG: CLI})
    )
    for record in records:
        instance.report_run_failed(
            record.dagster_run,
            message="the barometre run process ended before the run did (killed)",
        )
    return [record.dagster_run.run_id for record in records]


def prune_runs(instance: dg.DagsterInstance, keep: int = KEPT_RUNS) -> list[str]:
    """Delete the runs older than the `keep` latest, with their event logs (the assets' latest
    materialisations belong to recent runs)."""
    old = instance.get_run_records(
        dg.RunsFilter(statuses=[s for s in dg.DagsterRunStatus if s not in _UNFINISHED])
    )[keep:]
    for record in old:
        instance.delete_run(record.dagster_run.run_id)
    return [record.dagster_run.run_id for record in old]
