-- One row per question and wave: the wave's wording and code, type, answer scale and items,
-- theme, and how comparable the question is with the previous wave that asked it. Only the
-- waves this build loaded: the crosswalk seeds know more waves than a release may hold.
with questions as (

    select * from {{ ref('question_crosswalk') }}
    where question_type <> 'metadata'
        and wave in (select wave from {{ ref('stg_limesurvey__loads') }})

),

scales as (

    select
        wave,
        question_id,
        {{ listagg_ordered('answer_label', "' / '", 'answer_order') }} as answer_scale
    from {{ ref('answer_crosswalk') }}
    group by wave, question_id

),

items as (

    select
        wave,
        question_id,
        count(*) as n_items,
        {{ listagg_ordered('item_label', "' | '", 'item_order') }} as item_labels
    from {{ ref('survey_question_items') }}
    group by wave, question_id

)

select
    questions.question_id,
    questions.wave,
    questions.theme,
    questions.question_type,
    questions.question_code,
    questions.question_text,
    scales.answer_scale,
    coalesce(items.n_items, 0) as n_items,
    items.item_labels,
    questions.shown_if,
    questions.comparability,
    questions.comparability_note,
    count(*) over (partition by questions.question_id) as n_waves,
    questions.question_order
from questions
left join scales
    on questions.wave = scales.wave
    and questions.question_id = scales.question_id
left join items
    on questions.wave = items.wave
    and questions.question_id = items.question_id
