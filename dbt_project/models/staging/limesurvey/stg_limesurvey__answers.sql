-- One row per response and answer column, with the raw and the normalised value.
-- Personal columns, free text and uploaded files are left out: they never leave the raw schema.
-- A table, not a view: the models and tests reading it would each unpivot every cell again.
{{ config(materialized='table') }}
with cells as (

    select * from {{ source('raw', 'survey_cells') }}

),

columns as (

    select * from {{ ref('stg_limesurvey__columns') }}
    where column_kind in ('single_choice', 'multi_select', 'array', 'ranking', 'upload_count', 'timing')

),

responses as (

    select wave, source_row, respondent_key from {{ ref('stg_limesurvey__responses') }}

),

-- how the export marks a cell the questionnaire's logic did not show (seed answer_conventions)
not_shown as (

    select answer_label from {{ ref('answer_conventions') }}
    where convention = 'not_shown'

),

normalised as (

    select
        responses.respondent_key,
        cells.wave,
        cells.column_position,
        columns.question_id,
        columns.question_type,
        columns.column_kind,
        columns.item_label,
        cells.cell_value as raw_value,
        {{ normalise_whitespace('cells.cell_value') }} as normalised_value
    from cells
    inner join columns
        on cells.wave = columns.wave
        and cells.column_position = columns.column_position
    inner join responses
        on cells.wave = responses.wave
        and cells.source_row = responses.source_row

)

select
    respondent_key,
    wave,
    column_position,
    question_id,
    question_type,
    column_kind,
    item_label,
    raw_value,
    case
        when normalised_value <> '' and normalised_value <> not_shown.answer_label
            then normalised_value
    end as answer_value,
    -- "empty" (not answered) and not shown by the questionnaire's logic stay distinct
    case
        when normalised_value = '' then 'empty'
        when normalised_value = not_shown.answer_label then 'not_shown'
        else 'answered'
    end as answer_status
from normalised
cross join not_shown
