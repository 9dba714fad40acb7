"""Assets written in Python: the raw layer and the published warehouse."""

from collections.abc import Iterator

import dagster as dg
import duckdb

from barometre import settings
from barometre.errors import LandingError
from barometre.landing import discover_survey_waves
from barometre.publish import DEFAULT_KEEP_RELEASES, publish_marts
from barometre.raw_parquet import write_raw_parquet
from barometre.raw_store import RAW_TABLES, load_survey_wave
from barometre.snapshots import store_snapshots
from orchestration.dbt import barometre_dbt_models, mart_descriptions
from orchestration.resources import BarometreSettings, raw_table_specs

MART_KEYS = sorted(key for key in barometre_dbt_models.keys if key.path[0] == "marts")


@dg.multi_asset(specs=raw_table_specs(RAW_TABLES))
def raw_survey_exports(
    context: dg.AssetExecutionContext, barometre: BarometreSettings
) -> Iterator[dg.MaterializeResult]:
    """Every survey wave's LimeSurvey export and respondents_reference.csv, loaded as they are
    into the raw schema of the build database; unchanged files are not reloaded."""
    try:
        waves = discover_survey_waves(barometre.landing)
        barometre.layout.build_db.parent.mkdir(parents=True, exist_ok=True)
        with duckdb.connect(str(barometre.layout.build_db)) as connection:
            loads = [load_survey_wave(connection, wave) for wave in waves]
            write_raw_parquet(connection, RAW_TABLES, barometre.layout.raw_parquet_dir)
    except LandingError as error:
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


@dg.asset(group_name="published", deps=MART_KEYS, kinds={"duckdb", "parquet"})
def published_warehouse(
    context: dg.AssetExecutionContext, barometre: BarometreSettings
) -> dg.MaterializeResult:
    """The current release: <warehouse>/barometre.duckdb (opened read-only by BI tools) and
    <warehouse>/current/parquet/, the audited marts published atomically as a new release
    (only when their content changed)."""
    layout = barometre.layout
    result = publish_marts(
        layout,
        barometre.revised_waves,
        settings.keep_releases(DEFAULT_KEEP_RELEASES),
        mart_descriptions(),
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
            "fingerprint": result.release.fingerprint,
            **{f"rows.{table}": count for table, count in result.release.row_counts.items()},
        }
    )
