"""The bare-DuckDB baseline: the pipeline's transformations as one SQL script, no dbt, no Dagster.

The script loads the survey exports and reference files with DuckDB's own CSV reader into the
raw layout, then creates every dbt model, in dependency order, from the SQL dbt compiled for
the pipeline's run (same views and tables, no tests, no quality gate, no publication). The poll
.sav files have no SQL reader: their raw tables, the load metadata and the seeds are copied from
the pipeline's build database beforehand, outside the timing.
"""

from __future__ import annotations

import json
import re
from graphlib import TopologicalSorter
from pathlib import Path

import duckdb

from barometre.database import sql_string
from barometre.ingest.landing import REFERENCE_COLUMNS, discover_survey_waves

DATABASE_NAME = "barometre_build"  # the compiled SQL names its relations in this catalog
_COPIED_SCHEMAS = ("raw", "codebook")
_LOADED_BY_SCRIPT = ("survey_headers", "survey_cells", "respondents_reference")
_NEVER_NULL = "\u0001barometre:no null"


def latest_build_manifest(dbt_runs: Path) -> Path:
    """The manifest dbt wrote for the last `dbt build` (it holds the compiled SQL), among the
    warehouse's dbt run folders."""
    manifests = sorted(dbt_runs.glob("*/manifest.json"), key=lambda p: p.stat().st_mtime)
    if not manifests:
        raise FileNotFoundError(f"no dbt build manifest under {dbt_runs}")
    return manifests[-1]


def prepare_database(pipeline_build_db: Path, out_dir: Path) -> Path:
    """A database holding what the script does not build: seeds, poll raw tables, load rows."""
    out_dir.mkdir(parents=True, exist_ok=True)
    database = out_dir / f"{DATABASE_NAME}.duckdb"
    database.unlink(missing_ok=True)
    with duckdb.connect(str(database)) as connection:
        connection.execute(f"attach {sql_string(pipeline_build_db)} as pipeline (read_only)")
        tables = connection.execute(
            "select schema_name, table_name from duckdb_tables() "
            "where database_name = 'pipeline' and schema_name in ?",
            [list(_COPIED_SCHEMAS)],
        ).fetchall()
        for schema, table in tables:
            connection.execute(f"create schema if not exists {schema}")
            rows = "where false" if table in _LOADED_BY_SCRIPT else ""
            connection.execute(
                f'create table {schema}."{table}" as select * from pipeline.{schema}."{table}" '
                f"{rows}"
            )
    return database


def _survey_load_sql(landing: Path) -> list[str]:
    statements = []
    for files in discover_survey_waves(landing):
        # every cell is text, an empty one included (raw keeps "" apart from nothing)
        csv = (
            f"read_csv({sql_string(files.export)}, header = false, all_varchar = true, "
            f"quote = '\"', escape = '\"', delim = ',', nullstr = '{_NEVER_NULL}', "
            "parallel = false)"
        )
        numbered = f"select row_number() over () as row_number, * from {csv}"
        cells = (
            f"(unpivot export_{files.wave} on columns(* exclude (row_number)) "
            "into name name value value)"
        )
        position = "cast(substr(name, 7) as integer) + 1"  # DuckDB names them column0...
        statements += [
            f"create temporary table export_{files.wave} as {numbered}",
            f"insert into raw.survey_headers select {files.wave}, {position}, value "
            f"from {cells} where row_number = 1",
            f"insert into raw.survey_cells select {files.wave}, row_number - 1, {position}, "
            f"value from {cells} where row_number > 1",
        ]
        if files.reference is not None:
            columns = ", ".join(f"coalesce({c}, '')" for c in REFERENCE_COLUMNS)
            statements.append(
                f"""insert into raw.respondents_reference
                    select {files.wave}, row_number() over (), {columns}
                    from read_csv({sql_string(files.reference)},
                        all_varchar = true, header = true)"""
            )
    return statements


def _model_sql(manifest_path: Path) -> list[str]:
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    models = {
        key: node for key, node in manifest["nodes"].items() if node["resource_type"] == "model"
    }
    order = TopologicalSorter(
        {
            key: [d for d in node["depends_on"]["nodes"] if d in models]
            for key, node in models.items()
        }
    ).static_order()
    # the pipeline's models read its raw Parquet (macros/raw_sources.sql): the baseline reads the
    # raw tables it loaded
    sources = {
        re.compile(rf"read_parquet\('(?:[^']|'')*/{re.escape(name)}/\*\*/\*\.parquet'\)"): (
            f"{DATABASE_NAME}.{schema}.{name}"
        )
        for schema, name in ((s["schema"], s["name"]) for s in manifest["sources"].values())
    }
    statements = []
    for key in order:
        node = models[key]
        kind = "view" if node["config"]["materialized"] == "view" else "table"
        sql = node["compiled_code"]
        for files, table in sources.items():
            sql = files.sub(table, sql)
        statements.append(f"create schema if not exists {node['schema']}")
        statements.append(f"create or replace {kind} {node['relation_name']} as (\n{sql}\n)")
    return statements


def baseline_script(landing: Path, manifest_path: Path) -> str:
    """One SQL script: the survey raw load, then every model in dependency order."""
    return ";\n\n".join(_survey_load_sql(landing) + _model_sql(manifest_path)) + ";\n"
