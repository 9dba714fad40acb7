"""Assets written in Python: the raw layer and the published warehouse."""

from collections.abc import Iterator

import dagster as dg
import duckdb

from barometre.errors import LandingError
from barometre.landing import discover_survey_waves
from barometre.publish import publish_marts
from barometre.raw_store import RAW_TABLES, load_survey_wave
from orchestration.dbt import barometre_dbt_models
from orchestration.resources import BarometreSettings

MART_KEYS = sorted(key for key in barometre_dbt_models.keys if key.path[0] == "marts")


@dg.multi_asset(
    specs=[
        dg.AssetSpec(["raw", table], group_name="raw", kinds={"duckdb"}, skippable=False)
        for table in RAW_TABLES
    ],
)
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


@dg.asset(group_name="published", deps=MART_KEYS, kinds={"duckdb"})
def published_warehouse(
    context: dg.AssetExecutionContext, barometre: BarometreSettings
) -> dg.MaterializeResult:
    """<warehouse>/barometre.duckdb, the file BI tools open read-only: the audited marts,
    swapped in atomically (and only when their content changed)."""
    layout = barometre.layout
    result = publish_marts(layout.build_db, layout.published_db)
    context.log.info(f"{result.status}: {result.path}")
    return dg.MaterializeResult(
        metadata={
            "status": result.status,
            "path": dg.MetadataValue.path(str(result.path)),
            "fingerprint": result.fingerprint,
            **{f"rows.{table}": count for table, count in result.row_counts.items()},
        }
    )
