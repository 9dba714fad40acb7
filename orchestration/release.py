"""The published warehouse as a Dagster asset: the audited marts become a release, only when the
quality gate's verdict on the build holds every check, all passed."""

from functools import partial

import dagster as dg
from dagster_dbt import DbtCliResource

from barometre.errors import BarometreError
from barometre.release.publish import publish_marts
from barometre.release.run_state import record_successful_run
from barometre.releases import DOCS_FOLDER, DOCS_INDEX
from orchestration.dbt.assets import MART_KEYS, start_dbt_docs
from orchestration.dbt.manifest import mart_descriptions
from orchestration.gate import REQUIRED_CHECKS
from orchestration.partitions import RANGE_END_TAG, RANGE_START_TAG, SURVEY_WAVES
from orchestration.resources import BUILD_DB_POOL, BarometreSettings


@dg.asset(group_name="published", deps=MART_KEYS, kinds={"duckdb", "parquet"}, pool=BUILD_DB_POOL)
def published_warehouse(
    context: dg.AssetExecutionContext, barometre: BarometreSettings, dbt: DbtCliResource
) -> dg.MaterializeResult:
    """The current release: `<warehouse>/barometre.duckdb` (opened read-only by BI tools),
    `<warehouse>/current/parquet/` and the dbt docs site `<warehouse>/current/docs/index.html`, the
    audited marts published atomically as a new release (only when their content changed)."""
    layout = barometre.layout
    try:
        with barometre.run_lock(context.log):
            result = publish_marts(
                layout,
                REQUIRED_CHECKS,
                partial(start_dbt_docs, dbt, layout),
                barometre.revised_waves,
                barometre.keep_releases,
                mart_descriptions(),
            )
            if _whole_refresh(context):
                # every wave loaded, every model built, every check passed: later runs of the
                # same inputs are no-ops (the CLI stops before Dagster, the schedule and the
                # sensor skip them)
                record_successful_run(barometre.run_inputs())
    except BarometreError as error:
        raise dg.Failure(description=str(error)) from error
    if result.status == "published":
        context.log.info(
            f"published release {result.release.release_id} ({result.release.origin} data)"
        )
    else:
        context.log.info(f"unchanged: release {result.release.release_id} is current")
    return dg.MaterializeResult(
        metadata={
            "status": result.status,
            "release_id": result.release.release_id,
            "path": dg.MetadataValue.path(str(layout.published_db)),
            "docs": dg.MetadataValue.path(
                str(layout.releases_dir / result.release.release_id / DOCS_FOLDER / DOCS_INDEX)
            ),
            "fingerprint": result.release.fingerprint,
            "origin": result.release.origin,
            **{f"rows.{table}": count for table, count in result.release.row_counts.items()},
        }
    )


def _whole_refresh(context: dg.AssetExecutionContext) -> bool:
    """Whether this run materialised every asset and check over every survey wave (the
    refresh job, "Materialize all"), not a part of them."""
    run, graph = context.run, context.job_def.asset_layer.asset_graph
    every_asset, every_check = graph.get_all_asset_keys(), graph.asset_check_keys
    if not context.job_def.asset_layer.selected_asset_keys >= every_asset:
        return False
    # a run of the whole job has no selection (None, or empty when executed in process)
    if run.asset_selection and not run.asset_selection >= every_asset:
        return False
    if run.asset_check_selection and not run.asset_check_selection >= every_check:
        return False
    waves = context.instance.get_dynamic_partitions(SURVEY_WAVES.name)
    covered = (run.tags.get(RANGE_START_TAG), run.tags.get(RANGE_END_TAG))
    return not waves or covered == (waves[0], waves[-1])
