{#- The raw sources on Spark: tables over the raw layer's Parquet folders, one per raw table
    (barometre/ingest/raw_parquet.py writes them, one sub-folder per wave). Run at the start of every
    dbt invocation (on-run-start), replacing what an earlier build declared: a Spark Connect
    server's catalog outlives a build, and its last build may have been another warehouse's. -#}
{% macro register_raw_sources() -%}
    {{ return(adapter.dispatch('register_raw_sources', 'barometre')()) }}
{%- endmacro %}

{#- DuckDB reads the same folders where the models name a raw source (source, below). -#}
{% macro default__register_raw_sources() -%}
{%- endmacro %}

{#- dbt's source(), except that on DuckDB a raw source is the raw layer's Parquet, read by its
    full path (the staging views are read by other processes too: the quality gate). The folder
    names the warehouse: it is read from BAROMETRE_RAW_PARQUET only when a command runs, never
    while dbt parses, so that one parse of the project serves every warehouse
    (orchestration/dbt/executable.py). -#}
{% macro source(source_name, table_name) -%}
    {%- set relation = builtins.source(source_name, table_name) -%}
    {#- (a unit test's sources are its fixture rows: left to dbt) -#}
    {%- if execute and source_name == 'raw' and target.type == 'duckdb'
        and model.resource_type != 'unit_test' -%}
        {%- set root = env_var('BAROMETRE_RAW_PARQUET', 'warehouse/build/raw_parquet') -%}
        {%- set files = root ~ '/' ~ table_name ~ '/**/*.parquet' -%}
        {%- do return(relation.incorporate(external="read_parquet('" ~ files | replace("'", "''") ~ "')")) -%}
    {%- endif -%}
    {%- do return(relation) -%}
{%- endmacro %}

{% macro spark__register_raw_sources() -%}
    {%- if execute -%}
        {%- set root = env_var('BAROMETRE_RAW_PARQUET') -%}
        {%- set sources = graph.sources.values() | selectattr('source_name', 'equalto', 'raw') | list -%}
        {%- for schema in sources | map(attribute='schema') | unique -%}
            {%- do run_query('create database if not exists ' ~ schema) -%}
        {%- endfor -%}
        {%- for source in sources -%}
            {%- do run_query('drop table if exists ' ~ source.schema ~ '.' ~ source.name) -%}
            {%- do run_query(
                'create table ' ~ source.schema ~ '.' ~ source.name
                ~ " using parquet options (recursiveFileLookup 'true')"
                ~ ' location ' ~ spark_literal(root ~ '/' ~ source.name)
            ) -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
