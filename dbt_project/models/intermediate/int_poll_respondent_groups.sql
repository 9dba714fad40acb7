-- Which reporting groups each poll respondent counts in (one row per respondent and group):
-- "Ensemble", and for every quota variable of the crosswalk (sex, age band, occupation of the
-- household's reference person, urban-area size, region) the group of its harmonised code.
with respondents as (

    select * from {{ ref('int_poll_respondents') }}

),

quotas as (

    select wave, variable, question_id, question_text, question_order, scale
    from {{ ref('int_poll_variables_harmonised') }}
    where variable_role = 'quota' and in_file

),

quota_values as (

    select
        poll_values.wave,
        poll_values.respondent_row,
        quotas.question_id as breakdown_id,
        quotas.question_text as breakdown_label,
        quotas.question_order as breakdown_order,
        scales.answer_key as group_key,
        scales.answer_label as group_label,
        scales.answer_order
    from {{ ref('stg_ipsos__values') }} as poll_values
    inner join quotas
        on poll_values.wave = quotas.wave
        and poll_values.variable = quotas.variable
    inner join {{ ref('poll_scales') }} as scales
        on quotas.scale = scales.scale
        and {{ dbt.safe_cast('poll_values.value_number', api.Column.translate_type('integer')) }} = scales.answer_code

)

select
    respondents.respondent_key,
    respondents.wave,
    'total' as breakdown_id,
    'Ensemble' as breakdown_label,
    0 as breakdown_order,
    'total' as group_key,
    'Ensemble' as group_label,
    0 as group_order,
    respondents.weight,
    respondents.weight_millionths
from respondents

union all

select
    respondents.respondent_key,
    respondents.wave,
    quota_values.breakdown_id,
    quota_values.breakdown_label,
    quota_values.breakdown_order,
    quota_values.group_key,
    quota_values.group_label,
    100 * quota_values.breakdown_order + quota_values.answer_order as group_order,
    respondents.weight,
    respondents.weight_millionths
from quota_values
inner join respondents
    on quota_values.wave = respondents.wave
    and quota_values.respondent_row = respondents.respondent_row
