"""The raw load steps alone, run by Dagster in process as `barometre run` runs them: a bad
landing file is refused there, before anything else runs, so most bad-input tests need no whole
run in a process of its own (one or two keep that end to end: the run's own words on screen)."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb

from barometre import config
from orchestration.partitions import SURVEY_WAVES
from orchestration.raw import raw_poll_exports, raw_survey_exports
from orchestration.resources import BarometreSettings

WAVE = "2023"  # the survey partition loaded: the wave the tests damage


def raw_step(landing: Path, warehouse: Path, kind: str = "survey", *revise: int) -> str | None:
    """Run the raw load of `kind` (survey: the 2023 partition) on the warehouse; return its
    failure's message in the project's words, None when it succeeded."""
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions(SURVEY_WAVES.name, [WAVE])
    settings = BarometreSettings(
        landing_dir=str(landing), warehouse_dir=str(warehouse), revise=list(revise)
    )
    survey = kind == "survey"
    result = dg.materialize(
        [raw_survey_exports if survey else raw_poll_exports],
        partition_key=WAVE if survey else None,
        instance=instance,
        resources={"barometre": settings},
        raise_on_error=False,
    )
    failures = [event for event in result.all_events if event.is_step_failure]
    if not failures:
        return None
    return failures[0].step_failure_data.user_failure_data.description


def raw_layer(warehouse: Path) -> dict[str, list[tuple]]:
    """What the raw layer holds, table by table (the load metadata and the cells)."""
    database = config.WarehouseLayout(warehouse).build_db
    with duckdb.connect(str(database), read_only=True) as connection:
        return {
            table: connection.execute(f"select * from raw.{table} order by all").fetchall()
            for table in ("survey_loads", "survey_headers", "survey_cells", "poll_loads")
        }
