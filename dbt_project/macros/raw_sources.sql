{#- The raw sources on Spark: tables over the raw layer's Parquet folders, one per raw table
    (barometre/ingest/raw_parquet.py writes them, one sub-folder per wave). Run at the start of every
    dbt invocation (on-run-start), replacing what an earlier build declared: a Spark Connect
    server's catalog outlives a build, and its last build may have been another warehouse's. -#}
{% macro register_raw_sources() -%}
    {{ return(adapter.dispatch('register_raw_sources', 'barometre')()) }}
{%- endmacro %}

{#- DuckDB reads the same folders through the sources' external_location. -#}
{% macro default__register_raw_sources() -%}
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
