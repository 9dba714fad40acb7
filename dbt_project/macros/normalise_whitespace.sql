{#- Collapse every run of whitespace, including no-break (U+00A0), narrow no-break (U+202F),
    figure (U+2007) and thin (U+2009) spaces, into one space and trim: the export's headers
    and labels mix them, and they must not break joins on text keys. The one definition of
    whitespace: the privacy scan (barometre/privacy.py) renders the DuckDB variant of this file
    to compare published text with the personal values staging normalised here. -#}
{% macro normalise_whitespace(expression) -%}
    {{ return(adapter.dispatch('normalise_whitespace', 'barometre')(expression)) }}
{%- endmacro %}

{% macro default__normalise_whitespace(expression) -%}
    trim(regexp_replace({{ expression }}, '[\s\x{00A0}\x{202F}\x{2007}\x{2009}]+', ' ', 'g'))
{%- endmacro %}

{% macro spark__normalise_whitespace(expression) -%}
    trim(regexp_replace({{ expression }}, '[\\s\\u00A0\\u202F\\u2007\\u2009]+', ' '))
{%- endmacro %}
