-- marts.responses recounted: respondents per wave, question, item and answer, beside the
-- "Total" count that survey_results publishes for the same cell. They must agree.
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
left join recounted
    on results.wave = recounted.wave
    and results.question_id = recounted.question_id
    and results.item_label is not distinct from recounted.item_label
    and results.answer_label = recounted.answer_label
where results.group_label = 'Total' and results.answer_label <> 'Sans réponse'
