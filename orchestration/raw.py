"""The raw layer as Dagster assets: the survey waves (partitions) and the polls, loaded as they
are from the landing folder into the build database, which mirrors the landing."""

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import dagster as dg
import duckdb

from barometre.database import connect
from barometre.errors import BarometreError
from barometre.ingest.landing import SurveyWaveFiles, discover_survey_waves
from barometre.ingest.poll_file import PollWaveFile
from barometre.ingest.poll_loader import POLL_RAW_TABLES, discover_poll_waves, load_poll_waves
from barometre.ingest.raw_parquet import write_raw_parquet
from barometre.ingest.survey_loader import (
    RAW_TABLES,
    load_survey_wave,
    remove_survey_waves,
    survey_waves_loaded,
)
from barometre.ingest.wave_lifecycle import check_landing
from orchestration.partitions import SURVEY_WAVES
from orchestration.resources import BUILD_DB_POOL, BarometreSettings, raw_table_specs

W = TypeVar("W", SurveyWaveFiles, PollWaveFile)


@contextmanager
def _raw_layer(
    context: dg.AssetExecutionContext,
    barometre: BarometreSettings,
    kind: str,
    discover: Callable[[Path], list[W]],
) -> Iterator[tuple[duckdb.DuckDBPyConnection, str, list[W]]]:
    """The landing's `kind` waves, checked against the warehouse (origin, published waves
    gone), and the build database held for this step: yields the database, the landing's
    origin and its waves. A problem of the landing or the warehouse is the step's failure, in
    the project's own words."""
    layout, landing = barometre.layout, barometre.landing
    try:
        waves = discover(landing)
        with barometre.run_lock(context.log):
            layout.build_db.parent.mkdir(parents=True, exist_ok=True)
            with connect(layout.build_db) as connection:
                years = [wave.wave for wave in waves]
                revised = barometre.revised_waves
                origin = check_landing(connection, layout, landing, kind, years, revised)
                yield connection, origin, waves
    except BarometreError as error:
        raise dg.Failure(description=str(error)) from error


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
    with _raw_layer(context, barometre, "survey", discover_survey_waves) as (
        db,
        origin,
        in_landing,
    ):
        gone = sorted(set(survey_waves_loaded(db)) - {f.wave for f in in_landing})
        remove_survey_waves(db, gone)
        waves = _partition_waves(in_landing, context.partition_keys)
        loads = [load_survey_wave(db, files, origin) for files in waves]
        write_raw_parquet(db, "survey_loads", RAW_TABLES, barometre.layout.raw_parquet_dir)
    for wave in gone:
        context.log.info(f"wave {wave}: gone from the landing, removed")
    for load in loads:
        context.log.info(f"wave {load.wave}: {load.status} ({load.row_count} responses)")
    metadata = {
        "landing": str(barometre.landing),
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


@dg.multi_asset(specs=raw_table_specs(POLL_RAW_TABLES), pool=BUILD_DB_POOL)
def raw_poll_exports(
    context: dg.AssetExecutionContext, barometre: BarometreSettings
) -> Iterator[dg.MaterializeResult]:
    """Every poll wave's SPSS file (`<landing>/poll/<wave>/*.sav`) checked against its weight
    variable (seeds/poll_waves.csv) and value labels, then loaded as it is into the raw schema;
    unchanged files are not reloaded, a landing folder without poll/ loads no poll, and waves
    gone from the landing are removed (a published one only when the run revises it)."""
    with _raw_layer(context, barometre, "poll", discover_poll_waves) as (db, origin, waves):
        loads = load_poll_waves(db, waves, origin)
        write_raw_parquet(db, "poll_loads", POLL_RAW_TABLES, barometre.layout.raw_parquet_dir)
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
