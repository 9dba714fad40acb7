"""The build database's concurrency pool, with the instance `dagster dev` starts from the
repository root (its dagster.yaml): one step at a time, whichever run it belongs to."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import dagster as dg
import pytest
from dagster._core.execution.plan.instance_concurrency_context import InstanceConcurrencyContext
from dagster._core.instance.config import PoolGranularity
from dagster._core.instance.ref import InstanceRef

from orchestration.resources import BUILD_DB_POOL

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def dev_instance(tmp_path: Path) -> Iterator[dg.DagsterInstance]:
    """What `dagster dev` run from the repository root uses: temporary storage, configured by the
    repository's dagster.yaml."""
    with dg.DagsterInstance.from_ref(
        InstanceRef.from_dir(str(tmp_path), config_dir=str(REPO_ROOT))
    ) as instance:
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
