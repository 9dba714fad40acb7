-- Every row of the published results, plus the count of an answer (null on the no-answer rows
-- of seeds/answer_conventions.csv, whose count is not part of the answered base).
select
    results.*,
    case when no_answer.answer_label is null then results.n end as n_of_an_answer
from marts.survey_results as results
left join codebook.answer_conventions as no_answer
    on results.answer_label = no_answer.answer_label
    and no_answer.convention = 'no_answer'
