-- One row per poll respondent and question variable answered: the code as delivered with the
-- file's value label, and the harmonised answer (key, label, order) and net of the crosswalk's
-- answer scale (seed poll_scales). A code the scale lacks keeps a null answer_key (the poll_codes
-- quality suite names it).
with poll_values as (

    select * from {{ ref('stg_ipsos__values') }}

),

questions as (

    select *
    from {{ ref('int_poll_variables_harmonised') }}
    where variable_role = 'question' and in_file

),

respondents as (

    select * from {{ ref('int_poll_respondents') }}

),

coded as (

    select
        respondents.respondent_key,
        poll_values.wave,
        poll_values.variable,
        questions.question_id,
        questions.item_id,
        questions.scale,
        poll_values.value_number,
        {{ dbt.safe_cast('poll_values.value_number', api.Column.translate_type('integer')) }} as answer_code,
        respondents.weight,
        respondents.weight_millionths
    from poll_values
    inner join questions
        on poll_values.wave = questions.wave
        and poll_values.variable = questions.variable
    inner join respondents
        on poll_values.wave = respondents.wave
        and poll_values.respondent_row = respondents.respondent_row

)

select
    coded.respondent_key,
    coded.wave,
    coded.variable,
    coded.question_id,
    coded.item_id,
    coded.scale,
    coded.value_number,
    coded.answer_code,
    value_labels.value_label as delivered_label,
    scales.answer_key,
    scales.answer_label,
    scales.answer_order,
    scales.net_key,
    scales.net_label,
    coded.weight,
    coded.weight_millionths
from coded
left join {{ ref('stg_ipsos__value_labels') }} as value_labels
    on coded.wave = value_labels.wave
    and coded.variable = value_labels.variable
    and coded.value_number = value_labels.code_number
left join {{ ref('poll_scales') }} as scales
    on coded.scale = scales.scale
    and coded.answer_code = scales.answer_code
