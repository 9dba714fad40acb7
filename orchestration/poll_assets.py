"""The public-opinion polls' raw layer: every wave's SPSS export loaded into the build database."""

from collections.abc import Iterator

import dagster as dg

from barometre.database import connect
from barometre.errors import BarometreError
from barometre.poll import POLL_RAW_TABLES, discover_poll_waves, load_poll_waves
from barometre.raw_parquet import write_raw_parquet
from barometre.wave_lifecycle import check_landing
from orchestration.resources import BUILD_DB_POOL, BarometreSettings, raw_table_specs


@dg.multi_asset(specs=raw_table_specs(POLL_RAW_TABLES), pool=BUILD_DB_POOL)
def raw_poll_exports(
    context: dg.AssetExecutionContext, barometre: BarometreSettings
) -> Iterator[dg.MaterializeResult]:
    """Every poll wave's SPSS file (<landing>/poll/<wave>/*.sav) checked against its weight
    variable (seeds/poll_waves.csv) and value labels, then loaded as it is into the raw schema;
    unchanged files are not reloaded, a landing folder without poll/ loads no poll, and waves
    gone from the landing are removed (a published one only when the run revises it)."""
    layout, landing = barometre.layout, barometre.landing
    try:
        with barometre.run_lock(context.log):
            waves = discover_poll_waves(landing)
            layout.build_db.parent.mkdir(parents=True, exist_ok=True)
            with connect(layout.build_db) as connection:
                origin = check_landing(
                    connection,
                    layout,
                    landing,
                    "poll",
                    [wave.wave for wave in waves],
                    barometre.revised_waves,
                )
                loads = load_poll_waves(connection, waves, origin)
                write_raw_parquet(connection, "poll_loads", POLL_RAW_TABLES, layout.raw_parquet_dir)
    except BarometreError as error:
        raise dg.Failure(description=str(error)) from error
    if not loads:
        context.log.info("no poll wave in the landing folder")
    for load in loads:
        context.log.info(f"poll wave {load.wave}: {load.status} ({load.row_count} respondents)")
    metadata = {
        "landing": str(barometre.landing),
        "waves": dg.MetadataValue.json(
            {
                str(load.wave): {"status": load.status, "respondents": load.row_count}
                for load in loads
            }
        ),
        "reloaded": sum(load.status != "unchanged" for load in loads),
    }
    for table in POLL_RAW_TABLES:
        yield dg.MaterializeResult(asset_key=["raw", table], metadata=metadata)
