{#- Every value is the label of a group of the seed survey_groups of one of these kinds (total,
    category, stratum): the seed is the one list of groups, no test lists them again. -#}
{% test in_survey_groups(model, column_name, kinds) %}

select {{ column_name }}
from {{ model }}
where {{ column_name }} is not null
    and {{ column_name }} not in (
        select group_label from {{ ref('survey_groups') }}
        where group_kind in ('{{ kinds | join("', '") }}')
    )

{% endtest %}
