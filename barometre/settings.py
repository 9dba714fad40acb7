"""Where things are: the repository's own folders, the landing folder and the warehouse."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
SEEDS_DIR = REPO_ROOT / "seeds"
EXPECTATIONS_DIR = REPO_ROOT / "expectations"
SAMPLE_LANDING_DIR = REPO_ROOT / "sample_landing"
# A landing folder holding this file is synthetic data (barometre/landing.py: origin).
SYNTHETIC_MARKER = "SYNTHETIC_SAMPLE.md"

# The CLI sets these so that the Dagster definitions and assets see the run's options.
LANDING_ENV = "BAROMETRE_LANDING"
WAREHOUSE_ENV = "BAROMETRE_WAREHOUSE"
REVISE_WAVES_ENV = "BAROMETRE_REVISE_WAVES"
KEEP_RELEASES_ENV = "BAROMETRE_KEEP_RELEASES"
# Which engine dbt builds the models with (`barometre run --engine`).
ENGINE_ENV = "BAROMETRE_ENGINE"
ENGINES = ("duckdb", "spark")
# The warehouse's paths profiles.yml and the raw sources read, set for each dbt command
# (orchestration/dbt.py): the build database, the raw Parquet folder and where Spark works.
BUILD_DB_ENV = "BAROMETRE_BUILD_DB"
RAW_PARQUET_ENV = "BAROMETRE_RAW_PARQUET"
SPARK_DIR_ENV = "BAROMETRE_SPARK_DIR"

PUBLISHED_DB_NAME = "barometre.duckdb"


@dataclass(frozen=True)
class WarehouseLayout:
    """The warehouse folder: a private build database and the published file BI tools read."""

    root: Path

    @property
    def build_db(self) -> Path:
        return self.root / "build" / "barometre_build.duckdb"

    @property
    def dbt_dir(self) -> Path:
        """dbt's target folder for this warehouse: the manifest the dbt assets are defined from,
        its project digest, and the parse state every dbt command on the warehouse starts from."""
        return self.root / "build" / "dbt"

    @property
    def dbt_runs_dir(self) -> Path:
        """One target folder per dbt build (compiled SQL, run_results.json), the latest kept."""
        return self.dbt_dir / "runs"

    @property
    def logs_dir(self) -> Path:
        """dbt's log, dbt.log (rotated by dbt at 10 MB, five old files kept)."""
        return self.root / "logs"

    @property
    def dbt_artifacts_dir(self) -> Path:
        """The last dbt build's manifest and parse state, reused to generate its docs."""
        return self.root / "build" / "dbt_artifacts"

    @property
    def raw_parquet_dir(self) -> Path:
        """The raw layer as Parquet, one folder per raw table and wave (private, like build_db)."""
        return self.root / "build" / "raw_parquet"

    @property
    def spark_dir(self) -> Path:
        """Spark's working folder: the tables a Spark build writes (rewritten by each build)."""
        return self.root / "build" / "spark"

    @property
    def published_db(self) -> Path:
        """What BI tools open: a hard link to the current release's database file."""
        return self.root / PUBLISHED_DB_NAME

    @property
    def releases_dir(self) -> Path:
        return self.root / "releases"

    @property
    def current_release_link(self) -> Path:
        """Symbolic link to the current release folder (its Parquet files and release.json)."""
        return self.root / "current"

    @property
    def validation_dir(self) -> Path:
        return self.root / "validation"


def landing_dir() -> Path:
    return Path(os.environ.get(LANDING_ENV, SAMPLE_LANDING_DIR)).resolve()


def warehouse() -> WarehouseLayout:
    return WarehouseLayout(Path(os.environ.get(WAREHOUSE_ENV, "warehouse")).resolve())


def revised_waves() -> tuple[int, ...]:
    """Waves whose already published figures this run may change (`barometre run --revise`)."""
    return tuple(int(w) for w in os.environ.get(REVISE_WAVES_ENV, "").split(",") if w)


def engine() -> str:
    """The engine dbt builds with: DuckDB unless the run asks for Spark."""
    name = os.environ.get(ENGINE_ENV, ENGINES[0])
    if name not in ENGINES:
        raise ValueError(f"{ENGINE_ENV}={name!r}: expected one of {', '.join(ENGINES)}")
    return name


def keep_releases(default: int) -> int:
    return int(os.environ.get(KEEP_RELEASES_ENV, default))
