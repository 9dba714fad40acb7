-- Every value of a personal, free-text or upload column of the exports (a multi-select's
-- free-text item included) and every structure name of the reference files, whitespace-
-- normalised as the other staging models normalise text: what the privacy scan (barometre/privacy.py) looks
-- for in the marts. Personal data: only the scan reads it, nothing is built from it.
with columns as (

    select wave, column_position from {{ ref('stg_limesurvey__columns') }}
    where column_kind in ('personal', 'free_text', 'upload')

),

personal as (

    select {{ normalise_whitespace('cells.cell_value') }} as value
    from {{ source('raw', 'survey_cells') }} as cells
    inner join columns
        on cells.wave = columns.wave
        and cells.column_position = columns.column_position

    union

    select {{ normalise_whitespace('structure_name') }} as value
    from {{ source('raw', 'respondents_reference') }}

)

select value from personal
where value <> ''
