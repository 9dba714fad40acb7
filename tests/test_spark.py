"""The same dbt project on Spark: `barometre run --engine spark` publishes the same marts as the
default DuckDB run. Every mart the dbt manifest publishes is compared row by row: same columns
and types, same rows, floats equal within 1e-9. The sample is built on a Spark cluster (a
standalone master, a worker and a Spark Connect server on 127.0.0.1, `--spark-remote`), the
real 2023 export in local mode: one Spark build each, both ways of running Spark covered. The
two builds run at the same time: a Spark build mostly waits (dbt on the JVM, the JVM on its
statements' start-up), about half a core each on this project's 2-core machine."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import (
    REAL_LANDING_2023,
    SAMPLE_LANDING,
    PipelineRun,
    StartedRun,
    require_module,
    require_program,
    run_pipeline,
    start_pipeline,
)

from barometre import config
from barometre.ingest.poll_loader import POLL_RAW_TABLES
from barometre.ingest.survey_loader import RAW_TABLES
from barometre.spark.cluster import LocalSparkCluster, cluster_processes, local_spark_cluster

require_module("pyspark", "Spark is an optional extra: pip install '.[spark]'")
require_program("java", "Spark needs Java 17: apt-get install openjdk-17-jre-headless")

# minutes of pipeline runs: started first, so that the test processes end together (conftest.py)
pytestmark = pytest.mark.scheduled_first(seconds=250)

TOLERANCE = 1e-9


REAL_2023_TEST = "test_real_2023_marts_are_the_same_on_spark"


@pytest.fixture(scope="module")
def real_2023_spark_build(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[StartedRun | None]:
    """The real 2023 export's build on Spark in local mode (in dbt's process, no
    --spark-remote), started with this module when its test is to run (None otherwise), so that
    it goes on beside the cluster's build; stopped at the end if still going."""
    wanted = any(item.name == REAL_2023_TEST for item in request.session.items)
    if not (wanted and REAL_LANDING_2023.exists()):
        yield None
        return
    folder = tmp_path_factory.mktemp("spark_local")
    started = start_pipeline(REAL_LANDING_2023, folder / "warehouse", "--engine", "spark")
    yield started
    started.stop()


@pytest.fixture(scope="module")
def cluster_build(
    tmp_path_factory: pytest.TempPathFactory, real_2023_spark_build: StartedRun | None
) -> tuple[PipelineRun, LocalSparkCluster]:
    """The bundled sample built on a local Spark cluster and published, once for this module:
    the cluster is started for the build and stopped after it, leaving no JVM behind (the real
    2023 export's local build is started first, to run meanwhile)."""
    folder = tmp_path_factory.mktemp("spark_cluster")
    with local_spark_cluster(folder / "cluster") as cluster:
        remote = ["--engine", "spark", "--spark-remote", cluster.remote]
        run = run_pipeline(SAMPLE_LANDING, folder / "warehouse", *remote)
    left = cluster_processes(cluster.marker)
    assert not left, f"processes of the stopped cluster still running: {left}"
    assert run.returncode == 0, run.output
    return run, cluster


@pytest.fixture(scope="module")
def spark_sample_run(cluster_build: tuple[PipelineRun, LocalSparkCluster]) -> PipelineRun:
    return cluster_build[0]


def published_marts(manifest_path: Path) -> list[str]:
    """Every mart model of a dbt manifest."""
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    return sorted(
        node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["fqn"][1] == "marts"
    )


def column_types(database: Path, table: str) -> dict[str, str]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return dict(
            connection.execute(
                "select column_name, data_type from duckdb_columns() "
                "where schema_name = 'marts' and table_name = ? order by column_index",
                [table],
            ).fetchall()
        )


def mart_rows(database: Path, table: str) -> pd.DataFrame:
    with duckdb.connect(str(database), read_only=True) as connection:
        frame = connection.execute(f"select * exclude (release_id) from marts.{table}").df()
    floats = [c for c in frame.columns if pd.api.types.is_float_dtype(frame[c])]
    # rows in a canonical order: exact columns first, floats (rounded) only to break ties
    exact = [c for c in frame.columns if c not in floats]
    order = frame[exact].astype(str).join(frame[floats].round(6).astype(str))
    return frame.loc[order.sort_values(list(order.columns)).index].reset_index(drop=True)


