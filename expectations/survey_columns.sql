-- Problems between each loaded export and the codebook, one row each: a header the codebook
-- does not know (its column would otherwise be silently left out), or a codebook question
-- with no column in the export. No row = no problem. (A repeated header is refused at load.)
with columns as (

    select * from staging.stg_limesurvey__columns

),

expected as (

    select questions.wave, questions.question_id, questions.question_text
    from codebook.question_crosswalk as questions
    where questions.wave in (select wave from raw.survey_loads)

),

present as (

    select distinct wave, question_id from columns where question_id is not null

)

select wave, column_position, header_raw as header, 'header not in the codebook' as problem
from columns
where column_kind = 'unknown'

union all

select
    expected.wave,
    null as column_position,
    expected.question_text as header,
    'codebook question ' || expected.question_id || ' has no column in the export' as problem
from expected
left join present
    on expected.wave = present.wave and expected.question_id = present.question_id
where present.question_id is null

