-- Every row of the published results, plus the count of an answer (null on "Sans réponse"
-- rows, whose count is not part of the answered base).
select
    *,
    case when answer_label <> 'Sans réponse' then n end as n_of_an_answer
from marts.survey_results
