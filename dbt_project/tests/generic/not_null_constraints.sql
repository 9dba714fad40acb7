{#- The columns a model or seed declares `not_null` in its YAML (`constraints: [{type: not_null}]`),
    checked after the build by one query: one test node per table instead of one per column
    (each node costs dbt and Dagster about as much as a small model). The marts' contracts also
    enforce them while building on DuckDB; dbt-spark enforces constraints on Delta tables only,
    and the project writes Parquet. Elsewhere (staging, intermediate, seeds) no contract is
    enforced: the constraint is this test's list of columns. -#}
{% test not_null_constraints(model) %}
{%- set columns = [] -%}
{%- if execute -%}
    {%- set node = graph.nodes.values() | selectattr('resource_type', 'in', ['model', 'seed'])
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
