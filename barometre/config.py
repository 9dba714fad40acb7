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

# The folders `dagster dev` (and a schedule or sensor) works on when the definitions are loaded
# without the CLI, whose options say them instead.
LANDING_ENV = "BAROMETRE_LANDING"
WAREHOUSE_ENV = "BAROMETRE_WAREHOUSE"
# Where the parsed dbt project (the manifest the Dagster definitions are built from) is cached,
# one folder per version of the project, outside the project (which may be read-only).
CACHE_ENV = "BAROMETRE_CACHE"
# The engines dbt builds the models with (`barometre run --engine`).
ENGINES = ("duckdb", "spark")
# The warehouse's paths profiles.yml and the raw sources read, set for each dbt command
# (orchestration/dbt/resources.py): the build database, the raw Parquet folder and where
# Spark works.
BUILD_DB_ENV = "BAROMETRE_BUILD_DB"
RAW_PARQUET_ENV = "BAROMETRE_RAW_PARQUET"
SPARK_DIR_ENV = "BAROMETRE_SPARK_DIR"
# The Spark Connect server a Spark build goes through (`barometre run --spark-remote`), for
# profiles.yml's spark_connect output.
SPARK_REMOTE_ENV = "BAROMETRE_SPARK_REMOTE"

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
        """dbt's files for this warehouse: the parse state every dbt command on the warehouse
        starts from, and the build folders (runs/)."""
        return self.root / "build" / "dbt"

    @property
    def dbt_runs_dir(self) -> Path:
        """One target folder per dbt build (compiled SQL, run_results.json), the latest kept."""
        return self.dbt_dir / "runs"

    @property
    def logs_dir(self) -> Path:
        """dbt's log, dbt.log (rotated by dbt at 10 MB, five old files kept), and each run's log
        (<run id>.log, the latest kept)."""
        return self.root / "logs"

    @property
    def dagster_dir(self) -> Path:
        """The warehouse's Dagster instance (DAGSTER_HOME of `barometre dev`): every run's
        history, shared by `barometre run` and the Dagster UI."""
        return self.root / "dagster"

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


def default_landing() -> Path:
    """The landing folder when no option names one: BAROMETRE_LANDING, else the sample."""
    return Path(os.environ.get(LANDING_ENV, SAMPLE_LANDING_DIR)).resolve()


def default_warehouse() -> WarehouseLayout:
    """The warehouse when no option names one: BAROMETRE_WAREHOUSE, else ./warehouse."""
    return WarehouseLayout(Path(os.environ.get(WAREHOUSE_ENV, "warehouse")).resolve())


def cache_dir() -> Path:
    """BAROMETRE_CACHE, else $XDG_CACHE_HOME/barometre (~/.cache/barometre)."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV]).resolve()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).resolve() / "barometre"
