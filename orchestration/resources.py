"""The settings every asset needs (folders, revised waves, releases kept, engine), and what the
assets share: the build database's pool and the raw tables' specs."""

from contextlib import AbstractContextManager
from logging import Logger
from pathlib import Path

import dagster as dg

from barometre import config
from barometre.release.publish import DEFAULT_KEEP_RELEASES
from barometre.release.run_lock import warehouse_run_lock
from barometre.release.run_state import RunInputs

# Every asset and check reads or writes the build database, and DuckDB lets one process write
# it with no other process reading it: they all share this pool, limited to one step at a time
# by dagster.yaml (concurrency.pools.default_limit).
BUILD_DB_POOL = "barometre_duckdb"


class BarometreSettings(dg.ConfigurableResource):
    """The run's settings. `barometre run` sets them from its options (run config); without it
    (`dagster dev`, a schedule, a sensor) the folders come from BAROMETRE_LANDING and
    BAROMETRE_WAREHOUSE, else the bundled sample and ./warehouse."""

    landing_dir: str = ""
    warehouse_dir: str = ""
    revise: list[int] = []  # waves whose published figures the run may change (--revise)
    keep_releases: int = DEFAULT_KEEP_RELEASES
    engine: str = config.ENGINES[0]
    # with engine spark: the Spark Connect server to build through (sc://HOST:PORT), else
    # Spark in local mode in dbt's process
    spark_remote: str = ""

    @property
    def landing(self) -> Path:
        return Path(self.landing_dir).resolve() if self.landing_dir else config.default_landing()

    @property
    def layout(self) -> config.WarehouseLayout:
        if self.warehouse_dir:
            return config.WarehouseLayout(Path(self.warehouse_dir).resolve())
        return config.default_warehouse()

    @property
    def revised_waves(self) -> tuple[int, ...]:
        return tuple(sorted(self.revise))

    def run_inputs(self) -> RunInputs:
        """What a run with these settings depends on (the no-op check's inputs)."""
        return RunInputs(
            self.landing, self.layout, self.revised_waves, self.keep_releases, self.engine
        )

    def run_lock(self, log: Logger) -> AbstractContextManager[None]:
        """The warehouse's run lock, held by a step for its duration (already held, in process,
        when the CLI runs the steps): one run at a time touches the build database."""
        return warehouse_run_lock(self.layout.root, on_wait=log.warning)


def raw_table_specs(tables: tuple[str, ...] | list[str]) -> list[dg.AssetSpec]:
    """The raw tables one loader writes, as the assets of its multi-asset."""
    return [
        dg.AssetSpec(["raw", table], group_name="raw", kinds={"duckdb"}, skippable=False)
        for table in tables
    ]
