"""The settings every asset needs: where the landing folder and the warehouse are."""

from contextlib import AbstractContextManager
from logging import Logger
from pathlib import Path

import dagster as dg

from barometre import settings
from barometre.run_lock import warehouse_run_lock

# Every asset and check reads or writes the build database, and DuckDB lets one process write
# it with no other process reading it: they all share this pool, limited to one step at a time
# by dagster.yaml (concurrency.pools.default_limit).
BUILD_DB_POOL = "barometre_duckdb"


class BarometreSettings(dg.ConfigurableResource):
    """Landing folder (read only) and warehouse folder; defaults come from the CLI's environment."""

    landing_dir: str = ""
    warehouse_dir: str = ""

    @property
    def landing(self) -> Path:
        return Path(self.landing_dir).resolve() if self.landing_dir else settings.landing_dir()

    @property
    def engine(self) -> str:
        return settings.engine()

    @property
    def revised_waves(self) -> tuple[int, ...]:
        return settings.revised_waves()

    @property
    def layout(self) -> settings.WarehouseLayout:
        if self.warehouse_dir:
            return settings.WarehouseLayout(Path(self.warehouse_dir).resolve())
        return settings.warehouse()

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
