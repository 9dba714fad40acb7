{#- The model's `not_null` constraints, checked after the build: dbt-spark enforces constraints
    on Delta tables only, and the project writes Parquet. On DuckDB the marts' contracts already
    enforce them while building (dbt_project.yml); the test runs there too because the Dagster
    definitions are built from one manifest (DuckDB's), which must know every test node the Spark
    build reports: one query per mart instead of one test node per column. -#}
{% test not_null_constraints(model) %}
{%- set columns = [] -%}
{%- if execute -%}
    {%- set node = graph.nodes.values() | selectattr('resource_type', 'equalto', 'model')
        | selectattr('name', 'equalto', model.identifier) | first -%}
    {%- for column in node.columns.values() -%}
        {%- if column.constraints | selectattr('type', 'equalto', 'not_null') | list -%}
            {%- do columns.append(column.name) -%}
        {%- endif -%}
    {%- endfor -%}
{%- endif %}

select *
from {{ model }}
where {% for column in columns %}{{ ' or ' if not loop.first }}{{ column }} is null{% else %}false{% endfor %}

{% endtest %}
