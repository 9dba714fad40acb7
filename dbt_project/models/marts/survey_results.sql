-- Every question of every wave tabulated by reporting group, as the Observatoire publishes it
-- (computed in int_survey_results; see its header for the rules), with the stable item and
-- answer codes and the harmonised answer label of int_survey_results_harmonised appended, and
-- its 95% interval for the groups with a national population.
select
    wave,
    theme,
    question_id,
    question_type,
    question_text,
    item_label,
    answer_label,
    group_label,
    n,
    n_answered,
    n_group,
    n_population,
    pct,
    pct_answered,
    pct_rounded,
    ci95_low,
    ci95_high,
    question_order,
    item_order,
    answer_order,
    group_order,
    item_code,
    answer_code,
    harmonised_label
from {{ ref('int_survey_results_harmonised') }}
