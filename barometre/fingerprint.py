"""Content fingerprints of the build database: the same rows give the same hash, in any order.

A release's fingerprint (its marts) says whether a build holds anything new to publish; the
build's fingerprint (its marts and the codebook the checks compare them with) is what the
quality gate's verdict is bound to.
"""

from __future__ import annotations

import duckdb

FLOAT_TYPES = ("DOUBLE", "FLOAT")


def table_names(connection: duckdb.DuckDBPyConnection, database: str, schema: str) -> list[str]:
    rows = connection.execute(
        "select table_name from duckdb_tables() "
        "where database_name = ? and schema_name = ? order by table_name",
        [database, schema],
    ).fetchall()
    return [name for (name,) in rows]


def table_columns(
    connection: duckdb.DuckDBPyConnection, database: str, schema: str, table: str
) -> list[tuple[str, str]]:
    """(name, type) of a table's columns, in order."""
    return connection.execute(
        "select column_name, data_type from duckdb_columns() "
        "where database_name = ? and schema_name = ? and table_name = ? order by column_index",
        [database, schema, table],
    ).fetchall()


def compared_value(name: str, kind: str) -> str:
    """A column's value as builds are compared. Floating-point columns are rounded to 9
    decimals: sums computed in parallel may differ in their last bits from one build to the next
    without any change in the data."""
    return f'round("{name}", 9)' if kind in FLOAT_TYPES else f'"{name}"'


def row_text(columns: list[tuple[str, str]]) -> str:
    """A row as one text value, its columns as `compared_value` gives them."""
    values = ", ".join(compared_value(name, kind) for name, kind in columns)
    return f"cast(row({values}) as varchar)"


def schema_fingerprint(connection: duckdb.DuckDBPyConnection, database: str, schema: str) -> str:
    """A hash of every table of a schema: same content, same fingerprint."""
    parts = []
    for table in table_names(connection, database, schema):
        text = row_text(table_columns(connection, database, schema, table))
        # the sum of the rows' MD5s: the same for the same rows in any order, computed in one
        # streaming pass (sorting every row into one string took gigabytes at 100x the sample)
        (digest,) = connection.execute(
            "select count(*) || ':' || coalesce(sum(md5_number_lower(row_text)), 0) || ':' "
            "|| coalesce(sum(md5_number_upper(row_text)), 0) "
            f'from (select {text} as row_text from {database}."{schema}"."{table}")'
        ).fetchone()
        parts.append(f"{table}:{digest}")
    (fingerprint,) = connection.execute("select md5(?)", ["|".join(parts)]).fetchone()
    return fingerprint
