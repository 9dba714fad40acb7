-- One row per raw response (complete or not) with its LimeSurvey metadata, the number of
-- empty cells over the whole record (used by the Observatoire's deduplication rule) and the
-- structure name as typed, reduced to a matching key (upper case, whitespace collapsed) for
-- waves that come without the Observatoire's reference file.
with cells as (

    select * from {{ source('raw', 'survey_cells') }}

),

columns as (

    select wave, column_position, question_id from {{ ref('stg_limesurvey__columns') }}

),

records as (

    select
        cells.wave,
        cells.source_row,
        max(case when columns.question_id = 'response_id' then cells.cell_value end) as response_id,
        max(case when columns.question_id = 'submitted_at' then cells.cell_value end) as submitted_at,
        max(case when columns.question_id = 'last_page' then cells.cell_value end) as last_page,
        max(case when columns.question_id = 'start_language' then cells.cell_value end) as start_language,
        max(case when columns.question_id = 'structure_name' then cells.cell_value end) as structure_name,
        -- bigint: DuckDB would sum integers into a hugeint, Spark into a bigint
        cast(sum(case when trim(cells.cell_value) = '' then 1 else 0 end) as bigint) as n_empty_cells
    from cells
    inner join columns
        on cells.wave = columns.wave
        and cells.column_position = columns.column_position
    group by cells.wave, cells.source_row

)

select
    {{ respondent_key('wave', 'response_id') }} as respondent_key,
    wave,
    source_row,
    {{ dbt.safe_cast('response_id', api.Column.translate_type('integer')) }} as response_id,
    nullif(submitted_at, '') is not null as is_submitted,
    {{ dbt.safe_cast("nullif(last_page, '')", api.Column.translate_type('integer')) }} as last_page,
    nullif(start_language, '') as start_language,
    nullif(upper({{ normalise_whitespace('structure_name') }}), '') as typed_name_key,
    n_empty_cells
from records
