-- Every item and answer label of the results is in the wave's codebook (answer scales of
-- seeds/answer_crosswalk.csv, items of seeds/survey_question_items.csv): a label outside
-- it is label drift to map, not a new answer to publish silently.
with labels as (

    select distinct wave, question_id, question_type, item_label, answer_label
    from marts.survey_results

)

select
    labels.wave,
    labels.question_id,
    labels.item_label,
    labels.answer_label,
    case
        when labels.item_label is not null and items.item_label is null then false
        when no_answer.answer_label is not null then true
        when labels.question_type = 'multi_select' then labels.answer_label = ticked.answer_label
        else options.answer_label is not null
    end as in_codebook
from labels
-- the no-answer row and the tick label (seeds/answer_conventions.csv)
left join codebook.answer_conventions as no_answer
    on labels.answer_label = no_answer.answer_label
    and no_answer.convention = 'no_answer'
inner join codebook.answer_conventions as ticked
    on ticked.convention = 'ticked'
left join codebook.answer_crosswalk as options
    on labels.wave = options.wave
    and labels.question_id = options.question_id
    and labels.answer_label = options.answer_label
left join codebook.survey_question_items as items
    on labels.wave = items.wave
    and labels.question_id = items.question_id
    and labels.item_label = items.item_label
