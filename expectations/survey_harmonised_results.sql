-- The harmonised results behind the theme marts: one row per result, with how many harmonised
-- labels its answer code carries across waves (a code must mean one thing everywhere).
select
    results.*,
    count(distinct results.harmonised_label) over (
        partition by results.question_id, results.answer_code
    ) as n_labels_of_code
from intermediate.int_survey_results_harmonised as results
