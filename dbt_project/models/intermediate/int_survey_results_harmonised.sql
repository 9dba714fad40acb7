-- survey_results in harmonised terms: every row gets its stable item and answer codes, the
-- harmonised answer label, the question's comparability with the previous wave that asked it,
-- and, on the same group (same base), that wave's percentage and the change in points.
-- The change is only given when the question is identical or only reworded since then.
with results as (

    select * from {{ ref('int_survey_results') }}

),

questions as (

    select wave, question_id, comparability from {{ ref('question_crosswalk') }}

),

items as (

    select wave, question_id, item_label, item_code from {{ ref('survey_question_items') }}

),

answers as (

    select wave, question_id, answer_label, answer_code, harmonised_label
    from {{ ref('answer_crosswalk') }}

),

-- the no-answer row has its own code, in every wave (seed answer_conventions)
no_answer as (

    select answer_label, answer_code from {{ ref('answer_conventions') }}
    where convention = 'no_answer'

),

thresholds as (

    select value as small_base from {{ ref('reporting_thresholds') }}
    where threshold = 'small_base'

),

coded as (

    select
        results.*,
        questions.comparability,
        items.item_code,
        coalesce(no_answer.answer_code, answers.answer_code) as answer_code,
        coalesce(no_answer.answer_label, answers.harmonised_label) as harmonised_label
    from results
    inner join questions
        on results.wave = questions.wave
        and results.question_id = questions.question_id
    left join items
        on results.wave = items.wave
        and results.question_id = items.question_id
        and results.item_label = items.item_label
    left join answers
        on results.wave = answers.wave
        and results.question_id = answers.question_id
        and results.answer_label = answers.answer_label
    left join no_answer
        on results.answer_label = no_answer.answer_label

),

with_previous as (

    select
        *,
        lag(wave) over (
            partition by question_id, item_code, answer_code, group_label order by wave
        ) as previous_wave,
        lag(pct) over (
            partition by question_id, item_code, answer_code, group_label order by wave
        ) as previous_pct,
        lag(pct_rounded) over (
            partition by question_id, item_code, answer_code, group_label order by wave
        ) as previous_pct_rounded
    from coded

)

select
    wave,
    theme,
    question_id,
    question_type,
    question_text,
    comparability,
    item_code,
    item_label,
    answer_code,
    answer_label,
    harmonised_label,
    group_label,
    n,
    n_answered,
    n_group,
    n_group < thresholds.small_base as is_small_base,
    pct,
    pct_answered,
    pct_rounded,
    previous_wave,
    previous_pct,
    case
        when comparability in ('identical', 'reworded') then pct - previous_pct
    end as change_pts,
    case
        when comparability in ('identical', 'reworded') then pct_rounded - previous_pct_rounded
    end as change_pts_rounded,
    question_order,
    item_order,
    answer_order,
    group_order
from with_previous
cross join thresholds
