{#- A theme mart: the harmonised survey results of one theme, every wave, every group, with the
    change in points since the previous wave for comparable questions. -#}
{% macro survey_theme_mart(theme) -%}
select * from {{ ref('int_survey_results_harmonised') }}
where theme = '{{ theme }}'
{%- endmacro %}
