-- One row per export column: the header parsed into question code, stem and item label, and
-- classified with the question crosswalk. Headers are whitespace-normalised before being used
-- as keys. Waves whose crosswalk lists LimeSurvey codes (2022) have headers like
-- "G2Q00005[SQ001]. <stem> [<item>]" and are matched on the code; the others on the stem.
with coded_waves as (

    select distinct wave from {{ ref('question_crosswalk') }} where question_code is not null

),

headers as (

    select
        headers.wave,
        headers.column_position,
        headers.header as header_raw,
        {{ normalise_whitespace('headers.header') }} as header,
        coded_waves.wave is not null as is_coded
    from {{ source('raw', 'survey_headers') }} as headers
    left join coded_waves
        on headers.wave = coded_waves.wave

),

decoded as (

    select
        wave,
        column_position,
        header_raw,
        header,
        case
            when is_coded
                then nullif({{ regexp_extract_group('header', '^([A-Za-z][A-Za-z0-9]*)(\[[^\]]*\])?\. ', 1) }}, '')
        end as question_code,
        case
            when is_coded and {{ regexp_extract_group('header', '^([A-Za-z][A-Za-z0-9]*)(\[[^\]]*\])?\. ', 1) }} <> ''
                then {{ regexp_extract_group('header', '^[A-Za-z][A-Za-z0-9]*(\[[^\]]*\])?\. (.*)$', 2) }}
            else header
        end as header_text
    from headers

),

parsed as (

    select
        wave,
        column_position,
        header_raw,
        header,
        question_code,
        case
            when header_text like 'filecount - %' then 'upload_count'
            when header_text = 'Temps total :' or header_text like 'Durée pour %' then 'timing'
        end as limesurvey_kind,
        -- "<stem> [<item>]": array row, multi-select item or ranking position
        nullif(trim({{ regexp_extract_group('header_text', '\[([^\[\]]*)\]$', 1) }}), '') as item_label,
        case
            when header_text like 'filecount - %' then trim(substr(header_text, 13))
            else header_text
        end as header_without_prefix
    from decoded

),

split as (

    select
        wave,
        column_position,
        header_raw,
        header,
        question_code,
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
    select *, coalesce(question_text, '') as question_key from {{ ref('question_crosswalk') }}

),

items as (

    select * from {{ ref('survey_question_items') }}

)

select
    split.wave,
    split.column_position,
    split.header_raw,
    split.header,
    split.question_code,
    split.question_text,
    split.item_label,
    questions.question_id,
    questions.question_order,
    questions.theme,
    questions.question_type,
    items.item_order,
    items.item_code,
    case
        when split.limesurvey_kind is not null then split.limesurvey_kind
        when questions.question_id is null then 'unknown'
        -- a multi-select's free-text item (its "other" choice) holds the respondent's own words
        when items.item_kind = 'free_text' then 'free_text'
        else questions.question_type
    end as column_kind
from split
left join questions
    on split.wave = questions.wave
    and split.limesurvey_kind is null
    and (
        split.question_code = questions.question_code
        or (questions.question_code is null and split.question_text = questions.question_key)
    )
left join items
    on questions.wave = items.wave
    and questions.question_id = items.question_id
    and split.item_label = items.item_label
