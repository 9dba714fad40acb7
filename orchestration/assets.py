"""Assets written in Python: the raw layer and the published warehouse."""

from collections.abc import Iterator, Sequence
from functools import partial

import dagster as dg
from dagster_dbt import DbtCliResource

from barometre import settings
from barometre.database import connect
from barometre.errors import BarometreError
from barometre.landing import SurveyWaveFiles, discover_survey_waves
from barometre.publish import DEFAULT_KEEP_RELEASES, DOCS_FOLDER, DOCS_INDEX, publish_marts
from barometre.raw_parquet import write_raw_parquet
from barometre.raw_store import RAW_TABLES, load_survey_wave
from barometre.run_lock import warehouse_run_lock
from barometre.snapshots import store_snapshots
from orchestration.dbt import barometre_dbt_models, mart_descriptions, write_dbt_docs
from orchestration.partitions import SURVEY_WAVES
from orchestration.resources import BUILD_DB_POOL, BarometreSettings, raw_table_specs

MART_KEYS = sorted(key for key in barometre_dbt_models.keys if key.path[0] == "marts")


@dg.multi_asset(
    specs=raw_table_specs(RAW_TABLES),
    pool=BUILD_DB_POOL,
    partitions_def=SURVEY_WAVES,
    backfill_policy=dg.BackfillPolicy.single_run(),
)
def raw_survey_exports(
    context: dg.AssetExecutionContext, barometre: BarometreSettings
) -> Iterator[dg.MaterializeResult]:
    """The survey waves of the run (partitions), each a LimeSurvey export and its
    respondents_reference.csv, loaded as they are into the raw schema of the build database;
    unchanged files are not reloaded."""
    with warehouse_run_lock(barometre.layout.root, on_wait=context.log.warning):
        try:
            waves = _partition_waves(
                discover_survey_waves(barometre.landing), context.partition_keys
            )
            barometre.layout.build_db.parent.mkdir(parents=True, exist_ok=True)
            with connect(barometre.layout.build_db) as connection:
                loads = [load_survey_wave(connection, wave) for wave in waves]
                write_raw_parquet(
                    connection, "survey_loads", RAW_TABLES, barometre.layout.raw_parquet_dir
                )
        except BarometreError as error:
            raise dg.Failure(description=str(error)) from error
    for load in loads:
        context.log.info(f"wave {load.wave}: {load.status} ({load.row_count} responses)")
    metadata = {
        "landing": str(barometre.landing),
        "waves": dg.MetadataValue.json(
            {str(load.wave): {"status": load.status, "responses": load.row_count} for load in loads}
        ),
        "reloaded": sum(load.status == "loaded" for load in loads),
    }
    for table in RAW_TABLES:
        yield dg.MaterializeResult(asset_key=["raw", table], metadata=metadata)


def _partition_waves(
    waves: list[SurveyWaveFiles], partition_keys: Sequence[str]
) -> list[SurveyWaveFiles]:
    """The landing's waves the run asked for; a partition without its folder is an error."""
    by_key = {str(wave.wave): wave for wave in waves}
    missing = sorted(set(partition_keys) - set(by_key))
    if missing:
        raise dg.Failure(
            description=f"survey wave partition(s) {', '.join(missing)} have no folder in the "
            "landing's survey/ (expected survey/<wave>/ with its export)"
        )
    return [by_key[key] for key in sorted(partition_keys)]


@dg.asset(group_name="published", deps=MART_KEYS, kinds={"duckdb", "parquet"}, pool=BUILD_DB_POOL)
def published_warehouse(
    context: dg.AssetExecutionContext, barometre: BarometreSettings, dbt: DbtCliResource
) -> dg.MaterializeResult:
    """The current release: <warehouse>/barometre.duckdb (opened read-only by BI tools),
    <warehouse>/current/parquet/ and the dbt docs site <warehouse>/current/docs/index.html, the
    audited marts published atomically as a new release (only when their content changed)."""
    with warehouse_run_lock(barometre.layout.root, on_wait=context.log.warning):
        layout = barometre.layout
        result = publish_marts(
            layout,
            barometre.revised_waves,
            settings.keep_releases(DEFAULT_KEEP_RELEASES),
            mart_descriptions(),
            write_docs=partial(write_dbt_docs, dbt, layout),
            data_note=settings.synthetic_data_note(barometre.landing),
        )
        if result.status == "published":
            snapshotted = store_snapshots(layout, barometre.revised_waves)
            context.log.info(f"published release {result.release.release_id}")
            if snapshotted:
                context.log.info(f"published figures stored as snapshots: {', '.join(snapshotted)}")
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
            **{f"rows.{table}": count for table, count in result.release.row_counts.items()},
        }
    )
