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
from barometre.raw_store import (
    RAW_TABLES,
    load_survey_wave,
    remove_survey_waves,
    survey_waves_loaded,
)
from barometre.wave_lifecycle import check_landing
from orchestration.checks import REQUIRED_CHECKS
from orchestration.dbt import MART_KEYS, mart_descriptions, write_dbt_docs
from orchestration.partitions import SURVEY_WAVES
from orchestration.resources import BUILD_DB_POOL, BarometreSettings, raw_table_specs


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
    unchanged files are not reloaded, waves gone from the landing are removed (a published one
    only when the run revises it)."""
    layout, landing = barometre.layout, barometre.landing
    try:
        with barometre.run_lock(context.log):
            in_landing = discover_survey_waves(landing)
            layout.build_db.parent.mkdir(parents=True, exist_ok=True)
            with connect(layout.build_db) as connection:
                origin = check_landing(
                    connection,
                    layout,
                    landing,
                    "survey",
                    [files.wave for files in in_landing],
                    barometre.revised_waves,
                )
                gone = sorted(set(survey_waves_loaded(connection)) - {f.wave for f in in_landing})
                remove_survey_waves(connection, gone)
                waves = _partition_waves(in_landing, context.partition_keys)
                loads = [load_survey_wave(connection, files, origin) for files in waves]
                write_raw_parquet(connection, "survey_loads", RAW_TABLES, layout.raw_parquet_dir)
    except BarometreError as error:
        raise dg.Failure(description=str(error)) from error
    for wave in gone:
        context.log.info(f"wave {wave}: gone from the landing, removed")
    for load in loads:
        context.log.info(f"wave {load.wave}: {load.status} ({load.row_count} responses)")
    metadata = {
        "landing": str(landing),
        "origin": origin,
        "waves": dg.MetadataValue.json(
            {str(load.wave): {"status": load.status, "responses": load.row_count} for load in loads}
            | {str(wave): {"status": "removed"} for wave in gone}
        ),
        "reloaded": sum(load.status == "loaded" for load in loads),
    }
    for table in RAW_TABLES:
        yield dg.MaterializeResult(asset_key=["raw", table], metadata=metadata)


def _partition_waves(
    waves: list[SurveyWaveFiles], partition_keys: Sequence[str]
) -> list[SurveyWaveFiles]:
    """The landing's waves the run asked for (a partition whose folder is gone was removed)."""
    return [wave for wave in waves if str(wave.wave) in partition_keys]


@dg.asset(group_name="published", deps=MART_KEYS, kinds={"duckdb", "parquet"}, pool=BUILD_DB_POOL)
def published_warehouse(
    context: dg.AssetExecutionContext, barometre: BarometreSettings, dbt: DbtCliResource
) -> dg.MaterializeResult:
    """The current release: <warehouse>/barometre.duckdb (opened read-only by BI tools),
    <warehouse>/current/parquet/ and the dbt docs site <warehouse>/current/docs/index.html, the
    audited marts published atomically as a new release (only when their content changed)."""
    layout = barometre.layout
    try:
        with barometre.run_lock(context.log):
            result = publish_marts(
                layout,
                REQUIRED_CHECKS,
                barometre.revised_waves,
                settings.keep_releases(DEFAULT_KEEP_RELEASES),
                mart_descriptions(),
                write_docs=partial(write_dbt_docs, dbt, layout),
            )
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