def differences(table: str, duckdb_rows: pd.DataFrame, spark_rows: pd.DataFrame) -> list[str]:
    """Cells that differ between the two engines' builds of a mart (at most 10 listed)."""
    found = []
    for column in duckdb_rows.columns:
        for row, (expected, actual) in enumerate(
            zip(duckdb_rows[column], spark_rows[column], strict=True)
        ):
            if not same_value(expected, actual):
                found.append(f"{table} row {row} {column}: duckdb {expected!r}, spark {actual!r}")
    return found[:10]


def same_value(expected: object, actual: object) -> bool:
    if pd.isna(expected) or pd.isna(actual):
        return bool(pd.isna(expected) and pd.isna(actual))
    if isinstance(expected, float) or isinstance(actual, float):
        return math.isclose(expected, actual, rel_tol=TOLERANCE, abs_tol=TOLERANCE)
    return expected == actual


def assert_same_marts(duckdb_run: PipelineRun, spark_run: PipelineRun) -> None:
    # the manifest the Spark run's definitions were loaded from
    manifest = config.WarehouseLayout(spark_run.warehouse).dbt_artifacts_dir / "manifest.json"
    marts = published_marts(manifest)
    assert marts, f"no mart model in {manifest}"
    for table in marts:
        types = column_types(duckdb_run.published_db, table)
        assert types, f"mart {table} is not published by the DuckDB run"
        assert column_types(spark_run.published_db, table) == types, f"{table}: columns differ"
        duckdb_rows = mart_rows(duckdb_run.published_db, table)
        spark_rows = mart_rows(spark_run.published_db, table)
        assert len(spark_rows) == len(duckdb_rows), f"{table}: row counts differ"
        assert not differences(table, duckdb_rows, spark_rows)


def test_the_sample_was_built_by_the_clusters_executor(
    cluster_build: tuple[PipelineRun, LocalSparkCluster],
) -> None:
    run, cluster = cluster_build
    dbt_output = run.log.read_text(encoding="utf-8")
    assert "(target='spark_connect')" in dbt_output, "dbt did not build through Spark Connect"
    executor_logs = list(cluster.executor_logs.glob("app-*/*/stderr"))
    assert executor_logs, f"the worker started no executor (in {cluster.executor_logs})"
    tasks = sum(log.read_text(encoding="utf-8").count("Finished task") for log in executor_logs)
    assert tasks > 100, f"the executor ran {tasks} tasks: see {executor_logs}"


def test_raw_parquet_holds_every_wave_of_the_raw_schema(spark_sample_run: PipelineRun) -> None:
    parquet = spark_sample_run.warehouse / "build" / "raw_parquet"
    with duckdb.connect(str(spark_sample_run.build_db), read_only=True) as connection:
        for loads, tables in (("survey_loads", RAW_TABLES), ("poll_loads", POLL_RAW_TABLES)):
            rows = connection.execute(f"select wave from raw.{loads}").fetchall()
            waves = {str(wave) for (wave,) in rows}
            for table in tables:
                folders = {p.name for p in (parquet / table).iterdir() if p.is_dir()}
                assert folders == waves, f"{parquet / table}: one folder per wave of raw.{loads}"
        for table in RAW_TABLES + POLL_RAW_TABLES:
            files = f"read_parquet('{parquet / table}/**/*.parquet')"
            for left, right in ((f"raw.{table}", files), (files, f"raw.{table}")):
                missing = connection.execute(
                    f"select count(*) from (from {left} except all from {right})"
                ).fetchone()[0]
                assert missing == 0, f"{parquet / table} and raw.{table} differ"


# after the tests that need only the cluster's build: this file's process starts that build at
# once, while another test process builds the DuckDB sample the comparison reads
def test_spark_publishes_the_same_marts_as_duckdb(
    sample_run: PipelineRun, spark_sample_run: PipelineRun
) -> None:
    assert_same_marts(sample_run, spark_sample_run)


@pytest.mark.real_data
def test_real_2023_marts_are_the_same_on_spark(
    request: pytest.FixtureRequest, real_2023_spark_build: StartedRun | None
) -> None:
    assert real_2023_spark_build is not None, "the real 2023 export's Spark build was not started"
    spark_run = real_2023_spark_build.wait()
    assert spark_run.returncode == 0, spark_run.output
    assert "(target='spark')" in spark_run.log.read_text(encoding="utf-8"), "not in local mode"
    # the DuckDB build asked for once Spark's is done: another test process builds it meanwhile
    real_2023_run: PipelineRun = request.getfixturevalue("real_2023_run")
    assert_same_marts(real_2023_run, spark_run)
