-- Every answer of every retained respondent, one row per answered cell (single choice, array
-- row, ranking position, multi-select item ticked or not), in harmonised terms: stable item
-- and answer codes beside the wave's own labels. Free text, uploads and personal columns are
-- not here: they never leave the raw layer.
with answers as (

    select * from {{ ref('stg_limesurvey__answers') }}
    where column_kind in ('single_choice', 'multi_select', 'array', 'ranking')
        and answer_status = 'answered'

),

retained as (

    select respondent_key from {{ ref('int_respondents_classified') }} where is_retained

),

columns as (

    select wave, column_position, item_code from {{ ref('stg_limesurvey__columns') }}

),

crosswalk as (

    select wave, question_id, answer_label, answer_code, harmonised_label
    from {{ ref('answer_crosswalk') }}

)

select
    answers.respondent_key,
    answers.wave,
    answers.question_id,
    answers.question_type,
    columns.item_code,
    answers.item_label,
    crosswalk.answer_code,
    crosswalk.harmonised_label,
    answers.answer_value as answer_label
from answers
inner join retained
    on answers.respondent_key = retained.respondent_key
inner join columns
    on answers.wave = columns.wave
    and answers.column_position = columns.column_position
left join crosswalk
    on answers.wave = crosswalk.wave
    and answers.question_id = crosswalk.question_id
    and answers.answer_value = crosswalk.answer_label
