"""A Spark build brought into the build database, where the quality gate and publication read.

With ``barometre run --engine spark``, dbt builds every seed and model on Spark, which writes each
table as Parquet under ``<spark dir>/<schema>.db/<table>/``. Those tables then replace the
DuckDB build's in the build database (same schema and name), in one transaction: the quality
gate checks, and publication publishes, exactly what Spark built.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import duckdb

from barometre.database import connect, sql_string, transaction
from barometre.errors import BarometreError


def import_spark_tables(
    build_db: Path, spark_dir: Path, relations: Iterable[tuple[str, str]]
) -> list[str]:
    """Copy each (schema, table) Spark wrote into the build database; returns their names."""
    imported = []
    action = f"copying Spark's tables into {build_db}"
    with connect(build_db) as connection, transaction(connection, action):
        for schema, table in relations:
            folder = spark_dir / f"{schema}.db" / table
            if not any(folder.glob("*.parquet")):
                raise BarometreError(f"Spark wrote no table {schema}.{table} (in {folder})")
            connection.execute(f'create schema if not exists "{schema}"')
            _drop_view(connection, schema, table)
            connection.execute(
                f'create or replace table "{schema}"."{table}" as '
                f"select * from read_parquet({sql_string(folder / '*.parquet')})"
            )
            imported.append(f"{schema}.{table}")
    return imported


def _drop_view(connection: duckdb.DuckDBPyConnection, schema: str, name: str) -> None:
    # a DuckDB build made staging models views; a table cannot replace a view in place
    is_view = connection.execute(
        "select count(*) from duckdb_views() "
        "where database_name = current_database() and schema_name = ? and view_name = ?",
        [schema, name],
    ).fetchone()[0]
    if is_view:
        connection.execute(f'drop view "{schema}"."{name}"')
