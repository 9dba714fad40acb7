{#- A theme mart: the harmonised survey results of one theme, every wave, every group, with the
    change in points since the previous wave for comparable questions. The theme is the one
    whose mart_name in the seed survey_themes is the calling model's name, so a theme mart's
    file is only `{{ survey_theme_mart() }}`. -#}
{% macro survey_theme_mart() -%}
select results.*
from {{ ref('int_survey_results_harmonised') }} as results
inner join {{ ref('survey_themes') }} as themes
    on results.theme = themes.theme
where themes.mart_name = '{{ model.name }}'
{%- endmacro %}
