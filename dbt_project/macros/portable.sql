{#- Engine-specific SQL goes through adapter.dispatch so the models stay portable
    (DuckDB by default; a Spark variant is provided for the same semantics). -#}

{#- Collapse every run of whitespace, including no-break (U+00A0), narrow no-break (U+202F),
    figure (U+2007) and thin (U+2009) spaces, into one space and trim: the export's headers
    and labels mix them, and they must not break joins on text keys. -#}
{% macro normalise_whitespace(expression) -%}
    {{ return(adapter.dispatch('normalise_whitespace', 'barometre')(expression)) }}
{%- endmacro %}

{% macro default__normalise_whitespace(expression) -%}
    trim(regexp_replace({{ expression }}, '[\s\x{00A0}\x{202F}\x{2007}\x{2009}]+', ' ', 'g'))
{%- endmacro %}

{% macro spark__normalise_whitespace(expression) -%}
    trim(regexp_replace({{ expression }}, '[\\s\\u00A0\\u202F\\u2007\\u2009]+', ' '))
{%- endmacro %}

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
