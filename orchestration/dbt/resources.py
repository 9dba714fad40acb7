"""The dbt project and the dbt CLI as the pipeline runs them: the one place dbt's environment is
set, and where each dbt command writes (never into the project, which may be read-only)."""

import importlib.metadata
import os
import sys
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliInvocation, DbtCliResource, DbtProject
from packaging import version

from barometre import config
from barometre.project import tree_digest

# dbt's command line, one parse of the project serving every warehouse (executable.py)
DBT_EXECUTABLE = Path(sys.executable).with_name("barometre-dbt")
# dbt-spark's session method asks for Hive support before each statement, a static setting a
# Spark Connect session cannot change: pyspark would warn hundreds of times. That warning only.
_CONNECT_HIVE_WARNING = "ignore:Failed to set spark.sql.catalogImplementation:UserWarning"
_MANIFEST_INPUTS = ("dbt_project.yml", "models", "macros", "tests")


def project_digest() -> str:
    """Hash of everything `dbt parse` reads, to skip the parse when nothing changed."""
    roots = [config.DBT_PROJECT_DIR / name for name in _MANIFEST_INPUTS]
    roots += [config.SEEDS_DIR, config.REPO_ROOT / "profiles.yml"]
    return tree_digest(roots, config.REPO_ROOT)


# The parsed project the Dagster definitions are built from, cached outside the project by
# version (a copy of the project with other seeds is another version).
MANIFEST_DIR = config.cache_dir() / "dbt" / project_digest()[:16]
DBT_PROJECT = DbtProject(
    project_dir=config.DBT_PROJECT_DIR, profiles_dir=config.REPO_ROOT, target_path=MANIFEST_DIR
)


class BarometreDbtCliResource(DbtCliResource):
    """dagster-dbt's dbt CLI resource without two start-up costs of each invocation that the
    pipeline does not need: a `dbt --version` process (about 2 s here, once per run) and an
    in-process dbt adapter (about 1 s, at each dbt command). tests/test_dbt_translator.py checks
    that dagster-dbt still has both methods and that the version is the executable's."""

    @cached_property
    def _cli_version(self) -> version.Version:
        # instead of running `dbt --version`: the dbt beside this interpreter is this dbt-core
        return version.parse(importlib.metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:
        # the in-process adapter only serves fetch_row_counts / fetch_column_metadata (unused)
        return None


dbt_resource = BarometreDbtCliResource(project_dir=DBT_PROJECT, dbt_executable=str(DBT_EXECUTABLE))


def run_dbt(
    dbt: DbtCliResource,
    args: Sequence[str],
    target: Path,
    layout: config.WarehouseLayout | None = None,
    context: dg.AssetExecutionContext | None = None,
    spark_remote: str = "",
) -> DbtCliInvocation:
    """Start a dbt command writing its artefacts to `target`, on the warehouse `layout` when
    the command reads or writes one, through the Spark Connect server `spark_remote` when the
    command builds on one. The one place dbt's environment is set: dagster-dbt hands this
    process's environment to dbt, whose profile and raw sources read the warehouse's paths
    (and the server) from it."""
    log_folder = target
    if layout is not None:
        os.environ[config.BUILD_DB_ENV] = str(layout.build_db)
        os.environ[config.RAW_PARQUET_ENV] = str(layout.raw_parquet_dir)
        os.environ[config.SPARK_DIR_ENV] = str(layout.spark_dir)
        log_folder = layout.logs_dir
    if spark_remote:
        os.environ[config.SPARK_REMOTE_ENV] = spark_remote
        filters = [f for f in os.environ.get("PYTHONWARNINGS", "").split(",") if f]
        if _CONNECT_HIVE_WARNING not in filters:
            os.environ["PYTHONWARNINGS"] = ",".join([*filters, _CONNECT_HIVE_WARNING])
    # flags, as dagster-dbt sets DBT_LOG_PATH to the target folder. dbt's file log at info
    # unless DBT_LOG_LEVEL_FILE says otherwise: at debug, dbt's default, it held every statement
    # (about 8 MB a build of the sample, the compiled SQL is in the target folder anyway) and
    # cost about 1.5 s of CPU a build
    level = os.environ.get("DBT_LOG_LEVEL_FILE", "info")
    flags = ["--log-path", str(log_folder), "--log-level-file", level]
    return dbt.cli([*args, *flags], target_path=target, context=context)
