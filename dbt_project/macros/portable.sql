{#- Engine-specific SQL goes through adapter.dispatch so the models stay portable
    (DuckDB by default; a Spark variant is provided for the same semantics). -#}

{#- Round half to even, as R's round() does: the Observatoire's published integers use it
    (18.5 -> 18, 23.5 -> 24). -#}
{% macro round_half_even(expression) -%}
    {{ return(adapter.dispatch('round_half_even', 'barometre')(expression)) }}
{%- endmacro %}

{% macro default__round_half_even(expression) -%}
    round_even({{ expression }}, 0)
{%- endmacro %}

{% macro spark__round_half_even(expression) -%}
    bround({{ expression }}, 0)
{%- endmacro %}

{#- Stable surrogate key for a respondent: wave and LimeSurvey response id, hashed. -#}
{% macro respondent_key(wave, response_id) -%}
    {{ dbt.hash(dbt.concat([dbt.cast(wave, api.Column.translate_type('string')), "'-'", dbt.cast(response_id, api.Column.translate_type('string'))])) }}
{%- endmacro %}

{#- A capture group of a regular expression match ('' when there is none). The pattern is
    written once, without SQL escaping: Spark reads backslashes in string literals as escapes,
    so it gets a raw literal. -#}
{% macro regexp_extract_group(expression, pattern, group) -%}
    {{ return(adapter.dispatch('regexp_extract_group', 'barometre')(expression, pattern, group)) }}
{%- endmacro %}

{% macro default__regexp_extract_group(expression, pattern, group) -%}
    regexp_extract({{ expression }}, '{{ pattern }}', {{ group }})
{%- endmacro %}

{% macro spark__regexp_extract_group(expression, pattern, group) -%}
    regexp_extract({{ expression }}, r'{{ pattern }}', {{ group }})
{%- endmacro %}

{#- The values of a group joined by a delimiter, in the order of another expression. dbt's
    listagg drops the order on Spark (collect_list's order is not defined), so Spark sorts
    (key, value) pairs itself. -#}
{% macro listagg_ordered(measure, delimiter_text, order_by) -%}
    {{ return(adapter.dispatch('listagg_ordered', 'barometre')(measure, delimiter_text, order_by)) }}
{%- endmacro %}

{% macro default__listagg_ordered(measure, delimiter_text, order_by) -%}
    {{ dbt.listagg(measure, delimiter_text, 'order by ' ~ order_by) }}
{%- endmacro %}

{% macro spark__listagg_ordered(measure, delimiter_text, order_by) -%}
    array_join(
        transform(
            array_sort(collect_list(struct({{ order_by }} as sort_key, {{ measure }} as item))),
            pair -> pair.item
        ),
        {{ delimiter_text }}
    )
{%- endmacro %}
