-- marts.responses recounted: respondents per wave, question, item and answer, beside the
-- count that survey_results publishes for the same cell in the total of every respondent
-- (seeds/survey_groups.csv). They must agree; the no-answer rows are not answers.
with recounted as (

    select wave, question_id, item_label, answer_label, count(*) as n_responses
    from marts.responses
    group by wave, question_id, item_label, answer_label

)

select
    results.wave,
    results.question_id,
    results.item_label,
    results.answer_label,
    results.n as n_results,
    coalesce(recounted.n_responses, 0) as n_responses
from marts.survey_results as results
inner join codebook.survey_groups as everyone
    on results.group_label = everyone.group_label
    and everyone.group_kind = 'total'
    and everyone.excluded_group is null
left join codebook.answer_conventions as no_answer
    on results.answer_label = no_answer.answer_label
    and no_answer.convention = 'no_answer'
left join recounted
    on results.wave = recounted.wave
    and results.question_id = recounted.question_id
    and results.item_label is not distinct from recounted.item_label
    and results.answer_label = recounted.answer_label
where no_answer.answer_label is null
