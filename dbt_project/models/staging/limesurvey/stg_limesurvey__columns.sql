-- One row per export column: the header parsed into question stem and item label, and
-- classified with the codebook. Headers are whitespace-normalised before being used as keys.
with headers as (

    select
        wave,
        column_position,
        header as header_raw,
        {{ normalise_whitespace('header') }} as header
    from {{ source('raw', 'survey_headers') }}

),

parsed as (

    select
        wave,
        column_position,
        header_raw,
        header,
        case
            when header like 'filecount - %' then 'upload_count'
            when header = 'Temps total :' or header like 'Durée pour %' then 'timing'
        end as limesurvey_kind,
        -- "<stem> [<item>]": array row, multi-select item or ranking position
        nullif(trim({{ regexp_extract_group('header', '\[([^\[\]]*)\]$', 1) }}), '') as item_label,
        case
            when header like 'filecount - %' then trim(substr(header, 13))
            else header
        end as header_without_prefix
    from headers

),

split as (

    select
        wave,
        column_position,
        header_raw,
        header,
        limesurvey_kind,
        item_label,
        case
            when item_label is null then header_without_prefix
            else trim({{ regexp_extract_group('header_without_prefix', '^(.*?)\s*\[[^\[\]]*\]$', 1) }})
        end as question_text
    from parsed

),

questions as (

    -- the seed loads the untitled column's empty text as null
    select *, coalesce(question_text, '') as question_key from {{ ref('survey_questions') }}

),

items as (

    select * from {{ ref('survey_question_items') }}

)

select
    split.wave,
    split.column_position,
    split.header_raw,
    split.header,
    split.question_text,
    split.item_label,
    questions.question_id,
    questions.question_order,
    questions.theme,
    questions.question_type,
    items.item_order,
    case
        when split.limesurvey_kind is not null then split.limesurvey_kind
        when questions.question_id is null then 'unknown'
        -- the "Autre" item of a multi-select holds the respondent's own words
        when items.item_kind = 'free_text' then 'free_text'
        else questions.question_type
    end as column_kind
from split
left join questions
    on split.wave = questions.wave
    and split.question_text = questions.question_key
    and split.limesurvey_kind is null
left join items
    on questions.wave = items.wave
    and questions.question_id = items.question_id
    and split.item_label = items.item_label
