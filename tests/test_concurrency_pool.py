"""The build database's concurrency pool, with a warehouse's instance as `dagster dev` uses it
(`barometre dev`): one step at a time, whichever run it belongs to; `barometre run`, which holds
the warehouse's run lock, claims no slot under it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import dagster as dg
import pytest
from dagster._core.execution.plan.instance_concurrency_context import InstanceConcurrencyContext
from dagster._core.instance.config import PoolGranularity
from dagster._core.instance.ref import InstanceRef

from barometre.config import WarehouseLayout
from orchestration.instance import cli_instance, instance_dir
from orchestration.resources import BUILD_DB_POOL


@pytest.fixture
def dev_instance(tmp_path: Path) -> Iterator[dg.DagsterInstance]:
    """What `barometre dev` gives `dagster dev`: the warehouse's instance (DAGSTER_HOME)."""
    folder = instance_dir(WarehouseLayout(tmp_path / "warehouse"))
    with dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(folder))) as instance:
        yield instance


def test_every_step_is_in_the_build_database_pool() -> None:
    from orchestration.definitions import defs

    job = defs.resolve_implicit_global_asset_job_def()
    pools = {node.name: node.definition.pool for node in job.graph.nodes}
    assert pools, "the asset job has no step"
    assert {name for name, pool in pools.items() if pool != BUILD_DB_POOL} == set()


def test_the_instance_limits_the_pool_to_one_step(dev_instance: dg.DagsterInstance) -> None:
    pools = dev_instance.get_concurrency_config().pool_config
    assert pools.default_pool_limit == 1
    assert pools.pool_granularity == PoolGranularity.OP


def test_a_second_run_waits_until_the_first_frees_the_pool(
    dev_instance: dg.DagsterInstance,
) -> None:
    step = "raw_survey_exports"
    first, second = (dg.DagsterRun(job_name="refresh_warehouse", run_id=str(uuid4())) for _ in "ab")
    with InstanceConcurrencyContext(dev_instance, first) as first_run:
        assert first_run.claim(BUILD_DB_POOL, step)
        with InstanceConcurrencyContext(dev_instance, second) as second_run:
            assert not second_run.claim(BUILD_DB_POOL, step)
        first_run.free_step(step)  # what the executor does when the step ends
    with InstanceConcurrencyContext(dev_instance, second) as second_run:
        assert second_run.claim(BUILD_DB_POOL, step)


def test_barometre_run_claims_no_slot_under_its_run_lock(
    dev_instance: dg.DagsterInstance, tmp_path: Path
) -> None:
    """A `dagster dev` step holding the slot waits for the run lock `barometre run` holds: were
    the CLI's steps to wait for the slot, neither would ever go on."""
    step = "raw_survey_exports"
    dev_run, cli_run = (
        dg.DagsterRun(job_name="refresh_warehouse", run_id=str(uuid4())) for _ in "ab"
    )
    with InstanceConcurrencyContext(dev_instance, dev_run) as dev_step:
        assert dev_step.claim(BUILD_DB_POOL, step)
        with (
            cli_instance(WarehouseLayout(tmp_path / "warehouse")) as instance,
            InstanceConcurrencyContext(instance, cli_run) as cli_step,
        ):
            assert cli_step.claim(BUILD_DB_POOL, step)
        with InstanceConcurrencyContext(dev_instance, cli_run) as same_run_as_dev_would:
            assert not same_run_as_dev_would.claim(BUILD_DB_POOL, step)
