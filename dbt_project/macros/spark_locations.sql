{#- Where Spark writes a seed's or model's table: <BAROMETRE_SPARK_DIR>/<schema>.db/<table>, the
    warehouse's build/spark/ folder, which barometre/release/spark_import.py reads back. Named
    in each statement rather than left to spark.sql.warehouse.dir, which is the Spark Connect
    server's own (one setting for every warehouse it builds). Overrides dbt-spark's macro. -#}
{% macro spark__location_clause() -%}
    location {{ spark_literal(env_var('BAROMETRE_SPARK_DIR') ~ '/' ~ model.schema ~ '.db/' ~ model.alias) }}
{%- endmacro %}
